"""SSOT102 split-event-schema: one event whose schema is defined in two or more places, and
payloads (dict literals) that drift from the event's canonical schema.

Schema classes are TypedDicts, dataclasses, pydantic models, NamedTuples and attrs classes
that name an event by a discriminator field (`type: Literal["agent_started"]`) or by their
own name (`AgentStarted`, `ToolExecutingEvent`). A dict literal with a discriminator key is
a *use* of the event: it is reported only when its keys drift from the canonical schema.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from ssotcheck.areas import AreaMap
from ssotcheck.catalogue import make_finding
from ssotcheck.checks._concepts import (
    Canonical,
    Home,
    choose_canonical,
    concept_entry,
    home_of,
    is_fallback,
    is_vendored,
    names_list,
    only_in_tests,
    plural,
    related_locations,
)
from ssotcheck.checks._kinds import Classifier, EventSchema, classifier, event_key
from ssotcheck.config import Config
from ssotcheck.index.project import ProjectIndex
from ssotcheck.model import (
    CheckResult,
    Concept,
    DictLiteralFact,
    Finding,
    Location,
    Severity,
)

RULES = ("SSOT102",)
# What this family reads of each file, and whether a file's findings depend on that
# file alone (see ssotcheck.incremental).
READS = frozenset({"imports", "classes", "defined", "all_names", "dicts"})
LOCAL = False

# ------------------------------------------------------------------------- options

# A payload that shares no field with the schema besides the discriminator is a different
# shape (an envelope `{"type": ..., "data": {...}}`, or a filter `{"type": "x"}`), not a
# drifted copy: comparing it field by field would only produce noise.
MIN_SHARED_PAYLOAD_FIELDS = 1


def _quoted(names: set[str] | frozenset[str]) -> str:
    return names_list({f"`{n}`" for n in names})


def _declared(config: Config, event: str, class_names: set[str]) -> str | None:
    """`canonical` may name the event (`agent_started`, `AgentStarted`) or a schema class."""
    for key, module in config.canonical:
        if key in class_names or event_key(key) == event:
            return module
    return None


def _derived_copies(group: list[EventSchema], kinds: Classifier) -> set[str]:
    """Schemas that subclass another schema of the same event extend it; they are no copy."""
    members = {s.ref.qualified for s in group}
    return {s.ref.qualified for s in group if members & kinds.ancestors(s.ref.qualified)}


def _field_drift(mine: EventSchema, theirs: EventSchema, where: str) -> list[str]:
    parts = []
    lacks = theirs.field_names() - mine.field_names()
    has = mine.field_names() - theirs.field_names()
    if lacks:
        parts.append(f"lacks {_quoted(lacks)}")
    if has:
        parts.append(f"has {_quoted(has)} which {where} lacks")
    if mine.kind != theirs.kind:
        # A dataclass field with a default is constructor convenience, not an optional key:
        # requiredness is only comparable between schemas of the same kind.
        return parts
    shared = mine.field_names() & theirs.field_names()
    now_required = (mine.required() - theirs.required()) & shared
    now_optional = (theirs.required() - mine.required()) & shared
    if now_required:
        parts.append(f"requires {_quoted(now_required)} which is optional in {where}")
    if now_optional:
        parts.append(f"makes {_quoted(now_optional)} optional, required in {where}")
    return parts


def _what(schema: EventSchema) -> str:
    return f"{schema.kind} `{schema.ref.fact.name}`"


def _schema_finding(schema: EventSchema, home: Home, homes: list[Home], canonical: Canonical,
                    reference: EventSchema | None, event: str,
                    schema_of: dict[str, EventSchema]) -> Finding:
    head = (f"event `{event}` has {plural(len(homes), 'class schema')} "
            f"({canonical.describe()})")
    if reference is None:
        detail = f"this {_what(schema)} is one of them; {canonical.module} defines none"
        severity = Severity.WARNING
    else:
        where = reference.ref.qualified
        drift = _field_drift(schema, reference, where)
        if drift:
            detail = f"this {_what(schema)} drifts from {where}: " + "; ".join(drift)
            severity = Severity.ERROR
        else:
            detail = (f"this {_what(schema)} has the same fields as {where}; import that "
                      f"instead")
            severity = Severity.WARNING
    return make_finding(
        "SSOT102", f"{head}; {detail}", home.location(),
        related=related_locations(homes, home, canonical, "schema", {
            q: f"{s.kind} with fields {', '.join(sorted(s.field_names())) or '(none)'}"
            for q, s in schema_of.items()}),
        key=f"{event}:schema:{home.qualified}", severity=severity, concept=event,
    )


def _payload_drift(lit: DictLiteralFact, reference: EventSchema) -> tuple[set[str], set[str]]:
    keys = set(lit.keys)
    fields = reference.field_names()
    if len((keys & fields) - {lit.discriminator}) < MIN_SHARED_PAYLOAD_FIELDS:
        return set(), set()
    missing = set(reference.required() - keys)
    unknown = keys - fields
    if lit.discriminator not in fields:
        # The schema is named after the event instead of carrying the key: the payload's
        # discriminator is the envelope, not a field the schema forgot.
        unknown.discard(lit.discriminator)
    return missing, unknown


def _payload_message(event: str, reference: EventSchema, canonical: Canonical,
                     missing: set[str], unknown: set[str], lit: DictLiteralFact) -> str:
    parts = []
    if missing:
        parts.append(f"lacks required {_quoted(missing)}")
    if unknown:
        parts.append(f"has {_quoted(unknown)} which the schema lacks")
    where = f" in {lit.in_function}" if lit.in_function else ""
    return (f"payload{where} for event `{event}` drifts from the schema {_what(reference)} "
            f"({canonical.describe()}): " + "; ".join(parts))


def _payload_findings(event: str, uses: list[tuple[str, DictLiteralFact]],
                      reference: EventSchema, home: Home,
                      canonical: Canonical) -> tuple[list[Finding], list[Location]]:
    """One finding per drifting payload, and where they are for the register."""
    findings: list[Finding] = []
    sites: list[Location] = []
    seen: Counter[str] = Counter()
    for path, lit in uses:
        missing, unknown = _payload_drift(lit, reference)
        if not missing and not unknown:
            continue
        # Identity without line numbers: where it is and what it holds, numbered when the
        # same literal repeats in one scope.
        ident = f"{lit.in_function or '<module>'}:{','.join(sorted(lit.keys))}"
        seen[f"{path}:{ident}"] += 1
        sites.append(Location(path, lit.span.line, lit.span.column, message="payload"))
        findings.append(make_finding(
            "SSOT102", _payload_message(event, reference, canonical, missing, unknown, lit),
            Location(path, lit.span.line, lit.span.column, lit.span.end_line,
                     lit.span.end_column),
            related=[home.location(f"schema {_what(reference)} (canonical)")],
            key=f"{event}:payload:{ident}#{seen[f'{path}:{ident}']}",
            severity=Severity.WARNING, concept=event,
        ))
    return findings, sites


def check(index: ProjectIndex, config: Config) -> CheckResult:
    kinds = classifier(index)
    area_of = AreaMap(config)
    by_event: dict[str, list[EventSchema]] = {}
    for _, schema in sorted(kinds.event_schemas(config).items()):
        if not is_vendored(schema.ref.path) and not is_fallback(schema.ref, index):
            by_event.setdefault(schema.event, []).append(schema)
    payloads: dict[str, list[tuple[str, DictLiteralFact]]] = {}
    for path, facts in index.files.items():
        if facts.dict_literals and not is_vendored(path):
            for lit in facts.dict_literals:
                payloads.setdefault(event_key(lit.event), []).append((path, lit))

    findings: list[Finding] = []
    concepts: list[Concept] = []
    for event in sorted(by_event):
        derived = _derived_copies(by_event[event], kinds)
        group = [s for s in by_event[event] if s.ref.qualified not in derived]
        homes = [home_of(s.ref, index, area_of) for s in group]
        schema_of = {h.qualified: s for h, s in zip(homes, group)}
        canonical = choose_canonical(
            homes, _declared(config, event, {s.ref.fact.name for s in group}))
        reference = schema_of[canonical.home.qualified] if canonical.home is not None else None
        event_findings: list[Finding] = []
        if len(group) >= 2:
            for home in homes:
                if not canonical.is_home(home):
                    event_findings.append(_schema_finding(
                        schema_of[home.qualified], home, homes, canonical, reference, event,
                        schema_of))
        sites: list[Location] = []
        if reference is not None and canonical.home is not None:
            uses, sites = _payload_findings(event, payloads.get(event, []), reference,
                                            canonical.home, canonical)
            event_findings += uses
        if event_findings:
            if only_in_tests(homes):
                # Only test code defines this event: a fixture's business, shown but not
                # counted against the score.
                event_findings = [replace(f, severity=Severity.INFO) for f in event_findings]
            findings.extend(event_findings)
            concepts.append(concept_entry(event, "event", homes, canonical, sites))
    return CheckResult(tuple(sorted(findings, key=lambda f: f.sort_key())),
                       tuple(sorted(concepts, key=lambda c: c.name)))
