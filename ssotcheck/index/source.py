"""Source bytes -> text: decoding (PEP 263, BOM, binary and NUL detection), the content
hash the caches key on, line counting as Python counts lines, and suppression comments.

Both extractors, the parse pool and `fix` read source through these, so a file is
decoded, hashed and numbered the same way wherever it is read.
"""

from __future__ import annotations

import hashlib
import re

from ssotcheck.model import ParseError, Suppression

MAX_FILE_BYTES = 20 * 1024 * 1024


_CODING_RE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.MULTILINE)


NEWLINE_RE = re.compile(r"\r\n|\r|\n")


SUPPRESS_RE = re.compile(
    r"#\s*(?:ssotcheck:\s*(ignore-file|ignore)(?:\[([A-Za-z0-9, ]*)\])?|noqa:\s*((?:SSOT\d*[, ]*)+))"
)
# `reason="..."` (or '...', or one bare word) and `until=...` after the rule list.
SUPPRESS_ARG_RE = re.compile(r"""\s*(reason|until)\s*=\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s#]+)""")


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


def suppressions(text: str) -> tuple[Suppression, ...]:
    """`# ssotcheck: ignore[SSOT201] reason="..." until=YYYY-MM-DD`, `# noqa: SSOT201`,
    `# ssotcheck: ignore-file[...]`: every suppression *comment* in the text, by line.

    Shared by both extractors (they agree by construction). Text that only looks like a
    suppression inside a string or docstring is not one: when the cheap line scan finds a
    candidate, the tokenizer confirms it is a comment.
    """
    if "ssotcheck:" not in text and "noqa" not in text:
        return ()
    # Lines as Python counts them (not str.splitlines, which also breaks at form feeds and
    # \u2028): a `# noqa` after such a character must still name the statement's line.
    lines = NEWLINE_RE.split(text) if "\r" in text else text.split("\n")
    candidates = [n for n, line in enumerate(lines, 1)
                  if "#" in line and SUPPRESS_RE.search(line)]
    if not candidates:
        return ()
    comments = _comment_columns(text)
    out: list[Suppression] = []
    for n in candidates:
        start = 0 if comments is None else comments.get(n)
        if start is None:
            continue  # only inside a string
        m = SUPPRESS_RE.search(lines[n - 1], start)
        # It must open the comment or a `# ...` segment of it: a comment that mentions
        # the syntax (`# write \`# noqa: SSOT201\` here`) suppresses nothing.
        if m and (m.start() == start or lines[n - 1][m.start() - 1] in " \t"):
            out.append(_suppression(n, lines[n - 1], m))
    return tuple(out)


def _suppression(lineno: int, line: str, m: re.Match[str]) -> Suppression:
    codes_txt = m.group(2) or m.group(3) or ""
    codes = tuple(sorted({c.upper() for c in re.split(r"[,\s]+", codes_txt) if c}))
    reason = until = None
    rest = line[m.end():]
    while True:
        a = SUPPRESS_ARG_RE.match(rest)
        if not a:
            break
        value = a.group(2)
        if value[:1] in "\"'" and len(value) >= 2:
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        if a.group(1) == "reason":
            reason = value
        else:
            until = value
        rest = rest[a.end():]
    return Suppression(
        line=lineno, codes=codes, reason=reason, until=until,
        style="noqa" if m.group(3) is not None else "ssotcheck", column=m.start(),
        file_level=m.group(1) == "ignore-file")


def _comment_columns(text: str) -> dict[int, int] | None:
    """line -> column of the comment on it, or None when the tokenizer cannot read the text
    (e.g. syntax newer than the host's): then every candidate stands."""
    import io
    import tokenize

    cols: dict[int, int] = {}
    try:
        # Universal newlines, so lone `\r` ends a line here as it does for the parser.
        for tok in tokenize.generate_tokens(io.StringIO(text, newline=None).readline):
            if tok.type == tokenize.COMMENT:
                cols[tok.start[0]] = tok.start[1]
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None
    return cols
