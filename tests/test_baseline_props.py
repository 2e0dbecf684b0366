"""Properties of the baseline ratchet and the suppression-comment parser (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ssotcheck.gates import baseline as bl
from ssotcheck.index.source import suppressions
from ssotcheck.model import Finding, Location, Severity

_rules = st.sampled_from(["SSOT101", "SSOT201", "SSOT203"])
_paths = st.sampled_from(["a.py", "pkg/b.py", "pkg/c.py"])
_anchors = st.sampled_from(["X", "Y:pkg.b.Y", "os.environ:os.environ.get"])


@st.composite
def findings(draw: st.DrawFn) -> list[Finding]:
    out = []
    for _ in range(draw(st.integers(0, 12))):
        out.append(Finding(draw(_rules), "n", Severity.ERROR, "m",
                           Location(draw(_paths), draw(st.integers(1, 500))),
                           key=draw(_anchors)))
    return out


@settings(max_examples=200, deadline=None)
@given(findings(), findings(), st.sampled_from(["shrink", "add-new"]))
def test_ratchet_properties(before: list[Finding], now: list[Finding], mode: str) -> None:
    old = bl.record(before, None, "reset", "2026-01-01").baseline
    # Recording today's findings baselines every one of them, whatever their lines.
    assert bl.apply(before, old).kept == []
    assert old.total() == len(before)
    new = bl.record(now, old, mode, "2026-02-01")
    gate_old, gate_new = bl.apply(now, old), bl.apply(now, new.baseline)
    if mode == "shrink":
        # The ratchet never grows: no new identity, no count above the old one ...
        counts = {e.fingerprint: e.count for e in old.entries}
        assert all(e.count <= counts.get(e.fingerprint, 0) for e in new.baseline.entries)
        assert new.added == 0
        # ... and shrinking changes nothing about what the gate lets through,
        assert sorted(map(Finding.sort_key, gate_new.kept)) == \
            sorted(map(Finding.sort_key, gate_old.kept))
        assert new.not_added == len(gate_old.kept)
        # while every stale entry is gone.
        assert gate_new.stale == []
        assert new.removed == sum(e.count for e in gate_old.stale)
    else:
        assert gate_new.kept == [] and gate_new.stale == []
    # Entries keep the date they were first recorded.
    first = {e.fingerprint for e in old.entries}
    assert all(e.added == "2026-01-01" for e in new.baseline.entries if e.fingerprint in first)


_codes = st.lists(st.sampled_from(["SSOT101", "SSOT2", "SSOT203", "SSOT1O1"]), max_size=3,
                  unique=True)
_reason = st.text(st.characters(blacklist_characters='"\\\n\r', blacklist_categories=("Cs",)),
                  max_size=20)


@settings(max_examples=200, deadline=None)
@given(_codes, st.none() | _reason, st.none() | st.dates().map(str), st.booleans(),
       st.integers(0, 3))
def test_suppression_comments_parse_back(codes: list[str], reason: str | None,
                                         until: str | None, reason_first: bool,
                                         blank_lines: int) -> None:
    args = []
    if reason is not None:
        args.append(f'reason="{reason}"')
    if until is not None:
        args.append(f"until={until}")
    if not reason_first:
        args.reverse()
    comment = f"# ssotcheck: ignore[{', '.join(codes)}]" + "".join(" " + a for a in args)
    text = "\n" * blank_lines + f"x = 1  {comment}\n" + '"""# ssotcheck: ignore"""\n'
    got = suppressions(text)
    assert len(got) == 1  # the docstring's look-alike is not a comment
    s = got[0]
    assert (s.line, s.codes, s.reason, s.until, s.file_level) == (
        blank_lines + 1, tuple(sorted(codes)), reason, until, False)
    assert text.split("\n")[s.line - 1][s.column:].startswith("# ssotcheck:")
