"""The HTML report of a big run (10,700 findings, 307 concepts) in headless Chromium:
filtering by rule, area, directory and text changes the visible rows (findings beyond the
rendered rows come from the embedded JSON), nothing overflows horizontally at 1,400 and
800 px, and screenshots at both widths are saved under the test's tmp dir."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from test_html_browser import CHROMIUM, chromium, console_errors, png_size
from ssotcheck.report import render
from ssotcheck.report.html_format import PAGE, ROW_CAP

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from render import synthetic_result  # noqa: E402

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium binary found")

# Runs in the page after the report's own script: drives the real controls the way a
# reader does (set a select, fire `change`) and writes what it saw into <pre id="probe">.
PROBE = """
<script>
window.addEventListener('load', function () {
  function $(id) { return document.getElementById(id); }
  function rows() { return Array.prototype.slice.call($('findings-table').tBodies[0].rows); }
  function state() {
    return {shown: Number($('shown-count').textContent), rows: rows().length,
            rules: Array.from(new Set(rows().map(function (r) { return r.dataset.rule; }))),
            areas: Array.from(new Set(rows().map(function (r) { return r.dataset.area; }))),
            paths: rows().map(function (r) { return r.dataset.path; }),
            more: !$('show-more').hidden};
  }
  function set(id, value) {
    var el = $(id);
    el.value = value;
    el.dispatchEvent(new Event('change'));  // the text box filters at once on change
  }
  var out = {width: window.innerWidth, scrollWidth: document.documentElement.scrollWidth,
             wide: [], initial: state()};
  document.querySelectorAll('section, table, details, ul').forEach(function (e) {
    if (e.scrollWidth > e.clientWidth + 1) out.wide.push(e.id || e.tagName);
  });
  set('filter-rule', '%(rule)s');
  out.rule = state();
  set('filter-area', '%(area)s');
  out.ruleArea = state();
  set('filter-rule', '');
  set('filter-area', '');
  set('filter-dir', '%(folder)s');
  out.folder = state();
  set('filter-dir', '');
  set('filter-text', '%(text)s');
  out.text = state();
  set('filter-text', '');
  $('show-more').click();
  out.more = state();
  document.querySelector('button[data-expand="concepts-table"]').click();
  out.conceptsAll = document.querySelectorAll('#concepts-table tbody tr').length;
  out.conceptsVisible = Array.prototype.filter.call(
    document.querySelectorAll('#concepts-table tbody tr'),
    function (r) { return r.offsetParent !== null; }).length;
  var pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


TEXT = "finding 10699 of"  # one message, of a finding that comes as JSON


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory):
    result = synthetic_result()
    page = render(result, "html")
    target = tmp_path_factory.mktemp("bightml") / "ssot.html"
    rule, area, folder = "SSOT203", "Test Files", "pkg/svc12"
    target.write_text(page.replace("</body>", PROBE % {
        "rule": rule, "area": area, "folder": folder, "text": TEXT} + "</body>"),
        encoding="utf-8")
    return result, page, target, (rule, area, folder)


def probe(target: Path, profile: Path, width: int) -> dict:
    proc = chromium(profile, f"--window-size={width},1000", "--dump-dom", target.as_uri())
    assert not console_errors(proc.stderr), console_errors(proc.stderr)
    m = re.search(r'<pre id="probe">(.*?)</pre>', proc.stdout, re.S)
    assert m, proc.stdout[-500:]
    return json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&"))


def test_big_page_is_one_compact_self_contained_file(big) -> None:
    result, page, _, _ = big
    assert len(result.findings) >= 10_000 and len(result.concepts) >= 300
    assert len(page.encode()) < 8 * 1024 * 1024
    # rendered rows up to the cap; the rest travel as JSON, nothing is lost
    assert page.count('<tr data-i="') == ROW_CAP
    data = json.loads(re.search(r'<script type="application/json" id="findings-data">(.*?)'
                                r"</script>", page, re.S).group(1))
    assert len(data["f"]) == len(result.findings) - ROW_CAP
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:|//)""", page, re.I)


@pytest.mark.parametrize("width", [1400, 800])
def test_filters_change_the_visible_rows_and_nothing_overflows(big, tmp_path: Path,
                                                                width: int) -> None:
    result, _, target, (rule, area, folder) = big
    seen = probe(target, tmp_path / "profile", width)
    assert seen["width"] == width
    assert seen["scrollWidth"] <= width, seen
    assert seen["wide"] == [], seen["wide"]
    fs = result.findings
    assert seen["initial"] == {**seen["initial"], "shown": len(fs), "rows": PAGE, "more": True}

    by_rule = [f for f in fs if f.rule == rule]
    assert seen["rule"]["shown"] == len(by_rule)
    assert seen["rule"]["rules"] == [rule]
    assert seen["rule"]["rows"] == min(PAGE, len(by_rule))

    both = [f for f in by_rule if f.area == area]
    assert 0 < len(both) < len(by_rule)
    assert seen["ruleArea"]["shown"] == len(both)
    assert (seen["ruleArea"]["rules"], seen["ruleArea"]["areas"]) == ([rule], [area])
    # rows past the rendered ones were built from the JSON, in the table's order
    assert seen["ruleArea"]["paths"] == [f.path for f in both][:PAGE]

    in_folder = [f for f in fs if f.path.startswith(folder + "/")]
    assert seen["folder"]["shown"] == len(in_folder)
    assert all(p.startswith(folder + "/") for p in seen["folder"]["paths"])

    hit = [i for i, f in enumerate(fs) if TEXT in f.message]
    assert len(hit) == 1 and hit[0] >= ROW_CAP
    assert (seen["text"]["shown"], seen["text"]["paths"]) == (1, [fs[hit[0]].path])

    assert seen["more"]["rows"] == 2 * PAGE  # "show more" adds a page
    assert seen["more"]["paths"] == [f.path for f in fs][:2 * PAGE]
    assert seen["conceptsAll"] == len(result.concepts)
    assert seen["conceptsVisible"] == len(result.concepts)  # after "show all"


@pytest.mark.parametrize("width", [1400, 800])
def test_screenshots(big, tmp_path: Path, width: int) -> None:
    _, page, _, _ = big
    plain = tmp_path / "ssot.html"
    plain.write_text(page, encoding="utf-8")
    shot = tmp_path / f"report-{width}.png"
    proc = chromium(tmp_path / "profile", f"--screenshot={shot}", f"--window-size={width},1600",
                    plain.as_uri())
    assert not console_errors(proc.stderr), console_errors(proc.stderr)
    assert png_size(shot) == (width, 1600)
    assert shot.stat().st_size > 30_000
    print(f"screenshot: {shot}")
