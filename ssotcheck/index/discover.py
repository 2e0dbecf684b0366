"""Which files make up the project.

Inside a git work tree: the files git tracks plus untracked ones it does not ignore.
Elsewhere: a walk that honours `.gitignore` files (a deeper file's `!negation` wins over
a shallower one's pattern, as in git). Either way `exclude` globs apply, virtualenvs and
tool caches that nobody told git about are skipped, symlinks that leave the root are
skipped, a symlink to a file that is analysed anyway is not analysed twice (it would
look like a duplicate definition), and symlink loops are survived (a looping `.py` link
is kept so the parser reports it as SSOT000).
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ssotcheck.globs import compile_globs

if TYPE_CHECKING:
    import pathspec

# Never project code: virtualenvs, VCS metadata, tool caches, installed packages.
SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", ".bzr", ".venv", "venv", ".tox", ".nox", "__pycache__",
    "node_modules", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".ssotcheck_cache",
    "__pypackages__", ".eggs", "site-packages",
})
# Usually build output, but also a fine name for a package (pip has one) or for docs
# (SQLAlchemy's Sphinx sources live in doc/build/): skipped only when not a package and,
# for build/, only when it holds what setuptools puts there.
OUTPUT_DIRS = frozenset({"build", "dist"})
_SETUPTOOLS_BUILD_PREFIXES = ("lib", "bdist.", "temp.", "scripts-")


# Files that provide an importable module without Python source to read: Cython
# sources, stubs of compiled modules, compiled extension modules.
EXTENSION_SUFFIXES = (".pyx", ".pyi", ".so", ".pyd")


@dataclass(frozen=True)
class Discovery:
    files: tuple[str, ...]  # posix paths relative to root, sorted
    excluded: int  # python files left out by `exclude`, root-escaping or duplicate links
    # Module files that are not Python source (EXTENSION_SUFFIXES), sorted: they are not
    # analysed, but an import of them does not dangle (SSOT205).
    extension_modules: tuple[str, ...] = ()


def _extension(name: str) -> bool:
    return name.endswith(EXTENSION_SUFFIXES)


def _skipped_dir(parent: Path, name: str) -> bool:
    if name in SKIP_DIRS or name.endswith(".egg-info"):
        return True
    if name not in OUTPUT_DIRS or (parent / name / "__init__.py").is_file():
        return False
    if name == "dist":
        return True
    try:
        children = os.listdir(parent / name)
    except OSError:
        return False
    return any(c.startswith(_SETUPTOOLS_BUILD_PREFIXES) for c in children)


def _git(root: Path, args: list[str]) -> bytes | None:
    try:
        out = subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout if out.returncode == 0 else None


def _entries(raw: bytes) -> list[str]:
    # surrogateescape keeps a non-UTF-8 file name readable; the parser reports it.
    return raw.decode("utf-8", "surrogateescape").split("\0")


def _lstat_mode(path: str) -> int | None:
    """`st_mode` of `path` itself (a link is not followed); None when it does not exist
    or cannot be looked at, like `os.path.lexists` saying False."""
    try:
        return os.lstat(path).st_mode
    except (OSError, ValueError):
        return None


def _may_skip(name: str) -> bool:
    """Cheap test before `_skipped_dir`, which may touch the file system."""
    return name in SKIP_DIRS or name in OUTPUT_DIRS or name.endswith(".egg-info")


def _in_skipped_dir(root: Path, rel: str) -> bool:
    parts = rel.split("/")
    for i, part in enumerate(parts[:-1]):
        if _may_skip(part) and _skipped_dir(root.joinpath(*parts[:i]), part):
            return True
    return False


def _git_files(root: Path, extensions: list[str]) -> dict[str, int | None] | None:
    """Python files git tracks plus untracked ones it does not ignore, each with its
    `st_mode` when already looked up (tracked files), else None. Extension module files
    it lists are added to `extensions`."""
    # Outside a work tree `ls-files` fails like `rev-parse` would: one process, not two.
    # One call for both lists: `-t` tags untracked files `? ` and tracked ones with
    # another letter. The `--exclude`s tell git not to descend into virtualenvs and
    # caches at all; they apply to untracked files only. Paths come back relative to cwd
    # because of the "." pathspec.
    skip_args = [f"--exclude={d}/" for d in sorted(SKIP_DIRS)]
    raw = _git(root, ["ls-files", "-z", "-t", "--cached", "--others", "--exclude-standard",
                      *skip_args, "--", "."])
    if raw is None:
        return None
    prefix = os.path.join(root, "")  # "root/": cheaper to prepend than a join per file
    files: dict[str, int | None] = {}
    for entry in _entries(raw):
        tag, rel = entry[:2], entry[2:]
        if not rel.endswith(".py") or rel in files:
            if _extension(rel) and not _in_skipped_dir(root, rel):
                extensions.append(rel)
            continue  # an unmerged file is listed once per stage
        if tag != "? ":
            # A tracked file deleted from the work tree is gone, not broken (a dangling
            # symlink still exists as a link and is kept, to be reported).
            mode = _lstat_mode(prefix + rel)
            if mode is not None:
                files[rel] = mode
        elif not _in_skipped_dir(root, rel):
            files[rel] = None
    return files


def _decision(spec: pathspec.PathSpec, path: str) -> bool | None:
    """True: ignored, False: re-included by a `!pattern`, None: the file says nothing."""
    result = None
    for pattern in spec.patterns:
        if pattern.include is not None and pattern.match_file(path):
            result = bool(pattern.include)  # the last matching line wins
    return result


def _load_gitignore(path: str) -> pathspec.PathSpec | None:
    import pathspec

    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return pathspec.GitIgnoreSpec.from_lines(fh)
    except (OSError, ValueError):
        return None  # unreadable, or a pattern pathspec rejects: ignore the file, like git


def _ignored(specs: tuple[tuple[str, pathspec.PathSpec], ...], rel: str, is_dir: bool) -> bool:
    """Whether the `.gitignore` files in `specs` (the entry's ancestors that have one,
    shallowest first) ignore `rel`."""
    probe = rel + "/" if is_dir else rel
    # Deepest .gitignore first: it has the last word, as in git.
    for base, spec in reversed(specs):
        verdict = _decision(spec, probe[len(base) + 1:] if base else probe)
        if verdict is not None:
            return verdict
    return False


def _walk_files(root: Path, extensions: list[str]) -> dict[str, int]:
    """Python files under `root`, each with a stand-in for its `st_mode` (`S_IFLNK` for a
    symlink, else `S_IFREG`: all `_link_target` asks); compiled extension modules found
    on the way are added to `extensions`.

    [perf] One `scandir` per directory and nothing else per entry: the directory entry
    already says whether it is a directory or a link, a skipped folder is never opened,
    `.gitignore` matching runs only below a folder that has one, and paths are built as
    strings (26,000 entries in ~0.1 s instead of ~1 s with `os.walk`, `relpath` and a
    `stat` per directory and an `lstat` per file). Like `os.walk(followlinks=False)`, a
    link to a directory is never descended, so no walk can loop.
    """
    out: dict[str, int] = {}
    # (directory, its path relative to the root, the .gitignore files that apply in it)
    stack: list[tuple[str, str, tuple[tuple[str, pathspec.PathSpec], ...]]] = [
        (os.fspath(root), "", ())]
    while stack:
        dirpath, rel_dir, specs = stack.pop()
        try:
            with os.scandir(dirpath) as it:
                entries = list(it)
        except OSError:
            continue
        prefix = rel_dir + "/" if rel_dir else ""
        for e in entries:
            if e.name == ".gitignore":
                if _entry_is(e.is_file):
                    spec = _load_gitignore(e.path)
                    if spec is not None:
                        specs = (*specs, (rel_dir, spec))
                break
        for e in entries:
            name = e.name
            if _entry_is(e.is_dir):  # follows a link, as os.walk sorts entries
                if e.is_symlink() or (_may_skip(name) and _skipped_dir(Path(dirpath), name)):
                    continue
                rel = prefix + name
                if not (specs and _ignored(specs, rel, True)):
                    stack.append((e.path, rel, specs))
            elif name.endswith(".py"):
                rel = prefix + name
                if not (specs and _ignored(specs, rel, False)):
                    out[rel] = stat.S_IFLNK if e.is_symlink() else stat.S_IFREG
            elif _extension(name):
                rel = prefix + name
                if not (specs and _ignored(specs, rel, False)):
                    extensions.append(rel)
    return out


def _entry_is(probe: Callable[[], bool]) -> bool:
    try:
        return probe()
    except OSError:  # e.g. a link whose target cannot be looked at
        return False


# What `Path.is_symlink` treats as "not a link" rather than an error.
_MISSING_ERRNOS = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})
_MISSING_WINERRORS = frozenset({21, 123, 1921})


def _is_symlink(path: str) -> bool:
    """`Path(path).is_symlink()` without building a Path (a measurable cost per file)."""
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError as e:
        if e.errno in _MISSING_ERRNOS or getattr(e, "winerror", None) in _MISSING_WINERRORS:
            return False
        raise
    except ValueError:
        return False


def _link_target(root: Path, rel: str, mode: int | None = None) -> str | None | bool:
    """For a symlink: its target relative to the root, False when the target is outside
    the root, None when it resolves nowhere (loop, dangling). For a plain file: None.
    `mode` is the file's lstat mode when already known."""
    is_link = _is_symlink(os.path.join(root, rel)) if mode is None else stat.S_ISLNK(mode)
    if not is_link:
        return None
    full = os.path.join(root, rel)
    try:
        target = Path(os.path.realpath(full, strict=True))
    except (OSError, RuntimeError):
        return None  # a loop or dangling link: keep it so it is reported, not lost
    try:
        return target.relative_to(root).as_posix()
    except ValueError:
        return False


def discover(root: Path, exclude: tuple[str, ...], explicit: tuple[str, ...] = ()) -> Discovery:
    root = root.resolve()
    extensions: list[str] = []
    listed = _git_files(root, extensions)
    modes: dict[str, int] = {}
    if listed:
        files: list[str] = list(listed)
        modes = {rel: mode for rel, mode in listed.items() if mode is not None}
    else:
        # Not a work tree, or git lists no Python file here (the directory is ignored or
        # belongs to another repository's untracked area): walk it instead.
        extensions = []
        modes = _walk_files(root, extensions)
        files = list(modes)
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
        target = _link_target(root, rel, modes.get(rel))
        if target is False:
            excluded += 1  # never follow a link out of the root
            continue
        if isinstance(target, str) and target != rel and target in files_set:
            excluded += 1  # an alias of a file analysed under its own name
            continue
        kept.append(rel)
    ext = sorted({rel for rel in extensions if rx is None or not rx.match(rel)})
    return Discovery(tuple(kept), excluded, tuple(ext))
