"""SSOT101 split-enum: one enum concept defined in two or more modules.

Two copies are one concept when they share a class name and enough members, or when a
renamed copy has exactly the same members and values. Copies that share a name but not
members (two unrelated `Mode` enums) are different concepts and stay silent.
"""

from __future__ import annotations

from ssotcheck.areas import AreaMap
from ssotcheck.catalogue import make_finding
from ssotcheck.checks._concepts import (
    Canonical,
    Home,
    UnionFind,
    by_module_count,
    choose_canonical,
    concept_entry,
    declared_home,
    home_of,
    is_fallback,
    is_vendored,
    names_list,
    one_per_module,
    only_in_tests,
    plural,
    related_locations,
)
from ssotcheck.checks._kinds import classifier, is_local
from ssotcheck.config import Config
from ssotcheck.index.project import ClassRef, ProjectIndex
from ssotcheck.model import CheckResult, Concept, Finding, Severity

RULES = ("SSOT101",)
# What this family reads of each file, and whether a file's findings depend on that
# file alone (see ssotcheck.incremental).
READS = frozenset({"imports", "classes", "defined", "all_names", "dicts"})
LOCAL = False

# ------------------------------------------------------------------------- options

# Same-name enums are one concept when they share this many members, or when the shared
# members are at least this share of the smaller enum (a 2-member enum sharing 1 counts).
MIN_SHARED_MEMBERS = 2
MIN_SHARED_RATIO = 0.5
# A renamed copy must have identical members and values; small sets ({YES, NO}) are too
# common across unrelated concepts to call that a rename.
MIN_RENAMED_MEMBERS = 3
# Values shown in messages are cut so one odd literal cannot swamp the line.
MAX_VALUE_TEXT = 40
MAX_VALUE_DIFFS = 4

Members = dict[str, "str | None"]


def _literal(value: str | None) -> str | None:
    """The value when it is a literal we can compare (`'done'`, `3`), not `auto()`/a name."""
    if not value:
        return None
    if value[0] in "'\"-(0123456789" or value in ("True", "False", "None"):
        return value
    return None


def _value_type(literal: str) -> str:
    if literal[0] in "'\"":
        return "strings"
    if literal[0] == "(":
        return "tuples"
    if literal in ("True", "False", "None"):
        return "constants"
    return "numbers"


def _short(value: str) -> str:
    return value if len(value) <= MAX_VALUE_TEXT else value[: MAX_VALUE_TEXT - 3] + "..."


def same_concept_by_name(a: Members, b: Members) -> bool:
    shared = len(a.keys() & b.keys())
    if shared == 0:
        return False
    return shared >= MIN_SHARED_MEMBERS or shared / min(len(a), len(b)) >= MIN_SHARED_RATIO


def renamed_copy(a: Members, b: Members) -> bool:
    if len(a) < MIN_RENAMED_MEMBERS or a.keys() != b.keys():
        return False
    return all(_literal(a[k]) == _literal(b[k]) for k in a)


def _groups(refs: list[ClassRef], members: dict[str, Members]) -> list[list[str]]:
    uf = UnionFind([r.qualified for r in refs])
    by_name: dict[str, list[ClassRef]] = {}
    by_set: dict[frozenset[str], list[ClassRef]] = {}
    for r in refs:
        by_name.setdefault(r.fact.name, []).append(r)
        by_set.setdefault(frozenset(members[r.qualified]), []).append(r)
    for same in by_name.values():
        for i, a in enumerate(same):
            for b in same[i + 1:]:
                if same_concept_by_name(members[a.qualified], members[b.qualified]):
                    uf.union(a.qualified, b.qualified)
    for same in by_set.values():
        for i, a in enumerate(same):
            for b in same[i + 1:]:
                if a.fact.name != b.fact.name and a.module != b.module and renamed_copy(
                        members[a.qualified], members[b.qualified]):
                    uf.union(a.qualified, b.qualified)
    return uf.groups()


def _differences(mine: Members, theirs: Members, where: str) -> list[str]:
    parts = []
    lacks = theirs.keys() - mine.keys()
    adds = mine.keys() - theirs.keys()
    if lacks and adds:
        parts.append(f"this copy lacks {names_list(lacks)} and has {names_list(adds)} which "
                     f"{where} lacks")
    elif lacks:
        parts.append(f"this copy lacks {names_list(lacks)}")
    elif adds:
        parts.append(f"this copy has {names_list(adds)} which {where} lacks")
    diffs = []
    pairs: list[tuple[str, str, str]] = []
    for name in sorted(mine.keys() & theirs.keys()):
        here, there = _literal(mine[name]), _literal(theirs[name])
        if here is not None and there is not None:
            pairs.append((name, here, there))
    here_types = {_value_type(a) for _, a, _ in pairs}
    there_types = {_value_type(b) for _, _, b in pairs}
    if pairs and here_types.isdisjoint(there_types):
        # An IntEnum copy of a str enum differs in every value; one sentence says it all.
        return parts + [f"its values are {names_list(here_types)} here but "
                        f"{names_list(there_types)} in {where}"]
    for name, here, there in pairs:
        if here != there:
            diffs.append(f"member {name} = {_short(here)} here but {_short(there)} in {where}")
    if len(diffs) > MAX_VALUE_DIFFS:
        diffs = diffs[:MAX_VALUE_DIFFS] + [f"{len(diffs) - MAX_VALUE_DIFFS} more values differ"]
    return parts + diffs


def _message(home: Home, mine: Members, homes: list[Home], members: dict[str, Members],
             canonical: Canonical, concept: str) -> str:
    count = by_module_count(homes)
    head = f"enum `{concept}` is defined in {plural(count, 'module')} ({canonical.describe()})"
    if home.name != concept:
        head = (f"enum `{home.name}` is a renamed copy of enum `{concept}`, which is defined "
                f"in {plural(count, 'module')} ({canonical.describe()})")
    ref_home = canonical.home
    if ref_home is None:
        # No copy in the declared home: compare with every other copy instead.
        union: Members = {}
        for h in homes:
            if h.qualified != home.qualified:
                for k, v in members[h.qualified].items():
                    union.setdefault(k, v)
        details = _differences(mine, union, "the other copies")
    else:
        details = _differences(mine, members[ref_home.qualified], ref_home.module)
    if not details:
        details = [f"identical to the copy in {canonical.module}" if ref_home is not None
                   else "the copies have the same members"]
    return f"{head}; " + "; ".join(details)


def check(index: ProjectIndex, config: Config) -> CheckResult:
    kinds = classifier(index)
    area_of = AreaMap(config)
    # Only a class with a base or a metaclass can be an enum: skip the rest unclassified.
    refs = [r for r in kinds.non_plain()
            if (r.fact.bases or r.fact.keywords) and kinds.kind(r).enum
            and not is_vendored(r.path) and not is_local(r, index) and not is_fallback(r, index)]
    members = {r.qualified: kinds.enum_members(r) for r in refs}
    # A member-less enum is a base or mixin for others, not a concept of its own.
    refs = [r for r in refs if members[r.qualified]]
    by_qualified = {r.qualified: r for r in refs}

    findings: list[Finding] = []
    concepts: list[Concept] = []
    for group in _groups(refs, members):
        # Homes keep one definition per module: a group within one module is no split, and
        # most groups are a single enum. Ask for fan-in only where it decides something.
        if len({by_qualified[q].module for q in group}) < 2:
            continue
        homes = one_per_module([home_of(by_qualified[q], index, area_of) for q in group])
        names = {h.name for h in homes}
        canonical = choose_canonical(homes, declared_home(config, names))
        concept = canonical.home.name if canonical.home is not None else (
            sorted(n for n in names if n in config.canonical_map()) or sorted(names))[0]
        # A split only test code sees is a fixture's business: reported, not counted.
        test_only = only_in_tests(homes)
        for home in homes:
            if canonical.is_home(home):
                continue
            mine = members[home.qualified]
            findings.append(make_finding(
                "SSOT101", _message(home, mine, homes, members, canonical, concept),
                home.location(),
                related=related_locations(homes, home, canonical, "enum", {
                    h.qualified: f"members {names_list(members[h.qualified].keys())}"
                    for h in homes}),
                key=f"{concept}:{home.qualified}", concept=concept,
                severity=Severity.INFO if test_only else Severity.ERROR,
            ))
        concepts.append(concept_entry(concept, "enum", homes, canonical))
    return CheckResult(tuple(sorted(findings, key=lambda f: f.sort_key())),
                       tuple(sorted(concepts, key=lambda c: c.name)))
