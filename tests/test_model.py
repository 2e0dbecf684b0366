"""Value objects of ssotcheck.model."""

from __future__ import annotations

import dataclasses

from ssotcheck.model import Finding, Location, Severity


def _every_field_set() -> Finding:
    """A Finding whose every field holds a value of its own, none of them a default."""
    f = object.__new__(Finding)
    for field in dataclasses.fields(Finding):
        Finding.__dict__[field.name].__set__(f, ("value of", field.name))
    return f


def test_with_area_copies_every_field_but_the_area() -> None:
    f = _every_field_set()
    g = f.with_area("tests")
    for field in dataclasses.fields(Finding):
        want = "tests" if field.name == "area" else getattr(f, field.name)
        assert getattr(g, field.name) == want, field.name


def test_with_area_equals_replace() -> None:
    f = Finding("SSOT201", "legacy-import", Severity.ERROR, "m", Location("a.py", 3, 4),
                key="k", concept="C", confidence="high", confidence_reasons=("r",),
                counted=False)
    assert f.with_area("production") == dataclasses.replace(f, area="production")
    assert f.with_area("production") is not f
