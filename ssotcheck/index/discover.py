"""Which files make up the project.

Inside a git work tree: the files git tracks plus untracked ones it does not ignore.
Elsewhere: a walk that honours `.gitignore` files. Either way `exclude` globs apply,
symlinks that leave the root are skipped and symlink loops are survived (a looping
`.py` link is kept so the parser reports it as SSOT000).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ssotcheck.globs import compile_globs

SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", ".bzr", ".venv", "venv", ".tox", ".nox", "__pycache__",
    "node_modules", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".ssotcheck_cache",
    "__pypackages__", ".eggs", "build", "dist", "site-packages",
})


@dataclass(frozen=True)
class Discovery:
    files: tuple[str, ...]  # posix paths relative to root, sorted
    excluded: int  # python files left out by `exclude`


def _git_files(root: Path) -> list[str] | None:
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True, text=True,
            timeout=30,
        )
        if top.returncode != 0:
            return None
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
            cwd=root, capture_output=True, timeout=120,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    # git prints paths relative to cwd when given "."; de-duplicate (a file can be both
    # cached and, after a merge conflict, listed twice).
    names = {p for p in out.stdout.decode("utf-8", "surrogateescape").split("\0") if p}
    return [n for n in names if n.endswith(".py")]


def _walk_files(root: Path) -> list[str]:
    import pathspec

    out: list[str] = []
    seen_dirs: set[tuple[int, int]] = set()
    specs: list[tuple[str, pathspec.PathSpec]] = []

    def ignored(rel: str, is_dir: bool) -> bool:
        probe = rel + "/" if is_dir else rel
        for base, spec in specs:
            if base and not probe.startswith(base + "/"):
                continue
            sub = probe[len(base) + 1:] if base else probe
            if spec.match_file(sub):
                return True
        return False

    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        try:
            st = os.stat(dirpath)
        except OSError:
            dirnames[:] = []
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:
            dirnames[:] = []
            continue
        seen_dirs.add(key)
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir
        gi = os.path.join(dirpath, ".gitignore")
        if os.path.isfile(gi):
            try:
                with open(gi, encoding="utf-8", errors="replace") as fh:
                    specs.append((rel_dir, pathspec.PathSpec.from_lines("gitwildmatch", fh)))
            except OSError:
                pass
        keep = []
        for d in sorted(dirnames):
            rel = f"{rel_dir}/{d}" if rel_dir else d
            if d in SKIP_DIRS or d.endswith(".egg-info") or ignored(rel, True):
                continue
            keep.append(d)
        dirnames[:] = keep
        for f in filenames:
            if not f.endswith(".py"):
                continue
            rel = f"{rel_dir}/{f}" if rel_dir else f
            if not ignored(rel, False):
                out.append(rel)
    return out


def _inside_root(root: Path, rel: str) -> bool:
    """False for a symlink that points out of the root; True for loops (reported later)."""
    full = root / rel
    if not full.is_symlink():
        return True
    try:
        target = Path(os.path.realpath(full, strict=True))
    except (OSError, RuntimeError):
        return True  # a loop or dangling link: keep it so it is reported, not silently lost
    try:
        target.relative_to(root)
    except ValueError:
        return False
    return True


def discover(root: Path, exclude: tuple[str, ...], explicit: tuple[str, ...] = ()) -> Discovery:
    root = root.resolve()
    files = _git_files(root)
    if files is None:
        files = _walk_files(root)
    files_set = set(files)
    # Files named on the command line are analysed even when git does not know them.
    for e in explicit:
        if e.endswith(".py"):
            files_set.add(e)
    rx = compile_globs(exclude)
    kept: list[str] = []
    excluded = 0
    for rel in sorted(files_set):
        if rx is not None and rx.match(rel) and rel not in explicit:
            excluded += 1
            continue
        if not _inside_root(root, rel):
            excluded += 1
            continue
        kept.append(rel)
    return Discovery(tuple(kept), excluded)
