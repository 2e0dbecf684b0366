"""`json.dumps(indent=2)` layout, with chosen long lists written one element per line.

Why: with `indent`, the stdlib encoder falls back to pure Python (its C encoder only
does the compact form), which costs ~1 s per 10,000 findings in SARIF. Here the
document's skeleton is still indented for people reading it top-down, and each element
of a long list (findings, SARIF results) is one compact line from the C encoder: five
times faster, and a finding per line reads and diffs well too.
"""

from __future__ import annotations

import json
from typing import Any

_SENTINEL = "\x00ssotcheck-list-{}\x00"


def dumps(doc: dict[str, Any], long_lists: dict[str, list[Any]],
          encoded: dict[str, list[str]] | None = None) -> str:
    """`doc` holds `_SENTINEL`-style placeholders (see `placeholder`) where the lists
    named in `long_lists` go; `encoded` lists are given as their elements' compact
    JSON already."""
    text = json.dumps(doc, indent=2, ensure_ascii=True)
    lists = {name: list(map(_compact, items)) for name, items in long_lists.items()}
    lists.update(encoded or {})
    # Where each list goes, in document order; then one join. (Splicing each list into
    # the text copied the whole document once per list, ~20 MB at 25,000 findings, which
    # cost as much as encoding the findings did.)
    spots = sorted((text.index(json.dumps(placeholder(name), ensure_ascii=True)), name)
                   for name in lists)
    pieces: list[str] = []
    done = 0
    for at, name in spots:
        items = lists[name]
        indent = at - text.rindex("\n", 0, at) - 1
        pad = "\n" + " " * (indent + 2)
        pieces.append(text[done:at])
        if items:
            sep = "," + pad
            pieces.append("[")
            for item in items:  # not a join of its own: that would be one more copy
                pieces += (sep, item)
            pieces[len(pieces) - 2 * len(items)] = pad  # the first one has no comma
            pieces += ("\n", " " * indent, "]")
        else:
            pieces.append("[]")
        done = at + len(json.dumps(placeholder(name), ensure_ascii=True))
    pieces += [text[done:], "\n"]
    return "".join(pieces)


def _compact(item: Any) -> str:
    # No keyword arguments: json.dumps then reuses its module-level C encoder instead of
    # building an encoder per call (ensure_ascii=True is its default).
    return json.dumps(item)


def placeholder(name: str) -> str:
    return _SENTINEL.format(name)
