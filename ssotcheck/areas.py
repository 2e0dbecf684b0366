"""Which area a file belongs to: the first `[tool.ssotcheck.areas]` entry whose globs match.

Also the check that first-match did not put test files in a production-like area
(`captured_tests`), which `report -v` and `init` print as a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Iterable

from ssotcheck.config import Config
from ssotcheck.globs import compile_globs, pytest_module

OTHER = "other"


class AreaMap:
    def __init__(self, config: Config) -> None:
        self._areas = [(name, compile_globs(globs)) for name, globs in config.areas]
        self._memo: dict[str, str] = {}

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self._areas)

    def __call__(self, path: str) -> str:
        area = self._memo.get(path)
        if area is None:
            area = OTHER
            for name, rx in self._areas:
                if rx is not None and rx.match(path):
                    area = name
                    break
            self._memo[path] = area
        return area


def pytest_class(name: str, patterns: tuple[str, ...]) -> bool:
    """pytest's `python_classes` rule: each entry is a name prefix, or a glob when it holds
    a wildcard."""
    for p in patterns:
        if name.startswith(p):
            return True
        if any(c in p for c in "*?[") and fnmatchcase(name, p):
            return True
    return False


def pytest_test_file(path: str, config: Config) -> bool:
    """What pytest's conventions call test code: a module `python_files` collects, or a
    `conftest.py` (fixtures only test code loads)."""
    return path.rsplit("/", 1)[-1] == "conftest.py" or pytest_module(path, config.python_files)


def test_like(area: str) -> bool:
    """An area meant for test code, by its name (`tests`, `integration-tests`, `test`)."""
    return "test" in area.lower()


@dataclass(frozen=True)
class CapturedTests:
    """Test files that a production-like area's glob took first."""

    area: str
    glob: str  # the first glob of the area that matches them
    count: int
    examples: tuple[str, ...]  # the first few, sorted

    def message(self) -> str:
        shown = ", ".join(self.examples)
        more = self.count - len(self.examples)
        return (f"area `{self.area}` glob `{self.glob}` captures {self.count} "
                f"file{'s' if self.count != 1 else ''} that pytest's conventions call tests "
                f"({shown}{f' and {more} more' if more > 0 else ''}); areas are first-match, "
                f"so list a tests glob before it if they are tests")


def captured_tests(paths: Iterable[str], config: Config, examples: int = 3
                   ) -> list[CapturedTests]:
    """For each (production-like area, glob) pair, the test files it captures because it
    comes first. Pure: paths and configuration in, warnings out (most files first)."""
    compiled = [(name, [(g, compile_globs([g])) for g in globs])
                for name, globs in config.areas]
    hits: dict[tuple[str, str], list[str]] = {}
    for path in paths:
        if not pytest_test_file(path, config):
            continue
        for name, globs in compiled:
            glob = next((g for g, rx in globs if rx is not None and rx.match(path)), None)
            if glob is None:
                continue
            if not test_like(name):
                hits.setdefault((name, glob), []).append(path)
            break
    out = [CapturedTests(area, glob, len(found), tuple(sorted(found)[:examples]))
           for (area, glob), found in hits.items()]
    return sorted(out, key=lambda c: (-c.count, c.area, c.glob))
