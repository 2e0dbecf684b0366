"""Numbers every renderer shows, computed once so the formats cannot disagree.

Every number a renderer prints beside a score (per area, per rule, overall) comes from
here or from `Scores`; renderers only format them. The cross-format agreement test in
tests/test_reports.py parses the numbers back out of each format to hold them to that.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from ssotcheck import catalogue
from ssotcheck.model import AreaScore, Finding, Scores

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
        bad = [f for f in fs if f.severity.counts]
        rule = catalogue.get(rule_id)
        out.append(RuleCount(rule_id, rule.name, rule.severity.value, len(fs), len(bad),
                             len({f.path for f in bad})))
    return out


def top_files(findings: Iterable[Finding], n: int = 10) -> list[tuple[str, int]]:
    counts = Counter(f.path for f in findings if f.severity.counts)
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


def fix_available(findings: Iterable[Finding]) -> bool:
    return any(f.fix is not None for f in findings)


# XML 1.0 forbids most C0 controls even as character references, and an HTML parser
# turns NUL into U+FFFD anyway; syntax-error messages can quote such bytes from source.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def printable(text: str) -> str:
    """`text` with characters XML cannot carry shown as `\\xNN` escapes."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", text)
