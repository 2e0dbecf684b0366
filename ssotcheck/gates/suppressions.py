"""Inline suppressions: `# ssotcheck: ignore[SSOT201]`, `# noqa: SSOT201`, `# ssotcheck: ignore-file`."""

from __future__ import annotations

from typing import Mapping

from ssotcheck.model import Finding, SuppressionTable


def _suppressed(finding: Finding, table: dict[int, tuple[str, ...]]) -> bool:
    for line in (0, finding.location.line):
        codes = table.get(line)
        if codes is not None and any(finding.rule.startswith(c) for c in codes):
            return True
    return False


def apply(findings: list[Finding], per_file: Mapping[str, SuppressionTable]) -> tuple[list[Finding], int]:
    """Findings left after inline suppressions, and how many were suppressed.
    SSOT000 cannot be suppressed inline: the file's comments were never read."""
    kept: list[Finding] = []
    dropped = 0
    tables: dict[str, dict[int, tuple[str, ...]]] = {}
    for f in findings:
        entries = per_file.get(f.path)
        if not entries or f.rule == "SSOT000":
            kept.append(f)
            continue
        table = tables.get(f.path)
        if table is None:
            table = {}
            for line, codes in entries:
                table[line] = table.get(line, ()) + codes
            tables[f.path] = table
        if _suppressed(f, table):
            dropped += 1
        else:
            kept.append(f)
    return kept, dropped
