"""SSOT201 legacy-import: imports of a path the registry lists as legacy (old -> new).

Matching works on the dotted path an import names once relative levels are resolved:
`import a.b.c` names `a.b.c`, `from a.b import C` names `a.b.C`, `from .. import b`
inside `a/x/y.py` names `a.b`. An entry `old` matches that path when it is equal to it or
a dotted prefix of it, so a module entry also covers its submodules and the names in
them. When several entries match, the longest (most specific) wins.

The finding's `Fix.replacement` is the full canonical path of the imported thing; the
fixer (`ssotcheck.fix`) needs nothing else from the registry to rewrite the import.

A legacy path can also be reached without importing it: `import pkg.models` (not legacy)
then `pkg.models.OldThing()`, or `import pkg.models as m` then `m.OldThing`. Such an
attribute chain (a recorded `NameUse`) is resolved through the import that binds its
head, as SSOT203 does, and reported at the use when it falls under an entry. A chain
through an import that is legacy itself is not reported again: the import is the place
to fix, and rewriting it fixes the uses. Use findings carry no fix (the fixer rewrites
import statements only).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ssotcheck.catalogue import make_finding
from ssotcheck.config import Config
from ssotcheck.index.project import ProjectIndex
from ssotcheck.model import (
    ABSENCE,
    FALLBACK,
    PROBE,
    CheckResult,
    FileFacts,
    Finding,
    Fix,
    ImportFact,
    Location,
    NameUse,
    Severity,
    TextEdit,
)

RULES = ("SSOT201",)
# What this family reads of each file, and whether a file's findings depend on that
# file alone (see ssotcheck.incremental).
# Not local: whether a rewrite renames a class to a function (or back) depends on the
# definitions of the old and new homes, which live in other files.
READS = frozenset({"imports", "uses", "defined", "kinds", "all_names"})
LOCAL = False


def imported_path(index: ProjectIndex, module: str | None, fact: ImportFact) -> str | None:
    """The absolute dotted path an import names, or None when a relative import cannot
    be resolved (the file is outside every source root)."""
    if fact.level:
        if module is None:
            return None
        base = index.absolute_module(module, fact)
    else:
        base = fact.module
    if fact.name is None or fact.name == "*":
        return base or None
    return f"{base}.{fact.name}" if base else fact.name


def binding_target(index: ProjectIndex, module: str | None, imp: ImportFact) -> str | None:
    """What the name an import binds refers to: `import a.b` binds `a` (the package)."""
    if imp.name is None and imp.alias is None:
        return imp.module.split(".")[0]
    return imported_path(index, module, imp)


def _covers(prefix: str, path: str) -> bool:
    return path == prefix or path.startswith(prefix + ".")


def match_entry(path: str, table: tuple[tuple[str, str], ...] | dict[str, str]
                ) -> tuple[str, str] | None:
    """The most specific `(old, new)` entry covering `path`. Looking up each dotted prefix
    keeps this independent of the registry's size (monorepo registries run to hundreds)."""
    lookup = table if isinstance(table, dict) else dict(table)
    prefix = path
    while prefix:
        new = lookup.get(prefix)
        if new is not None:
            return prefix, new
        prefix = prefix.rpartition(".")[0]
    return None


def spelling(fact: ImportFact) -> str:
    """The import as written, one name only, for messages."""
    alias = f" as {fact.alias}" if fact.alias else ""
    if fact.name is None:
        return f"import {fact.module}{alias}"
    return f"from {'.' * fact.level}{fact.module} import {fact.name}{alias}"


def rewritten(fact: ImportFact, replacement: str) -> str:
    """How the fixer will spell the import once it points at `replacement`, keeping the
    name the import binds so the rest of the file keeps working."""
    if fact.name is None:
        alias = f" as {fact.alias}" if fact.alias else ""
        return f"import {replacement}{alias}"
    if fact.name == "*":
        return f"from {replacement} import *"
    module, _, name = replacement.rpartition(".")
    bound = fact.alias or fact.name
    alias = f" as {bound}" if fact.alias or bound != name else ""
    if not module:
        return f"import {name}{alias}"
    return f"from {module} import {name}{alias}"


def import_fix(fact: ImportFact, replacement: str, alone: bool = False) -> Fix:
    """Safe unless the import is `import a.b` without an alias: that binds `a`, so every
    `a.b.x` use in the file has to change with it (ruff would call that unsafe).

    `alone`: the statement binds this one name and sits on one line, so replacing the
    statement's text is the whole fix; the Fix then carries that edit (SARIF shows it as
    a suggestion). A statement with other names, or comments inside its parentheses,
    is left to the codemod, which splits and reflows it."""
    target = rewritten(fact, replacement)
    if fact.name is None and fact.alias is None:
        old = fact.module
        return Fix(f"rewrite to `{target}` and every `{old}.` attribute use to `{replacement}.`",
                   safe=False, replacement=replacement)
    edits = (TextEdit(fact.stmt_span, target),) if alone else ()
    return Fix(f"rewrite to `{target}`", safe=True, replacement=replacement, edits=edits)


def _alone(fact: ImportFact, imports: Iterable[ImportFact]) -> bool:
    if fact.stmt_span.line != fact.stmt_span.end_line:
        return False
    return sum(1 for other in imports if other.stmt_span == fact.stmt_span) == 1


class Homes:
    """What the index says about the old and new sides of registry entries: whether a
    dotted path names a class or a function, and whether a module is gone."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self._functions: dict[str, frozenset[str]] = {}
        self.top_packages = frozenset(m.partition(".")[0] for m in index.modules)

    def _module_functions(self, module: str) -> frozenset[str]:
        got = self._functions.get(module)
        if got is None:
            facts = self.index.facts_for_module(module)
            got = frozenset(fn.name for fn in facts.functions) if facts else frozenset()
            self._functions[module] = got
        return got

    def kind(self, dotted: str) -> str | None:
        """"class" | "function" | "module" for a first-party path, else None."""
        index = self.index
        if dotted in index.modules:
            return "module"
        module, _, name = dotted.rpartition(".")
        if module not in index.modules:
            return None
        sym = index.resolve_symbol(module, name)
        if sym is None or sym[0] not in index.modules or not sym[1]:
            return None
        if f"{sym[0]}.{sym[1]}" in index.classes:
            return "class"
        if sym[1] in self._module_functions(sym[0]):
            return "function"
        return None

    def gone(self, module: str) -> bool:
        """A module of this project that no longer exists: its nearest enclosing project
        module neither has a file for the next part nor defines or imports that name.
        `six.moves.x` is a module object six builds at run time (`moves = ...` in
        `six/__init__.py`), and a star import or a module `__getattr__` may provide
        anything: none of those is called gone."""
        index = self.index
        if module in index.modules or module.partition(".")[0] not in self.top_packages:
            return False
        parts = module.split(".")
        for i in range(len(parts) - 1, 0, -1):
            prefix = ".".join(parts[:i])
            facts = index.facts_for_module(prefix)
            if facts is None:
                continue
            nxt = parts[i]
            return not (nxt in facts.defined_names()
                        or index.binds_at_module_level(prefix, nxt)
                        or index.has_star_import(prefix)
                        or "__getattr__" in self._module_functions(prefix))
        return True


def kind_by_name(name: str) -> str:
    """PEP 8's convention, for a name whose definition is gone: CapWords is a class."""
    return "class" if name[:1].isupper() and not name.isupper() else "function"


def kind_change(homes: Homes, fact: ImportFact, old_module_gone: bool, target: str,
                replacement: str) -> str | None:
    """Why binding `replacement` under the import's name changes what call sites get:
    the old thing was a class and the new one a function, or the other way round."""
    if fact.name is None or fact.name == "*":
        return None
    new_kind = homes.kind(replacement)
    if new_kind not in ("class", "function"):
        return None
    old_kind = homes.kind(target)
    how = ""
    if old_kind is None and old_module_gone:
        old_kind, how = kind_by_name(fact.name), " (judging by its name: its module is gone)"
    if old_kind not in ("class", "function") or old_kind == new_kind:
        return None
    bound = fact.bound_name
    article = {"class": "a class", "function": "a function"}
    return (f"`{bound}` was {article[old_kind]}{how} and `{replacement}` is "
            f"{article[new_kind]}: code that calls or subclasses `{bound}` now gets a "
            f"different kind of object; check each use")


def sorted_imports(facts: Iterable[ImportFact]) -> list[ImportFact]:
    return sorted(facts, key=lambda f: (f.span.line, f.span.column, f.span.end_line,
                                        f.span.end_column))


class Verdicts(dict[str, bool]):
    """A memo of `decide(module)`, computed on first lookup. A large project imports the
    same few thousand modules over and over; `verdicts[m]` on a known module is a plain
    dict lookup, far cheaper than a call per import."""

    def __init__(self, decide: Callable[[str], bool]) -> None:
        super().__init__()
        self.decide = decide

    def __missing__(self, module: str) -> bool:
        verdict = self[module] = self.decide(module)
        return verdict


def _can_name_legacy(table: dict[str, str]) -> Callable[[str], bool]:
    """Whether an absolute import of `module` can name a legacy path. That path is `module`
    or `module.name`, so a covering entry is a dotted prefix of `module` (or `module`
    itself), or `module.name` itself, which has `module` as a proper prefix."""
    parents = {old[:i] for old in table for i, c in enumerate(old) if c == "."}

    def decide(module: str) -> bool:
        # An empty module (never produced for an absolute import) is left to the full check.
        return not module or module in parents or match_entry(module, table) is not None
    return decide


def check(index: ProjectIndex, config: Config) -> CheckResult:
    if not config.legacy_imports:
        return CheckResult()
    table = dict(config.legacy_imports)
    names_legacy = Verdicts(_can_name_legacy(table))
    homes = Homes(index)
    findings: list[Finding] = []
    for path, facts in index.files.items():
        # Relative imports are rare and need resolving first: the full check takes them.
        candidates = [f for f in facts.imports if f.level or names_legacy[f.module]]
        if not candidates and not facts.name_uses:
            continue
        module = index.module_of.get(path)
        # bound name -> legacy paths its imports name (uses through them are not reported)
        legacy_bound: dict[str, list[str]] = {}
        # sorting is stable, so filtering first leaves the same order as filtering after
        for fact in sorted_imports(candidates):
            target = imported_path(index, module, fact)
            if target is None:
                continue
            entry = match_entry(target, table)
            if entry is None:
                continue
            old, new = entry
            legacy_bound.setdefault(fact.bound_name, []).append(target)
            # The legacy package's own files (often a shim that re-exports the new home)
            # may keep referring to each other until the package is deleted.
            if module is not None and _covers(old, module):
                continue
            replacement = new + target[len(old):]
            if replacement == target:
                continue
            if module is not None and (replacement == module
                                       or replacement.rpartition(".")[0] == module):
                # The new home itself re-exporting from the old place (`django/test/
                # __init__.py`: `from django.test.utils import ignore_warnings`): that is
                # how the new path works, and rewriting it would import the file itself.
                continue
            if fact.guard == ABSENCE or (fact.guard == PROBE and not config.legacy_probes):
                continue  # asserts the old path is gone / probes the user chose to skip
            findings.append(_finding(homes, path, module, fact, target, old, new,
                                     replacement, alone=_alone(fact, facts.imports)))
        if facts.name_uses:
            findings.extend(_use_findings(index, table, path, module, facts, legacy_bound))
    return CheckResult(tuple(sorted(findings, key=Finding.sort_key)))


def _use_findings(index: ProjectIndex, table: dict[str, str], path: str, module: str | None,
                  facts: FileFacts, legacy_bound: dict[str, list[str]]) -> list[Finding]:
    """Attribute chains that reach a legacy path through a binding that is not legacy."""
    # Only a dotted chain can go past what its import names; resolve only their heads.
    heads = {u.chain.partition(".")[0] for u in facts.name_uses if "." in u.chain}
    bindings: dict[str, list[str]] = {}
    for imp in facts.imports:
        if imp.name == "*" or imp.bound_name not in heads:
            continue
        bound = binding_target(index, module, imp)
        if bound is not None:
            bindings.setdefault(imp.bound_name, []).append(bound)
    out: list[Finding] = []
    for use in facts.name_uses:
        head, _, rest = use.chain.partition(".")
        targets = bindings.get(head)
        if not rest or not targets:
            continue  # a bare name is its import's path: the import check has it
        finding = _use_finding(table, path, module, use, rest, targets,
                               legacy_bound.get(head, []))
        if finding is not None:
            out.append(finding)
    return out


def _use_finding(table: dict[str, str], path: str, module: str | None, use: NameUse,
                 rest: str, targets: list[str], legacy: list[str]
                 ) -> Finding | None:
    fulls = [f"{target}.{rest}" for target in targets]
    if any(_covers(imported, full) for imported in legacy for full in fulls):
        return None  # through a legacy import: reported there
    for full in fulls:
        entry = match_entry(full, table)
        if entry is None:
            continue
        old, new = entry
        if module is not None and _covers(old, module):
            return None  # the legacy package's own files (see `check`)
        replacement = new + full[len(old):]
        if replacement == full:
            continue
        if old == full:
            moved = f"moved to `{new}`); import it from the new home"
        else:
            moved = f"`{old}` moved to `{new}`); import `{replacement}` from the new home"
        span = use.span
        return make_finding(
            "SSOT201",
            f"`{use.chain}` uses the legacy path `{full}` ({moved}",
            Location(path, span.line, span.column, span.end_line, span.end_column),
            key=f"use:{use.chain}->{replacement}",
        )
    return None


def legacy_module(index: ProjectIndex, module: str | None, fact: ImportFact,
                  target: str) -> str:
    """The module the import statement loads: `import a.b` loads `a.b`; `from a.b import
    c` loads `a.b` (and `a.b.c`, when that is a module)."""
    if fact.name is None:
        return target
    if fact.level and module is not None:
        return index.absolute_module(module, fact)
    return fact.module


def _finding(homes: Homes, path: str, module: str | None, fact: ImportFact, target: str,
             old: str, new: str, replacement: str, alone: bool = False) -> Finding:
    span = fact.span
    location = Location(path, span.line, span.column, span.end_line, span.end_column)
    # Name the registry entry only when it is not the imported path itself.
    moved = "" if old == target else f" (`{old}` moved to `{new}`)"
    key = f"{fact.bound_name}:{target}"
    loaded = legacy_module(homes.index, module, fact, target)
    gone = homes.gone(loaded)
    broken = (f"; `{loaded}` is gone from this project, so the import is broken, not "
              f"merely legacy" if gone else "")
    if fact.guard == FALLBACK:
        return make_finding(
            "SSOT201",
            f"`{spelling(fact)}` imports the legacy path `{target}`{moved} inside a "
            f"try/except ImportError compatibility shim with a fallback import; left as "
            f"is, but drop the shim once nothing needs the old path"
            + (f"; `{loaded}` is gone from this project, so this branch never succeeds"
               if gone else ""),
            location, key=key, severity=Severity.INFO,
        )
    if fact.guard == PROBE:
        return make_finding(
            "SSOT201",
            f"`{spelling(fact)}` imports the legacy path `{target}`{moved} as a probe "
            f"(a try whose ImportError handler only records, fails or logs; no fallback "
            f"import): if it checks that the old path is gone, assert that with "
            f"`pytest.raises(ImportError)`; if the code needs the thing, import "
            f"`{replacement}`{broken}. Not rewritten; `imports.legacy-probes = false` "
            f"stops reporting probes",
            location, key=key, severity=Severity.WARNING,
        )
    fix = import_fix(fact, replacement, alone)
    change = kind_change(homes, fact, gone, target, replacement)
    if change is not None:
        fix = Fix(f"{fix.description}; unsafe: {change}", safe=False,
                  replacement=replacement)
    return make_finding(
        "SSOT201",
        f"`{spelling(fact)}` imports the legacy path `{target}`{moved}{broken}; "
        f"write `{rewritten(fact, replacement)}`"
        + (f" (careful: {change})" if change else ""),
        location, key=key, fix=fix,
    )
