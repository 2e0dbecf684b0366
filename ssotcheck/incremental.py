"""What an edit can change, for re-using the previous run's findings ("early cutoff").

A rule family is a pure function of some *inputs* of every file's facts (its `READS`, see
`ssotcheck.checks`). When a few files change, each one's old and new facts are compared
input by input with the source positions left out:

- inputs a family does not read changed: its previous findings still hold, except that
  positions inside the edited files may have moved. `PositionMap` pairs every old fact
  with its new self (same input, same order) and moves the findings' locations along.
- inputs it reads changed: the family runs again.

The contract that makes this sound, checked by tests/test_incremental.py against runs from
scratch: a family copies positions from facts into locations, compares positions only
within one file, and looks up a module's defined names only by names that occur in some
file's imports, class statements, `__all__` or name uses (`referenced_names`). So a new
helper function nobody imports changes nothing outside its own file.
"""

from __future__ import annotations

import re
import time
from dataclasses import fields, is_dataclass, replace
from pathlib import Path
from typing import Callable, Generic, Iterable, Iterator, Mapping, TypeVar

from ssotcheck.checks import Checked, FamilyResult, enabled, families, family_name, run_family
from ssotcheck.config import Config
from ssotcheck.index import codec
from ssotcheck.index.cache import FactsCache, encoded
from ssotcheck.index.parse import collect_facts
from ssotcheck.index.modules import extension_module_names, source_roots
from ssotcheck.index.project import ProjectIndex, module_table
from ssotcheck.model import Concept, FileFacts, Finding, ImportFact, Location, Span
from ssotcheck.results_store import Known

# More edited files than this (or than 2% of the project) and a full run is about as fast.
MAX_EDITED = 32

# Every input a family can declare in READS.
INPUTS = frozenset({"imports", "classes", "defined", "kinds", "aliases", "all_names", "dicts",
                    "uses", "error", "generated"})

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


# Fields that hold where a fact is, not what it is. Everything else of a fact is compared,
# so a field added to the model later is covered without anyone remembering this module.
_POSITION_FIELDS = frozenset({"span", "stmt_span", "line", "column"})
_FIELDS: dict[type, tuple[str, ...]] = {}  # dataclass -> its fields that are not positions


def _what(value: object) -> object:
    """A fact with its positions left out (recursively), as nested tuples."""
    if isinstance(value, tuple):
        return tuple(_what(v) for v in value)
    names = _FIELDS.get(type(value))
    if names is None:
        if not is_dataclass(value):
            return value
        names = _FIELDS[type(value)] = tuple(
            f.name for f in fields(value) if f.name not in _POSITION_FIELDS)
    return tuple(_what(getattr(value, n)) for n in names)


def _projection(f: FileFacts, kind: str) -> object:
    if kind == "imports":
        return _what(f.imports)
    if kind == "classes":
        return _what(f.classes)
    if kind == "defined":
        return f.defined_names()
    if kind == "kinds":
        return f.defined_kinds()
    if kind == "all_names":
        return f.all_names
    if kind == "aliases":
        return f.aliases
    if kind == "dicts":
        return _what(f.dict_literals)
    if kind == "uses":
        return _what(f.name_uses)
    if kind == "error":
        return _what(f.error)
    if kind == "generated":
        return f.generated
    raise ValueError(f"unknown input {kind!r}")


_NAMESPACE_NAMES = frozenset({"__getattr__", "__path__"})


class Inert:
    """Which imports no family but the local ones can see (the finer "imports" input).

    An absolute import of a module outside the project (its first component names no
    project module or package) that binds a name nothing refers to cannot add an edge
    to the import graph, and no cross-module family can look its name up: by the
    contract above, names are looked up only when referenced. So adding
    `import json as _j` is, for those families, no change at all. Star imports and
    relative imports always count.
    """

    def __init__(self, first_party: frozenset[str] | set[str],
                 referenced: frozenset[str] | set[str]) -> None:
        self.first_party = first_party
        self.referenced = referenced

    def external(self, imp: ImportFact) -> bool:
        return (not imp.level and imp.name != "*"
                and imp.module.partition(".")[0] not in self.first_party)

    def seen(self, f: FileFacts) -> tuple[ImportFact, ...]:
        """`f`'s imports that the cross-module families may see."""
        return tuple(i for i in f.imports
                     if not (self.external(i) and i.bound_name not in self.referenced))


def changed_inputs(old: FileFacts, new: FileFacts, referenced: frozenset[str] | set[str],
                   inert: Inert | None = None) -> frozenset[str]:
    """The inputs of a file that differ between two versions, positions aside. Defined
    names count only when a name that appeared or vanished is referenced anywhere; with
    `inert`, imports only when an import other families can see changed."""
    out = set()
    for kind in INPUTS:
        if kind == "defined":
            # A module-level `__getattr__`, `__path__` or a dynamic namespace decides
            # whether a module's names are knowable at all (SSOT205), referenced or not.
            if (old.defined_names() ^ new.defined_names()) & (referenced | _NAMESPACE_NAMES) \
                    or old.dynamic_names != new.dynamic_names \
                    or old.attribute_assigns != new.attribute_assigns:
                out.add(kind)
        elif kind == "kinds":
            if {name for name, _ in old.defined_kinds() ^ new.defined_kinds()} & referenced:
                out.add(kind)
        elif kind == "imports" and inert is not None:
            if _what(inert.seen(old)) != _what(inert.seen(new)):
                out.add(kind)
        elif _projection(old, kind) != _projection(new, kind):
            out.add(kind)
    return frozenset(out)


def _texts(files: Iterable[FileFacts], first_party: frozenset[str] | set[str] | None = None
           ) -> list[str]:
    out: list[str] = []
    # An import of a module outside the project does not refer to the name it binds (see
    # `Inert`): adding or removing `import json as _j` is then the same non-event both ways.
    probe = None if first_party is None else Inert(first_party, frozenset())
    for f in files:
        imports = f.imports
        if imports and probe is not None:
            imports = tuple(i for i in imports if not probe.external(i))
        if imports:
            out += [i.module for i in imports]
            out += [i.name for i in imports if i.name]
            out += [i.alias for i in imports if i.alias]
        for c in f.classes:
            out.append(c.name)
            out += c.bases
            out += c.decorators
            out += [v for _, v in c.keywords]
            out += [m.annotation for m in c.members if m.annotation]
        if f.all_names:
            out += f.all_names
        out += [u.chain for u in f.name_uses]
        # an alias's value is looked up like a base (`Base = x.Base` reads `x`'s `Base`)
        out += [value for _, value in f.aliases]
    return out


def referenced_names(files: Iterable[FileFacts],
                     first_party: frozenset[str] | set[str] | None = None) -> set[str]:
    """With `first_party` (the project's top-level module names), imports of other
    modules are left out, as `Inert` leaves them out of an edited file."""
    # One regex pass over one joined string: far cheaper than a set update per fact.
    return set(_IDENT.findall(" ".join(set(_texts(files, first_party)))))


def index_references(index: ProjectIndex) -> frozenset[str]:
    """`referenced_names` of a whole project, for the results store."""
    first_party = {m.partition(".")[0] for m in index.modules}
    first_party |= {m.partition(".")[0] for m in index.extensions}
    return frozenset(referenced_names(index.files.values(), first_party))


# ------------------------------------------------------------------ positions

Pos = tuple[int, int | None, int | None, int | None]


def _span(s: Span) -> Pos:
    return (s.line, s.column, s.end_line, s.end_column)


def _pairs(old: FileFacts, new: FileFacts, inert: Inert | None = None
           ) -> Iterator[tuple[Pos, Pos]]:
    """(old position, new position) of every fact that is the same fact in both versions."""
    old_imports, new_imports = old.imports, new.imports
    if inert is not None and _what(old_imports) != _what(new_imports):
        old_imports, new_imports = inert.seen(old), inert.seen(new)
    if _what(old_imports) == _what(new_imports):
        for a, b in zip(old_imports, new_imports):
            yield _span(a.span), _span(b.span)
            yield _span(a.stmt_span), _span(b.stmt_span)
    if _projection(old, "classes") == _projection(new, "classes"):
        for ca, cb in zip(old.classes, new.classes):
            yield _span(ca.span), _span(cb.span)
            for ma, mb in zip(ca.members, cb.members):
                yield (ma.line, None, None, None), (mb.line, None, None, None)
    if _projection(old, "dicts") == _projection(new, "dicts"):
        for da, db in zip(old.dict_literals, new.dict_literals):
            yield _span(da.span), _span(db.span)
    if _projection(old, "uses") == _projection(new, "uses"):
        for ua, ub in zip(old.name_uses, new.name_uses):
            yield _span(ua.span), _span(ub.span)
    if old.error is not None and new.error is not None and \
            _projection(old, "error") == _projection(new, "error"):
        yield (old.error.line, old.error.column, None, None), \
              (new.error.line, new.error.column, None, None)
    if old.all_line and new.all_line and old.all_names == new.all_names:
        yield (old.all_line, None, None, None), (new.all_line, None, None, None)
    # Functions are matched by name: appending one must not lose the others.
    olds, news = _unique_lines(old), _unique_lines(new)
    for name, line in olds.items():
        if name in news:
            yield (line, None, None, None), (news[name], None, None, None)


def _unique_lines(f: FileFacts) -> dict[str, int]:
    seen: dict[str, int] = {}
    twice: set[str] = set()
    for fn in f.functions:
        if fn.name in seen:
            twice.add(fn.name)
        seen[fn.name] = fn.line
    return {k: v for k, v in seen.items() if k not in twice}


K = TypeVar("K")
V = TypeVar("V")
Point = tuple[int, int]
Quad = tuple[int, int, int | None, int | None]  # a Pos whose column is known


class _OneToOne(Generic[K, V]):
    """A mapping that forgets any key seen with two different values."""

    def __init__(self) -> None:
        self.map: dict[K, V] = {}
        self.bad: set[K] = set()

    def add(self, key: K, value: V) -> None:
        if key in self.bad:
            return
        have = self.map.setdefault(key, value)
        if have != value:
            del self.map[key]
            self.bad.add(key)

    def get(self, key: K) -> V | None:
        return self.map.get(key)


class PositionMap:
    """Where each position of a file's old facts is in its new facts."""

    def __init__(self, old: FileFacts, new: FileFacts, inert: Inert | None = None) -> None:
        self.quad: _OneToOne[Quad, Quad] = _OneToOne()
        self.point: _OneToOne[Point, Point] = _OneToOne()
        self.line: _OneToOne[int, int] = _OneToOne()
        for a, b in _pairs(old, new, inert):
            self.line.add(a[0], b[0])
            if a[1] is None or b[1] is None:
                continue
            self.quad.add((a[0], a[1], a[2], a[3]), (b[0], b[1], b[2], b[3]))
            self.point.add((a[0], a[1]), (b[0], b[1]))
            if a[2] is not None and b[2] is not None and a[3] is not None and b[3] is not None:
                self.line.add(a[2], b[2])
                self.point.add((a[2], a[3]), (b[2], b[3]))
        # Facts that kept their identity must also keep their order: a family may compare
        # positions within a file, and an edit that swapped two facts changes such answers.
        moved = sorted(self.line.map.items())
        self.monotonic = all(x[1] <= y[1] for x, y in zip(moved, moved[1:]))

    def _point(self, line: int, column: int) -> Point | None:
        got = self.point.get((line, column))
        if got is not None:
            return got
        moved = self.line.get(line)
        return None if moved is None else (moved, column)

    def location(self, loc: Location) -> Location | None:
        """`loc` moved along with the facts, or None when no fact explains it."""
        if loc.end_line is not None and loc.end_column is not None:
            got = self.quad.get((loc.line, loc.column, loc.end_line, loc.end_column))
            if got is not None:
                return replace(loc, line=got[0], column=got[1], end_line=got[2],
                               end_column=got[3])
        start = self._point(loc.line, loc.column)
        if start is None:
            return None
        if loc.end_line is None:
            return replace(loc, line=start[0], column=start[1])
        end = self._point(loc.end_line, loc.end_column or 0)
        if end is None:
            return None
        return replace(loc, line=start[0], column=start[1], end_line=end[0],
                       end_column=end[1] if loc.end_column is not None else None)


class _Unmappable(Exception):
    pass


def _move(loc: Location, maps: dict[str, PositionMap]) -> Location:
    pm = maps.get(loc.path)
    if pm is None:
        return loc
    moved = pm.location(loc)
    if moved is None:
        raise _Unmappable(loc)
    return moved


def move_results(findings: Iterable[Finding], concepts: Iterable[Concept],
                 maps: dict[str, PositionMap]
                 ) -> tuple[list[Finding], list[Concept]] | None:
    """The previous findings and concepts with positions in edited files moved; None when
    some position cannot be explained by the facts (the family then runs again)."""
    if any(not pm.monotonic for pm in maps.values()):
        return None
    mentions = tuple(f"{p}:" for p in maps)
    out_f: list[Finding] = []
    out_c: list[Concept] = []
    try:
        for f in findings:
            if mentions and any(m in f.message for m in mentions):
                return None  # a position spelled out in text cannot be moved reliably
            touched = f.location.path in maps or any(r.path in maps for r in f.related)
            if touched and f.fix is not None and f.fix.edits:
                return None  # exact text edits are recomputed, never shifted
            if touched:
                f = replace(f, location=_move(f.location, maps),
                            related=tuple(_move(r, maps) for r in f.related))
            out_f.append(f)
        for c in concepts:
            if any(h.path in maps for h in c.homes):
                c = replace(c, homes=tuple(_move(h, maps) for h in c.homes))
            out_c.append(c)
    except _Unmappable:
        return None
    return out_f, out_c


def _inert(config: Config, files: Iterable[str], previous: Iterable[str],
           edited: Iterable[FileFacts], extensions: tuple[str, ...] = ()) -> Inert:
    """What tells inert imports apart in this project: the first components of its module
    names, and every name referenced anywhere except through the external imports of
    the edited files themselves (an import does not make its own name referenced)."""
    paths = tuple(sorted(files))
    roots = source_roots(config.root, config.src, paths)
    # The index's own (memoised) module table: 10^4 module names are not worked out twice.
    modules, _ = module_table(paths, roots)
    first_party = {m.partition(".")[0] for m in modules}
    first_party |= {m.partition(".")[0] for m in extension_module_names(extensions, roots)}
    return Inert(first_party, set(previous) | referenced_names(edited, first_party))


def reuse_families(config: Config, paths: tuple[str, ...], previous: Mapping[str, FamilyResult],
                   old: dict[str, FileFacts], new: dict[str, FileFacts], referenced: set[str],
                   whole_index: Callable[[], ProjectIndex], extensions: tuple[str, ...] = ()
                   ) -> tuple[dict[str, FamilyResult], list[str], set[str]]:
    """Each family's findings after the edits `old` -> `new` (same set of files, `paths`):
    a local family re-checks the edited files only, another keeps its previous findings
    (positions moved) when no edit touched what it READS, else runs again over
    `whole_index()`. Returns the results, the families run again, and the names
    referenced now. Shared by the working tree's re-check and `trend`'s walk through
    consecutive revisions."""
    edited = sorted(new)
    inert = _inert(config, paths, referenced, new.values(), extensions)
    referenced |= referenced_names(new.values(), inert.first_party)
    inputs = {p: changed_inputs(old[p], new[p], referenced, inert) for p in edited}
    maps = {p: PositionMap(old[p], new[p], inert) for p in edited}
    edited_only = ProjectIndex.deferred(config.root, paths, lambda: list(new.values()),
                                        config.src, extensions)
    results: dict[str, FamilyResult] = {}
    rerun: list[str] = []
    for family in families():
        if not enabled(family, config):
            continue
        name = family_name(family)
        before = previous.get(name)
        if before is not None and family.LOCAL:
            # Findings of a local family live in the file they come from.
            kept = [f for f in before[0] if f.location.path not in new]
            fresh, _ = run_family(family, edited_only, config)
            # Unchanged, the very same object: the results store then writes the bytes
            # it read instead of encoding 10^4 findings again.
            results[name] = before if not fresh and len(kept) == len(before[0]) and \
                not before[1] else (sorted(kept + fresh, key=Finding.sort_key), [])
            continue
        if before is not None and not any(inputs[p] & family.READS for p in edited):
            moved = move_results(before[0], before[1], maps)
            if moved is not None:
                same = all(a is b for a, b in zip(moved[0], before[0])) and all(
                    a is b for a, b in zip(moved[1], before[1]))
                results[name] = before if same else moved
                continue
        rerun.append(name)
        results[name] = run_family(family, whole_index(), config)
    return results, rerun, referenced


def recheck(config: Config, files: Iterable[str], cache: FactsCache, known: Known,
            on_parse_start: Callable[[int], None] | None,
            on_parsed: Callable[[int], None] | None,
            timings: dict[str, float], extensions: tuple[str, ...] = ()) -> Checked | None:
    """The checks stage after a few edits: parse the edited files, re-use every family's
    previous findings whose inputs the edits left alone, run the others. None when the
    edits are too many or of a kind (files added or removed) this cannot vouch for."""
    res, digests = known.previous, known.digests
    if res is None or digests is None:
        return None
    files = list(files)
    root: Path = config.root
    stat = res["stat"]
    if len(stat) != len(files) or any(p not in stat for p in files):
        return None  # module names depend on the set of files: start over
    edited = sorted(p for p, h in digests.by_path.items() if h != stat[p][2])
    if not edited or len(edited) > max(MAX_EDITED, len(files) // 50):
        return None
    cache.load()
    old: dict[str, FileFacts] = {}
    for p in edited:
        entry = cache.raw.get(p)
        raw = encoded(entry[3]) if entry is not None and entry[2] == stat[p][2] else \
            cache.raw_by_hash(stat[p][2])
        if raw is None:
            return None  # the facts those results came from are gone
        old[p] = codec.decode_facts(raw, p)
    if on_parse_start:
        on_parse_start(len(edited))
    options = config.extract_options()
    new_facts, pstats = collect_facts(root, edited, options, cache, 1, progress=on_parsed,
                                      known_stats=digests.stats, forget_others=False)
    new = {f.path: f for f in new_facts}
    if set(new) != set(edited) or any(not f.content_hash for f in new.values()):
        return None  # unreadable now: the full path reports it properly
    for p in digests.changed:  # touched, same content: keep the facts, learn the stat
        entry = cache.raw.get(p)
        if p not in new and entry is not None and entry[2] == digests.by_path[p]:
            cache.put_raw(p, *digests.stats[p], entry[2], entry[3])
    cache.save()

    full: list[ProjectIndex] = []

    def whole_index() -> ProjectIndex:
        if not full:  # the cache is loaded and current: every file is a hit
            t1 = time.perf_counter()
            facts, _ = collect_facts(root, files, options, cache, 1, known_stats=digests.stats)
            full.append(ProjectIndex(root, facts, config.src, extensions))
            timings["decode"] = time.perf_counter() - t1
        return full[0]

    t0 = time.perf_counter()
    results, rerun, referenced = reuse_families(
        config, tuple(sorted(files)), known.families(), old, new, set(res["referenced"]),
        whole_index, extensions)
    timings["checks"] = time.perf_counter() - t0

    failed = frozenset(p for p in res["failed"] if p not in new) | frozenset(
        p for p, f in new.items() if f.error is not None)
    suppressions = dict(res["suppressions"])
    for p, f in new.items():
        suppressions[p] = f.suppressions
    return Checked(results, failed, {p: s for p, s in suppressions.items() if s},
                   full[0] if full else None, pstats.parsed, "incremental", tuple(rerun),
                   referenced=index_references(full[0]) if full else frozenset(referenced),
                   hashes=dict(digests.by_path))
