"""SSOT205 dangling-import: first-party imports of a module or name that no longer exists.

An import is first-party when its top-level name is a project module or folder (see
`ProjectIndex.first_party_root`); what exists is what the module table, the namespace
folders and each module's bindings say (`ProjectIndex.dangling`): definitions, import
bindings, submodules, and names bound through first-party star imports, followed as the
re-export resolution follows them. A module whose namespace cannot be known statically
(module-level `__getattr__`, `globals()` updates, a star import from outside the
project) is skipped, never guessed.

Severity follows what happens at run time: an import inside `try:` whose handlers catch
`ImportError` (or `ModuleNotFoundError`, `Exception`) is a fallback that works as
written, so it is reported at info; one under `if TYPE_CHECKING:` breaks only the type
checker (warning); every other one raises when it runs (error), in a function as well,
only later.

Where it went: the legacy registry (`[tool.ssotcheck.legacy-imports]`) first, then the
configured canonical home of the name, then the one other first-party module that
defines it. For a missing module: a module of the same last name elsewhere, or the one
module every name the project still imports from it now lives in (the module-level
rewrite). A unique home becomes a fix; several candidates are listed and no fix is
offered. The rewrite itself is the shared import codemod (`ssotcheck.fix.imports`).

A literal `__all__` listing a name the module does not bind is reported too.
"""

from __future__ import annotations

from dataclasses import dataclass

from ssotcheck.catalogue import make_finding
from ssotcheck.checks.legacy_imports import (
    imported_path,
    match_entry,
    rewritten,
    sorted_imports,
    spelling,
)
from ssotcheck.config import Config
from ssotcheck.index.project import DanglingImport, ProjectIndex
from ssotcheck.model import CheckResult, FileFacts, Finding, Fix, ImportFact, Location, Severity

RULES = ("SSOT205",)
# What this family reads of each file, and whether a file's findings depend on that
# file alone (see ssotcheck.incremental). "defined" covers the dynamic-namespace flag;
# "error": a file that failed to parse makes its names unknowable.
READS = frozenset({"imports", "defined", "all_names", "error"})
LOCAL = False

MAX_CANDIDATES_IN_MESSAGE = 5


@dataclass(frozen=True, slots=True)
class Home:
    """Where a missing thing went: one replacement path, or several candidates."""

    replacement: str | None  # dotted path the import should name, when unique
    candidates: tuple[str, ...] = ()
    why: str = ""  # "legacy registry", "canonical home", "" (the only definition)


class _Homes:
    """Answers "where did it go?" from the project's definitions; the lookup tables are
    built once, for the names and module leaves the dangling imports need."""

    def __init__(self, index: ProjectIndex, config: Config, names: set[str],
                 leaves: set[str]) -> None:
        self.index = index
        self.legacy = dict(config.legacy_imports)
        self.canonical = config.canonical_map()
        definers: dict[str, list[str]] = {n: [] for n in names}
        by_leaf: dict[str, list[str]] = {n: [] for n in leaves}
        # A module outside the source roots is not importable under its name here.
        outside = index.outside_roots
        for mod in sorted(index.modules):
            if mod in outside:
                continue
            if names:
                for n in names.intersection(index.defined_names(mod)):
                    definers[n].append(mod)
            leaf = mod.rpartition(".")[2]
            if leaf in by_leaf:
                by_leaf[leaf].append(mod)
        self.definers = {n: tuple(m) for n, m in definers.items()}
        self.by_leaf = {n: tuple(m) for n, m in by_leaf.items()}
        self._module_homes: dict[str, Home] = {}

    def _exists(self, path: str) -> bool:
        if self.index.provided(path):
            return True
        mod, _, name = path.rpartition(".")
        return bool(mod) and self.index.provided(mod) and \
            self.index.provides_name(mod, name) is True

    def _registry(self, path: str) -> Home | None:
        entry = match_entry(path, self.legacy) if self.legacy else None
        if entry is None:
            return None
        old, new = entry
        replacement = new + path[len(old):]
        if replacement == path or not self._exists(replacement):
            return None
        return Home(replacement, why="legacy registry")

    def name_home(self, module: str, name: str) -> Home:
        """Where `name`, no longer in `module`, lives now."""
        found = self._registry(f"{module}.{name}")
        if found is not None:
            return found
        declared = self.canonical.get(name)
        if declared and declared != module and self._exists(f"{declared}.{name}"):
            return Home(f"{declared}.{name}", why="canonical home")
        if not self.index.provided(module):  # the whole module went somewhere
            home = self.module_home(module)
            if home.replacement is not None and self._exists(f"{home.replacement}.{name}"):
                return Home(f"{home.replacement}.{name}")
        sub = self.module_home(f"{module}.{name}")  # it may have been a submodule
        if sub.replacement is not None:
            return sub
        cands = [f"{m}.{name}" for m in self.definers.get(name, ()) if m != module]
        # A submodule of that name elsewhere (`from pkg import gone` after `gone` moved).
        cands += [m for m in self.by_leaf.get(name, ()) if m != f"{module}.{name}"]
        return _one_or_many(sorted(set(cands)))

    def module_home(self, module: str) -> Home:
        """Where the missing `module` went."""
        memo = self._module_homes.get(module)
        if memo is None:
            memo = self._module_homes[module] = self._module_home(module)
        return memo

    def _module_home(self, module: str) -> Home:
        found = self._registry(module)
        if found is not None:
            return found
        remaining = sorted({imp.name for _, imp in self.index.imports_naming(module)
                            if imp.name and imp.name != "*"})
        leaf = module.rpartition(".")[2]
        same_leaf = [m for m in self.by_leaf.get(leaf, ()) if m != module]
        if len(same_leaf) == 1 and all(self._exists(f"{same_leaf[0]}.{n}") for n in remaining):
            return Home(same_leaf[0])
        if remaining:
            homes = {self._definer(n) for n in remaining}
            if len(homes) == 1 and None not in homes:
                (home,) = homes
                assert home is not None
                return Home(home, why="where every name still imported from it lives")
        return _one_or_many(same_leaf)

    def _definer(self, name: str) -> str | None:
        found = self.definers.get(name, ())
        return found[0] if len(found) == 1 else None


def _one_or_many(cands: list[str]) -> Home:
    if len(cands) == 1:
        return Home(cands[0])
    return Home(None, tuple(cands))


def _needs(d: DanglingImport, fact: ImportFact, names: set[str], leaves: set[str]) -> None:
    if d.kind == "name":
        assert d.name is not None
        names.add(d.name)
        leaves.add(d.name)
        return
    if fact.name and fact.name != "*":
        names.add(fact.name)
    leaves.add(d.module.rpartition(".")[2])


def _reported_as_legacy(index: ProjectIndex, legacy: dict[str, str], importer: str | None,
                        fact: ImportFact) -> bool:
    """Whether SSOT201 reports this import (with the same rewrite as its fix), as it does
    when the registry covers its path outside the legacy package's own files."""
    target = imported_path(index, importer, fact)
    entry = match_entry(target, legacy) if target else None
    if entry is None:
        return False
    old, new = entry
    inside = importer is not None and (importer == old or importer.startswith(old + "."))
    return not inside and new + target[len(old):] != target  # type: ignore[index]


def check(index: ProjectIndex, config: Config) -> CheckResult:
    found: list[tuple[str, ImportFact, DanglingImport]] = []
    names: set[str] = set()
    leaves: set[str] = set()
    dangling = index.dangling
    # One finding per import: a registry entry already makes SSOT201 report it.
    legacy = dict(config.legacy_imports) if config.rule_enabled("SSOT201") else {}
    tops = index.first_party_tops
    for path, facts in index.files.items():
        if not facts.imports:
            continue
        importer = index.module_of.get(path)
        for fact in facts.imports:
            # Most imports name a third-party top-level package: one set lookup each.
            if not fact.level and fact.module.partition(".")[0] not in tops:
                continue
            d = dangling(importer, fact)
            if d is not None and not (legacy and _reported_as_legacy(index, legacy, importer,
                                                                      fact)):
                found.append((path, fact, d))
                _needs(d, fact, names, leaves)
    stale = _stale_all(index)
    if found:
        # The "remaining names" of a missing module need their definers too.
        for _, _, d in found:
            if d.kind == "module":
                names.update(imp.name for _, imp in index.imports_naming(d.module)
                             if imp.name and imp.name != "*")
    homes = _Homes(index, config, names, leaves) if found else None
    findings: list[Finding] = []
    by_path: dict[str, list[tuple[ImportFact, DanglingImport]]] = {}
    for path, fact, d in found:
        by_path.setdefault(path, []).append((fact, d))
    for path in sorted(by_path):
        pairs = {id(f): (f, d) for f, d in by_path[path]}
        for fact in sorted_imports(f for f, _ in pairs.values()):
            assert homes is not None
            findings.append(_finding(index, homes, path, fact, pairs[id(fact)][1]))
    findings += stale
    return CheckResult(tuple(sorted(findings, key=Finding.sort_key)))


def _stale_all(index: ProjectIndex) -> list[Finding]:
    out: list[Finding] = []
    for mod, info in sorted(index.modules.items()):
        facts = index.files[info.path]
        if not facts.all_names:
            continue
        seen: set[str] = set()
        for name in facts.all_names:
            if name in seen:
                continue
            seen.add(name)
            if index.provides_name(mod, name) is False:
                out.append(make_finding(
                    "SSOT205", f"`__all__` lists `{name}`, which the module no longer defines",
                    Location(facts.path, facts.all_line or 1), key=f"__all__:{name}"))
    return out


def _what_is_missing(index: ProjectIndex, d: DanglingImport) -> str:
    if d.kind == "name":
        mod = d.module
        info = index.modules.get(mod)
        if info is None or info.is_package:
            return f"`{mod}` neither defines `{d.name}` nor has a submodule `{d.name}`"
        return f"`{mod}` does not define `{d.name}`"
    rest = d.module[len(d.provider) + 1:]
    info = index.modules.get(d.provider)
    if info is not None and not info.is_package:
        return f"no file provides `{d.module}` (`{d.provider}` is a module, not a package)"
    return f"no file provides `{d.module}` (`{d.provider}` has no module `{rest}`)"


def _binding_kept(fact: ImportFact, old_leaf: str, replacement: str) -> bool:
    """Whether the rewrite binds the same name as the import did without adding an alias:
    the imported leaf is unchanged, or an alias already fixes the binding (`import a.b as
    x`, `from a import b as x`). A renamed thing (`from new import New as Old`) needs a
    person to agree; a plain `import a.b.c` binds `a`, and its uses change with it."""
    if fact.alias is not None:
        return True
    return fact.name is not None and replacement.rpartition(".")[2] == old_leaf


def _finding(index: ProjectIndex, homes: _Homes, path: str, fact: ImportFact,
             d: DanglingImport) -> Finding:
    span = fact.span
    location = Location(path, span.line, span.column, span.end_line, span.end_column)
    key = f"{fact.bound_name}:{d.missing}"
    message = f"`{spelling(fact)}`: {_what_is_missing(index, d)}"
    if d.kind == "name":
        assert d.name is not None
        home = homes.name_home(d.module, d.name)
        old_leaf = d.name
    elif fact.name is not None and fact.name != "*":
        home = homes.name_home(d.module, fact.name)
        old_leaf = fact.name
    else:
        home = homes.module_home(d.module)
        old_leaf = d.module.rpartition(".")[2]
    if fact.in_try:
        where = f"; it now lives in `{home.replacement}`" if home.replacement else ""
        return make_finding(
            "SSOT205", f"{message}, inside a try/except ImportError fallback{where}; "
            f"left as is, but the first branch can never succeed",
            location, key=key, severity=Severity.INFO)
    fix: Fix | None = None
    related: list[Location] = []
    if home.replacement is not None:
        replacement = home.replacement
        target = rewritten(fact, replacement)
        via = f" ({home.why})" if home.why else ""
        message += f"; it now lives in `{replacement}`{via}: write `{target}`"
        safe = _binding_kept(fact, old_leaf, replacement)
        extra = "" if safe or fact.name is not None else \
            f" and every `{fact.module}.` attribute use to `{replacement}.`"
        fix = Fix(f"rewrite to `{target}`{extra}", safe=safe, replacement=replacement)
        related = _definition(index, replacement)
    elif home.candidates:
        shown = ", ".join(f"`{c}`" for c in home.candidates[:MAX_CANDIDATES_IN_MESSAGE])
        more = len(home.candidates) - MAX_CANDIDATES_IN_MESSAGE
        message += (f"; {len(home.candidates)} candidates: {shown}"
                    f"{f' and {more} more' if more > 0 else ''} (no fix: pick one)")
    severity = None
    if fact.type_checking and not fact.in_function:
        severity = Severity.WARNING
        message += " (under `if TYPE_CHECKING:`: only type checkers fail on it)"
    return make_finding("SSOT205", message, location, related=related, fix=fix, key=key,
                        severity=severity)


def _definition(index: ProjectIndex, path: str) -> list[Location]:
    """Where the new home defines the thing, when the facts say (a class or a function)."""
    mod, _, name = path.rpartition(".")
    facts: FileFacts | None = index.facts_for_module(mod)
    if facts is None:
        return []
    line = next((c.span.line for c in facts.classes if c.name == name and not c.nested), None)
    line = line or next((f.line for f in facts.functions if f.name == name), None)
    if line is None:
        return []
    return [Location(facts.path, line, message=f"`{name}` is defined here")]
