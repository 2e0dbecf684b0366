"""Discovery (which files are the project) and module naming (what each file is called)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ssotcheck.index.discover import discover
from ssotcheck.index.modules import build_module_table, module_name, source_roots

from tests.conftest import run_on, write_tree

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "user.name=t",
                    "-c", "user.email=t@example.invalid", *args], cwd=root, check=True,
                   capture_output=True)


def _tree(root: Path) -> Path:
    write_tree(root, {
        "pkg/__init__.py": "",
        "pkg/core.py": "X = 1\n",
        "pkg/ignored_by_pattern.py": "X = 1\n",
        "pkg/sub/keep_me.py": "X = 1\n",
        "pkg/sub/generated_a.py": "X = 1\n",
        "pkg/sub/generated_keep.py": "X = 1\n",
        "pkg/build/__init__.py": "",  # a *package* named build (pip has one)
        "pkg/build/wheel.py": "X = 1\n",
        "build/lib/pkg/core.py": "X = 1\n",  # setuptools build output
        "doc/build/conf.py": "X = 1\n",  # docs that happen to live in build/ (SQLAlchemy)
        "dist/junk.py": "X = 1\n",
        "notes/readme.txt": "not python\n",
        "scratch/tmp.py": "X = 1\n",
        ".venv/lib/site.py": "X = 1\n",
        "node_modules/x/y.py": "X = 1\n",
        "tool.egg-info/z.py": "X = 1\n",
        "pkg/__pycache__/core.py": "X = 1\n",
        ".gitignore": "ignored_by_pattern.py\nscratch/\n",
        "pkg/sub/.gitignore": "generated_*.py\n!generated_keep.py\n",
    })
    return root


EXPECTED = [
    "doc/build/conf.py", "pkg/__init__.py", "pkg/build/__init__.py", "pkg/build/wheel.py", "pkg/core.py",
    "pkg/sub/generated_keep.py", "pkg/sub/keep_me.py",
]


def test_walk_honours_nested_gitignore_and_skips_tool_dirs(tmp_path: Path) -> None:
    root = _tree(tmp_path / "proj")
    found = discover(root, ())
    assert list(found.files) == EXPECTED
    assert found.excluded == 0


@needs_git
def test_git_mode_lists_tracked_and_untracked_but_not_ignored(tmp_path: Path) -> None:
    root = _tree(tmp_path / "repo")
    _git(root, "init", "-q")
    _git(root, "add", "pkg/__init__.py", "pkg/core.py", "pkg/build", ".gitignore",
         "pkg/sub/.gitignore")
    _git(root, "commit", "-q", "-m", "init")
    # Untracked and not ignored: part of the project.
    (root / "pkg" / "new_module.py").write_text("X = 2\n", encoding="utf-8")
    # Tracked, then deleted from the work tree without `git rm`: gone, not broken.
    (root / "pkg" / "doomed.py").write_text("X = 3\n", encoding="utf-8")
    _git(root, "add", "pkg/doomed.py")
    (root / "pkg" / "doomed.py").unlink()
    # Force-tracked despite .gitignore: git tracks it, so it is project code.
    (root / "scratch" / "forced.py").write_text("X = 4\n", encoding="utf-8")
    _git(root, "add", "-f", "scratch/forced.py")
    found = discover(root, ())
    assert list(found.files) == sorted(EXPECTED + ["pkg/new_module.py", "scratch/forced.py"])


@needs_git
def test_git_mode_from_a_subdirectory_and_from_an_ignored_one(tmp_path: Path) -> None:
    root = _tree(tmp_path / "repo")
    (root / ".gitignore").write_text("ignored_by_pattern.py\nscratch/\nvendor/\n__pycache__/\n",
                                     encoding="utf-8")
    write_tree(root, {"vendor/lib/mod.py": "X = 1\n"})
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    # Paths stay relative to the directory analysed, not to the repository.
    assert list(discover(root / "pkg", ()).files) == [
        "__init__.py", "build/__init__.py", "build/wheel.py", "core.py",
        "sub/generated_keep.py", "sub/keep_me.py"]
    # The repository ignores vendor/ entirely; analysing it on purpose still works.
    assert list(discover(root / "vendor", ()).files) == ["lib/mod.py"]


@pytest.mark.parametrize("use_git", [False, pytest.param(True, marks=needs_git)])
def test_exclude_globs(tmp_path: Path, use_git: bool) -> None:
    root = _tree(tmp_path / "proj")
    if use_git:
        _git(root, "init", "-q")
    found = discover(root, ("pkg/build/**", "**/keep_me.py", "doc/**"))
    assert list(found.files) == ["pkg/__init__.py", "pkg/core.py", "pkg/sub/generated_keep.py"]
    assert found.excluded == 4


@pytest.mark.parametrize("use_git", [False, pytest.param(True, marks=needs_git)])
def test_symlinks_outside_the_root_duplicates_and_loops(tmp_path: Path, use_git: bool) -> None:
    outside = tmp_path / "outside"
    write_tree(outside, {"secret.py": "class Outside:\n    pass\n", "lib/mod.py": "X = 1\n"})
    root = tmp_path / "proj"
    write_tree(root, {"real.py": "class Real:\n    pass\n", "d/inner.py": "X = 1\n"})
    os.symlink(outside / "secret.py", root / "escape.py")
    os.symlink("../outside/lib", root / "escape_dir")  # a directory link out of the root
    os.symlink("real.py", root / "alias.py")  # same file under a second name
    os.symlink("loop.py", root / "loop.py")
    os.symlink("..", root / "d" / "up")  # a directory loop
    if use_git:
        _git(root, "init", "-q")
    found = discover(root, ())
    assert list(found.files) == ["d/inner.py", "loop.py", "real.py"]
    assert found.excluded == 2  # escape.py and alias.py
    result = run_on(root)
    assert "Outside" not in {c.name for f in result.index.files.values() for c in f.classes}
    (loop_error,) = [f for f in result.findings if f.rule == "SSOT000"]
    assert loop_error.path == "loop.py" and "symlink loop" in loop_error.message


def test_explicit_paths_are_analysed_even_when_ignored_or_excluded(tmp_path: Path) -> None:
    root = _tree(tmp_path / "proj")
    found = discover(root, ("pkg/core.py",), explicit=("scratch/tmp.py", "pkg/core.py"))
    assert "scratch/tmp.py" in found.files  # ignored by .gitignore, named explicitly
    assert "pkg/core.py" in found.files  # excluded by a glob, named explicitly
    assert "pkg/ignored_by_pattern.py" not in found.files

    result = run_on(root, paths=("scratch/tmp.py",))
    assert "scratch/tmp.py" in result.index.files
    assert result.scope == ("scratch/tmp.py",)


# ------------------------------------------------------------------ module naming


def test_src_layout_is_detected_and_namespace_packages_are_named(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    write_tree(root, {
        "src/app/__init__.py": "",
        "src/app/models.py": "class Model:\n    pass\n",
        "src/app/api/v1/routes.py": "X = 1\n",  # api/ and v1/ are namespace packages
        "src/nsonly/tool.py": "X = 1\n",
        "tests/test_models.py": "X = 1\n",
        "conftest.py": "",
    })
    result = run_on(root)
    mods = {name: (info.path, info.is_package) for name, info in result.index.modules.items()}
    assert mods == {
        "app": ("src/app/__init__.py", True),
        "app.models": ("src/app/models.py", False),
        "app.api.v1.routes": ("src/app/api/v1/routes.py", False),
        "nsonly.tool": ("src/nsonly/tool.py", False),
        "tests.test_models": ("tests/test_models.py", False),
        "conftest": ("conftest.py", False),
    }


def test_src_with_init_is_a_package_not_a_root(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    write_tree(root, {"src/__init__.py": "", "src/mod.py": "X = 1\n"})
    assert source_roots(root, (".",)) == ("",)
    assert module_name("src/mod.py", ("",)) == ("src.mod", False)


def test_configured_roots_longest_first(tmp_path: Path) -> None:
    roots = source_roots(tmp_path, ("libs/core/src", "./", "libs"))
    assert roots == ("libs/core/src", "libs", "")
    assert module_name("libs/core/src/core/x.py", roots) == ("core.x", False)
    assert module_name("libs/other/y.py", roots) == ("other.y", False)
    assert module_name("scripts/run.py", roots) == ("scripts.run", False)
    assert module_name("__init__.py", roots) is None  # the root itself is no module
    assert module_name("libs/__init__.py", roots) is None


def test_configured_src_from_pyproject(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    write_tree(root, {
        "pyproject.toml": '[tool.ssotcheck]\nsrc = ["lib"]\n',
        "lib/pkg/__init__.py": "",
        "lib/pkg/a.py": "X = 1\n",
        # Outside every configured root: still a module to the rules, named from the
        # project root.
        "scripts/tool.py": "X = 1\n",
    })
    result = run_on(root)
    assert set(result.index.modules) == {"pkg", "pkg.a", "scripts.tool"}
    assert result.index.modules["pkg.a"].path == "lib/pkg/a.py"


def test_package_wins_a_module_name_clash() -> None:
    modules, by_path = build_module_table(["a.py", "a/__init__.py", "a/b.py"], ("",))
    assert modules["a"].path == "a/__init__.py" and modules["a"].is_package
    assert by_path["a.py"] == "a" and modules["a.b"].path == "a/b.py"


@needs_git
def test_git_mode_sees_the_work_tree_not_the_index(tmp_path: Path) -> None:
    # Git lists tracked files from its index; whether each one still exists, and whether it
    # is now a symlink, has to come from the work tree.
    outside = tmp_path / "outside"
    write_tree(outside, {"o.py": "X = 1\n"})
    root = tmp_path / "repo"
    write_tree(root, {"a.py": "X = 1\n", "alias.py": "X = 1\n", "escape.py": "X = 1\n",
                      "gone.py": "X = 1\n", "pkg/__init__.py": ""})
    os.symlink("a.py", root / "link.py")  # committed as a symlink
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "init")
    (root / "alias.py").unlink()
    os.symlink("a.py", root / "alias.py")  # a tracked file replaced by a link within the root
    (root / "escape.py").unlink()
    os.symlink(outside / "o.py", root / "escape.py")  # ... and by a link out of it
    (root / "gone.py").unlink()
    found = discover(root, ())
    assert list(found.files) == ["a.py", "pkg/__init__.py"]
    assert found.excluded == 3  # link.py and alias.py duplicate a.py; escape.py leaves the root


def test_a_directory_that_cannot_be_a_package_holds_a_project(tmp_path: Path) -> None:
    """An unpacked sdist (`pysnmp-7.1.30/pysnmp/...`), a monorepo's `auth-service/`: no
    import names `pysnmp-7.1.30.pysnmp`, so its modules are named from inside it, and its
    imports resolve."""
    root = tmp_path / "checkout"
    write_tree(root, {
        "lib-1.0/lib/__init__.py": "",
        "lib-1.0/lib/core.py": "class Engine:\n    pass\n",
        "lib-1.0/lib/api.py": "from lib.core import Engine\n",
        "lib-1.0/tests/test_api.py": "from lib import api\n",
        "lib-1.0/setup.py": "",
        "svc-2/src/svc/__init__.py": "",
        "svc-2/src/svc/app.py": "from lib.core import Engine\n",
        # A directory inside a package is that package's data, not a project.
        "lib-1.0/lib/data-files/fixture/__init__.py": "",
        # No package of its own: loose scripts keep their path.
        "tools-x/run.py": "",
    })
    result = run_on(root)
    modules = set(result.index.modules)
    assert {"lib", "lib.core", "lib.api", "tests.test_api", "setup", "svc", "svc.app",
            "lib.data-files.fixture", "tools-x.run"} == modules
    assert result.index.import_target("lib.api", result.index.files[
        "lib-1.0/lib/api.py"].imports[0]) == ("lib.core", "Engine")


def test_project_directories_that_would_name_two_files_alike_keep_their_names(
        tmp_path: Path) -> None:
    """Two services that each hold `tests/test_app.py`: named from inside, one file would
    take the other's name; both keep their directory, and `src` says what to do instead."""
    root = tmp_path / "mono"
    write_tree(root, {
        "auth-service/auth/__init__.py": "",
        "auth-service/tests/test_app.py": "",
        "billing-service/billing/__init__.py": "",
        "billing-service/tests/test_app.py": "",
        "docs-site/site_tools/__init__.py": "",
    })
    modules = set(run_on(root).index.modules)
    assert "auth-service.auth" in modules and "billing-service.tests.test_app" in modules
    assert "site_tools" in modules  # no clash: this one is named from inside
    # Configured roots are the user's word: nothing is detected beside them.
    assert source_roots(root, ("auth-service",), ["lib-1.0/lib/__init__.py"]) == (
        "auth-service", "")
