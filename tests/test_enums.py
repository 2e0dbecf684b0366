"""SSOT101 split-enum, run through the real pipeline on small throwaway projects."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssotcheck.checks.enums import renamed_copy, same_concept_by_name
from ssotcheck.model import Finding, Severity
from ssotcheck.checks._concepts import INDEPENDENT
from tests.conftest import mirrored_packages, plugin_host, run_on

CANONICAL_CONFIG = """
[tool.ssotcheck]
[tool.ssotcheck.canonical]
ExecutionStatus = "mypkg.schemas.core_enums"
"""

SPLIT = {
    "mypkg/__init__.py": "",
    "mypkg/schemas/__init__.py": "",
    "mypkg/schemas/core_enums.py": """
        from enum import Enum

        class ExecutionStatus(str, Enum):
            PENDING = "pending"
            COMPLETED = "completed"
            FAILED = "failed"
        """,
    "mypkg/agents/__init__.py": "",
    "mypkg/agents/execution_context.py": """
        import enum

        class ExecutionStatus(str, enum.Enum):
            PENDING = "pending"
            COMPLETED = "done"
            RETRYING = "retrying"
        """,
}


def enum_findings(root: Path) -> list[Finding]:
    return [f for f in run_on(root).findings if f.rule == "SSOT101"]


def test_split_enum_reports_the_non_canonical_copy_with_its_drift(make_project) -> None:
    root = make_project(SPLIT, config=CANONICAL_CONFIG)
    result = run_on(root)
    [f] = [f for f in result.findings if f.rule == "SSOT101"]
    assert (f.path, f.line, f.severity) == ("mypkg/agents/execution_context.py", 3,
                                            Severity.ERROR)
    assert f.message.startswith("enum `ExecutionStatus` is defined in 2 modules (canonical: "
                                "mypkg.schemas.core_enums, declared in "
                                "[tool.ssotcheck.canonical])")
    assert "this copy lacks FAILED and has RETRYING which mypkg.schemas.core_enums lacks" \
        in f.message
    assert "member COMPLETED = 'done' here but 'completed' in mypkg.schemas.core_enums" \
        in f.message
    assert [(r.path, r.line) for r in f.related] == [("mypkg/schemas/core_enums.py", 3)]
    assert "(canonical)" in f.related[0].message
    assert f.concept == "ExecutionStatus"
    [concept] = [c for c in result.concepts if c.kind == "enum"]
    assert concept.name == "ExecutionStatus" and concept.spread == 2
    assert concept.canonical == "mypkg.schemas.core_enums"
    assert [(h.path, h.message) for h in concept.homes] == [
        ("mypkg/agents/execution_context.py", ""),
        ("mypkg/schemas/core_enums.py", "canonical"),
    ]


def test_without_config_the_most_imported_copy_is_suggested(make_project) -> None:
    files = dict(SPLIT)
    files["mypkg/runner.py"] = "from mypkg.agents.execution_context import ExecutionStatus\n"
    files["mypkg/api.py"] = "from mypkg.agents import execution_context\n" \
                            "from mypkg.agents.execution_context import ExecutionStatus\n"
    root = make_project(files)
    [f] = enum_findings(root)
    # The copy imported by two modules is the suggestion; the other one is flagged.
    assert f.path == "mypkg/schemas/core_enums.py"
    assert "suggested canonical: mypkg.agents.execution_context, imported by 2 modules" \
        in f.message
    assert "this copy lacks RETRYING and has FAILED which mypkg.agents.execution_context " \
           "lacks" in f.message


def test_the_copy_the_others_module_imports_from_is_suggested(make_project) -> None:
    # aws-lambda-powertools: `openapi/params.py` imports from `openapi/models.py` and
    # defines its own copy, imported more; pointing models at params would close a cycle.
    members = {"QUERY": "query", "HEADER": "header", "PATH": "path", "COOKIE": "cookie"}
    files = {"api/__init__.py": "",
             "api/models.py": "class Schema: ...\n" + _enum("ParamIn", members),
             "api/params.py": "from api.models import Schema\n" + _enum("ParamIn", members),
             "api/routes.py": "from api.params import ParamIn\n"}
    [f] = enum_findings(make_project(files))
    assert f.path == "api/params.py"
    assert "(suggested canonical: api.models, api.params imports from it: the upstream " \
           "copy)" in f.message
    del files["api/params.py"]
    files["api/params.py"] = _enum("ParamIn", members)
    [f] = enum_findings(make_project(files))
    assert f.path == "api/models.py"
    assert "suggested canonical: api.params, imported by 1 module" in f.message


def test_production_copy_beats_a_more_imported_test_copy(make_project) -> None:
    files = {
        "mypkg/__init__.py": "",
        "mypkg/status.py": "from enum import Enum\nclass Status(Enum):\n    A = 1\n    B = 2\n",
        # a helper of mypkg's tests (it imports mypkg), so its copy stands in for mypkg's
        "tests/helpers.py": "import mypkg\nfrom enum import Enum\n"
                            "class Status(Enum):\n    A = 1\n    B = 2\n",
        "tests/test_a.py": "from tests.helpers import Status\n",
        "tests/test_b.py": "from tests.helpers import Status\n",
    }
    root = make_project(files)
    [f] = enum_findings(root)
    assert f.path == "tests/helpers.py"
    assert "suggested canonical: mypkg.status, no copy is imported by name; the test copy " \
           "in tests.helpers is imported more, but production code is the better home" \
        in f.message


def test_a_test_example_enum_of_other_code_is_no_copy(make_project) -> None:
    # pyomo: `common/tests/test_enums.py` declares its own `ProblemSense` to exercise the
    # `ExtendedEnumType` metaclass of `pyomo.common.enums`; the production `ProblemSense`
    # lives in `pyomo.opt.results`, which that test neither imports nor tests.
    sense = "from enum import IntEnum\nclass ProblemSense(IntEnum):\n    unknown = 0\n"
    files = {
        "pkg/__init__.py": "", "pkg/common/__init__.py": "",
        "pkg/common/enums.py": "class ExtendedEnumType(type):\n    pass\n",
        "pkg/common/tests/__init__.py": "",
        "pkg/opt/__init__.py": "", "pkg/opt/results/__init__.py": "",
        "pkg/opt/results/problem.py": sense,
        "pkg/common/tests/test_enums.py": "from pkg.common.enums import ExtendedEnumType\n"
                                          + sense,
    }
    assert enum_findings(make_project(files)) == []
    # The same test importing the production copy's package tests that code: it counts.
    files["pkg/common/tests/test_enums.py"] = "import pkg.opt.results.problem\n" + sense
    [f] = enum_findings(make_project(files))
    assert f.path == "pkg/common/tests/test_enums.py"
    assert f.severity is Severity.ERROR


def test_three_copies_give_two_findings_and_one_register_entry(make_project) -> None:
    files = dict(SPLIT)
    files["mypkg/tools.py"] = """
        from enum import IntEnum as Base

        class ExecutionStatus(Base):
            PENDING = 0
            COMPLETED = 1
            FAILED = 2
        """
    root = make_project(files, config=CANONICAL_CONFIG)
    result = run_on(root)
    found = sorted((f.path, f.line) for f in result.findings if f.rule == "SSOT101")
    assert found == [("mypkg/agents/execution_context.py", 3), ("mypkg/tools.py", 3)]
    tools = next(f for f in result.findings if f.path == "mypkg/tools.py")
    assert "defined in 3 modules" in tools.message
    assert "its values are numbers here but strings in mypkg.schemas.core_enums" in tools.message
    assert len(tools.related) == 2
    [concept] = result.concepts
    assert concept.spread == 3


def test_same_name_with_disjoint_members_is_two_concepts(make_project) -> None:
    root = make_project({
        "app/theme.py": "from enum import Enum, auto\nclass Mode(Enum):\n    LIGHT = auto()\n"
                        "    DARK = auto()\n",
        "app/files.py": "import enum\nclass Mode(enum.IntFlag):\n    READ = 1\n    WRITE = 2\n",
    })
    result = run_on(root)
    assert [f for f in result.findings if f.rule == "SSOT101"] == []
    assert result.concepts == ()


@pytest.mark.parametrize("header, base", [
    ("from enum import StrEnum", "StrEnum"),
    ("import enum as e", "e.IntEnum"),
    ("from enum import Flag as F", "F"),
    ("from enum import Enum, EnumMeta", "metaclass=EnumMeta"),
    ("from app.base import Base", "Base"),          # first-party enum base
    ("from app import base", "base.Base"),
    ("from enum import *", "Enum"),                  # unresolvable: the name decides
])
def test_enum_bases_are_followed_through_the_index(make_project, header: str,
                                                   base: str) -> None:
    root = make_project({
        "app/__init__.py": "",
        "app/base.py": "from enum import Enum\nclass Base(str, Enum):\n"
                       "    def label(self):\n        return self.value\n",
        "app/one.py": f"{header}\nclass Color({base}):\n    RED = 'r'\n    BLUE = 'b'\n",
        "app/two.py": "from enum import Enum\nclass Color(Enum):\n    RED = 'r'\n    BLUE = 'b'\n",
    })
    [f] = enum_findings(root)
    assert f.concept == "Color"
    assert {f.path, f.related[0].path} == {"app/one.py", "app/two.py"}


def test_non_enum_same_name_classes_are_not_enums(make_project) -> None:
    root = make_project({
        "app/one.py": "class Color:\n    RED = 'r'\n    BLUE = 'b'\n",
        "app/two.py": "from enum import Enum\nclass Color(Enum):\n    RED = 'r'\n    BLUE = 'b'\n",
    })
    assert enum_findings(root) == []


def test_methods_dunders_sunders_and_ignore_are_not_members(make_project) -> None:
    root = make_project({
        "app/one.py": """
            from enum import Enum
            class Kind(Enum):
                _ignore_ = ["tmp"]
                __slots__ = ()
                _order_ = "A B"
                A = 1
                B = 2
                def describe(self):
                    return self.name
            """,
        "app/two.py": """
            from enum import Enum
            class Kind(Enum):
                A = 1
                B = 2
                C = 3
            """,
        "app/use.py": "from app.two import Kind\n",
    })
    [f] = enum_findings(root)
    # Only C differs: _ignore_, __slots__, _order_ and describe() were never members.
    assert f.path == "app/one.py" and "this copy lacks C" in f.message
    assert "_ignore_" not in f.message and "describe" not in f.message


def test_renamed_identical_enum_is_one_concept(make_project) -> None:
    root = make_project({
        "app/states.py": "from enum import Enum\nclass AgentState(Enum):\n    IDLE = 'idle'\n"
                         "    BUSY = 'busy'\n    DONE = 'done'\n",
        "app/lifecycle.py": "from enum import Enum\nclass Lifecycle(Enum):\n    IDLE = 'idle'\n"
                            "    BUSY = 'busy'\n    DONE = 'done'\n",
        "app/use.py": "from app.states import AgentState\n",
    })
    result = run_on(root)
    [f] = [f for f in result.findings if f.rule == "SSOT101"]
    assert f.path == "app/lifecycle.py"
    # `AgentState` itself is in one module; the enum, under both names, in two.
    assert f.message.startswith("enum `Lifecycle` is a renamed copy of enum `AgentState`: "
                                "one enum in 2 modules (suggested canonical: app.states")
    assert "identical to the copy in app.states" in f.message
    assert [c.name for c in result.concepts] == ["AgentState"]


@pytest.mark.parametrize("other", [
    "class Level(Enum):\n    LOW = 'low'\n    HIGH = 'high'\n",                   # too few
    "class Level(Enum):\n    LOW = 1\n    MID = 2\n    HIGH = 3\n",                # other values
    "class Level(Enum):\n    LOW = 'low'\n    MID = 'mid'\n    TOP = 'high'\n",   # other names
])
def test_renamed_copy_needs_identical_members_and_values(make_project, other: str) -> None:
    first = ("class Priority(Enum):\n    LOW = 'low'\n    MID = 'mid'\n    HIGH = 'high'\n"
             if "MID" in other else "class Priority(Enum):\n    LOW = 'low'\n    HIGH = 'high'\n")
    root = make_project({
        "app/a.py": "from enum import Enum\n" + first,
        "app/b.py": "from enum import Enum\n" + other,
    })
    assert enum_findings(root) == []


def test_local_vendored_and_fallback_enums_are_not_homes(make_project) -> None:
    body = "(Enum):\n    RED = 'r'\n    BLUE = 'b'\n"
    root = make_project({
        "app/colors.py": "from enum import Enum\nclass Color" + body,
        "app/_vendor/lib/colors.py": "from enum import Enum\nclass Color" + body,
        "tests/test_colors.py": "from enum import Enum\ndef test_x():\n    class Color" +
                                body.replace("\n    ", "\n        ") + "    assert Color\n",
        "app/compat.py": "from enum import Enum\ntry:\n    from fastlib import Color\n"
                         "except ImportError:\n    class Color" +
                         body.replace("\n    ", "\n        "),
    })
    assert enum_findings(root) == []


def test_declared_home_without_a_copy_flags_every_copy(make_project) -> None:
    root = make_project({
        "app/a.py": "from enum import Enum\nclass Color(Enum):\n    RED = 1\n    BLUE = 2\n",
        "app/b.py": "from enum import Enum\nclass Color(Enum):\n    RED = 1\n    BLUE = 2\n"
                    "    GREEN = 3\n",
    }, config='[tool.ssotcheck]\n[tool.ssotcheck.canonical]\nColor = "app.colors"\n')
    findings = enum_findings(root)
    assert sorted(f.path for f in findings) == ["app/a.py", "app/b.py"]
    a = next(f for f in findings if f.path == "app/a.py")
    assert "canonical: app.colors, declared in [tool.ssotcheck.canonical], but no copy is " \
           "defined there" in a.message
    assert "this copy lacks GREEN" in a.message


def test_fingerprints_survive_line_shifts(make_project) -> None:
    root = make_project(SPLIT, config=CANONICAL_CONFIG)
    before = enum_findings(root)
    path = root / "mypkg/agents/execution_context.py"
    path.write_text("# a comment\n\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    after = enum_findings(root)
    assert [f.line for f in after] == [f.line + 3 for f in before]
    assert [f.fingerprint for f in after] == [f.fingerprint for f in before]
    assert all(str(f.line) not in f.key for f in after)


def test_output_is_deterministic(make_project) -> None:
    files = dict(SPLIT)
    for i in range(5):
        files[f"mypkg/copy{i}.py"] = (f"from enum import Enum\nclass ExecutionStatus(Enum):\n"
                                      f"    PENDING = 'pending'\n    COMPLETED = 'completed'\n"
                                      f"    EXTRA{i} = {i}\n")
    root = make_project(files, config=CANONICAL_CONFIG)
    first, second = run_on(root, jobs=2), run_on(root, jobs=1)
    assert first.findings == second.findings
    assert first.concepts == second.concepts
    assert len(first.findings) == 6


def test_same_concept_by_name_thresholds() -> None:
    assert same_concept_by_name({"A": "1", "B": "2"}, {"A": "1", "B": "3", "C": "4"})
    assert same_concept_by_name({"A": "1"}, {"A": "1", "B": "2"})  # half the smaller enum
    assert not same_concept_by_name({"A": "1", "B": "2", "C": "3"}, {"A": "1", "X": "2",
                                                                      "Y": "3"})
    assert not same_concept_by_name({"A": "1"}, {"B": "1"})
    # zigpy's ZDO and ZCL `Status`: the shared names mostly carry other codes.
    zdo = {"SUCCESS": "0", "TIMEOUT": "133", "NOT_AUTHORIZED": "141", "INVALID_EP": "130"}
    zcl = {"SUCCESS": "0", "TIMEOUT": "148", "NOT_AUTHORIZED": "126", "FAILURE": "1"}
    assert not same_concept_by_name(zdo, zcl)
    # One value of three changed is a copy that drifted.
    assert same_concept_by_name(zdo, {**zdo, "TIMEOUT": "134", "FAILURE": "1"})
    assert renamed_copy({"A": "'a'", "B": "'b'", "C": "auto()"},
                        {"A": "'a'", "B": "'b'", "C": "enum.auto()"})
    assert not renamed_copy({"A": "'a'", "B": "'b'", "C": "'c'"},
                            {"A": "'a'", "B": "'b'", "C": "'x'"})


def test_a_split_only_tests_see_is_reported_but_not_counted(make_project) -> None:
    suit = "from enum import IntEnum\nclass Suit(IntEnum):\n    HEART = 1\n    SPADE = 2\n"
    root = make_project({"tests/test_a.py": suit, "tests/test_b.py": suit})
    result = run_on(root)
    [f] = [f for f in result.findings if f.rule == "SSOT101"]
    assert f.severity is Severity.INFO
    assert result.scores.overall == 100.0



def test_an_enum_only_example_scripts_and_tests_define_is_not_counted(make_project) -> None:
    # openai-python: `examples/parsing_tools.py`, `examples/responses/*.py` and a test helper
    # each declare their own `Table` enum; each example is a standalone script.
    table = ("from enum import Enum\nclass Table(str, Enum):\n    orders = 'orders'\n"
             "    customers = 'customers'\n    products = 'products'\n")
    root = make_project({"examples/parsing_tools.py": table,
                         "examples/responses/streaming_tools.py": table,
                         "tests/lib/query.py": table})
    result = run_on(root)
    found = [f for f in result.findings if f.rule == "SSOT101"]
    assert len(found) == 2
    assert {f.severity for f in found} == {Severity.INFO}
    assert result.scores.overall == 100.0


def test_an_example_copy_of_a_production_enum_still_counts(make_project) -> None:
    table = ("from enum import Enum\nclass Table(str, Enum):\n    orders = 'orders'\n"
             "    customers = 'customers'\n    products = 'products'\n")
    root = make_project({"app/__init__.py": "", "app/tables.py": table,
                         "examples/parsing_tools.py": table})
    [f] = [f for f in run_on(root).findings if f.rule == "SSOT101"]
    assert (f.path, f.severity) == ("examples/parsing_tools.py", Severity.ERROR)

DJANGO_LIKE = {
    "django/__init__.py": "",
    "django/db/__init__.py": "",
    # `__all__` is built, not literal: a star import of it exports every public name.
    "django/db/models/__init__.py": """
        from django.db.models.enums import *
        from django.db.models.enums import __all__ as enums_all

        __all__ = enums_all + ["Model"]

        class Model:
            pass
        """,
    "django/db/models/enums.py": """
        import enum

        __all__ = ["Choices", "IntegerChoices", "TextChoices", "LabelChoices"]

        class ChoicesMeta(enum.EnumMeta):
            pass

        class Choices(enum.Enum, metaclass=ChoicesMeta):
            pass

        class TextChoices(str, Choices):
            pass

        class IntegerChoices(int, Choices):
            pass

        class LabelChoices(TextChoices):  # a name the name-based guess does not know
            pass
        """,
}


@pytest.mark.parametrize("header, base", [
    ("from django.db import models", "models.TextChoices"),
    ("from django.db import models", "models.LabelChoices"),
    ("from django.db.models import *", "LabelChoices"),
    ("import django.db.models", "django.db.models.LabelChoices"),
])
def test_django_choices_through_star_imports_are_split_enums(make_project, header: str,
                                                             base: str) -> None:
    files = dict(DJANGO_LIKE)
    files["shop/__init__.py"] = ""
    files["shop/models.py"] = f"{header}\n\nclass Color({base}):\n    RED = 'r', 'Red'\n" \
                              "    BLUE = 'b', 'Blue'\n"
    files["blog/__init__.py"] = ""
    files["blog/models.py"] = f"{header}\n\nclass Color({base}):\n    RED = 'r', 'Red'\n" \
                              "    GREEN = 'g', 'Green'\n"
    root = make_project(files)
    result = run_on(root)
    # Resolved through the star import, not guessed from the name.
    [res] = result.index.class_bases(result.index.classes["shop.models.Color"])
    assert res.qualified == "django.db.models.enums." + base.rsplit(".", 1)[-1]
    findings = [f for f in result.findings if f.rule == "SSOT101"]
    assert len(findings) == 1
    [f] = findings
    assert f.concept == "Color"
    assert f.message.startswith("enum `Color` is defined in 2 modules")
    assert {f.path, f.related[0].path} == {"shop/models.py", "blog/models.py"}
    assert "lacks" in f.message
    [concept] = [c for c in result.concepts if c.kind == "enum"]
    assert concept.name == "Color" and concept.spread == 2


SCALE = "class {name}(str, Enum):\n    LOW = 'low'\n    MEDIUM = 'medium'\n    HIGH = 'high'\n" \
        "    CRITICAL = 'critical'\n"


def test_generic_scales_are_no_renamed_copies_and_nothing_chains(make_project) -> None:
    # The old transitive clustering glued every LOW..CRITICAL enum into one concept.
    files = {f"app/{n.lower()}.py": "from enum import Enum\n" + SCALE.format(name=n)
             for n in ("ErrorSeverity", "ServiceTier", "MessagePriority", "SecurityLevel")}
    files["app/a/alert.py"] = "from enum import Enum\n" + SCALE.format(name="AlertSeverity")
    files["app/b/alert.py"] = "from enum import Enum\n" + SCALE.format(name="AlertSeverity")
    result = run_on(make_project(files))
    findings = [f for f in result.findings if f.rule == "SSOT101"]
    assert [(f.concept, f.path) for f in findings] == [("AlertSeverity", "app/b/alert.py")]
    assert "renamed" not in findings[0].message
    assert [c.name for c in result.concepts] == ["AlertSeverity"]


def test_a_scale_with_more_identical_members_is_a_renamed_copy(make_project) -> None:
    body = SCALE + "    AUDIT_ONLY = 'audit'\n"
    root = make_project({"app/a.py": "from enum import Enum\n" + body.format(name="Severity"),
                         "app/b.py": "from enum import Enum\n" + body.format(name="Level"),
                         "app/use.py": "from app.a import Severity\n"})
    [f] = enum_findings(root)
    assert f.message.startswith("enum `Level` is a renamed copy of enum `Severity`")


def test_renamed_copies_compare_with_the_canonical_copy_only(make_project) -> None:
    base = "from enum import Enum\nclass {n}(Enum):\n    RED = 1\n    GREEN = 2\n    BLUE = 3\n"
    root = make_project({
        "app/colors.py": base.format(n="Color"),
        "app/paint.py": base.format(n="Paint"),
        # A same-name copy with one more member, and a renamed twin of *that* copy: the
        # twin is no copy of the canonical Color, so it must not be chained in.
        "app/legacy.py": base.format(n="Color") + "    BLACK = 4\n",
        "app/ink.py": base.format(n="Ink") + "    BLACK = 4\n",
        "app/use.py": "from app.colors import Color\n",
    })
    findings = enum_findings(root)
    assert [(f.path, f.message.split(",")[0].split(" (")[0]) for f in findings] == [
        ("app/legacy.py", "enum `Color` is defined in 3 modules"),
        ("app/paint.py", "enum `Paint` is a renamed copy of enum `Color`: one enum in 3 "
         "modules")]


def test_every_same_name_copy_counts_in_the_spread(make_project) -> None:
    files = {}
    for i in range(13):
        mid = "MEDIUM = 'm'" if i < 6 else "NORMAL = 'n'"
        files[f"app/m{i:02d}.py"] = (f"from enum import Enum\nclass AlertSeverity(Enum):\n"
                                     f"    LOW = 'l'\n    {mid}\n    HIGH = 'h'\n")
    files["app/use.py"] = "from app.m00 import AlertSeverity\n"
    result = run_on(make_project(files))
    findings = [f for f in result.findings if f.rule == "SSOT101"]
    assert len(findings) == 12
    assert all("is defined in 13 modules" in f.message for f in findings)
    assert all("related: 10 shown and 2 more in the split-concept register" in f.message
               for f in findings)
    assert all(len(f.related) == 10 for f in findings)
    [concept] = result.concepts
    assert concept.spread == 13


def test_homonyms_in_production_are_a_warning(make_project) -> None:
    root = make_project({
        "app/gateway.py": "from enum import Enum\nclass PaymentStatus(Enum):\n    PAID = 1\n"
                          "    REFUNDED = 2\n",
        "app/ledger.py": "from enum import Enum\n"
                         "from app.gateway import PaymentStatus as Gateway\n"
                         "class PaymentStatus(Enum):\n    OPEN = 1\n    SETTLED = 2\n",
    })
    result = run_on(root)
    [f] = [f for f in result.findings if f.rule == "SSOT101"]
    assert (f.path, f.severity, f.confidence) == ("app/ledger.py", Severity.WARNING, "high")
    assert f.message.startswith("two different enums share the name `PaymentStatus`")
    assert result.concepts == ()


def test_the_same_members_in_another_case_are_no_homonym(make_project) -> None:
    # arize-phoenix: the GraphQL layer's `SpanKind` spells the trace schema's members in
    # lower case with the same values, its `MimeType` takes them from the schema's.
    trace = "from enum import Enum\nclass SpanKind(Enum):\n    TOOL = 'TOOL'\n" \
            "    CHAIN = 'CHAIN'\n    LLM = 'LLM'\n"
    files = {"app/__init__.py": "", "app/trace.py": trace,
             "app/api.py": "from enum import Enum\nfrom app import trace\n"
                           "class SpanKind(Enum):\n    tool = 'TOOL'\n    chain = 'CHAIN'\n"
                           "    llm = trace.SpanKind.LLM.value\n"}
    assert enum_findings(make_project(files)) == []
    # Other values under the recased names: two enums after all.
    files["app/api.py"] = files["app/api.py"].replace("'TOOL'", "'t'").replace("'CHAIN'", "'c'")
    [f] = enum_findings(make_project(files))
    assert f.message.startswith("two different enums share the name `SpanKind`")

def _ndr(outer: str, members: list[str], head: str = "") -> str:
    body = "".join(f"        {m} = {i}\n" for i, m in enumerate(members, 1))
    return (f"{head}from enum import Enum\nclass NDRENUM:\n    pass\n"
            f"class {outer}(NDRENUM):\n    class enumItems(Enum):\n{body}")


def test_a_nested_enum_is_known_by_its_class_and_name(make_project) -> None:
    # impacket: every NDR type declares its own nested `enumItems`; `samr.SID_NAME_USE`'s and
    # `lsat.LSAP_LOOKUP_LEVEL`'s are two concepts, not a homonym, though lsat imports samr.
    vt = ["VT_EMPTY", "VT_NULL", "VT_I2", "VT_I4", "VT_BSTR"]
    root = make_project({
        "rpc/__init__.py": "",
        "rpc/samr.py": _ndr("SID_NAME_USE", ["SidTypeUser", "SidTypeGroup"]),
        "rpc/lsat.py": _ndr("LSAP_LOOKUP_LEVEL", ["LsapLookupWksta", "LsapLookupPDC"],
                            "from rpc.samr import SID_NAME_USE\n"),
        "rpc/oaut.py": _ndr("VARENUM", vt),
        # comev imports oaut and still declares its own, shorter VARENUM: a copy.
        "rpc/comev.py": _ndr("VARENUM", vt[:4], "from rpc.oaut import BSTR\n"),
        "rpc/dcom.py": "from rpc.oaut import VARENUM\n",
    })
    [f] = enum_findings(root)
    assert (f.path, f.severity, f.concept) == ("rpc/comev.py", Severity.ERROR,
                                               "VARENUM.enumItems")
    assert f.message.startswith("enum `VARENUM.enumItems` is defined in 2 modules")


def test_drifted_copy_of_a_distinctive_name_is_a_warning(make_project) -> None:
    root = make_project({
        "app/a.py": "from enum import Enum\nclass JobPhase(Enum):\n    QUEUED = 1\n    RUN = 2\n"
                    "    DONE = 3\n    FAILED = 4\n",
        "app/b.py": "from enum import Enum\nclass JobPhase(Enum):\n    QUEUED = 1\n"
                    "    PARKED = 2\n    THAWED = 3\n    EVICTED = 4\n",
        "app/use.py": "from app.a import JobPhase\n",
    })
    [f] = enum_findings(root)
    assert f.severity is Severity.WARNING and f.path == "app/b.py"
    assert "this copy has drifted: it shares 1 of 7 members with app.a" in f.message


def test_deprecated_stub_is_info(make_project) -> None:
    members = "    RED = 1\n    BLUE = 2\n"
    root = make_project({
        "app/colors.py": "from enum import Enum\nclass Palette(Enum):\n" + members,
        "app/compat.py": "from enum import Enum\nclass Palette(Enum):\n"
                         "    '''Deprecated: use app.colors.Palette.'''\n" + members,
    })
    [f] = enum_findings(root)
    assert (f.path, f.severity) == ("app/compat.py", Severity.INFO)
    assert "a stub of `Palette`, remove it when nothing imports it" in f.message


def test_an_enum_deprecated_in_its_class_statement_is_a_stub(make_project) -> None:
    # Kept for old imports, every member warning: the class statement says deprecated.
    members = "    DEFAULT = 'default'\n    STORAGE = 'storage'\n    YAML = 'yaml'\n"
    root = make_project({
        "app/core_config.py": "from enum import StrEnum\nclass ConfigSource(StrEnum):\n"
                              + members,
        "app/core.py": "from enum import StrEnum\nfrom app.util import EnumWithDeprecatedMembers\n"
                       "class ConfigSource(StrEnum, metaclass=EnumWithDeprecatedMembers,\n"
                       "                   deprecated={'YAML': ('core_config.ConfigSource', '2025.11')}):\n"
                       + members,
        "app/util.py": "class EnumWithDeprecatedMembers(type): ...\n",
        "app/use.py": "from app.core import ConfigSource\n",
    })
    [f] = enum_findings(root)
    assert (f.path, f.severity) == ("app/core.py", Severity.INFO)
    assert f.message == (
        "enum `ConfigSource` is defined in 2 modules (suggested canonical: app.core_config, "
        "no copy is imported by name); this copy is marked deprecated: a stub of "
        "`ConfigSource`, remove it when nothing imports it")


def test_copies_in_other_services_are_info_unless_declared(make_project) -> None:
    body = "from enum import Enum\nclass Currency(Enum):\n    EUR = 'eur'\n    USD = 'usd'\n"
    files = {"svc_a/money.py": body, "svc_a/more.py": body, "svc_b/money.py": body,
             "svc_a/use.py": "from svc_a.money import Currency\n"}
    config = '[tool.ssotcheck]\nservices = ["svc_a/**", "svc_b/**"]\n'
    findings = {f.path: f for f in enum_findings(make_project(files, config=config))}
    assert findings["svc_a/more.py"].severity is Severity.ERROR  # a split inside svc_a
    assert findings["svc_b/money.py"].severity is Severity.INFO
    assert "own copy of service svc_b, which shares no code with service svc_a" in \
        findings["svc_b/money.py"].message
    declared = config + '[tool.ssotcheck.canonical]\nCurrency = "svc_a.money"\n'
    findings = {f.path: f for f in enum_findings(make_project(files, config=declared))}
    assert findings["svc_b/money.py"].severity is Severity.ERROR


def test_min_confidence_filters(make_project) -> None:
    files = {
        "app/a.py": "from enum import Enum\nclass JobPhase(Enum):\n    QUEUED = 1\n    RUN = 2\n"
                    "    DONE = 3\n    FAILED = 4\n",
        "app/b.py": "from enum import Enum\nclass JobPhase(Enum):\n    QUEUED = 1\n"
                    "    PARKED = 2\n    THAWED = 3\n    EVICTED = 4\n",
        "app/use.py": "from app.a import JobPhase\n",
    }
    assert [f.confidence for f in enum_findings(make_project(files))] == ["medium"]
    high = '[tool.ssotcheck]\n[tool.ssotcheck.duplicates]\nmin-confidence = "high"\n'
    assert enum_findings(make_project(files, config=high)) == []


def test_an_enum_in_a_class_in_a_function_is_local(make_project) -> None:
    # SQLAlchemy's tests declare `class User(Base)` with a nested `Role` enum per test.
    body = ("import enum\ndef test_x():\n    class User:\n        class Role(enum.Enum):\n"
            "            admin = 'admin'\n            user = 'user'\n    return User\n")
    assert enum_findings(make_project({"tests/test_a.py": body, "tests/test_b.py": body})) == []


def test_top_level_deployables_are_services_when_none_are_configured(make_project) -> None:
    body = "from enum import Enum\nclass Currency(Enum):\n    EUR = 'eur'\n    USD = 'usd'\n"
    files = {"auth_service/money.py": body, "billing_service/money.py": body,
             "auth_service/manage.py": "", "billing_service/manage.py": "",
             "auth_service/use.py": "from auth_service.money import Currency\n"}
    [f] = enum_findings(make_project(files))
    assert (f.path, f.severity) == ("billing_service/money.py", Severity.INFO)
    assert "own copy of service billing_service" in f.message
    # `services = []` says there are none: the copy is an ordinary split again.
    [f] = enum_findings(make_project(files, config="[tool.ssotcheck]\nservices = []\n"))
    assert f.severity is Severity.ERROR


# ---- fourth precision pass: evidence of relation, sub-concepts, other encodings, homes

def _enum(name: str, members: dict[str, str]) -> str:
    body = "".join(f"    {k} = {v!r}\n" for k, v in members.items())
    return f"from enum import Enum\nclass {name}(str, Enum):\n{body}"


def _filler(n: int) -> dict[str, str]:
    """Unrelated modules, so the integration packages are not small ones (each package's
    own names: packages holding the same modules would be twins)."""
    return {f"pkg/{d}/{d[0]}{i:02d}.py": "" for d in ("vectorstores", "retrievers", "chat")
            for i in range(n)}


def test_a_homonym_in_an_independent_module_is_info(make_project) -> None:
    root = make_project({**_filler(14),
        "pkg/vectorstores/falkordb_vector.py": _enum("SearchType", {"VECTOR": "vector",
                                                                    "HYBRID": "hybrid"}),
        "pkg/vectorstores/v00.py": "from pkg.vectorstores.falkordb_vector import SearchType\n",
        "pkg/retrievers/docarray.py": _enum("SearchType", {"similarity": "similarity",
                                                           "mmr": "mmr"}),
    })
    [f] = enum_findings(root)
    assert (f.path, f.severity, f.confidence) == ("pkg/retrievers/docarray.py", Severity.INFO,
                                                  "low")
    assert f.message == (
        "two different enums share the name `SearchType`: this one (members mmr and "
        "similarity) and the one in pkg.vectorstores.falkordb_vector (members HYBRID and "
        "VECTOR) have no member in common; shown, not counted: the two modules look "
        "independent (neither imports the other, and no package or rare path word links "
        "them)")


def test_a_homonym_sharing_a_rare_path_word_is_a_warning(make_project) -> None:
    root = make_project({**_filler(14),
        "pkg/retrievers/pebblo.py": _enum("Routes", {"loader_doc": "/doc"}),
        "pkg/chat/pebblo_retrieval.py": _enum("Routes", {"prompt": "/prompt"}),
    })
    [f] = enum_findings(root)
    assert f.severity == Severity.WARNING
    assert f.message.endswith("have no member in common; rename one so an import cannot "
                              "pick the wrong one")
    assert f.confidence_reasons == ("same name in production", "no shared member",
                                    "both module paths name `pebblo`")


def test_identical_copies_behind_a_homonym_are_their_own_concept(make_project) -> None:
    zep = {"similarity": "similarity", "mmr": "mmr"}
    root = make_project({**_filler(14),
        "pkg/vectorstores/falkordb_vector.py": _enum("SearchType", {"VECTOR": "vector",
                                                                    "HYBRID": "hybrid"}),
        "pkg/vectorstores/v00.py": "from pkg.vectorstores.falkordb_vector import SearchType\n",
        "pkg/chat/zep.py": _enum("SearchType", zep),
        "pkg/retrievers/zep.py": _enum("SearchType", zep),
    })
    got = sorted((f.path, f.severity) for f in enum_findings(root))
    assert got == [("pkg/chat/zep.py", Severity.INFO), ("pkg/retrievers/zep.py", Severity.ERROR)]
    copy = next(f for f in enum_findings(root) if f.severity == Severity.ERROR)
    assert copy.message == ("enum `SearchType` is defined in 2 modules (suggested canonical: "
                            "pkg.chat.zep, no copy is imported by name); identical to the "
                            "copy in pkg.chat.zep")


def test_same_member_names_with_other_values_are_another_enum(make_project) -> None:
    root = make_project({**_filler(14),
        "pkg/vectorstores/utils.py": _enum("DistanceStrategy", {
            "COSINE": "COSINE", "MAX_INNER_PRODUCT": "MAX_INNER_PRODUCT", "JACCARD": "JACCARD"}),
        "pkg/vectorstores/v00.py": "from pkg.vectorstores.utils import DistanceStrategy\n",
        "pkg/vectorstores/pgvector.py": "from pkg.vectorstores.utils import mmr\n" + _enum(
            "DistanceStrategy", {"COSINE": "cosine", "MAX_INNER_PRODUCT": "inner",
                                 "EUCLIDEAN": "l2"}),
    })
    [f] = enum_findings(root)
    assert (f.path, f.severity) == ("pkg/vectorstores/pgvector.py", Severity.WARNING)
    assert f.message == (
        "two different enums share the name `DistanceStrategy`: this one (members COSINE, "
        "EUCLIDEAN and MAX_INNER_PRODUCT) and the one in pkg.vectorstores.utils (members "
        "COSINE, JACCARD and MAX_INNER_PRODUCT) share the member names COSINE and "
        "MAX_INNER_PRODUCT but give them other values (COSINE = 'cosine', MAX_INNER_PRODUCT "
        "= 'inner' here, COSINE = 'COSINE', MAX_INNER_PRODUCT = 'MAX_INNER_PRODUCT' there); "
        "rename one so an import cannot pick the wrong one")
    assert "one module imports the other" in f.confidence_reasons


def test_only_the_names_imported_through_a_package_relate_two_modules(make_project) -> None:
    # python-miio: the Philips lamp module imports `Device` from `miio`, whose `__init__`
    # imports every device module; that does not make it import the Aqara camera's module.
    sensitivity = {"Low": "1", "Medium": "2", "High": "3"}
    root = make_project({**_filler(14),
        "pkg/__init__.py": "from pkg.device import Device\nfrom pkg.camera import Camera\n",
        "pkg/device.py": "class Device:\n    pass\n",
        "pkg/camera.py": "class Camera:\n    pass\n" + _enum("Sensitivity", {
            "Low": "11000000", "Medium": "10000000", "High": "6000000"}),
        "pkg/chat/lamp.py": "from pkg import Device\n" + _enum("Sensitivity", sensitivity),
    })
    [f] = enum_findings(root)
    assert (f.severity, f.confidence_reasons[-1]) == (Severity.INFO, "independent modules")
    # The name it imports is the other module's: related through the package.
    (root / "pkg/chat/lamp.py").write_text("from pkg import Camera\n"
                                           + _enum("Sensitivity", sensitivity))
    [f] = enum_findings(root)
    assert (f.severity, f.confidence_reasons[-1]) == (Severity.WARNING,
                                                      "one module imports the other")


def test_a_drifted_copy_in_an_independent_module_is_info(make_project) -> None:
    root = make_project({**_filler(14),
        "pkg/chat/assemblyai.py": _enum("TranscriptFormat", {
            "TEXT": "text", "SRT": "srt", "VTT": "vtt", "PARAGRAPHS": "paragraphs"}),
        "pkg/retrievers/youtube.py": _enum("TranscriptFormat", {
            "TEXT": "text", "LINES": "lines", "CHUNKS": "chunks", "PAGES": "pages"}),
    })
    [f] = enum_findings(root)
    assert f.severity == Severity.INFO
    assert "this copy has drifted: it shares 1 of 7 members with pkg.chat.assemblyai" in f.message
    assert f.message.endswith(INDEPENDENT)


def test_a_definitions_module_is_the_home_when_no_copy_is_imported(make_project) -> None:
    members = {"MULTI": "eleven_multilingual_v1", "MONO": "eleven_monolingual_v1",
               "TURBO": "eleven_turbo_v2"}
    root = make_project({
        "pkg/eleven_labs/models.py": _enum("ElevenLabsModel", members),
        "pkg/eleven_labs/text2speech.py": _enum("ElevenLabsModel", members),
        "pkg/eleven_labs/__init__.py": "from pkg.eleven_labs.text2speech import tool\n",
    })
    [f] = enum_findings(root)
    assert f.path == "pkg/eleven_labs/text2speech.py"
    assert f.message == ("enum `ElevenLabsModel` is defined in 2 modules (suggested canonical: "
                         "pkg.eleven_labs.models, no copy is imported by name; it is the "
                         "`models` module, where definitions live); identical to the copy in "
                         "pkg.eleven_labs.models")


def test_copies_in_mirrored_client_and_server_packages_are_info(make_project) -> None:
    files = mirrored_packages(skip="sorting")
    sort = {"NAME_ASC": "name_asc", "NAME_DESC": "name_desc", "ID_DESC": "id_desc"}
    files["app/client/schemas/sorting.py"] = _enum("FlowSort", sort)
    files["app/server/schemas/sorting.py"] = _enum("FlowSort", sort)
    [f] = enum_findings(make_project(files))
    assert f.severity == Severity.INFO
    assert f.message.endswith(
        "identical to the copy in app.client.schemas.sorting; shown, not counted: "
        "app.server.schemas.sorting and app.client.schemas.sorting sit in parallel packages "
        "app.server and app.client, which mirror each other and keep their own copies (a "
        "client and a server, a versioned API, a legacy package)")


def test_a_renamed_copy_beside_the_concept_in_one_module_is_deliberate(make_project) -> None:
    keys = {"ID_DESC": "id_desc", "KEY_ASC": "key_asc", "KEY_DESC": "key_desc"}
    root = make_project({
        "app/sorting.py": _enum("ArtifactSort", keys) + "\n" + _enum(
            "ArtifactCollectionSort", keys).replace("from enum import Enum\n", ""),
    })
    assert enum_findings(root) == []


PRICE = {"ENERGY_USAGE": "energy_usage", "ENERGY_RETURN": "energy_return", "GAS": "gas"}


def test_copies_in_two_plugins_of_a_plugin_host_are_info(make_project) -> None:
    # Six sub-packages of `app/components`, each with a `const.py`: independent plugins.
    files = plugin_host()
    files["app/components/hue/const.py"] = _enum("PriceType", PRICE)
    files["app/components/nest/const.py"] = _enum("PriceType", PRICE)
    [f] = enum_findings(make_project(files))
    assert (f.path, f.severity) == ("app/components/nest/const.py", Severity.INFO)
    assert f.confidence_reasons == ("same name", "independent plugins")
    assert f.message.endswith(
        "identical to the copy in app.components.hue.const; shown, not counted: "
        "app.components.nest.const and app.components.hue.const are in app.components.nest "
        "and app.components.hue, two plugins of app.components (6 sibling packages, most "
        "with a `const` module), and neither plugin imports the other: independent plugins "
        "keep their own code")
    # A plugin that imports the other one builds on it: the copy counts again.
    files["app/components/nest/sensor.py"] = "from app.components.hue import const\n"
    [f] = enum_findings(make_project(files))
    assert (f.path, f.severity) == ("app/components/nest/const.py", Severity.ERROR)


def test_four_sibling_packages_are_no_plugin_host(make_project) -> None:
    files = plugin_host(("hue", "nest", "ring", "sonos"))
    files["app/components/hue/const.py"] = _enum("PriceType", PRICE)
    files["app/components/nest/const.py"] = _enum("PriceType", PRICE)
    [f] = enum_findings(make_project(files))
    assert f.severity == Severity.ERROR


def test_helpers_in_a_test_tree_under_another_name_are_test_code(make_project) -> None:
    # celery's `t/`: the smoke tests' operation enums are the tests' own.
    files = {"t/__init__.py": "", "t/smoke/__init__.py": "", "t/smoke/conftest.py": "",
             **{f"t/smoke/test_{n}.py": "" for n in ("worker", "tasks", "canvas", "beat")},
             "t/smoke/operations/__init__.py": "",
             "t/smoke/operations/worker_kill.py": _enum("Method", {"DOCKER_KILL": "kill"}),
             "t/smoke/operations/task_termination.py": _enum("Method", {"SIGKILL": "sig"})}
    assert enum_findings(make_project(files)) == []
    # Without the conftest.py it is no test tree: the homonym is reported.
    (make_project({}) / "t/smoke/conftest.py").unlink()
    [f] = enum_findings(make_project({}))
    assert (f.path, f.severity) == ("t/smoke/operations/worker_kill.py", Severity.WARNING)


def test_a_copy_in_a_version_package_is_info(make_project) -> None:
    # `pkg/v1/` keeps the whole old API beside the new one.
    brands = {"AMEX": "American Express", "VISA": "Visa", "OTHER": "other"}
    files = {"pkg/__init__.py": "", "pkg/types.py": _enum("PaymentCardBrand", brands),
             "pkg/v1/__init__.py": "", "pkg/v1/types.py": _enum("PaymentCardBrand", brands),
             "pkg/use.py": "from pkg.types import PaymentCardBrand\n"}
    [f] = enum_findings(make_project(files))
    assert (f.path, f.severity) == ("pkg/v1/types.py", Severity.INFO)
    assert f.confidence_reasons == ("same name", "versions of one API")
    assert f.message.endswith(
        "identical to the copy in pkg.types; shown, not counted: pkg.v1.types and pkg.types "
        "belong to different versions of one API (pkg.v1 is a version package): each "
        "version keeps its own classes")


def test_differing_copies_nobody_imports_are_each_modules_own_enum(make_project) -> None:
    # pyqtgraph: `opengl/items/GLLinePlotItem.py`, `GLScatterPlotItem.py` and `GLMeshItem.py`
    # each declare a `DirtyFlag` for their own buffers; no module imports any of them.
    files = {"gl/__init__.py": "", "gl/items/__init__.py": "",
             "gl/items/line.py": _enum("DirtyFlag", {"POSITION": "p", "COLOR": "c"}),
             "gl/items/scatter.py": _enum("DirtyFlag", {"POSITION": "p", "COLOR": "c",
                                                        "SIZE": "s"}),
             "gl/items/mesh.py": _enum("DirtyFlag", {"POSITION": "p", "NORMAL": "n",
                                                     "COLOR": "c", "FACES": "f"})}
    found = enum_findings(make_project(files))
    assert len(found) == 2 and {f.severity for f in found} == {Severity.INFO}
    assert all("no module outside tests imports any of them, by name or through its module"
               in f.message
               and f.confidence_reasons[-1] == "no copy imported outside tests" for f in found)
    # Identical copies are copy-paste, imported or not: counted.
    same = dict(files, **{"gl/items/scatter.py": files["gl/items/line.py"],
                          "gl/items/mesh.py": files["gl/items/line.py"]})
    assert {f.severity for f in enum_findings(make_project(same))} == {Severity.ERROR}
    # Once a module imports one copy, by name or through its module, its members can
    # meet the others': counted.
    for use in ("from gl.items.line import DirtyFlag\n",
                "from gl.items import line\nFLAG = line.DirtyFlag.COLOR\n",
                "import gl.items.mesh\n"):
        found = enum_findings(make_project(dict(files, **{"gl/view.py": use})))
        assert len(found) == 2 and Severity.INFO not in {f.severity for f in found}, use
    # A module's own test importing its enum to check its states (python-kasa's
    # `test_ssltransport.py`): the copies still never meet.
    found = enum_findings(make_project(dict(files, **{
        "gl/view.py": "", "tests/test_line.py": "from gl.items.line import DirtyFlag\n"})))
    assert len(found) == 2 and {f.severity for f in found} == {Severity.INFO}


def test_a_plural_of_a_common_word_names_no_concept(make_project) -> None:
    # kfp's `cli/diagnose_me/`: `gcp.py` and `kubernetes_cluster.py` each list their own
    # shell `Commands` (and import `dev_env`, which lists its own): no homonym.
    files = {"cli/__init__.py": "", "cli/diag/__init__.py": "",
             "cli/diag/dev_env.py": _enum("Commands", {"PIP3_LIST": "pip3 list",
                                                      "PYTHON3_PIP_LIST": "python3 -m pip"}),
             "cli/diag/gcp.py": "from cli.diag import dev_env\n" + _enum(
                 "Commands", {"GET_GCLOUD_VERSION": "gcloud version",
                              "GET_AUTH_LIST": "gcloud auth list"})}
    assert enum_findings(make_project(files)) == []
    # A name of its own is a concept: the same two enums are a homonym.
    renamed = {k: v.replace("Commands", "ShellCommands") for k, v in files.items()}
    [f] = enum_findings(make_project(renamed))
    assert f.message.startswith("two different enums share the name `ShellCommands`")


def test_same_member_names_with_other_codes_are_two_enums(make_project) -> None:
    # zigpy: the ZDO layer's `Status` and the ZCL layer's share `TIMEOUT` and
    # `NOT_AUTHORIZED`, with other codes, and `SUCCESS = 0`: two code spaces, no copy.
    head = "import enum\nclass Status(enum.IntEnum):\n"
    files = {"app/__init__.py": "",
             "app/zdo.py": head + "    SUCCESS = 0\n    TIMEOUT = 133\n"
             "    NOT_AUTHORIZED = 141\n    INVALID_EP = 130\n",
             "app/zcl.py": "from app import zdo\n" + head + "    SUCCESS = 0\n"
             "    TIMEOUT = 148\n    NOT_AUTHORIZED = 126\n    FAILURE = 1\n"}
    assert enum_findings(make_project(files)) == []
    # With one code changed, the ZCL copy drifted from the ZDO one: a split enum.
    files["app/zcl.py"] = files["app/zcl.py"].replace("= 126", "= 141")
    [f] = enum_findings(make_project(files))
    assert f.severity is Severity.ERROR and "member TIMEOUT = 148 here but 133" in f.message


def test_a_private_one_member_enum_is_its_modules_sentinel(make_project) -> None:
    # synapse: `class _Sentinel(enum.Enum): sentinel = object()` in four modules, each for
    # `Literal[_Sentinel.sentinel]` defaults of its own functions.
    sentinel = "import enum\nclass _Sentinel(enum.Enum):\n    sentinel = object()\n"
    files = {f"app/{m}.py": sentinel + f"def get(default=_Sentinel.sentinel): ...\n"
             for m in ("lrucache", "ttlcache", "deferred")}
    files["app/use.py"] = "from app import lrucache, ttlcache, deferred\n"
    assert [f for f in run_on(make_project(files)).findings if f.rule == "SSOT101"] == []
    # Two members are a vocabulary, copied.
    two = sentinel + "    other = object()\n"
    found = run_on(make_project({**files, "app/lrucache.py": two, "app/ttlcache.py": two}))
    assert [f.path for f in found.findings if f.rule == "SSOT101"] == ["app/ttlcache.py"]


def test_an_examples_enum_under_a_production_name_is_no_homonym(make_project) -> None:
    # vllm's `examples/` script defines its own `CarType` for a structured-output demo.
    production = "from enum import Enum\nclass CarType(Enum):\n    SEDAN = 1\n    SUV = 2\n"
    example = ("from enum import Enum\nfrom app.cars import CarType as Real\n"
               "class CarType(Enum):\n    TRUCK = 'truck'\n    COUPE = 'coupe'\n")
    root = make_project({"app/cars.py": production, "examples/demo.py": example})
    assert [f for f in run_on(root).findings if f.rule == "SSOT101"] == []
    # The same enum in production is one.
    (root / "examples/demo.py").rename(root / "app/legacy.py")
    [f] = [f for f in run_on(root).findings if f.rule == "SSOT101"]
    assert (f.path, f.severity) == ("app/legacy.py", Severity.WARNING)
    assert f.message.startswith("two different enums share the name `CarType`")
