"""Bad input (design §8, issue 2's "Done when"): every broken file yields exactly one
SSOT000 with a message that says what is wrong, nothing prints a traceback or hangs,
and every good file around them is still analysed.

The fixture tree is built in tmp_path by the tests themselves: git cannot carry FIFOs,
symlink loops, non-UTF-8 file names or permission bits reliably, and the 10,000-deep
files are cheaper to generate than to store.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ssotcheck.model import FileFacts

from tests.conftest import run_on

DEEP = 10_000
# A 3.12-only f-string: nested quotes of the same kind (PEP 701). This 3.11 host's `ast`
# rejects it; libcst, the parser of record, reads it.
PEP701 = 'GREETING = f"{"hello"!r}"\n'
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06"


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("ssotcheck")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ssotcheck"]


def build_tree(root: Path) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """Write the fixture tree; return bad files (path -> (error kind, message fragment))
    and good files (path -> a class the file defines)."""
    bad: dict[str, tuple[str, str]] = {}
    good: dict[str, str] = {}
    pkg = root / "pkg"
    pkg.mkdir(parents=True)

    def put(rel: str, data: bytes | str) -> Path:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return p

    # ------------------------------------------------------------- good files
    put("pkg/__init__.py", "")
    good["pkg/__init__.py"] = ""
    put("pkg/good.py", "import os\n\nclass GoodOne:\n    x = 1\n")
    good["pkg/good.py"] = "GoodOne"
    put("pkg/modern.py", PEP701 + "\nclass Modern312:\n    label = f'{GREETING['x']}'\n")
    good["pkg/modern.py"] = "Modern312"
    put("pkg/generic.py", "type Pair = tuple[int, int]\n\ndef first[T](x: list[T]) -> T:\n"
                          "    return x[0]\n\nclass Box[T]:\n    item: T\n")
    good["pkg/generic.py"] = "Box"
    put("pkg/latin1.py", "# -*- coding: latin-1 -*-\nNAME = 'caf\xe9'\nclass Latin:\n    pass\n"
        .encode("latin-1"))
    good["pkg/latin1.py"] = "Latin"
    put("pkg/bom.py", b"\xef\xbb\xbfclass WithBom:\n    pass\n")
    good["pkg/bom.py"] = "WithBom"
    put("pkg/crlf.py", b"class Crlf:\r\n    x = 1\r\n")
    good["pkg/crlf.py"] = "Crlf"
    # Deep, but not for `ast`: a BoolOp chain is flat in the ast, so this is analysed.
    put("pkg/long_chain.py", "x = " + "a and " * DEEP + "a\nclass LongChain:\n    pass\n")
    good["pkg/long_chain.py"] = "LongChain"
    put("d/inside.py", "class InsideLoopDir:\n    pass\n")
    good["d/inside.py"] = "InsideLoopDir"
    # A directory symlink loop: d/sub -> d/.. would make a naive walk recurse forever.
    os.symlink("..", root / "d" / "sub")

    # -------------------------------------------------------------- bad files
    put("pkg/bad_utf8.py", b"x = 'caf\xe9'\nclass NeverSeen1:\n    pass\n")
    bad["pkg/bad_utf8.py"] = ("encoding", "invalid utf-8 at line 1")
    put("pkg/unknown_codec.py", b"# coding: klingon\nx = 1\n")
    bad["pkg/unknown_codec.py"] = ("encoding", "unknown source encoding 'klingon'")
    put("pkg/nul.py", b"x = 1\ny = 2\x00\nclass NeverSeen2:\n    pass\n")
    bad["pkg/nul.py"] = ("nul-byte", "NUL byte at line 2")
    put("pkg/image.py", PNG_HEADER + bytes(range(256)) * 8)
    bad["pkg/image.py"] = ("binary", "binary file")
    put("pkg/noise.py", random.Random(7).randbytes(4096))
    bad["pkg/noise.py"] = ("binary", "binary file")
    put("pkg/syntax.py", "class Fine:\n    pass\n\ndef broken(:\n    pass\n")
    bad["pkg/syntax.py"] = ("syntax", "syntax error")
    deep_shapes = {
        "parens": "x = " + "(" * DEEP + "1" + ")" * DEEP + "\n",
        "lists": "x = " + "[" * DEEP + "]" * DEEP + "\n",
        "plus": "x = " + "1+" * DEEP + "1\n",
        "unary": "x = " + "-" * DEEP + "1\n",
        "attrs": "x = a" + ".b" * DEEP + "\n",
        "calls": "x = f" + "()" * DEEP + "\n",
        "nested_calls": "x = " + "f(" * DEEP + ")" * DEEP + "\n",
        "subscripts": "x = a" + "[0]" * DEEP + "\n",
        "power": "x = " + "2**" * DEEP + "2\n",
        "lambdas": "x = " + "lambda: " * DEEP + "1\n",
        # 3.12 syntax sends these past `ast` towards libcst, which must not get them:
        # its native parser crashes or runs for minutes at this depth.
        "py312_plus": PEP701 + "y = " + "1+" * DEEP + "1\n",
        "py312_and": PEP701 + "y = " + "a and " * DEEP + "a\n",
        "py312_attrs": PEP701 + "y = a" + ".b" * DEEP + "\n",
    }
    for name, src in deep_shapes.items():
        put(f"pkg/deep_{name}.py", src)
        bad[f"pkg/deep_{name}.py"] = ("too-deep", "too deep")
    indent = "".join(" " * i + "if x:\n" for i in range(120)) + " " * 120 + "pass\n"
    put("pkg/deep_blocks.py", indent)
    bad["pkg/deep_blocks.py"] = ("too-deep", "too many levels of indentation")
    # Over the fallback's size limit and only parseable by libcst: a clear message,
    # rather than a minute of libcst and a gigabyte of memory.
    put("pkg/huge_py312.py", PEP701 + "X = 1\n" * 200_000)
    bad["pkg/huge_py312.py"] = ("too-large", "the fallback parser only reads files up to")
    os.symlink("missing.py", pkg / "broken_link.py")
    bad["pkg/broken_link.py"] = ("unreadable", "broken symlink")
    os.symlink("loop.py", pkg / "loop.py")
    bad["pkg/loop.py"] = ("unreadable", "symlink loop")
    os.mkfifo(pkg / "fifo.py")  # opening it for reading would block forever
    bad["pkg/fifo.py"] = ("unreadable", "not a regular file")
    (pkg / "named\udcff.py").write_bytes(b"class NeverSeen3:\n    pass\n")  # b"named\xff.py"
    bad["pkg/named\\xff.py"] = ("unreadable", "file name is not valid UTF-8")
    return bad, good


def _parse_errors(findings) -> dict[str, list[str]]:  # noqa: ANN001 - Finding tuple
    out: dict[str, list[str]] = {}
    for f in findings:
        if f.rule == "SSOT000":
            out.setdefault(f.path, []).append(f.message)
    return out


def _assert_good_analysed(files: dict[str, FileFacts], good: dict[str, str]) -> None:
    for rel, cls in sorted(good.items()):
        facts = files.get(rel)
        assert facts is not None, f"{rel} was not analysed"
        assert facts.error is None, f"{rel}: {facts.error}"
        if cls:
            assert cls in {c.name for c in facts.classes}, f"{rel} lost class {cls}"


def _assert_bad_reported(errors: dict[str, list[str]], bad: dict[str, tuple[str, str]]) -> None:
    assert sorted(errors) == sorted(bad)
    for rel, (kind, fragment) in sorted(bad.items()):
        assert len(errors[rel]) == 1, f"{rel}: {errors[rel]}"
        (message,) = errors[rel]
        assert f"({kind})" in message and fragment in message, f"{rel}: {message}"


@pytest.fixture
def bad_tree(tmp_path: Path) -> tuple[Path, dict[str, tuple[str, str]], dict[str, str]]:
    root = tmp_path / "proj"
    bad, good = build_tree(root)
    return root, bad, good


@pytest.mark.parametrize("jobs", [1, 2])
def test_pipeline_reports_one_parse_error_per_bad_file(
        bad_tree: tuple[Path, dict[str, tuple[str, str]], dict[str, str]], jobs: int,
        capfd: pytest.CaptureFixture[str]) -> None:
    root, bad, good = bad_tree
    result = run_on(root, jobs=jobs)
    _assert_bad_reported(_parse_errors(result.findings), bad)
    _assert_good_analysed(result.index.files, good)
    assert result.index.files["pkg/modern.py"].parser == "libcst"
    assert result.index.files["pkg/generic.py"].parser == "libcst"
    assert "Pair" not in result.index.files["pkg/generic.py"].constants
    assert result.stats.files_failed == len(bad)
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Warning" not in err


def test_bad_files_lower_the_score_but_not_below_zero(
        bad_tree: tuple[Path, dict[str, tuple[str, str]], dict[str, str]]) -> None:
    root, bad, good = bad_tree
    result = run_on(root)
    assert result.scores.files == len(bad) + len(good)
    assert result.scores.files_with_violations == len(bad)
    assert 0 < result.scores.overall < 100


def _run_cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(_cli() + args, cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=env, errors="replace")


def test_cli_reports_bad_files_without_traceback(
        bad_tree: tuple[Path, dict[str, tuple[str, str]], dict[str, str]]) -> None:
    root, bad, good = bad_tree
    proc = _run_cli(["check", str(root), "--format", "json", "--no-cache"], cwd=root.parent)
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    assert proc.returncode == 1, proc.stderr  # SSOT000 is an error finding: the gate fails
    doc = json.loads(proc.stdout)
    errors: dict[str, list[str]] = {}
    for f in doc["findings"]:
        if f["rule"] == "SSOT000":
            errors.setdefault(f["path"], []).append(f["message"])
    _assert_bad_reported(errors, bad)
    assert doc["files_analyzed"] == len(good)

    text = _run_cli(["check", str(root), "--jobs", "2"], cwd=root)
    assert "Traceback" not in text.stderr and text.returncode == 1, text.stderr
    lines = [ln for ln in text.stdout.splitlines() if " SSOT000 " in ln]
    assert sorted(ln.split(":", 1)[0] for ln in lines) == sorted(bad)

    # `report` shows the same problems but is not a gate.
    report = _run_cli(["report", str(root), "--no-cache"], cwd=root)
    assert report.returncode == 0 and "Traceback" not in report.stderr, report.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_work_tree_variant(tmp_path: Path) -> None:
    """Inside a git work tree discovery asks `git ls-files`: tracked and untracked files
    alike must be reported the same way."""
    root = tmp_path / "repo"
    bad, good = build_tree(root)
    git = ["git", "-c", "init.defaultBranch=main", "-c", "core.quotepath=off"]
    subprocess.run(git + ["init", "-q", str(root)], check=True, capture_output=True)
    tracked = [p for p in sorted(bad) + sorted(good)
               if p not in ("pkg/fifo.py", "pkg/named\\xff.py")]
    subprocess.run(git + ["add", "--", *tracked], cwd=root, check=True, capture_output=True)
    (root / "pkg" / "untracked.py").write_text("class Untracked:\n    pass\n", encoding="utf-8")
    good["pkg/untracked.py"] = "Untracked"
    (root / ".gitignore").write_text("ignored.py\n", encoding="utf-8")
    (root / "pkg" / "ignored.py").write_bytes(b"\xff\xfe broken but ignored")

    # git lists neither FIFOs nor anything it ignores; everything else it does list.
    expected_bad = {k: v for k, v in bad.items() if k != "pkg/fifo.py"}
    for jobs in (1, 2):
        result = run_on(root, jobs=jobs)
        _assert_bad_reported(_parse_errors(result.findings), expected_bad)
        _assert_good_analysed(result.index.files, good)
        assert "pkg/ignored.py" not in result.index.files
    proc = _run_cli(["check", ".", "--no-cache", "-q"], cwd=root)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "pkg/loop.py" in proc.stdout and "pkg/deep_parens.py" in proc.stdout


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="running as root: chmod 000 does not stop root from reading, so "
                           "the broken-symlink case stands in for an unreadable file")
def test_permission_denied_file(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "ok.py").write_text("class Readable:\n    pass\n", encoding="utf-8")
    locked = root / "locked.py"
    locked.write_text("class Locked:\n    pass\n", encoding="utf-8")
    locked.chmod(0)
    try:
        result = run_on(root)
    finally:
        locked.chmod(stat.S_IRUSR | stat.S_IWUSR)
    errors = _parse_errors(result.findings)
    assert list(errors) == ["locked.py"]
    assert "(unreadable)" in errors["locked.py"][0] and "ermission" in errors["locked.py"][0]
    _assert_good_analysed(result.index.files, {"ok.py": "Readable"})


def test_five_megabyte_generated_module_is_analysed(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    rows = "".join(f"    ('name_{i}', {i}, {i * 0.5!r}, None),\n" for i in range(130_000))
    (root / "generated.py").write_text(f"TABLE = [\n{rows}]\n\nclass Generated:\n    pass\n",
                                       encoding="utf-8")
    assert (root / "generated.py").stat().st_size > 5 * 1024 * 1024
    result = run_on(root)
    facts = result.index.files["generated.py"]
    assert facts.error is None and [c.name for c in facts.classes] == ["Generated"]
    assert not _parse_errors(result.findings)


def test_broken_config_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "a.py").write_text("x = 1\n", encoding="utf-8")
    (root / "ssotcheck.toml").write_text("exclude = [unterminated\n", encoding="utf-8")
    proc = _run_cli(["check", "."], cwd=root)
    assert proc.returncode == 2, proc
    assert "Traceback" not in proc.stderr and "ssotcheck.toml" in proc.stderr
    assert "invalid TOML" in proc.stderr
