"""Path globs as used in configuration (`exclude`, `areas`, `allow`).

Semantics: matched against the posix path relative to the project root.
`*` and `?` stay inside one path segment, `**` spans segments (`**/` may match
nothing), `[...]` is a character class. A pattern without `/` matches the file's
name at any depth (`test_*.py`), as in .gitignore. A pattern ending in `/**` also
matches the directory itself.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import Iterable


class GlobError(ValueError):
    pass


def _translate(pattern: str) -> str:
    if not pattern:
        raise GlobError("empty pattern")
    pat = pattern[2:] if pattern.startswith("./") else pattern
    pat = pat.lstrip("/")
    if "/" not in pat:
        pat = "**/" + pat
    out: list[str] = []
    i, n = 0, len(pat)
    while i < n:
        c = pat[i]
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pat.startswith("/**", i) and i + 3 == n:
            out.append("(?:/.*)?")
            i += 3
        elif pat.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            j = pat.find("]", i + 2 if pat.startswith("[!", i) or pat.startswith("[]", i) else i + 1)
            if j == -1:
                raise GlobError(f"unclosed `[` in {pattern!r}")
            body = pat[i + 1 : j]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = j + 1
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


@lru_cache(maxsize=256)
def _compile(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    body = "|".join(f"(?:{_translate(p)})" for p in patterns)
    try:
        return re.compile(f"^(?:{body})$")
    except re.error as exc:  # e.g. a bad range like [z-a]
        raise GlobError(f"{patterns!r}: {exc}") from None


def compile_globs(patterns: Iterable[str]) -> re.Pattern[str] | None:
    return _compile(tuple(patterns))


def matches(path: str, patterns: Iterable[str]) -> bool:
    rx = _compile(tuple(patterns))
    return bool(rx and rx.match(path))


def pytest_module(path: str, patterns: tuple[str, ...]) -> bool:
    """pytest's `python_files` rule: a pattern without `/` matches the file name, one with
    `/` matches the end of the path."""
    name = path.rsplit("/", 1)[-1]
    for p in patterns:
        if "/" not in p:
            if fnmatchcase(name, p):
                return True
        elif fnmatchcase(path, p) or fnmatchcase(path, "*/" + p):
            return True
    return False
