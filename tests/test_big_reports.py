"""Reports that work on a real monorepo (issue 13).

Render tests use a synthesised run shaped like the monorepo the issue was filed from
(10,700 findings, 307 split concepts, one concept with 172 homes; benchmarks/render.py);
the CLI tests go through the real pipeline on a generated tree with 10,000+ findings and
300+ concepts (banned-API uses are cheap findings to parse: 100 files of 101 lines).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import write_tree
from ssotcheck.areas import AreaMap
from ssotcheck.catalogue import make_finding
from ssotcheck.cli import main
from ssotcheck.model import Concept, Finding, Fix, Location, Severity, Span, TextEdit
from ssotcheck.pipeline import RunResult
from ssotcheck.report import FORMATS, REGISTER_ROWS, RenderOptions, markdown_format, render
from ssotcheck.report.summary import register
from ssotcheck.scoring import compute
from test_reports import PARSERS, expected_numbers, md_register, text_register

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from render import synthetic_result  # noqa: E402

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "golden"
HEAD = re.compile(r"^\S+:\d+:\d+: SSOT\d{3} ", re.M)


@pytest.fixture(scope="module")
def big() -> RunResult:
    result = synthetic_result()
    assert len(result.findings) >= 10_000 and len(result.concepts) >= 300
    return result


# ------------------------------------------------------------------ text summary


def test_default_report_is_a_one_screen_summary(big: RunResult) -> None:
    text = render(big, "text")
    lines = text.split("\n")
    assert len(lines) <= 200, len(lines)
    assert max(len(line) for line in lines) <= 100
    for area in big.scores.areas:
        assert re.search(rf"^{re.escape(area.name)}\s+\|", text, re.M), area.name
    for rule in {f.rule for f in big.findings}:
        assert re.search(rf"^{rule} \| ", text, re.M), rule
    shown = text_register(text)
    assert list(shown) == [c.name for c in big.concepts[:REGISTER_ROWS]]
    rest = len(big.concepts) - REGISTER_ROWS
    assert f"\n{rest} more split concepts: `ssotcheck report --concepts all`\n" in text
    assert "Top offending files" in text and "Top offending directories" in text
    # no finding is listed, and the summary says how to see them
    assert not HEAD.search(text)
    assert f"{len(big.findings)} findings not listed: `ssotcheck report --findings`" in text


def test_register_rows_collapse_their_homes(big: RunResult) -> None:
    text = render(big, "text")
    top = big.concepts[0]
    assert top.spread == 172
    spread, homes, rest = text_register(text)[top.name]
    assert (spread, homes) == (172, 172)
    # five production homes named (canonical first), the rest counted per area
    assert rest == "+157 in Test Files, 7 more in production, 3 in Scripts"
    row = register(big, 1)[0]
    assert len(row.listed) == 5 and row.listed[0].message == "canonical"
    assert all(h.path.startswith("pkg/") for h in row.listed)
    assert sum(n for _, n in row.rest) + len(row.listed) == len(top.homes)
    # the whole row stays short: 172 homes, a handful of lines
    start = text.index(top.name)
    following = text[start:].split("\n")[1:6]
    assert any(line.startswith(big.concepts[1].name) for line in following), following


def test_findings_and_all_concepts_on_request(big: RunResult) -> None:
    text = render(big, "text", options=RenderOptions(findings=True, concepts=None))
    assert len(HEAD.findall(text)) == len(big.findings)
    assert list(text_register(text)) == [c.name for c in big.concepts]
    assert "more split concepts" not in text and "not listed" not in text


def test_every_format_agrees_on_the_big_run(big: RunResult) -> None:
    outputs = {fmt: render(big, fmt) for fmt in FORMATS}
    for fmt, parse in PARSERS.items():
        assert parse(outputs[fmt]) == expected_numbers(big, fmt), fmt
    # the collapsed register rows count the same homes per area in text and Markdown
    want = {r.name: (r.spread, r.homes, r.rest_phrase()) for r in register(big)}
    assert text_register(outputs["text"]) == want
    assert md_register(outputs["markdown"]) == want
    for row in register(big):
        if row.rest:
            assert f'<summary class="rest">{row.rest_phrase()}</summary>' in outputs["html"]


# ---------------------------------------------------------------------- markdown


def test_markdown_stays_under_the_job_summary_limit_and_says_what_it_left_out(
        big: RunResult) -> None:
    text = render(big, "markdown")
    assert len(text.encode()) < 1024 * 1024
    left = len(big.findings) - markdown_format.MAX_FINDINGS
    concepts = len(big.concepts) - REGISTER_ROWS
    assert (f"_Left out of this summary: {left} findings, {concepts} split concepts. "
            "`ssotcheck report --format html` shows everything") in text
    # huge messages (a split concept's message can name hundreds of homes): still fits
    long = tuple(replace(f, message="m" * 60_000) for f in big.findings[:200])
    text = render(replace(big, findings=long + big.findings[200:]), "markdown")
    assert len(text.encode()) <= markdown_format.SIZE_LIMIT
    assert "_Left out of this summary:" in text


# ----------------------------------------------------------- check output goldens


def small_run() -> RunResult:
    base = synthetic_result(files=6, findings=0, concepts=0)
    paths = base.scope
    findings = [
        make_finding("SSOT101", "enum `Status` is defined in 2 modules;\nthis copy lacks DONE",
                     Location(paths[0], 3, 6, 5, 20),
                     related=(Location(paths[1], 7, 6, message="the other definition"),),
                     concept="Status", key="a"),
        make_finding("SSOT201", "`from old import X` imports the legacy path `old.X`",
                     Location(paths[0], 1, 0, 1, 17),
                     fix=Fix("rewrite to `from new import X`", True, "new.X",
                             (TextEdit(Span(1, 0, 1, 17), "from new import X"),)), key="b"),
        make_finding("SSOT203", "`os.environ` is banned here; use `env.get`",
                     Location(paths[1], 12, 4), key="c"),
        make_finding("SSOT201", "legacy path inside a compatibility shim",
                     Location(paths[4], 2, 4), severity=Severity.INFO, key="d"),
    ]
    area_of = AreaMap(base.config)
    fs = sorted((replace(f, area=area_of(f.path)) for f in findings), key=Finding.sort_key)
    return replace(base, findings=tuple(fs), scores=compute(paths, fs, area_of))


CHECK_CASES = {
    "full": dict(layout="full"),
    "full-no-related": dict(layout="full", show_related=False),
    "concise": dict(layout="concise"),
    "concise-show-related": dict(layout="concise", show_related=True),
    "grouped": dict(layout="grouped"),
}


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("SSOTCHECK_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


@pytest.mark.parametrize("case", sorted(CHECK_CASES))
def test_check_output_formats_golden(case: str) -> None:
    text = render(small_run(), "text", full=False, options=RenderOptions(**CHECK_CASES[case]))
    golden(f"check-{case}.txt", text)
    assert "\x1b[" not in text


def test_check_colour_only_when_asked_golden() -> None:
    text = render(small_run(), "text", full=False, color=True)
    golden("check-full-color.txt", text)
    assert re.sub(r"\x1b\[[0-9;]*m", "", text) == render(small_run(), "text", full=False)


def test_report_summary_and_markdown_golden() -> None:
    base = small_run()
    homes = tuple(Location(p, 3 + i, message="canonical" if i == 0 else "")
                  for i, p in enumerate(base.scope))
    concepts = (Concept("Status", "enum", homes), Concept("agent_started", "event", homes[:2]))
    result = replace(base, concepts=concepts)
    golden("report-summary.txt", render(result, "text"))
    golden("report.md", render(result, "markdown"))


def test_statistics_golden() -> None:
    from ssotcheck.report.statistics import render as statistics

    golden("statistics.txt", statistics(small_run(), "text"))
    rows = json.loads(statistics(small_run(), "json"))
    assert rows[0] == {"code": "SSOT201", "name": "legacy-import", "count": 2, "fixable": True}


# --------------------------------------------------- the CLI on a generated tree

BANNED_FILES, USES = 100, 101
ENUMS = 310


def generated_tree(root: Path) -> Path:
    files: dict[str, str] = {
        "pyproject.toml": (
            '[tool.ssotcheck]\n[tool.ssotcheck.areas]\nproduction = ["app/**"]\n'
            'tests = ["tests/**"]\nscripts = ["scripts/**"]\n'
            '[tool.ssotcheck.banned-api."os.environ"]\nuse = "app.env.get"\n'),
    }
    body = "".join(f'V{i} = os.environ["K{i}"]\n' for i in range(USES))
    for i in range(BANNED_FILES):
        where = ("app", "tests", "scripts")[i % 3]
        name = f"test_m{i}.py" if where == "tests" else f"m{i}.py"
        files[f"{where}/d{i % 7}/{name}"] = "import os\n" + body
    enums = "".join(f"class Status{k}(Enum):\n    A = 1\n    B = 2\n" for k in range(ENUMS))
    for where in ("app/core/enums.py", "app/legacy/enums.py", "tests/helpers.py"):
        files[where] = "from enum import Enum\n" + enums
    # a helper of app's tests: its copies stand in for app's (SSOT101 counts a test copy
    # only in a test of the production copy's code)
    files["tests/helpers.py"] = "import app.core.enums\n" + files["tests/helpers.py"]
    return write_tree(root, files)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_tree(tmp_path_factory.mktemp("bigtree") / "mono")


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_report_on_a_generated_tree(tree: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    cache = str(tmp_path / "cache")
    code, out, _ = cli(capsys, "report", str(tree), "--format", "json", "-j", "1",
                       "--cache-dir", cache)
    doc = json.loads(out)
    assert code == 0
    assert len(doc["findings"]) >= 10_000 and len(doc["concepts"]) >= ENUMS
    code, text, _ = cli(capsys, "report", str(tree), "--cache-dir", cache)
    assert code == 0 and len(text.split("\n")) <= 200
    for area in doc["areas"]:
        assert re.search(rf"^{area['name']}\s+\|", text, re.M)
    for rule in doc["rules"]:
        assert re.search(rf"^{rule['rule']} \| ", text, re.M)
    assert list(text_register(text)) == [c["name"] for c in doc["concepts"][:REGISTER_ROWS]]
    spread, homes, rest = text_register(text)[doc["concepts"][0]["name"]]
    # two production homes listed, the test one counted
    assert (spread, homes, rest) == (3, 3, "+1 in tests")
    assert f"{len(doc['concepts']) - REGISTER_ROWS} more split concepts" in text

    code, listed, _ = cli(capsys, "report", str(tree), "--findings", "--cache-dir", cache)
    # the listing folds many uses of one banned API in a file (issue 18): each fold line
    # "N uses of `x` in this file" stands for the head above it and N - 1 more
    folded = sum(int(n) - 1 for n in re.findall(r"^    (\d+) uses of `", listed, re.M))
    assert len(HEAD.findall(listed)) + folded == len(doc["findings"])

    code, concise, _ = cli(capsys, "check", str(tree), "--output-format", "concise",
                           "--cache-dir", cache)
    assert code == 1
    lines = [line for line in concise.split("\n") if HEAD.match(line)]
    assert len(lines) == len(doc["findings"])
    assert lines[0] == ("{path}:{line}:{column}: {rule} {message}".format(**doc["findings"][0])
                        .replace("\n", " "))

    code, stats, _ = cli(capsys, "check", str(tree), "--statistics", "--cache-dir", cache)
    counts = {r["rule"]: r["findings"] for r in doc["rules"]}
    assert {line.split("\t")[1]: int(line.split("\t")[0]) for line in stats.splitlines()} == counts


def test_check_text_is_plain_when_piped(tree: Path, tmp_path: Path) -> None:
    """The real process, piped: no colour codes, no rich, one head line per finding."""
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    proc = subprocess.run([sys.executable, "-m", "ssotcheck", "check", str(tree),
                           "--cache-dir", str(tmp_path / "c"), "-j", "1", "--no-related"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert "\x1b[" not in proc.stdout and "related:" not in proc.stdout
    assert len(HEAD.findall(proc.stdout)) >= 10_000


def test_directory_groups_split_a_folder_holding_most_files() -> None:
    from ssotcheck.report.summary import directory_groups

    paths = ([f"lib/pkg/sub{i % 5}/m{i}.py" for i in range(200)] + ["lib/pkg/core.py"]
             + [f"tests/t{i}.py" for i in range(20)] + ["setup.py"])
    groups = directory_groups(paths)
    assert groups["lib/pkg/sub1/m1.py"] == "lib/pkg/sub1"  # lib/pkg held 91% of the files
    assert groups["lib/pkg/core.py"] == "lib/pkg"  # files directly in a split folder stay
    assert groups["tests/t1.py"] == "tests" and groups["setup.py"] == "."
    assert set(groups) == set(paths)
    # small trees are not split: under MIN_SPLIT files a folder keeps its two levels
    assert directory_groups([f"a/b/c{i}/x.py" for i in range(10)])["a/b/c1/x.py"] == "a/b"
