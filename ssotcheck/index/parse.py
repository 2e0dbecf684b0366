"""Read, parse and extract files in parallel, consulting the facts cache first.

Facts cross the process boundary, and go into the cache, as the plain tuples of
`ssotcheck.index.codec`: pickle handles those in C, whereas the frozen dataclasses
themselves unpickle through Python code at ~10 µs per object, which on a large tree cost
more than parsing it. The parent decodes each chunk while the workers parse the next ones.
"""

from __future__ import annotations

import gc
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from ssotcheck.index import codec
from ssotcheck.index.cache import FactsCache, Stored, encoded, pickled
from ssotcheck.index.extract import extract
from ssotcheck.index.options import ExtractOptions
from ssotcheck.index.source import content_hash
from ssotcheck.model import FileFacts, ParseError

if TYPE_CHECKING:
    # [perf] Imported where a pool is started: multiprocessing and concurrent.futures
    # cost ~25 ms of every run's start-up, and warm or one-file runs start no pool.
    from concurrent.futures import ProcessPoolExecutor

Progress = Callable[[int], None]
CHUNK_BYTES = 1_500_000  # big enough to amortise IPC, small enough to balance two cores
# (path, mtime_ns, size, content hash, encoded facts); mtime -1 when the file was unreadable
Result = tuple[str, int, int, str, Stored]  # facts encoded, or pickled by a worker
Sink = Callable[[Result], None]


@dataclass
class ParseStats:
    parsed: int = 0
    cache_hits: int = 0


def _stat(full: Path | str) -> tuple[int, int] | ParseError:
    try:
        st = os.stat(full)
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            return ParseError("unreadable", "symlink loop: the link never reaches a file")
        if exc.errno == 2 and os.path.islink(full):
            return ParseError("unreadable", "broken symlink: its target does not exist")
        return ParseError("unreadable", f"cannot stat file: {exc.strerror or exc}")
    if not stat.S_ISREG(st.st_mode):
        # A FIFO or device named *.py would block or stream forever if opened.
        return ParseError("unreadable", "not a regular file")
    return st.st_mtime_ns, st.st_size


def _undecodable_name(rel: str) -> bool:
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _read(full: Path | str) -> bytes | ParseError:
    try:
        with open(full, "rb") as fh:
            return fh.read()
    except OSError as exc:
        if exc.errno == 40:
            return ParseError("unreadable", "symlink loop: the link never reaches a file")
        return ParseError("unreadable", f"cannot read file: {exc.strerror or exc}")


def _unreadable(rel: str, err: ParseError) -> Result:
    facts = FileFacts(path=rel, content_hash="", lines=0, parser="none", error=err)
    return rel, -1, -1, "", codec.encode_facts(facts)


def _one(root: str, rel: str, options: ExtractOptions,
         st: tuple[int, int] | ParseError | None = None) -> Result:
    """`st` is the (mtime_ns, size) the parent took before handing the file over; a stat
    taken before the read can only make the cache entry look older than the content."""
    full = os.path.join(root, rel)  # not a Path: ~1% of a cold run's time for nothing
    if st is None:
        st = _stat(full)
    if isinstance(st, ParseError):
        return _unreadable(rel, st)
    data = _read(full)
    if isinstance(data, ParseError):
        return _unreadable(rel, data)
    facts = extract(rel, data, options)
    return rel, st[0], st[1], facts.content_hash, codec.encode_facts(facts)


def _chunk(root: str, items: Sequence[tuple[str, tuple[int, int]]],
           options: ExtractOptions) -> list[Result]:
    """A chunk's results with each file's encoded facts pickled here, as the facts cache
    stores them: the parent unpickles each once to decode it (as it would have unpickled
    the tuples) and keeps the bytes for the cache, which then writes them as they are."""
    out: list[Result] = []
    for rel, st in items:
        rel, mtime, size, digest, raw = _one(root, rel, options, st)
        out.append((rel, mtime, size, digest, pickled(raw)))  # type: ignore[arg-type]
    return out


def _worker_init() -> None:
    # Syntax trees are freed by reference counting (they hold no cycles); the cyclic
    # collector only re-scans them while they are built, ~30% of `ast.parse` time.
    gc.disable()


def _chunks(todo: dict[str, tuple[int, int]], jobs: int
            ) -> list[list[tuple[str, tuple[int, int]]]]:
    """Size-balanced chunks; largest files first so the tail of the run is short."""
    by_size = sorted(((st[1], rel) for rel, st in todo.items()), reverse=True)
    total = sum(s for s, _ in by_size)
    target = max(min(CHUNK_BYTES, total // (jobs * 4) + 1), 1)
    chunks: list[list[tuple[str, tuple[int, int]]]] = []
    cur: list[tuple[str, tuple[int, int]]] = []
    acc = 0
    for size, rel in by_size:
        cur.append((rel, todo[rel]))
        acc += size
        if acc >= target:
            chunks.append(cur)
            cur, acc = [], 0
    if cur:
        chunks.append(cur)
    return chunks


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    # fork is much cheaper to start than spawn, and the parent holds no threads or locks yet.
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    return ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init)


def _run_parallel(root: Path, todo: dict[str, tuple[int, int]], options: ExtractOptions,
                  jobs: int, sink: Sink, progress: Progress | None) -> None:
    from concurrent.futures.process import BrokenProcessPool

    pending = _chunks(todo, jobs)
    retry: list[str] = []
    with worker_pool(jobs) as pool:
        futures = [(c, pool.submit(_chunk, str(root), c, options)) for c in pending]
        for chunk, fut in futures:
            try:
                got = fut.result()
            except BrokenProcessPool:
                retry.extend(rel for rel, _ in chunk)
                continue
            for result in got:
                sink(result)
            if progress:
                progress(len(got))
    # A worker died (a parser crashed on some file). Retry one file per pool so the
    # culprit is found and reported, and every other file is still analysed.
    for rel in sorted(retry):
        try:
            with worker_pool(1) as pool:
                sink(pool.submit(_one, str(root), rel, options).result())
        except BrokenProcessPool:
            sink(_unreadable(rel, ParseError("crash", "the parser crashed on this file")))
        if progress:
            progress(1)


@dataclass
class Digests:
    """Content hash of every file, known without parsing; `changed` had to be read."""

    by_path: dict[str, str]
    stats: dict[str, tuple[int, int]]
    changed: list[str]


def known_digests(root: Path, files: Iterable[str],
                  table: dict[str, tuple[int, int, str]]) -> Digests | None:
    """Each file's content hash from a (path -> mtime, size, hash) table, confirmed by one
    `stat` (a file whose stat differs is read and hashed). None when some file cannot be
    stat'ed or read: such runs take the full path, which reports it properly."""
    by_path: dict[str, str] = {}
    stats: dict[str, tuple[int, int]] = {}
    changed: list[str] = []
    base = str(root) + os.sep
    for rel in files:
        if not rel.isascii() and _undecodable_name(rel):
            return None  # reported under another name by the full path
        # One `os.stat` on a string per file: pathlib objects cost more than the stat.
        try:
            raw = os.stat(base + rel)
        except OSError:
            return None
        if not stat.S_ISREG(raw.st_mode):
            return None
        st = stats[rel] = (raw.st_mtime_ns, raw.st_size)
        e = table.get(rel)
        if e is not None and e[0] == st[0] and e[1] == st[1]:
            by_path[rel] = e[2]
            continue
        data = _read(root / rel)
        if isinstance(data, ParseError):
            return None
        by_path[rel] = content_hash(data)
        changed.append(rel)
    return Digests(by_path, stats, changed)


def collect_facts(root: Path, files: Iterable[str], options: ExtractOptions, cache: FactsCache,
                  jobs: int, progress: Progress | None = None,
                  on_start: Callable[[int], None] | None = None,
                  known_stats: dict[str, tuple[int, int]] | None = None,
                  forget_others: bool = True,
                  ) -> tuple[list[FileFacts], ParseStats]:
    """Facts for every file, from the cache when it is current, else parsed in parallel.
    `known_stats` are (mtime_ns, size) pairs this run already took (no second `stat`).
    With `forget_others`, `files` is the whole project and the cache drops other paths."""
    known = known_stats or {}
    stats = ParseStats()
    out: dict[str, FileFacts] = {}
    hits: dict[str, codec.Encoded] = {}
    todo: dict[str, tuple[int, int]] = {}  # path -> (mtime_ns, size) to parse
    for rel in files:
        if not rel.isascii() and _undecodable_name(rel):
            # Surrogates from a non-UTF-8 file name would break every report, fingerprint
            # and baseline downstream; Python cannot import such a file anyway.
            shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            out[shown] = FileFacts(path=shown, content_hash="", lines=0, parser="none",
                                   error=ParseError("unreadable", "file name is not valid UTF-8"))
            continue
        full = root / rel
        st = known.get(rel) or _stat(full)
        if isinstance(st, ParseError):
            out[rel] = FileFacts(path=rel, content_hash="", lines=0, parser="none", error=st)
            continue
        raw = cache.raw_by_stat(rel, *st)
        if raw is None and cache.needs_hash_check(rel):
            data = _read(full)
            if isinstance(data, bytes):
                digest = content_hash(data)
                raw = cache.raw_by_hash(digest)
                if raw is not None:
                    cache.put_raw(rel, st[0], st[1], digest, raw)
        if raw is not None:
            hits[rel] = raw
            stats.cache_hits += 1
        else:
            todo[rel] = st
    if on_start:
        on_start(len(todo))

    def sink(result: Result) -> None:
        rel, mtime, size, digest, raw = result
        facts = encoded(raw)
        if facts is None:  # our own worker's bytes: cannot happen, but never trust blindly
            out[rel] = FileFacts(path=rel, content_hash="", lines=0, parser="none",
                                 error=ParseError("crash", "the parser's result was damaged"))
            stats.parsed += 1
            return
        out[rel] = codec.decode_facts(facts, rel)
        stats.parsed += 1
        if mtime >= 0 and digest:
            cache.put_raw(rel, mtime, size, digest, raw)

    if todo:
        if jobs <= 1 or len(todo) < 8:
            for rel, st in todo.items():
                sink(_one(str(root), rel, options, st))
                if progress:
                    progress(1)
        else:
            _run_parallel(root, todo, options, jobs, sink, progress)
    for rel, raw in hits.items():
        out[rel] = codec.decode_facts(raw, rel)
    if forget_others:
        cache.retain(set(out))
    return [out[k] for k in sorted(out)], stats
