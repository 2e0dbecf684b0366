"""Per-file facts cache, and the whole-run results cache.

`facts.pickle`, one per (tool version, extraction settings), holds path -> (mtime_ns, size,
content hash, facts), each file's encoded facts pickled on their own (by the parse worker
that extracted them, so a cold run does not pickle 20 MB of facts a second time, and a
load copies 10^4 byte strings rather than building 10^6 tuples); `facts-delta.pickle`
holds the entries that changed since it was written (so editing one file rewrites
kilobytes, not the whole cache) and is applied only on top of the very base file it was
computed from. A hit needs the same mtime and size, or else the same content hash (so
`touch` or a checkout does not force a re-parse); facts are reused across renames
by hash. The facts are stored as the plain tuples of `ssotcheck.index.codec`: loading them
is C-speed pickle work with no class lookups at all, which also means nothing in the file
can name code to run (the unpickler refuses every class).

`results.pickle` sits next to it and remembers the last run's findings, keyed by the code,
the configuration and every file's content hash, together with its own (path -> mtime,
size, hash) table. A re-run over an unchanged tree answers from it after one `stat` per
file, without loading or decoding any facts (see `ssotcheck.pipeline`).

Writes go to a unique temporary file and are `os.replace`d into place, so a reader sees
the old file or the new one, never a torn one, and two runs at once cannot corrupt either
(the later writer wins). Anything unreadable, foreign or from another version is ignored
and rebuilt.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import shutil
import time
from pathlib import Path
from typing import Any, Iterator, Mapping

from ssotcheck import __version__, catalogue, model
from ssotcheck.atomic import atomic_write
from ssotcheck.index import codec
from ssotcheck.model import FileFacts

MAGIC = "ssotcheck-facts-v4"
DELTA_MAGIC = "ssotcheck-facts-delta-v1"
RESULTS_MAGIC = "ssotcheck-results-v3"
# A delta larger than this share of the entries is folded into a new base file.
DELTA_SHARE = 0.05
Entry = tuple[int, int, str, FileFacts]
# The facts of an entry are encoded tuples, or those tuples pickled on their own as the
# cache file stores them: loading 10^4 byte strings is a copy each, so a run that needs
# the facts of a few files (an incremental run) does not unpickle all of them.
Stored = codec.Encoded | bytes
RawEntry = tuple[int, int, str, Stored]
# A file modified this close to the moment its facts were stored may change again within
# the same mtime tick without changing size ("racy git"); such entries are stored without
# an mtime, so the next run confirms them by content hash instead of trusting stat.
RACY_NS = 3_000_000_000


# Every module whose code decides what a file's facts are.
EXTRACTION_CODE = ("model.py", "index/source.py", "index/options.py", "index/statements.py",
                   "index/extract.py", "index/extract_cst.py", "index/codec.py")


def _code_fingerprint() -> str:
    """Facts depend on the extraction code and the shape of the model, which change
    between commits without a version bump; a cache built by other code is stale."""
    h = hashlib.blake2b(__version__.encode(), digest_size=8)
    h.update(codec.LAYOUT.encode())
    package = Path(__file__).resolve().parent.parent
    for rel in EXTRACTION_CODE:
        try:
            h.update((package / rel).read_bytes())
        except OSError:  # e.g. running from a zip: the version alone has to do
            h.update(rel.encode())
    return f"{__version__}+{h.hexdigest()}"


CODE_VERSION = _code_fingerprint()


def package_fingerprint() -> str:
    """Findings depend on every rule, the index and the catalogue: all of the package
    and the rule catalogue beside it."""
    h = hashlib.blake2b(CODE_VERSION.encode(), digest_size=16)
    package = Path(__file__).resolve().parent.parent
    try:
        paths = sorted(p for p in package.rglob("*") if p.suffix in (".py", ".toml"))
        for p in paths:
            h.update(p.relative_to(package).as_posix().encode() + b"\0" + p.read_bytes())
        for entry in catalogue.files():  # severities come from the catalogue
            h.update(f"rules/{entry.name}".encode() + b"\0" + entry.read_bytes())
    except OSError:
        h.update(b"unreadable package")
    return h.hexdigest()


class NoClassesUnpickler(pickle.Unpickler):
    """The facts file holds tuples of str/int/bool/None only.

    The cache lives in the analysed project, so a checkout (say, a pull request run in
    CI) can ship one; a plain `pickle.load` would run whatever code it names. Any class
    reference at all is refused, and the cache is rebuilt.
    """

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"unexpected object {module}.{name} in the facts cache")


_RESULT_CLASSES = {name: obj for name, obj in vars(model).items()
                   if isinstance(obj, type) and obj.__module__ == model.__name__}


class ModelUnpickler(pickle.Unpickler):
    """Results hold findings: ssotcheck's own value objects and nothing else."""

    def find_class(self, module: str, name: str) -> Any:
        if module == model.__name__ and name in _RESULT_CLASSES:
            return _RESULT_CLASSES[name]
        raise pickle.UnpicklingError(f"foreign object {module}.{name} in the results cache")


def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


_SAMPLE = 1 << 20


def _sampled_digest(path: Path) -> str | None:
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            h = hashlib.blake2b(str(size).encode(), digest_size=16)
            h.update(fh.read(_SAMPLE))
            if size > _SAMPLE:
                fh.seek(max(_SAMPLE, size - _SAMPLE))
                h.update(fh.read())
    except OSError:
        return None
    return h.hexdigest()


def _valid_raw(e: object) -> bool:
    return (type(e) is tuple and len(e) == 4 and type(e[0]) is int
            and type(e[1]) is int and type(e[2]) is str and type(e[3]) in (tuple, bytes))


def encoded(value: Stored) -> codec.Encoded | None:
    """An entry's facts as encoded tuples, unpickling them if stored as bytes; None when
    the bytes are damaged (the file is then parsed again)."""
    if type(value) is tuple:
        return value
    try:
        got = NoClassesUnpickler(io.BytesIO(value)).load()  # type: ignore[arg-type]
    except Exception:
        return None
    return got if type(got) is tuple else None


def pickled(raw: codec.Encoded) -> bytes:
    """Encoded facts as the cache file stores them (see `encoded` for the way back)."""
    return pickle.dumps(raw, protocol=pickle.HIGHEST_PROTOCOL)


def _stored(e: RawEntry) -> RawEntry:
    if type(e[3]) is bytes:
        return e
    return e[0], e[1], e[2], pickled(e[3])  # type: ignore[arg-type]


def write_pickle(target: Path, payload: object, directory: Path | None) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    gitignore = directory / ".gitignore" if directory else None
    if gitignore is not None and not gitignore.exists():
        gitignore.write_text("# created by ssotcheck\n*\n", encoding="utf-8")
    # No fsync: a cache lost in a crash is rebuilt, and fsync of 20 MB costs real time.
    atomic_write(target, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL), durable=False)


class _DecodedEntries(Mapping[str, Entry]):
    """`FactsCache.entries` as (mtime, size, hash, FileFacts), decoded on access."""

    def __init__(self, raw: dict[str, RawEntry]) -> None:
        self._raw = raw

    def __getitem__(self, path: str) -> Entry:
        e = self._raw[path]
        raw = encoded(e[3])
        if raw is None:
            raise KeyError(path)  # damaged: as if the cache did not hold it
        return e[0], e[1], e[2], codec.decode_facts(raw, path)

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


class FactsCache:
    def __init__(self, directory: Path | None, extraction_key: str) -> None:
        self.directory = directory
        folder = directory / f"{__version__}-{extraction_key}" if directory else None
        self.file = folder / "facts.pickle" if folder else None
        self.delta_file = folder / "facts-delta.pickle" if folder else None
        self.results_file = folder / "results.pickle" if folder else None
        self.raw: dict[str, RawEntry] = {}
        self._base: dict[str, RawEntry] | None = None  # the entries facts.pickle holds
        self._base_id: tuple[int, int, int] | None = None
        self._by_hash: dict[str, Stored] | None = None
        self.dirty = False

    @property
    def entries(self) -> Mapping[str, Entry]:
        return _DecodedEntries(self.raw)

    # ---------------------------------------------------------------- reading
    def load(self) -> None:
        if self.file is None:
            return
        try:
            with open(self.file, "rb") as fh:
                payload = NoClassesUnpickler(fh).load()
        except FileNotFoundError:
            return
        except Exception:  # corrupt, truncated, foreign: start over, never trust it
            self.dirty = True
            return
        if (isinstance(payload, tuple) and len(payload) == 3 and payload[0] == MAGIC
                and payload[1] == CODE_VERSION and isinstance(payload[2], dict)
                and all(_valid_raw(e) for e in payload[2].values())):
            self._base = payload[2]
            self._base_id = _identity(self.file)
            self.raw = dict(self._base)
            self._apply_delta()
        else:
            self.dirty = True

    def _apply_delta(self) -> None:
        if self.delta_file is None:
            return
        try:
            with open(self.delta_file, "rb") as fh:
                payload = NoClassesUnpickler(fh).load()
        except Exception:  # none yet, or damaged: the base alone is still right
            return
        if not (isinstance(payload, tuple) and len(payload) == 5 and payload[0] == DELTA_MAGIC
                and payload[1] == CODE_VERSION and payload[2] == self._base_id
                and isinstance(payload[3], dict) and isinstance(payload[4], tuple)
                and all(_valid_raw(e) for e in payload[3].values())):
            return  # computed against another base: its entries are re-derived as needed
        self.raw.update(payload[3])
        for path in payload[4]:
            self.raw.pop(path, None)

    def raw_by_stat(self, path: str, mtime_ns: int, size: int) -> codec.Encoded | None:
        e = self.raw.get(path)
        if e is not None and e[0] == mtime_ns and e[1] == size:
            return encoded(e[3])
        return None

    def raw_by_hash(self, digest: str) -> codec.Encoded | None:
        if self._by_hash is None:
            self._by_hash = {e[2]: e[3] for e in self.raw.values()}
        got = self._by_hash.get(digest)
        return None if got is None else encoded(got)

    def by_stat(self, path: str, mtime_ns: int, size: int) -> FileFacts | None:
        raw = self.raw_by_stat(path, mtime_ns, size)
        return None if raw is None else codec.decode_facts(raw, path)

    def by_hash(self, path: str, digest: str) -> FileFacts | None:
        raw = self.raw_by_hash(digest)
        return None if raw is None else codec.decode_facts(raw, path)

    def needs_hash_check(self, path: str) -> bool:
        # A path the cache has never seen may still be a renamed or copied file whose
        # content it knows; only an empty cache has nothing to offer.
        return bool(self.raw)

    # ---------------------------------------------------------------- writing
    def put_raw(self, path: str, mtime_ns: int, size: int, digest: str,
                raw: Stored) -> None:
        if mtime_ns > time.time_ns() - RACY_NS:
            mtime_ns = -1  # never matches a stat: confirmed by hash next time
        old = self.raw.get(path)
        if old is None or old[0] != mtime_ns or old[1] != size or old[2] != digest:
            self.raw[path] = (mtime_ns, size, digest, raw)
            self.dirty = True

    def put(self, path: str, mtime_ns: int, size: int, facts: FileFacts) -> None:
        self.put_raw(path, mtime_ns, size, facts.content_hash, codec.encode_facts(facts))

    def retain(self, paths: set[str]) -> None:
        """Forget deleted files so the cache does not grow forever."""
        gone = [p for p in self.raw if p not in paths]
        for p in gone:
            del self.raw[p]
        if gone:
            self.dirty = True

    def save(self) -> None:
        if self.file is None or not self.dirty:
            return
        try:
            base = self._base
            if base is not None and self._base_id is not None and \
                    self._base_id == _identity(self.file):
                changed = {p: _stored(e) for p, e in self.raw.items()
                           if base.get(p) is not e and base.get(p) != e}
                removed = tuple(p for p in base if p not in self.raw)
                if len(changed) + len(removed) <= max(64, int(len(self.raw) * DELTA_SHARE)):
                    write_pickle(self.delta_file,  # type: ignore[arg-type]
                                  (DELTA_MAGIC, CODE_VERSION, self._base_id, changed, removed),
                                  self.directory)
                    self.dirty = False
                    return
            stored = {p: _stored(e) for p, e in self.raw.items()}
            write_pickle(self.file, (MAGIC, CODE_VERSION, stored), self.directory)
            self._base, self._base_id = stored, _identity(self.file)
            self.raw = dict(stored)
            if self.delta_file is not None:
                try:
                    self.delta_file.unlink()
                except FileNotFoundError:
                    pass
        except OSError:
            return  # a read-only checkout still gets a correct (uncached) run
        self.dirty = False

    def file_identity(self) -> tuple[object, ...] | None:
        """Which facts files the results were computed next to: if either was replaced or
        damaged since, the results are not trusted either."""
        if self.file is None:
            return None
        base = _identity(self.file)
        if base is None:
            return None
        return base, _identity(self.delta_file)  # type: ignore[arg-type]

    def content_identity(self) -> tuple[object, ...] | None:
        """A stand-in for `file_identity` that survives a copy (a CI cache restored into
        a fresh checkout has new inodes and mtimes): each file's size and a hash of its
        first and last MiB. Cheaper than hashing tens of MB, and any truncation,
        rewrite or foreign file still shows (both ends of a pickle change with it)."""
        if self.file is None:
            return None
        base = _sampled_digest(self.file)
        return None if base is None else (base, _sampled_digest(self.delta_file))  # type: ignore[arg-type]

    def stat_table(self) -> dict[str, tuple[int, int, str]]:
        return {p: (e[0], e[1], e[2]) for p, e in self.raw.items()}

    # ----------------------------------------------------------- run results
    def load_results(self) -> dict[str, Any] | None:
        if self.results_file is None:
            return None
        try:
            with open(self.results_file, "rb") as fh:
                payload = ModelUnpickler(fh).load()
        except Exception:  # missing, corrupt, foreign: just run the checks
            return None
        if (isinstance(payload, tuple) and len(payload) == 3 and payload[0] == RESULTS_MAGIC
                and payload[1] == CODE_VERSION and isinstance(payload[2], dict)):
            return payload[2]
        return None

    def save_results(self, results: dict[str, Any]) -> None:
        if self.results_file is None:
            return
        try:
            write_pickle(self.results_file, (RESULTS_MAGIC, CODE_VERSION, results),
                          self.directory)
        except (OSError, pickle.PicklingError):
            return


def clear(directory: Path) -> bool:
    if not directory.exists():
        return False
    shutil.rmtree(directory, ignore_errors=True)
    return True
