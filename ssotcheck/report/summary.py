"""Numbers every renderer shows, computed once so the formats cannot disagree.

Every number a renderer prints beside a score (per area, per rule, overall) comes from
here or from `Scores`; renderers only format them. The cross-format agreement test in
tests/test_reports.py parses the numbers back out of each format to hold them to that.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

from ssotcheck import catalogue
from ssotcheck.areas import AreaMap
from ssotcheck.model import AreaScore, Concept, Finding, Location, Scores
from ssotcheck.report import REGISTER_ROWS
from ssotcheck.scoring import compute

if TYPE_CHECKING:
    from ssotcheck.pipeline import RunResult

SCHEMA_VERSION = 1

# The tool's commands a reader can run next; text, Markdown and HTML all show them.
NEXT_STEPS: tuple[tuple[str, str], ...] = (
    ("ssotcheck explain RULE", "what a rule means and how to fix it"),
    ("ssotcheck fix --diff", "preview automatic fixes"),
    ("ssotcheck baseline", "accept today's findings; fail only on new ones"),
    ("ssotcheck report --format html -o ssot.html", "a shareable, self-contained report"),
)


@dataclass(frozen=True)
class RuleCount:
    rule: str
    name: str
    severity: str  # the catalogue default; a check may raise or lower single findings
    findings: int  # every finding of the rule, info included
    violations: int  # the error/warning ones: what the area scores count
    files: int  # distinct files with a violation of the rule


def rule_counts(findings: Iterable[Finding]) -> list[RuleCount]:
    """Per rule, in id order. `violations` sum to the scores' violations, so a rule table
    and an area table of one run add up to the same total."""
    per_rule: dict[str, list[Finding]] = {}
    for f in findings:
        per_rule.setdefault(f.rule, []).append(f)
    out = []
    for rule_id in sorted(per_rule):
        fs = per_rule[rule_id]
        bad = [f for f in fs if f.counts]
        rule = catalogue.get(rule_id)
        out.append(RuleCount(rule_id, rule.name, rule.severity.value, len(fs), len(bad),
                             len({f.path for f in bad})))
    return out


def top_files(findings: Iterable[Finding], n: int = 10) -> list[tuple[str, int]]:
    counts = Counter(f.path for f in findings if f.counts)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def format_score(score: float) -> str:
    return f"{score:.1f}%"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def violations_phrase(files: int, files_with_violations: int, violations: int) -> str:
    """`N violations in M of F files`: the one wording every format uses beside a score."""
    return (f"{plural(violations, 'violation')} in {files_with_violations} of "
            f"{plural(files, 'file')}")


def score_headline(scores: Scores) -> str:
    return (f"{format_score(scores.overall)} compliant: "
            + violations_phrase(scores.files, scores.files_with_violations, scores.violations))


def area_rows(scores: Scores) -> list[AreaScore]:
    """The area table's rows, then an `overall` row built from the same totals."""
    return [*scores.areas, overall_row(scores)]


def overall_row(scores: Scores) -> AreaScore:
    # AreaScore.score and Scores.overall are both `percent(files, bad)`, so this row's
    # score is the overall score by construction, not by a second computation.
    return AreaScore("overall", scores.files, scores.files_with_violations, scores.violations)


def rule_area_findings(result: RunResult) -> list[tuple[str, str, list[Finding]]]:
    """(rule, area, findings) for every enabled rule x every scored area, findings sorted.

    Pairs with no finding are included: a CI dashboard shows them as passing checks.
    """
    by_pair: dict[tuple[str, str], list[Finding]] = {}
    for f in result.findings:
        by_pair.setdefault((f.rule, f.area), []).append(f)
    rules = [r for r in catalogue.rules() if result.config.rule_enabled(r)]
    rules += sorted({f.rule for f in result.findings} - set(rules))
    areas = [a.name for a in result.scores.areas]
    areas += sorted({f.area for f in result.findings} - set(areas))
    return [(rule, area, by_pair.get((rule, area), [])) for area in areas for rule in sorted(rules)]


def stale_count(result: RunResult) -> int:
    """Baselined findings that no longer occur (what `ssotcheck baseline` would drop)."""
    return sum(e.count for e in result.baseline_stale)


def fix_available(findings: Iterable[Finding]) -> bool:
    return any(f.fix is not None for f in findings)


# XML 1.0 forbids most C0 controls even as character references, and an HTML parser
# turns NUL into U+FFFD anyway; syntax-error messages can quote such bytes from source.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def printable(text: str) -> str:
    """`text` with characters XML cannot carry shown as `\\xNN` escapes."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", text)


# ----------------------------------------------------------- big-repository summaries
#
# On a real monorepo a report has 10^4 findings and 10^2 split concepts; the summary
# views (text report, Markdown, HTML's first screen) show the top of each list and say
# how to see the rest. What "top" means is decided here, once, so the formats agree.

LISTED_HOMES = 5  # homes a collapsed register row names; the rest are counted per area
DIRECTORY_DEPTH = 2  # `pkg/agents/x/y.py` is scored under `pkg/agents` ...
SPLIT_SHARE = 0.25  # ... unless `pkg/agents` holds more than a quarter of the files
MIN_SPLIT = 50


def is_test_area(name: str) -> bool:
    """Areas whose homes a register row counts rather than lists when production homes
    exist (the default `tests` area, and names such as `Test Files` or `integration-tests`)."""
    return "test" in name.lower()


@dataclass(frozen=True)
class RegisterRow:
    """One split concept as a summary shows it: a few homes named, the rest counted."""

    name: str
    kind: str
    spread: int
    canonical: str | None
    homes: int  # every home (a file may hold two)
    listed: tuple[Location, ...]  # canonical first, then production homes in path order
    rest: tuple[tuple[str, int], ...]  # (area, homes not listed), most first
    listed_areas: tuple[str, ...] = ()  # areas of the listed homes

    def rest_phrase(self) -> str:
        """`+160 in tests, 3 in scripts` (`N more in production` for a listed area)."""
        parts = [f"{n} {'more ' if area in self.listed_areas else ''}in {area}"
                 for area, n in self.rest]
        # "+157" stays one word, so a wrapped cell never ends in a lone "+".
        return ("+" + ", ".join(parts)) if parts else ""


def register_row(concept: Concept, area_of: Callable[[str], str],
                 limit: int = LISTED_HOMES) -> RegisterRow:
    homes = sorted(concept.homes, key=lambda h: (h.message != "canonical", h.path, h.line))
    areas = [area_of(h.path) for h in homes]
    primary = [h for h, a in zip(homes, areas) if not is_test_area(a)] or homes
    listed = primary[:limit]
    shown = {id(h) for h in listed}
    rest = Counter(a for h, a in zip(homes, areas) if id(h) not in shown)
    return RegisterRow(concept.name, concept.kind, concept.spread, concept.canonical,
                       len(homes), tuple(listed),
                       tuple(sorted(rest.items(), key=lambda kv: (-kv[1], kv[0]))),
                       tuple(sorted({a for h, a in zip(homes, areas) if id(h) in shown})))


def register(result: RunResult, limit: int | None = REGISTER_ROWS) -> list[RegisterRow]:
    """The first `limit` register rows (None: all), most spread first as the run sorted
    them."""
    area_of = AreaMap(result.config)
    concepts = result.concepts if limit is None else result.concepts[:limit]
    return [register_row(c, area_of) for c in concepts]


def register_title(shown: int, total: int) -> str:
    return (f"Split concepts: {total}, most spread first" if shown == total
            else f"Split concepts: top {shown} of {total}, most spread first")


def home_label(h: Location) -> str:
    return f"{h.path}:{h.line}" + (" (canonical)" if h.message == "canonical" else "")


def directory_of(path: str, depth: int = DIRECTORY_DEPTH) -> str:
    parts = path.split("/")[:-1][:depth]
    return "/".join(parts) or "."


def directory_groups(paths: Iterable[str], depth: int = DIRECTORY_DEPTH,
                     share: float = SPLIT_SHARE) -> dict[str, str]:
    """path -> the folder it is scored under: its folder `depth` levels deep, except that a
    folder holding more than `share` of the files (and more than MIN_SPLIT) is split
    into its subfolders, again and again. So `lib/sqlalchemy` (nearly all of SQLAlchemy)
    becomes `lib/sqlalchemy/orm`, `lib/sqlalchemy/sql`, ...; files directly inside a split
    folder stay under its name. Every file is in exactly one group, so a directory
    table adds up to the overall row."""
    paths = list(paths)
    level = {p: depth for p in paths}
    group = {p: directory_of(p, depth) for p in paths}
    limit = max(MIN_SPLIT, share * len(paths))
    while True:
        sizes = Counter(group.values())
        big = {g for g, n in sizes.items() if n > limit}
        moved = False
        for g in big:
            members = [p for p in paths if group[p] == g]
            deepest = max(p.count("/") for p in members)
            d = level[members[0]]
            # descend through folders with one subfolder until the group splits
            while d < deepest:
                d += 1
                if len({directory_of(p, d) for p in members}) > 1:
                    break
            if len({directory_of(p, d) for p in members}) > 1:
                for p in members:
                    level[p], group[p] = d, directory_of(p, d)
                moved = True
        if not moved:
            return group


def directory_scores(result: RunResult, depth: int = DIRECTORY_DEPTH) -> list[AreaScore]:
    """Compliance per folder (see `directory_groups`), worst first: most non-compliant
    files (what costs the overall score), then most violations, then path. The same
    formula as the area scores, so a directory table adds up to the overall row."""
    groups = directory_groups(result.scope, depth)
    scores = compute(result.scope, result.findings,
                     lambda p: groups.get(p) or directory_of(p, depth), order=(),
                     failed=result.failed)
    return sorted(scores.areas, key=lambda a: (-a.files_with_violations, -a.violations, a.name))


def left_out(result: RunResult, findings_shown: int, concepts_shown: int) -> str:
    """What a capped summary did not show, or "" when it showed everything."""
    parts = []
    if len(result.findings) > findings_shown:
        parts.append(plural(len(result.findings) - findings_shown, "finding"))
    if len(result.concepts) > concepts_shown:
        parts.append(plural(len(result.concepts) - concepts_shown, "split concept"))
    return ", ".join(parts)
