"""Shared test helpers: build a throwaway project on disk and run the real pipeline on it."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import settings

from ssotcheck import config as cfgmod
from ssotcheck.pipeline import RunOptions, RunResult, run

FIXTURES = Path(__file__).parent / "fixtures"

# tests/fixtures holds input projects for ssotcheck, not tests of this repository: their
# `test_*.py` files import packages that exist only inside each fixture project.
collect_ignore = ["fixtures"]

# CI gets one shot per submission: there, property tests replay a fixed sequence of
# examples (a failure is then reproducible from the log); locally they explore afresh.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` (relative path -> text, dedented, or raw bytes) under `root`."""
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def run_on(root: Path, *, jobs: int = 1, paths: tuple[str, ...] = (), use_cache: bool = False,
           cache_dir: Path | None = None) -> RunResult:
    """Load the project's config the way the CLI does and run the whole pipeline."""
    found = cfgmod.find_config_file(root.resolve())
    config = cfgmod.load(found, root) if found else cfgmod.from_mapping({}, root.resolve())
    return run(config, RunOptions(paths=paths, jobs=jobs, use_cache=use_cache,
                                  cache_dir=cache_dir))


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """`make_project({"pkg/a.py": "..."}, config='[tool.ssotcheck]\\n...')` -> project root."""

    def make(files: dict[str, str | bytes], config: str | None = None) -> Path:
        root = tmp_path / "proj"
        root.mkdir(exist_ok=True)
        write_tree(root, files)
        if config is not None:
            (root / "pyproject.toml").write_text(textwrap.dedent(config).lstrip("\n"),
                                                 encoding="utf-8")
        return root

    return make


def mirrored_packages(skip: str) -> dict[str, str]:
    """Empty `app/client/schemas/*.py` and `app/server/schemas/*.py` modules at the same
    paths (but `skip`, which the test fills in): two packages that mirror each other."""
    return {f"app/{side}/schemas/{m}.py": "" for side in ("client", "server")
            for m in ("actions", "filters", "responses", "sorting") if m != skip}


def plugin_host(names: tuple[str, ...] = ("hue", "nest", "ring", "sonos", "tado", "plex")
                ) -> dict[str, str]:
    """`app/components/<name>/` packages, each with its own (empty) `const.py`: a plugin
    host whose sub-packages are independent plugins."""
    files = {"app/__init__.py": "", "app/components/__init__.py": ""}
    for n in names:
        files[f"app/components/{n}/__init__.py"] = ""
        files[f"app/components/{n}/const.py"] = ""
    return files
