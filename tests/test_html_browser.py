"""The HTML report in a real browser (headless Chromium): it renders the same overall score
as the JSON report, its script runs without errors and filters the findings table, and a
screenshot is saved under the test's tmp dir."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
              "headless_shell")


def find_chromium() -> str | None:
    explicit = os.environ.get("SSOTCHECK_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium binary found (tried SSOTCHECK_CHROMIUM, " + ", ".join(CANDIDATES)
    + "); install Debian's `chromium` package to run the HTML browser test")

PROJECT: dict[str, str | bytes] = {
    "pkg/__init__.py": "",
    "pkg/core.py": "VALUE = 1\n",
    "pkg/util.py": "def helper():\n    return 2\n",
    "pkg/broken.py": "def handler(event:\n    return event\n",
    "pkg/binary.py": b"\x00\x01\x02 not python\n",
    "tests/test_core.py": "def test_value():\n    assert 1\n",
    "tests/test_broken.py": "def test_x(:\n",
    "scripts/run.py": "print('hi')\n",
}
CONFIG = """
[tool.ssotcheck]
[tool.ssotcheck.areas]
production = ["pkg/**"]
tests = ["tests/**"]
"""


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--no-first-run", "--disable-extensions", "--hide-scrollbars",
           "--enable-logging=stderr", "--v=0", f"--user-data-dir={profile}", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180,
                          env={**os.environ, "TZ": "UTC"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines()
            if "CONSOLE" in line and ("Uncaught" in line or "Refused" in line)]


class _Dom(HTMLParser):
    """Text of #overall-score and #shown-count, and which findings rows are hidden."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: dict[str, str] = {}
        self.rows: list[dict[str, str | None]] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id") in ("overall-score", "shown-count"):
            self._open = a["id"]
            self.text[self._open or ""] = ""
        if tag == "tr" and "data-i" in a:
            self.rows.append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "span":
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self.text[self._open] += data


def dom_of(html: str) -> _Dom:
    d = _Dom()
    d.feed(html)
    return d


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The HTML and JSON reports of one project, written by the real CLI."""
    from conftest import write_tree

    root = write_tree(tmp_path_factory.mktemp("browser") / "proj", PROJECT)
    (root / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    out: dict[str, str] = {}
    for fmt in ("html", "json"):
        target = root / f"ssot.{fmt}"
        proc = subprocess.run([sys.executable, "-m", "ssotcheck", "report", str(root),
                               "--no-cache", "--format", fmt, "-o", str(target)],
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        out[fmt] = str(target)
    return Path(out["html"]), json.loads(Path(out["json"]).read_text(encoding="utf-8"))


def test_page_shows_the_json_overall_score(report: tuple[Path, dict], tmp_path: Path) -> None:
    html_path, doc = report
    assert doc["findings"], "the project has planted parse errors"
    assert doc["score"] < 100.0
    proc = chromium(tmp_path / "profile", "--dump-dom", html_path.as_uri())
    dom = dom_of(proc.stdout)
    assert dom.text["overall-score"].strip() == f"{doc['score']:.1f}%"
    assert not console_errors(proc.stderr), console_errors(proc.stderr)
    # the script ran: it filled in the count of visible rows, all of them without a filter
    assert dom.text["shown-count"] == str(len(doc["findings"]))
    assert len(dom.rows) == len(doc["findings"])
    assert not any("hidden" in row for row in dom.rows)


def test_url_fragment_filters_and_sorts_the_findings(report: tuple[Path, dict],
                                                     tmp_path: Path) -> None:
    html_path, doc = report
    wanted = [f for f in doc["findings"] if f["rule"] == "SSOT000" and f["area"] == "tests"]
    assert 0 < len(wanted) < len(doc["findings"])
    url = html_path.as_uri() + "#rule=SSOT000&area=tests&sort=location&dir=desc"
    proc = chromium(tmp_path / "profile", "--dump-dom", url)
    dom = dom_of(proc.stdout)
    assert not console_errors(proc.stderr), console_errors(proc.stderr)
    assert dom.text["shown-count"] == str(len(wanted))
    visible = [row for row in dom.rows if "hidden" not in row]
    assert [(r["data-rule"], r["data-area"]) for r in visible] == [("SSOT000", "tests")] * len(
        wanted)
    # sorted by location, descending: the original (path-sorted) order reversed
    order = [int(r["data-i"] or 0) for r in dom.rows]
    assert order == sorted(order, reverse=True)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_screenshot(report: tuple[Path, dict], tmp_path: Path) -> None:
    html_path, doc = report
    shot = tmp_path / "report.png"
    proc = chromium(tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,2000",
                    html_path.as_uri())
    assert not console_errors(proc.stderr), console_errors(proc.stderr)
    assert shot.is_file()
    assert png_size(shot) == (1280, 2000)
    # a blank page compresses to a few kilobytes; the report's text and bars do not
    assert shot.stat().st_size > 30_000, shot.stat().st_size
    print(f"screenshot: {shot}")


def test_page_makes_no_network_requests(report: tuple[Path, dict]) -> None:
    """Belt and braces for the CSP: nothing in the page even names a remote resource."""
    html = report[0].read_text(encoding="utf-8")
    assert not re.search(r"""(src|href|action)\s*=\s*["']?\s*(https?:|//)""", html, re.I)
    assert "default-src 'none'" in html
