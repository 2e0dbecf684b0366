"""SSOT301 non-base-test-class: test classes that bypass the configured SSOT base classes.

Options (all under `[tool.ssotcheck]`; pytest's own settings come from its config files):

- `tests.base-classes`: fully qualified names of the sanctioned base test classes. Empty
  (the default) leaves the rule idle: there is nothing to measure against.
- `tests.allow`: globs of files exempt from the rule.
- `areas`: files in the area named `tests` count as test code (for `unittest.TestCase`
  subclasses that pytest's file pattern would not pick up, e.g. `tests/helpers.py`).
- pytest `python_files` / `python_classes`: which modules and class names pytest collects.

A test class is compliant when any base, in any position and through any number of
project classes, reaches a configured base. The walk follows the ProjectIndex (aliases,
re-exports, `module.Class` bases, module-level aliases `Base = SSotBaseTestCase` or
`Base = x.Base`, also re-exported); what it cannot see into - a star import, a
third-party package, a computed or conditional assignment - is named in the finding,
which is then a warning instead of an error because the answer is unknown rather than
"no".
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace

from ssotcheck.areas import AreaMap, pytest_class
from ssotcheck.globs import pytest_module
from ssotcheck.catalogue import make_finding
from ssotcheck.config import Config
from ssotcheck.globs import compile_globs
from ssotcheck.index.project import BaseResolution, ClassRef, ProjectIndex
from ssotcheck.model import CheckResult, Finding, Location, Severity

RULES = ("SSOT301",)
# What this family reads of each file, and whether a file's findings depend on that
# file alone (see ssotcheck.incremental).
READS = frozenset({"imports", "classes", "defined", "all_names", "aliases"})
LOCAL = False

RULE = "SSOT301"
TEST_AREA = "tests"

# pytest's unittest plugin collects subclasses of these whatever their name, and never
# applies the `__init__` check to them (TestCase defines its own constructor).
UNITTEST_CASES = frozenset({
    "unittest.TestCase",
    "unittest.case.TestCase",
    "unittest.IsolatedAsyncioTestCase",
    "unittest.async_case.IsolatedAsyncioTestCase",
})

# External bases known not to give a class a constructor, so pytest still collects a
# `Test*` class that inherits them. Any other stdlib base (Exception, Enum, dict, ...)
# brings `__init__`/`__new__`, and pytest refuses to collect the class.
CONSTRUCTORLESS_BASES = frozenset({
    "builtins.object",
    "abc.ABC",
    "typing.Generic",
    "typing.Protocol",
})

# Decorators that synthesise `__init__` (pytest then refuses to collect the class).
INIT_DECORATORS = frozenset({
    "dataclasses.dataclass",
    "attr.s", "attr.attrs", "attr.define", "attr.frozen", "attr.mutable",
    "attrs.define", "attrs.frozen", "attrs.mutable",
})

FALSY_VALUES = frozenset({"False", "0", "None", "''", '""'})

# A module name no project module can have, for resolving configured dotted names
# without a module's own bindings getting in the way.
_NO_MODULE = "<ssotcheck:config>"


@dataclass(frozen=True, slots=True)
class Unknown:
    """A base whose ancestry cannot be seen, and why."""

    owner: str  # qualified name of the class that lists the base
    text: str  # the base as written
    reason: str


@dataclass(frozen=True, slots=True)
class Lineage:
    """What a class inherits, as far as the project index can tell."""

    reaches: str | None  # the configured base it reaches, if any
    unittest: str | None  # the unittest TestCase class it reaches, if any
    unittest_via: str | None  # the first project class on the way to it (None: direct)
    unknowns: tuple[Unknown, ...]
    constructor: str | None  # where an `__init__`/`__new__` comes from, if anywhere
    test_flag: bool | None  # nearest `__test__` value in the MRO, None when never set


def _external_kind(qualified: str) -> str:
    """Classify a base outside the project: `unittest`, `stdlib` or `third-party`."""
    if qualified in UNITTEST_CASES:
        return "unittest"
    top = qualified.split(".", 1)[0]
    if top == "builtins" or top in sys.stdlib_module_names:
        return "stdlib"
    return "third-party"


_NOTHING = Lineage(None, None, None, (), None, None)


class _Resolver:
    """Memoised lineage of every project class, computed on demand.

    The walk is iterative (post-order over an explicit stack) so a generated chain of
    thousands of classes cannot exhaust the recursion limit, and a cycle - invalid at
    runtime, but parseable - simply contributes nothing on its back edge.
    """

    def __init__(self, index: ProjectIndex, allowed: frozenset[str]) -> None:
        self.index = index
        self.allowed = allowed
        self._memo: dict[str, Lineage] = {}
        self._bases: dict[str, tuple[BaseResolution, ...]] = {}

    def bases(self, qualified: str) -> tuple[BaseResolution, ...]:
        got = self._bases.get(qualified)
        if got is None:
            got = self.index.class_bases(self.index.classes[qualified])
            self._bases[qualified] = got
        return got

    def _project_parents(self, bases: tuple[BaseResolution, ...]) -> list[str]:
        return [r.qualified for r in bases
                if r.qualified is not None and r.qualified not in self.allowed
                and r.qualified in self.index.classes]

    def lineage(self, qualified: str) -> Lineage:
        done = self._memo.get(qualified)
        if done is not None:
            return done
        # Usual case: the parents (a shared base test case, say) are already known, so
        # the walk below would only add overhead.
        bases = self.bases(qualified)
        if all(p in self._memo for p in self._project_parents(bases)):
            done = self._memo[qualified] = self._compute(qualified, bases)
            return done
        stack = [qualified]
        in_progress: set[str] = set()
        while stack:
            cur = stack[-1]
            if cur in self._memo:
                stack.pop()
            elif cur not in in_progress:
                in_progress.add(cur)
                for parent in reversed(self._project_parents(self.bases(cur))):
                    if parent not in self._memo and parent not in in_progress:
                        stack.append(parent)
            else:
                self._memo[cur] = self._compute(cur, self.bases(cur))
                in_progress.discard(cur)
                stack.pop()
        return self._memo[qualified]

    def _compute(self, qualified: str, bases: tuple[BaseResolution, ...]) -> Lineage:
        ref = self.index.classes[qualified]
        fact = ref.fact
        reaches: str | None = None
        unittest: str | None = None
        unittest_via: str | None = None
        unknowns: list[Unknown] = []
        constructor: str | None = None
        test_flag: bool | None = None

        for m in fact.members:
            if m.name in ("__init__", "__new__") and m.kind == "method" and constructor is None:
                constructor = f"{qualified}.{m.name}"
            elif m.name == "__test__" and m.kind in ("assign", "field") and test_flag is None:
                # A non-literal value cannot be evaluated; pytest would most likely see
                # a truthy object, which is also what "no __test__" means.
                test_flag = m.value not in FALSY_VALUES
        for deco in fact.decorators:
            res = self.index.resolve_base(ref.module, deco)
            if constructor is None and res.qualified in INIT_DECORATORS:
                constructor = f"@{deco}"

        for res in bases:
            target = res.qualified
            if target is not None and target in self.allowed:
                reaches = reaches or target
                continue
            if target is not None and target in self.index.classes:
                # Parents are computed first; one still missing is a back edge of a cycle.
                sub = self._memo.get(target, _NOTHING)
                reaches = reaches or sub.reaches
                if unittest is None and sub.unittest is not None:
                    unittest, unittest_via = sub.unittest, target
                unknowns.extend(sub.unknowns)
                constructor = constructor or sub.constructor
                test_flag = sub.test_flag if test_flag is None else test_flag
                continue
            if target is None or res.internal:
                unknowns.append(Unknown(qualified, res.text, _reason(res)))
                continue
            kind = _external_kind(target)
            if kind == "unittest":
                if unittest is None:
                    unittest = target
            elif kind == "stdlib":
                if target not in CONSTRUCTORLESS_BASES:
                    constructor = constructor or target
            else:
                package = target.split(".", 1)[0]
                unknowns.append(Unknown(
                    qualified, res.text,
                    f"it resolves to `{target}` in third-party package `{package}`, "
                    f"which ssotcheck does not analyse"))
        # A diamond reaches the same unknown base along several paths: report it once.
        return Lineage(reaches, unittest, unittest_via, tuple(dict.fromkeys(unknowns)),
                       constructor, test_flag)


def _reason(res: BaseResolution) -> str:
    if "star import" in res.reason:
        return "it may come from a star import, which ssotcheck does not follow"
    if res.reason.startswith("it "):
        return res.reason  # an alias that cannot be followed, and why (ProjectIndex)
    if res.reason.startswith("assigned"):
        return "it is assigned at module level, but not from a name ssotcheck can follow"
    return res.reason or f"`{res.text}` could not be resolved"


def _suggestion(config: Config) -> str:
    bases = config.test_base_classes
    if len(bases) == 1:
        return f"`{bases[0]}`"
    return "one of " + ", ".join(f"`{b}`" for b in bases)


def _location(ref: ClassRef, message: str = "") -> Location:
    span = ref.fact.span
    return Location(ref.path, span.line, span.column, span.line, span.column, message)


class _Checker:
    def __init__(self, index: ProjectIndex, config: Config) -> None:
        self.index = index
        self.config = config
        self.allowed = self._allowed_bases()
        self.resolver = _Resolver(index, self.allowed)
        self.area_of = AreaMap(config)
        self.exempt = compile_globs(config.test_allow)
        self.suggest = _suggestion(config)
        self.note = self._missing_base_note()
        self._test_module: dict[str, bool] = {}  # path -> pytest's `python_files` says so

    def _allowed_bases(self) -> frozenset[str]:
        """Configured names plus where they are really defined, so a base configured by a
        re-exporting path (`pkg.ssot.Base` for `pkg.ssot.base.Base`) still matches."""
        out: set[str] = set()
        for name in self.config.test_base_classes:
            out.add(name)
            if "." in name:
                res = self.index.resolve_base(_NO_MODULE, name)
                if res.qualified is not None:
                    out.add(res.qualified)
        return frozenset(out)

    def _missing_base_note(self) -> str:
        """A configured base that should live in the project but does not is almost always a
        typo, and would make every test class a finding: say so in each message."""
        top_packages = {m.split(".", 1)[0] for m in self.index.modules}
        missing = []
        for name in self.config.test_base_classes:
            res = self.index.resolve_base(_NO_MODULE, name)
            if name.split(".", 1)[0] in top_packages and res.qualified not in self.index.classes:
                missing.append(f"`{name}`")
        if not missing:
            return ""
        return (f" (note: configured base {', '.join(missing)} is not defined in this project; "
                f"check `tests.base-classes`)")

    def run(self) -> tuple[Finding, ...]:
        findings: list[Finding] = []
        # intermediate base -> the findings of the test classes that fail through it
        by_cause: dict[str, list[Finding]] = {}
        refs = tuple(self.index.iter_classes())
        # Most classes live outside test code: decide that once per file, then skip them
        # without a call per class.
        judged = {path for path in {ref.path for ref in refs} if self._judged_file(path)}
        for ref in refs:
            if ref.path not in judged:
                continue
            judged_class = self._judge(ref)
            if judged_class is None:
                continue
            finding, cause = judged_class
            if cause is None:
                findings.append(finding)
            else:
                by_cause.setdefault(cause, []).append(finding)
        threshold = self.config.test_root_cause_threshold
        for cause, grouped in sorted(by_cause.items()):
            if threshold and len(grouped) >= threshold:
                findings.extend(root_cause(self.index.classes[cause], grouped, self.suggest))
            else:
                findings.extend(grouped)
        return tuple(findings)

    def _in_test_module(self, path: str) -> bool:
        got = self._test_module.get(path)
        if got is None:
            got = self._test_module[path] = pytest_module(path, self.config.python_files)
        return got

    def _judged_file(self, path: str) -> bool:
        """Whether the rule looks at classes in `path` at all: test code, not exempt."""
        if self.exempt is not None and self.exempt.match(path):
            return False
        return self.area_of(path) == TEST_AREA or self._in_test_module(path)

    def _collected_by_name(self, ref: ClassRef, lin: Lineage) -> bool:
        """Whether pytest's Python collector (not its unittest plugin) takes the class."""
        return (self._in_test_module(ref.path)
                and pytest_class(ref.fact.name, self.config.python_classes)
                and lin.constructor is None
                and self._reachable(ref))

    def _reachable(self, ref: ClassRef) -> bool:
        """pytest looks inside modules and inside the classes it collects, never inside
        functions or helper classes: a nested class counts only under a collected,
        non-unittest test class (the unittest plugin collects no nested classes)."""
        if not ref.fact.nested:
            return True
        outer = self.index.classes.get(ref.qualified.rpartition(".")[0])
        if outer is None or outer.module != ref.module:
            return False  # defined inside a function
        outer_lin = self.resolver.lineage(outer.qualified)
        if outer_lin.test_flag is False or outer_lin.unittest is not None:
            return False
        return self._collected_by_name(outer, outer_lin)

    def _judge(self, ref: ClassRef) -> tuple[Finding, str | None] | None:
        """`ref` is in a file `_judged_file` accepts. The finding comes with the one project
        base it fails through, when there is exactly one (see `root_cause`)."""
        if ref.qualified in self.allowed:
            return None  # the sanctioned base itself, often a TestCase helper
        lin = self.resolver.lineage(ref.qualified)
        if lin.reaches is not None or lin.test_flag is False:
            return None
        if lin.unittest is not None:
            if not self._reachable(ref):
                return None
        elif not self._collected_by_name(ref, lin):
            return None
        return self._finding(ref, lin)

    def _finding(self, ref: ClassRef, lin: Lineage) -> tuple[Finding, str | None]:
        # Nested test classes are named with their outer class so the message is unambiguous.
        name = ref.fact.qualname
        cause: str | None = None
        related: list[Location] = []
        if lin.unknowns:
            parts = []
            for u in lin.unknowns:
                where = "" if u.owner == ref.qualified else f" (a base of `{u.owner}`)"
                parts.append(f"base `{u.text}`{where}: {u.reason}")
                if u.owner != ref.qualified:
                    related.append(_location(self.index.classes[u.owner],
                                             f"`{u.owner}` lists base `{u.text}`"))
            message = (f"cannot tell whether test class `{name}` inherits from {self.suggest}: "
                       + "; ".join(parts) + self.note)
            return make_finding(RULE, message, _location(ref), related=_dedupe(related),
                                key=f"{name}:unknown", severity=Severity.WARNING), None
        via = lin.unittest_via
        if lin.unittest is not None and via is None:
            message = (f"test class `{name}` subclasses `{lin.unittest}` directly; inherit from "
                       f"{self.suggest} instead, so it gets the shared fixtures")
        elif lin.unittest is not None and via is not None:
            cause = via
            related.append(_location(self.index.classes[via],
                                     f"`{via}` does not inherit from a base test class"))
            message = (f"test class `{name}` reaches `{lin.unittest}` through `{via}` but no "
                       f"configured base test class; make `{via}` (or `{name}`) inherit from "
                       f"{self.suggest}")
        else:
            project_bases = [res.qualified for res in self.resolver.bases(ref.qualified)
                             if res.qualified is not None and res.qualified in self.index.classes]
            if len(project_bases) == 1:
                cause = project_bases[0]
            if project_bases:
                for q in project_bases:
                    related.append(_location(self.index.classes[q],
                                             f"`{q}` does not inherit from a base test class"))
                listed = ", ".join(f"`{q}`" for q in project_bases)
                verb = "does" if len(project_bases) == 1 else "do"
                message = (f"test class `{name}` inherits from {listed}, which {verb} not reach "
                           f"a configured base test class; add {self.suggest} to its bases")
            else:
                message = (f"test class `{name}` does not inherit from a base test class; "
                           f"inherit from {self.suggest}")
        return make_finding(RULE, message + self.note, _location(ref), related=_dedupe(related),
                            key=name), cause


# How many of the grouped test classes a root-cause finding lists as related locations.
MAX_RELATED_CLASSES = 5


def root_cause(base: ClassRef, grouped: list[Finding], suggest: str) -> list[Finding]:
    """One error on the intermediate base that `grouped` test classes fail through, and
    each class's own finding lowered to info and pointing at it: one edit to the base
    fixes them all, so that is the advice. The numbers must not move, so the per-class
    findings keep counting in their files and the base's finding counts nowhere."""
    n = len(grouped)
    qualified = base.qualified
    name = base.fact.qualname
    where = _location(base, f"`{qualified}` does not inherit from a base test class")
    listed = sorted((f.location for f in grouped), key=Location.sort_key)
    related = [replace(loc, message="inherits it") for loc in listed[:MAX_RELATED_CLASSES]]
    more = n - len(related)
    also = f" ({len(related)} listed as related, {more} more)" if more > 0 else ""
    head = make_finding(
        RULE,
        f"`{name}` does not inherit {suggest}; {n} test classes inherit it: add "
        f"{suggest} to the bases of `{name}` to fix them all{also}",
        _location(base), related=related, key=f"root-cause:{qualified}", counted=False)
    out = [head]
    for f in grouped:
        out.append(replace(
            f, severity=Severity.INFO, counted=True, related=tuple(sorted(set((where, *f.related)), key=Location.sort_key)),
            message=(f"{f.message}; the root cause is `{qualified}`, which {n} test classes "
                     f"inherit: fix it there (see the finding on `{name}`)")))
    return out


def _dedupe(locations: list[Location]) -> tuple[Location, ...]:
    return tuple(dict.fromkeys(locations))


def check(index: ProjectIndex, config: Config) -> CheckResult:
    if not config.test_base_classes:
        return CheckResult()
    return CheckResult(_Checker(index, config).run())
