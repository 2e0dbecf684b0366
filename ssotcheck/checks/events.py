"""SSOT102 split-event-schema: one event whose schema is defined in two or more places, and
payloads (dict literals) that drift from the event's canonical schema.

Schema classes are TypedDicts, dataclasses, pydantic models, NamedTuples and attrs classes
that name an event by a discriminator field (`type: Literal["agent_started"]`) or by their
own name (`AgentStarted`, `ToolExecutingEvent`). A dict literal with a discriminator key is
a *use* of the event when it is a message (returned, yielded, annotated, or handed to a call
that sends, emits or serialises it): it is reported only when its keys, or the keys of its
`payload`/`data` envelope body, drift from the canonical schema. A schema defined in test
code never judges production payloads; in tests, extra keys a receiver ignores are info.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from ssotcheck.areas import AreaMap
from ssotcheck.catalogue import make_finding
from ssotcheck.checks._concepts import (
    Canonical,
    INDEPENDENT,
    Home,
    Relations,
    Services,
    by_module_count,
    choose_canonical,
    concept_entry,
    confident,
    cross_service,
    home_of,
    import_pairs,
    is_distinctive,
    is_test_area,
    more_note,
    is_fallback,
    generated_events,
    left_out,
    names_list,
    one_component_apart,
    only_throwaway,
    plural,
    retyped_text,
    related_locations,
)
from ssotcheck.checks._kinds import (
    DATACLASS,
    NAMEDTUPLE,
    PYDANTIC,
    TYPEDDICT,
    Classifier,
    EventSchema,
    classifier,
    event_from_class_name,
    event_key,
    is_sent,
)
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
READS = frozenset({"imports", "classes", "defined", "all_names", "dicts", "aliases",
                   "generated"})
LOCAL = False

# ------------------------------------------------------------------------- options

# A payload that shares no field with the schema besides the discriminator is a different
# shape (an envelope `{"type": ..., "data": {...}}`, or a filter `{"type": "x"}`), not a
# drifted copy: comparing it field by field would only produce noise.
MIN_SHARED_PAYLOAD_FIELDS = 1
MIN_SHARED_ONE_WORD_FIELDS = 2  # for a one-word tag (`generic_event`)
# Nor is one that shares less than this share of the smaller side's fields: sentry's test
# replay body `{"type": "replay_event", "replay_id", "urls", "tags", ... 18 more}`, sent
# inside the Kafka message whose TypedDict (`payload`, `project_id`, `replay_id`,
# `retention_days`, `start_time`) shares its tag and `replay_id` only, is another object.
MIN_SHARED_PAYLOAD_SHARE = 0.5
# Two schemas that only their class names tie to an event, each with at least
# MIN_NAMED_FIELDS fields and at most MAX_HOMONYM_SHARED of them in common, are two
# objects that happen to share a name (see `_homonyms`).
MIN_NAMED_FIELDS = 3
MAX_HOMONYM_SHARED = 1
# A one-word tag with schemas in this many modules is a tagged-union member's tag.
UNION_TAG_MODULES = 5


# The confidence reason and the message of `_own_schema`.
OWN_SCHEMA = "its own schema beside imports of the other module"
ONE_WORD_TAG = "one-word tag, other class names"


def _same_name(x: EventSchema, y: EventSchema) -> bool:
    """The same distinctive class name, minus an `Event`/`Payload`... suffix when both are
    tagged (`AgentStarted` and `AgentStartedEvent`), or, for two schemas of one kind, one
    name the other's with words in front (litellm's pydantic `ContentPartDonePartOutputText`
    and the Responses `OutputText`; not openai-agents' request TypedDict
    `RealtimeUserInputText` and the pydantic conversation item `InputText`)."""
    a, b = x.ref.fact.name, y.ref.fact.name
    if not is_distinctive(a) or not is_distinctive(b):
        return False
    if a == b:
        return True
    ka, kb = event_from_class_name(a), event_from_class_name(b)
    if x.identified_by == y.identified_by == "discriminator" and ka == kb:
        return True
    return x.kind == y.kind and (ka.endswith("_" + kb) or kb.endswith("_" + ka))


def _own_schema(schema: EventSchema, reference: EventSchema, index: ProjectIndex
                ) -> str | None:
    """One module imports names from the other, but not the other's schema of this tag,
    and defines its own under another name: it knows that module and chose its own event
    (openai-agents' session `events.py` carries the model layer's `RealtimeModelAudioEvent`
    it imports, and has its own `RealtimeAudioInterrupted`; litellm's Anthropic types import
    three OpenAI-format blocks and keep Anthropic's `document` param). The `shown, not
    counted` text, or None when a module imports the other schema (or the whole module)."""
    found = None
    for mine, theirs in ((schema, reference), (reference, schema)):
        facts = index.files.get(mine.ref.path)
        names: set[str] = set()
        for imp in facts.imports if facts is not None else ():
            target, name = index.import_target(mine.ref.module, imp)
            if target == theirs.ref.module:
                if name is None or name == theirs.ref.fact.name:
                    return None  # the module, or the very schema: a copy beside its import
                names.add(name)
        if names and found is None:
            found = (f"shown, not counted: {mine.ref.module} imports {_quoted(names)} from "
                     f"{theirs.ref.module}, not this event's schema there, and defines its "
                     f"own under another name (another layer's event, another API's format)")
    return found


def _related(schema: EventSchema, reference: EventSchema | None, relations: Relations,
             index: ProjectIndex) -> tuple[str | None, str, str]:
    """Why two schemas of one tag are one event's: the same distinctive class name
    (`_same_name`), or modules `Relations.evidence` relates. None for two vendors' union
    members that share a tag, or two forms of one object kept apart by design, with the
    `shown, not counted` text to say instead and its confidence reason."""
    if reference is None:
        return None, INDEPENDENT, "independent modules"
    a, b = schema.ref.module, reference.ref.module
    apart = relations.apart(a, b)
    if apart is not None:
        return None, apart.note, apart.reason
    # Before the same-name test: `BetaErrorResponse` is named after `ErrorResponse` because
    # it is the beta API's version of it.
    versions = relations.versions(a, b) or _version_names(schema, reference)
    if versions is not None:
        return None, f"shown, not counted: {versions}", "versions of one API"
    forms = _two_forms(schema, reference)
    if forms is not None:
        return None, forms, "two forms of one object"
    own_kind = _per_package(schema, reference)
    if own_kind is not None:
        return None, own_kind, "one event per package"
    if _same_name(schema, reference):
        return "same class name", "", ""
    if generic_event(schema.event):
        # A one-word tag names a kind every tagged union has (`text`, `function`, dvc's
        # dataset kind `dvc`); two classes of it named for different things (the API's
        # `DVCDataset` and the stored `DVCDatasetSpec`, a stream's `BetaCompactionEvent`
        # and the content block `BetaCompactionBlock`) are two objects, whatever imports.
        return None, (f"shown, not counted: `{schema.ref.fact.name}` and "
                      f"`{reference.ref.fact.name}` share only the one-word tag "
                      f"`{schema.event}`, which names a kind in many messages, not one "
                      f"event"), ONE_WORD_TAG
    own = _own_schema(schema, reference, index)
    if own is not None:
        return None, own, OWN_SCHEMA
    return relations.evidence(a, b), INDEPENDENT, "independent modules"


def _per_package(schema: EventSchema, reference: EventSchema) -> str | None:
    """The modules differ in one path component, and the schemas differ only in a field
    each names after its own component: livekit's `llm/`, `stt/` and `tts/fallback_adapter`
    each announce `AvailabilityChangedEvent(llm: LLM | stt: STT | tts: TTS, available)`,
    one event per package about that package's own kind of object, not one event that
    drifted. The `shown, not counted` text, or None."""
    apart = one_component_apart(schema.ref.module, reference.ref.module)
    if apart is None:
        return None
    x, y = apart
    mine, theirs = schema.field_names(), reference.field_names()
    if mine - theirs != {x} or theirs - mine != {y}:
        return None
    return (f"shown, not counted: each package's `{schema.ref.fact.name}` carries its own "
            f"kind of object (`{x}` in {schema.ref.module}, `{y}` in "
            f"{reference.ref.module}): one event per package, not one event that drifted")


# A class name's leading word naming a pre-release API (`BetaErrorResponse` beside
# `ErrorResponse`).
CHANNEL_PREFIXES = ("Beta", "Alpha", "Preview")


def _version_names(schema: EventSchema, reference: EventSchema) -> str | None:
    """One class name is the other's with a pre-release channel in front: the beta API's
    own copy of the stable type, which evolves apart from it. The explanation, or None."""
    x, y = schema.ref.fact.name.lstrip("_"), reference.ref.fact.name.lstrip("_")
    for p, q in ((x, y), (y, x)):
        for prefix in CHANNEL_PREFIXES:
            if p == prefix + q:
                return (f"`{p}` is the {prefix.lower()} API's own `{q}`: each version "
                        f"of an API keeps its own types")
    return None


# Words that name which side of a call a type describes: `text_block_param.py` beside
# `text_block.py`, `request_types.py` beside `response_types.py`.
FORM_WORDS = frozenset({"param", "params", "request", "requests", "response", "responses"})
# Suffixes of the class that describes what a caller sends (`TextBlockParam` for
# `TextBlock`).
PARAM_SUFFIXES = ("Params", "Param")
# Schema kinds that are objects in memory, not the shape of a dict.
OBJECT_KINDS = frozenset({DATACLASS, NAMEDTUPLE})


def _two_forms(schema: EventSchema, reference: EventSchema) -> str | None:
    """The two schemas are two forms of one object, each needed where it is used: what a
    caller sends and what comes back (`_sent_and_returned`), or the tagged dict on the
    wire and the library's own untagged object it converts to or from (a provider's
    `{"type": "video_url", "video_url": ...}` part and the library's `VideoUrl`
    dataclass, a wire `response.done` event and the session's `ResponseDone`). Importing
    one where the other is used would not type. The `shown, not counted` text, or None."""
    sent = _sent_and_returned(schema, reference)
    if sent is not None:
        return sent
    for obj, other in ((schema, reference), (reference, schema)):
        if obj.kind in OBJECT_KINDS and obj.identified_by == "name" and (
                other.kind == TYPEDDICT or other.identified_by == "discriminator"):
            return (f"shown, not counted: {_what(other)} is the tagged message on the wire "
                    f"and {_what(obj)} the untagged object it is converted to or from, "
                    f"two forms of one message")
        if obj.kind in OBJECT_KINDS and other.kind == PYDANTIC:
            # As SSOT103 has it: the model validates what crosses an API, the dataclass is
            # the object in memory (mlflow's pyfunc `types/llm.py` `ToolCall` dataclass and
            # the gateway's pydantic `ToolCall`).
            return (f"shown, not counted: {_what(other)} validates the message where it "
                    f"crosses an API and {_what(obj)} is the object in memory, two forms of "
                    f"one message")
    return None


def _sent_and_returned(schema: EventSchema, reference: EventSchema) -> str | None:
    """One schema is what a caller sends and the other what comes back: an SDK's
    `TextBlockParam` TypedDict beside its `TextBlock` model (or `...ErrorParam` beside
    `...ErrorObject`), a protocol's `request_types` module beside its `response_types`.
    The `shown, not counted` text, or None."""
    x, y = schema.ref.fact.name.lstrip("_"), reference.ref.fact.name.lstrip("_")
    for p, q in ((x, y), (y, x)):
        stem = next((p[:-len(suffix)] for suffix in PARAM_SUFFIXES if p.endswith(suffix)),
                    None)
        if stem and q.startswith(stem) and not q.endswith(PARAM_SUFFIXES):
            return (f"shown, not counted: `{schema.ref.fact.name}` and "
                    f"`{reference.ref.fact.name}` are what a caller sends and what comes "
                    f"back, two forms of one object")
    apart = one_component_apart(schema.ref.module, reference.ref.module)
    if apart is not None:
        words = [[w for w in part.lower().split("_") if w] for part in apart]
        kept = [[w for w in ws if w not in FORM_WORDS] for ws in words]
        if kept[0] == kept[1] and words[0] != words[1]:
            return (f"shown, not counted: {schema.ref.module} and {reference.ref.module} "
                    f"hold the request and the response form of one object, each needed "
                    f"where it is used")
    return None


def union_tag(event: str, homes: list[Home]) -> bool:
    """A one-word tag whose schemas sit in UNION_TAG_MODULES modules or more (`text` in
    litellm's OpenAI, Anthropic, Mistral, OCI... content parts): the tag of many tagged
    unions, not one event defined again and again."""
    return generic_event(event) and by_module_count(homes) >= UNION_TAG_MODULES


def generic_event(event: str) -> bool:
    """A one-word tag (`text`, `message`, `llm`, `function`): every tagged union has one,
    so it names an event only together with other evidence. `tool_executing` or
    `websocket.send` identify one by themselves."""
    return len([w for w in re.split(r"[^0-9a-z]+", event.lower()) if w]) < 2


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
    shared = mine.field_names() & theirs.field_names()
    # A field both declare, typed otherwise in each: a reader of one copy gets what the
    # other's writer did not promise. Discriminators are the event itself.
    parts += retyped_text({f.name: f.type for f in mine.fields if f.literal is None},
                          {f.name: f.type for f in theirs.fields if f.literal is None}, where)
    if mine.kind != theirs.kind:
        # A dataclass field with a default is constructor convenience, not an optional key:
        # requiredness is only comparable between schemas of the same kind.
        return parts
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
                    schema_of: dict[str, EventSchema], why: str | None,
                    unrelated: str = INDEPENDENT,
                    unrelated_reason: str = "independent modules") -> Finding:
    # The tag as the code writes it (`websocket.receive`), not its normalised key.
    shown = (reference.tag if reference is not None else "") or schema.tag or event
    head = (f"event `{shown}` has {plural(len(homes), 'class schema')} "
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
    reasons: tuple[str, ...] = ("same event", f"identified by {schema.identified_by}")
    confidence = "high" if schema.identified_by == "discriminator" else "medium"
    if why is None and reference is not None:
        # Two vendors' tagged unions both tag a member `text` or `function`: without
        # anything relating the modules, one tag value is no shared event.
        detail += f"; {unrelated}"
        severity, confidence = Severity.INFO, "low"
        reasons += (unrelated_reason,)
    elif why is not None:
        reasons += (why,)
    return make_finding(
        "SSOT102", f"{head}{more_note(homes)}; {detail}", home.location(),
        confidence=confidence, confidence_reasons=reasons,
        related=related_locations(homes, home, canonical, "schema", {
            q: f"{s.kind} with fields {', '.join(sorted(s.field_names())) or '(none)'}"
            for q, s in schema_of.items()}),
        key=f"{event}:schema:{home.qualified}", severity=severity, concept=event,
    )


def _payload_drift(lit: DictLiteralFact, reference: EventSchema, envelopes: tuple[str, ...]
                   ) -> tuple[set[str], set[str], str | None]:
    """(required fields it lacks, keys the schema lacks, the envelope key when the keys
    compared are those of `{"type": ..., "payload": {...}}`'s body)."""
    keys = set(lit.keys)
    fields = reference.field_names()
    envelope = None
    for key, inner in lit.nested:
        if key in envelopes and key not in fields:
            # The schema describes the body, not the envelope around it.
            keys, envelope = set(inner), key
            break
    # `{"type": "function", "function": {...}}`: a tagged union's member keeps its body
    # under a key named after the tag, so that key is the tag again, no shared field (an
    # OpenAI tool *call* and a tool *definition* share only it).
    tags = {lit.discriminator, lit.event}
    shared = len((keys & fields) - tags)
    # A one-word tag names a kind in many messages: one common field beside it (`name`)
    # does not make livekit's tool-*choice* `{"type": "function", "name": ...}` its
    # `FunctionToolCall`.
    least = MIN_SHARED_ONE_WORD_FIELDS if generic_event(lit.event) else MIN_SHARED_PAYLOAD_FIELDS
    if shared < least or \
            shared < MIN_SHARED_PAYLOAD_SHARE * min(len(keys - tags), len(fields - tags)):
        return set(), set(), envelope
    missing = set(reference.required() - keys)
    unknown = keys - fields
    if envelope is not None or lit.discriminator not in fields:
        # The schema is named after the event instead of carrying the key, or the key sits
        # on the envelope: the discriminator is no field the schema forgot.
        unknown.discard(lit.discriminator)
        missing.discard(lit.discriminator)
    return missing, unknown, envelope


def _payload_message(event: str, reference: EventSchema, canonical: Canonical,
                     missing: set[str], unknown: set[str], lit: DictLiteralFact,
                     envelope: str | None) -> str:
    parts = []
    if missing:
        parts.append(f"lacks required {_quoted(missing)}")
    if unknown:
        parts.append(f"has {_quoted(unknown)} which the schema lacks")
    where = f" in {lit.in_function}" if lit.in_function else ""
    what = f"the `{envelope}` body of the message" if envelope else "payload"
    return (f"{what}{where} for event `{lit.event or event}` drifts from the schema "
            f"{_what(reference)} "
            f"({canonical.describe()}): " + "; ".join(parts))


CANNED = ("; shown, not counted: a test double's canned reply, which carries only what "
          "the test reads")


def _canned_reply(lit: DictLiteralFact) -> bool:
    """The dict is handed to a `...Response(...)` call: the body of a faked reply; or a
    function defined inside a test yields or returns it (llama-stack's fake `_stream`
    inside `test_sse_format_is_correct`): what a stand-in produces for the code under
    test."""
    if any(sink.startswith("call:") and
           sink.partition(":")[2].rpartition(".")[2].endswith("Response")
           for sink in lit.sinks):
        return True
    scopes = (lit.in_function or "").lower().split(".")
    return len(scopes) >= 2 and not scopes[-1].startswith("test") and any(
        scope.startswith("test") for scope in scopes[:-1]) and any(
        sink in ("yield", "return") for sink in lit.sinks)


OWN_FORM = ("; shown, not counted: a method of the schema's own class writes it, the "
            "class's own serialisation, which picks the fields it sends")


def _adapter_note(module: str | None, library: str) -> str:
    return (f"; shown, not counted: {module} is named for `{library}`, a library the "
            f"project uses, so the dict is shaped for `{library}`'s API, not for the "
            f"project's own schema of it")


def _own_serialisation(lit: DictLiteralFact, path: str, reference: EventSchema) -> bool:
    """A method of the schema's class builds the dict (strands' `AgentResult.to_dict`):
    the class deciding its own wire form, not a payload written against it elsewhere."""
    return path == reference.ref.path and (lit.in_function or "").startswith(
        reference.ref.fact.qualname + ".")


def _payload_findings(event: str, uses: list[tuple[str, DictLiteralFact]],
                      variants: list[EventSchema], annotated: list[EventSchema],
                      home: Home, canonical: Canonical, config: Config, area_of: AreaMap,
                      relations: Relations) -> tuple[list[Finding], list[Location]]:
    """One finding per drifting payload, and where they are for the register. `variants`:
    the canonical schema, then the other schemas of the event in its module; `annotated`:
    every schema of the event, for payloads annotated with a schema's class name."""
    findings: list[Finding] = []
    sites: list[Location] = []
    seen: Counter[str] = Counter()
    schema_in_tests = is_test_area(home.area)
    for path, lit in uses:
        in_tests = is_test_area(area_of(path))
        if schema_in_tests and not in_tests:
            continue  # a schema only tests define never judges production code
        # A payload is judged against the variant it fits best (uvicorn's text and bytes
        # `websocket.send`), the canonical schema first on a tie; one annotated with a
        # schema's name (`tc: types.ToolCallChunk = {...}`) may also be that schema,
        # wherever it is (the facts keep the annotation's last name only).
        named = {sink.partition(":")[2] for sink in lit.sinks if sink.startswith("annotated:")}
        # Another form of the canonical schema (`_two_forms`: the `...EventParams` a
        # caller sends beside the `...Event` model the API returns with its `id`; the
        # dataclass in memory beside the pydantic model that validates it) may be the one
        # a payload was written for.
        candidates = variants + [s for s in annotated if all(s is not v for v in variants)
                                 and (s.ref.fact.name in named
                                      or _two_forms(s, variants[0]) is not None)]
        reference, (missing, unknown, envelope) = min(
            ((v, _payload_drift(lit, v, config.envelopes)) for v in candidates),
            key=lambda pair: len(pair[1][0]) + len(pair[1][1]))
        if not missing and not unknown:
            continue
        module = relations.module_of(path)
        if (generic_event(event) or reference.identified_by == "name") and \
                not named & {s.ref.fact.name for s in candidates}:
            if module is None or relations.evidence(module, reference.ref.module) is None:
                # A dict tagged `llm` in one integration and a dataclass of event `llm` in
                # another that it never imports: a one-word tag says nothing more. Nor
                # does a class name that spells the tag (litellm's request item
                # `{"type": "output_text", ...}` and the Responses API's `OutputText`
                # model, whose `type` is a plain `str`) from a module nothing relates.
                continue
        # Identity without line numbers: where it is and what it holds, numbered when the
        # same literal repeats in one scope.
        ident = f"{lit.in_function or '<module>'}:{','.join(sorted(lit.keys))}"
        seen[f"{path}:{ident}"] += 1
        sites.append(Location(path, lit.span.line, lit.span.column, message="payload"))
        # In tests a key the receiver ignores breaks nothing; a missing required one does,
        # unless the dict is a test double's reply (`httpx.Response(200, json={...})`): the
        # fake server answers the code under test with only what the test reads, and the
        # test passing says the client copes.
        canned = in_tests and _canned_reply(lit)
        own = _own_serialisation(lit, path, reference)
        # In a module named for a library the project uses (`providers/openai.py`), the
        # dict is that library's wire format, which the project's own model of the same
        # tag (its `FunctionCallOutput`) need not match.
        library = None if module is None or module == reference.ref.module \
            else relations.adapter_for(module)
        severity = Severity.INFO if own or library or in_tests and (not missing or canned) \
            else Severity.WARNING
        reasons = [f"sent ({', '.join(lit.sinks)})", f"discriminator `{lit.discriminator}`"]
        if canned:
            reasons.append("a test double's reply")
        if own:
            reasons.append("the class's own serialisation")
        if library:
            reasons.append("another library's wire format")
        if reference.identified_by == "name":
            reasons.append("schema matched by its class name")
        findings.append(make_finding(
            "SSOT102", _payload_message(event, reference, canonical, missing, unknown, lit,
                                        envelope) + (CANNED if canned else "")
            + (OWN_FORM if own else "") + (_adapter_note(module, library) if library else ""),
            Location(path, lit.span.line, lit.span.column, lit.span.end_line,
                     lit.span.end_column),
            related=[home.location(f"schema {_what(reference)} (canonical)")],
            key=f"{event}:payload:{ident}#{seen[f'{path}:{ident}']}",
            severity=severity, concept=event,
            confidence="medium" if reference.identified_by == "name" else "high",
            confidence_reasons=tuple(reasons),
        ))
    return findings, sites


def check(index: ProjectIndex, config: Config) -> CheckResult:
    kinds = classifier(index)
    area_of = AreaMap(config)
    services = Services(config, index)
    relations = Relations(index)
    by_event: dict[str, list[EventSchema]] = {}
    schemas = kinds.event_schemas(config)
    generated = generated_events(schemas.values(), index)
    for _, schema in sorted(schemas.items()):
        if schema.event not in generated and not left_out(schema.ref.path, index) \
                and not is_fallback(schema.ref, index):
            by_event.setdefault(schema.event, []).append(schema)
    payloads: dict[str, list[tuple[str, DictLiteralFact]]] = {}
    for path, facts in index.files.items():
        if facts.dict_literals and not left_out(path, index):
            for lit in facts.dict_literals:
                if is_sent(lit):
                    payloads.setdefault(event_key(lit.event), []).append((path, lit))

    findings: list[Finding] = []
    concepts: list[Concept] = []
    discriminators = frozenset(config.discriminators)
    for event in sorted(by_event):
        derived = _derived_copies(by_event[event], kinds)
        group = [s for s in by_event[event] if s.ref.qualified not in derived]
        declared = _declared(config, event, {s.ref.fact.name for s in group})
        for first, (canonical, homes, schema_of) in enumerate(_event_groups(
                group, declared, discriminators, index, area_of)):
            _one_event(event, canonical, homes, schema_of, group if first == 0 else None,
                       payloads, config, area_of, services, relations, findings, concepts,
                       index)
    return CheckResult(tuple(sorted(confident(findings, config), key=lambda f: f.sort_key())),
                       tuple(sorted(concepts, key=lambda c: c.name)))


def _homonyms(a: EventSchema, b: EventSchema, discriminators: frozenset[str]) -> bool:
    """Two schemas tagged with one discriminator value that share no other field: members
    of different tagged unions (a tool-call `caller` `{type: "program", caller_id}` and an
    output item `{type: "program", id, code}`), not one event's schema defined twice. Two
    that only a class name ties to the event need more in common than one field."""
    if _wraps(a, b) or _wraps(b, a):
        return True
    mine, theirs = a.field_names() - discriminators, b.field_names() - discriminators
    disjoint = bool(mine) and bool(theirs) and mine.isdisjoint(theirs)
    if a.identified_by != "discriminator" or b.identified_by != "discriminator":
        tags = _tag_value(a, discriminators), _tag_value(b, discriminators)
        if None not in tags and tags[0] != tags[1]:
            # Each pins its tag through its own enum (agno's team `RunStartedEvent` with
            # `event = TeamRunEvent.run_started.value`, "TeamRunStarted", and the agent's
            # with `RunEvent.run_started.value`, "RunStarted"): two events of one name.
            return True
        # Only a class name ties such a schema to the event: sentry's registry entry
        # `AuditLogEvent(event_id, name, api_name, template)` and the logged
        # `AuditLogEvent(organization_id, actor_user_id, data, ...)` share one id field.
        # strands' `types/content.py` `ContentBlockDelta` (`contentBlockIndex`, `delta`)
        # and `types/streaming.py`'s (the delta body: `text`, `toolUse`, ...), both
        # TypedDicts, share none. (A wire dict and the library's object of two kinds are
        # two forms of one message: `_two_forms` shows them.)
        return a.kind == b.kind and disjoint or (
            min(len(mine), len(theirs)) >= MIN_NAMED_FIELDS
            and len(mine & theirs) <= MAX_HOMONYM_SHARED)
    if a.event in mine and a.event in theirs:
        # The key named after the tag (`{type: "function", function: {...}}`) holds the
        # body, whose type the field names do not show: a tool definition, a tool choice
        # and a tool call share that key and nothing else.
        return (mine - {a.event}).isdisjoint(theirs - {a.event})
    return disjoint


# Member values that set no tag: a base class's placeholder.
_NO_TAG = frozenset({"''", '""', "None"})
# Fields that name what a message is, besides the configured discriminators: a class
# that sets one to a value of its own says which message it is.
TAG_FIELDS = frozenset({"event", "kind"})


def _tag_value(schema: EventSchema, discriminators: frozenset[str]) -> str | None:
    """The value the class itself gives its tag field (a discriminator or TAG_FIELDS), as
    written (`"x"`, `TeamRunEvent.run_started.value`), or None when it gives none."""
    names = discriminators | TAG_FIELDS
    for m in schema.ref.fact.members:
        if m.name in names and m.value is not None and m.value not in _NO_TAG:
            return m.value
    return None


def _wraps(a: EventSchema, b: EventSchema) -> bool:
    """`a` has a field of `b`'s class (openai-agents' session event `RealtimeAudio` with
    `audio: RealtimeModelAudioEvent`): an event of another layer that carries the other one,
    not its copy, even though both carry the tag `audio`."""
    name = b.ref.fact.name
    return any(m.annotation is not None and m.annotation.rpartition(".")[2] == name
               for m in a.ref.fact.members)


def _event_groups(group: list[EventSchema], declared: str | None,
                  discriminators: frozenset[str], index: ProjectIndex, area_of: AreaMap
                  ) -> list[tuple[Canonical, list[Home], dict[str, EventSchema]]]:
    """The schemas of one event value, split where copies share no field with the canonical
    schema: the best schema left anchors a group of those it shares fields with (no
    chaining); only the first group can hold the declared home."""
    rest = [(home_of(s.ref, index, area_of), s) for s in group]
    out: list[tuple[Canonical, list[Home], dict[str, EventSchema]]] = []
    imports_from = import_pairs(index).imports_from
    while rest:
        canonical = choose_canonical([h for h, _ in rest], declared, imports_from)
        anchor = next((s for h, s in rest if canonical.is_home(h)), None)
        taken = [(h, s) for h, s in rest if anchor is None or s is anchor
                 or not _homonyms(anchor, s, discriminators)]
        rest = [(h, s) for h, s in rest if all(s is not t for _, t in taken)]
        homes = [h for h, _ in taken]
        out.append((choose_canonical(homes, declared, imports_from), homes,
                    {h.qualified: s for h, s in taken}))
        declared = None
    return out


def _one_event(event: str, canonical: Canonical, homes: list[Home],
               schema_of: dict[str, EventSchema], every: list[EventSchema] | None,
               payloads: dict[str, list[tuple[str, DictLiteralFact]]], config: Config,
               area_of: AreaMap, services: Services, relations: Relations,
               findings: list[Finding], concepts: list[Concept], index: ProjectIndex) -> None:
    """Findings and the register entry of one group of an event's schemas."""
    group = list(schema_of.values())
    reference = schema_of[canonical.home.qualified] if canonical.home is not None else None
    event_findings: list[Finding] = []
    # Schemas of one event in the canonical schema's own module are the variants of one
    # union (`WebSocketSendEvent = Union[_Bytes, _Text]`), written side by side on
    # purpose, not copies.
    home_module = canonical.home.module if canonical.home is not None else None
    variants = [schema_of[h.qualified] for h in homes
                if h.module == home_module and not canonical.is_home(h)]
    if len(group) >= 2:
        for home in homes:
            if not canonical.is_home(home) and home.module != home_module:
                why, unrelated, reason = (
                    (None, INDEPENDENT, "independent modules") if union_tag(event, homes)
                    else _related(schema_of[home.qualified], reference, relations, index))
                event_findings.append(_schema_finding(
                    schema_of[home.qualified], home, homes, canonical, reference, event,
                    schema_of, why, unrelated, reason))
    sites: list[Location] = []
    # Only the event's first group judges payloads, against any of its schemas (`every`).
    if every is not None and reference is not None and canonical.home is not None:
        uses, sites = _payload_findings(event, payloads.get(event, []),
                                        [reference] + variants, every, canonical.home,
                                        canonical, config, area_of, relations)
        event_findings += uses
    for i, f in enumerate(event_findings):
        note = cross_service(services, f.path, canonical)
        if note:
            # Services deliberately share no code: another service's own schema or
            # payload is shown, not counted.
            event_findings[i] = replace(
                f, message=f.message + note, severity=Severity.INFO, confidence="low",
                confidence_reasons=f.confidence_reasons + ("copies in different services",))
    if event_findings:
        if only_throwaway(homes):
            # Only test code, scripts or examples define this event: a fixture's or an
            # example's business, shown but not counted against the score.
            event_findings = [replace(f, severity=Severity.INFO) for f in event_findings]
        findings.extend(event_findings)
        concepts.append(concept_entry(event, "event", homes, canonical, sites))
