"""Per-area compliance scores (design §5).

Area score = share of the area's analysed files with no counted (error/warning) finding.
Overall = file-weighted mean of the area scores, i.e. the same share over all files.
"""

from __future__ import annotations

from typing import Callable, Iterable

from ssotcheck.model import AreaScore, Finding, Scores


def compute(files: Iterable[str], findings: Iterable[Finding],
            area_of: Callable[[str], str]) -> Scores:
    per_area_files: dict[str, set[str]] = {}
    for path in files:
        per_area_files.setdefault(area_of(path), set()).add(path)
    bad: dict[str, set[str]] = {}
    counts: dict[str, int] = {}
    for f in findings:
        if not f.severity.counts:
            continue
        area = area_of(f.path)
        if f.path not in per_area_files.get(area, ()):
            continue  # a finding outside the scored files cannot lower their score
        bad.setdefault(area, set()).add(f.path)
        counts[area] = counts.get(area, 0) + 1
    areas = tuple(
        AreaScore(name, len(paths), len(bad.get(name, ())), counts.get(name, 0))
        for name, paths in sorted(per_area_files.items())
    )
    return Scores(
        areas=areas,
        files=sum(a.files for a in areas),
        files_with_violations=sum(a.files_with_violations for a in areas),
        violations=sum(a.violations for a in areas),
    )
