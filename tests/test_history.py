"""`trend`, `diff` and `check --diff-base` on a scripted git history with known movements.

History (oldest first):
  c1 clean            pkg/{__init__,a,util}.py, tests/test_a.py: no finding
  c2 split            pkg/b.py copies enum Color
  c3 split again      pkg/c.py copies it too
  c4 broken config    ssotcheck.toml is not TOML: the point is reported and skipped
  c5 rename package   config repaired, `git mv pkg core`
  c6 consolidate      core/b.py and core/c.py removed
Every run goes through the real CLI in a subprocess; the repository's working tree, index,
HEAD and refs must be byte-identical afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.conftest import write_tree

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

ENUM = "import enum\n\n\nclass Color(enum.Enum):\n    RED = 1\n    BLUE = 2\n"
CONFIG = """
[areas]
tests = ["tests/**"]
core = ["pkg/**", "core/**"]
"""


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          check=True).stdout


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message)
    return git(repo, "rev-parse", "HEAD").strip()


def ssot(*args: str, cwd: Path, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "ssotcheck", *args], cwd=cwd,
                          capture_output=True, text=True, env=full)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    repo = tmp_path_factory.mktemp("hist") / "repo"
    write_tree(repo, {
        "ssotcheck.toml": CONFIG,
        "pkg/__init__.py": "",
        "pkg/a.py": ENUM,
        "pkg/util.py": "def helper():\n    return 1\n",
        "tests/test_a.py": "def test_x():\n    assert True\n",
    })
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "t@t")
    git(repo, "config", "user.name", "t")
    shas = [commit(repo, "clean")]
    write_tree(repo, {"pkg/b.py": ENUM})
    shas.append(commit(repo, "split"))
    write_tree(repo, {"pkg/c.py": ENUM})
    shas.append(commit(repo, "split again"))
    write_tree(repo, {"ssotcheck.toml": "[areas\ncore = \n"})
    shas.append(commit(repo, "broken config"))
    write_tree(repo, {"ssotcheck.toml": CONFIG})
    git(repo, "mv", "pkg", "core")
    shas.append(commit(repo, "rename package"))
    git(repo, "rm", "-q", "core/b.py", "core/c.py")
    shas.append(commit(repo, "consolidate"))
    return repo, shas


def snapshot(repo: Path) -> dict[str, str]:
    """Hash of every file of the working tree and of .git's index, HEAD and refs."""
    out: dict[str, str] = {}
    for p in sorted(repo.rglob("*")):
        rel = p.relative_to(repo).as_posix()
        if p.is_dir() or rel.startswith(".git/objects/") or ".ssotcheck_cache" in rel:
            continue
        if rel.startswith(".git/") and not (rel in (".git/index", ".git/HEAD", ".git/packed-refs")
                                            or rel.startswith(".git/refs/")):
            continue
        out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    out["stash"] = git(repo, "stash", "list")
    out["status"] = git(repo, "status", "--porcelain")
    return out


def trend_json(repo: Path, *args: str) -> list[dict]:
    proc = ssot("trend", "--format", "json", *args, cwd=repo)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["points"]


def test_trend_scores_per_point(history: tuple[Path, list[str]]) -> None:
    repo, shas = history
    before = snapshot(repo)
    points = trend_json(repo)
    assert [p["commit"] for p in points] == shas
    assert [p["subject"] for p in points] == [
        "clean", "split", "split again", "broken config", "rename package", "consolidate"]
    assert [p["score"] for p in points] == [100.0, 80.0, 66.6, None, 66.6, 100.0]
    core = [{a["name"]: (a["score"], a["files"]) for a in p["areas"]}.get("core")
            for p in points]
    assert core == [(100.0, 3), (75.0, 4), (60.0, 5), None, (60.0, 5), (100.0, 3)]
    assert [p["rules"] for p in points] == [
        {}, {"SSOT101": 1}, {"SSOT101": 2}, {}, {"SSOT101": 2}, {}]
    assert [p["split_concepts"] for p in points] == [
        [], [{"kind": "enum", "name": "Color", "homes": 2}],
        [{"kind": "enum", "name": "Color", "homes": 3}], [],
        [{"kind": "enum", "name": "Color", "homes": 3}], []]
    assert points[3]["error"] and "ssotcheck.toml" in points[3]["error"]
    assert "invalid TOML" in points[3]["error"]
    assert all(p["error"] is None for i, p in enumerate(points) if i != 3)
    # The second run answers from the revision store and gives the same bytes.
    again = ssot("trend", "--format", "json", cwd=repo)
    assert json.loads(again.stdout)["points"] == points
    assert snapshot(repo) == before


def test_trend_sampling_and_range(history: tuple[Path, list[str]]) -> None:
    repo, shas = history
    assert [p["commit"] for p in trend_json(repo, "--commits", "2")] == shas[-2:]
    assert [p["commit"] for p in trend_json(repo, "--every", "2")] == [shas[1], shas[3], shas[5]]
    ranged = trend_json(repo, f"{shas[1]}..{shas[4]}")
    assert [p["commit"] for p in ranged] == shas[2:5]
    assert [p["commit"] for p in trend_json(repo, "--since", "2000-01-01")] == shas
    later = (datetime.now(timezone.utc) + timedelta(days=2)).date().isoformat()
    assert trend_json(repo, "--since", later) == []


def test_trend_text_csv_markdown_html(history: tuple[Path, list[str]]) -> None:
    repo, shas = history
    text = ssot("trend", cwd=repo).stdout
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["commit", "date", "score"]
    assert lines[2].split()[2:4] == ["80.0%", "-20.0"]
    assert "[skipped:" in lines[4]
    spark = [ln for ln in lines if ln.startswith("core")][0]
    assert "  █▄▁ ▁█  " in spark and spark.endswith("100.0% -> 100.0%")
    rows = ssot("trend", "--format", "csv", cwd=repo).stdout.splitlines()
    assert rows[0].startswith("commit,date,subject,score,files,")
    assert len(rows) == 7 and rows[2].split(",")[3] == "80.0"
    md = ssot("trend", "--format", "markdown", cwd=repo).stdout
    assert "| `" + shas[1][:10] + "` |" in md and "skipped" in md
    page = ssot("trend", "--format", "html", cwd=repo).stdout
    assert page.count('<circle class="point"') == 5 and page.count("point skipped") == 1
    assert "<script" not in page and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")


def diff_json(repo: Path, *args: str) -> dict:
    proc = ssot("diff", "--format", "json", *args, cwd=repo)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _ids(findings: list[dict]) -> list[tuple[str, str]]:
    return [(f["rule"], f["path"]) for f in findings]


def test_diff_new_fixed_and_concepts(history: tuple[Path, list[str]]) -> None:
    repo, shas = history
    before = snapshot(repo)
    d = diff_json(repo, shas[0], shas[1])
    assert _ids(d["new"]) == [("SSOT101", "pkg/b.py")] and d["fixed"] == []
    assert d["concepts"]["split"] == [{"kind": "enum", "name": "Color", "homes": 2}]
    assert [(a["name"], a["base"], a["head"], a["change"]) for a in d["areas"]] == [
        ("tests", 100.0, 100.0, 0.0), ("core", 100.0, 75.0, -25.0)]
    d = diff_json(repo, shas[1], shas[2])
    assert _ids(d["new"]) == [("SSOT101", "pkg/c.py")] and d["fixed"] == []
    assert d["concepts"]["changed"] == [
        {"kind": "enum", "name": "Color", "before": 2, "after": 3}]
    # The package rename moves every finding: neither new nor fixed.
    d = diff_json(repo, shas[2], shas[4])
    assert d["new"] == [] and d["fixed"] == []
    assert {(r["from"], r["to"]) for r in d["renames"]} >= {("pkg/b.py", "core/b.py")}
    d = diff_json(repo, shas[4], shas[5])
    assert d["new"] == []
    assert _ids(d["fixed"]) == [("SSOT101", "core/b.py"), ("SSOT101", "core/c.py")]
    assert d["concepts"]["merged"] == [{"kind": "enum", "name": "Color", "homes": 3}]
    # A revision with a broken configuration cannot be one side of a diff.
    broken = ssot("diff", shas[3], shas[4], cwd=repo)
    assert broken.returncode == 2 and "invalid TOML" in broken.stderr
    text = ssot("diff", shas[0], shas[1], cwd=repo).stdout
    assert "1 new finding:" in text and "+ pkg/b.py:4:1: SSOT101" in text
    md = ssot("diff", "--format", "markdown", shas[4], shas[5], cwd=repo).stdout
    assert "**0 new**, **2 fixed**" in md and "| - | SSOT101 | `core/b.py:4` |" in md
    assert snapshot(repo) == before


@pytest.fixture
def work(tmp_path: Path, history: tuple[Path, list[str]]) -> Path:
    """A clone of the scripted history at c3 ("split again"), to edit freely."""
    repo, shas = history
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    git(clone, "checkout", "-q", shas[2])
    git(clone, "config", "user.email", "t@t")
    git(clone, "config", "user.name", "t")
    return clone


def test_diff_against_working_tree_moved_code_is_neither(work: Path) -> None:
    (work / "pkg" / "b.py").write_text("# moved down\n\n\n" + ENUM, encoding="utf-8")
    d = diff_json(work, "HEAD")
    assert d["head"]["commit"] is None and d["new"] == [] and d["fixed"] == []


def test_diff_base_gate(work: Path) -> None:
    before = snapshot(work)
    ok = ssot("check", "--diff-base", "HEAD", cwd=work)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "2 also at the diff base" in ok.stdout
    # Old findings that merely moved still pass.
    (work / "pkg" / "c.py").write_text("\n\n# moved\n" + ENUM, encoding="utf-8")
    assert ssot("check", "--diff-base", "HEAD", cwd=work).returncode == 0
    # A new copy of the enum, in a new file: the finding is new.
    write_tree(work, {"pkg/d.py": ENUM})
    failed = ssot("check", "--diff-base", "HEAD", "--format", "json", cwd=work)
    assert failed.returncode == 1
    doc = json.loads(failed.stdout)
    assert _ids(doc["findings"]) == [("SSOT101", "pkg/d.py")]
    assert doc["diff_base"]["also_at_base"] == 2
    assert ssot("check", "--diff-base", "HEAD~1", cwd=work).returncode == 1
    snap = snapshot(work)
    assert {k: v for k, v in snap.items() if k not in ("status",)} == {
        **{k: v for k, v in before.items() if k != "status"},
        "pkg/c.py": snap["pkg/c.py"], "pkg/d.py": snap["pkg/d.py"]}


def test_diff_base_new_copy_reported_on_an_unchanged_file(work: Path) -> None:
    """The finding lands on a file the change did not touch: still new."""
    git(work, "rm", "-q", "pkg/b.py", "pkg/c.py")
    commit(work, "one Color")
    # pkg/a.py is the unchanged, lexically-first home; a new copy in pkg/z.py makes the
    # split; wherever the finding is reported, it is new against HEAD.
    write_tree(work, {"pkg/z.py": ENUM})
    proc = ssot("check", "--diff-base", "HEAD", "--format", "json", cwd=work)
    assert proc.returncode == 1
    assert [f["rule"] for f in json.loads(proc.stdout)["findings"]] == ["SSOT101"]


def test_diff_base_combines_with_the_baseline(work: Path) -> None:
    write_tree(work, {"pkg/d.py": ENUM})
    assert ssot("baseline", cwd=work).returncode == 0
    (work / "ssotcheck.toml").write_text(CONFIG.replace(
        "[areas]", 'baseline = ".ssotcheck-baseline.json"\n[areas]'), encoding="utf-8")
    # New against HEAD, but baselined: passes.
    proc = ssot("check", "--diff-base", "HEAD", cwd=work)
    assert proc.returncode == 0, proc.stdout
    # Baselined findings present at REF and a fresh one beyond both: fails with one.
    write_tree(work, {"pkg/e.py": ENUM})
    proc = ssot("check", "--diff-base", "HEAD", "--format", "json", cwd=work)
    assert proc.returncode == 1
    assert _ids(json.loads(proc.stdout)["findings"]) == [("SSOT101", "pkg/e.py")]


def test_errors_exit_2(tmp_path: Path, history: tuple[Path, list[str]]) -> None:
    repo, shas = history
    unknown = ssot("check", "--diff-base", "no-such-branch", cwd=repo)
    assert unknown.returncode == 2 and "unknown revision `no-such-branch`" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    assert ssot("diff", "nope", cwd=repo).returncode == 2
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", repo.as_uri(), str(shallow))
    proc = ssot("check", "--diff-base", "HEAD~3", cwd=shallow)
    assert proc.returncode == 2 and "fetch more history" in proc.stderr
    assert "shallow" in proc.stderr
    plain = tmp_path / "plain"
    write_tree(plain, {"m.py": "X = 1\n"})
    for args in (("trend",), ("diff", "HEAD"), ("check", "--diff-base", "HEAD")):
        proc = ssot(*args, cwd=plain)
        assert proc.returncode == 2, args
        assert "not inside a git repository" in proc.stderr and "Traceback" not in proc.stderr


def test_diff_base_inside_a_real_pre_commit_hook(work: Path, tmp_path: Path) -> None:
    pre_commit = Path(sys.executable).with_name("pre-commit")
    if not pre_commit.exists():
        pytest.skip("pre-commit is not installed in this environment")
    write_tree(work, {".pre-commit-config.yaml": f"""
        repos:
          - repo: local
            hooks:
              - id: ssotcheck-new-code
                name: ssotcheck new-code gate
                entry: {sys.executable} -m ssotcheck check --diff-base HEAD
                language: system
                pass_filenames: false
                types: [python]
        """})
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pc-home"), "NO_COLOR": "1"}
    subprocess.run([str(pre_commit), "install"], cwd=work, env=env, check=True,
                   capture_output=True)
    # Old findings (two copies at HEAD) do not block a commit that adds none ...
    write_tree(work, {"pkg/util.py": "def helper():\n    return 2\n"})
    # ... and an unstaged new copy, which pre-commit stashes away, does not count.
    git(work, "add", "-A")
    write_tree(work, {"pkg/util.py": ENUM})
    ok = subprocess.run(["git", "commit", "-m", "edit"], cwd=work, env=env,
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert (work / "pkg" / "util.py").read_text(encoding="utf-8") == ENUM  # restored
    git(work, "checkout", "--", "pkg/util.py")
    write_tree(work, {"pkg/d.py": ENUM})
    git(work, "add", "pkg/d.py")
    blocked = subprocess.run(["git", "commit", "-m", "new copy"], cwd=work, env=env,
                             capture_output=True, text=True)
    assert blocked.returncode != 0
    assert "pkg/d.py:4:1: SSOT101" in blocked.stdout + blocked.stderr


def test_consecutive_revisions_reuse_matches_full_runs(tmp_path: Path) -> None:
    """Trend re-checks a commit from the one before it (same files, a few edited); every
    point must equal a run of that commit alone."""
    repo = tmp_path / "inc"
    write_tree(repo, {
        "ssotcheck.toml": CONFIG,
        "pkg/__init__.py": "",
        "pkg/a.py": ENUM,
        "pkg/b.py": "import enum\n\n\nclass Shade(enum.Enum):\n    DARK = 1\n",
        "pkg/user.py": "from pkg.a import Color\n\nX = Color.RED\n",
        "tests/test_a.py": "class TestA:\n    def test_x(self):\n        assert True\n",
    })
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "t@t")
    git(repo, "config", "user.name", "t")
    shas = [commit(repo, "base")]
    edits = [
        {"pkg/b.py": ENUM},  # a split appears in an existing file
        {"pkg/a.py": "# shifted\n\n" + ENUM},  # positions move
        {"pkg/user.py": "from pkg.b import Color\n\nX = Color.RED\n"},  # an import changes
        {"pkg/b.py": "import enum\n\n\nclass Shade(enum.Enum):\n    DARK = 1\n"},  # merged
        {"pkg/a.py": "def broken(:\n"},  # a parse error
    ]
    for i, e in enumerate(edits):
        write_tree(repo, e)
        shas.append(commit(repo, f"edit {i}"))
    cache = {"SSOTCHECK_CACHE_DIR": str(tmp_path / "cache")}
    walked = ssot("trend", "--format", "json", "-v", cwd=repo, env=cache)
    assert walked.returncode == 0, walked.stderr
    points = json.loads(walked.stdout)["points"]
    assert [p["commit"] for p in points] == shas
    for sha, point in zip(shas, points):
        alone = ssot("trend", "--format", "json", "--no-cache", "--commits", "1", sha, cwd=repo)
        assert json.loads(alone.stdout)["points"] == [point], sha
    assert [p["rules"].get("SSOT101", 0) for p in points] == [0, 1, 1, 1, 0, 0]
    assert points[-1]["rules"].get("SSOT000") == 1


def test_project_in_a_subdirectory_of_the_repository(tmp_path: Path) -> None:
    """Paths are relative to the project root, not the repository's top; the config at
    each commit is the project's."""
    repo = tmp_path / "mono"
    write_tree(repo, {"README.md": "top\n", "proj/ssotcheck.toml": CONFIG,
                      "proj/pkg/__init__.py": "", "proj/pkg/a.py": ENUM,
                      "other/pkg/b.py": ENUM})  # outside the project: never analysed
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "t@t")
    git(repo, "config", "user.name", "t")
    first = commit(repo, "one")
    write_tree(repo, {"proj/pkg/b.py": ENUM})
    second = commit(repo, "two")
    points = trend_json(repo / "proj")
    assert [(p["commit"], p["files"], p["rules"]) for p in points] == [
        (first, 2, {}), (second, 3, {"SSOT101": 1})]
    d = diff_json(repo / "proj", first)
    assert _ids(d["new"]) == [("SSOT101", "pkg/b.py")]


def test_parallel_extraction_of_many_unknown_blobs(tmp_path: Path) -> None:
    """Enough blobs never seen for the worker pool to start early: same points as one
    process."""
    repo = tmp_path / "many"
    files: dict[str, str] = {"pkg/__init__.py": ""}
    for i in range(300):
        files[f"pkg/m{i:03d}.py"] = f"def f{i}():\n    return {i}\n" + (ENUM if i % 100 == 0 else "")
    files["pkg/broken.py"] = "def broken(:\n"
    write_tree(repo, files)
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "t@t")
    git(repo, "config", "user.name", "t")
    commit(repo, "many")
    outs = [ssot("trend", "--format", "json", "--no-cache", "--jobs", jobs, cwd=repo).stdout
            for jobs in ("1", "2")]
    assert outs[0] == outs[1]
    point = json.loads(outs[0])["points"][0]
    assert point["rules"] == {"SSOT000": 1, "SSOT101": 2} and point["files"] == 302


def test_select_and_ignore_apply_to_every_revision(history: tuple[Path, list[str]]) -> None:
    repo, _ = history
    points = trend_json(repo, "--ignore", "SSOT101")
    assert [p["score"] for p in points] == [100.0, 100.0, 100.0, None, 100.0, 100.0]
