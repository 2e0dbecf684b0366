"""The JSON report writes each finding as one line without building a dict for it
(`json_format.finding_line`); it must be exactly what `json.dumps(finding_dict(f))` gives."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from ssotcheck.model import Finding, Fix, Location, Severity
from ssotcheck.report.json_format import finding_dict, finding_line

text = st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["", "a/b.py", 'quote " and \\ backslash', "tab\tnewline\n", "é ü 中 🙂", "\x00\x1f\x7f"])
small = st.integers(min_value=0, max_value=10**6)
locations = st.builds(Location, path=text, line=small, column=small,
                      end_line=st.none() | small, end_column=st.none() | small, message=text)
fixes = st.none() | st.builds(Fix, description=text, safe=st.booleans(),
                              replacement=st.none() | text)
findings = st.builds(
    Finding, rule=text, name=text, severity=st.sampled_from(list(Severity)), message=text,
    location=locations, related=st.lists(locations, max_size=3).map(tuple), fix=fixes,
    key=text, area=text, concept=st.none() | text, confidence=st.none() | text,
    confidence_reasons=st.lists(text, max_size=3).map(tuple),
    counted=st.none() | st.booleans())


@settings(max_examples=300, deadline=None)
@given(st.lists(findings, min_size=1, max_size=4))
def test_finding_line_is_json_dumps_of_finding_dict(fs: list[Finding]) -> None:
    memo: dict[str, str] = {}  # shared, as the renderer shares it across findings
    for f in fs:
        line = finding_line(f, memo)
        assert line == json.dumps(finding_dict(f))
        assert json.loads(line) == finding_dict(f)
