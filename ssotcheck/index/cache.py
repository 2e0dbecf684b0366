"""Per-file facts cache.

One pickle per (tool version, extraction settings), holding path -> (mtime_ns, size,
content hash, facts). A hit needs the same mtime and size, or else the same content
hash (so `touch` or a checkout does not force a re-parse); facts are reused across
renames by hash. Writes go to a unique temporary file and are `os.replace`d into place,
so a reader sees the old file or the new one, never a torn one, and two runs at once
cannot corrupt it (the later writer wins). Anything unreadable, foreign or from another
version is ignored and rebuilt.
"""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from ssotcheck import __version__
from ssotcheck.model import FileFacts

MAGIC = "ssotcheck-facts-v1"
Entry = tuple[int, int, str, FileFacts]


class FactsCache:
    def __init__(self, directory: Path | None, extraction_key: str) -> None:
        self.directory = directory
        self.file = (directory / f"{__version__}-{extraction_key}" / "facts.pickle"
                     if directory else None)
        self.entries: dict[str, Entry] = {}
        self._by_hash: dict[str, FileFacts] | None = None
        self.dirty = False

    # ---------------------------------------------------------------- reading
    def load(self) -> None:
        if self.file is None:
            return
        try:
            with open(self.file, "rb") as fh:
                payload = pickle.load(fh)
        except FileNotFoundError:
            return
        except Exception:  # corrupt, truncated, foreign: start over, never trust it
            self.dirty = True
            return
        if (isinstance(payload, tuple) and len(payload) == 3 and payload[0] == MAGIC
                and payload[1] == __version__ and isinstance(payload[2], dict)):
            self.entries = payload[2]
        else:
            self.dirty = True

    def by_stat(self, path: str, mtime_ns: int, size: int) -> FileFacts | None:
        e = self.entries.get(path)
        if e is not None and e[0] == mtime_ns and e[1] == size and isinstance(e[3], FileFacts):
            return e[3]
        return None

    def by_hash(self, path: str, digest: str) -> FileFacts | None:
        if self._by_hash is None:
            self._by_hash = {e[2]: e[3] for e in self.entries.values()}
        facts = self._by_hash.get(digest)
        if facts is None or not isinstance(facts, FileFacts):
            return None
        return facts if facts.path == path else replace(facts, path=path)

    def needs_hash_check(self, path: str) -> bool:
        return path in self.entries

    # ---------------------------------------------------------------- writing
    def put(self, path: str, mtime_ns: int, size: int, facts: FileFacts) -> None:
        old = self.entries.get(path)
        if old is None or old[0] != mtime_ns or old[1] != size or old[2] != facts.content_hash:
            self.entries[path] = (mtime_ns, size, facts.content_hash, facts)
            self.dirty = True

    def retain(self, paths: set[str]) -> None:
        """Forget deleted files so the cache does not grow forever."""
        gone = [p for p in self.entries if p not in paths]
        for p in gone:
            del self.entries[p]
        if gone:
            self.dirty = True

    def save(self) -> None:
        if self.file is None or not self.dirty:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            gitignore = self.directory / ".gitignore" if self.directory else None
            if gitignore is not None and not gitignore.exists():
                gitignore.write_text("# created by ssotcheck\n*\n", encoding="utf-8")
            fd, tmp = tempfile.mkstemp(prefix=".facts-", suffix=".tmp", dir=self.file.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    pickle.dump((MAGIC, __version__, self.entries), fh,
                                protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self.file)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
        except OSError:
            return  # a read-only checkout still gets a correct (uncached) run
        self.dirty = False


def clear(directory: Path) -> bool:
    if not directory.exists():
        return False
    shutil.rmtree(directory, ignore_errors=True)
    return True
