"""Scores (design §5): property tests over random file and finding sets, areas, the
worked example in docs/scoring.md, and the score of a real pipeline run."""

from __future__ import annotations

import re
from fractions import Fraction
from math import floor
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_on
from ssotcheck import config as cfgmod
from ssotcheck.areas import OTHER, AreaMap
from ssotcheck.catalogue import make_finding
from ssotcheck.model import AreaScore, Finding, Location, Scores, Severity, percent
from ssotcheck.scoring import compute

REPO = Path(__file__).resolve().parents[1]
RULES = ("SSOT000", "SSOT101", "SSOT102", "SSOT103", "SSOT201", "SSOT203", "SSOT204",
         "SSOT301")
AREA_DIRS = {"pkg": "production", "tests": "tests", "tools": "tools"}
CONFIG = cfgmod.from_mapping(
    {"areas": {"production": ["pkg/**"], "tests": ["tests/**"], "tools": ["tools/**"]}},
    Path("/nonexistent-project"))
AREA_OF = AreaMap(CONFIG)

paths = st.builds(lambda d, n: f"{d}/m{n}.py", st.sampled_from(sorted(AREA_DIRS) + ["misc"]),
                  st.integers(0, 12))
file_sets = st.sets(paths, min_size=0, max_size=30)
severities = st.sampled_from(list(Severity))


def finding(path: str, rule: str = "SSOT101", severity: Severity = Severity.ERROR,
            line: int = 1) -> Finding:
    return make_finding(rule, f"{rule} at {path}:{line}", Location(path, line),
                        severity=severity, key=f"{line}")


finding_specs = st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(RULES), severities,
                                   st.integers(1, 500)), max_size=40)


@st.composite
def files_and_findings(draw: st.DrawFn) -> tuple[list[str], list[Finding]]:
    files = sorted(draw(file_sets))
    specs = draw(finding_specs) if files else []
    return files, [finding(files[i % len(files)], rule, sev, line)
                   for i, rule, sev, line in specs]


def counted_per_area(files: list[str], findings: list[Finding]) -> dict[str, list[Finding]]:
    fileset = set(files)
    out: dict[str, list[Finding]] = {}
    for f in findings:
        if f.severity.counts and f.path in fileset:
            out.setdefault(AREA_OF(f.path), []).append(f)
    return out


def all_scores(s: Scores) -> list[float]:
    return [a.score for a in s.areas] + [s.overall]


# ------------------------------------------------------------------------ properties


@settings(max_examples=200, deadline=None)
@given(files_and_findings())
def test_every_score_is_within_0_and_100(data: tuple[list[str], list[Finding]]) -> None:
    files, findings = data
    s = compute(files, findings, AREA_OF)
    for score in all_scores(s):
        assert 0.0 <= score <= 100.0
        assert round(score, 1) == score  # one decimal, so every format prints it exactly


@settings(max_examples=200, deadline=None)
@given(files_and_findings())
def test_100_exactly_when_the_area_has_no_counted_finding(
        data: tuple[list[str], list[Finding]]) -> None:
    files, findings = data
    s = compute(files, findings, AREA_OF)
    counted = counted_per_area(files, findings)
    for a in s.areas:
        assert (a.score == 100.0) == (a.name not in counted), a
    assert (s.overall == 100.0) == (not counted)


@settings(max_examples=200, deadline=None)
@given(files_and_findings(), st.data())
def test_adding_a_finding_never_raises_any_score(data: tuple[list[str], list[Finding]],
                                                 extra: st.DataObject) -> None:
    files, findings = data
    if not files:
        return
    new = finding(extra.draw(st.sampled_from(files)), extra.draw(st.sampled_from(RULES)),
                  extra.draw(severities), extra.draw(st.integers(1, 500)))
    before = compute(files, findings, AREA_OF)
    after = compute(files, [*findings, new], AREA_OF)
    assert [a.name for a in before.areas] == [a.name for a in after.areas]
    for b, a in zip(before.areas, after.areas):
        assert a.score <= b.score
        assert a.violations >= b.violations
    assert after.overall <= before.overall
    if new.severity.counts:
        area = next(a for a in after.areas if a.name == AREA_OF(new.path))
        assert area.score < 100.0


@settings(max_examples=200, deadline=None)
@given(files_and_findings())
def test_files_with_violations_never_exceed_files(data: tuple[list[str], list[Finding]]) -> None:
    files, findings = data
    s = compute(files, findings, AREA_OF)
    counted = counted_per_area(files, findings)
    for a in s.areas:
        assert 0 <= a.files_with_violations <= a.files
        assert a.files_with_violations <= a.violations
        assert a.files == sum(1 for p in files if AREA_OF(p) == a.name)
        assert a.files_with_violations == len({f.path for f in counted.get(a.name, [])})
        assert a.violations == len(counted.get(a.name, []))
    assert s.files == len(files) == sum(a.files for a in s.areas)
    assert s.files_with_violations == sum(a.files_with_violations for a in s.areas) <= s.files
    assert s.violations == sum(a.violations for a in s.areas)


@settings(max_examples=200, deadline=None)
@given(files_and_findings())
def test_overall_is_the_file_weighted_mean_between_lowest_and_highest_area(
        data: tuple[list[str], list[Finding]]) -> None:
    files, findings = data
    s = compute(files, findings, AREA_OF)
    if not s.areas:
        assert s.overall == 100.0 and s.files == 0
        return
    assert min(a.score for a in s.areas) <= s.overall <= max(a.score for a in s.areas)
    exact = sum((Fraction(a.files - a.files_with_violations, a.files) * a.files
                 for a in s.areas), Fraction(0)) / s.files
    assert s.overall == floor(exact * 1000) / 10


@settings(max_examples=200, deadline=None)
@given(files_and_findings())
def test_info_findings_and_findings_outside_the_files_do_not_change_scores(
        data: tuple[list[str], list[Finding]]) -> None:
    files, findings = data
    base = compute(files, findings, AREA_OF)
    noise = [finding(p, severity=Severity.INFO) for p in files]
    noise.append(finding("elsewhere/not_scored.py"))
    assert compute(files, [*findings, *noise], AREA_OF) == base


@given(st.integers(1, 100_000), st.data())
def test_percent_floors_so_100_means_no_bad_file(files: int, data: st.DataObject) -> None:
    bad = data.draw(st.integers(0, files))
    score = percent(files, bad)
    assert (score == 100.0) == (bad == 0)
    assert (score == 0.0) == (bad == files or 1000 * (files - bad) < files)
    assert round(score * 10) * files <= 1000 * (files - bad)  # never rounded up


def test_percent_examples() -> None:
    assert percent(5000, 1) == 99.9  # ordinary rounding would claim 100.0
    assert percent(3, 1) == 66.6
    assert percent(3, 2) == 33.3
    assert percent(7, 0) == 100.0
    assert percent(0, 0) == 100.0
    assert percent(4, 9) == 0.0  # clamped: more bad files than files cannot go negative


def test_empty_scope_scores_100_with_no_areas() -> None:
    s = compute([], [], AREA_OF)
    assert s.areas == () and s.files == 0 and s.overall == 100.0


# --------------------------------------------------------------------------- areas


def test_first_matching_area_wins_and_unmatched_files_go_to_other() -> None:
    cfg = cfgmod.from_mapping(
        {"areas": {"legacy": ["pkg/old/**"], "production": ["pkg/**"], "tests": ["**/test_*.py"]}},
        Path("/x"))
    area = AreaMap(cfg)
    assert area("pkg/old/a.py") == "legacy"
    assert area("pkg/old/test_a.py") == "legacy"  # first match wins, even over tests
    assert area("pkg/new/test_b.py") == "production"
    assert area("scripts/test_c.py") == "tests"
    assert area("scripts/run.py") == OTHER
    assert area.names == ("legacy", "production", "tests")


def test_areas_are_listed_in_configured_order_then_other() -> None:
    cfg = cfgmod.from_mapping({"areas": {"zeta": ["z/**"], "alpha": ["a/**"]}}, Path("/x"))
    files = ["a/1.py", "misc/2.py", "z/3.py"]
    s = compute(files, [], AreaMap(cfg))
    assert [a.name for a in s.areas] == ["zeta", "alpha", "other"]
    s = compute(files, [], AreaMap(cfg), order=("alpha",))
    assert [a.name for a in s.areas] == ["alpha", "other", "zeta"]
    assert [a.name for a in compute(files, [], lambda p: p[0]).areas] == ["a", "m", "z"]


def test_default_areas_follow_pytest_conventions() -> None:
    area = AreaMap(cfgmod.from_mapping({}, Path("/x")))
    for path in ("tests/unit/helpers.py", "pkg/tests/test_x.py", "pkg/test_x.py",
                 "pkg/x_test.py", "pkg/conftest.py", "conftest.py"):
        assert area(path) == "tests", path
    for path in ("pkg/core.py", "setup.py", "pkg/testing_utils.py"):
        assert area(path) == "production", path


# ------------------------------------------------------------------------ docs


def test_worked_example_in_docs_matches_the_code() -> None:
    """docs/scoring.md's table must be what the scorer computes for its inputs."""
    files = ([f"mypkg/m{i}.py" for i in range(1200)] + [f"tests/t{i}.py" for i in range(800)]
             + [f"scripts/s{i}.py" for i in range(40)])
    cfg = cfgmod.from_mapping({"areas": {"production": ["mypkg/**"], "tests": ["tests/**"]}},
                              Path("/x"))
    findings = [finding(f"mypkg/m{i % 37}.py", line=i) for i in range(52)]
    findings += [finding(f"tests/t{i % 120}.py", "SSOT301", line=i) for i in range(140)]
    findings += [finding(f"scripts/s{i}.py", severity=Severity.INFO) for i in range(3)]
    s = compute(files, findings, AreaMap(cfg))
    assert s.areas == (AreaScore("production", 1200, 37, 52), AreaScore("tests", 800, 120, 140),
                       AreaScore("other", 40, 0, 0))
    doc = (REPO / "docs" / "scoring.md").read_text(encoding="utf-8")
    rows = {m.group(1): m for m in re.finditer(
        r"^\| (\w+) \| ([\d,]+) \| (\d+) \| (\d+) \| .*\*\*([\d.]+)%\*\* \|$", doc, re.M)}
    expected = {a.name: a for a in s.areas}
    expected["overall"] = AreaScore("overall", s.files, s.files_with_violations, s.violations)
    assert set(rows) == set(expected)
    for name, a in expected.items():
        m = rows[name]
        assert int(m.group(2).replace(",", "")) == a.files
        assert (int(m.group(3)), int(m.group(4))) == (a.files_with_violations, a.violations)
        assert float(m.group(5)) == a.score
    assert s.overall == 92.3


# -------------------------------------------------------------------- real pipeline


def test_pipeline_scores_a_failed_file_as_non_compliant(make_project) -> None:
    root = make_project({
        "pkg/__init__.py": "",
        "pkg/good.py": "X = 1\n",
        "pkg/broken.py": "def f(:\n    pass\n",
        "tests/test_ok.py": "def test_x():\n    assert True\n",
    })
    result = run_on(root)
    areas = {a.name: a for a in result.scores.areas}
    assert set(areas) == {"production", "tests"}
    assert areas["production"] == AreaScore("production", 3, 1, 1)
    assert areas["production"].score == 66.6
    assert areas["tests"].score == 100.0
    assert result.scores.files == 4 and result.scores.overall == 75.0
    assert [f.rule for f in result.findings] == ["SSOT000"]
    assert result.findings[0].area == "production"
