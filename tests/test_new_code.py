"""Properties of the finding matching behind `diff` and `check --diff-base`
(ssotcheck.gates.new_code): a multiset of line-independent identities."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from ssotcheck.catalogue import make_finding
from ssotcheck.gates import new_code
from ssotcheck.model import Finding, Location

findings = st.lists(st.builds(
    lambda rule, path, key, line: replace(make_finding(rule, f"msg {key}", Location(path, line)),
                                          key=key),
    st.sampled_from(["SSOT101", "SSOT201"]), st.sampled_from(["a.py", "b.py", "pkg/c.py"]),
    st.sampled_from(["Color:pkg.c.Color", "x", "y"]), st.integers(1, 50)), max_size=12)


def _ids(fs: list[Finding]) -> Counter[str]:
    return Counter(new_code.identity(f) for f in fs)


@given(findings, findings)
def test_new_and_fixed_are_the_multiset_difference(base: list[Finding], head: list[Finding]
                                                   ) -> None:
    new, fixed = new_code.compare(base, head)
    assert _ids(new) == _ids(head) - _ids(base)
    assert _ids(fixed) == _ids(base) - _ids(head)
    assert len(head) - len(new) == len(base) - len(fixed)  # the matched ones


@given(findings, st.integers(0, 40))
def test_moved_lines_are_neither_new_nor_fixed(base: list[Finding], shift: int) -> None:
    moved = [replace(f, location=replace(f.location, line=f.line + shift)) for f in base]
    assert new_code.compare(base, moved) == ([], [])


@given(findings)
def test_a_renamed_file_keeps_its_findings(base: list[Finding]) -> None:
    renames = {"pkg/c.py": new_code.Rename("core/c.py", "pkg.c", "core.c")}

    def moved(f: Finding) -> Finding:
        if f.path != "pkg/c.py":
            return f
        return replace(f, location=replace(f.location, path="core/c.py"),
                       key=f.key.replace("pkg.c", "core.c"))

    head = [moved(f) for f in base]
    assert new_code.compare(base, head, renames) == ([], [])


@given(findings, findings)
def test_the_gate_keeps_what_is_beyond_the_base(base: list[Finding], head: list[Finding]
                                                ) -> None:
    beyond = new_code.beyond(head, new_code.counts(base))
    assert _ids(beyond) == _ids(head) - _ids(base)
    assert beyond == sorted(beyond, key=Finding.sort_key)
