"""The rule catalogue: `rules/*.toml` is the single home of every rule's text.

`explain`, SARIF rule descriptors and docs/rules/*.md are all generated from it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from ssotcheck.model import Finding, Fix, Location, Severity

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

_FIELDS = ("id", "name", "severity", "summary", "what_it_does", "why_bad", "example",
           "use_instead")


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: Severity
    summary: str
    what_it_does: str
    why_bad: str
    example: str
    use_instead: str
    fixable: bool = False
    options: tuple[tuple[str, str], ...] = ()  # (config key, what it does)

    def markdown(self) -> str:
        """The rule page, ruff style."""
        out = [
            f"# {self.id} {self.name}",
            "",
            f"Severity: **{self.severity.value}** · Autofix: **{'yes' if self.fixable else 'no'}**",
            "",
            self.summary.strip(),
            "",
            "## What it does",
            "",
            self.what_it_does.strip(),
            "",
            "## Why is this bad?",
            "",
            self.why_bad.strip(),
            "",
            "## Example",
            "",
            "```python",
            self.example.strip("\n"),
            "```",
            "",
            "## Use instead",
            "",
            "```python",
            self.use_instead.strip("\n"),
            "```",
            "",
            "## Options",
            "",
        ]
        if self.options:
            out += [f"- `{k}`: {v.strip()}" for k, v in self.options]
        else:
            out.append("None.")
        out.append("")
        return "\n".join(out)


def folder() -> Traversable | Path:
    """The catalogue's folder. The wheel ships the top-level `rules/` as the package
    `ssotcheck.rules` (pyproject's package-dir); an editable install maps that package
    to the checkout's `rules/`; a bare source tree on sys.path has only the folder."""
    try:
        return resources.files("ssotcheck.rules")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "rules"


def files() -> list[Traversable | Path]:
    return sorted((e for e in folder().iterdir() if e.name.endswith(".toml")),
                  key=lambda e: e.name)


@lru_cache(maxsize=1)
def rules() -> dict[str, Rule]:
    out: dict[str, Rule] = {}
    for entry in files():
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        missing = [f for f in _FIELDS if f not in data]
        if missing:
            raise RuntimeError(f"rule file {entry.name} lacks {', '.join(missing)}")
        out[data["id"]] = Rule(
            id=data["id"], name=data["name"], severity=Severity(data["severity"]),
            summary=data["summary"], what_it_does=data["what_it_does"],
            why_bad=data["why_bad"], example=data["example"], use_instead=data["use_instead"],
            fixable=bool(data.get("fixable", False)),
            options=tuple(sorted(data.get("options", {}).items())),
        )
    return out


def get(rule_id: str) -> Rule:
    return rules()[rule_id]


def find(query: str) -> Rule | None:
    """By id (`SSOT101`, `ssot101`) or name (`split-enum`)."""
    q = query.strip()
    for r in rules().values():
        if r.id.lower() == q.lower() or r.name == q.lower():
            return r
    return None


def make_finding(rule_id: str, message: str, location: Location, *,
                 related: tuple[Location, ...] | list[Location] = (), fix: Fix | None = None,
                 key: str = "", severity: Severity | None = None,
                 concept: str | None = None, confidence: str | None = None,
                 confidence_reasons: tuple[str, ...] = (),
                 counted: bool | None = None) -> Finding:
    """A Finding with the rule's name and default severity filled in from the catalogue."""
    rule = get(rule_id)
    return Finding(
        rule=rule_id, name=rule.name, severity=severity or rule.severity, message=message,
        location=location, related=tuple(sorted(related, key=Location.sort_key)), fix=fix,
        key=key, concept=concept, confidence=confidence,
        confidence_reasons=confidence_reasons, counted=counted,
    )
