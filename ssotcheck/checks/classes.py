"""SSOT103 duplicate-class: one (non-enum, non-event) class concept defined in two or more
modules.

Same-name classes are one concept when their member names are similar enough to the
group's canonical copy (Jaccard at or above `duplicates.class-similarity`, no chaining), or
always when the name is declared in `[tool.ssotcheck.canonical]`. A distinctive name
(`Router`, `EngineFactory`, not `Config`) is one concept candidate whatever its members:
production copies that share a few members are *drifted* copies, a test class with the
production class's name that does not derive from it is a *re-implementation*, and a
copy marked deprecated is a *stub*. Generic names must not flood the report, so nested
and function-local classes, pytest `Test*` classes, protocols, constants-only classes and
classes with fewer than two members are left out unless declared canonical; so are
conventions (same-name classes at the same place in sibling packages on one base).
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations
from typing import Callable, Collection, Mapping

from ssotcheck.areas import AreaMap
from ssotcheck.catalogue import make_finding
from ssotcheck.checks._concepts import (
    Apart,
    Canonical,
    FAKE_DIRS,
    INDEPENDENT,
    PATH_WORD_EVIDENCE,
    Home,
    Relations,
    Services,
    anchored_groups,
    by_module_count,
    choose_canonical,
    concept_entry,
    confident,
    declared_convention,
    declared_copy,
    exercises,
    home_of,
    is_deprecated,
    is_distinctive,
    is_fallback,
    is_test_class,
    generated_events,
    left_out,
    more_note,
    names_in_two_modules,
    names_list,
    one_per_module,
    plural,
    retyped_text,
    related_locations,
    service_name,
)
from ssotcheck.checks._kinds import (
    PYDANTIC,
    TYPEDDICT,
    Classifier,
    EventSchema,
    classifier,
    is_dunder,
    is_local,
)
from ssotcheck.config import Config
from ssotcheck.index.project import ClassRef, ProjectIndex
from ssotcheck.index.source import CODE_SKETCH, HASH_SPACE
from ssotcheck.model import CheckResult, ClassFact, Concept, Finding, Severity

RULES = ("SSOT103",)
# What this family reads of each file, and whether a file's findings depend on that
# file alone (see ssotcheck.incremental).
READS = frozenset({"imports", "classes", "defined", "all_names", "dicts", "aliases",
                   "generated"})
LOCAL = False

# ------------------------------------------------------------------------- options

MIN_MEMBERS = 2
# Same-name classes that both derive from one third-party base are usually the plug-ins a
# framework asks for by name (Django's `Command(BaseCommand)` with `help` and `handle`):
# their shared hook methods prove nothing, so they need more shared members to count.
MIN_SHARED_WITH_FRAMEWORK_BASE = 4
# A drifted copy must share this many members with the canonical copy: a shared `execute`
# and `executemany` are an interface two wrappers implement, not one API that drifted.
MIN_DRIFT_SHARED = 3
# Copies this small that nobody imports by name are each module's own helper.
TINY_CLASS = 3
# A test stand-in for a production class shares at least this many members with it.
MIN_REIMPLEMENTED_SHARED = 2
# Same-name private classes must be at least this similar to be copies.
PRIVATE_SIMILARITY = 0.8
# A production copy is counted only when the members it shares by name with the other copy
# are (mostly) the same code: at least this share of the smaller side's lines of those
# members is alike. Below it the two classes are one name and one interface implemented
# twice (a delegating proxy and the repository it wraps, a servlet per API), not one class
# copied. A drifted copy passes: what drifted is the members it added or lost.
COPIED_CODE = 0.5
# Copies in the adapters for two libraries the project uses (`Relations.library_packages`)
# are each adapter's own below this share of members in common.
ADAPTER_DRIFT = 0.5
# External bases too common to say anything about a class's role.
NEUTRAL_BASE_PREFIXES = ("builtins.", "typing.", "typing_extensions.", "abc.", "collections.")


def _inherited(ref: ClassRef, kinds: Classifier) -> frozenset[str]:
    return frozenset(m.name for anc in kinds.first_party_ancestors(ref) for m in anc.fact.members)


def _members(ref: ClassRef, kinds: Classifier) -> frozenset[str]:
    """Member names that are evidence of a copy: not dunders, not nested classes, and not
    overrides of a first-party base (siblings overriding one interface are not copies)."""
    inherited = _inherited(ref, kinds)
    return frozenset(m.name for m in ref.fact.members
                     if m.kind != "class" and not is_dunder(m.name) and m.name not in inherited)


def _framework_bases(ref: ClassRef, kinds: Classifier) -> frozenset[str]:
    """Third-party bases that say something about a class's role (`BaseModel`, `Model`)."""
    return frozenset(r for r in kinds.external_roots(ref.qualified)
                     if not r.startswith("?") and not r.startswith(NEUTRAL_BASE_PREFIXES))


def _base_names(ref: ClassRef, kinds: Classifier) -> frozenset[str]:
    """The class names of `_framework_bases` (`BaseCommand`), whichever module of the
    framework they were imported from."""
    return frozenset(r.rsplit(".", 1)[-1] for r in _framework_bases(ref, kinds))


def _family(ref: ClassRef, kinds: Classifier) -> frozenset[str]:
    """Names of the roots a class grows from: first-party ancestors without a first-party
    base, and its third-party bases (`BaseModel`, `CSTNode`)."""
    out = {r.rsplit(".", 1)[-1] for r in _framework_bases(ref, kinds)}
    for anc in kinds.first_party_ancestors(ref):
        if not kinds.first_party_ancestors(anc):
            out.add(anc.fact.name)
    return frozenset(out)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def _direct_bases(ref: ClassRef, index: ProjectIndex) -> frozenset[str]:
    return frozenset(r.qualified for r in index.class_bases(ref)
                     if r.qualified and not r.qualified.startswith(NEUTRAL_BASE_PREFIXES))


def _parallel(a: ClassRef, b: ClassRef, kinds: Classifier, index: ProjectIndex) -> bool:
    """Parallel hierarchies mirror names and fields on purpose (a matcher per AST node, a
    GDAL and a GEOS `Point`, a pydantic schema per ORM model); copies keep their family."""
    fa, fb = _family(a, kinds), _family(b, kinds)
    if fa and fb and fa.isdisjoint(fb):
        return True
    ba, bb = _direct_bases(a, index), _direct_bases(b, index)
    names_a, names_b = {q.rsplit(".", 1)[-1] for q in ba}, {q.rsplit(".", 1)[-1] for q in bb}
    if not ba or not bb or names_a & names_b:
        return False
    return not any(x in kinds.ancestors(y) or y in kinds.ancestors(x)
                   for x in ba for y in bb)


# Same-name classes in this many sibling packages at one relative path are a plugin
# convention (`hue/config_flow.py`, `zwave/config_flow.py`, ...); two are an old and a new copy.
MIN_CONVENTION_PACKAGES = 3


def _parts(ref: ClassRef, as_package: bool) -> list[str]:
    """A module's path components; a package's `__init__` counts as a module inside it when
    `as_package` (slack's `socket_mode/websocket_client/__init__.py` sits at
    `socket_mode/*/*` like `socket_mode/builtin/client.py`)."""
    parts = ref.module.split(".")
    if as_package and ref.path.endswith("__init__.py"):
        parts.append("__init__")
    return parts


def _shape(a: ClassRef, b: ClassRef, as_package: bool = False) -> tuple[str, ...] | None:
    """The module path both sit at with the differing parts as `*`, when they differ only
    in one package component (and maybe the module name) or only in the module name."""
    pa, pb = _parts(a, as_package), _parts(b, as_package)
    if len(pa) != len(pb):
        return None
    diff = [i for i, (x, y) in enumerate(zip(pa, pb)) if x != y]
    if not diff or not (len(diff) == 1 or diff == [diff[0], len(pa) - 1]):
        return None
    return tuple("*" if i in diff else part for i, part in enumerate(pa))


def _plugin_part(ref: ClassRef, kinds: Classifier, index: ProjectIndex) -> bool:
    """Another class of its module, on a first-party base, holds it as a class attribute
    (langchain's `args_schema: Type[SendMessageSchema] = SendMessageSchema` on the
    `GmailSendMessage(GmailBaseTool)` tool): the plugin's own part, such as its argument
    schema, whatever the part's base."""
    facts = index.files.get(ref.path)
    for fact in facts.classes if facts is not None else ():
        if fact is ref.fact or fact.nested:
            continue
        if any(m.kind != "method" and m.value == ref.fact.name for m in fact.members) \
                and kinds.first_party_ancestors(ClassRef(ref.module, ref.path, fact)):
            return True
    return False


def convention(a: ClassRef, b: ClassRef, kinds: Classifier,
               fitting: Callable[[tuple[str, ...], bool], int],
               own: Callable[[str], bool] = lambda module: False,
               index: ProjectIndex | None = None) -> bool:
    """A pattern, not a copy: same-name classes on one first-party base whose modules sit
    at the same place in sibling packages. Backends picked by module path
    (`sessions/backends/cache.py` and `backends/db.py` each defining
    `SessionStore(SessionBase)`, plugins in `plugins/lookup/*.py` each a
    `LookupModule(LookupBase)`), and per-package modules (`hue/config_flow.py`,
    `zwave/config_flow.py`, ... each a `ConfigFlow(BaseFlow)`) when at least
    MIN_CONVENTION_PACKAGES sibling packages hold a module at that path (each SQLAlchemy
    dialect has its `dml.py`, even where only two define `OnConflictClause`). A package's
    `__init__` is a module inside it when that gives the two one shape: slack's socket-mode
    backends `socket_mode/builtin/client.py` and `socket_mode/websocket_client/__init__.py`,
    each a `SocketModeClient(BaseSocketModeClient)`. The parts plugins hold (each mail
    tool's `SendMessageSchema`, its `args_schema`, on pydantic's base) follow their
    plugins when MIN_CONVENTION_PACKAGES sibling packages hold a module at that path."""
    as_package = False
    shape = _shape(a, b)
    if shape is None:
        as_package, shape = True, _shape(a, b, as_package=True)
    if shape is None:
        return False
    common = ({c.qualified for c in kinds.first_party_ancestors(a)}
              & {c.qualified for c in kinds.first_party_ancestors(b)})
    # A base the index sees as external may be the project's own code under a root it was
    # not told about (`from ansible.plugins.action import ActionBase` with `lib/ansible`).
    common |= {r for r in kinds.external_roots(a.qualified) & kinds.external_roots(b.qualified)
               if not r.startswith("?") and own(r.rpartition(".")[0])}
    if not common:
        return index is not None and _plugin_part(a, kinds, index) and _plugin_part(
            b, kinds, index) and fitting(shape, as_package) >= MIN_CONVENTION_PACKAGES
    if shape.count("*") == 1 and shape[-1] == "*":
        return True  # sibling modules of one package
    return fitting(shape, as_package) >= MIN_CONVENTION_PACKAGES


# Same-name top-level classes in this many modules of one package are the package's
# per-module convention (cinder's `api/v3/views/*.py`, each with the `ViewBuilder` its
# controller asks for as `views.groups.ViewBuilder()`): looked up by module, never copies.
MIN_MODULE_CONVENTION = 5


def module_convention(a: ClassRef, b: ClassRef, layout: "Layout") -> bool:
    """`a` and `b` sit in sibling modules of one package, and at least MIN_MODULE_CONVENTION
    modules of that package define a top-level class of their name."""
    package = a.module.rpartition(".")[0]
    if not package or package != b.module.rpartition(".")[0]:
        return False
    return layout.defining(a.fact.name, package) >= MIN_MODULE_CONVENTION


def _constants_only(ref: ClassRef) -> bool:
    """A namespace of constants (`class Colors: RED = "\\033[31m"`), not behaviour: copying
    it is cheap and harmless next to copying an API."""
    return all(m.kind == "assign" and m.value is not None
               and (m.value[:1] in "'\"-0123456789(" or m.value in ("True", "False", "None"))
               for m in ref.fact.members)


def _self_contained(ref: ClassRef, index: ProjectIndex) -> bool:
    """Builds on a base its own module defines (a class, or `Base = declarative_base()`): the
    module is a world of its own, like each SQLAlchemy example with its own `User(Base)`."""
    return any(q.rpartition(".")[0] == ref.module for q in _direct_bases(ref, index))


def own_modules(index: ProjectIndex) -> Callable[[str], bool]:
    """Whether a dotted module name is the project's own, possibly seen from another root:
    every trailing part of a first-party module name (`ansible.plugins` for
    `lib.ansible.plugins`)."""
    suffixes: set[str] = set()
    for module in index.modules:
        parts = module.split(".")
        suffixes.update(".".join(parts[i:]) for i in range(len(parts)))
    return suffixes.__contains__


def _trailing_place(a: ClassRef, b: ClassRef) -> tuple[str, ...]:
    """Where a framework looks for two same-name classes: the package path both modules
    end with (`management.commands` for `wagtail/management/commands/x.py` and
    `wagtail/search/management/commands/y.py`, `migrations`); empty when their packages
    end differently."""
    pa, pb = a.module.split(".")[:-1], b.module.split(".")[:-1]
    n = 0
    while n < min(len(pa), len(pb)) and pa[len(pa) - 1 - n] == pb[len(pb) - 1 - n]:
        n += 1
    return tuple(pa[len(pa) - n:])


def _at_place(ref: ClassRef, place: tuple[str, ...]) -> bool:
    parts = ref.module.split(".")
    return len(parts) > len(place) and tuple(parts[-1 - len(place):-1]) == place


def framework_convention(a: ClassRef, b: ClassRef, kinds: Classifier, layout: "Layout"
                         ) -> bool:
    """A framework's convention on its own (third-party) base: the framework finds the
    class by name at a place (Django's `Command(BaseCommand)` in every
    `management/commands/*.py`, `Migration(migrations.Migration)` in every
    `migrations/*.py`), so MIN_CONVENTION_PACKAGES classes of the name on a framework base
    at that place are the pattern, not copies, however alike two of them are. Any
    framework base counts, not only the pair's: a framework's bases form a hierarchy we
    cannot see (horizon's `startdash` and `startpanel` commands derive from
    `TemplateCommand`, its `pull_catalog` from `BaseCommand`). The name a
    framework looks up is a plain word (`Command`, `Migration`): a distinctive name
    (`IndexView`) is the project's own concept wherever it sits. Pydantic models are
    data, never a framework's hook: copies of those stay copies."""
    if is_distinctive(a.fact.name) or PYDANTIC in (kinds.kind(a).schema, kinds.kind(b).schema):
        return False
    # By the base's class name: a framework re-exports its bases (`from
    # django.core.management import BaseCommand` is `django.core.management.base`'s).
    bases = _base_names(a, kinds) & _base_names(b, kinds)
    place = _trailing_place(a, b)
    if not bases or not place:
        return False
    # Two commands of one app share their whole package path, the project's part too
    # (ralph's `scan/management/commands/`): the framework's place is its tail.
    return any(layout.at_place(a.fact.name, place[i:], kinds) >= MIN_CONVENTION_PACKAGES
               for i in range(len(place)))


class Layout:
    """What the module tree says about conventions, memoised per run: which dotted names
    are the project's own, how many modules sit at a path shape, and which classes have
    a name."""

    def __init__(self, index: ProjectIndex) -> None:
        self._index = index
        self._named: dict[str, list[ClassRef]] | None = None
        self._defining: dict[tuple[str, str], int] = {}
        self._places: dict[tuple[str, tuple[str, ...]], int] = {}
        self.modules = tuple(m.split(".") for m in index.modules)
        # The same with each package's `__init__` as a module inside it (see `_parts`).
        self.as_packages = tuple(
            m.split(".") + (["__init__"] if info.path.endswith("__init__.py") else [])
            for m, info in index.modules.items())
        self.own = own_modules(index)
        # (as packages, depth, `*` positions) -> how many modules share each masked path
        self._masked: dict[tuple[bool, int, tuple[int, ...]], Counter[tuple[str, ...]]] = {}

    def at_place(self, name: str, place: tuple[str, ...], kinds: Classifier) -> int:
        """How many modules define a top-level class `name` on a framework base at `place`
        (see `_trailing_place`). Memoised: every pair of a name's copies asks again."""
        key = (name, place)
        found = self._places.get(key)
        if found is None:
            found = self._places[key] = len({
                r.module for r in self._named_classes().get(name, ())
                if _at_place(r, place) and _base_names(r, kinds)})
        return found

    def _named_classes(self) -> dict[str, list[ClassRef]]:
        if self._named is None:
            named: dict[str, list[ClassRef]] = {}
            for ref in self._index.iter_classes():
                if not ref.fact.nested:
                    named.setdefault(ref.fact.name, []).append(ref)
            self._named = named
        return self._named

    def defining(self, name: str, package: str) -> int:
        """How many modules directly in `package` define a top-level class `name`."""
        key = (name, package)
        found = self._defining.get(key)
        if found is None:
            found = self._defining[key] = len({
                r.module for r in self._named_classes().get(name, ())
                if r.module.rpartition(".")[0] == package})
        return found

    def fitting(self, shape: tuple[str, ...], as_package: bool = False) -> int:
        stars = tuple(i for i, part in enumerate(shape) if part == "*")
        key = (as_package, len(shape), stars)
        counts = self._masked.get(key)
        if counts is None:
            counts = self._masked[key] = Counter(
                tuple("*" if i in stars else p for i, p in enumerate(parts))
                for parts in (self.as_packages if as_package else self.modules)
                if len(parts) == len(shape))
        return counts[shape]


def _unrelated(a: ClassRef, b: ClassRef, kinds: Classifier, index: ProjectIndex,
               layout: Layout) -> bool:
    """Same name, but by construction not copies of each other."""
    if a.qualified in kinds.ancestors(b.qualified) or b.qualified in kinds.ancestors(a.qualified):
        return True  # `class Session(other.Session)`: a same-name subclass extends it
    if _parallel(a, b, kinds, index) or convention(a, b, kinds, layout.fitting, layout.own,
                                                      index):
        return True
    if framework_convention(a, b, kinds, layout) or module_convention(a, b, layout):
        return True
    if (kinds.kind(a).schema == TYPEDDICT) != (kinds.kind(b).schema == TYPEDDICT):
        # A TypedDict types plain dicts (request params, a JSON column); a class with the
        # same fields types objects (the response model): importing one instead of the
        # other is no fix (openai's `x.py` model and `x_param.py` TypedDict, airflow's
        # ORM `HITLUser` TypedDict and the API's pydantic `HITLUser`).
        return True
    if _api_schema(a, kinds, index) != _api_schema(b, kinds, index):
        # A pydantic model validates what crosses an API, a GraphQL type declares it; the
        # ORM or domain class of the same name is what it describes (airflow's REST
        # `TaskInletAssetReference` next to the SQLAlchemy class, arize-phoenix's
        # `@strawberry.type SpanEvent` next to the trace schema's dataclass): the same
        # field names by design.
        return True
    return _self_contained(a, index) and _self_contained(b, index)


# Decorators and bases (qualified prefixes) that make a class a GraphQL API type.
GRAPHQL_PREFIXES = ("strawberry.", "graphene.")


def _api_schema(ref: ClassRef, kinds: Classifier, index: ProjectIndex) -> bool:
    """A pydantic model, or a GraphQL type (`@strawberry.type`, a graphene `ObjectType`)."""
    if kinds.kind(ref).schema == PYDANTIC:
        return True
    if any(r.startswith(GRAPHQL_PREFIXES) for r in _framework_bases(ref, kinds)):
        return True
    return any((index.resolve_base(ref.module, d).qualified or "").startswith(
        GRAPHQL_PREFIXES) for d in ref.fact.decorators)


def _all_members(ref: ClassRef) -> frozenset[str]:
    """Every member name but nested classes, dunders included (`__getitem__` is the API of
    a mapping class)."""
    return frozenset(m.name for m in ref.fact.members if m.kind != "class")


def _has_methods(ref: ClassRef) -> bool:
    return any(m.kind == "method" and not is_dunder(m.name) for m in ref.fact.members)


def _compared(a: ClassRef, b: ClassRef, members: dict[str, frozenset[str]], kinds: Classifier
              ) -> tuple[frozenset[str], frozenset[str]]:
    # A hook one copy overrides from its base is no evidence against the other copy.
    inherited = _inherited(a, kinds) | _inherited(b, kinds)
    return members[a.qualified] - inherited, members[b.qualified] - inherited


def _drifted(a: ClassRef, b: ClassRef, members: dict[str, frozenset[str]], kinds: Classifier,
             index: ProjectIndex, layout: Layout) -> bool:
    """Below the similarity gate, yet visibly one API that drifted: enough shared members."""
    if _unrelated(a, b, kinds, index, layout) or _has_methods(a) != _has_methods(b):
        # A record (fields only) and a class with behaviour that share a few field names
        # are a data model and the object built around it (fastmcp's `Tool` with its `fn`
        # and `run`, and the protocol's `Tool` message), not one API that drifted.
        return False
    ma, mb = _compared(a, b, members, kinds)
    # The same members, refused by the similarity gate, were refused for being too few on
    # one framework base (three fields of two Django forms), not for drifting apart.
    return ma != mb and len(ma & mb) >= MIN_DRIFT_SHARED


def _similar(a: ClassRef, b: ClassRef, members: dict[str, frozenset[str]], kinds: Classifier,
             index: ProjectIndex, threshold: float, layout: Layout) -> bool:
    if _unrelated(a, b, kinds, index, layout):
        return False
    ma, mb = _compared(a, b, members, kinds)
    if a.fact.name.startswith("_"):
        # A private class is its module's own business: only a (nearly) identical one is
        # a copy (sparkllm's `_SparkLLMClient`), not a narrower private options type.
        threshold = max(threshold, PRIVATE_SIMILARITY)
    if jaccard(ma, mb) < threshold:
        return False
    return not (_framework_bases(a, kinds) & _framework_bases(b, kinds)
                and len(ma & mb) < MIN_SHARED_WITH_FRAMEWORK_BASE)


def copied_code(a: ClassFact, b: ClassFact) -> float | None:
    """The estimated share of the code of the members `a` and `b` both have (by name) that
    is the same lines in both, over the smaller side's lines of those members; None when
    either has no code to compare (`ClassFact.member_code`).

    From the two bottom-k sketches: below `limit` both sketches hold every hash of their
    class, so the common hashes there, against the smaller class's hashes there, estimate
    the whole (exact for classes of up to CODE_SKETCH lines). A line matches only in a
    member of the same name, so every common line belongs to a shared member."""
    if not a.code_sketch or not b.code_sketch:
        return None
    names = set(a.member_names()) & set(b.member_names())
    lines = [sum(n for m, n in zip(f.members, f.member_code) if m.name in names)
             for f in (a, b)]
    if not min(lines):
        return None
    totals = [sum(f.member_code) for f in (a, b)]
    # A sketch is the whole class when everything fitted in it.
    limit = min(f.code_sketch[-1] if len(f.code_sketch) >= CODE_SKETCH and total > CODE_SKETCH
                else HASH_SPACE for f, total in zip((a, b), totals))
    seen = [{h for h in f.code_sketch if h <= limit} for f in (a, b)]
    smaller = 0 if totals[0] <= totals[1] else 1
    sample = seen[smaller]
    if not sample:
        return 0.0
    common = len(seen[0] & seen[1]) * totals[smaller] / len(sample)
    return min(1.0, common / min(lines))


def _drift_text(home: Home, reference: Home, members: dict[str, frozenset[str]],
                refs: Mapping[str, ClassRef]) -> str:
    mine, theirs = members[home.qualified], members[reference.qualified]
    where = reference.module
    shared = mine & theirs
    union = mine | theirs
    # Fields both copies declare, typed otherwise: what a copy with the same names hides.
    retyped = "".join(f"; it {t}" for t in retyped_text(
        _field_types(refs[home.qualified], shared),
        _field_types(refs[reference.qualified], shared), where))
    if mine == theirs:
        return (f"this copy has the same {plural(len(mine), 'member')} as the one in "
                f"{where}" + retyped)
    pct = round(100 * len(shared) / len(union)) if union else 0
    detail = f"this copy shares {len(shared)} of {len(union)} members ({pct}%) with {where}"
    # A member one copy overrides from its own base is left out of the comparison, but the
    # copy has it: "lacks" names only what it does not define at all (manticore's Linux
    # `Socket.is_full`, an override of `FdLike`'s).
    lacks = theirs - mine - _all_members(refs[home.qualified])
    has = mine - theirs - _all_members(refs[reference.qualified])
    if lacks:
        detail += f"; it lacks {names_list(lacks)}"
    if has:
        detail += f"; it has {names_list(has)} which {where} lacks"
    return detail + retyped


def _field_types(ref: ClassRef, names: frozenset[str]) -> dict[str, str | None]:
    return {m.name: m.type for m in ref.fact.members if m.kind == "field" and m.name in names}


def _head(home: Home, homes: list[Home], canonical: Canonical) -> str:
    return (f"class `{home.name}` is defined in {plural(by_module_count(homes), 'module')} "
            f"({canonical.describe()})" + more_note(homes))


def _confidence(level: str, *reasons: str) -> dict[str, object]:
    return {"confidence": level, "confidence_reasons": reasons}


def _candidate(ref: ClassRef, declared: bool, kinds: Classifier, events: Collection[str],
               index: ProjectIndex) -> bool:
    """A class that may be a copy: not vendored, not a fallback, not owned by SSOT101/102,
    not a protocol; unless its name is declared canonical, not nested or function-local."""
    if left_out(ref.path, index) or is_fallback(ref, index):
        return False
    kind = kinds.kind(ref)
    if kind.enum or kind.protocol or ref.qualified in events:
        return False  # SSOT101/SSOT102 own enums and event schemas; protocols are interfaces
    return declared or not (ref.fact.nested or is_local(ref, index))


def _owned_by_events(events: Mapping[str, EventSchema], index: ProjectIndex) -> frozenset[str]:
    """The event schemas SSOT102 compares: those of an event with two or more schemas. A
    schema alone in its event is never judged there, so a same-name copy of it is SSOT103's
    (pebblo's pydantic `Runtime` with `type: str = "local"`, a schema of event `local`, and
    its copy with `type: Optional[str] = ""`, which names no event). Schemas SSOT102 leaves
    out (vendored, generated, fallbacks) are not counted, as there; every schema of an event
    a generated file defines stays out of SSOT103 too (the generator's wire format)."""
    generated = generated_events(events.values(), index)
    count = Counter(s.event for s in events.values()
                    if not left_out(s.ref.path, index) and not is_fallback(s.ref, index))
    return frozenset(q for q, s in events.items()
                     if count[s.event] >= 2 or s.event in generated)


# Siblings on one first-party base this alike are one class copied, whatever else.
SIBLING_SIMILARITY = 0.8


def _base_roots(ref: ClassRef, kinds: Classifier) -> frozenset[str]:
    """The first-party classes at the root of a class's first-party ancestry."""
    return frozenset(anc.qualified for anc in kinds.first_party_ancestors(ref)
                     if not kinds.first_party_ancestors(anc))


def _siblings(a: ClassRef, b: ClassRef, kinds: Classifier, why: str | None, shared: int,
              union: int) -> Apart | None:
    """Two same-name classes grow from one first-party base, and all that ties their modules
    is a path word (`devices` in synapse's `rest/client/devices.py` and
    `rest/admin/devices.py`, `port` in heat's `resources/openstack/neutron/port.py` and
    `.../ironic/port.py`): two implementations of that base's interface (a servlet per API,
    a resource per type), whose shared member names are the interface's vocabulary. Counted
    still when one module imports the other, when they share a package, or when they are
    nearly the same class (SIBLING_SIMILARITY). The `shown, not counted` text, or None."""
    if why is None or not why.startswith(PATH_WORD_EVIDENCE) or (
            union and shared / union >= SIBLING_SIMILARITY):
        return None
    roots = _base_roots(a, kinds) & _base_roots(b, kinds)
    if not roots:
        return None
    base = sorted(roots)[0]
    return Apart(f"shown, not counted: both grow from {base}, and only a path word ties "
                 f"their modules ({why}): two implementations of one interface, not one class "
                 f"copied", "siblings of one base")


def _wraps_namesake(index: ProjectIndex, ref: ClassRef, other: ClassRef,
                    stand_in: bool = False) -> Apart | None:
    """One module imports the other's class under another name and defines its own: a
    wrapper or converter of it (mlflow's `data/dataset.py` imports the `Dataset` entity as
    `DatasetEntity` and converts to it), or a redefinition that a subclass could not make
    (a TypedDict changing a field's type); or it reaches its namesake through the other
    module (`rpcapi.ComputeTaskAPI()` after `from nova.conductor import rpcapi`: a facade
    in front of it, `ClassFact.namesake_owners`). It uses its namesake on purpose; the two
    are not a copy to merge; for a test class (`stand_in`), a stand-in beside the real
    one. The `shown, not counted` text, or None."""
    why = ("a stand-in beside the real class, on purpose", "test stand-in") if stand_in \
        else None
    for a, b in ((ref, other), (other, ref)):
        facts = index.files.get(a.path)
        for imp in facts.imports if facts is not None else ():
            if imp.name != b.fact.name or imp.alias in (None, b.fact.name):
                continue
            module, imported = index.import_target(a.module, imp)
            if imported is not None and (b.module == module
                                         or b.module.startswith(module + ".")):
                note, reason = why or ("it builds on its namesake (a wrapper, a "
                                       "converter), not a copy of it", "wraps its namesake")
                return Apart(f"shown, not counted: {a.module} imports `{b.fact.name}` as "
                             f"`{imp.alias}` and defines its own: {note}", reason)
        for owner in a.fact.namesake_owners:
            head, _, rest = owner.partition(".")
            bound = index.bound_module(a.module, head)
            if bound is not None and (f"{bound}.{rest}" if rest else bound) == b.module:
                note, reason = why or ("it builds on its namesake (a facade, a proxy), "
                                       "not a copy of it", "wraps its namesake")
                return Apart(f"shown, not counted: {a.module} uses `{owner}.{b.fact.name}` "
                             f"from {b.module} and defines its own: {note}", reason)
    return None


def _async_twin(a: ClassRef, b: ClassRef) -> Apart | None:
    """Half or more of the methods the two classes share are `async def` in one and plain
    `def` in the other: the class once for each concurrency model (azure-eventhub's
    `_pyamqp/aio/_connection_async.py` `Connection` beside `_connection.py`'s, which it
    imports helpers from; pyTelegramBotAPI's `asyncio_filters.py` beside
    `custom_filters.py`). Neither can import the other's: callers await one and call the
    other. The `shown, not counted` text, or None."""
    mine = {m.name: m.is_async for m in a.fact.members if m.kind == "method"}
    theirs = {m.name: m.is_async for m in b.fact.members if m.kind == "method"
              and m.name in mine and not is_dunder(m.name)}
    flipped = sorted(n for n, is_async in theirs.items() if mine[n] != is_async)
    if not flipped or 2 * len(flipped) < len(theirs):
        return None
    sync, other = (b, a) if mine[flipped[0]] else (a, b)
    return Apart(f"shown, not counted: `{a.fact.name}` in {other.module} is the async twin of "
                 f"the one in {sync.module} ({len(flipped)} of the {len(theirs)} methods they "
                 f"share are `async def` there): one class for each concurrency model, "
                 f"which callers await or call, not one class copied", "sync and async twins")


def _implemented_twice(a: ClassRef, b: ClassRef) -> Apart | None:
    """Two production classes of one name whose shared members are other code (COPIED_CODE):
    the `shown, not counted` text, or None."""
    alike = copied_code(a.fact, b.fact)
    if alike is None or alike >= COPIED_CODE:
        return None
    return Apart(f"shown, not counted: the members both classes have are other code in each "
                 f"(about {round(100 * alike)}% of their lines alike): one name and interface "
                 f"implemented twice, not one class copied", "other code")


def _of_test_doubles(module: str) -> bool:
    """A module of test doubles a project ships for its users' tests (`pyramid.testing`,
    `buildbot.test.fake.httpclientservice`): FAKE_DIRS names its package or the module."""
    return any(part in FAKE_DIRS for part in module.split("."))


class _Check:
    """One run of SSOT103: the index, its classifier and what every name check shares."""

    def __init__(self, index: ProjectIndex, config: Config) -> None:
        self.index, self.config = index, config
        self.kinds = classifier(index)
        self.area_of = AreaMap(config)
        self.services = Services(config, index)
        self.declared = config.canonical_map()
        self.members: dict[str, frozenset[str]] = {}
        self.refs: dict[str, ClassRef] = {}
        self.findings: list[Finding] = []
        self.concepts: list[Concept] = []
        self.layout = Layout(index)
        self.relations = Relations(index)
        # Small classes (too few counted members, or tiny and imported by nobody): each is
        # reported only beside a counted copy between the same two modules (`companions`).
        self.small: dict[str, list[ClassRef]] = {}
        # Module pairs with a counted copy -> the concepts they share.
        self.copied: dict[frozenset[str], set[str]] = {}

    def candidates(self) -> dict[str, list[ClassRef]]:
        events = _owned_by_events(self.kinds.event_schemas(self.config), self.index)
        by_name: dict[str, list[ClassRef]] = {}
        for name, refs in names_in_two_modules(self.index.iter_classes()).items():
            declared = name in self.declared
            if not declared and is_test_class(name, self.config):
                continue
            for ref in refs:
                if not _candidate(ref, declared, self.kinds, events, self.index):
                    continue
                if not declared and (declared_convention(ref, self.config)
                                     or _constants_only(ref)):
                    continue
                self.members[ref.qualified] = _members(ref, self.kinds)
                self.refs[ref.qualified] = ref
                if declared or len(self.members[ref.qualified]) >= MIN_MEMBERS:
                    by_name.setdefault(name, []).append(ref)
                elif len(_all_members(ref)) >= MIN_MEMBERS:
                    self.small.setdefault(name, []).append(ref)
        return by_name

    def similar(self, a: Home, b: Home) -> bool:
        return _similar(self.refs[a.qualified], self.refs[b.qualified], self.members,
                        self.kinds, self.index, self.config.class_similarity, self.layout)

    def name(self, name: str, refs: list[ClassRef]) -> None:
        homes = one_per_module([home_of(r, self.index, self.area_of) for r in refs])
        stubs = [h for h in homes if is_deprecated(self.refs[h.qualified])]
        live = [h for h in homes if h not in stubs]
        if name not in self.declared:
            # A test class on a base (a test model on `Model`, a `TestCase` helper) is the
            # test's own declaration, even when it mirrors a production class's fields.
            live = [h for h in live if not h.in_tests
                    or not _direct_bases(self.refs[h.qualified], self.index)]
        if name in self.declared:
            canonical = choose_canonical(live or homes, self.declared[name])
            self.concept(name, canonical, live or homes, stubs if live else [], [], [])
            return
        groups = anchored_groups(live, None, self.similar, self.relations.imports_from)
        if not groups:
            return
        if not is_distinctive(name):
            for canonical, group in groups:
                self.concept(name, canonical, group, [], [], [])
            return
        # A distinctive name is one concept candidate: what the similarity gate left out
        # may still be a drifted copy, a test re-implementation or a deprecated stub.
        canonical, group = groups[0]
        drifted: list[Home] = []
        reimplemented: list[Home] = []
        main = canonical.home
        for other_canonical, other in groups[1:]:
            rest: list[Home] = []
            for h in other:
                related = main is not None and not h.throwaway and not main.throwaway and \
                    _drifted(self.refs[main.qualified], self.refs[h.qualified], self.members,
                             self.kinds, self.index, self.layout)
                reimpl = main is not None and h.in_tests and not main.throwaway and \
                    self._reimplements(h, main)
                (drifted if related else reimplemented if reimpl else rest).append(h)
            if len({h.module for h in rest}) >= 2:
                # What is left of a group once its anchor went elsewhere was only ever
                # compared with the anchor: group it again, so two leftovers are one concept
                # only when they are alike themselves (no chaining through the anchor).
                for sub_canonical, sub in anchored_groups(rest, None, self.similar,
                                                          self.relations.imports_from):
                    if len({h.module for h in sub}) >= 2:
                        self.concept(name, sub_canonical, sub, [], [], [])
        stubs = [h for h in stubs if main is not None and not main.throwaway]
        self.concept(name, canonical, group, stubs, drifted, reimplemented)

    def _reimplements(self, test: Home, production: Home) -> bool:
        """A plain test class with the production class's name, not derived from anything,
        that shares members with it: a stand-in that drifts silently when production
        changes. A test class on a base (a test model on `Model`, a benchmark `Case` named
        after what it measures) is a test's own thing."""
        a, b = self.refs[test.qualified], self.refs[production.qualified]
        if _direct_bases(a, self.index) or not exercises(self.index, test, production):
            return False
        ma, mb = _compared(a, b, self.members, self.kinds)
        return len(ma & mb) >= MIN_REIMPLEMENTED_SHARED

    def concept(self, name: str, canonical: Canonical, group: list[Home], stubs: list[Home],
                drifted: list[Home], reimplemented: list[Home]) -> None:
        declared = name in self.declared
        kinds = self.kinds
        main = canonical.home
        if main is not None:
            # Subclasses of the canonical class build on it; they are not copies. A test
            # copy counts only in a test of that code: a standalone script under tests/
            # (an integration target, ansible-test) keeps its own classes on purpose.
            group = [h for h in group if h is main or main.qualified not in kinds.ancestors(
                h.qualified) and (declared or not h.in_tests or main.in_tests
                                  or exercises(self.index, h, main))]
        homes = group + drifted + reimplemented + stubs
        if by_module_count(homes) < 2 and not declared:
            return
        if not declared and all(h.throwaway for h in group):
            # Test modules re-declare small helpers and models freely (`Article` in each
            # Django test app), and standalone scripts and examples copy freely; only a
            # name declared canonical makes that a finding.
            return
        if not declared and not any(h.importers for h in homes) and all(
                len(self.members[h.qualified]) <= TINY_CLASS for h in homes):
            # A tiny helper nobody imports by name (a private mixin each SQLAlchemy dialect
            # keeps on purpose) is no shared concept.
            self.small.setdefault(name, []).extend(self.refs[h.qualified] for h in homes)
            return
        flagged = [h for h in homes if not canonical.is_home(h)]
        if not flagged or (canonical.home is not None and len(homes) < 2):
            return
        kind_of = {h.qualified: "drifted" for h in drifted}
        kind_of.update({h.qualified: "test" for h in reimplemented})
        kind_of.update({h.qualified: "stub" for h in stubs})
        for home in flagged:
            found = self.finding(name, home, homes, canonical, kind_of.get(home.qualified, "copy"))
            self.findings.append(found)
            if found.severity != Severity.INFO and canonical.home is not None:
                self.copied.setdefault(frozenset({home.module, canonical.home.module}),
                                       set()).add(name)
        self.concepts.append(concept_entry(name, "class", homes, canonical))

    def companions(self) -> None:
        """Small classes copied between two modules that already share a counted copy
        (airflow's `providers_manager.py` and the shared `providers_discovery.py` hold the
        same `TriggerInfo` NamedTuple and the dunder-only `LazyDictWithCache` beside the
        counted `HookInfo`): one copy-paste, so the small copies are reported with it. Only
        identical member names, dunders included."""
        for name in sorted(self.small):
            homes = one_per_module([home_of(r, self.index, self.area_of)
                                    for r in self.small[name]])
            for a, b in combinations(homes, 2):
                shared = self.copied.get(frozenset({a.module, b.module}))
                ra, rb = self.refs[a.qualified], self.refs[b.qualified]
                if not shared or name in shared or a.throwaway or b.throwaway or \
                        _all_members(ra) != _all_members(rb) or \
                        _unrelated(ra, rb, self.kinds, self.index, self.layout) or \
                        _implemented_twice(ra, rb) is not None:
                    # Beside a copy, a small class whose same members are other code
                    # (sktime's `OffsetPredictor`: `__init__` and `forward`, 20% alike) is
                    # the module's own.
                    continue
                canonical = choose_canonical([a, b], None, self.relations.imports_from)
                assert canonical.home is not None
                home = b if canonical.is_home(a) else a
                count = len(_all_members(ra))
                self.findings.append(make_finding(
                    "SSOT103", f"{_head(home, [a, b], canonical)}; this copy has the same "
                    f"{plural(count, 'member')} as the one in {canonical.module}, dunders "
                    f"included: a small class, reported because the two modules also share "
                    f"copies of {names_list({f'`{n}`' for n in shared})}", home.location(),
                    related=related_locations([a, b], home, canonical, "class"),
                    key=f"{name}:{home.qualified}", concept=name,
                    **_confidence("medium", "same name", f"same {count} members",
                                  "the two modules share other copies")))  # type: ignore[arg-type]
                self.concepts.append(concept_entry(name, "class", [a, b], canonical))

    def _on_purpose(self, home: Home, reference: Home) -> Apart | None:
        """Why a copy or drifted copy of `reference` at `home` is kept on purpose, shown
        and not counted: a copy the project declares (`# Copied from ...`); a class built
        on its namesake, which its module imports under another name; a sync and an async
        twin (`_async_twin`); interchangeable
        backends on two libraries (hypercorn's `asyncio/tcp_server.py` and
        `trio/tcp_server.py`) or versions of one module (`v1_transformation.py` beside
        `transformation.py`): one interface or API twice, the same member names, other
        code; or a layout that keeps its own copies (`Relations.apart`: prefect's
        `client/schemas/` beside `server/schemas/`, plugins, backends)."""
        mine, theirs = self.refs[home.qualified], self.refs[reference.qualified]
        found = declared_copy(mine, theirs) or _wraps_namesake(self.index, mine, theirs) \
            or _async_twin(mine, theirs)
        if found is not None:
            return found
        a, b = home.module, reference.module
        backend = self.relations.backends(a, b)
        if backend is not None:
            return Apart(f"shown, not counted: {backend}", "interchangeable backends")
        if jaccard(self.members[home.qualified], self.members[reference.qualified]) < \
                ADAPTER_DRIFT:
            # Copies that drifted apart in two libraries' adapters drift where the APIs
            # differ (each provider's `CreateArguments`); a near copy there is still a
            # helper copied (mlflow's `StatusTracker` in two flavours).
            adapters = self.relations.library_packages(a, b)
            if adapters is not None:
                return Apart(f"shown, not counted: {adapters}", "adapters for two libraries")
        version = self.relations.versions(a, b)
        if version is not None:
            return Apart(f"shown, not counted: {version}", "versions of one module")
        if _all_members(mine) != _all_members(theirs):
            # Mirrored layers and backends share helpers, and keep their own classes of one
            # name: an import between the two modules says they are one product, not one
            # class. Only an identical copy is counted there.
            kept = self.relations.kept_apart_despite_import(a, b)
            if kept is not None:
                return kept
        return self.relations.apart(a, b)

    def finding(self, name: str, home: Home, homes: list[Home], canonical: Canonical,
                kind: str) -> Finding:
        head = _head(home, homes, canonical)
        related = related_locations(homes, home, canonical, "class")
        key = f"{name}:{home.qualified}"
        main = canonical.home
        if main is None:
            return make_finding(
                "SSOT103", f"{head}; this copy should be imported from there", home.location(),
                related=related, key=key, concept=name,
                **_confidence("high", "declared in [tool.ssotcheck.canonical]"))  # type: ignore[arg-type]
        if kind == "stub":
            return make_finding(
                "SSOT103", f"{head}; this copy is marked deprecated: a stub of `{name}`, "
                f"remove it when nothing imports it", home.location(), related=related,
                key=key, concept=name, severity=Severity.INFO,
                **_confidence("high", "marked deprecated"))  # type: ignore[arg-type]
        reference, cross = self.services.reference(home, homes, canonical)
        assert reference is not None
        mine, theirs = self.members[home.qualified], self.members[reference.qualified]
        shared, union = len(mine & theirs), len(mine | theirs)
        counts = f"{shared} of {union} members shared"
        if cross:
            return make_finding(
                "SSOT103", f"{head}; this copy is the own copy of service "
                f"{service_name(self.services(home.path))}, which shares no code with service "
                f"{service_name(self.services(main.path))}; "
                f"{_drift_text(home, main, self.members, self.refs)}",
                home.location(), related=related, key=key, concept=name, severity=Severity.INFO,
                **_confidence("low", "copies in different services"))  # type: ignore[arg-type]
        detail = _drift_text(home, reference, self.members, self.refs)
        declared = name in self.declared
        # What relates the two modules at any package size (copies, and the siblings test);
        # asked once, and only when no design already keeps the copies apart.
        loose: str | None = None
        apart: Apart | None = None
        if not declared and kind in ("copy", "drifted"):
            apart = self._on_purpose(home, reference)
            if apart is None:
                loose = self.relations.evidence(home.module, reference.module,
                                                any_package=True)
                apart = _siblings(self.refs[home.qualified], self.refs[reference.qualified],
                                  self.kinds, loose, shared, union)
        if not declared and kind == "test":
            # A test that imports the production class under another name and defines its
            # own knows both: a minimal stand-in on purpose (vllm's CPU sampler test keeps
            # a three-field `ReasoningConfig` beside `ReasoningConfig as VllmReasoningConfig`).
            apart = _wraps_namesake(self.index, self.refs[home.qualified],
                                    self.refs[reference.qualified], stand_in=True)
        if apart is None and not declared and kind in ("copy", "drifted") and (
                not home.in_tests or _of_test_doubles(reference.module)):
            # A test's class of the name of a library's own test double (pyramid's
            # `testing.DummySecurityPolicy`) with other code is the test's own double.
            apart = _implemented_twice(self.refs[home.qualified],
                                       self.refs[reference.qualified])
        if apart is not None:
            return make_finding(
                "SSOT103", f"{head}; {detail}; {apart.note}", home.location(),
                related=related, key=key, concept=name, severity=Severity.INFO,
                **_confidence("low", "same name", counts, apart.reason))  # type: ignore[arg-type]
        if kind == "drifted":
            why = None if declared else self.relations.evidence(home.module, reference.module)
            if why is None and not declared:
                # Independent modules (two vendors' parameter models, a REST model next to
                # the ORM class it serialises) share a few field names by nature.
                return make_finding(
                    "SSOT103", f"{head}; this copy has drifted: {detail}; {INDEPENDENT}",
                    home.location(), related=related, key=key, concept=name,
                    severity=Severity.INFO,
                    **_confidence("low", "same distinctive name", f"only {counts}",
                                  "independent modules"))  # type: ignore[arg-type]
            return make_finding(
                "SSOT103", f"{head}; this copy has drifted: {detail}", home.location(),
                related=related, key=key, concept=name,
                **_confidence("medium" if shared >= 3 else "low", "same distinctive name",
                              f"only {counts}", *([why] if why else [])))  # type: ignore[arg-type]
        if kind == "test":
            return make_finding(
                "SSOT103", f"{head}; this test class re-implements the production class in "
                f"{reference.module} instead of importing or subclassing it; {detail}",
                home.location(), related=related, key=key, concept=name,
                **_confidence("medium", "a test class with a production class's distinctive "
                              "name", "not derived from it", counts))  # type: ignore[arg-type]
        why = loose  # kind is "copy" here: None when declared
        if why is None and not declared:
            # As for drifted copies: same-name classes in modules that neither import each
            # other nor share a package or a rare path word are each module's own (two
            # netapi front-ends' `SaltInfo`, a fake backend's private copies of classes it
            # must not import, one model file's own tokenizer), however alike.
            return make_finding(
                "SSOT103", f"{head}; {detail}; {INDEPENDENT}", home.location(),
                related=related, key=key, concept=name, severity=Severity.INFO,
                **_confidence("low", "same name", counts,
                              "independent modules"))  # type: ignore[arg-type]
        high = declared or (union and shared / union >= 0.8)
        reasons = ("same name", "declared in [tool.ssotcheck.canonical]") if declared else (
            "same name", counts, *([why] if why else []))
        return make_finding(
            "SSOT103", f"{head}; {detail}", home.location(), related=related, key=key,
            concept=name, **_confidence("high" if high else "medium", *reasons))  # type: ignore[arg-type]


def check(index: ProjectIndex, config: Config) -> CheckResult:
    run = _Check(index, config)
    by_name = run.candidates()
    for name in sorted(by_name):
        if len({r.module for r in by_name[name]}) >= 2:
            run.name(name, by_name[name])
    run.companions()
    findings = confident(run.findings, config)
    return CheckResult(tuple(sorted(findings, key=lambda f: f.sort_key())),
                       tuple(sorted(run.concepts, key=lambda c: (c.name, c.homes[0].sort_key()))))
