"""Renderers: RunResult -> text in one format. One module per format."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ssotcheck.pipeline import RunResult

FORMATS = ("text", "json", "sarif", "github", "junit", "markdown", "html")


def render(result: RunResult, fmt: str, *, color: bool = False, width: int = 100,
           full: bool = True) -> str:
    """`full` is the `report` view (tables, register, next steps); `check` shows findings."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    module = importlib.import_module(f"ssotcheck.report.{fmt}_format")
    return module.render(result, color=color, width=width, full=full)
