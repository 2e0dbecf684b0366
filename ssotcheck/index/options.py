"""What extraction looks for beyond statements, and the text pre-screen that decides
whether a file's expressions are walked at all.

Both extractors call `expression_plan` on the same text, so they agree on what is
collected even for spellings the screen misses.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from ssotcheck.index.source import NEWLINE_RE
from ssotcheck.model import ImportFact

@dataclass(frozen=True)
class ExtractOptions:
    discriminators: tuple[str, ...] = ("type", "event_type")
    banned: tuple[str, ...] = ()  # dotted banned API names
    legacy: tuple[str, ...] = ()  # dotted legacy paths (the registry's old side)

    def discriminator_re(self) -> re.Pattern[str] | None:
        return _discriminator_screen(self.discriminators)[0]

    def banned_tokens(self) -> frozenset[str]:
        return _banned_parts(self.banned)[0]

    def legacy_parents(self) -> tuple[frozenset[str], frozenset[str]]:
        """The proper dotted prefixes of the legacy paths, and every component of those."""
        return _legacy_parents(self.legacy)


@functools.lru_cache(maxsize=8)
def _discriminator_screen(discriminators: tuple[str, ...]
                          ) -> tuple[re.Pattern[str] | None, tuple[str, ...]]:
    """The pattern of a discriminator key (`"type":`), and the substrings it cannot match
    without (each name followed by a quote): built once, not per file."""
    if not discriminators:
        return None, ()
    alt = "|".join(re.escape(d) for d in sorted(discriminators))
    needles = tuple(d + q for d in discriminators for q in "\"'")
    return re.compile(rf"""["']({alt})["']\s*:"""), needles


@functools.lru_cache(maxsize=8)
def _banned_parts(banned: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """Every component of the banned names, and their first components."""
    return (frozenset(part for name in banned for part in name.split(".")),
            frozenset(name.partition(".")[0] for name in banned))


@functools.lru_cache(maxsize=8)
def _legacy_parents(legacy: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    parents = frozenset(old[:i] for old in legacy for i, c in enumerate(old) if c == ".")
    return parents, frozenset(part for p in parents for part in p.split("."))


def interesting_tokens(imports: tuple[ImportFact, ...] | list[ImportFact],
                       options: ExtractOptions) -> frozenset[str]:
    """Names whose chains may be banned uses or legacy uses in this file.

    Banned: every component of a banned name, and the names imports bind to a path on
    the way to (or under) one. Legacy: only the names bound by imports whose binding
    reaches a proper prefix of a legacy path (`import a.b` binds `a`; `import a.b as m`
    and `from a import b` bind `a.b`), since a chain through any other binding either
    cannot reach a legacy path or goes through an import SSOT201 already reports. That
    is a set lookup per import, so a registry of hundreds of entries costs nothing here.
    A relative import cannot be resolved yet: its bound name counts when the name it
    imports is a component of such a prefix (an over-approximation).
    """
    if not options.banned and not options.legacy:
        return frozenset()
    parts, heads = _banned_parts(options.banned)
    tokens = set(parts)
    for imp in imports:
        if imp.level:
            continue
        target = imp.module if imp.name is None else f"{imp.module}.{imp.name}"
        if target.partition(".")[0] not in heads:
            continue  # each test below needs the same first component
        for banned in options.banned:
            if banned == target or banned.startswith(target + ".") or target.startswith(banned + "."):
                tokens.add(imp.bound_name)
    if options.legacy:
        parents, components = options.legacy_parents()
        for imp in imports:
            if imp.name == "*":
                continue
            if imp.level:
                if (imp.name or imp.module.rpartition(".")[2]) in components:
                    tokens.add(imp.bound_name)
                continue
            if imp.name is None and imp.alias is None:
                bound = imp.module.partition(".")[0]  # `import a.b` binds `a`
            else:
                bound = imp.module if imp.name is None else f"{imp.module}.{imp.name}"
            if bound in parents:
                tokens.add(imp.bound_name)
    return frozenset(tokens)


def expression_plan(text: str, imports: list[ImportFact],
                    options: ExtractOptions) -> tuple[bool, frozenset[str]]:
    """Whether to collect dict literals, and which name tokens may start a banned use.

    Both parsers apply the same text pre-screen, so they agree on *what* is collected
    even for odd spellings the screen misses (e.g. a concatenated `"ty" "pe"` key).
    """
    dre, needles = _discriminator_screen(options.discriminators)
    # [perf] Each regex below is tried only when a substring it cannot match without is
    # present: `in` scans text several times faster than the regex engine, and on a large
    # tree these two scans of every file cost ~5% of a cold run. Same answers by
    # construction (the discriminator pattern needs the name followed by a quote).
    want_dicts = bool(dre) and any(_discriminator_key_at(text, n) for n in needles)
    tokens = interesting_tokens(imports, options)
    if tokens and not _mentions_any(text, tokens):
        tokens = frozenset()
    return want_dicts, tokens


def _discriminator_key_at(text: str, needle: str) -> bool:
    """Whether `needle` (a discriminator and a closing quote) stands in `text` as
    `discriminator_re` matches it: after a quote, then optional whitespace and a colon.

    [perf] The pattern has no literal prefix, so the regex engine tries it at every
    position of the file; `"type"` strings are common in real code but `"type":` keys
    are not, and `str.find` skips to the few candidates (~2% of extraction).
    """
    find, n, end = text.find, len(needle), len(text)
    i = find(needle, 1)
    while i != -1:
        if text[i - 1] in "\"'":
            j = i + n
            while j < end and text[j].isspace():
                j += 1
            if j < end and text[j] == ":":
                return True
        i = find(needle, i + 1)
    return False


@functools.lru_cache(maxsize=8)
def _key_re(discriminators: tuple[str, ...]) -> re.Pattern[str]:
    alt = "|".join(re.escape(d) for d in sorted(discriminators))
    return re.compile(rf"""["']({alt})["']""")


def _token_re(tokens: frozenset[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(t) for t in sorted(tokens)) + r")\b")


_WORD_RE = re.compile(r"\w+")


@functools.lru_cache(maxsize=64)
def _all_words(tokens: frozenset[str]) -> bool:
    return all(_WORD_RE.fullmatch(t) for t in tokens)


def _word_at(text: str, token: str, start: int) -> int:
    r"""The first position from `start` where `token` stands as a whole word (what
    `\btoken\b` matches: `\w` is `str.isalnum()` or `_`), or -1.

    [perf] `str.find` scans several times faster than the regex engine runs an
    alternation of words with `\b` in front (which has no literal prefix to skip by):
    on real code the token pre-screen was ~8% of extraction. An occurrence that overlaps
    a rejected one starts after a word character, so skipping past it loses nothing.
    """
    find, n, end = text.find, len(token), len(text)
    i = find(token, start)
    while i != -1:
        j = i + n
        if (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")) and (
                j == end or not (text[j].isalnum() or text[j] == "_")):
            return i
        i = find(token, j)
    return -1


def _mentions_any(text: str, tokens: frozenset[str]) -> bool:
    """Whether one of `tokens` stands in `text` as a whole word (`_token_re(tokens).search`)."""
    if not _all_words(tokens):
        return _token_re(tokens).search(text) is not None
    return any(_word_at(text, t, 0) != -1 for t in tokens)


def token_positions(text: str, tokens: frozenset[str]) -> list[int]:
    """Where one of `tokens` starts as a whole word, in no particular order: the starts of
    `_token_re(tokens).finditer(text)`. Tokens are words, so two never share a start."""
    if not _all_words(tokens):
        return [m.start() for m in _token_re(tokens).finditer(text)]
    out: list[int] = []
    for t in tokens:
        i = _word_at(text, t, 0)
        while i != -1:
            out.append(i)
            i = _word_at(text, t, i + len(t))
    return out


def candidate_lines(text: str, want_dicts: bool, tokens: frozenset[str],
                    options: ExtractOptions) -> list[int]:
    """Sorted numbers of the lines on which a discriminator string (`"type"`) or one of
    `tokens` starts: what the pre-screen saw, line by line.

    [perf] The expression walks of both extractors visit only the statements whose lines
    (decorators included) hold one of these, instead of every node of the file: a dict
    literal with a discriminator key, or a chain with a token in it, lies on the line of
    that key or name, inside every statement that contains it. Real code mentions `os`
    or `"type":` in many files but on few of their lines.
    """
    positions: list[int] = []
    if want_dicts and options.discriminators:
        # Looser than `discriminator_re` (no colon needed), so `{("type"): ...}` counts.
        positions.extend(m.start() for m in _key_re(options.discriminators).finditer(text))
    if tokens:
        positions.extend(token_positions(text, tokens))
    return _lines_of(text, positions)


# What the statement walk collects below module level: import statements, class
# statements and `global` declarations each spell their keyword on one of their lines.
NESTED_KEYWORDS = frozenset({"import", "class", "global"})


def keyword_lines(text: str) -> list[int]:
    """Sorted numbers of the lines on which `import`, `class` or `global` stands as a word
    (in code, or in a string or comment: a line too many costs nothing but time).

    [perf] Below module level the statement walk only records imports, classes and
    `global` declarations; a function or class body none of whose lines holds one of these
    words holds none of those statements, so neither extractor walks it. Most function
    bodies of real code are such bodies.
    """
    return _lines_of(text, token_positions(text, NESTED_KEYWORDS))


def _lines_of(text: str, positions: list[int]) -> list[int]:
    """The sorted, distinct line numbers (as the tokenizer counts lines) of these offsets."""
    if not positions:
        return []
    positions.sort()
    if "\r" in text:  # the tokenizer also ends lines at a lone \r
        starts = [m.end() for m in NEWLINE_RE.finditer(text)]
        return sorted({bisect.bisect_right(starts, p) + 1 for p in positions})
    lines: list[int] = []
    line, last = 1, 0
    for p in positions:
        line += text.count("\n", last, p)
        last = p
        if not lines or lines[-1] != line:
            lines.append(line)
    return lines


def touches(lines: list[int], first: int, last: int) -> bool:
    """Whether one of the sorted `lines` is within `first`..`last`."""
    i = bisect.bisect_left(lines, first)
    return i < len(lines) and lines[i] <= last
