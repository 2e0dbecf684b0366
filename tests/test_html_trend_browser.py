"""`report --format html --trend N` in headless Chromium: the inline SVG chart has one
point per commit, each linking to its commit's row, and the points are really drawn (the
screenshot's pixel at each point's centre is the marker's colour, not the card's)."""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from tests.conftest import write_tree
from tests.test_html_browser import CHROMIUM, chromium, console_errors

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium binary found")

ENUM = "import enum\n\n\nclass Color(enum.Enum):\n    RED = 1\n    BLUE = 2\n"
# Reports where each drawn point ended up on the page; the test's own addition.
PROBE = """<script>
addEventListener('load', () => {
  const out = [...document.querySelectorAll('svg.trend-chart a > circle.point')].map(c => {
    const r = c.getBoundingClientRect();
    return {x: r.x + r.width / 2 + scrollX, y: r.y + r.height / 2 + scrollY,
            href: c.parentElement.getAttribute('href')};
  });
  const pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          check=True).stdout


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of RGBA/RGB bytes) of an 8-bit non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    height = channels = 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and color in (2, 6)
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, channels, rows


def test_trend_chart_has_one_drawn_point_per_commit(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write_tree(repo, {"pkg/__init__.py": "", "pkg/a.py": ENUM,
                      "tests/test_a.py": "def test_x():\n    assert True\n"})
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "t@t")
    git(repo, "config", "user.name", "t")
    shas = []
    for i, (path, text) in enumerate([("pkg/util.py", "X = 1\n"), ("pkg/b.py", ENUM),
                                      ("pkg/c.py", ENUM), ("pkg/util.py", "X = 2\n")]):
        write_tree(repo, {path: text})
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", f"step {i}")
        shas.append(git(repo, "rev-parse", "HEAD").strip())
    out = tmp_path / "report.html"
    proc = subprocess.run([sys.executable, "-m", "ssotcheck", "report", "--format", "html",
                           "--trend", "10", "-o", str(out)], cwd=repo, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    page = out.read_text(encoding="utf-8")
    assert "<svg" in page and "src=" not in page and "@font-face" not in page
    probed = tmp_path / "probed.html"
    probed.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")

    dom = chromium(tmp_path / "p1", "--window-size=1000,3000", "--dump-dom", probed.as_uri())
    assert not console_errors(dom.stderr)
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom.stdout, re.S)
    assert found, dom.stdout[-500:]
    points = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert len(points) == len(shas) == 4
    assert [p["href"] for p in points] == [f"#commit-{s[:12]}" for s in shas]
    for s in shas:  # every link has its target row
        assert f'<tr id="commit-{s[:12]}">' in dom.stdout
    xs = [p["x"] for p in points]
    assert xs == sorted(xs) and len(set(round(x) for x in xs)) == 4
    ys = [p["y"] for p in points]
    assert ys[0] < ys[1] < ys[2] == ys[3]  # 100%, each copy lowers the score, then flat

    shot = tmp_path / "trend.png"
    chromium(tmp_path / "p2", f"--screenshot={shot}", "--window-size=1000,3000",
             probed.as_uri())
    width, channels, rows = png_pixels(shot.read_bytes())

    def pixel(x: float, y: float) -> tuple[int, ...]:
        i = int(x) * channels
        return tuple(rows[int(y)][i:i + 3])

    for p in points:  # the marker is drawn (in the link colour), not the white card
        r, g, b = pixel(p["x"], p["y"])
        assert r + g + b < 450, (p, (r, g, b))
        r, g, b = pixel(p["x"], p["y"] - 15)
        assert r + g + b > 600, (p, (r, g, b))  # 15 px above: background again
    print(f"screenshot: {shot}")
