"""`ssotcheck fix` for SSOT900: remove unused inline suppressions, or their unused codes.

Only the suppression itself is edited: `x = 1  # ssotcheck: ignore[SSOT201] reason="..."`
becomes `x = 1`, a comment after it (`  # keep me`) stays, and a line that held nothing
but the suppression goes. `ignore[SSOT201,SSOT203]` with SSOT203 unused becomes
`ignore[SSOT201]`. Comments are text, so this is a line edit, not a codemod; the line is
found again by the same pattern the extractor used, and a file that changed since it
was analysed is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from ssotcheck.index.source import SUPPRESS_ARG_RE, SUPPRESS_RE, content_hash
from ssotcheck.model import Finding

RULE = "SSOT900"
_LINE_SPLIT = re.compile(r"(\r\n|\r|\n)")


@dataclass(frozen=True)
class Edit:
    path: str
    old: bytes
    new: bytes | None
    fixed: int
    error: str | None = None


def _edit_line(line: str, column: int, replacement: str) -> str | None:
    """The line with the suppression at `column` rewritten; None if it is not there."""
    m = SUPPRESS_RE.match(line, column)
    if m is None:
        return None
    if replacement:
        group = 2 if m.group(2) is not None else 3 if m.group(3) is not None else 0
        if not group:
            return None
        if group == 2:
            return line[:m.start(2)] + replacement + line[m.end(2):]
        # `# noqa: A, B  ...`: keep whatever spacing followed the codes
        codes = m.group(3)
        tail = codes[len(codes.rstrip(", ")):]
        return line[:m.start(3)] + replacement.replace(",", ", ") + tail + line[m.end(3):]
    end = m.end()
    while True:
        a = SUPPRESS_ARG_RE.match(line, end)
        if a is None:
            break
        end = a.end()
    rest = line[end:].lstrip(" \t")
    head = line[:m.start()].rstrip(" \t")
    if rest == "":
        return head
    if not rest.startswith("#"):
        rest = "# " + rest  # words after the suppression were comment text: keep them so
    return f"{head}  {rest}" if head else rest


def plan(root_read: Callable[[str], bytes], path: str, digest: str, findings: list[Finding]) -> Edit:
    """Rewrite one file's unused suppressions. `root_read(path)` returns its bytes."""
    try:
        old = root_read(path)
    except OSError as exc:
        return Edit(path, b"", None, 0, f"cannot read: {exc}")
    if content_hash(old) != digest:
        return Edit(path, old, None, 0, "the file changed after it was analysed; run fix again")
    bom = b"\xef\xbb\xbf" if old.startswith(b"\xef\xbb\xbf") else b""
    try:
        text = old[len(bom):].decode("utf-8")
    except UnicodeDecodeError:
        return Edit(path, old, None, 0, "not UTF-8; edit its suppressions by hand")
    parts = _LINE_SPLIT.split(text)  # line, sep, line, sep, ..., line
    fixed = 0
    drop: set[int] = set()
    for f in sorted(findings, key=lambda f: (f.line, f.location.column)):
        i = 2 * (f.line - 1)
        if f.fix is None or i >= len(parts):
            continue
        new = _edit_line(parts[i], f.location.column, f.fix.replacement or "")
        if new is None:
            continue
        fixed += 1
        if new.strip() == "" and parts[i].strip():
            drop.add(i)  # the line was only this comment
        parts[i] = new
    out = []
    for i, part in enumerate(parts):
        if i in drop or (i - 1 in drop and i % 2 == 1):
            continue
        out.append(part)
    return Edit(path, old, bom + "".join(out).encode("utf-8") if fixed else None, fixed)
