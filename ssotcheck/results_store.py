"""The results store: a previous run's findings, kept beside the facts cache.

Findings are a pure function of the code, the configuration and the files' contents
(checks never read files). A run whose inputs all equal the previous run's reuses its
findings: one `stat` per file instead of loading, decoding and checking ~10^6 facts. A
run where a few files changed hands the previous findings to `ssotcheck.incremental`,
which re-uses what those edits cannot have changed; each family's findings are stored
apart for that.

The store only answers "do I already know this?" and remembers answers; it never
decides how a run goes on.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import time
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from ssotcheck.checks import FamilyResult
from ssotcheck.config import Config
from ssotcheck.index import codec
from ssotcheck.index.cache import RACY_NS, FactsCache, ModelUnpickler, package_fingerprint
from ssotcheck.index.parse import Digests, known_digests
from ssotcheck.model import Concept, Finding

_encode_finding = codec.encoder(Finding)
_decode_finding = codec.decoder(Finding)
_encode_concept = codec.encoder(Concept)
_decode_concept = codec.decoder(Concept)

# What a stored run holds, and the type each entry must have to be trusted.
_SHAPES = {"key": str, "stat": dict, "families": dict, "families_digest": dict,
           "failed": list, "suppressions": dict, "referenced": frozenset}


@dataclass(frozen=True)
class Known:
    """What the store knows about this run's inputs."""

    previous: dict[str, Any] | None = None  # the last run's results, whatever changed since
    digests: Digests | None = None  # every file's content hash now
    exact: bool = False  # nothing changed: `previous` answers this run as it is
    _families: list[StoredFamilies] = field(default_factory=list, compare=False, repr=False)

    def families(self) -> StoredFamilies:
        """The previous run's findings per family (one object per run, so that the store
        can tell which families came back unchanged)."""
        assert self.previous is not None
        if not self._families:
            self._families.append(StoredFamilies(self.previous["families"]))
        return self._families[0]


BUCKETS = 64


def bucket(path: str) -> int:
    """Which of a family's `BUCKETS` blobs stores the findings located in `path`."""
    return zlib.crc32(path.encode("utf-8", "surrogateescape")) % BUCKETS


class StoredFamilies(Mapping[str, FamilyResult]):
    """Each family's stored findings, decoded when first asked for: a run answered whole
    from the answer store (`ssotcheck.answer_store`) never even unpickles the 10^4
    findings. A family's findings are stored in `BUCKETS` blobs by the path they are
    located in, so that after a few edits only the blobs whose findings changed are
    encoded again; the others are written as the bytes they were read from. (Findings of
    one path stay in their order, which is all the later stages rely on: they sort by
    path first.)"""

    def __init__(self, blobs: dict[str, tuple[bytes, tuple[bytes, ...]]]) -> None:
        self._blobs = blobs
        self._decoded: dict[str, FamilyResult] = {}
        self._buckets: dict[str, list[list[Finding]]] = {}

    def __getitem__(self, name: str) -> FamilyResult:
        done = self._decoded.get(name)
        if done is None:
            concepts, buckets = self._blobs[name]
            lists = self._buckets[name] = [
                [_decode_finding(f) for f in _table(b)] for b in buckets]
            done = self._decoded[name] = ([f for fs in lists for f in fs],
                                          [_decode_concept(c) for c in _table(concepts)])
        return done

    def __iter__(self) -> Iterator[str]:
        return iter(self._blobs)

    def __len__(self) -> int:
        return len(self._blobs)

    def unchanged(self, name: str, result: FamilyResult) -> bool:
        """Whether `result` is the very object decoded from family `name`."""
        return self._decoded.get(name) is result

    def blobs_for(self, name: str, result: FamilyResult) -> tuple[bytes, tuple[bytes, ...]]:
        """`result` as stored blobs, re-using every blob whose findings are the very
        objects decoded from it."""
        if self.unchanged(name, result):
            return self._blobs[name]
        if name not in self._decoded:
            return encode_family(result)
        old_concepts, old_buckets = self._blobs[name]
        decoded = self._buckets[name]
        grouped = _grouped(result[0])
        buckets = tuple(
            old_buckets[b] if _same(grouped[b], decoded[b]) else _encode_findings(grouped[b])
            for b in range(BUCKETS))
        concepts = old_concepts if _same(result[1], self._decoded[name][1]) else \
            _encode_concepts(result[1])
        return concepts, buckets


def _same(a: list[Any], b: list[Any]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b))


def _grouped(findings: Iterable[Finding]) -> list[list[Finding]]:
    out: list[list[Finding]] = [[] for _ in range(BUCKETS)]
    memo: dict[str, int] = {}
    for f in findings:
        path = f.location.path
        b = memo.get(path)
        if b is None:
            b = memo[path] = bucket(path)
        out[b].append(f)
    return out


def _pickle(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _encode_findings(findings: list[Finding]) -> bytes:
    return _pickle([_encode_finding(f) for f in findings])


def _encode_concepts(concepts: list[Concept]) -> bytes:
    return _pickle([_encode_concept(c) for c in concepts])


def encode_family(result: FamilyResult) -> tuple[bytes, tuple[bytes, ...]]:
    return (_encode_concepts(result[1]),
            tuple(_encode_findings(fs) for fs in _grouped(result[0])))


def _table(blob: bytes) -> list[Any]:
    table = ModelUnpickler(io.BytesIO(blob)).load()
    if not isinstance(table, list):
        raise ValueError("stored family of another shape")
    return table


def env_key(config: Config, extensions: tuple[str, ...] = ()) -> str:
    """The code and the configuration, but not where the project is: a fresh checkout
    elsewhere (CI restoring the cache folder) is answered from the same results."""
    h = hashlib.blake2b(digest_size=20)
    h.update(package_fingerprint().encode())
    where = config.config_path
    if where is not None and where.is_relative_to(config.root):
        where = where.relative_to(config.root)
    h.update(repr(replace(config, root=Path("."), config_path=where)).encode())
    # Extension module files are no facts, but decide whether an import dangles.
    h.update(repr(extensions).encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _results_key(env: str, digests: dict[str, str]) -> str:
    h = hashlib.blake2b(env.encode(), digest_size=20)
    for path in sorted(digests):
        h.update(f"{path}\0{digests[path]}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _fresh_stat(st: tuple[int, int], digest: str, now: int) -> tuple[int, int, str]:
    # Same "racy" rule as the facts cache: a file written just now could change again
    # within its mtime tick, so it is confirmed by content next time.
    return (-1 if st[0] > now - RACY_NS else st[0], st[1], digest)


def _digest(blobs: tuple[bytes, tuple[bytes, ...]]) -> str:
    """A stored family's digest: its concepts blob, then each bucket's length and bytes."""
    h = hashlib.blake2b(blobs[0], digest_size=20)
    for b in blobs[1]:
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()


def _well_formed(res: dict[str, Any]) -> bool:
    """Written by this code (the env key says so), but the file may have been damaged:
    the families' blobs are unpickled only later, so their digests vouch for them now."""
    if not all(isinstance(res.get(k), t) for k, t in _SHAPES.items()):
        return False
    blobs, digests = res["families"], res["families_digest"]
    return (blobs.keys() == digests.keys() and all(
        isinstance(b, tuple) and len(b) == 2 and isinstance(b[0], bytes)
        and isinstance(b[1], tuple) and len(b[1]) == BUCKETS
        and all(isinstance(x, bytes) for x in b[1]) and _digest(b) == digests[n]
        for n, b in blobs.items()))


class ResultsStore:
    def __init__(self, facts: FactsCache, config: Config,
                 extensions: tuple[str, ...] = ()) -> None:
        self.facts = facts
        self.root = config.root
        self.env = env_key(config, extensions)
        self._known: Known | None = None  # what `lookup` answered, for `save`

    @property
    def enabled(self) -> bool:
        return self.facts.file is not None

    def lookup(self, files: Iterable[str], timings: dict[str, float]) -> Known:
        """The previous run's results, and the file stats taken to find out whether they
        still hold (handed on, so no file is stat'ed twice). Remembered for `save`."""
        if not self.enabled:
            return Known()
        t0 = time.perf_counter()
        try:
            self._known = self._lookup(files)
        finally:
            timings["results_cache"] = time.perf_counter() - t0
        return self._known

    def _lookup(self, files: Iterable[str]) -> Known:
        try:
            res = self.facts.load_results()
            if res is None or res.get("env") != self.env or not _well_formed(res):
                return Known()
            digests = known_digests(self.root, files, res["stat"])
            if digests is None:
                return Known()
            moved = res.get("facts_file") != self.facts.file_identity()
            if moved:  # replaced or damaged, or copied as it was (a restored CI cache)
                if res.get("facts_content") != self.facts.content_identity():
                    return Known(res, digests)
                res["facts_file"] = self.facts.file_identity()
            if _results_key(self.env, digests.by_path) != res["key"]:
                return Known(res, digests)
            if digests.changed or moved:  # touched but unchanged: remember the new stats
                now = time.time_ns()
                for rel in digests.changed:
                    res["stat"][rel] = _fresh_stat(digests.stats[rel], digests.by_path[rel], now)
                self.facts.save_results(res)
            return Known(res, digests, exact=True)
        except (KeyError, TypeError, ValueError, AttributeError):
            return Known()  # a results file of another shape: run the checks

    def _before(self) -> StoredFamilies | None:
        return self._known.families() if self._known and self._known.previous else None

    def stored(self, name: str, result: FamilyResult) -> bool:
        """Whether `result` is the looked-up family, unchanged (the very object)."""
        before = self._before()
        return before is not None and before.unchanged(name, result)

    def save(self, hashes: dict[str, str], results: Mapping[str, FamilyResult],
             failed: frozenset[str], suppressions: dict[str, tuple[Any, ...]],
             referenced: set[str] | frozenset[str]) -> str | None:
        """Remember these results; returns their key (None when they cannot be vouched
        for, and so were not stored)."""
        if self.facts.results_file is None or any(not h for h in hashes.values()):
            return None  # an unreadable file: the fast path could not vouch for it
        table = self.facts.stat_table()
        if any(p not in table or table[p][2] != h for p, h in hashes.items()):
            return None
        key = _results_key(self.env, hashes)
        before = self._before()
        blobs = {name: before.blobs_for(name, result) if before is not None
                 else encode_family(result) for name, result in results.items()}
        self.facts.save_results({
            "env": self.env,
            "key": key,
            "facts_file": self.facts.file_identity(),
            "facts_content": self.facts.content_identity(),
            "stat": {p: table[p] for p in hashes},
            "families": blobs,
            "families_digest": {name: _digest(b) for name, b in blobs.items()},
            "failed": sorted(failed),
            "suppressions": {p: s for p, s in sorted(suppressions.items()) if s},
            "referenced": frozenset(referenced),
        })
        return key
