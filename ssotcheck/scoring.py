"""Per-area compliance scores (design §5; the formula and a worked example are in
docs/scoring.md).

Area score = share of the area's analysed files with no counted (error/warning) finding.
Overall = file-weighted mean of the area scores, i.e. the same share over all files, so
it always lies between the lowest and the highest area score. Both are floored to 0.1
by `model.percent`, so 100.0 means exactly "no counted finding".
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

from ssotcheck.areas import OTHER
from ssotcheck.model import AreaScore, Finding, Scores


def compute(files: Iterable[str], findings: Iterable[Finding],
            area_of: Callable[[str], str], order: Sequence[str] | None = None,
            failed: Iterable[str] = ()) -> Scores:
    """Scores of `files` given `findings`.

    Areas are listed in `order` (default: the order `area_of` declares in its `names`,
    i.e. the configuration's), then `other`, then any remaining name alphabetically.
    Areas without files are left out: "100% (0 files)" helps nobody.
    `failed` lists files that could not be parsed but carry no SSOT000 finding (the rule
    was deselected): they still count as non-compliant, as design §5 requires.
    """
    per_area_files: dict[str, set[str]] = {}
    for path in files:
        per_area_files.setdefault(area_of(path), set()).add(path)
    # Counted findings per file first: 10^4 findings fall in a few thousand files, so the
    # area of each file is asked once, not once per finding.
    per_path: dict[str, int] = {}
    for f in findings:
        if f.counts:
            path = f.location.path
            per_path[path] = per_path.get(path, 0) + 1
    bad: dict[str, set[str]] = {}
    counts: dict[str, int] = {}
    for path, n in per_path.items():
        area = area_of(path)
        if path not in per_area_files.get(area, ()):
            continue  # a finding outside the scored files cannot lower their score
        bad.setdefault(area, set()).add(path)
        counts[area] = counts.get(area, 0) + n
    for path in failed:
        area = area_of(path)
        if path in per_area_files.get(area, ()):
            bad.setdefault(area, set()).add(path)
    if order is None:
        order = tuple(getattr(area_of, "names", ()))
    rank: dict[str, int] = {}
    for name in (*order, OTHER):
        rank.setdefault(name, len(rank))
    areas = tuple(
        AreaScore(name, len(paths), len(bad.get(name, ())), counts.get(name, 0))
        for name, paths in sorted(per_area_files.items(),
                                  key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))
    )
    return Scores(
        areas=areas,
        files=sum(a.files for a in areas),
        files_with_violations=sum(a.files_with_violations for a in areas),
        violations=sum(a.violations for a in areas),
    )
