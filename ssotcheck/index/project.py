"""ProjectIndex: modules, symbols (re-exports resolved), class hierarchy, import graph.

Built once per run from FileFacts; every check reads it and nothing else.
"""

from __future__ import annotations

import builtins
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from ssotcheck.index.modules import (
    ModuleInfo,
    build_module_table,
    extension_module_names,
    source_roots,
)
from ssotcheck.model import ClassFact, FileFacts, ImportFact

if TYPE_CHECKING:
    import networkx as nx

# Edge kinds; an edge holds every kind any of its imports has.
MODULE_LEVEL = "module"
IN_FUNCTION = "function"
TYPE_CHECKING_KIND = "type_checking"
IN_TRY = "try"
IN_MAIN_GUARD = "main"  # under `if __name__ == "__main__":`, runs only as a script
# The import names a first-party module or name that does not exist (SSOT205): at run time
# it raises ImportError, so its edge never closes an import cycle.
DANGLING = "dangling"

# Top-level names an installed module answers whatever the project holds (a folder
# without `__init__.py` loses to a regular package anywhere on `sys.path`). The
# regression-test package `test` ships with CPython but is not in stdlib_module_names.
STDLIB_TOPS = frozenset(sys.stdlib_module_names) | {"test"}

# Names every module has without binding them.
MODULE_DUNDERS = frozenset({
    "__name__", "__file__", "__doc__", "__package__", "__spec__", "__loader__", "__path__",
    "__builtins__", "__cached__", "__dict__", "__annotations__", "__all__"})


@dataclass(frozen=True, slots=True)
class ImportEdge:
    importer: str
    imported: str
    line: int
    kind: str  # one of the kinds above, the first that applies in `edge_kind`'s order
    fact: ImportFact


@dataclass(frozen=True, slots=True)
class ClassRef:
    """A class definition located in the project."""

    module: str
    path: str
    fact: ClassFact
    # Every check keys its memo tables by this; computing it once per class instead of on
    # each access is a measurable share of a run on 40,000 classes.
    qualified: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "qualified", f"{self.module}.{self.fact.qualname}")


@dataclass(frozen=True, slots=True)
class BaseResolution:
    """Where a base class expression leads: a project class, an external name, or nowhere."""

    text: str
    qualified: str | None  # "pkg.mod.Class" or "unittest.TestCase"
    internal: bool
    reason: str = ""  # why it could not be resolved (star import, unknown name ...)


@dataclass(frozen=True, slots=True)
class DanglingImport:
    """What an import names that does not exist.

    kind "module": no file or namespace folder provides `module` (`provider` is its
    deepest existing prefix); kind "name": `module` exists but binds no `name` and has no
    such submodule.
    """

    kind: str
    module: str  # the absolute module the import names
    name: str | None  # the missing name (kind "name")
    provider: str  # kind "module": the deepest prefix of `module` that exists

    @property
    def missing(self) -> str:
        """The dotted path that does not exist."""
        return f"{self.module}.{self.name}" if self.kind == "name" else self.module


_MISSING = object()


def _edge_factory() -> "Callable[[str, str, int, str, ImportFact], ImportEdge]":
    """ImportEdge(...) without the frozen dataclass's per-field `object.__setattr__`: there
    is one edge per import (~150,000 on a large project)."""
    setters = [ImportEdge.__dict__[n].__set__ for n in
               ("importer", "imported", "line", "kind", "fact")]
    s_importer, s_imported, s_line, s_kind, s_fact = setters
    make = object.__new__

    def new(importer: str, imported: str, line: int, kind: str, fact: ImportFact) -> ImportEdge:
        e = make(ImportEdge)
        s_importer(e, importer)
        s_imported(e, imported)
        s_line(e, line)
        s_kind(e, kind)
        s_fact(e, fact)
        return e

    return new


def edge_kind(fact: ImportFact) -> str:
    """The kind of an import's edge: the first flag that holds, in this order. Function
    and main-guard imports come first because, whatever else holds for them, neither
    runs as part of loading the module (a function's runs late, a guarded one only when
    the file is run as a script): a function import under TYPE_CHECKING is "function",
    a guarded import in a `try:` shim or under TYPE_CHECKING is "main"."""
    if fact.in_function:
        return IN_FUNCTION
    if fact.in_main_guard:
        return IN_MAIN_GUARD
    if fact.type_checking:
        return TYPE_CHECKING_KIND
    if fact.in_try:
        return IN_TRY
    return MODULE_LEVEL


_new_edge = _edge_factory()


def _class_ref_factory() -> "Callable[[str, str, ClassFact], ClassRef]":
    """ClassRef(...) without the frozen dataclass's `__init__`/`__post_init__` round trip:
    the index builds one per class (~40,000 on a large project)."""
    s_module, s_path, s_fact, s_qualified = [ClassRef.__dict__[n].__set__ for n in
                                             ("module", "path", "fact", "qualified")]
    make = object.__new__

    def new(module: str, path: str, fact: ClassFact) -> ClassRef:
        ref = make(ClassRef)
        s_module(ref, module)
        s_path(ref, path)
        s_fact(ref, fact)
        s_qualified(ref, f"{module}.{fact.qualname}")
        return ref

    return new


_new_class_ref = _class_ref_factory()


@dataclass(slots=True)
class _ImportSites:
    """Every first-party module's imports by the module they name, so that "who imports X?"
    looks at the few imports that can reach X instead of all of them."""

    # absolute module an import statement names -> (importer, import)
    by_module: dict[str, list[tuple[str, ImportFact]]] = field(default_factory=dict)
    # dotted prefix -> the named absolute modules strictly below it
    below: dict[str, set[str]] = field(default_factory=dict)


_TABLES: dict[tuple[tuple[str, ...], tuple[str, ...]],
              tuple[dict[str, ModuleInfo], dict[str, str]]] = {}


def module_table(paths: tuple[str, ...], roots: tuple[str, ...]
                  ) -> tuple[dict[str, ModuleInfo], dict[str, str]]:
    """`build_module_table`, once per file list and roots in a process: an incremental run
    makes two indexes of the same files (edited facts, and all of them), and the table
    of 10^4 paths costs a tenth of a second. Nothing changes the tables once built."""
    key = (paths, roots)
    table = _TABLES.get(key)
    if table is None:
        if len(_TABLES) >= 4:
            _TABLES.clear()
        table = _TABLES[key] = build_module_table(list(paths), roots)
    return table


class ProjectIndex:
    def __init__(self, root: Path, facts: list[FileFacts], src: tuple[str, ...] = (".",),
                 extensions: tuple[str, ...] = ()) -> None:
        self.root = root
        self._files: dict[str, FileFacts] | None = {
            f.path: f for f in sorted(facts, key=lambda f: f.path)}
        self._load: Callable[[], list[FileFacts]] | None = None
        self._setup(tuple(self._files), src, extensions)

    @classmethod
    def deferred(cls, root: Path, paths: tuple[str, ...] | list[str],
                 load: Callable[[], list[FileFacts]],
                 src: tuple[str, ...] = (".",), extensions: tuple[str, ...] = ()
                 ) -> "ProjectIndex":
        """An index whose facts are loaded on first use. A run answered from the results
        cache needs only the file list; `graph` or `fix` on it still see every fact."""
        self = cls.__new__(cls)
        self.root = root
        self._files = None
        self._load = load
        self._setup(tuple(sorted(paths)), src, extensions)
        return self

    @property
    def files(self) -> dict[str, FileFacts]:
        if self._files is None:
            assert self._load is not None
            loaded = sorted(self._load(), key=lambda f: f.path)
            self._files = {f.path: f for f in loaded}
            self._load = None
        return self._files

    def _setup(self, paths: tuple[str, ...], src: tuple[str, ...],
               extensions: tuple[str, ...]) -> None:
        self.paths: tuple[str, ...] = paths  # every analysed file, sorted (no facts needed)
        self.roots = source_roots(self.root, src, paths)
        self._src = src
        self.modules, self.module_of = module_table(paths, self.roots)
        # Extension module files (`.pyx`, `.pyi`, `.so`, `.pyd`): their modules exist,
        # their names are unknown.
        self.extension_paths = extensions
        self.extensions = extension_module_names(extensions, self.roots).difference(
            self.modules)
        self._symbol_memo: dict[tuple[str, str], tuple[str, str] | None] = {}
        # Rules ask the same questions about the same imports and bases many times over
        # (every check classifies every class); all answers are pure functions of the facts.
        self._absolute_memo: dict[tuple[str, int, str], str] = {}
        self._target_memo: dict[tuple[str, str, int, str | None], tuple[str, str | None]] = {}
        self._base_memo: dict[tuple[str, str], BaseResolution] = {}
        self._bases_memo: dict[tuple[str, int], tuple[ClassFact, tuple[BaseResolution, ...]]] = {}
        self._ancestors_memo: dict[str, tuple[tuple[str, ...], tuple[BaseResolution, ...]]] = {}
        self._prefix_memo: dict[str, str | None] = {}
        self._defined_memo: dict[str, set[str] | frozenset[str]] = {}
        self._bindings_memo: dict[str, dict[str, ImportFact]] = {}
        self._aliases_memo: dict[str, dict[str, tuple[str, ...]]] = {}
        self._aliases_active: set[tuple[str, str]] = set()
        self._star_memo: dict[str, bool] = {}
        self._star_targets_memo: dict[str, tuple[str, ...]] = {}
        self._module_fan_in_memo: dict[str, int] = {}
        self._symbol_fan_in_memo: dict[tuple[str, str], frozenset[str]] = {}
        self._dangling_memo: dict[tuple[str, str, int, str | None], DanglingImport | None] = {}
        self._provides_memo: dict[tuple[str, str], bool | None] = {}

    # ------------------------------------------------------------------ modules
    def facts_for_module(self, module: str) -> FileFacts | None:
        info = self.modules.get(module)
        return self.files.get(info.path) if info else None

    def is_first_party(self, module: str) -> bool:
        return module in self.modules

    def package_of(self, module: str) -> str:
        info = self.modules.get(module)
        if info is not None and info.is_package:
            return module
        return module.rpartition(".")[0]

    def absolute_module(self, importer: str, fact: ImportFact) -> str:
        """The module an import statement names, with relative levels resolved."""
        if fact.level == 0:
            return fact.module
        key = (importer, fact.level, fact.module)
        memo = self._absolute_memo.get(key)
        if memo is None:
            memo = self._absolute_memo[key] = self._absolute(importer, fact)
        return memo

    def _absolute(self, importer: str, fact: ImportFact) -> str:
        base = self.package_of(importer)
        parts = base.split(".") if base else []
        up = fact.level - 1
        if up > len(parts):
            return fact.module  # beyond the top-level package: leave as written
        parts = parts[: len(parts) - up] if up else parts
        if fact.module:
            parts.append(fact.module)
        return ".".join(parts)

    def import_target(self, importer: str, fact: ImportFact) -> tuple[str, str | None]:
        """(module, name) the import refers to. `from a.b import c` is module `a.b.c` when
        that module exists in the project, else name `c` in `a.b`."""
        # Absolute imports mean the same in every module: share their answers project-wide.
        key = (importer if fact.level else "", fact.module, fact.level, fact.name)
        memo = self._target_memo.get(key)
        if memo is not None:
            return memo
        mod = self.absolute_module(importer, fact)
        if fact.name is None or fact.name == "*":
            memo = (mod, fact.name)
        else:
            sub = f"{mod}.{fact.name}" if mod else fact.name
            memo = (sub, None) if sub in self.modules else (mod, fact.name)
        self._target_memo[key] = memo
        return memo

    # ------------------------------------------------------------------ symbols
    # The tables below are built per module on first use: checks resolve names in the
    # modules that define, import or re-export them, often far from every module.
    def _defined(self, module: str) -> set[str] | frozenset[str]:
        """Top-level names `module` defines: classes, functions, assigned constants."""
        names = self._defined_memo.get(module)
        if names is None:
            info = self.modules.get(module)
            if info is None:
                names = frozenset()
            else:
                names = self.files[info.path].defined_names()
            self._defined_memo[module] = names
        return names

    def _bindings(self, module: str) -> dict[str, ImportFact]:
        """Local name -> the import that binds it in `module` (module-level imports only;
        the first one wins)."""
        table = self._bindings_memo.get(module)
        if table is None:
            table = {}
            info = self.modules.get(module)
            for imp in self.files[info.path].imports if info is not None else ():
                name = imp.name
                if imp.in_function or name == "*":
                    continue
                # ImportFact.bound_name, inlined: nearly every module's table is built.
                bound = imp.alias or (name if name is not None else imp.module.split(".")[0])
                if bound not in table:
                    table[bound] = imp
            self._bindings_memo[module] = table
        return table

    def resolve_symbol(self, module: str, name: str, _depth: int = 0) -> tuple[str, str] | None:
        """Follow re-exports to the module that defines `name`: ("pkg.core", "Thing").

        Returns (module, name) for first-party definitions, ("ext.module", "Name") for a
        name imported from outside the project, or None when it cannot be resolved.
        """
        key = (module, name)
        if key in self._symbol_memo:
            return self._symbol_memo[key]
        self._symbol_memo[key] = None  # cycle guard
        result: tuple[str, str] | None = None
        if _depth < 50:
            if module not in self.modules:
                result = (module, name)  # external: the best we can say
            elif name in self._defined(module) and name not in self._bindings(module):
                result = (module, name)
            elif name in self._bindings(module):
                imp = self._bindings(module)[name]
                if imp.name is None:  # `import a.b` binds `a`; `import a.b as x` binds a.b
                    result = (imp.module if imp.alias else imp.module.split(".")[0], "")
                else:
                    target_mod, target_name = self.import_target(module, imp)
                    result = ((target_mod, "") if target_name is None
                              else self.resolve_symbol(target_mod, target_name, _depth + 1))
            elif f"{module}.{name}" in self.modules:
                result = (f"{module}.{name}", "")
            elif name in self._defined(module):
                result = (module, name)
            elif self._star_targets(module):
                result = self._resolve_star(module, name, _depth)
        self._symbol_memo[key] = result
        return result

    # Star imports. `from x import *` binds x's `__all__` names when x has a literal
    # `__all__`, else every module-level name of x not starting with `_`. Statically,
    # explicit definitions and imports of a module win over its star imports wherever they
    # stand (at run time a later statement shadows an earlier one), and star imports are
    # tried in source order, depth first: `from a import *` binds what `a` itself got from
    # its own star imports. Only the name asked for is looked up in each star-imported
    # module, so the incremental contract (look defined names up only by referenced names)
    # holds.
    def _star_targets(self, module: str) -> tuple[str, ...]:
        """First-party modules `module` star-imports at module level, in source order."""
        found = self._star_targets_memo.get(module)
        if found is None:
            out: list[str] = []
            info = self.modules.get(module)
            for imp in self.files[info.path].imports if info is not None else ():
                if imp.name != "*" or imp.in_function:
                    continue
                target = self.import_target(module, imp)[0]
                if target in self.modules and target != module and target not in out:
                    out.append(target)
            found = self._star_targets_memo[module] = tuple(out)
        return found

    def _star_exports(self, module: str, name: str) -> bool:
        """Whether `from module import *` can bind `name`."""
        all_names = self.files[self.modules[module].path].all_names
        return name in all_names if all_names is not None else not name.startswith("_")

    def _binds_directly(self, module: str, name: str) -> bool:
        """Whether `name` is in `module`'s namespace without its star imports: defined,
        bound by an explicit import, or a submodule its `__all__` lists (a star import of a
        package imports those)."""
        if name in self._defined(module) or name in self._bindings(module):
            return True
        all_names = self.files[self.modules[module].path].all_names
        return all_names is not None and name in all_names and f"{module}.{name}" in self.modules

    def _resolve_star(self, module: str, name: str, depth: int) -> tuple[str, str] | None:
        """`name` through `module`'s star imports: the first star-imported module (depth
        first, source order, each module once) that binds it directly decides, even when
        its own answer is None (a binding that leads nowhere or around a cycle), as an
        explicit import does. Which module decides depends on the facts only, never on
        what was asked before, so a cycle through explicit re-exports and star imports
        resolves to None from every module on it, in whatever order they are asked.
        Modules passed through are not memoised: in a star cycle their own answer can
        differ from the one seen from here."""
        seen = {module}
        stack = list(reversed(self._star_targets(module)))
        while stack:
            cur = stack.pop()
            if cur in seen:
                continue
            seen.add(cur)
            if not self._star_exports(cur, name):
                continue
            if self._binds_directly(cur, name):
                return self.resolve_symbol(cur, name, depth + 1)
            stack.extend(reversed(self._star_targets(cur)))
        return None

    def has_star_import(self, module: str) -> bool:
        found = self._star_memo.get(module)
        if found is None:
            info = self.modules.get(module)
            found = info is not None and any(
                i.name == "*" for i in self.files[info.path].imports)
            self._star_memo[module] = found
        return found

    # --------------------------------------------------------- dangling imports
    @cached_property
    def namespaces(self) -> frozenset[str]:
        """Dotted folders that hold modules but are no module themselves (namespace
        packages, or folders of a tree without `__init__.py` files)."""
        out: set[str] = set()
        for m in (*self.modules, *self.extensions):
            head = m.rpartition(".")[0]
            while head and head not in out:
                out.add(head)
                head = head.rpartition(".")[0]
        return frozenset(out.difference(self.modules))

    def provided(self, module: str) -> bool:
        """Whether a file or a namespace folder of the project provides `module`."""
        return module in self.modules or module in self.namespaces or module in self.extensions

    def first_party_root(self, module: str) -> bool:
        """Whether an import of `module` can only be answered by this project: its top-level
        name is a project module, or a project folder that no standard-library module of
        that name shadows (a namespace folder loses to a regular package anywhere on
        `sys.path`, so `test/` without `__init__.py` is not the stdlib's `test`)."""
        return module.partition(".")[0] in self.first_party_tops

    @cached_property
    def first_party_tops(self) -> frozenset[str]:
        """The top-level names `first_party_root` accepts."""
        return frozenset(m for m in self.modules if "." not in m) | self._namespace_tops_in_use

    @cached_property
    def _namespace_tops_in_use(self) -> frozenset[str]:
        """Top-level namespace folders the project imports something that exists from, by
        absolute name. A folder nothing imports that way (`packaging/` holding release
        scripts, `test/` holding fixtures) is no evidence against an installed package or
        standard-library module of the same name."""
        tops = {n for n in self.namespaces if "." not in n}.difference(STDLIB_TOPS)
        used: set[str] = set()
        if not tops:
            return frozenset()
        for info in self.modules.values():
            for imp in self.files[info.path].imports:
                if imp.level:
                    continue
                mod = imp.module
                top, dot, _ = mod.partition(".")
                if top not in tops or top in used:
                    continue
                if (dot and self.provided(mod)) or (
                        not dot and imp.name and self.provided(f"{top}.{imp.name}")):
                    used.add(top)
        return frozenset(used)

    @cached_property
    def _overlay_suffixes(self) -> frozenset[str]:
        """Dotted tails (two components or more) of modules outside every configured source
        root. Such a file is loaded by path, not by its name here: a plugin folder, or
        ansible's `module_utils/` beside a test module, that a loader mounts under a
        package of the same last name at run time."""
        out: set[str] = set()
        for name in self.outside_roots:
            parts = name.split(".")
            out.update(".".join(parts[i:]) for i in range(len(parts) - 1))
        return frozenset(out)

    @cached_property
    def outside_roots(self) -> frozenset[str]:
        """Modules of files outside every configured source root (none when the project
        root itself is one): named from the project root for the rules' sake, but not
        importable under that name."""
        if any(r in (".", "./", "") for r in self._src):
            return frozenset()
        inner = tuple(r for r in self.roots if r)
        return frozenset(name for name, info in self.modules.items()
                         if not any(info.path.startswith(r + "/") for r in inner))

    def _overlaid(self, package: str, rest: str) -> bool:
        """Whether a module outside the source roots has the path `<last part of
        package>.<rest>`: then a loader may answer the import (see `_overlay_suffixes`)."""
        suffixes = self._overlay_suffixes
        return bool(suffixes) and f"{package.rpartition('.')[2]}.{rest}" in suffixes

    def defined_names(self, module: str) -> frozenset[str] | set[str]:
        """Top-level names `module` defines itself (classes, functions, assignments)."""
        return self._defined(module)

    def names_unknowable(self, module: str) -> bool:
        """Whether `module`'s namespace cannot be known statically: a module-level
        `__getattr__`, dynamic `globals()` updates, `sys.modules` or `__path__` tricks, or
        a file that failed to parse (SSOT000 reports it)."""
        info = self.modules.get(module)
        if info is None:
            return False
        facts = self.files[info.path]
        if facts.dynamic_names or facts.error is not None:
            return True  # a file that could not be read says nothing about its names
        defined = self._defined(module)
        return "__getattr__" in defined or "__path__" in defined

    @cached_property
    def _injected(self) -> dict[str, set[str]]:
        """Names modules get from outside: `from pkg import base` then `base.dialect = d`
        at module level gives `pkg.base` the name `dialect`."""
        out: dict[str, set[str]] = {}
        for module, info in self.modules.items():
            for target in self.files[info.path].attribute_assigns:
                head, _, attr = target.partition(".")
                mod = self.bound_module(module, head)
                if mod is not None:
                    out.setdefault(mod, set()).add(attr)
        return out

    def bound_module(self, module: str, name: str) -> str | None:
        """The module that the module-level import binding `name` of `module` names, or
        None when no import binds `name` to a module (none binds it, or it binds a name
        imported from a module, or a submodule it cannot see)."""
        imp = self._bindings(module).get(name)
        if imp is None:
            return None
        if imp.name is None:  # `import a.b as x` binds a.b; `import a.b` binds a
            return imp.module if imp.alias else name
        mod, imported = self.import_target(module, imp)
        return mod if imported is None else None

    def dangling(self, importer: str | None, fact: ImportFact) -> DanglingImport | None:
        """What `fact` (written in `importer`) names that does not exist, or None when it
        exists, is not first-party, or cannot be known statically. Star imports name a
        module only."""
        if fact.level and importer is None:
            return None
        key = (importer or "" if fact.level else "", fact.module, fact.level, fact.name)
        memo = self._dangling_memo.get(key, _MISSING)
        if memo is _MISSING:
            memo = self._dangling_memo[key] = self._dangling(importer or "", fact)
        return memo  # type: ignore[return-value]

    def _dangling(self, importer: str, fact: ImportFact) -> DanglingImport | None:
        if fact.level:
            base = self.package_of(importer)
            if not base or fact.level - 1 >= base.count(".") + 1:
                return None  # beyond the top-level package: the roots may be set wrong
        module = self.absolute_module(importer, fact)
        if not module or not self.first_party_root(module):
            return None
        if not self.provided(module):
            probe = module.rpartition(".")[0]
            while probe and not self.provided(probe):
                probe = probe.rpartition(".")[0]
            if not probe or self.names_unknowable(probe) or \
                    self._overlaid(probe, module[len(probe) + 1:]):
                return None
            return DanglingImport("module", module, None, probe)
        name = fact.name
        if name is None or name == "*":
            return None
        if self.provides_name(module, name) is False and not self._overlaid(module, name):
            parent, _, leaf = module.rpartition(".")
            if not (parent and self._overlaid(parent, leaf)):
                return DanglingImport("name", module, name, module)
        return None

    def provides_name(self, module: str, name: str) -> bool | None:
        """Whether `from module import name` finds something: a definition, an import
        binding, a submodule or folder, or a name its first-party star imports bind. None
        when that cannot be known (a dynamic namespace, a star import from outside the
        project); always None for a module outside the project."""
        key = (module, name)
        memo = self._provides_memo.get(key, _MISSING)
        if memo is not _MISSING:
            return memo  # type: ignore[return-value]
        # Around a star-import cycle absence is never proved: the guard answers "found".
        self._provides_memo[key] = True
        found = self._provides_memo[key] = self._provides_name(module, name)
        return found

    def _provides_name(self, module: str, name: str) -> bool | None:
        sub = f"{module}.{name}"
        if sub in self.modules or sub in self.namespaces or sub in self.extensions:
            return True
        info = self.modules.get(module)
        if info is None:  # an extension module's names are unknown
            return False if module in self.namespaces else None
        if name in self._defined(module) or name in self._bindings(module) or \
                name in MODULE_DUNDERS or name in self._injected.get(module, ()):
            return True
        if self.names_unknowable(module):
            return None
        unknown = False
        for imp in self.files[info.path].imports:
            if imp.name != "*" or imp.in_function:
                continue
            target = self.import_target(module, imp)[0]
            if not target or not self.first_party_root(target):
                unknown = True  # a star import from outside the project binds who knows what
                continue
            if target not in self.modules or target == module:
                continue  # a namespace folder binds no name; a missing module is reported
            if not self._star_exports(target, name):
                continue
            found = self.provides_name(target, name)
            if found:
                return True
            if found is None:
                unknown = True
        return None if unknown else False

    # ------------------------------------------------------------ class hierarchy
    @cached_property
    def classes(self) -> dict[str, ClassRef]:
        """Qualified name -> class, for every class in a named module (nested included)."""
        out: dict[str, ClassRef] = {}
        new_ref = _new_class_ref
        for mod, info in sorted(self.modules.items()):
            for c in self.files[info.path].classes:
                key = f"{mod}.{c.qualname}"
                if key not in out:
                    out[key] = new_ref(mod, info.path, c)
        return out

    @cached_property
    def _sorted_classes(self) -> tuple[ClassRef, ...]:
        classes = self.classes
        return tuple([classes[key] for key in sorted(classes)])

    def binds_at_module_level(self, module: str, name: str) -> bool:
        """Whether a module-level import of `module` binds `name` (`from x import name`,
        `import name`, `import x as name`)."""
        return name in self._bindings(module)

    def iter_classes(self) -> Iterator[ClassRef]:
        return iter(self._sorted_classes)

    def resolve_base(self, module: str, text: str) -> BaseResolution:
        """Resolve a base expression written in `module` (`Base`, `mod.Base`, `enum.Enum`)."""
        key = (module, text)
        memo = self._base_memo.get(key)
        if memo is None:
            memo = self._base_memo[key] = self._resolve_base(module, text)
        return memo

    def _resolve_base(self, module: str, text: str) -> BaseResolution:
        head, _, rest = text.partition(".")
        imp = self._bindings(module).get(head)
        if imp is not None:
            if imp.name is None:
                # `import a.b` binds `a`; `import a.b as x` binds `x` to `a.b`
                base_mod = imp.module if imp.alias else head
                full = f"{base_mod}.{rest}" if rest else base_mod
                return self._resolve_dotted(full, text)
            target_mod, target_name = self.import_target(module, imp)
            if target_name is None:  # `from pkg import submodule`
                full = f"{target_mod}.{rest}" if rest else target_mod
                return self._resolve_dotted(full, text)
            sym = self.resolve_symbol(target_mod, target_name)
            if sym is None:
                return BaseResolution(text, None, False, f"`{head}` could not be resolved")
            full = ".".join(p for p in (sym[0], sym[1], rest) if p)
            return self._resolve_dotted(full, text)
        if not rest:
            local = f"{module}.{text}"
            if local in self.classes:
                return BaseResolution(text, local, True)
            if text in self._defined(module):
                return self._via_alias(module, text, "", text)
            if self.has_star_import(module):
                sym = self._resolve_star(module, text, 0) if self._star_targets(module) else None
                if sym is None:
                    return BaseResolution(text, None, False,
                                          f"`{text}` may come from a star import")
                return self._resolve_dotted(".".join(p for p in sym if p), text)
            if hasattr(builtins, text):
                return BaseResolution(text, f"builtins.{text}", False)
            return BaseResolution(text, None, False, f"`{text}` is not defined or imported")
        if f"{module}.{head}" not in self.classes and head in self._aliases(module):
            return self._via_alias(module, head, rest, text)  # `Base = x.Base` ... `Base.Inner`
        return self._resolve_dotted(text, text)

    def _aliases(self, module: str) -> dict[str, tuple[str, ...]]:
        """Module-level `Name = value` assignments of `module`: name -> distinct values."""
        table = self._aliases_memo.get(module)
        if table is None:
            table = {}
            info = self.modules.get(module)
            for name, value in self.files[info.path].aliases if info is not None else ():
                got = table.get(name, ())
                if value not in got:
                    table[name] = (*got, value)
            self._aliases_memo[module] = table
        return table

    def _via_alias(self, module: str, name: str, rest: str, text: str) -> BaseResolution:
        """A base that is a module-level assignment in `module` (`BaseTestCase =
        SSotBaseTestCase`, `Base = x.Base`): resolved as the assigned name, in `module`.
        A computed value, several different values (`try:`/`except:` branches) or a cycle
        of aliases cannot be followed statically; the reason says which."""
        values = self._aliases(module).get(name, ())
        local = f"{module}.{name}"
        if not values:
            return BaseResolution(text, local, True, "assigned, not a class statement")
        if len(values) > 1:
            shown = ", ".join(f"`{v}`" for v in values)
            return BaseResolution(text, None, False,
                                  f"it is assigned more than once at module level ({shown}), "
                                  f"so which one applies is decided at run time")
        value = values[0]
        if not all(part.isidentifier() for part in value.split(".")) or value in (
                "None", "True", "False"):
            return BaseResolution(text, None, False,
                                  f"it is assigned a computed value at module level "
                                  f"(`{value}`), which ssotcheck cannot evaluate")
        key = (module, name)
        if key in self._aliases_active:
            return BaseResolution(text, None, False,
                                  f"it is an alias of itself through `{value}`")
        self._aliases_active.add(key)
        try:
            res = self.resolve_base(module, f"{value}.{rest}" if rest else value)
        finally:
            self._aliases_active.discard(key)
        return BaseResolution(text, res.qualified, res.internal, res.reason)

    def _resolve_dotted(self, full: str, text: str) -> BaseResolution:
        if full in self.classes:
            return BaseResolution(text, full, True)
        # Split into the longest first-party module prefix and a symbol path.
        parts = full.split(".")
        for i in range(len(parts) - 1, 0, -1):
            mod = ".".join(parts[:i])
            if mod in self.modules:
                sym = self.resolve_symbol(mod, parts[i])
                if sym is None:
                    return BaseResolution(text, None, False, f"`{full}` could not be resolved")
                resolved = ".".join(p for p in (sym[0], sym[1], *parts[i + 1:]) if p)
                if resolved in self.classes:
                    return BaseResolution(text, resolved, True)
                if sym[0] in self.modules and sym[1] and \
                        f"{sym[0]}.{sym[1]}" not in self.classes and \
                        sym[1] in self._aliases(sym[0]):
                    # an alias re-exported through another module (`pkg/__init__.py`:
                    # `BaseTestCase = SSotBaseTestCase`), followed where it is assigned
                    return self._via_alias(sym[0], sym[1], ".".join(parts[i + 1:]), text)
                internal = sym[0] in self.modules
                return BaseResolution(text, resolved, internal,
                                      "" if not internal else f"`{resolved}` is not a class")
        return BaseResolution(text, full, False)

    def class_bases(self, ref: ClassRef) -> tuple[BaseResolution, ...]:
        # Keyed by the fact's identity: two same-named classes in one module (say, in the
        # branches of an `if`) are different facts with possibly different bases.
        # The memo holds the fact itself, so its id cannot be reused while the entry lives.
        fact = ref.fact
        key = (ref.module, id(fact))
        memo = self._bases_memo.get(key)
        if memo is None or memo[0] is not fact:
            resolve, module = self.resolve_base, ref.module
            memo = (fact, tuple([resolve(module, b) for b in fact.bases]))
            self._bases_memo[key] = memo
        return memo[1]

    def ancestors(self, qualified: str) -> tuple[list[str], list[BaseResolution]]:
        """All ancestors (qualified names, project and external) in MRO-ish order, plus the
        bases along the way that could not be resolved."""
        memo = self._ancestors_memo.get(qualified)
        if memo is None:
            found, bad = self._ancestors(qualified)
            memo = self._ancestors_memo[qualified] = (tuple(found), tuple(bad))
        return list(memo[0]), list(memo[1])  # fresh lists: callers may change theirs

    def _ancestors(self, qualified: str) -> tuple[list[str], list[BaseResolution]]:
        seen: list[str] = []
        unresolved: list[BaseResolution] = []
        stack = [qualified]
        visited = {qualified}
        while stack:
            cur = stack.pop(0)
            ref = self.classes.get(cur)
            if ref is None:
                continue
            for res in self.class_bases(ref):
                if res.qualified is None:
                    unresolved.append(res)
                    continue
                if res.qualified not in visited:
                    visited.add(res.qualified)
                    seen.append(res.qualified)
                    stack.append(res.qualified)
        return seen, unresolved

    # --------------------------------------------------------------- import graph
    @cached_property
    def edges(self) -> tuple[ImportEdge, ...]:
        out: list[ImportEdge] = []
        append = out.append
        target_of = self.import_target
        prefix_of = self._first_party_prefix
        new = _new_edge
        kind_of = edge_kind  # one call per edge costs ~3 ms on 150,000 edges: not worth a copy
        dangling = self.dangling
        modules = self.modules
        known = self._provides_memo.get
        for importer, info in sorted(modules.items()):
            for imp in self.files[info.path].imports:
                named, name = target_of(importer, imp)
                target = prefix_of(named)
                if target is None or target == importer:
                    continue
                # A module that exists, imported whole or for a name it is known to have,
                # cannot dangle: most imports skip the question.
                if named in modules and (name is None or name == "*" or known((named, name))):
                    kind = kind_of(imp)
                else:
                    kind = DANGLING if dangling(importer, imp) is not None else kind_of(imp)
                append(new(importer, target, imp.span.line, kind, imp))
        return tuple(out)

    def _first_party_prefix(self, module: str) -> str | None:
        memo = self._prefix_memo.get(module, _MISSING)
        if memo is not _MISSING:
            return memo  # type: ignore[return-value]
        found: str | None = None
        probe = module
        while probe:
            if probe in self.modules:
                found = probe
                break
            probe = probe.rpartition(".")[0]
        self._prefix_memo[module] = found
        return found

    @cached_property
    def _import_sites(self) -> _ImportSites:
        sites = _ImportSites()
        by_module = sites.by_module
        absolute = self.absolute_module
        for importer, info in self.modules.items():
            for imp in self.files[info.path].imports:
                mod = absolute(importer, imp) if imp.level else imp.module
                found = by_module.get(mod)
                if found is None:
                    by_module[mod] = [(importer, imp)]
                else:
                    found.append((importer, imp))
        for mod in by_module:
            head = mod.rpartition(".")[0]
            while head:
                sites.below.setdefault(head, set()).add(mod)
                head = head.rpartition(".")[0]
        return sites

    def imports_naming(self, module: str) -> list[tuple[str, ImportFact]]:
        """(importer, import) of every first-party import statement that names the
        absolute module `module` (`import module`, `from module import x`)."""
        return self._import_sites.by_module.get(module, [])

    def module_fan_in(self, module: str) -> int:
        """`fan_in.get(module, 0)`, counted from the imports that can lead to `module` rather
        than from every edge of the project: the duplicate rules need it for a few modules.

        An import reaches `module` only when the module it names is `module` or lies below
        it, or when it is `from <parent> import <last part of module>`.
        """
        memo = self._module_fan_in_memo.get(module)
        if memo is not None:
            return memo
        by_module = self._import_sites.by_module
        candidates = [self._sites_naming(module)]
        candidates += [by_module[m] for m in self._import_sites.below.get(module, ())]
        importers = {importer for group in candidates for importer, imp in group
                     if importer != module
                     and self._first_party_prefix(self.import_target(importer, imp)[0]) == module}
        memo = self._module_fan_in_memo[module] = len(importers)
        return memo

    def _sites_naming(self, module: str) -> list[tuple[str, ImportFact]]:
        """The imports that name `module` itself: `import module`, `from module import x`,
        `from <parent> import <last part of module>`."""
        by_module = self._import_sites.by_module
        parent, _, last = module.rpartition(".")
        return [*by_module.get(module, ()),
                *(s for s in by_module.get(parent, ()) if s[1].name == last)]

    def whole_importers(self, module: str) -> frozenset[str]:
        """The other first-party modules that bind `module` itself (`import a.b`, `from a
        import b`), so that they can reach any name in it as `b.Name`, which
        `symbol_importers` does not count."""
        return frozenset(importer for importer, imp in self._sites_naming(module)
                         if importer != module
                         and self.import_target(importer, imp) == (module, None))

    def symbol_fan_in(self, module: str, name: str) -> int:
        """How many other first-party modules import `name` defined in `module`
        (`symbol_importers`)."""
        return len(self.symbol_importers(module, name))

    def symbol_importers(self, module: str, name: str) -> frozenset[str]:
        """The other first-party modules that import `name` defined in `module`, re-exports
        and aliases followed.

        Walks the re-export chains backwards: first the imports of `name` from `module`,
        then the imports of each name a module re-exports it under (its module-level
        binding), and so on. Every import that resolves to the symbol lies on such a chain.

        Star imports bind the same name: from a module that can pass its name on through
        `from <it> import *` (it resolves the name to the symbol, or does not bind the name
        itself and so only forwards its own star imports), the walk goes on to the modules
        star-importing it. Their importers count only where the name really resolves.
        """
        key = (module, name)
        memo = self._symbol_fan_in_memo.get(key)
        if memo is not None:
            return memo
        importers: set[str] = set()
        if name and module in self.modules:
            by_module = self._import_sites.by_module
            seen = {key}
            todo = [key]
            while todo:
                target = todo.pop()
                here, local = target
                ok = self.resolve_symbol(here, local) == key
                if ok:  # else a name that merely looks like a re-export of it
                    for importer, imp in by_module.get(here, ()):
                        if imp.name != local or self.import_target(importer, imp) != target:
                            continue
                        if importer != module:
                            importers.add(importer)
                        again = (importer, imp.bound_name)
                        if again not in seen and self._bindings(importer).get(again[1]) is imp:
                            seen.add(again)
                            todo.append(again)
                if (ok or not self._binds_directly(here, local)) and \
                        self._star_exports(here, local):
                    for importer, imp in by_module.get(here, ()):
                        if imp.name != "*":
                            continue
                        again = (importer, local)
                        if again not in seen and here in self._star_targets(importer):
                            seen.add(again)
                            todo.append(again)
        found = self._symbol_fan_in_memo[key] = frozenset(importers)
        return found

    @cached_property
    def fan_in(self) -> dict[str, int]:
        """Number of distinct first-party modules importing each module."""
        importers: dict[str, set[str]] = {}
        for e in self.edges:
            importers.setdefault(e.imported, set()).add(e.importer)
        return {m: len(s) for m, s in importers.items()}

    def graph(self, kinds: frozenset[str] | None = None) -> "nx.DiGraph":
        """networkx DiGraph of first-party modules; edges carry `lines` and `kinds`."""
        import networkx as nx

        # Aggregate first, then hand networkx one batch: per-edge has_edge/add_edge calls
        # cost more than everything else here on a large graph.
        merged: dict[tuple[str, str], dict[str, object]] = {}
        for e in self.edges:
            if kinds is not None and e.kind not in kinds:
                continue
            data = merged.get((e.importer, e.imported))
            if data is None:
                merged[(e.importer, e.imported)] = {"lines": [e.line], "kinds": {e.kind}}
            else:
                data["lines"].append(e.line)  # type: ignore[attr-defined]
                data["kinds"].add(e.kind)  # type: ignore[attr-defined]
        g: "nx.DiGraph[str]" = nx.DiGraph()
        g.add_nodes_from(sorted(self.modules))
        g.add_edges_from((u, v, d) for (u, v), d in merged.items())
        return g
