"""Renderers: every format of one run shows the same numbers (parsed back out of each
format's own output), and each format's own contract (escaping, caps, validity)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_on, write_tree
from ssotcheck import catalogue
from ssotcheck.areas import AreaMap
from ssotcheck.catalogue import make_finding
from ssotcheck.model import Concept, Finding, Fix, Location, Severity
from ssotcheck.pipeline import RunResult
from ssotcheck.report import FORMATS, RenderOptions, render
from ssotcheck.report import github_format, markdown_format
from ssotcheck.report import REGISTER_ROWS
from ssotcheck.report.summary import directory_scores, rule_area_findings, rule_counts
from ssotcheck.scoring import compute

PROJECT: dict[str, str | bytes] = {
    **{f"pkg/mod{i}.py": f"X{i} = {i}\n" for i in range(9)},
    **{f"tests/test_t{i}.py": "def test_x():\n    assert True\n" for i in range(5)},
    **{f"tools/tool{i}.py": "Y = 1\n" for i in range(3)},
    "pyproject.toml": '[tool.ssotcheck]\n[tool.ssotcheck.areas]\nproduction = ["pkg/**"]\n'
                      'tests = ["tests/**"]\n',
}
NASTY = ["a | b", "<script>alert(1)</script>", "50% done, really: yes", "line\nbreak",
         "`code` and ``more``", "[link](http://x)", "@someone #12", "tab\there", "ctl\x00\x1b",
         "emoji ✓ ü", "**bold** _it_", "&amp; &lt;", "}{ ]]> --> <!--"]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    """A real run on a clean project; examples below swap in synthetic findings."""
    root = write_tree(tmp_path_factory.mktemp("reports") / "proj", PROJECT)
    result = run_on(root)
    assert result.findings == () and result.scores.files == 17
    return result


def with_findings(base: RunResult, findings: list[Finding],
                  concepts: tuple[Concept, ...] = (), suppressed: int = 0,
                  scope: tuple[str, ...] | None = None) -> RunResult:
    area_of = AreaMap(base.config)
    scope = base.scope if scope is None else scope
    fs = sorted((replace(f, area=area_of(f.path)) for f in findings), key=Finding.sort_key)
    return replace(base, findings=tuple(fs), concepts=concepts, scope=scope,
                   scores=compute(scope, fs, area_of), suppressed=suppressed)


@st.composite
def runs(draw: st.DrawFn, base: RunResult) -> RunResult:
    # a random file set too: what `check PATHS` scores is a subset of the project
    files = sorted(draw(st.sets(st.sampled_from(base.scope), min_size=1)))
    rules = sorted(catalogue.rules())
    locs = st.builds(lambda p, line, col: Location(files[p % len(files)], line, col),
                     st.integers(0, 100), st.integers(1, 300), st.integers(0, 80))
    messages = st.one_of(st.sampled_from(NASTY), st.text(max_size=40))
    findings: list[Finding] = []
    for _ in range(draw(st.integers(0, 45))):
        findings.append(make_finding(
            draw(st.sampled_from(rules)), draw(messages), draw(locs),
            related=draw(st.lists(locs, max_size=3)),
            severity=draw(st.sampled_from(list(Severity))),
            fix=draw(st.one_of(st.none(), st.builds(Fix, messages, st.booleans()))),
            key=str(len(findings))))
    # names are unique (the register is keyed by name); up to 30 rows, so the text and
    # Markdown caps (25) are crossed too
    concepts = tuple(sorted((
        Concept(draw(st.sampled_from(["ExecutionStatus", "agent_started", "A|B", "<T>"])) + str(i),
                draw(st.sampled_from(["enum", "event", "class"])),
                tuple(draw(st.lists(locs, min_size=2, max_size=7))))
        for i in range(draw(st.integers(0, 30)))), key=lambda c: (-c.spread, c.kind, c.name)))
    return with_findings(base, findings, concepts, suppressed=draw(st.integers(0, 3)),
                         scope=tuple(files))


# ------------------------------------------------------------------- number parsers
#
# Each returns {"areas": {name: (files, files_with_violations, violations, score)},
#               "overall": (...same...), "rules": {rule: (findings, violations, files)}}
# read from the format's own output, never from the RunResult.

Row = tuple[int, int, int, float]


@dataclass
class Numbers:
    areas: dict[str, Row]
    overall: Row
    rules: dict[str, tuple[int, int, int]]
    # register rows a format shows: name -> (spread, homes); and per-directory rows
    concepts: dict[str, tuple[int, int]] = field(default_factory=dict)
    directories: dict[str, Row] = field(default_factory=dict)


def _pct(s: str) -> float:
    m = re.fullmatch(r"\s*(\d+\.\d)%\s*", s)
    assert m, f"not a score: {s!r}"
    return float(m.group(1))


def numbers_from_text(text: str) -> Numbers:
    lines = text.split("\n")
    areas: dict[str, Row] = {}
    rules: dict[str, tuple[int, int, int]] = {}
    section = None
    for line in lines:
        if line in ("Compliance by area", "Findings by rule"):
            section = line
            continue
        if not line.strip():
            section = None
            continue
        if section is None or "|" not in line or line.startswith(("area ", "rule ")):
            continue
        cells = [c.strip() for c in line.split("|")]
        if section == "Compliance by area":
            areas[cells[0]] = (int(cells[1]), int(cells[2]), int(cells[3]), _pct(cells[4]))
        else:
            rules[cells[0]] = (int(cells[3]), int(cells[4]), int(cells[5]))
    overall = areas.pop("overall")
    concepts = {name: (spread, homes) for name, (spread, homes, _) in text_register(text).items()}
    directories = {c[0]: (int(c[1]), int(c[2]), int(c[3]), _pct(c[4]))
                   for c in text_table(text, "Top offending directories")}
    head = re.search(r"^score (\d+\.\d)%: (\d+) violations? in (\d+) of (\d+) files?$", text, re.M)
    assert head, text[:300]
    assert (int(head.group(4)), int(head.group(3)), int(head.group(2)),
            float(head.group(1))) == overall
    tail = re.search(r"^\d+ findings? \(\d+ counted\) in (\d+) of (\d+) files?; score "
                     r"(\d+\.\d)%", text, re.M)
    assert tail and (int(tail.group(2)), int(tail.group(1)), float(tail.group(3))) == (
        overall[0], overall[1], overall[3])
    return Numbers(areas, overall, rules, concepts, directories)


def text_table(text: str, title_prefix: str, columns: int = 5) -> list[list[str]]:
    """Rows of a text table whose title starts with `title_prefix`; a row rich folded over
    several lines is joined back (its continuation lines have an empty first cell)."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.startswith(title_prefix)), None)
    if start is None:
        return []
    rows: list[list[str]] = []
    for line in lines[start + 3:]:  # title, header, rule
        if "|" not in line:
            break
        # split from the right: only the first cell (a user's name) may hold a `|`
        cells = [c.strip() for c in line.rsplit("|", columns - 1)]
        if rows and not cells[0]:
            rows[-1] = [(a + " " + b).strip() if b else a for a, b in zip(rows[-1], cells)]
        else:
            rows.append(cells)
    return rows


def text_register(text: str) -> dict[str, tuple[int, int, str]]:
    """name -> (spread, homes, rest phrase) of the text report's register rows."""
    out = {}
    for name, _kind, spread, homes in text_table(text, "Split concepts:", 4):
        listed, _, rest = homes.partition("; +")
        n = len(listed.split(", ")) + sum(int(m) for m in re.findall(r"(\d+) (?:more )?in ",
                                                                      rest))
        out[name] = (int(spread), n, "+" + rest if rest else "")
    return out


def numbers_from_json(text: str) -> Numbers:
    d = json.loads(text)
    areas = {a["name"]: (a["files"], a["files_with_violations"], a["violations"], a["score"])
             for a in d["areas"]}
    overall = (d["files_in_scope"], d["files_with_violations"], d["violations"], d["score"])
    rules = {r["rule"]: (r["findings"], r["violations"], r["files"]) for r in d["rules"]}
    concepts = {c["name"]: (c["spread"], len(c["homes"])) for c in d["concepts"]}
    directories = {x["path"]: (x["files"], x["files_with_violations"], x["violations"], x["score"])
                   for x in d["directories"]}
    return Numbers(areas, overall, rules, concepts, directories)


def numbers_from_sarif(text: str) -> Numbers:
    run = json.loads(text)["runs"][0]
    p = run["properties"]
    areas = {a["name"]: (a["files"], a["filesWithViolations"], a["violations"], a["score"])
             for a in p["areas"]}
    rules: dict[str, tuple[int, int, int]] = {}
    for rule in sorted({r["ruleId"] for r in run["results"]}):
        rs = [r for r in run["results"] if r["ruleId"] == rule]
        bad = [r for r in rs if r["level"] in ("error", "warning")]
        paths = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in bad}
        rules[rule] = (len(rs), len(bad), len(paths))
    concepts = {c["name"]: (c["spread"], len(c["homes"])) for c in p["splitConcepts"]}
    directories = {x["path"]: (x["files"], x["filesWithViolations"], x["violations"], x["score"])
                   for x in p["directories"]}
    return Numbers(areas, (p["filesInScope"], p["filesWithViolations"], p["violations"],
                           p["score"]), rules, concepts, directories)


def _md_table(text: str, heading: str) -> list[list[str]]:
    if f"### {heading}" not in text:
        return []
    block = text.split(f"### {heading}", 1)[1].split("\n\n", 2)[1]
    rows = [r for r in block.split("\n") if r.startswith("|")][2:]
    return [[c.strip().strip("*") for c in re.split(r"(?<!\\)\|", r)[1:-1]] for r in rows]


def numbers_from_markdown(text: str) -> Numbers:
    areas: dict[str, Row] = {}
    for cells in _md_table(text, "Compliance by area"):
        areas[cells[0].replace("\\", "")] = (int(cells[1]), int(cells[2]), int(cells[3]),
                                             _pct(cells[4]))
    rules = ({c[0]: (int(c[3]), int(c[4]), int(c[5])) for c in _md_table(text, "Findings by rule")}
             if "### Findings by rule" in text else {})
    overall = areas.pop("overall")
    head = re.search(r"^## ssotcheck: (\d+\.\d)% compliant$", text, re.M)
    assert head and float(head.group(1)) == overall[3]
    concepts = {name: (spread, homes) for name, (spread, homes, _) in md_register(text).items()}
    directories = {md_code(c[0]): (int(c[1]), int(c[2]), int(c[3]), _pct(c[4]))
                   for c in _md_table(text, "Top offending directories")}
    return Numbers(areas, overall, rules, concepts, directories)


def md_code(cell: str) -> str:
    """The text of a code span in a table cell (fences and the escaped `|` undone)."""
    cell = cell.strip()
    fence = len(cell) - len(cell.lstrip("`"))
    inner = cell[fence:len(cell) - fence]
    if inner.startswith(" ") and inner.endswith(" ") and inner.strip(" "):
        inner = inner[1:-1]
    return inner.replace("\\|", "|")


def md_register(text: str) -> dict[str, tuple[int, int, str]]:
    heading = next((line[4:] for line in text.split("\n") if line.startswith("### Split concepts")),
                   None)
    if heading is None:
        return {}
    out = {}
    for name, _kind, spread, homes in _md_table(text, heading):
        parts = homes.split("<br>")
        rest = parts.pop() if parts and not parts[-1].startswith("`") else ""
        rest = re.sub(r"\\(.)", r"\1", rest)
        n = len(parts) + sum(int(m) for m in re.findall(r"(\d+) (?:more )?in ", rest))
        out[md_code(name)] = (int(spread), n, rest)
    return out


class _Tables(HTMLParser):
    """Cell texts of every table by id, plus the text of elements that carry an id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.ids: dict[str, str] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._id_stack: list[tuple[str, str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        table_id = a.get("id")
        if tag == "table" and table_id:
            self._table = table_id
            self.tables[table_id] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []
        if a.get("id") and tag in ("span", "dd", "p"):
            self._id_stack.append((tag, a["id"] or "", []))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._table:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None
        if self._id_stack and self._id_stack[-1][0] == tag:
            _, ident, parts = self._id_stack.pop()
            self.ids[ident] = "".join(parts).strip()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        for _, _, parts in self._id_stack:
            parts.append(data)


def parse_html(text: str) -> _Tables:
    p = _Tables()
    p.feed(text)
    p.close()
    return p


def numbers_from_html(text: str) -> Numbers:
    page = parse_html(text)
    areas: dict[str, Row] = {}
    for cells in page.tables["areas-table"][1:]:
        # name, bar (no text), score, files, files with violations, violations
        areas[cells[0]] = (int(cells[3]), int(cells[4]), int(cells[5]), _pct(cells[2]))
    rules = {c[0]: (int(c[4]), int(c[5]), int(c[6]))
             for c in page.tables.get("rules-table", [])[1:]}
    overall = areas.pop("overall")
    assert _pct(page.ids["overall-score"]) == overall[3]
    # concept, kind, spread, homes, where, canonical
    concepts = {c[0]: (int(c[2]), int(c[3])) for c in page.tables.get("concepts-table", [])[1:]}
    # directory, bar, score, files, files with violations, violations
    directories = {c[0]: (int(c[3]), int(c[4]), int(c[5]), _pct(c[2]))
                   for c in page.tables.get("directories-table", [])[1:]}
    return Numbers(areas, overall, rules, concepts, directories)


def numbers_from_junit(text: str) -> Numbers:
    root = ET.fromstring(text)
    areas: dict[str, Row] = {}
    for suite in root.iter("testsuite"):
        props = {p.get("name", ""): p.get("value", "") for p in suite.iter("property")}
        if "files" in props:
            areas[suite.get("name", "").removeprefix("ssotcheck.")] = (
                int(props["files"]), int(props["files_with_violations"]),
                int(props["violations"]), float(props["score"]))
    overall = (sum(a[0] for a in areas.values()), sum(a[1] for a in areas.values()),
               sum(a[2] for a in areas.values()), -1.0)
    return Numbers(areas, overall, {})


PARSERS = {"text": numbers_from_text, "json": numbers_from_json, "sarif": numbers_from_sarif,
           "markdown": numbers_from_markdown, "html": numbers_from_html}


def expected_numbers(result: RunResult, fmt: str = "json") -> Numbers:
    """What `fmt` must show: everything, except that the text report and Markdown show
    the top of the register and of the directory table (the HTML page hides its
    directory table when there is only one folder)."""
    s = result.scores
    concepts = list(result.concepts)
    dirs = directory_scores(result)
    if fmt in ("text", "markdown"):
        concepts = concepts[:REGISTER_ROWS]
        dirs = [d for d in dirs if d.files_with_violations][:10]
    elif fmt == "html" and len(dirs) < 2:
        dirs = []
    return Numbers(
        {a.name: (a.files, a.files_with_violations, a.violations, a.score) for a in s.areas},
        (s.files, s.files_with_violations, s.violations, s.overall),
        {r.rule: (r.findings, r.violations, r.files) for r in rule_counts(result.findings)},
        {c.name: (c.spread, len(c.homes)) for c in concepts},
        {d.name: (d.files, d.files_with_violations, d.violations, d.score) for d in dirs})


# ---------------------------------------------------------------------- agreement


def test_formats_agree_on_a_real_run(make_project) -> None:
    root = make_project({**PROJECT, "pkg/broken.py": "def f(:\n", "tests/test_bad.py": "x = (\n",
                         "tools/bin.py": b"a = '\x00'\n"})
    result = run_on(root)
    assert result.scores.files_with_violations == 3
    for fmt, parse in PARSERS.items():
        got = parse(render(result, fmt))
        assert got == expected_numbers(result, fmt), fmt


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_text_json_sarif_markdown_html_agree_on_every_number(base: RunResult,
                                                             data: st.DataObject) -> None:
    result = data.draw(runs(base))
    want = expected_numbers(result)
    # the rule table and the area table add up to the same total
    assert sum(v for _, v, _ in want.rules.values()) == want.overall[2]
    assert sum(n for n, _, _ in want.rules.values()) == len(result.findings)
    outputs = {fmt: render(result, fmt) for fmt in FORMATS}
    for fmt, parse in PARSERS.items():
        assert parse(outputs[fmt]) == expected_numbers(result, fmt), fmt
    junit = numbers_from_junit(outputs["junit"])
    assert junit.areas == want.areas
    assert junit.overall[:3] == want.overall[:3]
    gh = [line for line in outputs["github"].split("\n") if line]
    assert len(gh) == len(result.findings) + 1
    notice = gh[-1].replace("%0A", "\n").replace("%25", "%")
    assert f"ssotcheck score {want.overall[3]:.1f}%" in notice
    for name, (files, bad, viol, score) in want.areas.items():
        assert (f"{name}: {score:.1f}% ({viol} violation{'s' if viol != 1 else ''} in {bad} of "
                f"{files} file{'s' if files != 1 else ''})") in notice


# ------------------------------------------------------------------ text contract


def long_run(base: RunResult) -> RunResult:
    long_msg = ("enum `ExecutionStatus` is defined in 4 modules; this copy lacks CANCELLED and "
                "FAILED and has ERROR which the canonical copy lacks, so comparisons with == "
                "silently fail")
    homes = tuple(Location(p, 3 + i) for i, p in enumerate(base.scope[:4]))
    findings = [make_finding("SSOT101", long_msg, h, related=tuple(x for x in homes if x != h),
                             concept="ExecutionStatus", key=h.path) for h in homes]
    findings.append(make_finding("SSOT201", "legacy import", Location(base.scope[5], 2, 0, 2, 30),
                                 fix=Fix("rewrite to `pkg.new.module.with.a.long.path`", True)))
    return with_findings(base, findings, (Concept("ExecutionStatus", "enum", homes),))


def test_text_report_fits_100_columns_and_has_every_section(base: RunResult) -> None:
    result = long_run(base)
    text = render(result, "text", width=100, options=RenderOptions(findings=True))
    assert max(len(line) for line in text.split("\n")) <= 100
    for heading in ("Compliance by area", "Findings by rule", "Split concepts: 1, most spread first",
                    "Top offending files", "Top offending directories", "Next steps:"):
        assert f"\n{heading}\n" in text
    assert "ssotcheck fix --diff" in text  # a finding has a fix
    assert "\x1b[" not in text  # no colour without a TTY
    assert text == render(result, "text", width=100, options=RenderOptions(findings=True))
    # without --findings the summary says how to list them instead
    summary = render(result, "text", width=100)
    assert "5 findings not listed: `ssotcheck report --findings` lists them" in summary
    assert not re.search(r"^pkg/\S+:\d+:\d+: SSOT", summary, re.M)
    # the head of every finding stays on one line, so it can still be grepped
    for f in result.findings:
        assert re.search(rf"^{re.escape(f.path)}:{f.line}:{f.location.column + 1}: {f.rule} ",
                         text, re.M)


def test_text_check_view_keeps_one_line_per_finding(base: RunResult) -> None:
    result = long_run(base)
    text = render(result, "text", full=False)
    heads = [line for line in text.split("\n") if re.match(r"^\S+:\d+:\d+: SSOT\d{3} ", line)]
    assert len(heads) == len(result.findings)
    assert all(line.endswith(f"({f.name}, {f.severity.value})")
               for line, f in zip(heads, result.findings))
    assert "Compliance by area" not in text


def test_text_keeps_brackets_in_user_content(base: RunResult) -> None:
    msg = "uses [bold]config[/bold] and [red]x[/]"
    result = with_findings(base, [make_finding("SSOT203", msg, Location("pkg/mod1.py", 1))])
    assert msg in render(result, "text", full=False)
    for full in (True, False):
        colored = render(result, "text", color=True, full=full,
                         options=RenderOptions(findings=True))
        assert msg in re.sub(r"\x1b\[[0-9;]*m", "", colored)


def test_colour_output_uses_ansi_and_the_same_numbers(base: RunResult) -> None:
    result = long_run(base)
    colored = render(result, "text", color=True)
    assert "\x1b[" in colored
    plain = re.sub(r"\x1b\[[0-9;]*m", "", colored)
    assert re.search(rf"^score {result.scores.overall:.1f}%", plain, re.M)


# ----------------------------------------------------------------- json contract


def test_json_has_the_documented_keys(base: RunResult) -> None:
    d = json.loads(render(long_run(base), "json"))
    for key in ("schema_version", "tool", "files_analyzed", "score", "areas", "findings"):
        assert key in d
    assert d["tool"]["name"] == "ssotcheck" and d["tool"]["version"]
    assert set(d["areas"][0]) >= {"name", "files", "files_with_violations", "violations", "score"}
    f = d["findings"][0]
    assert set(f) >= {"rule", "name", "severity", "message", "path", "line", "column", "area",
                      "related", "fingerprint"}
    assert f["column"] == 1 and f["area"] == "production" and len(f["related"]) == 3


# --------------------------------------------------------------- github contract


def test_github_escapes_data_and_properties() -> None:
    assert github_format.escape_data("100%\r\nok, a:b") == "100%25%0D%0Aok, a:b"
    assert github_format.escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    f = make_finding("SSOT101", "split: 50% here,\nthere", Location("pkg/a,b:c.py", 3, 4, 3, 9),
                     related=(Location("pkg/x.py", 7),))
    line = github_format.annotation(replace(f, area="production"))
    assert line.startswith("::error file=pkg/a%2Cb%3Ac.py,line=3,col=5,endLine=3,endColumn=10,"
                           "title=SSOT101 split-enum::split: 50%25 here,%0Athere%0A")
    assert "related: pkg/x.py:7" in line
    assert "\n" not in line


def test_github_levels_and_summary(base: RunResult) -> None:
    findings = [make_finding("SSOT204", "cycle", Location("pkg/mod1.py", 1)),
                make_finding("SSOT101", "note", Location("pkg/mod2.py", 1),
                             severity=Severity.INFO)]
    out = render(with_findings(base, findings), "github").split("\n")
    assert out[0].startswith("::warning file=pkg/mod1.py,")
    assert out[1].startswith("::notice file=pkg/mod2.py,")
    assert out[2].startswith("::notice title=ssotcheck score 94.1%25::")
    assert out[3] == ""


# ---------------------------------------------------------------- junit contract


def test_junit_is_valid_xml_with_one_case_per_rule_and_area(base: RunResult) -> None:
    findings = [make_finding("SSOT000", "bad \x00 byte \x1b and ]]>", Location("pkg/mod1.py", 1)),
                make_finding("SSOT000", "again", Location("pkg/mod2.py", 1)),
                make_finding("SSOT301", "no base", Location("tests/test_t1.py", 4)),
                make_finding("SSOT103", "just info", Location("tools/tool1.py", 2),
                             severity=Severity.INFO)]
    result = with_findings(base, findings)
    root = ET.fromstring(render(result, "junit"))
    cases = list(root.iter("testcase"))
    enabled = [r for r in catalogue.rules() if result.config.rule_enabled(r)]
    assert len(cases) == len(enabled) * 3 == int(root.get("tests", "0"))
    assert len(rule_area_findings(result)) == len(cases)
    failed = {(c.get("classname"), c.get("name")): fail for c in cases
              if (fail := c.find("failure")) is not None}
    assert set(failed) == {("ssotcheck.production", "SSOT000 parse-error"),
                           ("ssotcheck.tests", "SSOT301 non-base-test-class")}
    assert root.get("failures") == "2"
    body = failed[("ssotcheck.production", "SSOT000 parse-error")]
    assert body.get("message") == "2 violations in 2 files of area production"
    assert "pkg/mod1.py:1:1: SSOT000 [error] bad \\x00 byte \\x1b and ]]>" in (body.text or "")
    info = next(c for c in cases if c.get("name") == "SSOT103 duplicate-class"
                and c.get("classname") == "ssotcheck.other")
    assert info.find("failure") is None and "just info" in (info.findtext("system-out") or "")


# ------------------------------------------------------------- markdown contract


def test_markdown_caps_findings_and_escapes_user_content(base: RunResult) -> None:
    n = markdown_format.MAX_FINDINGS + 7
    findings = [make_finding("SSOT201", f"import <b>x</b> | @team #{i}",
                             Location(f"pkg/mod{i % 9}.py", i + 1), key=str(i)) for i in range(n)]
    findings.append(make_finding("SSOT204", "cycle", Location("pkg/mod0.py", 1)))
    text = render(with_findings(base, findings,
                                (Concept("A|B", "enum", (Location("pkg/a`b.py", 1),
                                                         Location("pkg/c.py", 2))),)),
                  "markdown")
    items = [line for line in text.split("\n") if line.startswith("- `pkg/") and "**SSOT" in line]
    assert len(items) == markdown_format.MAX_FINDINGS
    assert "- … and 8 more (`ssotcheck report --findings` lists them all)" in text
    assert "_Left out of this summary: 8 findings." in text
    assert "<b>" not in text and "\\<b\\>" in text
    assert "\\@team \\#0" in text and "\\|" in text
    assert "| `A\\|B` | enum |" in text  # the pipe is escaped inside the table cell
    assert "``pkg/a`b.py:1``" in text  # a backtick in a path gets a longer fence


def test_markdown_without_findings(base: RunResult) -> None:
    text = render(base, "markdown")
    assert text.startswith("## ssotcheck: 100.0% compliant\n")
    assert "No findings." in text and "### Findings by rule" not in text


# ------------------------------------------------------------------ html contract


def test_html_is_self_contained_and_escapes_user_content(base: RunResult) -> None:
    evil = '<img src=x onerror="alert(1)"> & </script><script>alert(2)</script>'
    findings = [make_finding("SSOT102", evil, Location("pkg/mod1.py", 2),
                             related=(Location('pkg/"q".py', 1, message=evil),)),
                make_finding("SSOT101", "split `Status`", Location("pkg/mod2.py", 5),
                             concept="Status")]
    concepts = (Concept("<Status>", "enum", (Location("pkg/mod2.py", 5, message="canonical"),
                                              Location("javascript:alert(1)//x.py", 1))),)
    page = render(with_findings(base, findings, concepts), "html")
    assert "<img" not in page and "<script>alert" not in page
    assert page.count("<script>") == 1 and page.count("</script>") == 1
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert "&lt;Status&gt;" in page
    assert 'href="javascript:' not in page
    assert 'href="javascript%3Aalert%281%29//x.py"' in page
    # nothing can reach the network: no external URLs and a CSP that forbids them anyway
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page and "<link" not in page
    assert "default-src 'none'" in page
    assert "<code>Status</code>" in page  # backticked names in messages render as code
    tables = parse_html(page).tables
    assert len(tables["findings-table"]) == 3  # header + two findings
    assert [row[0] for row in tables["concepts-table"][1:]] == ["<Status>"]
    assert "pkg/mod2.py:5" in tables["concepts-table"][1][4]  # the "where" column


def test_html_links_point_at_relative_files(base: RunResult) -> None:
    findings = [make_finding("SSOT101", "m", Location("pkg/sub dir/mod#1.py", 12, 3),
                             concept="E")]
    page = render(with_findings(base, findings, (Concept("E", "enum", (
        Location("pkg/sub dir/mod#1.py", 12), Location("pkg/mod2.py", 4))),)), "html")
    assert 'href="pkg/sub%20dir/mod%231.py">pkg/<wbr>sub dir/<wbr>mod#1.py:12:4</a>' in page
    assert 'href="pkg/mod2.py">pkg/<wbr>mod2.py:4</a>' in page


def test_html_without_findings(base: RunResult) -> None:
    page = render(base, "html")
    p = parse_html(page)
    assert p.ids["overall-score"] == "100.0%"
    assert "No findings: every file in scope is compliant." in page
    assert "findings-table" not in p.tables


def test_unknown_format_is_refused(base: RunResult) -> None:
    with pytest.raises(ValueError, match="unknown format 'yaml'"):
        render(base, "yaml")

