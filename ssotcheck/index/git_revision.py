"""A past revision of the project, read from git objects only.

`trend`, `diff` and `check --diff-base` analyse commits without checking them out: the
revision's files come from `git ls-tree -r -z` and `git cat-file --batch`, which read the
object database and nothing else. Nothing here checks out, stashes, or writes the index,
HEAD or the working tree (`GIT_OPTIONAL_LOCKS=0` also keeps git from refreshing the index
behind our back, which would rewrite it while a pre-commit hook is staging).

This module is the "discover + read" stage for a revision; the facts, index, checks and
score stages are the pipeline's own (`ssotcheck.pipeline.run_revision`). Facts are looked
up by content hash, hashed exactly as working-tree files are, so a warm facts cache answers
every blob whose content also exists (or existed) in the working tree; blobs seen only in
history go to a small store of their own beside the facts cache. A blob's git id maps to
its content hash forever, so that mapping is remembered too and a blob is read once.
"""

from __future__ import annotations

import hashlib
import pickle
import re
import subprocess
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Mapping, Sequence

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from ssotcheck.config import Config, ConfigError, from_mapping, parse_table
from ssotcheck.globs import compile_globs
from ssotcheck.index import codec
from ssotcheck.index.cache import (FactsCache, write_pickle, ModelUnpickler,
                                    NoClassesUnpickler)
from ssotcheck.index.discover import EXTENSION_SUFFIXES, OUTPUT_DIRS, SKIP_DIRS
from ssotcheck.index.extract import extract
from ssotcheck.index.options import ExtractOptions
from ssotcheck.index.parse import worker_pool
from ssotcheck.index.source import content_hash
from ssotcheck.model import FileFacts, ParseError
from ssotcheck.errors import GitError

STORE_MAGIC = "ssotcheck-revision-store-v1"
MAX_STORED_FACTS = 60_000  # blobs only history has; oldest dropped first
MAX_STORED_RESULTS = 400  # analysed revisions
CHUNK_BYTES = 1_500_000
# Fewer files than this are extracted in this process: the ~1% a commit changes parse in a
# fraction of a second, and forking workers from a process holding a project's facts
# costs more than that (and counts its memory again per worker).
PARALLEL_MIN = 256
CONFIG_NAMES = ("ssotcheck.toml", "pyproject.toml")
PYTEST_FILES = ("pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")
_MODE_LINK, _MODE_SUBMODULE = "120000", "160000"


def git_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment git runs in: the caller's (`environ`), made safe for reading."""
    env = dict(environ)
    # A hook run by `git commit` (pre-commit included) gets GIT_INDEX_FILE pointing at a
    # temporary index, possibly relative to the repository; these commands read objects
    # only and must neither depend on it nor touch it.
    env.pop("GIT_INDEX_FILE", None)
    env["GIT_OPTIONAL_LOCKS"] = "0"
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["LC_ALL"] = "C"
    return env


@dataclass(frozen=True)
class Commit:
    oid: str
    date: str  # committer date, ISO 8601 with offset
    subject: str

    @property
    def short(self) -> str:
        return self.oid[:10]


@dataclass(frozen=True)
class Entry:
    mode: str
    oid: str


@dataclass(frozen=True)
class Revision:
    """What the pipeline's discover stage yields for a commit."""

    commit: Commit
    files: tuple[str, ...]  # Python files to analyse, relative to the project root, sorted
    excluded: int
    blobs: dict[str, str]  # path -> blob id of every analysed file
    key: str  # identity of the analysed content (paths and blob ids)
    extension_modules: tuple[str, ...] = ()  # as `Discovery.extension_modules`


class Repository:
    def __init__(self, root: Path, environ: Mapping[str, str]) -> None:
        self.root = root
        self.env = git_env(environ)
        out = self._run(["rev-parse", "--show-toplevel", "--show-prefix",
                         "--is-shallow-repository"], check=False)
        if out is None:
            raise GitError(f"{root} is not inside a git repository: trend and diff read the "
                           "history from git (outside git, `ssotcheck report --record` keeps "
                           "a history of its own)")
        lines = out.decode("utf-8", "surrogateescape").splitlines()
        self.toplevel = Path(lines[0])
        self.prefix = lines[1] if len(lines) > 2 else ""  # "" or "sub/dir/"
        self.shallow = lines[-1].strip() == "true"

    # ------------------------------------------------------------------ plumbing
    def _run(self, args: list[str], check: bool = True, input_: bytes | None = None
             ) -> bytes | None:
        try:
            proc = subprocess.run(["git", *args], cwd=self.root, env=self.env, input=input_,
                                  capture_output=True, timeout=600)
        except FileNotFoundError:
            raise GitError("git is not installed (or not on PATH)") from None
        except (OSError, subprocess.SubprocessError) as exc:
            raise GitError(f"git {args[0]} failed: {exc}") from None
        if proc.returncode != 0:
            if not check:
                return None
            msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"git {args[0]} failed: {msg[-1] if msg else proc.returncode}")
        return proc.stdout

    def resolve(self, ref: str) -> str:
        """The commit id `ref` names; a clear error when it names nothing here."""
        if not ref or ref.startswith("-") or "\n" in ref:
            raise GitError(f"`{ref}` is not a revision")
        out = self._run(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], check=False)
        if out:
            return out.decode().strip()
        if self.shallow:
            raise GitError(
                f"revision `{ref}` is not in this clone, which is shallow (CI checkouts "
                "usually are): fetch more history, e.g. `git fetch --unshallow` or "
                f"`git fetch origin {ref}` (GitHub Actions: actions/checkout with "
                "`fetch-depth: 0`)")
        raise GitError(f"unknown revision `{ref}`: no branch, tag or commit of that name in "
                       f"{self.toplevel} (a remote branch has to be fetched first)")

    def commit(self, oid: str) -> Commit:
        return self._log([oid, "-n", "1", "--no-walk"])[0]

    def history(self, revisions: str | None, count: int | None, since: str | None,
                every: int = 1) -> list[Commit]:
        """First-parent history, oldest first: the newest commit, then every `every`-th
        before it, at most `count` points."""
        args = ["--first-parent"]
        if since:
            args.append(f"--since={since}")
        if revisions:
            if revisions.startswith("-"):
                raise GitError(f"`{revisions}` is not a revision range")
            ends = [r for r in re.split(r"\.\.\.?", revisions) if r]
            for r in ends or [revisions]:
                self.resolve(r)
            args.append(revisions)
        else:
            if not self._has_head():
                raise GitError(f"{self.toplevel} has no commits yet")
            args.append("HEAD")
        if count is not None:
            args += ["-n", str(count * max(every, 1))]
        commits = self._log(args)[::max(every, 1)]
        if count is not None:
            commits = commits[:count]
        return commits[::-1]

    def _has_head(self) -> bool:
        return self._run(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"],
                         check=False) is not None

    def _log(self, args: list[str]) -> list[Commit]:
        out = self._run(["log", "--format=%H%x1f%cI%x1f%s%x1e", *args, "--"])
        commits = []
        for rec in (out or b"").decode("utf-8", "replace").split("\x1e"):
            rec = rec.strip("\n")
            if rec:
                oid, date, subject = rec.split("\x1f", 2)
                commits.append(Commit(oid, date, subject))
        return commits

    def listing(self, commit: str) -> dict[str, Entry]:
        """Every blob under the project root at `commit`, by path relative to that root."""
        args = ["ls-tree", "-r", "-z", "--full-tree", commit]
        if self.prefix:
            args += ["--", self.prefix.rstrip("/")]
        out = self._run(args) or b""
        entries: dict[str, Entry] = {}
        n = len(self.prefix)
        for rec in out.decode("utf-8", "surrogateescape").split("\0"):
            if not rec:
                continue
            meta, _, path = rec.partition("\t")
            mode, kind, oid = meta.split(" ")
            if kind != "blob" or not path.startswith(self.prefix):
                continue  # submodules (commits) and trees
            entries[path[n:]] = Entry(mode, oid)
        return entries

    def read(self, names: Sequence[str]) -> list[bytes | None]:
        """Contents of objects (`oid` or `rev:path`) through one `cat-file --batch`; None
        for a missing one. The writer runs in a thread so a large batch cannot deadlock
        on full pipes."""
        if not names:
            return []
        try:
            proc = subprocess.Popen(["git", "cat-file", "--batch"], cwd=self.root, env=self.env,
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL)
        except OSError as exc:
            raise GitError(f"git cat-file failed: {exc}") from None
        assert proc.stdin is not None and proc.stdout is not None
        stdin: IO[bytes] = proc.stdin

        def feed() -> None:
            try:
                for name in names:
                    stdin.write(name.encode("utf-8", "surrogateescape") + b"\n")
                stdin.close()
            except OSError:
                pass

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        out: list[bytes | None] = []
        try:
            for _ in names:
                header = proc.stdout.readline()
                parts = header.split()
                if len(parts) != 3:  # "<name> missing" / "ambiguous", or git died
                    if not header:
                        raise GitError("git cat-file stopped before answering")
                    out.append(None)
                    continue
                size = int(parts[2])
                data = proc.stdout.read(size)
                proc.stdout.read(1)
                out.append(data)
        finally:
            writer.join()
            proc.stdout.close()
            proc.wait()
        return out

    # ------------------------------------------------------------- blob hashes
    def content_hashes(self, oids: Iterable[str], store: RevisionStore
                       ) -> tuple[dict[str, str], dict[str, bytes]]:
        """Content hash of each blob (as `extract.content_hash` computes it for a file),
        and the contents that had to be read to learn it."""
        known = store.blob_hashes()
        hashes: dict[str, str] = {}
        todo = []
        for oid in oids:
            h = known.get(oid)
            if h is None:
                todo.append(oid)
            else:
                hashes[oid] = h
        data: dict[str, bytes] = {}
        for oid, blob in zip(todo, self.read(todo)):
            if blob is None:
                raise GitError(f"git object {oid} is missing (a partial or shallow clone?): "
                               "fetch more history")
            data[oid] = blob
            hashes[oid] = known[oid] = content_hash(blob)
            store.hashes_dirty = True
        return hashes, data


# --------------------------------------------------------------------- discover

def discover_revision(repo: Repository, commit: Commit, exclude: tuple[str, ...]
                      ) -> tuple[Revision, dict[str, Entry]]:
    """The revision's Python files, chosen as `discover` chooses working-tree files:
    `exclude` globs, tool and virtualenv folders skipped, symlinks that alias another
    analysed file or leave the root dropped."""
    listing = repo.listing(commit.oid)
    rx = compile_globs(exclude)
    files: dict[str, str] = {}
    excluded = 0
    links: dict[str, str] = {}
    extensions = sorted(p for p in listing if p.endswith(EXTENSION_SUFFIXES)
                        and not _skipped(p, listing, set())
                        and (rx is None or not rx.match(p)))
    dirs_with_init = {p.rpartition("/")[0] for p in listing if p.endswith("__init__.py")}
    for path, e in sorted(listing.items()):
        if not path.endswith(".py") or _skipped(path, listing, dirs_with_init):
            continue
        if rx is not None and rx.match(path):
            excluded += 1
            continue
        if e.mode == _MODE_LINK:
            links[path] = e.oid
            continue
        files[path] = e.oid
    if links:
        targets = dict(zip(links, repo.read(list(links.values()))))
        for path, raw in sorted(targets.items()):
            target = _link_target(path, raw)
            if target is None or target in files or target not in listing:
                excluded += 1  # out of the root, an alias, or dangling
                continue
            files[path] = listing[target].oid
    key = hashlib.blake2b(digest_size=20)
    for p in sorted(files):
        key.update(f"{p}\0{files[p]}\n".encode("utf-8", "surrogateescape"))
    key.update(repr(extensions).encode("utf-8", "surrogateescape"))
    return Revision(commit, tuple(sorted(files)), excluded, files, key.hexdigest(),
                    tuple(extensions)), listing


def _skipped(path: str, listing: dict[str, Entry], dirs_with_init: set[str]) -> bool:
    parts = path.split("/")
    for i, name in enumerate(parts[:-1]):
        if name in SKIP_DIRS or name.endswith(".egg-info"):
            return True
        if name in OUTPUT_DIRS:
            d = "/".join(parts[:i + 1])
            if d not in dirs_with_init and (name == "dist" or _setuptools_build(d, listing)):
                return True
    return False


def _setuptools_build(d: str, listing: dict[str, Entry]) -> bool:
    prefix = d + "/"
    return any(p.startswith(prefix) and p[len(prefix):].startswith(
        ("lib", "bdist.", "temp.", "scripts-")) for p in listing)


def _link_target(path: str, raw: bytes | None) -> str | None:
    if raw is None:
        return None
    target = raw.decode("utf-8", "surrogateescape")
    if target.startswith("/"):
        return None
    parts: list[str] = path.split("/")[:-1]
    for part in target.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None  # leaves the root
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


# ----------------------------------------------------------------------- config

@dataclass(frozen=True)
class RevisionConfig:
    config: Config | None
    error: str | None = None  # why the revision's configuration could not be used


def config_at(repo: Repository, commit: str, root: Path, fixed: Config | None = None
              ) -> RevisionConfig:
    """The configuration as of `commit`: the nearest ssotcheck.toml, or pyproject.toml
    with [tool.ssotcheck], from the project root up to the repository's top; defaults
    when there is none. `fixed` (from `--config`) is used as it is for every commit."""
    if fixed is not None:
        return RevisionConfig(fixed)
    dirs = [repo.prefix.rstrip("/")]
    while dirs[-1]:
        dirs.append(dirs[-1].rpartition("/")[0])
    names = [f"{commit}:{d + '/' if d else ''}{n}" for d in dirs for n in CONFIG_NAMES]
    pytest_names = [f"{commit}:{repo.prefix}{n}" for n in PYTEST_FILES]
    blobs = repo.read(names + pytest_names)
    texts = dict(zip(pytest_names, blobs[len(names):]))

    def read(name: str) -> str | None:
        raw = texts.get(f"{commit}:{repo.prefix}{name}")
        return None if raw is None else raw.decode("utf-8")

    for name, raw in zip(names, blobs):
        if raw is None:
            continue
        where = f"{name.partition(':')[2]} at {commit[:10]}"
        try:
            table = _ssotcheck_table(raw, where, name.endswith("pyproject.toml"))
            if table is None:
                continue
            return RevisionConfig(from_mapping(table, root, None, read))
        except ConfigError as exc:
            return RevisionConfig(None, str(exc))
    return RevisionConfig(from_mapping({}, root, None, read))


def _ssotcheck_table(raw: bytes, where: str, pyproject: bool) -> dict[str, Any] | None:
    """The file's [tool.ssotcheck] table; None for a pyproject.toml that has none (the
    search goes on, as `find_config_file` does). A broken file meant for us is an error."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{where}: not UTF-8") from None
    if pyproject:
        try:
            if "ssotcheck" not in tomllib.loads(text).get("tool", {}):
                return None
        except tomllib.TOMLDecodeError:
            if "[tool.ssotcheck" not in text:
                return None
    return parse_table(text, where, pyproject)


# ------------------------------------------------------------------------ store

class RevisionStore:
    """Beside the facts cache: blob id -> content hash, facts of blobs that only history
    has, and the results of analysed revisions. In memory only without a cache."""

    def __init__(self, cache: FactsCache) -> None:
        folder = cache.file.parent if cache.file is not None else None
        self.directory = cache.directory
        self.file = folder / "revisions.pickle" if folder else None
        self.facts_file = folder / "revision-facts.pickle" if folder else None
        self._hashes: dict[str, str] | None = None
        self._results: dict[str, Any] | None = None
        self._facts: dict[str, codec.Encoded] | None = None
        self.hashes_dirty = self.results_dirty = self.facts_dirty = False

    @staticmethod
    def _load(path: Path | None, shape: int, unpickler: type[pickle.Unpickler]) -> list[dict]:
        if path is None:
            return [{} for _ in range(shape)]
        try:
            with open(path, "rb") as fh:
                payload = unpickler(fh).load()
        except Exception:  # none yet, damaged or foreign: start over
            return [{} for _ in range(shape)]
        if (isinstance(payload, tuple) and len(payload) == shape + 1
                and payload[0] == STORE_MAGIC and all(isinstance(x, dict) for x in payload[1:])):
            return list(payload[1:])
        return [{} for _ in range(shape)]

    def _ensure(self) -> None:
        if self._hashes is None:
            # Results hold findings (model value objects); facts are plain tuples.
            self._hashes, self._results = self._load(self.file, 2, ModelUnpickler)

    def blob_hashes(self) -> dict[str, str]:
        self._ensure()
        assert self._hashes is not None
        return self._hashes

    def results(self) -> dict[str, Any]:
        self._ensure()
        assert self._results is not None
        return self._results

    def put_results(self, key: str, payload: dict[str, Any]) -> None:
        res = self.results()
        res.pop(key, None)
        res[key] = payload
        while len(res) > MAX_STORED_RESULTS:
            del res[next(iter(res))]
        self.results_dirty = True

    def facts(self) -> dict[str, codec.Encoded]:
        if self._facts is None:
            self._facts = self._load(self.facts_file, 1, NoClassesUnpickler)[0]
        return self._facts

    def put_facts(self, digest: str, raw: codec.Encoded) -> None:
        facts = self.facts()
        facts[digest] = raw
        while len(facts) > MAX_STORED_FACTS:
            del facts[next(iter(facts))]
        self.facts_dirty = True

    def save(self) -> None:
        try:
            if self.file is not None and (self.hashes_dirty or self.results_dirty):
                write_pickle(self.file, (STORE_MAGIC, self.blob_hashes(), self.results()),
                              self.directory)
            if self.facts_file is not None and self.facts_dirty:
                write_pickle(self.facts_file, (STORE_MAGIC, self.facts()), self.directory)
        except (OSError, pickle.PicklingError):
            return  # a read-only checkout still gets a correct (uncached) run
        self.hashes_dirty = self.results_dirty = self.facts_dirty = False


class RevisionCaches:
    """The facts cache, revision store and decoded facts shared by every revision one
    command analyses with the same extraction settings (loaded once, saved once)."""

    def __init__(self, directory: Path | None, extraction_key: str) -> None:
        self._cache = FactsCache(directory, extraction_key)
        self._loaded = False
        self.store = RevisionStore(self._cache)
        self.memo: dict[tuple[str, str], FileFacts] = {}
        self.last: object | None = None  # the pipeline's note on the revision analysed last

    @property
    def cache(self) -> FactsCache:
        """The working tree's facts cache, loaded on first use and never written here
        (its entries speak for the working tree)."""
        if not self._loaded:
            self._cache.load()
            self._loaded = True
        return self._cache

    def keep_only(self, blobs: dict[str, str]) -> None:
        """Forget decoded facts of files other than these (path -> blob id): the next
        revision needs this one's facts, not older ones'."""
        hashes = self.store.blob_hashes()
        wanted = {(p, hashes.get(oid)) for p, oid in blobs.items()}
        self.memo = {k: v for k, v in self.memo.items() if k in wanted}

    def save(self) -> None:
        self.store.save()


# ------------------------------------------------------------------------ facts

Progress = Callable[[int], None]


def revision_facts(repo: Repository, blobs: dict[str, str], options: ExtractOptions,
                   caches: RevisionCaches, jobs: int,
                   on_start: Callable[[int], None] | None = None,
                   progress: Progress | None = None) -> tuple[list[FileFacts], int, int]:
    """Facts of the files `blobs` names (path -> blob id): decoded earlier by this
    command, from the facts cache or the store by content hash, else extracted from the
    blob. Returns (facts sorted by path, files parsed, cache hits)."""
    store = caches.store
    oids = sorted(set(blobs.values()))
    known = store.blob_hashes()
    unknown = sum(1 for oid in oids if oid not in known)
    # Many blobs never seen (a cold start): fork the workers now, while this process is
    # small, rather than after reading every blob into memory (forked pages count again).
    pool = worker_pool(jobs) if jobs > 1 and unknown >= PARALLEL_MIN else None
    try:
        if pool is not None:
            pool.submit(int).result()  # with fork, the first task starts every worker
        return _revision_facts(repo, blobs, oids, options, caches, jobs, pool, on_start,
                               progress)
    finally:
        if pool is not None:
            pool.shutdown()


def _revision_facts(repo: Repository, blobs: dict[str, str], oids: list[str],
                    options: ExtractOptions, caches: RevisionCaches, jobs: int,
                    pool: ProcessPoolExecutor | None, on_start: Callable[[int], None] | None,
                    progress: Progress | None) -> tuple[list[FileFacts], int, int]:
    memo, store = caches.memo, caches.store
    hashes, data = repo.content_hashes(oids, store)
    out: dict[str, FileFacts] = {}
    todo: dict[str, str] = {}  # path -> oid to extract
    hits = 0
    stored = store.facts()
    for path in sorted(blobs):
        digest = hashes[blobs[path]]
        facts = memo.get((path, digest))
        if facts is None:
            cache = caches.cache
            raw = cache.raw_by_hash(digest) if cache.raw else None
            if raw is None:
                raw = stored.get(digest)
            if raw is not None:
                facts = codec.decode_facts(raw, path)
                memo[(path, digest)] = facts
        if facts is None:
            todo[path] = blobs[path]
        else:
            out[path] = facts
            hits += 1
    if on_start:
        on_start(len(todo))
    wanted = set(todo.values())
    data = {oid: blob for oid, blob in data.items() if oid in wanted}  # free the hits
    missing = sorted(wanted - data.keys())
    for oid, blob in zip(missing, repo.read(missing)):
        if blob is None:
            raise GitError(f"git object {oid} is missing: fetch more history")
        data[oid] = blob
    items = [(path, data[oid]) for path, oid in sorted(todo.items())]
    del data
    for path, digest, raw in _extract_all(items, options, jobs, progress, pool):
        facts = codec.decode_facts(raw, path)
        out[path] = memo[(path, digest)] = facts
        if digest:
            store.put_facts(digest, raw)
    return [out[p] for p in sorted(out)], len(todo), hits


ExtractResult = tuple[str, str, codec.Encoded]


def _extract_chunk(items: Sequence[tuple[str, bytes]], options: ExtractOptions
                   ) -> list[ExtractResult]:
    out = []
    for path, blob in items:
        facts = extract(path, blob, options)
        out.append((path, facts.content_hash, codec.encode_facts(facts)))
    return out


def _extract_all(items: list[tuple[str, bytes]], options: ExtractOptions, jobs: int,
                 progress: Progress | None, pool: ProcessPoolExecutor | None = None
                 ) -> Iterable[ExtractResult]:
    if jobs <= 1 or len(items) < PARALLEL_MIN:
        for item in items:
            yield from _extract_chunk([item], options)
            if progress:
                progress(1)
        return
    chunks: list[list[tuple[str, bytes]]] = []
    cur: list[tuple[str, bytes]] = []
    acc = 0
    target = max(min(CHUNK_BYTES, sum(len(b) for _, b in items) // (jobs * 4) + 1), 1)
    for item in sorted(items, key=lambda it: -len(it[1])):
        cur.append(item)
        acc += len(item[1])
        if acc >= target:
            chunks.append(cur)
            cur, acc = [], 0
    if cur:
        chunks.append(cur)
    own = pool is None
    workers = worker_pool(jobs) if pool is None else pool
    try:
        for chunk, fut in [(c, workers.submit(_extract_chunk, c, options)) for c in chunks]:
            try:
                got = fut.result()
            except BrokenProcessPool:  # a parser crashed on some file of the chunk
                got = [_alone(path, blob, options) for path, blob in chunk]
            yield from got
            if progress:
                progress(len(got))
    finally:
        if own:
            workers.shutdown()


def _alone(path: str, blob: bytes, options: ExtractOptions) -> ExtractResult:
    """One file in a pool of its own, so a crash is pinned on the file that caused it."""
    try:
        with worker_pool(1) as one:
            return one.submit(_extract_chunk, [(path, blob)], options).result()[0]
    except BrokenProcessPool:
        return _crashed(path, blob)


def _crashed(path: str, blob: bytes) -> ExtractResult:
    facts = FileFacts(path=path, content_hash="", lines=0, parser="none",
                      error=ParseError("crash", "the parser crashed on this file"))
    return path, "", codec.encode_facts(facts)
