"""File path -> dotted module name, honouring `src` roots and src layouts."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable


@dataclass(frozen=True, slots=True)
class ModuleInfo:
    name: str
    path: str
    is_package: bool


def source_roots(root: Path, configured: tuple[str, ...], paths: Iterable[str] = ()
                 ) -> tuple[str, ...]:
    """Normalised roots, longest first. Left at the default, `src/` is added when the
    project uses a src layout, and so are the project directories among `paths`
    (`project_dirs`)."""
    roots = {r.strip("/").removeprefix("./") if r not in (".", "./") else "" for r in configured}
    if configured == (".",):
        if (root / "src").is_dir() and not (root / "src" / "__init__.py").exists():
            roots.add("src")
        roots.update(project_dirs(tuple(paths), frozenset(roots)))
    # Files outside every configured root (tests/, scripts/ beside src/) are still modules to
    # the rules, named from the project root, rather than silently dropped.
    roots.add("")
    return tuple(sorted(roots, key=lambda r: (-len(r), r)))


def _is_package_dir(folder: str, inits: frozenset[str]) -> bool:
    return f"{folder}/__init__.py" in inits


def project_dirs(paths: tuple[str, ...], roots: frozenset[str] = frozenset()) -> frozenset[str]:
    return _project_dirs(paths, roots)[0]


def project_dir_clashes(paths: tuple[str, ...], roots: frozenset[str] = frozenset()
                        ) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The project directories `project_dirs` left out: (a top-level module name, the
    roots that would each give it, the project root as `""`), by name; what `-v` warns
    about."""
    return _project_dirs(paths, roots)[1]


# The index, the incremental re-check's `_inert` and `report -v` ask of one file list.
@functools.lru_cache(maxsize=4)
def _project_dirs(paths: tuple[str, ...], roots: frozenset[str]
                  ) -> tuple[frozenset[str], tuple[tuple[str, tuple[str, ...]], ...]]:
    """Directories that hold a project of their own, to name its modules from: a directory
    whose name is no Python identifier cannot be a package, so nothing imports
    `pysnmp-7.1.30.pysnmp`; the unpacked `pysnmp-7.1.30/` or a monorepo's
    `services/auth-service/` is where its packages are imported from (and its `src/`, in a
    src layout). Only a directory outside every package, with a package of its own, and
    only when no other root names a module the same way (two services that each hold
    `tests/` or `setup.py` keep the directory in their module names, so no file is lost to
    another's name: set `src` for such a layout)."""
    inits = frozenset(p for p in paths if p.endswith("/__init__.py") or p == "__init__.py")
    candidates: set[str] = set()
    for p in paths:
        parts = p.split("/")[:-1]
        for i, part in enumerate(parts):
            if part.isidentifier():
                continue
            folder = "/".join(parts[:i + 1])
            if any(_is_package_dir("/".join(parts[:j]), inits) for j in range(1, i + 1)):
                break  # inside a package: data of that package, not a project
            candidates.add(folder)
    # Directories directly holding a package (`pysnmp-7.1.30` for `pysnmp-7.1.30/pysnmp/`).
    holding = {init.rpartition("/")[0].rpartition("/")[0] for init in inits if "/" in init}
    found: set[str] = set()
    for folder in candidates:
        src = f"{folder}/src"
        has_src = src in holding and not _is_package_dir(src, inits)
        if folder in holding or has_src:
            found.add(folder)
            if has_src:
                found.add(src)
    if not found:
        return frozenset(), ()
    # Which top-level names each root would give; a root is taken only if none is shared.
    ordered = tuple(sorted(found | roots | {""}, key=lambda r: (-len(r), r)))
    tops: dict[str, set[str]] = {}
    for p in paths:
        root = next(r for r in ordered if r == "" or p.startswith(r + "/"))
        named = module_name(p, (root,))
        if named is not None:
            tops.setdefault(named[0].partition(".")[0], set()).add(_project_of(root, found))
    shared = {top: owners for top, owners in tops.items() if len(owners) > 1}
    clashing = {r for owners in shared.values() for r in owners}
    return (frozenset(r for r in found if _project_of(r, found) not in clashing),
            tuple((top, tuple(sorted(owners))) for top, owners in sorted(shared.items())
                  if owners & found))


def _project_of(root: str, found: set[str]) -> str:
    """A project directory's `src/` belongs to the project (its tests import from it)."""
    return root[:-len("/src")] if root.endswith("/src") and root[:-len("/src")] in found \
        else root


def module_name(rel_path: str, roots: tuple[str, ...]) -> tuple[str, bool] | None:
    """`pkg/sub/__init__.py` -> ("pkg.sub", True); None when no root contains the file."""
    for r in roots:
        if r == "":
            inner = rel_path
        elif rel_path.startswith(r + "/"):
            inner = rel_path[len(r) + 1:]
        else:
            continue
        parts = inner[:-3].split("/") if inner.endswith(".py") else inner.split("/")
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        if not parts:
            return None
        return ".".join(parts), is_package
    return None


def build_module_table(paths: tuple[str, ...] | list[str], roots: tuple[str, ...]) -> tuple[
        dict[str, ModuleInfo], dict[str, str]]:
    """Module table and path -> module map. On a clash the package (`a/__init__.py`) wins,
    as it does for the import system; otherwise the first path in sorted order."""
    modules: dict[str, ModuleInfo] = {}
    by_path: dict[str, str] = {}
    for p in sorted(paths):
        named = module_name(p, roots)
        if named is None:
            continue
        name, is_pkg = named
        existing = modules.get(name)
        if existing is not None and (existing.is_package or not is_pkg):
            by_path[p] = name
            continue
        modules[name] = ModuleInfo(name, p, is_pkg)
        by_path[p] = name
    return modules, by_path


def extension_module_names(paths: tuple[str, ...] | list[str], roots: tuple[str, ...]
                           ) -> frozenset[str]:
    """Module names of extension module files: `pkg/_speedups.pyx`, `pkg/_c.pyi`,
    `pkg/_c.cpython-311-x86_64-linux-gnu.so` all name `pkg._c...`."""
    out: set[str] = set()
    for p in paths:
        folder, _, name = p.rpartition("/")
        stem = name.partition(".")[0]
        if not stem or stem == "__init__":
            continue
        named = module_name(f"{folder}/{stem}.py" if folder else f"{stem}.py", roots)
        if named is not None:
            out.add(named[0])
    return frozenset(out)
