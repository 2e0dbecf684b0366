"""SSOT202 non-canonical-import (opt-in): `from pkg import Name` where `pkg` only
re-exports `Name` and another first-party module defines it.

The re-export chain is followed hop by hop through module-level imports. A hop stops the
walk (and the rule stays silent) when it is ambiguous: the name is both imported and
assigned in the module, bound twice, bound only under `TYPE_CHECKING` or in a
try/except shim, or reached through a star import. Two things make a re-exporter the
canonical home after all:

- `[tool.ssotcheck.canonical]` declares it (`Name = "pkg"`);
- the defining module is private to a package the importer is not part of
  (`pkg/_impl/core.py` re-exported by `pkg/__init__.py`): outsiders should use the
  public path.
"""

from __future__ import annotations

from ssotcheck.catalogue import make_finding
from ssotcheck.checks.legacy_imports import import_fix, rewritten, sorted_imports, spelling
from ssotcheck.config import Config
from ssotcheck.index.project import ProjectIndex
from ssotcheck.model import CheckResult, FileFacts, Finding, ImportFact, Location

RULES = ("SSOT202",)
# What this family reads of each file, and whether a file's findings depend on that
# file alone (see ssotcheck.incremental).
READS = frozenset({"imports", "classes", "defined", "all_names"})
LOCAL = False

MAX_HOPS = 50


class _Modules:
    """Per-module lookups the chain walk needs, computed once per module per run."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self._memo: dict[str, tuple[frozenset[str], dict[str, list[ImportFact]], bool] | None] = {}

    def get(self, module: str) -> tuple[frozenset[str], dict[str, list[ImportFact]], bool] | None:
        if module not in self._memo:
            facts = self.index.facts_for_module(module)
            self._memo[module] = None if facts is None else (
                facts.defined_names(), _module_bindings(facts), any(i.name == "*" for i in facts.imports))
        return self._memo[module]


def _module_bindings(facts: FileFacts) -> dict[str, list[ImportFact]]:
    out: dict[str, list[ImportFact]] = {}
    for imp in facts.imports:
        if not imp.in_function and imp.name != "*":
            out.setdefault(imp.bound_name, []).append(imp)
    return out


def _hop(modules: _Modules, module: str, name: str) -> ImportFact | str | None:
    """One step along a re-export chain.

    Returns "defined" when `module` defines `name` itself, the import when it re-exports
    it, and None when the chain cannot be followed with confidence.
    """
    table = modules.get(module)
    if table is None:
        return None
    defined_names, bindings_by_name, star = table
    defined = name in defined_names
    bindings = bindings_by_name.get(name, [])
    if defined and not bindings:
        return "defined"
    if bindings and not defined and len(bindings) == 1 and not star:
        imp = bindings[0]
        if imp.in_try or imp.type_checking or imp.name is None:
            return None
        return imp
    return None


def resolve_chain(index: ProjectIndex, module: str, name: str,
                  modules: _Modules | None = None) -> list[tuple[str, str]] | None:
    """[(module, name), ...] from the imported module to the defining one, or None."""
    modules = modules or _Modules(index)
    chain = [(module, name)]
    seen = {(module, name)}
    for _ in range(MAX_HOPS):
        step = _hop(modules, module, name)
        if step is None:
            return None
        if step == "defined":
            return chain
        assert isinstance(step, ImportFact)
        target_mod, target_name = index.import_target(module, step)
        if target_name is None or target_mod not in index.modules:
            return None  # a submodule, or a name that comes from outside the project
        module, name = target_mod, target_name
        if (module, name) in seen:
            return None
        seen.add((module, name))
        chain.append((module, name))
    return None


def _private_root(module: str) -> str | None:
    """`pkg._impl.core` -> `pkg`: the package its innermost private component is private
    to (being inside that package implies being inside every outer one)."""
    parts = module.split(".")
    for i in range(len(parts) - 1, -1, -1):
        part = parts[i]
        if part.startswith("_") and not (part.startswith("__") and part.endswith("__")):
            return ".".join(parts[:i])
    return None


def _reachable(home: str, importer: str | None) -> bool:
    root = _private_root(home)
    if root is None:
        return True
    if importer is None:
        return False
    return root == "" or importer == root or importer.startswith(root + ".")


def canonical_home(index: ProjectIndex, config: Config, chain: list[tuple[str, str]],
                   importer: str | None) -> tuple[str, str]:
    declared = config.canonical_map()
    for module, name in chain:
        if declared.get(name) == module:
            return module, name
    definer = chain[-1]
    # A private definer is an implementation detail; its public re-export is the home.
    return definer if _reachable(definer[0], importer) else chain[0]


def check(index: ProjectIndex, config: Config) -> CheckResult:
    findings: list[Finding] = []
    modules = _Modules(index)
    for path, facts in index.files.items():
        importer = index.module_of.get(path)
        for fact in sorted_imports(facts.imports):
            if fact.name is None or fact.name == "*" or fact.in_try:
                continue
            if fact.level and importer is None:
                continue
            target_mod, target_name = index.import_target(importer or "", fact)
            if target_name is None or target_mod not in index.modules:
                continue
            chain = resolve_chain(index, target_mod, target_name, modules)
            if chain is None or len(chain) < 2:
                continue
            home, home_name = canonical_home(index, config, chain, importer)
            if home == target_mod or home == importer:
                continue
            findings.append(_finding(index, path, fact, chain, home, home_name, modules))
    return CheckResult(tuple(sorted(findings, key=Finding.sort_key)))


def _finding(index: ProjectIndex, path: str, fact: ImportFact, chain: list[tuple[str, str]],
             home: str, home_name: str, modules: _Modules) -> Finding:
    span = fact.span
    via, name = chain[0]
    replacement = f"{home}.{home_name}"
    related: list[Location] = []
    for module, hop_name in chain:
        facts = index.facts_for_module(module)
        if facts is None:
            continue
        if module == home:
            line = next((c.span.line for c in facts.classes
                         if c.name == hop_name and not c.nested), None)
            line = line or next((f.line for f in facts.functions if f.name == hop_name), None)
            # A constant's facts carry no line: naming line 1 would point at the wrong place.
            if line is not None:
                related.append(Location(facts.path, line,
                                        message=f"`{hop_name}` is defined here"))
            break
        table = modules.get(module)  # [perf] the chain walk's memo, not a rebuild per hop
        for imp in (table[1] if table is not None else {}).get(hop_name, []):
            related.append(Location(facts.path, imp.span.line, imp.span.column,
                                    message=f"`{module}` re-exports `{hop_name}`"))
    return make_finding(
        "SSOT202",
        f"`{spelling(fact)}` imports `{name}` through `{via}`, which only re-exports it; "
        f"write `{rewritten(fact, replacement)}`",
        Location(path, span.line, span.column, span.end_line, span.end_column),
        related=related, fix=import_fix(fact, replacement),
        key=f"{fact.bound_name}:{via}.{name}->{replacement}",
    )
