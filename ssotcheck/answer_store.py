"""The answer store: a command's rendered output, kept beside the results store.

What `check`/`report` print is a pure function of the checks' results (identified by the
results store's key: code, configuration, every file's content), of what the gates read
(report scope, the baseline file's bytes, the date suppression expiries are judged
against, the strictness flags) and of how it is rendered (format, layout, colour, the
options of the format, terminal width). A run whose results are exactly the previous
run's and whose other inputs match answers with the previous output as it was: no
finding is decoded, gated, scored or rendered again. On a 10,700-file project with
25,000 findings that is most of a warm run (see docs/performance.md).

Like the other stores it only answers "do I already know this?"; a miss costs nothing
but the lookup, and nothing it holds can be stale: every input is in the key.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ssotcheck.index.cache import NoClassesUnpickler, write_pickle

MAGIC = "ssotcheck-answer-1"
# Each answer is a whole report (tens of MB for 10^4 findings): keep the few most
# recent ones (say JSON for CI, text for people, SARIF for the upload).
KEEP = 4
FOLDER = "answers"


@dataclass(frozen=True)
class Outcome:
    """What a command printed and how it ended."""

    text: str | None  # standard output (or the -o file); None: nothing to write
    before: tuple[str, ...] = ()  # standard-error lines printed before the text
    after: tuple[str, ...] = ()  # ... and after it
    code: int = 0


def answer_key(results_key: str, parts: dict[str, object]) -> str:
    """The key of one command's answer: the results' key and everything else it read."""
    h = hashlib.blake2b(MAGIC.encode(), digest_size=20)
    h.update(results_key.encode())
    for name in sorted(parts):
        h.update(f"\0{name}={parts[name]!r}".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def file_digest(path: Path) -> str:
    """A file's content as a key part ("missing" when there is none)."""
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=20).hexdigest()
    except FileNotFoundError:
        return "missing"
    except OSError as e:
        return f"unreadable: {e.errno}"


class AnswerStore:
    def __init__(self, cache_dir: Path | None) -> None:
        self.folder = cache_dir / FOLDER if cache_dir is not None else None
        self.cache_dir = cache_dir

    def _file(self, key: str) -> Path | None:
        return self.folder / f"{key}.pickle" if self.folder is not None else None

    def lookup(self, key: str) -> Outcome | None:
        file = self._file(key)
        if file is None:
            return None
        try:
            with open(file, "rb") as fh:
                payload = NoClassesUnpickler(fh).load()
        except FileNotFoundError:
            return None
        except Exception:  # damaged or foreign: answer by running the stages
            return None
        if not (isinstance(payload, tuple) and len(payload) == 6 and payload[0] == MAGIC
                and payload[1] == key and isinstance(payload[2], str)
                and isinstance(payload[3], tuple) and isinstance(payload[4], tuple)
                and isinstance(payload[5], int)
                and all(isinstance(x, str) for x in payload[3] + payload[4])):
            return None
        try:
            os.utime(file)  # most recently used: kept longest
        except OSError:
            pass
        return Outcome(payload[2], payload[3], payload[4], payload[5])

    def save(self, key: str, outcome: Outcome) -> None:
        file = self._file(key)
        if file is None:
            return
        try:
            write_pickle(file, (MAGIC, key, outcome.text, outcome.before, outcome.after,
                                outcome.code), self.cache_dir)
            self._prune(keep=file)
        except OSError:
            pass  # a read-only cache folder: the next run renders again, nothing is lost

    def _prune(self, keep: Path) -> None:
        assert self.folder is not None
        answers = []
        for entry in os.scandir(self.folder):
            if entry.name.endswith(".pickle") and entry.path != str(keep):
                try:
                    answers.append((entry.stat().st_mtime_ns, entry.path))
                except OSError:
                    continue
        answers.sort(reverse=True)
        for _, path in answers[KEEP - 1:]:
            try:
                os.unlink(path)
            except OSError:
                pass
