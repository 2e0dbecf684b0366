"""The text pre-screens of `ssotcheck.index.options` against the regexes they replace.

`token_positions` / `_mentions_any` find whole-word tokens with `str.find` instead of a
`\\b(?:a|b)\\b` alternation, and `keyword_lines` reports the lines of `import`, `class`
and `global`; on any text they must say exactly what the regex says.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ssotcheck.index.options import _mentions_any, _token_re, keyword_lines, token_positions

# Word and non-word characters, non-ASCII letters and digits among them (`\w` is Unicode).
TEXTS = st.lists(st.sampled_from(
    ["os", "environ", "o", "s", "_", "1", "é", "ß", "٣", "µ", "€", " ", ".", "(", "\n", "\r",
     "\u2028", "'", "#", "iron", "env"]), max_size=30).map("".join)
TOKENS = st.frozensets(st.sampled_from(["os", "environ", "s", "o_s", "é", "ßo", "t1", "_",
                                        "osos", "env.iron", "a-b", ""]), min_size=1, max_size=4)


@settings(max_examples=400, deadline=None)
@given(TEXTS, TOKENS)
def test_token_positions_are_the_regex_matches(text: str, tokens: frozenset[str]) -> None:
    expected = [m.start() for m in _token_re(tokens).finditer(text)]
    assert sorted(token_positions(text, tokens)) == expected
    assert _mentions_any(text, tokens) == bool(expected)


def test_token_positions_examples() -> None:
    text = "os.environ; pos = cost(os)\nxos os_ os2 é_os os"
    assert sorted(token_positions(text, frozenset({"os", "environ"}))) == [0, 3, 23, text.rindex("os")]
    assert not _mentions_any("cost posix", frozenset({"os"}))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["import", "class", "global", "imports", "_", "x", "é", " ", ".",
                                  "#", "\n", "\r", "\r\n", "\u2028"]), max_size=25).map("".join))
def test_keyword_lines_are_the_lines_of_the_words(text: str) -> None:
    lines = re.split(r"\r\n|\r|\n", text)
    expected = [n for n, line in enumerate(lines, 1)
                if re.search(r"\b(?:import|class|global)\b", line)]
    assert keyword_lines(text) == expected


# Quotes, colons and whitespace (Unicode spaces among them) around discriminator names.
KEY_TEXTS = st.lists(st.sampled_from(
    ["type", "event_type", "kind", "_", "x", '"', "'", ":", " ", "\t", "\n", "\u00a0",
     "\u2003", "\x1c", "{", "é", "types"]), max_size=25).map("".join)


@settings(max_examples=500, deadline=None)
@given(KEY_TEXTS, st.sampled_from([("type",), ("type", "event_type"), ("kind", "type"),
                                   ("event_type",)]))
def test_the_discriminator_screen_is_the_regex(text: str, discriminators: tuple[str, ...]) -> None:
    from ssotcheck.index.options import ExtractOptions, _discriminator_key_at, _discriminator_screen

    pattern, needles = _discriminator_screen(discriminators)
    assert pattern is not None
    expected = pattern.search(text) is not None
    assert any(_discriminator_key_at(text, n) for n in needles) == expected
    options = ExtractOptions(discriminators=discriminators)
    from ssotcheck.index.options import expression_plan
    assert expression_plan(text, [], options)[0] == expected


def test_the_discriminator_screen_examples() -> None:
    from ssotcheck.index.options import _discriminator_key_at

    assert _discriminator_key_at('{"type" :\n 1}', 'type"')
    assert _discriminator_key_at("{'type'\u00a0: 1}", "type'")
    assert not _discriminator_key_at('isinstance(x, type); "type" in d', 'type"')
    assert not _discriminator_key_at('{"subtype": 1}', 'type"')
    assert not _discriminator_key_at('type": 1', 'type"')  # no opening quote
