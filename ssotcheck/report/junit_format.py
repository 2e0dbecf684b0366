"""JUnit XML: one test suite per area, one test case per rule in it.

CI dashboards (Jenkins, GitLab, Azure) then show each rule x area as a passing or failing
check, and the failure body lists the findings. A pair with only info findings passes and
lists them under `system-out`, matching the score, which info findings do not lower.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any

from ssotcheck import catalogue
from ssotcheck.model import Finding
from ssotcheck.report.summary import (
    plural,
    printable,
    rule_area_findings,
    score_headline,
)

if TYPE_CHECKING:
    from ssotcheck.pipeline import RunResult


def _finding_line(f: Finding) -> str:
    loc = f.location
    out = f"{loc.path}:{loc.line}:{loc.column + 1}: {f.rule} [{f.severity.value}] {f.message}"
    for r in f.related:
        out += f"\n    related: {r.path}:{r.line}" + (f": {r.message}" if r.message else "")
    return printable(out)


def _rule_name(rule: str) -> str:
    known = catalogue.rules().get(rule)
    return f"{rule} {known.name}" if known else rule


def render(result: RunResult, **_: Any) -> str:
    scores = {a.name: a for a in result.scores.areas}
    suites: dict[str, ET.Element] = {}
    totals = {"tests": 0, "failures": 0}
    root = ET.Element("testsuites", name="ssotcheck")
    for rule, area, findings in rule_area_findings(result):
        suite = suites.get(area)
        if suite is None:
            suite = ET.SubElement(root, "testsuite", name=f"ssotcheck.{printable(area)}")
            props = ET.SubElement(suite, "properties")
            a = scores.get(area)
            if a is not None:
                for key, value in (("files", a.files),
                                   ("files_with_violations", a.files_with_violations),
                                   ("violations", a.violations), ("score", a.score)):
                    ET.SubElement(props, "property", name=key, value=str(value))
            suite.set("tests", "0")
            suite.set("failures", "0")
            suites[area] = suite
        case = ET.SubElement(suite, "testcase", classname=f"ssotcheck.{printable(area)}",
                             name=_rule_name(rule), time="0")
        suite.set("tests", str(int(suite.get("tests", "0")) + 1))
        totals["tests"] += 1
        failing = [f for f in findings if f.counts]
        if failing:
            failure = ET.SubElement(case, "failure", type=rule, message=(
                f"{plural(len(failing), 'violation')} in "
                f"{plural(len({f.path for f in failing}), 'file')} of area {printable(area)}"))
            failure.text = "\n".join(_finding_line(f) for f in failing)
            suite.set("failures", str(int(suite.get("failures", "0")) + 1))
            totals["failures"] += 1
        notes = [f for f in findings if not f.counts]
        if notes:
            ET.SubElement(case, "system-out").text = "\n".join(_finding_line(f) for f in notes)
    for suite in suites.values():
        suite.set("errors", "0")
        suite.set("skipped", "0")
        suite.set("time", "0")
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")
    root.set("time", "0")
    # <testsuites> has no properties in the JUnit schema; a comment keeps the headline
    # visible to whoever opens the file without upsetting strict parsers.
    root.insert(0, ET.Comment(printable(
        f" ssotcheck score {score_headline(result.scores)} "
        .replace("--", "- -"))))
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="unicode", xml_declaration=False).join(
        ('<?xml version="1.0" encoding="UTF-8"?>\n', "\n"))
