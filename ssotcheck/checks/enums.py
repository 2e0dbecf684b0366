"""SSOT101 split-enum: one enum concept defined in two or more modules.

Concepts are found by name first. Every definition of a distinctive name (`AlertSeverity`,
not `Mode`) belongs to one concept, so its message gives the true spread; its members
only say how each copy relates to the canonical one: a copy (enough shared members), a
drifted copy (a few), a homonym (none, both in production), a deprecated stub, or another
service's own copy. A generic one-word name groups only copies that share enough members
with the group's canonical copy. A renamed copy (another name, identical members and
values) is compared with a concept's canonical copy only, never through a chain, and a
generic scale (LOW/MEDIUM/HIGH, DEBUG/INFO/ERROR) is no evidence of a rename.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Collection

from ssotcheck.areas import AreaMap
from ssotcheck.catalogue import make_finding
from ssotcheck.checks._concepts import (
    Canonical,
    Confidence,
    INDEPENDENT,
    Home,
    ImportsFrom,
    Relations,
    Services,
    anchored_groups,
    by_module_count,
    choose_canonical,
    concept_entry,
    confident,
    declared_copy,
    declared_home,
    exercises,
    home_of,
    import_pairs,
    is_deprecated,
    is_distinctive,
    is_fallback,
    is_test_area,
    left_out,
    more_note,
    names_list,
    one_per_module,
    plural,
    related_locations,
    service_name,
)
from ssotcheck.checks._kinds import classifier, is_local
from ssotcheck.config import Config
from ssotcheck.index.project import ClassRef, ProjectIndex
from ssotcheck.model import CheckResult, Concept, Finding, Severity

RULES = ("SSOT101",)
# What this family reads of each file, and whether a file's findings depend on that
# file alone (see ssotcheck.incremental).
READS = frozenset({"imports", "classes", "defined", "all_names", "dicts", "aliases",
                   "generated"})
LOCAL = False

# ------------------------------------------------------------------------- options

# Same-name enums are one concept when they share this many members, or when the shared
# members are at least this share of the smaller enum (a 2-member enum sharing 1 counts).
MIN_SHARED_MEMBERS = 2
MIN_SHARED_RATIO = 0.5
# A renamed copy must have identical members and values; small sets ({YES, NO}) are too
# common across unrelated concepts to call that a rename.
MIN_RENAMED_MEMBERS = 3
# Shared members with other values that make two enums two code spaces (`other_encoding`),
# when they are half the shared members or more.
MIN_OTHER_VALUES = 2
# Values shown in messages are cut so one odd literal cannot swamp the line.
MAX_VALUE_TEXT = 40
MAX_VALUE_DIFFS = 4

# Members of scales many unrelated enums share (`AlertSeverity` and `MessagePriority` both
# run LOW..CRITICAL): identical such members are no evidence that one enum was renamed.
GENERIC_SCALE_MEMBERS = frozenset("""
    low lowest medium med mid middle moderate normal high highest critical urgent severe
    minor major blocker trivial none very_low very_high
    trace debug info information notice warn warning error err fatal notset success alert
    emergency verbose quiet
    pending queued waiting scheduled created new started starting running in_progress
    processing active inactive idle paused suspended stopped stopping done finished
    complete completed succeeded successful failed failure cancelled canceled aborted
    skipped timeout timed_out expired retrying unknown ready open closed
    yes no true false on off enabled disabled allow deny
    small large extra_large xs s m l xl xxl
""".split())

Members = dict[str, "str | None"]
DECLARED_REASON = "declared in [tool.ssotcheck.canonical]"


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
    """Two enums of a common name (`Status`) are one concept when they share enough
    members, and those carry the same values (`other_encoding`)."""
    shared = len(a.keys() & b.keys())
    if shared == 0:
        return False
    return (shared >= MIN_SHARED_MEMBERS or shared / min(len(a), len(b)) >= MIN_SHARED_RATIO
            ) and not other_encoding(a, b)


def _unquoted(literal: str) -> str:
    return literal[1:-1] if literal[0] in "'\"" and literal[-1] == literal[0] else literal


def other_encoding(a: Members, b: Members) -> bool:
    """Shared member names, but every shared member has another literal value (pgvector's
    `DistanceStrategy.COSINE = "cosine"`, an operator name, against the shared enum's
    `COSINE = "COSINE"`), or at least two and half of them do (zigpy's ZDO `Status` and
    ZCL `Status`, whose `TIMEOUT` is 133 in one and 148 in the other, `SUCCESS` 0 in
    both). The values are what is stored and sent, so these are two code spaces that
    happen to use the same words, not one enum copied; a copy that drifted in a value or
    two stays a copy, its differing values reported."""
    pairs = [(_literal(a[k]), _literal(b[k])) for k in a.keys() & b.keys()]
    if not pairs or any(x is None or y is None for x, y in pairs):
        return False
    differ = sum(_unquoted(x) != _unquoted(y) for x, y in pairs
                 if x is not None and y is not None)
    return differ == len(pairs) or differ >= MIN_OTHER_VALUES and 2 * differ >= len(pairs)


def same_enum(a: Members, b: Members) -> bool:
    """Copies of one enum: at least one member name in common, and not another encoding."""
    return bool(a.keys() & b.keys()) and not other_encoding(a, b)


def generic_scale(members: Members) -> bool:
    """Every member is a word of a common scale (severity, log level, status, yes/no)."""
    return all(k.lower() in GENERIC_SCALE_MEMBERS for k in members)


def rename_key(members: Members) -> tuple[tuple[str, str | None], ...] | None:
    """What a renamed copy must match exactly (names and literal values), or None when the
    enum is too small or only a generic scale, which says nothing about a rename."""
    if len(members) < MIN_RENAMED_MEMBERS or generic_scale(members):
        return None
    return tuple(sorted((k, _literal(v)) for k, v in members.items()))


def renamed_copy(a: Members, b: Members) -> bool:
    key = rename_key(a)
    return key is not None and key == rename_key(b)


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


def _details(home: Home, mine: Members, homes: list[Home], members: dict[str, Members],
             reference: Home | None, canonical: Canonical) -> list[str]:
    if reference is None:
        # No copy in the declared home: compare with every other copy instead.
        union: Members = {}
        for h in homes:
            if h.qualified != home.qualified:
                for k, v in members[h.qualified].items():
                    union.setdefault(k, v)
        details = _differences(mine, union, "the other copies")
    else:
        details = _differences(mine, members[reference.qualified], reference.module)
    if not details:
        details = [f"identical to the copy in {reference.module}" if reference is not None
                   else "the copies have the same members"]
    return details


def _head(home: Home, concept: str, homes: list[Home], canonical: Canonical) -> str:
    count = by_module_count(homes)
    if home.name != concept:
        # The count is the concept's: `concept` by its own name may be in one module only.
        return (f"enum `{home.name}` is a renamed copy of enum `{concept}`: one enum in "
                f"{plural(count, 'module')} ({canonical.describe()})")
    return f"enum `{concept}` is defined in {plural(count, 'module')} ({canonical.describe()})"


@dataclass(frozen=True, slots=True)
class _Unit:
    """Same-name copies judged one concept, before renamed copies join another unit."""

    canonical: Canonical
    homes: list[Home]
    # Set on a group of same-name copies that are another enum than the name's main
    # concept (no member in common, or other values): the main concept's canonical copy.
    homonym_of: Home | None = None


def _imports_alias(index: ProjectIndex, home: Home, other: Home) -> bool:
    """One module imports the other's enum under another name and defines its own."""
    for a, b in ((home, other), (other, home)):
        facts = index.files.get(a.path)
        if facts is not None and any(
                imp.name == b.name and imp.alias not in (None, b.name)
                and b.module.endswith(imp.module) for imp in facts.imports):
            return True
    return False


def _units(refs: list[ClassRef], homes: dict[str, Home], members: dict[str, Members],
           stubs: set[str], config: Config, imports_from: ImportsFrom) -> list[_Unit]:
    by_name: dict[str, list[Home]] = {}
    for r in refs:
        by_name.setdefault(homes[r.qualified].name, []).append(homes[r.qualified])
    canonical_names = config.canonical_map()
    units: list[_Unit] = []
    for name in sorted(by_name):
        same = one_per_module(by_name[name])
        declared = declared_home(config, {name})
        live = [h for h in same if h.qualified not in stubs] or same
        if len(same) == 1 or declared is not None or name in canonical_names:
            # A deprecated stub is never the canonical copy while a live one exists.
            canonical = choose_canonical(live, declared, imports_from)
            units.append(_Unit(choose_canonical(same, declared, imports_from)
                               if canonical.home is None else canonical, same))
            continue
        if is_distinctive(name):
            # One concept per group of copies of one enum: Zep's two identical
            # `SearchType`s are a copy of each other even when FalkorDB's unrelated
            # `SearchType` is the name's best-ranked copy; each other group is a homonym.
            groups = anchored_groups(live, None, lambda a, b: same_enum(
                members[a.qualified], members[b.qualified]), imports_from)
            main = groups[0][0].home
            for i, (canonical, group) in enumerate(groups):
                units.append(_Unit(canonical, group, None if i == 0 else main))
            main_unit = units[-len(groups)]
            main_unit.homes.extend(h for h in same if h not in live)
            continue
        for canonical, group in anchored_groups(live, declared, lambda a, b: same_concept_by_name(
                members[a.qualified], members[b.qualified]), imports_from):
            units.append(_Unit(canonical, group))
        if len(live) < len(same):
            units[-1].homes.extend(h for h in same if h not in live)
    return units


def _rank(unit: _Unit) -> tuple[bool, int, int, int, str, str]:
    h = unit.canonical.home
    if h is None:
        return (False, 0, 0, 0, "", "")
    return (h.in_tests, -h.importers, -h.module_fan_in, h.module.count("."), h.module,
            h.qualname)


def _merge_renamed(units: list[_Unit], members: dict[str, Members]
                   ) -> list[tuple[_Unit, list[Home]]]:
    """Each unit with the renamed copies that join it: a unit whose canonical copy has
    exactly the members and values of a better-ranked unit's canonical copy (and is no
    generic scale) joins that unit. Comparing canonical copies only means a concept can
    never be glued to another through a third enum."""
    anchors: dict[tuple[tuple[str, str | None], ...], int] = {}
    merged: dict[int, list[Home]] = {}
    order = sorted(range(len(units)), key=lambda i: _rank(units[i]))
    for i in order:
        home = units[i].canonical.home
        key = rename_key(members[home.qualified]) if home is not None else None
        anchor = anchors.get(key) if key is not None else None
        # A module defining both names side by side does so on purpose (prefect's
        # `ArtifactSort` and `ArtifactCollectionSort`, the sort keys of two resources):
        # two concepts that share their members, not a copy renamed and forgotten.
        beside = anchor is not None and bool(
            {h.module for h in units[i].homes}
            & {h.module for h in units[anchor].homes + merged[anchor]})
        if anchor is not None and home is not None and not beside and \
                units[anchor].homes[0].name != home.name:
            merged[anchor].extend(units[i].homes)
            continue
        if key is not None:
            anchors.setdefault(key, i)
        merged[i] = []
    return [(units[i], merged[i]) for i in order if i in merged]


PRIVATE_VOCABULARIES = (
    "shown, not counted: the copies differ and no module outside tests imports any of "
    "them, by name or through its module, so each is its own module's enum, used only "
    "there, and their members never meet")


def _confidence(level: str, *reasons: str) -> dict[str, object]:
    c = Confidence(level, reasons)
    return {"confidence": c.level, "confidence_reasons": c.reasons}


def _values(members: Members, names: Collection[str]) -> str:
    return ", ".join(f"{k} = {_short(members[k] or '?')}" for k in sorted(names))


def _recased(a: Members, b: Members) -> bool:
    """The same members spelled in another case, half of the smaller enum or more, with
    the same values or values taken from the other (arize-phoenix's GraphQL `SpanKind`,
    `tool = "TOOL"`, beside the trace schema's `TOOL = "TOOL"`; its `MimeType`, `text =
    trace_schemas.MimeType.TEXT.value`): one enum mirrored for another layer, not two
    enums sharing a name."""
    folded = {k.casefold(): v for k, v in b.items()}
    pairs = [(v, folded[k.casefold()]) for k, v in a.items()
             if k not in b and k.casefold() in folded]
    alike = 0
    for x, y in pairs:
        lx, ly = _literal(x), _literal(y)
        alike += lx is None or ly is None or _unquoted(lx) == _unquoted(ly)
    return bool(pairs) and 2 * alike >= min(len(a), len(b))


def _homonym(index: ProjectIndex, relations: Relations, concept: str, home: Home,
             other: Home, members: dict[str, Members]) -> Finding | None:
    """`home` is another enum than `other`, the name's main concept: no member in common,
    or the same member names with other values. A warning when the modules are related (one
    imports the other, one small package, a rare word in both paths), where an import can
    pick the wrong one; else info: independent integrations each name their own options."""
    if home.throwaway or other.throwaway:
        # A test's, an example's or a script's own enum under a production name: nothing
        # shared, and nothing imports it (vllm's `examples/` `CarType`).
        return None
    mine, theirs = members[home.qualified], members[other.qualified]
    if _recased(mine, theirs):
        return None
    shared = mine.keys() & theirs.keys()
    if shared:
        what = (f"share the member names {names_list(shared)} but give them other values "
                f"({_values(mine, shared)} here, {_values(theirs, shared)} there)")
        reason = "same member names, other values"
    else:
        what = "have no member in common"
        reason = "no shared member"
    text = (f"two different enums share the name `{concept}`: this one (members "
            f"{names_list(mine.keys())}) and the one in {other.module} (members "
            f"{names_list(theirs.keys())}) {what}")
    aliased = _imports_alias(index, home, other)
    why = relations.evidence(home.module, other.module)
    if aliased or why is not None:
        severity = Severity.WARNING
        text += "; rename one so an import cannot pick the wrong one"
        conf = (_confidence("high", "same name in production", reason,
                            "one module imports the other's enum under an alias") if aliased
                else _confidence("medium", "same name in production", reason, str(why)))
    else:
        severity = Severity.INFO
        text += f"; {INDEPENDENT}"
        conf = _confidence("low", "same name in production", reason, "independent modules")
    return make_finding(
        "SSOT101", text, home.location(), related=[other.location(
            f"enum `{other.name}` in {other.module}: members {names_list(theirs.keys())}")],
        key=f"{concept}:{home.qualified}:homonym", concept=concept, severity=severity,
        **conf)  # type: ignore[arg-type]


def _sentinel(ref: ClassRef, members: dict[str, Members]) -> bool:
    return ref.fact.name.startswith("_") and len(members[ref.qualified]) == 1


def _used_in_production(index: ProjectIndex, area_of: AreaMap, homes: tuple[Home, ...]
                        ) -> bool:
    """A production module imports one of the enums by name or its module whole. A
    module's test importing its enum to check its states (python-kasa's
    `test_ssltransport.py` and `ssltransport.TransportState`) does not make two modules'
    copies meet."""
    for home in homes:
        outer = home.qualname.partition(".")[0]
        for module in index.symbol_importers(home.module, outer) | index.whole_importers(
                home.module):
            info = index.modules.get(module)
            if info is None or not is_test_area(area_of(info.path)):
                return True
    return False


def _known_as(home: Home) -> Home:
    """A nested enum is known by its class's name with it (`VARENUM.enumItems`): each of
    impacket's 84 NDR types declares its own `enumItems`, 84 concepts rather than one name
    defined 84 times, and Django's `Order.Status` is not `Invoice.Status`."""
    return replace(home, name=home.qualname) if "." in home.qualname else home


def check(index: ProjectIndex, config: Config) -> CheckResult:
    kinds = classifier(index)
    area_of = AreaMap(config)
    services = Services(config, index)
    relations = Relations(index)
    # Only a class with a base or a metaclass can be an enum: skip the rest unclassified.
    refs = [r for r in kinds.non_plain()
            if (r.fact.bases or r.fact.keywords) and kinds.kind(r).enum
            and not left_out(r.path, index) and not is_local(r, index) and not is_fallback(r, index)]
    members = {r.qualified: kinds.enum_members(r) for r in refs}
    # A member-less enum is a base or mixin for others, not a concept of its own; a private
    # one-member enum is its module's typing sentinel (`class _Missing(Enum): token = 0`
    # for `Literal[_Missing.token]`: synapse's `_Sentinel` in four modules).
    refs = [r for r in refs if members[r.qualified] and not _sentinel(r, members)]
    homes_of = {r.qualified: _known_as(home_of(r, index, area_of)) for r in refs}
    ref_of = {r.qualified: r for r in refs}
    stubs = {r.qualified for r in refs if is_deprecated(r)}
    canonical_names = config.canonical_map()

    findings: list[Finding] = []
    concepts: list[Concept] = []
    for unit, renamed in _merge_renamed(
            _units(refs, homes_of, members, stubs, config, import_pairs(index).imports_from),
            members):
        canonical = unit.canonical
        if len({h.module for h in unit.homes + renamed}) < 2 and unit.homonym_of is None:
            continue
        names = {h.name for h in unit.homes + renamed}
        concept = canonical.home.name if canonical.home is not None else (
            sorted(n for n in names if n in canonical_names) or sorted(names))[0]
        declared = concept in canonical_names or canonical.declared
        homes = unit.homes + renamed
        main = canonical.home
        if main is not None and not main.throwaway and not declared:
            # As in SSOT103: a test's copy counts only in a test of the canonical copy's code.
            homes = [h for h in homes if not h.in_tests or exercises(index, h, main)]
        # Tests, examples and scripts re-declare enums freely (each example script is a
        # world of its own): shown, not counted, as SSOT103 leaves such copies alone.
        test_only = bool(homes) and all(h.throwaway for h in homes)
        concept_findings: list[Finding] = []
        # One answer for the concept, asked by its copies' loop below only when a copy
        # reaches the last test there.
        imported = functools.cache(functools.partial(_used_in_production, index, area_of,
                                                     tuple(homes)))
        if unit.homonym_of is not None and canonical.home is not None:
            found = _homonym(index, relations, concept, canonical.home, unit.homonym_of,
                             members)
            if found is not None:
                concept_findings.append(found)
        for home in homes if len({h.module for h in homes}) >= 2 else []:
            if canonical.is_home(home):
                continue
            mine = members[home.qualified]
            related = related_locations(homes, home, canonical, "enum", {
                h.qualified: f"members {names_list(members[h.qualified].keys())}"
                for h in homes})
            key = f"{concept}:{home.qualified}"
            head = _head(home, concept, homes, canonical) + more_note(homes)
            if home.qualified in stubs:
                concept_findings.append(make_finding(
                    "SSOT101", f"{head}; this copy is marked deprecated: a stub of "
                    f"`{concept}`, remove it when nothing imports it",
                    home.location(), related=related, key=key, concept=concept,
                    severity=Severity.INFO,
                    **_confidence("high", "marked deprecated")))  # type: ignore[arg-type]
                continue
            reference, cross = services.reference(home, homes, canonical)
            details = _details(home, mine, homes, members, reference, canonical)
            if cross:
                assert canonical.home is not None
                concept_findings.append(make_finding(
                    "SSOT101", f"{head}; this copy is the own copy of service "
                    f"{service_name(services(home.path))}, which shares no code with service "
                    f"{service_name(services(canonical.home.path))}; " + "; ".join(details),
                    home.location(), related=related, key=key, concept=concept,
                    severity=Severity.INFO,
                    **_confidence("low", "copies in different services")))  # type: ignore[arg-type]
                continue
            # Test-only concepts say so (below), whatever their layout. A copy the project
            # declares (`# Copied from ...`) is kept on purpose, like a layout's.
            apart = None if declared or reference is None or test_only else (
                declared_copy(ref_of[home.qualified], ref_of[reference.qualified])
                or relations.apart(home.module, reference.module))
            if apart is not None:
                concept_findings.append(make_finding(
                    "SSOT101", f"{head}; " + "; ".join(details + [apart.note]),
                    home.location(), related=related, key=key, concept=concept,
                    severity=Severity.INFO,
                    **_confidence("low", "same name", apart.reason)))  # type: ignore[arg-type]
                continue
            theirs = members[reference.qualified] if reference is not None else {}
            shared = len(mine.keys() & theirs.keys())
            union = len(mine.keys() | theirs.keys())
            if home.name != concept:
                level = "high" if len(mine) >= 5 else "medium"
                conf = _confidence(level, "another name", "identical members and values")
                severity = Severity.ERROR
            elif reference is None or declared or same_concept_by_name(mine, theirs):
                reasons = ["same name"] + ([DECLARED_REASON] if declared else []) + (
                    [f"{shared} of {union} members shared"] if reference is not None else [])
                high = declared or (union and shared / union >= MIN_SHARED_RATIO)
                conf = _confidence("high" if high else "medium", *reasons)
                severity = Severity.ERROR
            else:
                details = [f"this copy has drifted: it shares {shared} of {union} members "
                           f"with {reference.module}"] + details
                why = relations.evidence(home.module, reference.module)
                if why is None:
                    # Independent integrations each name their own options (YouTube's and
                    # AssemblyAI's `TranscriptFormat`): one shared word is no concept.
                    details.append(INDEPENDENT)
                    conf = _confidence("low", "same distinctive name",
                                       f"only {shared} of {union} members shared",
                                       "independent modules")
                    severity = Severity.INFO
                else:
                    conf = _confidence("medium", "same distinctive name",
                                       f"only {shared} of {union} members shared", why)
                    severity = Severity.WARNING
            if severity is not Severity.INFO and reference is not None and \
                    home.name == concept and mine != theirs and not declared and not test_only \
                    and not imported():
                # Members of two copies meet only where one module holds both, and no module
                # imports either, by name or through its module (`enums.Status.OK`): each
                # module's own flags for its own class (pyqtgraph's `DirtyFlag` per GL item,
                # each transformers pipeline's `ReturnType`). An identical copy is still
                # copy-paste, and is counted. Last in the test: it is rarely reached.
                details.append(PRIVATE_VOCABULARIES)
                severity = Severity.INFO
                conf = _confidence("low", "same name", "other members",
                                   "no copy imported outside tests")
            concept_findings.append(make_finding(
                "SSOT101", f"{head}; " + "; ".join(details), home.location(), related=related,
                key=key, concept=concept,
                severity=Severity.INFO if test_only else severity,
                **(_confidence("low", "only tests, examples or scripts define it")
                   if test_only else conf),  # type: ignore[arg-type]
            ))
        findings.extend(concept_findings)
        if len({h.module for h in homes}) >= 2:
            concepts.append(concept_entry(concept, "enum", homes, canonical))
    return CheckResult(tuple(sorted(confident(findings, config), key=lambda f: f.sort_key())),
                       tuple(sorted(concepts, key=lambda c: c.name)))
