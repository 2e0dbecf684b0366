"""Renderers: RunResult -> text in one format. One module per format."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ssotcheck.pipeline import RunResult

FORMATS = ("text", "json", "sarif", "github", "junit", "markdown", "html")
# `check --output-format`: how text findings are laid out (ruff's names).
TEXT_LAYOUTS = ("full", "concise", "grouped")
REGISTER_ROWS = 25  # register rows a summary shows; `report --concepts all` for every one


@dataclass(frozen=True)
class RenderOptions:
    """What a reader asked to see; each renderer reads the fields that concern it."""

    findings: bool = False  # text report: list every finding after the summary
    concepts: int | None = REGISTER_ROWS  # register rows in the text report (None: all of them)
    layout: str = "full"  # text findings: full | concise | grouped
    show_related: bool | None = None  # None: the layout's default (concise: no)

    def related(self) -> bool:
        return self.layout != "concise" if self.show_related is None else self.show_related


def render(result: RunResult, fmt: str, *, color: bool = False, width: int = 100,
           full: bool = True, options: RenderOptions | None = None) -> str:
    """`full` is the `report` view (tables, register, next steps); `check` shows findings."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    module = importlib.import_module(f"ssotcheck.report.{fmt}_format")
    return module.render(result, color=color, width=width, full=full,
                         options=options or RenderOptions())
