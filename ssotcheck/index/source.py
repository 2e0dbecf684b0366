"""Source bytes -> text: decoding (PEP 263, BOM, binary and NUL detection), the content
hash the caches key on, line counting as Python counts lines, and suppression comments.

Both extractors, the parse pool and `fix` read source through these, so a file is
decoded, hashed and numbered the same way wherever it is read.
"""

from __future__ import annotations

import hashlib
import re

from ssotcheck.model import ParseError

MAX_FILE_BYTES = 20 * 1024 * 1024


_CODING_RE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.MULTILINE)


NEWLINE_RE = re.compile(r"\r\n|\r|\n")


_SUPPRESS_RE = re.compile(
    r"#\s*(?:ssotcheck:\s*(ignore-file|ignore)(?:\[([A-Z0-9, ]+)\])?|noqa:\s*((?:SSOT\d*[, ]*)+))"
)


def line_count(text: str) -> int:
    """Lines as an editor shows them: a final line without a newline still counts."""
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
    return breaks + (bool(text) and not text.endswith(("\n", "\r")))


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def decode_source(data: bytes) -> tuple[str | None, ParseError | None]:
    """Bytes -> text, or the reason the file is not analysable Python source."""
    if len(data) > MAX_FILE_BYTES:
        return None, ParseError("too-large", f"file is {len(data) // 1024 // 1024} MB; the limit is "
                                f"{MAX_FILE_BYTES // 1024 // 1024} MB")
    nul = data.find(b"\0")
    if nul != -1:
        line = data.count(b"\n", 0, nul) + 1
        sample = data[:1024]
        printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in sample)
        if printable < len(sample) * 0.7:
            # Lines mean nothing in a binary file: point at its start.
            return None, ParseError("binary", "binary file with a .py name (not text)")
        return None, ParseError("nul-byte", f"source contains a NUL byte at line {line}", line)
    encoding = "utf-8"
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    else:
        # PEP 263: a coding cookie on one of the first two lines.
        head = b"\n".join(data.split(b"\n", 2)[:2])
        m = _CODING_RE.search(head)
        if m:
            encoding = m.group(1).decode("ascii", "replace")
    try:
        return data.decode(encoding), None
    except LookupError:
        return None, ParseError("encoding", f"unknown source encoding {encoding!r}")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, ParseError(
            "encoding", f"invalid {encoding} at line {line} (byte offset {exc.start}): {exc.reason}",
            line,
        )


def suppressions(text: str) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """`# ssotcheck: ignore[SSOT201]`, `# noqa: SSOT201`, `# ssotcheck: ignore-file`."""
    if "ssotcheck:" not in text and "noqa" not in text:
        return ()
    out: list[tuple[int, tuple[str, ...]]] = []
    # Lines as Python counts them (not str.splitlines, which also breaks at form feeds and
    # \u2028): a `# noqa` after such a character must still name the statement's line.
    lines = NEWLINE_RE.split(text) if "\r" in text else text.split("\n")
    for lineno, line in enumerate(lines, 1):
        if "#" not in line:
            continue
        m = _SUPPRESS_RE.search(line)
        if not m:
            continue
        codes_txt = m.group(2) or m.group(3) or ""
        codes = tuple(sorted({c for c in re.split(r"[,\s]+", codes_txt) if c})) or ("",)
        out.append((0 if m.group(1) == "ignore-file" else lineno, codes))
    return tuple(out)
