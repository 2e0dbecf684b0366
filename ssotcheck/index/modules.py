"""File path -> dotted module name, honouring `src` roots and src layouts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ModuleInfo:
    name: str
    path: str
    is_package: bool


def source_roots(root: Path, configured: tuple[str, ...]) -> tuple[str, ...]:
    """Normalised roots, longest first. `src/` is added when the project uses a src layout."""
    roots = {r.strip("/").removeprefix("./") if r not in (".", "./") else "" for r in configured}
    if configured == (".",) and (root / "src").is_dir() and not (root / "src" / "__init__.py").exists():
        roots.add("src")
    # Files outside every configured root (tests/, scripts/ beside src/) are still modules to
    # the rules, named from the project root, rather than silently dropped.
    roots.add("")
    return tuple(sorted(roots, key=lambda r: (-len(r), r)))


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
