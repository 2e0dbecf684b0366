"""Read, parse and extract files in parallel, consulting the facts cache first."""

from __future__ import annotations

import multiprocessing
import os
import stat
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from ssotcheck.index.cache import FactsCache
from ssotcheck.index.extract import ExtractOptions, content_hash, extract
from ssotcheck.model import FileFacts, ParseError

Progress = Callable[[int], None]
CHUNK_BYTES = 1_500_000  # big enough to amortise IPC, small enough to balance two cores


@dataclass
class ParseStats:
    parsed: int = 0
    cache_hits: int = 0


def _stat(full: Path) -> tuple[int, int] | ParseError:
    try:
        st = full.stat()
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            return ParseError("unreadable", "symlink loop: the link never reaches a file")
        if exc.errno == 2 and full.is_symlink():
            return ParseError("unreadable", "broken symlink: its target does not exist")
        return ParseError("unreadable", f"cannot stat file: {exc.strerror or exc}")
    if not stat.S_ISREG(st.st_mode):
        # A FIFO or device named *.py would block or stream forever if opened.
        return ParseError("unreadable", "not a regular file")
    return st.st_mtime_ns, st.st_size


def _read(full: Path) -> bytes | ParseError:
    try:
        with open(full, "rb") as fh:
            return fh.read()
    except OSError as exc:
        if exc.errno == 40:
            return ParseError("unreadable", "symlink loop: the link never reaches a file")
        return ParseError("unreadable", f"cannot read file: {exc.strerror or exc}")


def _one(root: str, rel: str, options: ExtractOptions) -> tuple[str, int, int, FileFacts]:
    full = Path(root, rel)
    st = _stat(full)
    if isinstance(st, ParseError):
        return rel, -1, -1, FileFacts(path=rel, content_hash="", lines=0, parser="none", error=st)
    data = _read(full)
    if isinstance(data, ParseError):
        return rel, -1, -1, FileFacts(path=rel, content_hash="", lines=0, parser="none", error=data)
    return rel, st[0], st[1], extract(rel, data, options)


def _chunk(root: str, rels: Sequence[str], options: ExtractOptions
           ) -> list[tuple[str, int, int, FileFacts]]:
    return [_one(root, rel, options) for rel in rels]


def _chunks(root: Path, rels: list[str], jobs: int) -> list[list[str]]:
    """Size-balanced chunks; largest files first so the tail of the run is short."""
    sizes = []
    for rel in rels:
        try:
            sizes.append((os.path.getsize(root / rel), rel))
        except OSError:
            sizes.append((0, rel))
    sizes.sort(reverse=True)
    total = sum(s for s, _ in sizes)
    target = max(min(CHUNK_BYTES, total // (jobs * 4) + 1), 1)
    chunks: list[list[str]] = []
    cur: list[str] = []
    acc = 0
    for size, rel in sizes:
        cur.append(rel)
        acc += size
        if acc >= target:
            chunks.append(cur)
            cur, acc = [], 0
    if cur:
        chunks.append(cur)
    return chunks


def _pool(jobs: int) -> ProcessPoolExecutor:
    methods = multiprocessing.get_all_start_methods()
    # fork is much cheaper to start than spawn, and the parent holds no threads or locks yet.
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    return ProcessPoolExecutor(max_workers=jobs, mp_context=ctx)


def _run_parallel(root: Path, todo: list[str], options: ExtractOptions, jobs: int,
                  progress: Progress | None) -> list[tuple[str, int, int, FileFacts]]:
    results: list[tuple[str, int, int, FileFacts]] = []
    pending = _chunks(root, todo, jobs)
    retry: list[str] = []
    with _pool(jobs) as pool:
        futures = [(c, pool.submit(_chunk, str(root), c, options)) for c in pending]
        for chunk, fut in futures:
            try:
                got = fut.result()
            except BrokenProcessPool:
                retry.extend(chunk)
                continue
            results.extend(got)
            if progress:
                progress(len(got))
    # A worker died (a parser crashed on some file). Retry one file per pool so the
    # culprit is found and reported, and every other file is still analysed.
    for rel in sorted(retry):
        try:
            with _pool(1) as pool:
                results.append(pool.submit(_one, str(root), rel, options).result())
        except BrokenProcessPool:
            results.append((rel, -1, -1, FileFacts(
                path=rel, content_hash="", lines=0, parser="none",
                error=ParseError("crash", "the parser crashed on this file"))))
        if progress:
            progress(1)
    return results


def collect_facts(root: Path, files: Iterable[str], options: ExtractOptions, cache: FactsCache,
                  jobs: int, progress: Progress | None = None,
                  on_start: Callable[[int], None] | None = None) -> tuple[list[FileFacts], ParseStats]:
    """Facts for every file, from the cache when it is current, else parsed in parallel."""
    stats = ParseStats()
    out: dict[str, FileFacts] = {}
    todo: list[str] = []
    for rel in files:
        full = root / rel
        st = _stat(full)
        if isinstance(st, ParseError):
            out[rel] = FileFacts(path=rel, content_hash="", lines=0, parser="none", error=st)
            continue
        hit = cache.by_stat(rel, *st)
        if hit is None and cache.needs_hash_check(rel):
            data = _read(full)
            if isinstance(data, bytes):
                hit = cache.by_hash(rel, content_hash(data))
                if hit is not None:
                    cache.put(rel, st[0], st[1], hit)
        if hit is not None:
            out[rel] = hit
            stats.cache_hits += 1
        else:
            todo.append(rel)
    if on_start:
        on_start(len(todo))
    if todo:
        if jobs <= 1 or len(todo) < 8:
            results = []
            for rel in todo:
                results.append(_one(str(root), rel, options))
                if progress:
                    progress(1)
        else:
            results = _run_parallel(root, todo, options, jobs, progress)
        for rel, mtime, size, facts in results:
            out[rel] = facts
            stats.parsed += 1
            if mtime >= 0 and facts.content_hash:
                cache.put(rel, mtime, size, facts)
    cache.retain(set(out))
    return [out[k] for k in sorted(out)], stats
