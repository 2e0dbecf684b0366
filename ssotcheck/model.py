"""Value objects shared by every stage of the pipeline.

Everything here is a frozen dataclass so a stage can hand its output to the next
without fear of mutation, and so facts can be cached and compared for equality
(the ast/libcst parity test relies on `==`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def counts(self) -> bool:
        """Whether a finding of this severity lowers a compliance score."""
        return self is not Severity.INFO


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True, slots=True)
class Span:
    line: int
    column: int  # 0-based, like ast
    end_line: int
    end_column: int


# `ImportFact.guard` values, weakest first.
HARD, PROBE, FALLBACK, ABSENCE = "hard", "probe", "fallback", "absence"


@dataclass(frozen=True, slots=True)
class ImportFact:
    """One imported binding.

    `import a.b as x`        -> module="a.b", name=None, alias="x"
    `from ..a import b as c` -> module="a", name="b", alias="c", level=2
    `from . import b`        -> module="", name="b", level=1
    """

    module: str
    name: str | None
    alias: str | None
    level: int
    span: Span
    # The whole import statement, so a fixer or a message can point at all of it.
    stmt_span: Span
    in_function: bool = False
    type_checking: bool = False
    in_try: bool = False  # inside `try:` whose handlers catch ImportError (a compat shim)
    # Inside the body of a module-level `if __name__ == "__main__":` (at any depth): it
    # runs only when the file is executed as a script, never when it is imported.
    in_main_guard: bool = False
    # What the statement around it says about the import (SSOT201 reads it):
    # "fallback" - a `try:` whose ImportError handler imports an alternative (a shim);
    # "probe"    - a `try:` whose handler only records, fails or logs (a test that the
    #              path is gone, a logged optional import);
    # "hard"     - any other `try:` catching ImportError (`raise`, `X = None`, `pass`);
    # "absence"  - inside `with pytest.raises(ImportError):` / `self.assertRaises(...)`,
    #              where the import is expected to fail;
    # ""         - none of these. Nested contexts: the strongest wins, in the order above
    #              reversed (absence > fallback > probe > hard).
    guard: str = ""

    @property
    def bound_name(self) -> str:
        """The local name this import binds (`import a.b` binds `a`)."""
        if self.alias:
            return self.alias
        if self.name is not None:
            return self.name
        return self.module.split(".")[0]


@dataclass(frozen=True, slots=True)
class MemberFact:
    """A statement in a class body that defines a name.

    kind: "method" | "field" (annotated) | "assign" (plain assignment).
    value: normalised text of a literal/name/call value (see extract.normalise_value),
           or None when there is no value.
    annotation: dotted name of the outermost annotation (`Literal`, `typing.Optional`).
    literals: the string arguments of a `Literal[...]` annotation.
    type: the annotation as one spelling of its type (`statements.annotation_type`:
          `Optional[str]` and `str | None` are both `str | None`), or None.
    """

    name: str
    kind: str
    line: int
    value: str | None = None
    annotation: str | None = None
    literals: tuple[str, ...] = ()
    is_async: bool = False  # an `async def` method: a sync and an async class pair by it
    type: str | None = None


@dataclass(frozen=True, slots=True)
class ClassFact:
    name: str
    qualname: str  # "Outer.Inner" for nested classes
    span: Span
    bases: tuple[str, ...]  # dotted base expressions as written (`enum.Enum`, `Generic`)
    keywords: tuple[tuple[str, str], ...]  # (name, normalised value), e.g. ("total", "False")
    decorators: tuple[str, ...]
    members: tuple[MemberFact, ...]
    nested: bool = False  # defined inside another class or a function
    # Says it is on the way out: its docstring starts with or says "deprecated", its
    # `__init__` or `__new__` carries a deprecation decorator (`statements.deprecating`), or
    # its module warns that it is deprecated when imported (`statements.deprecation_warning`).
    # A duplicate rule reports such a copy as a stub.
    deprecated: bool = False
    # The dotted name a `# Copied from pkg.mod.Name` comment right above the class statement
    # (or above its decorators) gives (`index.source.copied_from`), "" without one: the
    # project declares the class a copy it keeps on purpose and in sync with a tool.
    copied_from: str = ""
    # Top-level classes: the dotted names X for which `X.<this class's name>` is written in
    # the file (`index.source.namesake_owners`): `rpcapi` when `class ComputeTaskAPI` sits in a file
    # that calls `rpcapi.ComputeTaskAPI()`. With an import binding X to the module of a
    # same-named class, the class builds on that namesake (a facade), not a copy of it.
    namesake_owners: tuple[str, ...] = ()
    # Top-level classes with two or more members (`index.source.class_code`): each member's
    # number of distinct significant lines, in the order of `members`, and a bottom-k sketch
    # of the hashes of those lines (each hashed with its member's name). SSOT103 estimates
    # from them how much of the code of the members two same-named classes share is alike.
    member_code: tuple[int, ...] = ()
    code_sketch: tuple[int, ...] = ()

    def member_names(self, kind: str | None = None) -> tuple[str, ...]:
        return tuple(m.name for m in self.members if kind is None or m.kind == kind)


@dataclass(frozen=True, slots=True)
class FunctionFact:
    name: str
    line: int
    is_async: bool
    decorators: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DictLiteralFact:
    """A dict display whose keys are all string literals and which carries a discriminator."""

    span: Span
    keys: tuple[str, ...]
    discriminator: str  # the key, e.g. "type"
    event: str  # its string value, e.g. "agent_started"
    in_function: str | None  # enclosing function/class qualname, for messages
    # Where the dict goes, which decides whether it is a message at all, sorted:
    # "return" / "yield" (from a function), "call:NAME" (an argument of a call to NAME, the
    # callee's last name), "annotated:NAME" (`x: NAME = {...}`). A dict bound to a plain
    # name gets the sinks of that name in the same scope (`msg = {...}; ws.send(msg)`).
    # Empty: kept in a list, compared, ... data, not a message.
    sinks: tuple[str, ...] = ()
    # (key, its keys) for every value that is itself a dict display with string keys:
    # the body of an envelope `{"type": ..., "payload": {...}}`.
    nested: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True, slots=True)
class NameUse:
    """A use of a dotted name chain (`os.environ.get`) that might be a banned API."""

    chain: str
    span: Span
    is_call: bool


@dataclass(frozen=True, slots=True)
class ParseError:
    kind: str  # "syntax" | "encoding" | "binary" | "too-deep" | "unreadable" | "too-large"
    message: str
    line: int = 1
    column: int = 0


@dataclass(frozen=True, slots=True)
class Suppression:
    """One inline suppression comment, as written; judged by `ssotcheck.gates.suppressions`.

    `# ssotcheck: ignore[SSOT101] reason="moves in Q3" until=2027-03-31` ->
    line=N, codes=("SSOT101",), reason="moves in Q3", until="2027-03-31".
    """

    line: int  # where the comment is
    codes: tuple[str, ...]  # rule ids or prefixes as written; () = every rule
    reason: str | None = None
    until: str | None = None  # as written; a bad date is reported, not guessed at
    style: str = "ssotcheck"  # "ssotcheck" (`# ssotcheck: ignore`) | "noqa"
    column: int = 0  # where the suppression's `#` is, for `ssotcheck fix`
    file_level: bool = False  # `ignore-file`: every line of the file


# Inline suppressions of one file, in line order.
SuppressionTable = tuple[Suppression, ...]


@dataclass(frozen=True, slots=True)
class FileFacts:
    """Everything later stages know about one file. Nothing downstream re-reads the file."""

    path: str  # posix, relative to the project root
    content_hash: str
    lines: int
    imports: tuple[ImportFact, ...] = ()
    classes: tuple[ClassFact, ...] = ()
    functions: tuple[FunctionFact, ...] = ()
    constants: tuple[str, ...] = ()  # module-level assigned names
    all_names: tuple[str, ...] | None = None  # literal `__all__`, when present
    all_line: int = 0  # the line of the (first) literal `__all__` assignment; 0: none
    # The module's names cannot be known statically: at module level it updates
    # `globals()`/`vars()`, hands its namespace to a call, calls `exec` or changes
    # `sys.modules` (see index.statements.dynamic_statement).
    dynamic_names: bool = False
    # Names a function declares `global` (it binds them at module level when it runs).
    global_names: tuple[str, ...] = ()
    # Module-level assignments to an attribute of a name (`base.dialect = d`): when the
    # name is an imported module, they give that module a name (sorted, unique).
    attribute_assigns: tuple[str, ...] = ()
    # Module-level `Name = value` assignments, in source order: (name, the value's
    # normalised text, see extract.normalise_value): `Base = x.Base` -> ("Base", "x.Base").
    aliases: tuple[tuple[str, str], ...] = ()
    dict_literals: tuple[DictLiteralFact, ...] = ()
    name_uses: tuple[NameUse, ...] = ()
    suppressions: SuppressionTable = ()  # inline suppression comments, by line
    # The header says a tool wrote the file (index.source.is_generated): the concept rules
    # leave it out, as they do vendored code; the fix is in the generator, not here.
    generated: bool = False
    # A module-level `if __name__ == "__main__":`: the module can run as a script. One that
    # no module imports is a standalone script (a one-off conversion or benchmark tool).
    script_entry: bool = False
    parser: str = "ast"  # "ast" | "libcst" | "none"
    error: ParseError | None = None

    def defined_names(self) -> frozenset[str]:
        """The names the module itself defines at module level (not what it imports):
        top-level classes, functions, assigned names and names a function declares
        `global`."""
        names = {c.name for c in self.classes if not c.nested}
        names.update(fn.name for fn in self.functions)
        names.update(self.constants)
        names.update(self.global_names)
        return frozenset(names)

    def defined_kinds(self) -> frozenset[tuple[str, str]]:
        """(name, "class" | "function") for the top-level classes and functions: what
        SSOT201 compares when a registry entry renames a thing (class <-> factory)."""
        kinds = {(c.name, "class") for c in self.classes if not c.nested}
        kinds.update((fn.name, "function") for fn in self.functions)
        return frozenset(kinds)


# ------------------------------------------------------------------------ findings


@dataclass(frozen=True, slots=True)
class Location:
    path: str
    line: int
    column: int = 0
    end_line: int | None = None
    end_column: int | None = None
    message: str = ""

    def sort_key(self) -> tuple[str, int, int]:
        return (self.path, self.line, self.column)


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace the text at `span` (0-based columns in code points, end exclusive) with
    `text`: what SARIF `fixes` carry so code scanning can show a suggestion."""

    span: Span
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A suggested change. The codemod itself lives in `ssotcheck.fix`; `edits` are the
    exact replacements when a check can state them from the facts alone (empty when only
    the codemod can work it out, e.g. when every use in the file must change too)."""

    description: str
    safe: bool
    replacement: str | None = None  # e.g. the canonical import path
    edits: tuple[TextEdit, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    name: str
    severity: Severity
    message: str
    location: Location
    related: tuple[Location, ...] = ()
    fix: Fix | None = None
    # The stable anchor a check chooses (the concept and home, the import, ...): with the
    # rule and path it is the finding's line-independent identity (see `fingerprint`).
    key: str = ""
    area: str = ""
    concept: str | None = None  # for duplicate rules: the concept name in the register
    # Duplicate rules only: how sure the rule is that the copies are one concept
    # ("high" | "medium" | "low"), and why, so a reader can weigh a finding before opening it.
    confidence: str | None = None
    confidence_reasons: tuple[str, ...] = ()
    # Whether the finding lowers its file's score, when that differs from what its severity
    # says. A root-cause finding (SSOT301: one error on an intermediate base) is advice
    # and counts nowhere, while the per-class findings it groups drop to info but keep
    # counting, so grouping changes the advice and never the numbers.
    counted: bool | None = None

    def with_area(self, area: str) -> Finding:
        """`dataclasses.replace(self, area=area)` at less than half the cost: every finding
        of a run is copied once to set its area (10^4 on a large project). Every field is
        passed (tests/test_model.py checks that against `replace`)."""
        return Finding(self.rule, self.name, self.severity, self.message, self.location,
                       self.related, self.fix, self.key, area, self.concept, self.confidence,
                       self.confidence_reasons, self.counted)

    @property
    def counts(self) -> bool:
        """Whether this finding lowers a compliance score (and fails `check`)."""
        return self.severity.counts if self.counted is None else self.counted

    @property
    def path(self) -> str:
        return self.location.path

    @property
    def line(self) -> int:
        return self.location.line

    @property
    def anchor(self) -> str:
        """What identifies the finding within its file, without line numbers."""
        return self.key or self.message

    @property
    def fingerprint(self) -> str:
        """THE line-independent identity of a finding: rule + path + anchor, hashed.

        Everything that asks "is this the same finding as before?" uses this one property:
        the baseline (`ssotcheck.gates.baseline`), SARIF `partialFingerprints`, JSON
        `fingerprint`, and comparisons between two points in history (`ssotcheck diff`,
        `check --diff-base`). It ignores line and column, so edits elsewhere in the file and
        code moved within it keep the identity; two findings of one rule on one anchor in
        one file share it (a baseline stores a count per identity).
        """
        return finding_identity(self.rule, self.location.path, self.anchor)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.rule, self.message)


def finding_identity(rule: str, path: str, anchor: str) -> str:
    """`Finding.fingerprint` from its parts (a baseline entry is checked against it)."""
    raw = "\x1f".join((rule, path, anchor))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True, slots=True)
class Concept:
    """One entry of the split-concept register: a concept and every place it lives."""

    name: str
    kind: str  # "enum" | "event" | "class"
    homes: tuple[Location, ...]
    canonical: str | None = None  # module (or path) chosen/declared canonical
    canonical_reason: str = ""

    @property
    def spread(self) -> int:
        return len({h.path for h in self.homes})


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What one rule family returns: its findings and any concepts for the register."""

    findings: tuple[Finding, ...] = ()
    concepts: tuple[Concept, ...] = ()


# -------------------------------------------------------------------------- scores


def percent(files: int, bad: int) -> float:
    """Compliant share in percent, rounded *down* to 0.1 so one bad file in 5,000 never
    shows as 100.0 (100 means exactly no counted finding)."""
    if files <= 0:
        return 100.0
    bad = min(max(bad, 0), files)
    return (1000 * (files - bad) // files) / 10


@dataclass(frozen=True, slots=True)
class AreaScore:
    name: str
    files: int
    files_with_violations: int
    violations: int

    @property
    def score(self) -> float:
        return percent(self.files, self.files_with_violations)


@dataclass(frozen=True, slots=True)
class Scores:
    areas: tuple[AreaScore, ...]
    files: int
    files_with_violations: int
    violations: int

    @property
    def overall(self) -> float:
        return percent(self.files, self.files_with_violations)


@dataclass(frozen=True)
class RunStats:
    files_discovered: int = 0
    files_analyzed: int = 0
    files_failed: int = 0
    files_excluded: int = 0
    files_parsed: int = 0  # parsed this run (cache misses)
    cache_hits: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    # How the checks ran: "full", "reused" (nothing changed) or "incremental", and which
    # rule families an incremental run had to run again over the whole project.
    checks: str = "full"
    families_rerun: tuple[str, ...] = ()
