"""ProjectIndex: modules, symbols (re-exports resolved), class hierarchy, import graph.

Built once per run from FileFacts; every check reads it and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from ssotcheck.index.modules import ModuleInfo, build_module_table, source_roots
from ssotcheck.model import ClassFact, FileFacts, ImportFact

if TYPE_CHECKING:
    import networkx as nx

# Edge kinds; an edge holds every kind any of its imports has.
MODULE_LEVEL = "module"
IN_FUNCTION = "function"
TYPE_CHECKING_KIND = "type_checking"
IN_TRY = "try"


@dataclass(frozen=True, slots=True)
class ImportEdge:
    importer: str
    imported: str
    line: int
    kind: str  # one of the kinds above; a function import under TYPE_CHECKING is "function"
    fact: ImportFact


@dataclass(frozen=True, slots=True)
class ClassRef:
    """A class definition located in the project."""

    module: str
    path: str
    fact: ClassFact

    @property
    def qualified(self) -> str:
        return f"{self.module}.{self.fact.qualname}"


@dataclass(frozen=True, slots=True)
class BaseResolution:
    """Where a base class expression leads: a project class, an external name, or nowhere."""

    text: str
    qualified: str | None  # "pkg.mod.Class" or "unittest.TestCase"
    internal: bool
    reason: str = ""  # why it could not be resolved (star import, unknown name ...)


def edge_kind(fact: ImportFact) -> str:
    if fact.in_function:
        return IN_FUNCTION
    if fact.type_checking:
        return TYPE_CHECKING_KIND
    if fact.in_try:
        return IN_TRY
    return MODULE_LEVEL


class ProjectIndex:
    def __init__(self, root: Path, facts: list[FileFacts], src: tuple[str, ...] = (".",)) -> None:
        self.root = root
        self.files: dict[str, FileFacts] = {f.path: f for f in sorted(facts, key=lambda f: f.path)}
        self.roots = source_roots(root, src)
        self.modules, self.module_of = build_module_table(list(self.files), self.roots)
        self._symbol_memo: dict[tuple[str, str], tuple[str, str] | None] = {}

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
        mod = self.absolute_module(importer, fact)
        if fact.name is None or fact.name == "*":
            return mod, fact.name
        sub = f"{mod}.{fact.name}" if mod else fact.name
        if sub in self.modules:
            return sub, None
        return mod, fact.name

    # ------------------------------------------------------------------ symbols
    @cached_property
    def _defined(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for mod, info in self.modules.items():
            f = self.files[info.path]
            names = {c.name for c in f.classes if not c.nested}
            names.update(fn.name for fn in f.functions)
            names.update(f.constants)
            out[mod] = names
        return out

    @cached_property
    def _bindings(self) -> dict[str, dict[str, ImportFact]]:
        """module -> local name -> the import that binds it (module-level imports only win)."""
        out: dict[str, dict[str, ImportFact]] = {}
        for mod, info in self.modules.items():
            table: dict[str, ImportFact] = {}
            for imp in self.files[info.path].imports:
                if imp.in_function or imp.name == "*":
                    continue
                table.setdefault(imp.bound_name, imp)
            out[mod] = table
        return out

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
            elif name in self._defined.get(module, ()) and name not in self._bindings[module]:
                result = (module, name)
            elif name in self._bindings.get(module, {}):
                imp = self._bindings[module][name]
                if imp.name is None:  # `import a.b` binds `a`; `import a.b as x` binds a.b
                    result = (imp.module if imp.alias else imp.module.split(".")[0], "")
                else:
                    target_mod, target_name = self.import_target(module, imp)
                    result = ((target_mod, "") if target_name is None
                              else self.resolve_symbol(target_mod, target_name, _depth + 1))
            elif f"{module}.{name}" in self.modules:
                result = (f"{module}.{name}", "")
            elif name in self._defined.get(module, ()):
                result = (module, name)
        self._symbol_memo[key] = result
        return result

    def has_star_import(self, module: str) -> bool:
        f = self.facts_for_module(module)
        return bool(f and any(i.name == "*" for i in f.imports))

    # ------------------------------------------------------------ class hierarchy
    @cached_property
    def classes(self) -> dict[str, ClassRef]:
        """Qualified name -> class, for every class in a named module (nested included)."""
        out: dict[str, ClassRef] = {}
        for mod, info in sorted(self.modules.items()):
            for c in self.files[info.path].classes:
                out.setdefault(f"{mod}.{c.qualname}", ClassRef(mod, info.path, c))
        return out

    def iter_classes(self) -> Iterator[ClassRef]:
        for key in sorted(self.classes):
            yield self.classes[key]

    def resolve_base(self, module: str, text: str) -> BaseResolution:
        """Resolve a base expression written in `module` (`Base`, `mod.Base`, `enum.Enum`)."""
        head, _, rest = text.partition(".")
        if head in self._bindings.get(module, {}):
            imp = self._bindings[module][head]
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
            if text in self._defined.get(module, ()):
                return BaseResolution(text, local, True, "assigned, not a class statement")
            if self.has_star_import(module):
                return BaseResolution(text, None, False, f"`{text}` may come from a star import")
            import builtins

            if hasattr(builtins, text):
                return BaseResolution(text, f"builtins.{text}", False)
            return BaseResolution(text, None, False, f"`{text}` is not defined or imported")
        return self._resolve_dotted(text, text)

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
                internal = sym[0] in self.modules
                return BaseResolution(text, resolved, internal,
                                      "" if not internal else f"`{resolved}` is not a class")
        return BaseResolution(text, full, False)

    def class_bases(self, ref: ClassRef) -> tuple[BaseResolution, ...]:
        return tuple(self.resolve_base(ref.module, b) for b in ref.fact.bases)

    def ancestors(self, qualified: str) -> tuple[list[str], list[BaseResolution]]:
        """All ancestors (qualified names, project and external) in MRO-ish order, plus the
        bases along the way that could not be resolved."""
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
        for importer, info in sorted(self.modules.items()):
            for imp in self.files[info.path].imports:
                mod, _ = self.import_target(importer, imp)
                target = self._first_party_prefix(mod)
                if target is None or target == importer:
                    continue
                out.append(ImportEdge(importer, target, imp.span.line, edge_kind(imp), imp))
        return tuple(out)

    def _first_party_prefix(self, module: str) -> str | None:
        while module:
            if module in self.modules:
                return module
            module = module.rpartition(".")[0]
        return None

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

        g = nx.DiGraph()
        g.add_nodes_from(sorted(self.modules))
        for e in self.edges:
            if kinds is not None and e.kind not in kinds:
                continue
            if g.has_edge(e.importer, e.imported):
                data = g.edges[e.importer, e.imported]
                data["lines"].append(e.line)
                data["kinds"].add(e.kind)
            else:
                g.add_edge(e.importer, e.imported, lines=[e.line], kinds={e.kind})
        return g
