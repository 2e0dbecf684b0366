"""SSOT103 duplicate-class: one (non-enum, non-event) class concept defined in two or more
modules.

Same-name classes are one concept when their member names are similar enough (Jaccard at
or above `duplicates.class-similarity`), or always when the name is declared in
`[tool.ssotcheck.canonical]`. Generic names must not flood the report, so nested and
function-local classes, pytest `Test*` classes, protocols and classes with fewer than two
members are left out unless declared canonical.
"""

from __future__ import annotations

from collections import Counter
from itertools import compress
from typing import Collection

from ssotcheck.areas import AreaMap
from ssotcheck.catalogue import make_finding
from ssotcheck.checks._concepts import (
    Canonical,
    Home,
    UnionFind,
    by_module_count,
    choose_canonical,
    concept_entry,
    home_of,
    is_fallback,
    is_test_class,
    is_vendored,
    names_list,
    one_per_module,
    only_in_tests,
    plural,
    related_locations,
)
from ssotcheck.checks._kinds import Classifier, classifier, is_dunder, is_local
from ssotcheck.config import Config
from ssotcheck.index.project import ClassRef, ProjectIndex
from ssotcheck.model import CheckResult, Concept, Finding

RULES = ("SSOT103",)
# What this family reads of each file, and whether a file's findings depend on that
# file alone (see ssotcheck.incremental).
READS = frozenset({"imports", "classes", "defined", "all_names", "dicts"})
LOCAL = False

# ------------------------------------------------------------------------- options

MIN_MEMBERS = 2
# Same-name classes that both derive from one third-party base are usually the plug-ins a
# framework asks for by name (Django's `Command(BaseCommand)` with `help` and `handle`):
# their shared hook methods prove nothing, so they need more shared members to count.
MIN_SHARED_WITH_FRAMEWORK_BASE = 4
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


def _backends(a: ClassRef, b: ClassRef, kinds: Classifier) -> bool:
    """Interchangeable implementations picked by module path (`sessions/backends/cache.py`
    and `backends/db.py` each define `SessionStore(SessionBase)`): sibling modules whose
    same-name classes build on one first-party base."""
    if a.module.rpartition(".")[0] != b.module.rpartition(".")[0]:
        return False
    common = ({c.qualified for c in kinds.first_party_ancestors(a)}
              & {c.qualified for c in kinds.first_party_ancestors(b)})
    return bool(common)


def _self_contained(ref: ClassRef, index: ProjectIndex) -> bool:
    """Builds on a base its own module defines (a class, or `Base = declarative_base()`): the
    module is a world of its own, like each SQLAlchemy example with its own `User(Base)`."""
    return any(q.rpartition(".")[0] == ref.module for q in _direct_bases(ref, index))


def _similar(a: ClassRef, b: ClassRef, members: dict[str, frozenset[str]], kinds: Classifier,
             index: ProjectIndex, threshold: float) -> bool:
    # `class Session(other.Session)`: a same-name subclass extends, it does not copy.
    if a.qualified in kinds.ancestors(b.qualified) or b.qualified in kinds.ancestors(a.qualified):
        return False
    if _parallel(a, b, kinds, index) or _backends(a, b, kinds):
        return False
    if _self_contained(a, index) and _self_contained(b, index):
        return False
    # A hook one copy overrides from its base is no evidence against the other copy.
    inherited = _inherited(a, kinds) | _inherited(b, kinds)
    ma, mb = members[a.qualified] - inherited, members[b.qualified] - inherited
    if jaccard(ma, mb) < threshold:
        return False
    return not (_framework_bases(a, kinds) & _framework_bases(b, kinds)
                and len(ma & mb) < MIN_SHARED_WITH_FRAMEWORK_BASE)


def _message(home: Home, homes: list[Home], canonical: Canonical,
             members: dict[str, frozenset[str]]) -> str:
    count = by_module_count(homes)
    head = (f"class `{home.name}` is defined in {plural(count, 'module')} "
            f"({canonical.describe()})")
    if canonical.home is None:
        return f"{head}; this copy should be imported from there"
    mine, theirs = members[home.qualified], members[canonical.home.qualified]
    where = canonical.home.module
    shared = mine & theirs
    union = mine | theirs
    if mine == theirs:
        detail = f"this copy has the same {plural(len(mine), 'member')} as the one in {where}"
    else:
        pct = round(100 * len(shared) / len(union)) if union else 0
        detail = f"this copy shares {len(shared)} of {len(union)} members ({pct}%) with {where}"
        lacks, has = theirs - mine, mine - theirs
        if lacks:
            detail += f"; it lacks {names_list(lacks)}"
        if has:
            detail += f"; it has {names_list(has)} which {where} lacks"
    return f"{head}; {detail}"


def _names_in_two_modules(index: ProjectIndex) -> dict[str, list[ClassRef]]:
    """Class name -> its definitions, in index order, for the names two or more modules
    define: a name one module holds can never be a duplicate, whatever its classes are."""
    refs = tuple(index.iter_classes())
    names = [ref.fact.name for ref in refs]
    repeated = {name for name, n in Counter(names).items() if n > 1}
    by_name: dict[str, list[ClassRef]] = {}
    for ref in compress(refs, [name in repeated for name in names]):
        by_name.setdefault(ref.fact.name, []).append(ref)
    return {name: defs for name, defs in by_name.items() if len({r.module for r in defs}) > 1}


def _candidate(ref: ClassRef, declared: bool, kinds: Classifier, events: Collection[str],
               index: ProjectIndex) -> bool:
    """A class that may be a copy: not vendored, not a fallback, not owned by SSOT101/102,
    not a protocol; unless its name is declared canonical, not nested or function-local."""
    if is_vendored(ref.path) or is_fallback(ref, index):
        return False
    kind = kinds.kind(ref)
    if kind.enum or kind.protocol or ref.qualified in events:
        return False  # SSOT101/SSOT102 own enums and event schemas; protocols are interfaces
    return declared or not (ref.fact.nested or is_local(ref, index))


def check(index: ProjectIndex, config: Config) -> CheckResult:
    kinds = classifier(index)
    area_of = AreaMap(config)
    events = kinds.event_schemas(config)
    declared_names = config.canonical_map()

    by_name: dict[str, list[ClassRef]] = {}
    members: dict[str, frozenset[str]] = {}
    for name, refs in _names_in_two_modules(index).items():
        if name not in declared_names and is_test_class(name, config):
            continue
        for ref in refs:
            if _candidate(ref, name in declared_names, kinds, events, index):
                members[ref.qualified] = _members(ref, kinds)
                if name in declared_names or len(members[ref.qualified]) >= MIN_MEMBERS:
                    by_name.setdefault(name, []).append(ref)

    findings: list[Finding] = []
    concepts: list[Concept] = []
    for name in sorted(by_name):
        refs = by_name[name]
        if len({r.module for r in refs}) < 2:
            continue
        if name in declared_names:
            groups = [[r.qualified for r in refs]]
        else:
            uf = UnionFind([r.qualified for r in refs])
            for i, a in enumerate(refs):
                for b in refs[i + 1:]:
                    if a.module != b.module and _similar(a, b, members, kinds, index,
                                                         config.class_similarity):
                        uf.union(a.qualified, b.qualified)
            groups = uf.groups()
        by_qualified = {r.qualified: r for r in refs}
        for group in groups:
            homes = one_per_module([home_of(by_qualified[q], index, area_of) for q in group])
            if by_module_count(homes) < 2 and name not in declared_names:
                continue
            if name not in declared_names and only_in_tests(homes):
                # Test modules re-declare small helpers and models freely (`Article` in each
                # Django test app); only a name declared canonical makes that a finding.
                continue
            canonical = choose_canonical(homes, declared_names.get(name))
            if canonical.home is not None:
                # Subclasses of the canonical class build on it; they are not copies.
                homes = [h for h in homes if h is canonical.home or canonical.home.qualified
                         not in kinds.ancestors(h.qualified)]
            flagged = [h for h in homes if not canonical.is_home(h)]
            if not flagged or (canonical.home is not None and len(homes) < 2):
                continue
            for home in flagged:
                findings.append(make_finding(
                    "SSOT103", _message(home, homes, canonical, members), home.location(),
                    related=related_locations(homes, home, canonical, "class"),
                    key=f"{name}:{home.qualified}", concept=name,
                ))
            concepts.append(concept_entry(name, "class", homes, canonical))
    return CheckResult(tuple(sorted(findings, key=lambda f: f.sort_key())),
                       tuple(sorted(concepts, key=lambda c: (c.name, c.homes[0].sort_key()))))
