"""Extraction details: decoding, line counts, suppressions, the guard that keeps deep
files away from libcst, and the error kinds `extract` reports."""

from __future__ import annotations

import ast
import random
import subprocess
import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssotcheck.index.extract import LIBCST_MAX_DEPTH, expression_depth_estimate, extract
from ssotcheck.index.options import ExtractOptions
from ssotcheck.index import source
from ssotcheck.index.source import decode_source, line_count, suppressions

OPTIONS = ExtractOptions(banned=("os.environ",))
PEP701 = 'G = f"{"x"!r}"\n'  # parses on 3.12+, not on a 3.11 host


# ------------------------------------------------------------------ decoding


@pytest.mark.parametrize(("data", "text"), [
    (b"x = 1\n", "x = 1\n"),
    (b"\xef\xbb\xbfx = 1\n", "x = 1\n"),  # BOM dropped
    ("# -*- coding: latin-1 -*-\nx = 'é'\n".encode("latin-1"),
     "# -*- coding: latin-1 -*-\nx = 'é'\n"),
    ("#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nx = '€'\n".encode("cp1252"),
     "#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nx = '€'\n"),
])
def test_decode_source_good(data: bytes, text: str) -> None:
    assert decode_source(data) == (text, None)


@pytest.mark.parametrize(("data", "kind", "fragment", "line"), [
    (b"x = 1\ny = '\xff'\n", "encoding", "invalid utf-8 at line 2", 2),
    (b"# coding: nope\n", "encoding", "unknown source encoding 'nope'", 1),
    (b"x = 1\n\ny = 2\x00\n", "nul-byte", "NUL byte at line 3", 3),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary", "binary file", 1),
    # A cookie below line 2 does not count (PEP 263): this is still UTF-8, and invalid.
    (b"\n\n# coding: latin-1\nx = '\xe9'\n", "encoding", "invalid utf-8 at line 4", 4),
])
def test_decode_source_bad(data: bytes, kind: str, fragment: str, line: int) -> None:
    text, err = decode_source(data)
    assert text is None and err is not None
    assert (err.kind, err.line) == (kind, line) and fragment in err.message


def test_too_large_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source, "MAX_FILE_BYTES", 1000)
    facts = extract("big.py", b"x = 1\n" * 1000, OPTIONS)
    assert facts.error is not None and facts.error.kind == "too-large"
    assert "limit is" in facts.error.message


@pytest.mark.parametrize(("text", "lines"), [
    ("", 0), ("x", 1), ("x\n", 1), ("x\ny", 2), ("x\r\ny\r\n", 2), ("x\ry\r", 2),
    ("x\n\n", 2), ("\n", 1),
])
def test_line_count(text: str, lines: int) -> None:
    assert line_count(text) == lines


def test_lines_agree_for_parsed_and_failed_files() -> None:
    good = extract("a.py", b"x = 1\ny = 2\n", OPTIONS)
    bad = extract("b.py", b"x = 1\ny = (\n", OPTIONS)
    assert good.lines == bad.lines == 2


# -------------------------------------------------------------- suppressions


def test_suppressions() -> None:
    text = ("x = 1  # ssotcheck: ignore\n"
            "y = 2  # ssotcheck: ignore[SSOT201, SSOT101]\n"
            "z = 3  # noqa: SSOT203\n"
            "w = 4  # noqa: E501\n"
            "# ssotcheck: ignore-file\n")
    assert [(s.line, s.codes, s.file_level, s.style) for s in suppressions(text)] == [
        (1, (), False, "ssotcheck"), (2, ("SSOT101", "SSOT201"), False, "ssotcheck"),
        (3, ("SSOT203",), False, "noqa"), (5, (), True, "ssotcheck")]
    assert suppressions("x = 1\n") == ()


# ---------------------------------------------------------- facts (ast path)


def test_statements_are_collected_in_source_order() -> None:
    facts = extract("m.py", b"import b\nimport a\n__all__ = ['x']\n__all__ += ['y']\n"
                            b"class Z:\n    class Inner:\n        pass\nclass A:\n    pass\n"
                            b"def z(): pass\ndef a(): pass\n", OPTIONS)
    assert [i.module for i in facts.imports] == ["b", "a"]
    assert facts.all_names == ("x", "y")
    assert [c.qualname for c in facts.classes] == ["Z", "Z.Inner", "A"]
    assert [f.name for f in facts.functions] == ["z", "a"]


def test_non_ascii_columns_are_characters_not_bytes() -> None:
    line1, line2 = "ä = 'ö'; import os", "x = {'ü': 1, 'type': 'é'}; os.environ"
    facts = extract("m.py", f"{line1}\n{line2}\n".encode(), OPTIONS)
    (imp,) = facts.imports
    assert (imp.span.column, imp.span.end_column) == (line1.index("os"), len(line1))
    (use,) = facts.name_uses
    assert (use.span.line, use.span.column) == (2, line2.index("os.environ"))
    (d,) = facts.dict_literals
    assert (d.span.column, d.span.end_column) == (line2.index("{"), line2.index("}") + 1)


def test_syntax_error_column_is_a_character_offset() -> None:
    facts = extract("m.py", "x = 'éééé' +* 1\n".encode(), OPTIONS)
    assert facts.error is not None and facts.error.kind == "syntax"
    assert (facts.error.line, facts.error.column) == (1, 12)


def test_invalid_escape_warnings_stay_quiet() -> None:
    """The analysed project's invalid escapes are not ssotcheck's output."""
    code = ("import warnings, sys\nwarnings.simplefilter('always')\n"
            "from ssotcheck.index.extract import extract\nfrom ssotcheck.index.options import ExtractOptions\n"
            "extract('a.py', b'x = \"\\\\d\"\\n', ExtractOptions())\n"
            "extract('b.py', b'x = \"\\\\d\"\\nG = f\"{\"x\"}\"\\n', ExtractOptions())\n")
    proc = subprocess.run([sys.executable, "-W", "always", "-c", code], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""


def test_valid_files_never_import_libcst() -> None:
    """libcst costs 0.2 s to import; a run over code the host parses must not pay it."""
    code = ("import sys\nfrom ssotcheck import pipeline, cli\n"
            "from ssotcheck.index.extract import extract\nfrom ssotcheck.index.options import ExtractOptions\n"
            "extract('a.py', b'import os\\nclass A: pass\\n', ExtractOptions())\n"
            "print('libcst' in sys.modules)\n"
            "extract('b.py', b'G = f\"{\"x\"}\"\\n', ExtractOptions())\n"
            "print('libcst' in sys.modules)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.stdout.split() == ["False", "True"], proc.stderr


def test_libcst_fallback_failure_is_contained(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in the fallback costs one file (reported), never the whole run."""
    from ssotcheck.index import extract_cst

    def boom(*args: object, **kwargs: object) -> None:
        raise KeyError("simulated bug")

    monkeypatch.setattr(extract_cst, "facts_from_cst", boom)
    facts = extract("m.py", PEP701.encode(), OPTIONS)
    assert facts.error is not None and facts.error.kind == "internal"
    assert "simulated bug" in facts.error.message and "please report" in facts.error.message


def test_huge_integer_literal_does_not_break_the_fallback() -> None:
    # The host rejects a 5,000-digit literal at parse time; libcst does not, and then
    # evaluating it raises ValueError, which must not escape.
    src = PEP701 + "class Big:\n    N = " + "9" * 5000 + "\n"
    facts = extract("m.py", src.encode(), OPTIONS)
    assert facts.error is None and facts.parser == "libcst"
    (cls,) = facts.classes
    assert cls.members[0].name == "N" and cls.members[0].value == "<expr>"


UNDER_IF = ("class Chunk:\n    id = 1\n    if CRYPTO:\n        text = b''\n"
            "    elif OTHER:\n        if TYPE_CHECKING:\n            meta: dict\n"
            "    else:\n        text = ''\n        def decrypt(self): ...\n"
            "    def close(self): ...\n")
UNDER_TRY = ("class Loader:\n    try:\n        import fast\n        speed = 2\n"
             "    except ImportError:\n        speed = 1\n"
             "        def fallback(self): ...\n    else:\n        mode = 'fast'\n"
             "    finally:\n        ready: bool = True\n")


@pytest.mark.parametrize("prefix", ["", PEP701])  # the ast path and the libcst path
@pytest.mark.parametrize("body, members", [
    (UNDER_IF, [("id", "assign"), ("text", "assign"), ("meta", "field"), ("text", "assign"),
                ("decrypt", "method"), ("close", "method")]),
    (UNDER_TRY, [("speed", "assign"), ("speed", "assign"), ("fallback", "method"),
                 ("mode", "assign"), ("ready", "field")]),
])
def test_members_under_an_if_or_a_try_in_a_class_body_are_members(
        prefix: str, body: str, members: list[tuple[str, str]]) -> None:
    facts = extract("m.py", (prefix + body).encode(), OPTIONS)
    assert facts.error is None and facts.parser == ("libcst" if prefix else "ast")
    (cls,) = facts.classes
    assert [(m.name, m.kind) for m in cls.members] == members


# ------------------------------------------------------------ the depth guard


def test_depth_estimate_ignores_strings_and_comments_but_not_fstrings() -> None:
    prose = '"""' + "a. b. c - d + e. " * 500 + '"""\n# ' + "x." * 500 + "\n"
    assert expression_depth_estimate(prose) == 0
    assert expression_depth_estimate("x = [" + "1, " * 5000 + "]\n") == 2  # siblings
    fstring_parens = 'x = f"{' + "(" * 200 + "1" + ")" * 200 + '}"\n'
    assert expression_depth_estimate(fstring_parens) >= 400
    assert expression_depth_estimate("if a:\n    pass\n" + "elif b:\n    pass\n" * 400) >= 400
    assert expression_depth_estimate("x = f" + "()" * 400) >= 400


CHAINS = {
    "parens": lambda n: "(" * n + "1" + ")" * n,
    "lists": lambda n: "[" * n + "]" * n,
    "plus": lambda n: "1" + "+1" * n,
    "and": lambda n: "a" + " and a" * n,
    "unary": lambda n: "-" * n + "1",
    "attrs": lambda n: "a" + ".b" * n,
    "calls": lambda n: "f" + "()" * n,
    "nested_calls": lambda n: "f(" * n + ")" * n,
    "subscripts": lambda n: "a" + "[0]" * n,
    "power": lambda n: "2" + "**2" * n,
    "lambdas": lambda n: "lambda: " * n + "1",
    "ternaries": lambda n: "1 if a else " * n + "1",
    "strings": lambda n: '"a" ' * n,
    "fstrings": lambda n: 'f"{' * n + "1" + '}"' * n,
}


def _largest_allowed(shape: str) -> int:
    lo, hi = 1, 5000
    while lo < hi:  # the estimate grows with n: bisect for the boundary
        mid = (lo + hi + 1) // 2
        if expression_depth_estimate(PEP701 + "y = " + CHAINS[shape](mid) + "\n") <= LIBCST_MAX_DEPTH:
            lo = mid
        else:
            hi = mid - 1
    return lo


@pytest.mark.parametrize("shape", sorted(CHAINS))
def test_guard_boundary_is_safe_for_libcst(shape: str) -> None:
    """Right at the guard's limit libcst still copes (no crash, no minutes-long parse);
    at 10,000 levels the file is refused before libcst sees it."""
    n = _largest_allowed(shape)
    assert n >= 50  # the guard is not so strict that ordinary code would trip it
    src = PEP701 + "class Marker:\n    pass\ny = " + CHAINS[shape](n) + "\n"
    started = time.perf_counter()
    facts = extract("m.py", src.encode(), OPTIONS)
    elapsed = time.perf_counter() - started
    assert facts.error is None or facts.error.kind == "too-deep", facts.error
    if facts.error is None:
        assert facts.parser == "libcst" and [c.name for c in facts.classes] == ["Marker"]
    assert elapsed < 60
    deep = extract("m.py", (PEP701 + "y = " + CHAINS[shape](10_000) + "\n").encode(), OPTIONS)
    assert deep.error is not None and deep.error.kind == "too-deep", deep.error


def _ast_depth(node: ast.AST) -> int:
    best = 0
    stack = [(node, 0)]
    while stack:
        cur, depth = stack.pop()
        depth += isinstance(cur, ast.expr)
        best = max(best, depth)
        stack.extend((child, depth) for child in ast.iter_child_nodes(cur))
    return best


_WRAPPERS = [
    "-{0}", "not {0}", "({0})", "[{0}]", "({0}).attr", "f({0})", "g(k={0})", "a[{0}]",
    "a[{0}:]", "{{{0}: {1}}}", "(lambda: {0})", "({0} if a else {1})", "[v for v in {0}]",
    "f'{{{0}}}'", "({0}, {1})", "{0} + {1}", "{0} * {1}", "{0} and {1}", "{0} < {1}",
    "{0} ** {1}", "{0} | {1}",
]
_LEAVES = ["a", "1", "'s'", "f'{a}'", "None", "x.y"]


def _random_expression(seed: int, size: int) -> str:
    """A random expression of about `size` constructs. Built from a seed rather than with
    st.recursive, whose generation is pathologically slow for a grammar this wide."""
    rnd = random.Random(seed)

    def build(budget: int) -> str:
        if budget <= 0:
            return rnd.choice(_LEAVES)
        template = rnd.choice(_WRAPPERS)
        if "{1}" in template:
            left = rnd.randint(0, budget - 1)
            return template.format(build(left), build(budget - 1 - left))
        return template.format(build(budget - 1))

    return build(size)


@settings(max_examples=400, deadline=None)
@given(st.integers(0, 2**32), st.integers(0, 80))
def test_depth_estimate_bounds_the_real_nesting(seed: int, size: int) -> None:
    """The guard is only sound if it never underestimates: on any expression, it is at
    least the depth of Python's own tree (less the leaf and an unparenthesised tuple)."""
    src = f"x = {_random_expression(seed, size)}\n"
    try:
        tree = ast.parse(src)
    except SyntaxError:
        return  # f-string quote clashes the 3.11 grammar refuses
    assert expression_depth_estimate(src) + 2 >= _ast_depth(tree)


@pytest.mark.parametrize("src", [
    "x = {f'{a}' + 1: 1 ** None} ** None + x.y\n",  # found by the property test above
    "x = (f'{a}', 1) + 2 + 3\n",
    "x = f'{a.b.c}' + 1 + 2 + 3\n",
])
def test_depth_estimate_counts_operators_after_an_fstring(src: str) -> None:
    # Operators after an f-string (or after the bracket holding it) nest it deeper.
    assert expression_depth_estimate(src) + 2 >= _ast_depth(ast.parse(src))


@pytest.mark.parametrize("text, line", [
    ("x = 1\n# a\x0cb\nimport os  # noqa: SSOT203\n", 3),  # form feed is not a line break
    ("x = 1\n'\u2028'\nimport os  # noqa: SSOT203\n", 3),  # nor is U+2028
    ("x = 1\r\nimport os  # noqa: SSOT203\r\n", 2),
    ("x = 1\rimport os  # noqa: SSOT203\r", 2),  # old Mac endings are
])
def test_suppression_lines_are_counted_like_python_counts_them(text: str, line: int) -> None:
    assert [(s.line, s.codes) for s in suppressions(text)] == [(line, ("SSOT203",))]
    stmt = ast.parse(text).body[-1]
    assert stmt.lineno == line


def test_statement_bindings_equal_the_full_walk_on_every_function_here() -> None:
    """The walrus-free fast path of the shadowing check sees the same local names as the
    walk over every node, on each function of this repository and its fixtures."""
    import ast as _ast
    import warnings as _warnings

    from ssotcheck.index.extract import scope_bindings, statement_bindings

    from pathlib import Path as _Path

    repo = _Path(__file__).resolve().parent.parent
    checked = 0
    for path in sorted([*repo.glob("ssotcheck/**/*.py"), *repo.glob("tests/**/*.py"),
                        *repo.glob("benchmarks/**/*.py")]):
        text = path.read_text(encoding="utf-8", errors="replace")
        if ":=" in text:
            continue
        try:
            with _warnings.catch_warnings():
                _warnings.simplefilter("ignore")
                tree = _ast.parse(text)
        except (SyntaxError, ValueError):
            continue
        for node in _ast.walk(tree):
            if isinstance(node, (_ast.FunctionDef, _ast.AsyncFunctionDef)):
                assert statement_bindings(node) == scope_bindings(node), \
                    f"{path.relative_to(repo)}:{node.lineno}"
                checked += 1
    assert checked > 1000
