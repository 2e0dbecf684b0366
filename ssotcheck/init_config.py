"""`ssotcheck init`: a starter configuration from what the project looks like."""

from __future__ import annotations

from pathlib import Path

TEMPLATE = """\
# ssotcheck configuration. Every key is documented in docs/configuration.md.
[tool.ssotcheck]
src = [{src}]
exclude = ["**/migrations/**", "build/**", "dist/**"]
# fail-under = 95.0
# baseline = ".ssotcheck-baseline.json"

[tool.ssotcheck.areas]            # first match wins; unmatched files -> "other"
tests = ["tests/**", "**/test_*.py", "**/*_test.py", "**/conftest.py"]
{areas}
[tool.ssotcheck.canonical]        # concept -> its single home module
# ExecutionStatus = "mypkg.schemas.core_enums"

[tool.ssotcheck.legacy-imports]   # old path -> canonical path
# "mypkg.websocket.manager" = "mypkg.websocket.websocket_manager"

[tool.ssotcheck.events]
discriminators = ["type", "event_type"]

[tool.ssotcheck.tests]
base-classes = []                 # e.g. ["test_framework.ssot.base.SSotBaseTestCase"]

# [tool.ssotcheck.banned-api."os.environ"]
# use = "mypkg.config.get_env"
# allow = ["mypkg/config.py"]
"""


def _packages(root: Path) -> list[str]:
    base = root / "src" if (root / "src").is_dir() else root
    out = []
    for d in sorted(base.iterdir()):
        if d.is_dir() and (d / "__init__.py").exists() and d.name not in ("tests", "test"):
            out.append(d.relative_to(root).as_posix())
    return out


def write_starter(root: Path, force: bool = False) -> str:
    target = root / "ssotcheck.toml"
    if target.exists() and not force:
        return f"{target} already exists (use --force to overwrite)"
    pkgs = _packages(root)
    areas = "".join(f'{Path(p).name} = ["{p}/**"]\n' for p in pkgs)
    src = '"src"' if (root / "src").is_dir() else '"."'
    target.write_text(TEMPLATE.format(src=src, areas=areas), encoding="utf-8")
    return f"wrote {target} ({len(pkgs)} package area{'s' if len(pkgs) != 1 else ''})"
