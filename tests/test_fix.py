"""`ssotcheck fix`: golden files, idempotence, atomic writes, formatting preservation."""

from __future__ import annotations

import ast
import difflib
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

from ssotcheck.cli import main
from ssotcheck.atomic import TEMP_SUFFIX

from conftest import FIXTURES, run_on

CASES = sorted(p for p in (FIXTURES / "fix").iterdir() if p.is_dir())


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and ".ssotcheck_cache" not in p.parts}


def fix(root: Path, *args: str) -> int:
    return main(["fix", "--no-cache", *args, str(root)])


def legacy_findings(root: Path, rules: tuple[str, ...] = ("SSOT201",)) -> list:
    return [f for f in run_on(root).findings if f.rule in rules and f.fix is not None]


# ------------------------------------------------------------------- golden files


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden(case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    meta = tomllib.loads((case / "case.toml").read_text(encoding="utf-8"))
    root = tmp_path / "proj"
    shutil.copytree(case / "input", root)
    expected = tree(case / "expected")

    assert fix(root, *meta["args"]) == meta["exit"]
    after = tree(root)
    assert after == expected, "\n".join(difflib.unified_diff(
        [l for k in sorted(expected) for l in expected[k].decode().splitlines()],
        [l for k in sorted(after) for l in after[k].decode().splitlines()], lineterm=""))
    for rel, data in after.items():
        if rel.endswith(".py"):
            ast.parse(data)  # the result parses

    # Idempotent: a second run changes nothing and exits the same way.
    assert fix(root, *meta["args"]) == meta["exit"]
    assert tree(root) == expected

    # A re-check agrees: nothing fixable is left unless the case says it must be.
    left = legacy_findings(root, ("SSOT201", "SSOT202", "SSOT205"))
    assert (len(left) == 0) == (meta["exit"] == 0)
    out = capsys.readouterr()
    assert "Traceback" not in out.err


def test_golden_cases_cover_what_the_issue_lists() -> None:
    """Guard against a golden case silently losing its point."""
    spellings = (FIXTURES / "fix/spellings/input/app/websocket/handlers.py").read_text()
    for spelling in ("import app.websocket.manager as mgr", "from app.websocket import manager",
                     "from .manager import", "from . import manager as", "if TYPE_CHECKING:",
                     "except ImportError", "def handle():\n    from app.legacy.tools import (",
                     "if True: from app.legacy import helpers"):
        assert spelling in spellings
    assert {"spellings", "split", "merge", "merge_safe", "attribute_uses",
            "attribute_uses_refused", "names_and_stars", "dangling_safe", "dangling_unsafe",
            "dangling_unsafe_applied", "dangling_ambiguous"} <= {c.name for c in CASES}
    dangling = (FIXTURES / "fix/dangling_safe/input/app/services/runner.py").read_text()
    for spelling in ("from app.core import (", "from ..core import", "import app.factory as",
                     "from app import factory as", "if TYPE_CHECKING:",
                     "def run() -> object:\n    from app.factory import"):
        assert spelling in dangling


# ----------------------------------------------------------------------- --diff


def test_diff_prints_unified_diff_and_writes_nothing(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    case = FIXTURES / "fix" / "split"
    root = tmp_path / "proj"
    shutil.copytree(case / "input", root)
    before = tree(root)

    assert fix(root, "--diff") == 0
    out = capsys.readouterr()
    assert tree(root) == before
    old = (case / "input/shop/views.py").read_text().splitlines(keepends=True)
    new = (case / "expected/shop/views.py").read_text().splitlines(keepends=True)
    assert out.out == "".join(difflib.unified_diff(old, new, "a/shop/views.py",
                                                   "b/shop/views.py"))
    # The summary goes to stderr so the diff can be piped into `git apply`.
    assert "would fix 9 of 9 fixable findings in 1 file" in out.err


def test_diff_exit_code_when_some_fixes_need_unsafe(make_project, capsys) -> None:
    root = make_project({"pkg/__init__.py": "", "pkg/a.py": "import pkg.old\n"}, config="""
        [tool.ssotcheck.legacy-imports]
        "pkg.old" = "pkg.new"
    """)
    assert fix(root, "--diff") == 1
    err = capsys.readouterr().err
    assert "pkg/a.py:1:8: SSOT201 not fixed, the fix is unsafe (use --unsafe-fixes)" in err
    assert fix(root, "--diff", "--unsafe-fixes") == 0
    assert (root / "pkg/a.py").read_text() == "import pkg.old\n"


# ----------------------------------------------------------------- atomic writes


def _three_files(make_project) -> tuple[Path, list[Path]]:
    files = {"pkg/__init__.py": ""}
    for name in ("a", "b", "c"):
        files[f"pkg/{name}.py"] = f"from pkg.old import thing_{name}\n"
    root = make_project(files, config="""
        [tool.ssotcheck.legacy-imports]
        "pkg.old" = "pkg.new"
    """)
    return root, [root / f"pkg/{n}.py" for n in ("a", "b", "c")]


def _no_temp_files(root: Path) -> bool:
    return not [p for p in root.rglob("*") if p.name.endswith(TEMP_SUFFIX)]


def test_failed_write_leaves_that_file_old_and_the_others_new(make_project, monkeypatch,
                                                              capsys) -> None:
    root, paths = _three_files(make_project)
    real_replace = os.replace
    calls = []

    def flaky_replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky_replace)
    assert fix(root) == 1
    texts = [p.read_text() for p in paths]
    assert texts == ["from pkg.new import thing_a\n", "from pkg.old import thing_b\n",
                     "from pkg.new import thing_c\n"]
    out = capsys.readouterr().out
    assert "pkg/b.py: left untouched (1 finding on line 1): cannot write:" in out
    assert "fixed 2 of 3 fixable findings in 2 files; 1 file left untouched" in out
    assert _no_temp_files(root)


def test_interrupted_run_leaves_each_file_old_or_new(make_project, monkeypatch, capsys) -> None:
    root, paths = _three_files(make_project)
    real_replace = os.replace
    calls = []

    def interrupted(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", interrupted)
    assert fix(root) == 130
    assert [p.read_text() for p in paths] == [
        "from pkg.new import thing_a\n", "from pkg.old import thing_b\n",
        "from pkg.old import thing_c\n"]
    assert _no_temp_files(root)
    monkeypatch.setattr(os, "replace", real_replace)
    assert fix(root) == 0  # the next run finishes the job
    assert all(p.read_text().startswith("from pkg.new import") for p in paths)


def test_killed_process_leaves_each_file_old_or_new(make_project) -> None:
    """SIGKILL (no cleanup handlers run) while the 2nd file is being replaced."""
    root, paths = _three_files(make_project)
    old = {p: p.read_text() for p in paths}
    script = textwrap.dedent(f"""
        import os, signal, sys
        real = os.replace
        calls = []
        def replace(src, dst):
            calls.append(dst)
            if len(calls) == 2:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(src, dst)
        os.replace = replace
        from ssotcheck.cli import main
        sys.exit(main(["fix", "--no-cache", {str(root)!r}]))
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL
    states = []
    for p in paths:
        text = p.read_text()
        assert text in (old[p], old[p].replace("pkg.old", "pkg.new"))
        states.append("new" if "pkg.new" in text else "old")
    assert states == ["new", "old", "old"]
    # A leftover temporary file is never mistaken for source, and a re-run completes.
    assert not [p for p in root.rglob("*.py") if p.name.startswith(".")]
    assert not legacy_findings(root) or fix(root) == 0
    assert not legacy_findings(root)


# ------------------------------------------------------- formatting preservation


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_newlines_bom_and_tabs_are_kept(make_project, newline: str) -> None:
    body = ("# -*- coding: utf-8 -*-", "import sys", "from pkg.old import (",
            "\tname,  # café", ")", "", "", "def f():", "\tfrom pkg.old import other",
            "\treturn name, other, sys", "")
    raw = "\ufeff".encode("utf-8") + newline.join(body).encode("utf-8")
    root = make_project({"pkg/__init__.py": "", "pkg/a.py": raw}, config="""
        [tool.ssotcheck.legacy-imports]
        "pkg.old" = "pkg.new"
    """)
    assert fix(root) == 0
    assert (root / "pkg/a.py").read_bytes() == raw.replace(b"pkg.old", b"pkg.new")


def test_latin1_source_is_written_back_in_latin1(make_project) -> None:
    raw = "# -*- coding: latin-1 -*-\nfrom pkg.old import x  # señor\n".encode("latin-1")
    root = make_project({"pkg/__init__.py": "", "pkg/a.py": raw}, config="""
        [tool.ssotcheck.legacy-imports]
        "pkg.old" = "pkg.new"
    """)
    assert fix(root) == 0
    assert (root / "pkg/a.py").read_bytes() == raw.replace(b"pkg.old", b"pkg.new")


def test_permissions_and_symlinks_are_kept(make_project) -> None:
    root = make_project({"pkg/__init__.py": "", "pkg/real.py": "from pkg.old import x\n"},
                        config="""
        [tool.ssotcheck.legacy-imports]
        "pkg.old" = "pkg.new"
    """)
    real = root / "pkg/real.py"
    real.chmod(0o750)
    link = root / "pkg/link.py"
    link.symlink_to("real.py")
    assert fix(root) == 0
    assert real.read_text() == "from pkg.new import x\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o750
    assert link.is_symlink() and link.read_text() == "from pkg.new import x\n"


# --------------------------------------------------------------- safety & scope


def test_file_changed_after_analysis_is_left_alone(make_project, monkeypatch, capsys) -> None:
    import ssotcheck.runner as runner

    root = make_project({"pkg/__init__.py": "", "pkg/a.py": "from pkg.old import x\n"},
                        config="""
        [tool.ssotcheck.legacy-imports]
        "pkg.old" = "pkg.new"
    """)
    real = runner.run_pipeline

    def run_then_edit(*args, **kwargs):
        result = real(*args, **kwargs)
        (root / "pkg/a.py").write_text("# edited meanwhile\nfrom pkg.old import x\n")
        return result

    monkeypatch.setattr(runner, "run_pipeline", run_then_edit)
    assert fix(root) == 1
    assert (root / "pkg/a.py").read_text() == "# edited meanwhile\nfrom pkg.old import x\n"
    assert "changed after it was analysed" in capsys.readouterr().out


def test_rewrite_that_does_not_recheck_clean_is_refused(make_project, monkeypatch,
                                                        capsys) -> None:
    import ssotcheck.fix as fixmod
    from ssotcheck.fix.imports import FileFix

    root = make_project({"pkg/__init__.py": "", "pkg/a.py": "from pkg.old import x\n",
                         "pkg/b.py": "from pkg.old import y\n"}, config="""
        [tool.ssotcheck.legacy-imports]
        "pkg.old" = "pkg.new"
    """)
    real = fixmod.rewrite

    def sabotaged(data, requests, unsafe):
        if b"import x" in data:  # claims a fix but changes nothing relevant
            return FileFix(data + b"\n", tuple(requests))
        if b"import y" in data:
            return FileFix(b"from pkg.new import (y\n", tuple(requests))
        return real(data, requests, unsafe)

    monkeypatch.setattr(fixmod, "rewrite", sabotaged)
    assert fix(root) == 1
    assert (root / "pkg/a.py").read_text() == "from pkg.old import x\n"
    assert (root / "pkg/b.py").read_text() == "from pkg.old import y\n"
    out = capsys.readouterr().out
    assert "pkg/a.py: left untouched" in out and "still reports 1" in out
    assert "pkg/b.py: left untouched" in out and "would not parse" in out


def test_a_file_libcst_cannot_reproduce_is_left_as_it_is(make_project, capsys) -> None:
    """libcst drops a line holding only a backslash continuation; writing its tree back
    would change that line too, and shift the positions the fix is placed by."""
    text = "from pkg.old import x\n\n\ndef f():\n    y = 1\n\\\n    3\n"
    root = make_project({"pkg/__init__.py": "", "pkg/a.py": text,
                         "pkg/b.py": "from pkg.old import x\n"}, config="""
        [tool.ssotcheck.legacy-imports]
        "pkg.old" = "pkg.new"
    """)
    assert fix(root) == 1
    assert (root / "pkg/a.py").read_text() == text
    assert (root / "pkg/b.py").read_text() == "from pkg.new import x\n"
    assert "cannot reproduce the file exactly" in capsys.readouterr().out


def test_suppressed_findings_are_not_fixed(make_project) -> None:
    src = "from pkg.old import x  # ssotcheck: ignore[SSOT201]\nfrom pkg.old import y\n"
    root = make_project({"pkg/__init__.py": "", "pkg/a.py": src}, config="""
        [tool.ssotcheck.legacy-imports]
        "pkg.old" = "pkg.new"
    """)
    assert fix(root) == 0
    assert (root / "pkg/a.py").read_text() == (
        "from pkg.old import x  # ssotcheck: ignore[SSOT201]\nfrom pkg.new import y\n")


def test_paths_limit_what_is_fixed(make_project) -> None:
    root = make_project({"pkg/__init__.py": "", "pkg/a.py": "from pkg.old import x\n",
                         "pkg/b.py": "from pkg.old import x\n"}, config="""
        [tool.ssotcheck.legacy-imports]
        "pkg.old" = "pkg.new"
    """)
    assert main(["fix", "--no-cache", str(root / "pkg/a.py")]) == 0
    assert (root / "pkg/a.py").read_text() == "from pkg.new import x\n"
    assert (root / "pkg/b.py").read_text() == "from pkg.old import x\n"


def test_nothing_to_fix(make_project, capsys) -> None:
    root = make_project({"pkg/__init__.py": "", "pkg/a.py": "import os\n"})
    assert fix(root) == 0
    assert "ssotcheck fix: nothing to fix" in capsys.readouterr().out
    assert main(["fix", "--no-cache", "--ignore", "SSOT2,SSOT9", str(root)]) == 0
    assert "SSOT201, SSOT202, SSOT205 and SSOT900 are not enabled" in capsys.readouterr().out


def test_shim_is_reported_but_never_rewritten(make_project, capsys) -> None:
    src = "try:\n    from pkg.old import x\nexcept ImportError:\n    from pkg.new import x\n"
    # pkg.new exists, so the fallback import is not itself dangling (SSOT205)
    root = make_project({"pkg/__init__.py": "", "pkg/a.py": src, "pkg/new.py": "x = 1\n"},
                        config="""
        [tool.ssotcheck.legacy-imports]
        "pkg.old" = "pkg.new"
    """)
    assert fix(root, "--unsafe-fixes") == 0
    assert (root / "pkg/a.py").read_text() == src
    assert "1 import in try/except ImportError shims left as is" in capsys.readouterr().out


def test_use_site_findings_are_left_alone(make_project, capsys) -> None:
    """SSOT201 also reports a legacy path reached through a non-legacy import
    (`pkg.models.OldThing` after `import pkg.models`). Those findings carry no fix: the
    fixer must rewrite the real legacy import next to them and leave the uses untouched."""
    use = "import pkg.models\n\n\ndef f():\n    return pkg.models.OldThing()\n"
    mixed = "from pkg.old import x\nimport pkg.models as m\n\nm.OldThing\n"
    root = make_project({"pkg/__init__.py": "", "pkg/models.py": "", "pkg/old.py": "",
                         "pkg/new.py": "", "pkg/a.py": use, "pkg/b.py": mixed}, config="""
        [tool.ssotcheck.legacy-imports]
        "pkg.old" = "pkg.new"
        "pkg.models.OldThing" = "pkg.domain.Thing"
    """)
    found = [f for f in run_on(root).findings if f.rule == "SSOT201"]
    assert [(f.path, f.line, f.fix is None) for f in found] == [
        ("pkg/a.py", 5, True), ("pkg/b.py", 1, False), ("pkg/b.py", 4, True)]
    assert fix(root, "--unsafe-fixes") == 0
    out = capsys.readouterr().out
    assert "fixed 1 of 1 fixable finding" in out, out
    assert "2 uses of a legacy path through a module to edit by hand" in out, out
    assert "shims" not in out, out
    assert (root / "pkg/a.py").read_text() == use
    assert (root / "pkg/b.py").read_text() == mixed.replace("pkg.old", "pkg.new")
    assert fix(root, "--diff") == 0  # nothing fixable left; the uses stay reported
    assert [(f.path, f.line) for f in run_on(root).findings if f.rule == "SSOT201"] == [
        ("pkg/a.py", 5), ("pkg/b.py", 4)]


def test_string_annotation_use_blocks_the_attribute_rewrite(make_project, capsys) -> None:
    src = "import pkg.old\n\n\ndef f(x: 'pkg.old.Thing') -> None:\n    pkg.old.run(x)\n"
    root = make_project({"pkg/__init__.py": "", "pkg/a.py": src}, config="""
        [tool.ssotcheck.legacy-imports]
        "pkg.old" = "pkg.new"
    """)
    assert fix(root, "--unsafe-fixes") == 1
    assert (root / "pkg/a.py").read_text() == src
    assert "string annotation" in capsys.readouterr().out


def test_new_top_level_name_taken_blocks_the_attribute_rewrite(make_project, capsys) -> None:
    src = "import old.tools\n\nnew = 3\nold.tools.run(new)\n"
    root = make_project({"a.py": src}, config="""
        [tool.ssotcheck.legacy-imports]
        "old.tools" = "new.tools"
    """)
    assert fix(root, "--unsafe-fixes") == 1
    assert (root / "a.py").read_text() == src
    assert "`new` already names an assignment in this file" in capsys.readouterr().out


# --------------------------------------------------------------------- property


def _property_project(tmp_path: Path, body: str) -> Path:
    root = tmp_path / "p"
    if root.exists():
        shutil.rmtree(root)
    (root / "pkg").mkdir(parents=True)
    (root / "pkg/__init__.py").write_text("")
    (root / "pkg/mod.py").write_text(body)
    (root / "pyproject.toml").write_text(textwrap.dedent("""
        [tool.ssotcheck.legacy-imports]
        "pkg.old" = "pkg.new"
        "pkg.keep.B" = "pkg.other.Bee"
    """))
    return root


def _bindings(source: str) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out.extend(a.asname or a.name.split(".")[0] for a in node.names)
    return sorted(out)


def _comments(source: str) -> list[str]:
    import io
    import tokenize

    return sorted(t.string for t in tokenize.generate_tokens(io.StringIO(source).readline)
                  if t.type == tokenize.COMMENT)


try:
    from hypothesis import HealthCheck, example, given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover
    given = None

if given is not None:
    _module = st.sampled_from(["pkg.old", "pkg.old.sub", "pkg.keep", "pkg.new", ".old", "."])
    _name = st.sampled_from(["A", "B", "C", "sub"])
    _alias = st.one_of(st.none(), st.sampled_from(["x", "y", "A"]))
    _entry = st.tuples(_name, _alias, st.booleans())  # (name, alias, comment after it)

    @st.composite
    def _statement(draw) -> str:
        if draw(st.integers(0, 5)) == 0:
            target = draw(st.sampled_from(["pkg.old", "pkg.old.sub", "pkg.keep", "os"]))
            alias = draw(st.sampled_from(["", " as m"]))
            return f"import {target}{alias}\n"
        module = draw(_module)
        entries = draw(st.lists(_entry, min_size=1, max_size=4, unique_by=lambda e: e[:2]))
        parens = draw(st.booleans()) or any(c for _, _, c in entries)
        trailing = draw(st.booleans())
        parts = [f"{n} as {a}" if a else n for n, a, _ in entries]
        if not parens:
            return f"from {module} import {', '.join(parts)}\n"
        lines = [f"from {module} import ("]
        for i, (part, (_, _, comment)) in enumerate(zip(parts, entries)):
            comma = "," if i < len(parts) - 1 or trailing else ""
            lines.append(f"    {part}{comma}" + (f"  # note {i}" if comment else ""))
        lines.append(")")
        return "\n".join(lines) + "\n"

    @settings(max_examples=40, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(statements=st.lists(_statement(), min_size=1, max_size=4),
           unsafe=st.booleans(), indent=st.booleans())
    # The comment after a last name without a trailing comma sits with `)` in libcst: a
    # merge must see it, whether it drops the name as a duplicate or carries it along.
    @example(statements=["from pkg.keep import B\n",
                         "from pkg.keep import (\n    A,\n    B  # note 1\n)\n"],
             unsafe=True, indent=False)
    @example(statements=["from pkg.old import (\n    B,  # note 0\n)\n",
                         "from pkg.old import (\n    A  # note 0\n)\n"],
             unsafe=True, indent=False)
    def test_fix_property(tmp_path: Path, statements: list[str], unsafe: bool,
                          indent: bool) -> None:
        """Whatever mix of `from` imports: the result parses, binds the same names, keeps
        every comment, leaves nothing fixable, and a second run changes nothing."""
        body = "".join(statements)
        if indent:
            body = "def f():\n" + textwrap.indent(body, "    ") + "    pass\n"
        root = _property_project(tmp_path, body)
        args = ("-q", "--unsafe-fixes") if unsafe else ("-q",)
        # `import pkg.old` without an alias binds `pkg`: that fix is unsafe.
        needs_unsafe = any(line.strip() in ("import pkg.old", "import pkg.old.sub")
                           for line in body.splitlines())
        assert fix(root, *args) == (1 if needs_unsafe and not unsafe else 0)
        new = (root / "pkg/mod.py").read_text()
        ast.parse(new)
        assert _bindings(new) == _bindings(body) or unsafe  # merges may drop duplicates
        assert set(_bindings(new)) == set(_bindings(body))
        assert _comments(new) == _comments(body)
        assert bool(legacy_findings(root)) == (needs_unsafe and not unsafe)
        assert fix(root, *args) == (1 if needs_unsafe and not unsafe else 0)
        assert (root / "pkg/mod.py").read_text() == new


def test_comment_on_a_name_that_becomes_a_plain_import_refuses_the_file(make_project,
                                                                         capsys) -> None:
    src = "from pkg.old import (\n    helper,  # keep me\n    other,\n)\n"
    root = make_project({"pkg/__init__.py": "", "pkg/a.py": src}, config="""
        [tool.ssotcheck.legacy-imports]
        "pkg.old.helper" = "helper"
        "pkg.old.other" = "pkg.new.other"
    """)
    assert fix(root) == 1
    assert (root / "pkg/a.py").read_text() == src
    assert "a comment inside the import could not be kept in place" in capsys.readouterr().out
    (root / "pkg/a.py").write_text(src.replace("  # keep me", ""))
    assert fix(root) == 0
    assert (root / "pkg/a.py").read_text() == (
        "from pkg.new import (\n    other,\n)\nimport helper\n")


# ----------------------------------------------------------------- parallel plan


def _many_files(make_project, n: int = 10) -> Path:
    files = {"pkg/__init__.py": ""}
    for i in range(n):
        files[f"pkg/m{i}.py"] = f"from pkg.old import thing{i}\n"
    return make_project(files, config="""
        [tool.ssotcheck.legacy-imports]
        "pkg.old" = "pkg.new"
    """)


def test_parallel_planning_fixes_every_file(make_project) -> None:
    root = _many_files(make_project)
    assert main(["fix", "--no-cache", "--jobs", "2", str(root)]) == 0
    for i in range(10):
        assert (root / f"pkg/m{i}.py").read_text() == f"from pkg.new import thing{i}\n"


def test_a_crashing_worker_costs_only_its_file(make_project, monkeypatch, capsys) -> None:
    import ssotcheck.fix as fixmod

    root = _many_files(make_project)
    real = fixmod._plan_file

    def crash_on_m3(root_, path, *rest):
        if path == "pkg/m3.py":
            os._exit(70)  # what a segfault in a native parser looks like to the pool
        return real(root_, path, *rest)

    # Workers are forked and look the function up by name, so they get this one.
    crash_on_m3.__module__, crash_on_m3.__qualname__ = "ssotcheck.fix", "_plan_file"
    monkeypatch.setattr(fixmod, "_plan_file", crash_on_m3)
    assert main(["fix", "--no-cache", "--jobs", "2", str(root)]) == 1
    assert (root / "pkg/m3.py").read_text() == "from pkg.old import thing3\n"
    for i in (0, 1, 2, 4, 9):
        assert (root / f"pkg/m{i}.py").read_text() == f"from pkg.new import thing{i}\n"
    assert "pkg/m3.py: left untouched (1 finding on line 1): the libcst parser crashed" in \
        capsys.readouterr().out


def test_dangling_import_without_a_unique_home_is_listed(make_project, capsys) -> None:
    root = make_project({"pkg/__init__.py": "", "pkg/a.py": "def h(): ...\n",
                         "pkg/b.py": "def h(): ...\n", "pkg/c.py": "from pkg.gone import h\n"})
    assert fix(root) == 0
    out = capsys.readouterr().out
    assert ("pkg/c.py:1:22: SSOT205 not fixed (no unique new home; edit by hand): "
            "`from pkg.gone import h`") in out
    assert "2 candidates: `pkg.a.h`, `pkg.b.h`" in out
    assert (root / "pkg/c.py").read_text() == "from pkg.gone import h\n"
