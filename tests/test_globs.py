from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from ssotcheck.globs import GlobError, compile_globs, matches


@pytest.mark.parametrize(("path", "pattern", "expected"), [
    ("backup/a.py", "backup/**", True),
    ("backup", "backup/**", True),
    ("src/backup/a.py", "backup/**", False),
    ("a/migrations/0001.py", "**/migrations/**", True),
    ("migrations/0001.py", "**/migrations/**", True),
    ("tests/unit/test_x.py", "tests/**", True),
    ("pkg/test_x.py", "**/test_*.py", True),
    ("test_x.py", "**/test_*.py", True),
    ("pkg/sub/test_x.py", "test_*.py", True),  # no slash: basename at any depth
    ("pkg/xtest_x.py", "test_*.py", False),
    ("pkg/a.py", "pkg/*.py", True),
    ("pkg/sub/a.py", "pkg/*.py", False),
    ("pkg/a1.py", "pkg/a?.py", True),
    ("pkg/ab.py", "pkg/a[0-9].py", False),
    ("pkg/ab.py", "pkg/a[!0-9].py", True),
    ("pkg/x.pyc", "*.py", False),
    ("x.py", "./x.py", True),
])
def test_glob_semantics(path: str, pattern: str, expected: bool) -> None:
    assert matches(path, [pattern]) is expected


def test_bad_glob_raises() -> None:
    with pytest.raises(GlobError):
        compile_globs(["pkg/[abc"])
    with pytest.raises(GlobError):
        compile_globs([""])


@given(st.lists(st.sampled_from(["a", "b", "test_x.py", "c.py"]), min_size=1, max_size=5))
def test_double_star_matches_every_path(parts: list[str]) -> None:
    assert matches("/".join(parts), ["**"])
