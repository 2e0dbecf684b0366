"""What a class *is* (enum, TypedDict, dataclass, pydantic model, protocol ...) and which event
a schema class describes, with bases followed through the ProjectIndex.

SSOT101-103 share this so they agree on who owns a class: an enum is never a duplicate-class
candidate, and an event schema is reported by SSOT102 only, never again by SSOT103.
"""

from __future__ import annotations

import ast
import re
import weakref
from dataclasses import dataclass

from ssotcheck.config import Config
from ssotcheck.index.project import ClassRef, ProjectIndex
from ssotcheck.model import DictLiteralFact, MemberFact


# ------------------------------------------------------------------------- options

ENUM_BASES = frozenset({
    "enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag", "enum.ReprEnum",
    "aenum.Enum", "aenum.IntEnum", "aenum.StrEnum", "aenum.Flag", "aenum.IntFlag",
    "strenum.StrEnum", "backports.strenum.StrEnum",
    "django.db.models.Choices", "django.db.models.TextChoices",
    "django.db.models.IntegerChoices", "django.db.models.enums.Choices",
    "django.db.models.enums.TextChoices", "django.db.models.enums.IntegerChoices",
})
ENUM_METACLASSES = frozenset({"enum.EnumMeta", "enum.EnumType", "aenum.EnumMeta"})
# Used only when a base cannot be resolved at all (e.g. it comes from a star import): these
# names are specific enough that guessing "enum" from the last component is safe.
ENUM_BASE_NAMES_UNRESOLVED = frozenset({
    "Enum", "IntEnum", "StrEnum", "IntFlag", "TextChoices", "IntegerChoices",
})
TYPEDDICT_BASES = frozenset({
    "typing.TypedDict", "typing_extensions.TypedDict", "mypy_extensions.TypedDict",
})
NAMEDTUPLE_BASES = frozenset({"typing.NamedTuple", "typing_extensions.NamedTuple"})
PYDANTIC_BASES = frozenset({
    "pydantic.BaseModel", "pydantic.main.BaseModel", "pydantic.v1.BaseModel",
    "pydantic.v1.main.BaseModel", "msgspec.Struct",
})
PROTOCOL_BASES = frozenset({"typing.Protocol", "typing_extensions.Protocol"})
DATACLASS_DECORATORS = frozenset({
    "dataclasses.dataclass", "pydantic.dataclasses.dataclass",
    "attr.s", "attr.attrs", "attr.define", "attr.frozen", "attr.mutable", "attr.dataclass",
    "attrs.define", "attrs.frozen", "attrs.mutable",
})
# `BaseEvent`, `AbstractEvent`: shared parents of event schemas, not events themselves.
GENERIC_EVENT_PREFIXES = frozenset({"base", "abstract", "generic", "any", "event"})
# Words a schema class name commonly carries after the event name (`ToolExecutingEvent`).
EVENT_NAME_SUFFIXES = ("Event", "Payload", "Message", "Msg", "Schema", "Model", "Data", "Dict")

# Words of a callee's name that send, emit, serialise or deliver a message: a dict passed
# to `ws.send_json(...)`, `bus.emit(...)`, `json.dumps(...)`, `JsonResponse(...)` or
# `handler.handle(...)` is a message; one passed to `rows.append(...)` is data.
SEND_WORDS = frozenset({
    "send", "emit", "publish", "dispatch", "broadcast", "notify", "post", "put", "dump",
    "dumps", "write", "fire", "trigger", "enqueue", "produce", "push", "deliver", "submit",
    "reply", "respond", "response", "json", "handle", "receive", "process", "queue", "signal",
    "event", "message", "msg", "serialize", "serialise", "encode", "transmit", "forward",
})
# Annotations that say "a dict", not which message: `x: dict[str, Any] = {...}`.
PLAIN_TYPES = frozenset({"dict", "Dict", "Mapping", "MutableMapping", "Any", "object",
                         "JSONDict", "JsonDict", "JSON", "Json"})
# pydantic's `Field(...)`, dataclasses' `field(...)`, attrs' `attr.ib(...)`: a field
# without a default is required, whatever else the call says (`Field(description=...)`).
FIELD_CALLS = frozenset({"Field", "field", "ib", "attrib"})

TYPEDDICT = "TypedDict"
NAMEDTUPLE = "NamedTuple"
DATACLASS = "dataclass"
PYDANTIC = "pydantic model"


@dataclass(frozen=True, slots=True)
class Kind:
    enum: bool = False
    protocol: bool = False
    schema: str | None = None  # TYPEDDICT | NAMEDTUPLE | DATACLASS | PYDANTIC


@dataclass(frozen=True, slots=True)
class SchemaField:
    name: str
    required: bool
    literal: str | None  # the single string a discriminator field pins the event to
    type: str | None = None  # `MemberFact.type`: one spelling of the annotation's type


@dataclass(frozen=True, slots=True)
class EventSchema:
    """A class that defines the payload of one event."""

    ref: ClassRef
    event: str  # normalised: `agent_started`
    kind: str
    fields: tuple[SchemaField, ...]  # own and inherited, sorted by name
    identified_by: str  # "discriminator" | "name"
    tag: str = ""  # the discriminator's value as written (`websocket.receive`), if any

    def field_names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields)

    def required(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields if f.required)


_KINDS: dict[tuple[bool, bool, str | None], Kind] = {}


# ------------------------------------------------------------------- names & values

_CAMEL_1 = re.compile(r"(.)([A-Z][a-z]+)")
_CAMEL_2 = re.compile(r"([a-z0-9])([A-Z])")


def event_key(text: str) -> str:
    """`AgentStarted`, `agent_started`, `agent.started`, `AGENT-STARTED` -> `agent_started`."""
    snake = _CAMEL_2.sub(r"\1_\2", _CAMEL_1.sub(r"\1_\2", text))
    return re.sub(r"[^0-9a-z]+", "_", snake.lower()).strip("_")


def _name_stem(name: str) -> str:
    """A class name without one conventional suffix (`ToolExecutingEvent` -> `ToolExecuting`)."""
    for suffix in EVENT_NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def event_from_class_name(name: str) -> str:
    """The event a class name spells, with one conventional suffix removed."""
    return event_key(_name_stem(name))


_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def _squashed(text: str) -> str:
    """`event_key(text)` without its underscores, computed cheaply: equal event keys have
    equal squashed forms, so a mismatch here rules a match out without `event_key`."""
    return _NOT_ALNUM.sub("", text.lower())


def string_value(value: str | None) -> str | None:
    """The str behind a normalised member value (`"'done'"` -> `done`); None for non-strings."""
    if value is None or value[:1] not in ("'", '"'):
        return None
    try:
        out = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return None
    return out if isinstance(out, str) else None


def _callee_words(name: str) -> set[str]:
    snake = _CAMEL_2.sub(r"\1_\2", _CAMEL_1.sub(r"\1_\2", name))
    return set(snake.lower().split("_"))


def is_sent(lit: DictLiteralFact) -> bool:
    """The dict is a message: returned, yielded, annotated with a type, or handed to a call
    that sends, emits or serialises it. A dict kept in a list of test rows or compared
    with `==` is data that merely has a `type` key."""
    for sink in lit.sinks:
        kind, _, name = sink.partition(":")
        if kind in ("return", "yield") or (kind == "annotated" and name not in PLAIN_TYPES):
            return True
        if kind == "call" and _callee_words(name) & SEND_WORDS:
            return True
    return False


def is_local(ref: ClassRef, index: ProjectIndex) -> bool:
    """Defined inside a function, at any depth (a class nested in a class in a function
    too): nobody can import it, so it is no concept's home."""
    outer = ref.fact.qualname.rpartition(".")[0]
    while outer:
        if f"{ref.module}.{outer}" not in index.classes:
            return True
        outer = outer.rpartition(".")[0]
    return False


def is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def is_sunder(name: str) -> bool:
    return (len(name) > 2 and name[0] == "_" and name[-1] == "_" and name[1] != "_"
            and name[-2] != "_")


# ------------------------------------------------------------------------- classifier


class Classifier:
    """Memoised per index: every check of a run asks the same questions about the same classes."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self._roots: dict[str, frozenset[str]] = {}
        self._kinds: dict[str, Kind] = {}
        self._root_kinds: dict[frozenset[str], tuple[bool, bool, str | None]] = {}
        self._events: dict[tuple[str, ...], dict[str, EventSchema]] = {}
        self._ancestors: dict[str, frozenset[str]] = {}
        self._first_party: dict[str, list[ClassRef]] = {}
        self._non_plain: tuple[ClassRef, ...] | None = None

    def external_roots(self, qualified: str) -> frozenset[str]:
        """External base names reached from a class (`enum.Enum`, `typing.TypedDict`), plus
        `?Name` for bases that could not be resolved at all."""
        memo = self._roots.get(qualified)
        if memo is not None:
            return memo
        self._roots[qualified] = frozenset()  # cycle guard: `class A(B)` / `class B(A)`
        classes = self.index.classes
        ref = classes.get(qualified)
        out: set[str] = set()
        if ref is not None:
            for res in self.index.class_bases(ref):
                base = res.qualified
                if base is None:
                    out.add("?" + res.text.rsplit(".", 1)[-1])
                elif base in classes:
                    out |= self._roots.get(base) or self.external_roots(base)
                else:
                    out.add(base)
            for key, value in ref.fact.keywords:
                if key == "metaclass" and value:
                    meta = self.index.resolve_base(ref.module, value.removesuffix("()"))
                    if meta.qualified in ENUM_METACLASSES:
                        out.add("enum.Enum")
        result = frozenset(out)
        self._roots[qualified] = result
        return result

    def kind(self, ref: ClassRef) -> Kind:
        memo = self._kinds.get(ref.qualified)
        if memo is not None:
            return memo
        fact = ref.fact
        # Most classes have no base and no metaclass: nothing to resolve.
        if fact.bases or fact.keywords:
            enum, protocol, schema = self._root_kind(self.external_roots(ref.qualified))
        else:
            enum, protocol, schema = False, False, None
        # An enum has no schema, so its decorators need not be resolved.
        if schema is None and not enum and fact.decorators and any(
                self.index.resolve_base(ref.module, d).qualified in DATACLASS_DECORATORS
                for d in fact.decorators):
            schema = DATACLASS
        key = (enum, protocol, schema)
        kind = _KINDS.get(key)
        if kind is None:  # a handful of distinct kinds for 40,000 classes: share them
            kind = _KINDS[key] = Kind(*key)
        self._kinds[ref.qualified] = kind
        return kind

    def _root_kind(self, roots: frozenset[str]) -> tuple[bool, bool, str | None]:
        """(enum, protocol, schema) as far as external roots decide it; a few distinct root
        sets are shared by thousands of classes, so each is judged once."""
        memo = self._root_kinds.get(roots)
        if memo is not None:
            return memo
        enum = bool(roots & ENUM_BASES) or any(
            r[1:] in ENUM_BASE_NAMES_UNRESOLVED for r in roots if r.startswith("?"))
        schema: str | None = None
        if enum:
            schema = None  # an enum is never a schema, whatever else it derives from
        elif roots & TYPEDDICT_BASES:
            schema = TYPEDDICT
        elif roots & NAMEDTUPLE_BASES:
            schema = NAMEDTUPLE
        elif roots & PYDANTIC_BASES:
            schema = PYDANTIC
        # A Protocol is an interface even when it also lists other bases.
        protocol = bool(roots & PROTOCOL_BASES) and not enum
        memo = self._root_kinds[roots] = (enum, protocol, schema)
        return memo

    def non_plain(self) -> tuple[ClassRef, ...]:
        """Classes with a base, a class keyword or a decorator, in index order: a plain
        `class X:` is no enum and no schema, so kind questions skip it."""
        if self._non_plain is None:
            self._non_plain = tuple(
                ref for ref in self.index.iter_classes()
                if ref.fact.bases or ref.fact.keywords or ref.fact.decorators)
        return self._non_plain

    def ancestors(self, qualified: str) -> frozenset[str]:
        """Every ancestor's qualified name; pairwise comparisons ask for it again and again."""
        memo = self._ancestors.get(qualified)
        if memo is None:
            memo = frozenset(self.index.ancestors(qualified)[0])
            self._ancestors[qualified] = memo
        return memo

    def first_party_ancestors(self, ref: ClassRef) -> list[ClassRef]:
        memo = self._first_party.get(ref.qualified)
        if memo is None:
            found, _ = self.index.ancestors(ref.qualified)
            memo = [self.index.classes[q] for q in found if q in self.index.classes]
            self._first_party[ref.qualified] = memo
        return memo

    # ----------------------------------------------------------------------- enums
    @staticmethod
    def enum_members(ref: ClassRef) -> dict[str, str | None]:
        """Member name -> normalised value. Methods, dunders, sunders (`_ignore_`, `_order_`),
        nested classes and descriptors are not members."""
        out: dict[str, str | None] = {}
        for m in ref.fact.members:
            if m.kind == "assign" or (m.kind == "field" and m.value is not None):
                if is_dunder(m.name) or is_sunder(m.name) or m.name.startswith("__"):
                    continue
                value = m.value or ""
                if value.rsplit(".", 1)[-1] in ("nonmember()", "property()", "staticmethod()",
                                                "classmethod()"):
                    continue
                out.setdefault(m.name, m.value)
        return out

    # ---------------------------------------------------------------------- schemas
    def _schema_chain(self, ref: ClassRef) -> list[ClassRef]:
        """The class and its first-party schema ancestors, farthest first: later ones win."""
        return [a for a in reversed(self.first_party_ancestors(ref))
                if self.kind(a).schema is not None] + [ref]

    def schema_fields(self, ref: ClassRef, kind: str) -> tuple[SchemaField, ...]:
        """Fields of a schema class, inherited ones included (a subclass's own field wins)."""
        fields: dict[str, SchemaField] = {}
        for cls in self._schema_chain(ref):
            total = dict(cls.fact.keywords).get("total", "True") != "False"
            for m in cls.fact.members:
                if not _is_field(m, kind):
                    continue
                fields[m.name] = SchemaField(m.name, _required(m, kind, total),
                                             _literal(m), m.type)
        return tuple(sorted(fields.values(), key=lambda f: f.name))

    def _pinned(self, ref: ClassRef, kind: str, discriminators: frozenset[str]) -> set[str]:
        """The literals `schema_fields` would give the discriminator fields, without building
        every field of every schema class: most schemas are not events."""
        if not any(m.name in discriminators for m in ref.fact.members) and not any(
                b.qualified in self.index.classes for b in self.index.class_bases(ref)):
            return set()  # no such field of its own and no first-party base to inherit one
        literals: dict[str, str | None] = {}
        for cls in self._schema_chain(ref):
            for m in cls.fact.members:
                if m.name in discriminators and _is_field(m, kind):
                    literals[m.name] = _literal(m)
        return {lit for lit in literals.values() if lit}

    def _schema_candidates(self) -> list[tuple[ClassRef, str]]:
        """(class, schema kind) for every class that can define an event's payload."""
        out = []
        for ref in self.non_plain():
            kind = self.kind(ref)
            if kind.schema is None or kind.protocol or is_local(ref, self.index):
                continue
            out.append((ref, kind.schema))
        return out

    def event_schemas(self, config: Config) -> dict[str, EventSchema]:
        """Qualified class name -> the event schema it defines, for every schema class that
        names an event by a discriminator field or by its own name."""
        key = tuple(sorted(config.discriminators))
        memo = self._events.get(key)
        if memo is not None:
            return memo
        discriminators = frozenset(config.discriminators)
        candidates = self._schema_candidates()
        known: set[str] = set()
        # The keys each sent payload of an event carries (its envelope's body's too).
        payload_keys: dict[str, list[frozenset[str]]] = {}
        for facts in self.index.files.values():
            for d in facts.dict_literals:
                if is_sent(d):
                    event = event_key(d.event)
                    known.add(event)
                    keys = set(d.keys) - {d.discriminator}
                    for _, inner in d.nested:
                        keys.update(inner)
                    payload_keys.setdefault(event, []).append(frozenset(keys))
        by_discriminator: dict[str, tuple[str, str]] = {}
        for ref, kind_name in candidates:
            pinned = self._pinned(ref, kind_name, discriminators)
            if len(pinned) == 1:
                tag = pinned.pop()
                event = event_key(tag)
                # `type: Literal["1"]` tags a variant, not an event; so does the `type` of a
                # configuration model: it picks a backend (feast's `RemoteOnlineStoreConfig`
                # and `RemoteOfflineStoreConfig`, both `type: Literal["remote"]`).
                if event[:1].isalpha() and not CONFIGURATION_NAME.search(ref.fact.name):
                    by_discriminator[ref.qualified] = (event, tag)
                    known.add(event)
        known_squashed = {k.replace("_", "") for k in known}
        out: dict[str, EventSchema] = {}
        for ref, kind_name in candidates:
            pinned_event = by_discriminator.get(ref.qualified)
            how, tag = "discriminator", ""
            if pinned_event is not None:
                event, tag = pinned_event
            else:
                name = ref.fact.name
                # A name alone identifies an event only when the event is known from a
                # discriminator somewhere, or the class says it is one (`...Event`).
                explicit = name.endswith("Event") and len(name) > len("Event")
                if not explicit and _squashed(_name_stem(name)) not in known_squashed:
                    continue  # cannot be a known event: spare the full normalisation
                named = event_from_class_name(name)
                if not named or named.split("_")[0] in GENERIC_EVENT_PREFIXES:
                    continue
                # One-word names (`A`, `Foo`, `User`) meet one-word discriminator values
                # (`"a"`, a polymorphic identity) by chance; events are `agent_started`.
                if not explicit and (named not in known or "_" not in named):
                    continue
                event, how = named, "name"
            fields = self.schema_fields(ref, kind_name)
            out[ref.qualified] = EventSchema(ref, event, kind_name, fields, how, tag)
        self._events[key] = _without_strangers(out, payload_keys, discriminators,
                                               frozenset(config.envelopes))
        return self._events[key]


# A class named as configuration: its discriminator names a backend or plugin, no message.
CONFIGURATION_NAME = re.compile(r"(Config|Configuration|Settings|Options)$")


def _without_strangers(schemas: dict[str, EventSchema],
                       payload_keys: dict[str, list[frozenset[str]]],
                       discriminators: frozenset[str], envelopes: frozenset[str]
                       ) -> dict[str, EventSchema]:
    """The schemas without those only a name ties to an event whose known shapes (its
    discriminator-pinned schemas, the payloads sent with its tag) share none of their
    fields: such a class is something else named like the event. crewai's `TaskEvaluation`
    model (suggestions, quality, entities: what an LLM returns) is what
    `TaskEvaluationEvent` (`type: Literal["task_evaluation"]`) reports on; opik's
    migration plan step `RenameSource(source_id, from_name, to_name)` is what its audit
    entry `{"type": "rename_source", "id", "from", "to"}` records; arize-phoenix's
    OpenTelemetry `SpanEvent(name, timestamp, attributes)` is no `span` message
    (`SpanUIContext(type="span", span_node_id, ...)`). An event nothing else shows keeps
    the class that names it (`AgentStartedEvent` alone)."""
    shapes: dict[str, list[frozenset[str]]] = {
        event: [_squashed_names(k) for k in keys] for event, keys in payload_keys.items()}
    for s in schemas.values():
        if s.identified_by == "discriminator":
            shapes.setdefault(s.event, []).append(
                _squashed_names(s.field_names() - discriminators))

    opaque_keys = _squashed_names(envelopes)

    def stranger(s: EventSchema) -> bool:
        known = [k for k in shapes.get(s.event, ()) if k]
        mine = _squashed_names(s.field_names() - discriminators)
        # A key named after the tag or an envelope key holds a body whose fields we may
        # not see (`{"type": "video_url", "video_url": {...}}` and the library's
        # `VideoUrl(url, ...)`; langgraph's debug event's `payload: TaskResultPayload`).
        opaque = opaque_keys | {_squashed(s.event)}
        return bool(known) and bool(mine) and all(
            opaque.isdisjoint(k) and mine.isdisjoint(k) for k in known)
    return {q: s for q, s in schemas.items() if s.identified_by != "name" or not stranger(s)}


def _squashed_names(names: frozenset[str] | set[str]) -> frozenset[str]:
    """Field names compared across spellings: `spanId` and `span_id` are one field."""
    return frozenset(_squashed(n) for n in names)


def _is_field(m: MemberFact, kind: str) -> bool:
    """A member that is a field of a schema of this kind (not a ClassVar, not config)."""
    if m.kind != "field" or is_dunder(m.name) or _is_classvar(m):
        return False
    # pydantic makes an underscore name a private attribute, never a field (anthropic's
    # `_request_id` on its BaseModel, declared under `if TYPE_CHECKING:`).
    return not (kind == PYDANTIC and (m.name == "model_config" or m.name[:1] == "_"))


def _is_classvar(m: MemberFact) -> bool:
    return (m.annotation or "").rsplit(".", 1)[-1] in ("ClassVar", "InitVar")


def _required(m: MemberFact, kind: str, total: bool) -> bool:
    head = (m.annotation or "").rsplit(".", 1)[-1]
    if kind == TYPEDDICT:
        if head == "Required":
            return True
        if head == "NotRequired":
            return False
        return total
    if m.value is None:
        return True
    # `Field(description=...)` is required; `Field(...)` with a default is normalised as
    # `Field(default)` by the extractor.
    head, _, args = m.value.partition("(")
    return args == ")" and head.rsplit(".", 1)[-1] in FIELD_CALLS


def _literal(m: MemberFact) -> str | None:
    if len(m.literals) == 1:
        return m.literals[0]
    if not m.literals:
        return string_value(m.value)
    return None


_CLASSIFIERS: "weakref.WeakKeyDictionary[ProjectIndex, Classifier]" = weakref.WeakKeyDictionary()


def classifier(index: ProjectIndex) -> Classifier:
    found = _CLASSIFIERS.get(index)
    if found is None:
        found = Classifier(index)
        _CLASSIFIERS[index] = found
    return found
