"""SSOT102 split-event-schema, run through the real pipeline on small throwaway projects."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from ssotcheck.checks._kinds import event_from_class_name, event_key
from ssotcheck.model import Finding, Severity
from ssotcheck.checks._concepts import INDEPENDENT
from tests.conftest import run_on

EVENTS = """
from typing import Literal, TypedDict

from typing_extensions import NotRequired


class AgentStarted(TypedDict):
    type: Literal["agent_started"]
    run_id: str
    agent_name: str


class ToolExecuting(TypedDict):
    type: Literal["tool_executing"]
    run_id: str
    tool_name: str
    args: NotRequired[dict]
"""

HELPERS = """
from dataclasses import dataclass


@dataclass
class AgentStartedEvent:
    type: str = "agent_started"
    run_id: str = ""
    agent_name: str = ""


@dataclass
class ToolExecutingEvent:
    type: str = "tool_executing"
    run_id: str = ""
    tool: str = ""
"""


def event_findings(root: Path) -> list[Finding]:
    return [f for f in run_on(root).findings if f.rule == "SSOT102"]


def project(make_project, extra: dict[str, str] | None = None, config: str | None = None) -> Path:
    files = {
        "mypkg/__init__.py": "",
        "mypkg/events.py": EVENTS,
        "mypkg/emit.py": "from mypkg.events import AgentStarted, ToolExecuting\n",
        "test_framework/__init__.py": "",
        "test_framework/events.py": HELPERS,
    }
    files.update(extra or {})
    return make_project(files, config=config)


def test_event_names_are_normalised() -> None:
    assert event_key("AgentStarted") == "agent_started"
    assert event_key("agent_started") == "agent_started"
    assert event_key("agent.started") == "agent_started"
    assert event_key("AGENT-STARTED") == "agent_started"
    assert event_key("HTTPRequestSent") == "http_request_sent"
    assert event_from_class_name("ToolExecutingEvent") == "tool_executing"
    assert event_from_class_name("AgentStartedPayload") == "agent_started"
    assert event_from_class_name("Event") == "event"


def test_second_class_schema_warns_when_identical_and_errors_when_it_drifts(
        make_project) -> None:
    root = project(make_project)
    result = run_on(root)
    found = {(f.path, f.line, f.severity) for f in result.findings if f.rule == "SSOT102"}
    assert found == {("test_framework/events.py", 5, Severity.WARNING),
                     ("test_framework/events.py", 12, Severity.ERROR)}
    same = next(f for f in result.findings if f.line == 5)
    assert same.message == (
        "event `agent_started` has 2 class schemas (suggested canonical: mypkg.events, "
        "imported by 1 module, the most of any copy); this dataclass `AgentStartedEvent` "
        "has the same fields as mypkg.events.AgentStarted; import that instead")
    drift = next(f for f in result.findings if f.line == 12)
    assert "this dataclass `ToolExecutingEvent` drifts from mypkg.events.ToolExecuting: " \
           "lacks `args` and `tool_name`; has `tool` which mypkg.events.ToolExecuting lacks" \
        in drift.message
    assert [(r.path, r.line) for r in drift.related] == [("mypkg/events.py", 12)]
    assert drift.related[0].message == ("schema `ToolExecuting` in mypkg.events (canonical): "
                                        "TypedDict with fields args, run_id, tool_name, type")
    assert drift.concept == "tool_executing"
    registered = {c.name: c for c in result.concepts if c.kind == "event"}
    assert set(registered) == {"agent_started", "tool_executing"}
    assert [(h.path, h.line, h.message) for h in registered["tool_executing"].homes] == [
        ("mypkg/events.py", 12, "canonical"), ("test_framework/events.py", 12, "")]


def test_payload_literals_are_uses_reported_only_when_they_drift(make_project) -> None:
    test = """
        def test_payloads(bus):
            bus.emit({"type": "tool_executing", "run_id": "r", "tool_name": "t"})
            bus.emit({"type": "tool_executing", "run_id": "r", "tool_name": "t",
                      "args": {}})
            bus.emit({"type": "tool_executing", "run_id": "r", "tool": "t"})
            bus.emit({"type": "agent_started", "run_id": "r"})
            bus.emit({"type": "tool_executing"})
            bus.emit({"type": "object", "properties": {}})
        """
    root = project(make_project, {"tests/test_payloads.py": test})
    result = run_on(root)
    payloads = sorted((f.line, f.severity, f.message) for f in result.findings
                      if f.path == "tests/test_payloads.py")
    assert [(line, sev) for line, sev, _ in payloads] == [(5, Severity.WARNING),
                                                          (6, Severity.WARNING)]
    assert payloads[0][2] == (
        "payload in test_payloads for event `tool_executing` drifts from the schema TypedDict "
        "`ToolExecuting` (suggested canonical: mypkg.events, imported by 1 module, the most of "
        "any copy): lacks required `tool_name`; has `tool` which the schema lacks")
    assert "lacks required `agent_name`" in payloads[1][2]
    tool = next(c for c in result.concepts if c.name == "tool_executing")
    assert ("tests/test_payloads.py", 5, "payload") in {(h.path, h.line, h.message)
                                                        for h in tool.homes}


def test_a_schema_classes_own_serialisation_is_not_counted(make_project) -> None:
    # strands: `AgentResult.to_dict` writes the fields it chooses to send.
    model = ("from dataclasses import dataclass\n@dataclass\nclass AgentResult:\n"
             "    type: str\n    message: str\n    stop_reason: str\n    metrics: dict\n"
             "{method}")
    method = ("    def to_dict(self):\n        return {\"type\": \"agent_result\", "
              "\"message\": self.message, \"stop_reason\": self.stop_reason}\n")
    root = make_project({"app/result.py": model.format(method=method)})
    [f] = [f for f in run_on(root).findings if f.rule == "SSOT102"]
    assert f.severity is Severity.INFO and "the class's own serialisation" in f.message
    # The same dict from a function beside the class is a payload that forgot `metrics`.
    root = make_project({"app/result.py": model.format(method="") + "def dump(r):\n"
                         + method.split(":\n", 1)[1].replace("        ", "    ")})
    [f] = [f for f in run_on(root).findings if f.rule == "SSOT102"]
    assert f.severity is Severity.WARNING and "lacks required `metrics`" in f.message

def test_a_single_schema_with_conforming_payloads_is_silent(make_project) -> None:
    root = make_project({
        "app/events.py": EVENTS,
        "app/emit.py": "def go():\n    return {'type': 'agent_started', 'run_id': 'r', "
                       "'agent_name': 'a'}\n",
    })
    result = run_on(root)
    assert [f for f in result.findings if f.rule == "SSOT102"] == []
    assert result.concepts == ()


def test_payloads_without_any_class_schema_are_not_compared(make_project) -> None:
    root = make_project({
        "app/a.py": "A = {'type': 'user_created', 'id': 1}\n",
        "app/b.py": "B = {'type': 'user_created', 'name': 'x'}\n",
    })
    assert event_findings(root) == []


@pytest.mark.parametrize("schema", [
    "from pydantic import BaseModel\nfrom typing import Literal\n"
    "class UserCreated(BaseModel):\n    type: Literal['user_created'] = 'user_created'\n"
    "    id: int\n    email: str\n",
    "from typing import NamedTuple\nclass UserCreated(NamedTuple):\n    id: int\n"
    "    email: str\n",
    "import attr\n@attr.define\nclass UserCreatedEvent:\n    id: int\n    email: str\n",
    "import typing\nclass UserCreatedPayload(typing.TypedDict):\n    id: int\n    email: str\n",
])
def test_every_schema_kind_is_recognised(make_project, schema: str) -> None:
    root = make_project({
        "app/__init__.py": "",
        "app/models.py": schema,
        "app/use.py": "from app.models import *\nPAYLOAD = {'type': 'user_created', 'id': 1, "
                      "'mail': 'x'}\ndef send():\n    publish(PAYLOAD)\n",
    })
    [f] = event_findings(root)
    assert f.path == "app/use.py" and f.line == 2
    assert "lacks required `email`" in f.message and "has `mail`" in f.message
    assert f.concept == "user_created"


def test_configured_discriminators_and_event_type_key(make_project) -> None:
    files = {
        "app/schemas.py": "from typing import Literal, TypedDict\n"
                          "class Paid(TypedDict):\n    kind: Literal['order.paid']\n"
                          "    order_id: int\n    amount: int\n",
        "app/other.py": "from dataclasses import dataclass\n@dataclass\nclass OrderPaid:\n"
                        "    kind: str = 'order.paid'\n    order_id: int = 0\n",
        "app/use.py": "from app.schemas import Paid\n",
    }
    root = make_project(files)
    assert event_findings(root) == []  # `kind` is no discriminator by default
    root = make_project(files, config='[tool.ssotcheck]\n[tool.ssotcheck.events]\n'
                                      'discriminators = ["kind"]\n')
    [f] = event_findings(root)
    assert f.concept == "order_paid" and f.path == "app/other.py"
    assert "lacks `amount`" in f.message


def test_canonical_may_be_declared_by_event_name(make_project) -> None:
    root = project(make_project, config='[tool.ssotcheck]\n[tool.ssotcheck.canonical]\n'
                                        'tool_executing = "test_framework.events"\n')
    findings = event_findings(root)
    tool = next(f for f in findings if f.concept == "tool_executing")
    assert tool.path == "mypkg/events.py"
    assert "canonical: test_framework.events, declared in [tool.ssotcheck.canonical]" \
        in tool.message
    assert "this TypedDict `ToolExecuting` drifts from " \
           "test_framework.events.ToolExecutingEvent" in tool.message


def test_inherited_fields_and_optional_keys_count(make_project) -> None:
    root = make_project({
        "app/events.py": """
            from typing import Literal, TypedDict

            class Base(TypedDict):
                run_id: str
                timestamp: float

            class AgentStopped(Base, total=False):
                type: Literal["agent_stopped"]
                reason: str
            """,
        "app/emit.py": """
            def ok():
                return {"type": "agent_stopped", "run_id": "r", "timestamp": 1.0}

            def missing_base_field():
                return {"type": "agent_stopped", "run_id": "r", "reason": "x"}
            """,
    })
    [f] = event_findings(root)
    assert (f.path, f.line) == ("app/emit.py", 5)
    assert "lacks required `timestamp`" in f.message and "reason" not in f.message


def test_a_subclass_schema_extends_rather_than_copies(make_project) -> None:
    root = make_project({
        "app/__init__.py": "",
        "app/events.py": "from typing import Literal, TypedDict\n"
                         "class AgentStarted(TypedDict):\n    type: Literal['agent_started']\n"
                         "    run_id: str\n",
        "app/rich.py": "from app.events import AgentStarted\n"
                       "class AgentStartedV2(AgentStarted):\n    model: str\n",
    })
    assert event_findings(root) == []


def test_same_kind_schemas_compare_requiredness(make_project) -> None:
    root = make_project({
        "app/__init__.py": "",
        "app/a.py": "from typing import TypedDict\nclass JobDoneEvent(TypedDict):\n"
                    "    job: str\n    result: str\n",
        "app/b.py": "from typing import TypedDict\nfrom typing_extensions import NotRequired\n"
                    "class JobDoneEvent(TypedDict):\n    job: str\n    result: NotRequired[str]\n",
        "app/use.py": "from app.a import JobDoneEvent\n",
    })
    [f] = event_findings(root)
    assert f.path == "app/b.py" and f.severity is Severity.ERROR
    assert "makes `result` optional, required in app.a.JobDoneEvent" in f.message


def test_payload_fingerprints_survive_line_shifts(make_project) -> None:
    test = ("def test_x(ws):\n    p = {'type': 'tool_executing', 'run_id': 'r', 'tool': 't'}\n"
            "    ws.send_json(p)\n")
    root = project(make_project, {"tests/test_x.py": test})
    [before] = [f for f in event_findings(root) if f.path == "tests/test_x.py"]
    (root / "tests/test_x.py").write_text("import os\n\n" + test, encoding="utf-8")
    [after] = [f for f in event_findings(root) if f.path == "tests/test_x.py"]
    assert after.line == before.line + 2
    assert after.fingerprint == before.fingerprint


def test_chance_matches_are_not_events(make_project) -> None:
    # SQLAlchemy's tests: dataclass `A` meets the polymorphic identity {"type": "a", ...},
    # and `type: Literal["1"]` tags a variant, not an event.
    variant = "from typing import Literal, TypedDict\nclass _SomeDict1(TypedDict):\n" \
              "    type: Literal['1']\n    x: int\n"
    root = make_project({
        "app/__init__.py": "",
        "app/models.py": "from dataclasses import dataclass\n@dataclass\nclass A:\n"
                         "    id: int\n    data: str\n",
        "app/use.py": "from app.models import A\nROWS = [{'type': 'a', 'id': 1, 'x': 2}]\n",
        "app/v1.py": variant,
        "app/v2.py": variant.replace("x: int", "y: int"),
    })
    assert event_findings(root) == []


def test_function_local_schemas_are_not_homes(make_project) -> None:
    local = ("from dataclasses import dataclass\ndef build():\n    @dataclass\n"
             "    class ToolExecutingEvent:\n        type: str = 'tool_executing'\n"
             "        tool: str = ''\n    return ToolExecutingEvent\n")
    root = project(make_project, {"test_framework/factory.py": local})
    assert {f.path for f in event_findings(root)} == {"test_framework/events.py"}


def test_events_only_tests_define_are_shown_but_not_counted(make_project) -> None:
    schema = "from typing import TypedDict\nclass JobQueuedEvent(TypedDict):\n" \
             "    job: str\n    queue: str\n"
    root = make_project({"tests/helpers_a.py": schema,
                         "tests/helpers_b.py": schema.replace("queue", "priority")})
    result = run_on(root)
    [f] = [f for f in result.findings if f.rule == "SSOT102"]
    assert f.severity is Severity.INFO and "drifts from" in f.message
    assert result.scores.overall == 100.0



def test_one_event_per_package_about_its_own_kind_is_not_counted(make_project) -> None:
    # livekit: `llm/`, `stt/` and `tts/fallback_adapter.py` each announce their own
    # `AvailabilityChangedEvent`, with a field named for the package's kind of object.
    files = {f"app/{kind}/fallback_adapter.py":
             f"from dataclasses import dataclass\n@dataclass\nclass AvailabilityChangedEvent:\n"
             f"    {kind}: object\n    available: bool\n" for kind in ("llm", "stt", "tts")}
    found = [f for f in run_on(make_project(files)).findings if f.rule == "SSOT102"]
    assert len(found) == 2 and {f.severity for f in found} == {Severity.INFO}
    assert all(f.confidence_reasons[-1] == "one event per package" for f in found)
    # A field named for nothing in the path is a drift of one event.
    root = make_project({"app/stt/fallback_adapter.py": files["app/stt/fallback_adapter.py"]
                         .replace("    stt:", "    engine:")})
    found = [f for f in run_on(root).findings if f.rule == "SSOT102"]
    assert Severity.ERROR in {f.severity for f in found}

def test_a_test_copy_of_a_documentation_examples_event_is_not_counted(make_project) -> None:
    # fastapi: `tests/test_sub_callbacks.py` re-declares the `InvoiceEvent` of
    # `docs_src/openapi_callbacks/tutorial001.py`; a docs example is no production home.
    model = "from pydantic import BaseModel\nclass InvoiceEvent(BaseModel):\n" \
            "    description: str\n    paid: bool\n"
    root = make_project({"docs_src/openapi_callbacks/tutorial001.py": model,
                         "tests/test_sub.py": model})
    [f] = [f for f in run_on(root).findings if f.rule == "SSOT102"]
    assert f.severity is Severity.INFO
    # The same model in production code: a copy a test keeps, counted.
    (root / "docs_src/openapi_callbacks/tutorial001.py").rename(root / "callbacks.py")
    [f] = [f for f in run_on(root).findings if f.rule == "SSOT102"]
    assert f.severity is Severity.WARNING


ENVELOPED = """
from typing import Literal, TypedDict


class AgentMessage(TypedDict):
    type: Literal["agent_message"]
    run_id: str
    content: str
"""


def test_envelope_bodies_are_compared_with_the_schema(make_project) -> None:
    send = ("async def ok(ws):\n"
            "    await ws.send_json({'type': 'agent_message', 'payload': {'run_id': 'r', "
            "'content': 'x'}})\n"
            "async def bad(ws):\n"
            "    await ws.send_json({'type': 'agent_message', 'body': {'run_id': 'r', "
            "'text': 'x'}})\n")
    files = {"app/__init__.py": "", "app/events.py": ENVELOPED, "app/send.py": send}
    assert event_findings(make_project(files)) == []  # `body` is no envelope key: no shared field
    config = '[tool.ssotcheck]\n[tool.ssotcheck.events]\nenvelopes = ["body"]\n'
    [f] = event_findings(make_project(files, config=config))
    assert f.line == 4 and f.message.startswith(
        "the `body` body of the message in bad for event `agent_message` drifts from the "
        "schema TypedDict `AgentMessage`")
    assert "lacks required `content`; has `text` which the schema lacks" in f.message


def test_unsent_dicts_are_data_not_payloads(make_project) -> None:
    rows = ("ROWS = [{'type': 'agent_message', 'run_id': 'r', 'text': 'x'}]\n"
            "def check(result):\n"
            "    expected = {'type': 'agent_message', 'run_id': 'r', 'text': 'x'}\n"
            "    assert result == expected\n")
    root = make_project({"app/events.py": ENVELOPED, "app/rows.py": rows})
    assert event_findings(root) == []


def test_a_name_known_only_from_unsent_rows_is_no_event(make_project) -> None:
    root = make_project({
        "app/models.py": "from dataclasses import dataclass\n@dataclass\nclass ToolResult:\n"
                         "    output: str\n    ok: bool\n",
        "tests/test_rows.py": "ROWS = [{'type': 'tool_result', 'output': 1, 'extra': 2}]\n",
        "app/copy.py": "from dataclasses import dataclass\n@dataclass\nclass ToolResult:\n"
                       "    output: str\n",
    })
    assert event_findings(root) == []


def test_a_model_named_like_an_event_it_shares_no_field_with_is_its_subject(make_project) -> None:
    # crewai: `TaskEvaluationEvent` pins "task_evaluation"; `TaskEvaluation` is the result
    # the event reports on. A name-matched model sharing a field is still judged.
    event = ("from typing import Literal\nfrom pydantic import BaseModel\n"
             "class TaskEvaluationEvent(BaseModel):\n"
             "    type: Literal['task_evaluation'] = 'task_evaluation'\n"
             "    evaluation_type: str\n    task_id: str\n")
    subject = ("from pydantic import BaseModel\nclass TaskEvaluation(BaseModel):\n"
               "    suggestions: list[str]\n    quality: float\n")
    root = make_project({"app/events.py": event, "app/evaluator.py": subject})
    assert event_findings(root) == []
    drifted = subject + "    task_id: str\n"
    root = make_project({"app/events.py": event, "app/evaluator.py": drifted})
    [f] = event_findings(root)
    assert f.concept == "task_evaluation" and "TaskEvaluation" in f.message


def test_a_class_named_like_an_event_whose_payloads_share_no_field_is_no_schema(
        make_project) -> None:
    # opik: each migration planner's `RenameSource(source_id, from_name, to_name)` is a plan
    # step; the audit entry `{"type": "rename_source", "id", "from", "to"}` is the event.
    step = ("from dataclasses import dataclass\n@dataclass(frozen=True)\n"
            "class RenameSource:\n    source_id: str\n    from_name: str\n"
            "    to_name: str\n")
    audit = ("def details(action):\n    return {'type': 'rename_source', 'entity': 'prompt',"
             " 'id': action.source_id, 'from': action.from_name, 'to': action.to_name}\n")
    files = {"app/__init__.py": "", "app/prompts/planner.py": step,
             "app/prompts/executor.py": audit,
             "app/datasets/planner.py": step + "    visibility: str\n",
             "app/datasets/executor.py": audit}
    assert event_findings(make_project(files)) == []
    # A payload that carries the class's fields (in another spelling) makes it the schema.
    files["app/datasets/executor.py"] = (
        "def details(action):\n    return {'type': 'rename_source', 'sourceId': 1}\n")
    [f] = event_findings(make_project(files))
    assert f.concept == "rename_source" and "RenameSource" in f.message
    # So does an envelope, whose body may be the class: nothing rules it out.
    files["app/datasets/executor.py"] = (
        "def details(action):\n    return {'type': 'rename_source', 'payload': action}\n")
    [f] = event_findings(make_project(files))
    assert f.concept == "rename_source" and "RenameSource" in f.message


def test_an_event_class_that_shares_no_field_with_the_tagged_schema_is_another_thing(
        make_project) -> None:
    # arize-phoenix: the OpenTelemetry `SpanEvent(name, timestamp, attributes)` of the REST
    # API and of the trace schema is no `span` message (`SpanUIContext(type="span", ...)`).
    span_event = ("from dataclasses import dataclass\n@dataclass\nclass SpanEvent:\n"
                  "    name: str\n    timestamp: str\n    attributes: dict\n")
    ui = ("from typing import Literal\nfrom pydantic import BaseModel\n"
          "class SpanUIContext(BaseModel):\n    type: Literal['span']\n"
          "    span_node_id: str\n")
    files = {"app/__init__.py": "", "app/trace/schemas.py": span_event,
             "app/trace/rest.py": span_event, "app/ui/context.py": ui}
    root = make_project(files)
    assert event_findings(root) == []
    # Nothing else shows a `span` event: the class that names it is its schema.
    (root / "app/ui/context.py").unlink()
    [f] = event_findings(root)
    assert (f.concept, f.path) == ("span", "app/trace/rest.py")


@pytest.mark.parametrize("online, offline, found", [
    # feast: each store config pins `type` to its backend's name; configs, not messages
    ("RemoteOnlineStoreConfig", "RemoteOfflineStoreConfig", 0),
    ("RemoteOnlineSettings", "RemoteOfflineOptions", 0),
    # the same shape named as messages is one event's two schemas
    ("RemoteOnlineMessage", "RemoteOfflineMessage", 1),
])
def test_a_configuration_models_type_names_a_backend_not_an_event(
        make_project, online: str, offline: str, found: int) -> None:
    model = ("from typing import Literal\nfrom pydantic import BaseModel\n"
             "class {name}(BaseModel):\n    type: Literal['remote'] = 'remote'\n"
             "    {fields}\n")
    root = make_project({
        "app/__init__.py": "", "app/online.py": model.format(
            name=online, fields="path: str\n    connection_pool_size: int = 10"),
        "app/offline.py": "import app.online\n" + model.format(
            name=offline, fields="path: str\n    host: str\n    port: int")})
    assert len(event_findings(root)) == found


def test_test_schemas_never_judge_production(make_project) -> None:
    schema = ("from dataclasses import dataclass\n@dataclass\nclass InvoicePaidEvent:\n"
              "    type: str = 'invoice_paid'\n    invoice_id: str = ''\n    amount: int = 0\n")
    root = make_project({
        "tests/helpers.py": schema,
        "app/notify.py": "def paid(bus):\n    bus.publish({'type': 'invoice_paid', "
                         "'invoice': 'i', 'amount': 1})\n",
        "tests/test_pay.py": "def test_pay(bus):\n    bus.publish({'type': 'invoice_paid', "
                             "'invoice_id': 'i', 'amount': 1, 'currency': 'EUR'})\n",
    })
    [f] = event_findings(root)
    assert (f.path, f.severity) == ("tests/test_pay.py", Severity.INFO)


def test_extra_keys_in_tests_are_info_missing_ones_a_warning(make_project) -> None:
    test = ("def test_x(ws):\n"
            "    ws.send_json({'type': 'tool_executing', 'run_id': 'r', 'tool_name': 't', "
            "'debug': 1})\n"
            "    ws.send_json({'type': 'tool_executing', 'run_id': 'r', 'tool': 't'})\n")
    found = {f.line: f.severity for f in event_findings(project(make_project,
                                                               {"tests/test_x.py": test}))
             if f.path == "tests/test_x.py"}
    assert found == {2: Severity.INFO, 3: Severity.WARNING}


def test_pydantic_field_without_default_is_required(make_project) -> None:
    schema = ("from typing import Literal\nfrom pydantic import BaseModel, Field\n"
              "class JobQueued(BaseModel):\n    type: Literal['job_queued'] = 'job_queued'\n"
              "    job_id: str = Field(description='the job')\n"
              "    queue: str = Field(default='default')\n"
              "    tags: list = Field(default_factory=list)\n")
    root = make_project({"app/events.py": schema,
                         "app/q.py": "def go():\n    return {'type': 'job_queued', 'queue': 'x'}\n"})
    [f] = event_findings(root)
    assert "lacks required `job_id`" in f.message and "tags" not in f.message
    assert f.confidence == "high"


def test_pydantic_underscore_names_are_private_attributes_not_fields(make_project) -> None:
    # anthropic's BaseModel declares `_request_id` under `if TYPE_CHECKING:`; pydantic
    # never makes an underscore name a field, so no payload lacks it.
    schema = ("from typing import Literal, TYPE_CHECKING\nfrom pydantic import BaseModel\n"
              "class Base(BaseModel):\n    if TYPE_CHECKING:\n        _request_id: str\n"
              "class JobQueued(Base):\n    type: Literal['job_queued'] = 'job_queued'\n"
              "    job_id: str\n    _cache: dict\n")
    sent = "def go():\n    return {'type': 'job_queued', 'job_id': 'j'}\n"
    root = make_project({"app/events.py": schema, "app/q.py": sent})
    assert event_findings(root) == []
    # A dataclass field may start with an underscore: it is still a field.
    (root / "app/events.py").write_text(
        "from dataclasses import dataclass\n@dataclass\nclass JobQueued:\n"
        "    _trace: str\n    type: str = 'job_queued'\n    job_id: str = ''\n",
        encoding="utf-8")
    [f] = event_findings(root)
    assert "lacks required `_trace`" in f.message


def test_another_services_schema_and_payloads_are_info(make_project) -> None:
    schema = ("from typing import Literal, TypedDict\nclass OrderPaid(TypedDict):\n"
              "    type: Literal['order_paid']\n    order_id: str\n    amount: int\n")
    files = {"svc_a/events.py": schema, "svc_a/use.py": "from svc_a.events import OrderPaid\n",
             "svc_b/events.py": schema.replace("amount: int", "total: int"),
             "svc_b/emit.py": "def go(bus):\n    bus.publish({'type': 'order_paid', "
                              "'order_id': 'o'})\n"}
    config = '[tool.ssotcheck]\nservices = ["svc_a/**", "svc_b/**"]\n'
    found = {f.path: f for f in event_findings(make_project(files, config=config))}
    assert {p: f.severity for p, f in found.items()} == {
        "svc_b/events.py": Severity.INFO, "svc_b/emit.py": Severity.INFO}
    assert found["svc_b/emit.py"].message.endswith(
        "it is in service svc_b, which shares no code with service svc_a")


PROGRAM_ITEM = """
from typing import Literal
from pydantic import BaseModel


class Program(BaseModel):
    type: Literal["program"]
    id: str
    code: str
    call_id: str
"""

PROGRAM_CALLER = """
from typing import Literal
from pydantic import BaseModel


class CallerProgram(BaseModel):
    type: Literal["program"]
    caller_id: str
"""


def test_schemas_sharing_only_the_discriminator_value_are_different_events(make_project) -> None:
    # openai-python: a tool call's `caller` (`{type: "program", caller_id}`) and an output item
    # (`{type: "program", id, code, call_id}`) are members of different tagged unions.
    root = make_project({
        "sdk/__init__.py": "",
        "sdk/output_item.py": PROGRAM_ITEM,
        "sdk/shell_call.py": PROGRAM_CALLER,
        "sdk/patch_call.py": PROGRAM_CALLER,
        "sdk/uses.py": "from sdk.output_item import Program\n",
        "sdk/output_item_copy.py": PROGRAM_ITEM.replace("    call_id: str\n", ""),
    })
    found = sorted((f.path, f.severity) for f in event_findings(root))
    # Each copy is compared with its own group's schema only: the caller copies with each
    # other, the drifted output item with the output item.
    assert found == [("sdk/output_item_copy.py", Severity.ERROR),
                     ("sdk/shell_call.py", Severity.WARNING)]


# ---- fourth precision pass: tagged unions, variants, annotations, relations, wrappers

FILLER = {f"sdk/{d}/m{i:02d}.py": "" for d in ("vendors", "chat", "types") for i in range(14)}


def _typed(name: str, tag: str, fields: dict[str, str]) -> str:
    body = "".join(f"    {k}: {v}\n" for k, v in fields.items())
    return (f"from typing import Literal, TypedDict\nfrom typing_extensions import NotRequired\n"
            f"class {name}(TypedDict):\n    type: Literal[{tag!r}]\n{body}")


def _schema_findings(root: Path) -> list[Finding]:
    return [f for f in run_on(root).findings if f.rule == "SSOT102"]


def test_a_tool_call_is_not_judged_against_a_tool_definition(make_project) -> None:
    root = make_project({
        "sdk/tools.py": _typed("ToolDescription", "function", {"function": "dict"}),
        "sdk/chat.py": "import sdk.tools\n"
                       "def to_call(tc):\n"
                       "    return {'type': 'function', 'id': tc.id, 'function': {'name': 'x'}}\n",
    })
    assert _schema_findings(root) == []


def test_variants_of_one_event_in_one_module_are_a_union(make_project) -> None:
    events = (_typed("_SendBytes", "websocket.send", {"bytes": "bytes",
                                                      "text": "NotRequired[None]"})
              + "\n" + _typed("_SendText", "websocket.send", {
                  "bytes": "NotRequired[None]", "text": "str"}).split("\n", 2)[2])
    root = make_project({
        "srv/types.py": events,
        "srv/ws.py": "import srv.types\n"
                     "async def send(conn, text):\n"
                     "    await conn.send({'type': 'websocket.send', 'text': text})\n"
                     "    await conn.send({'type': 'websocket.send', 'text': text, 'txt': 1})\n",
    })
    [f] = _schema_findings(root)
    assert (f.path, f.line, f.severity) == ("srv/ws.py", 4, Severity.WARNING)
    assert f.message == ("payload in send for event `websocket.send` drifts from the schema "
                         "TypedDict `_SendText` (suggested canonical: srv.types, no copy is "
                         "imported by name): has `txt` which the schema lacks")


def test_an_annotated_payload_is_judged_against_the_schema_it_names(make_project) -> None:
    root = make_project({**FILLER,
        "sdk/types/tool.py": _typed("ToolCallChunk", "tool_call_chunk", {
            "name": "str", "args": "str", "index": "int"}),
        "sdk/types/content.py": "import sdk.types.tool\n" + _typed(
            "ToolCallChunk", "tool_call_chunk", {"name": "str", "args": "str",
                                                 "index": "NotRequired[int]"}),
        "sdk/chat/ai.py": "import sdk.types.content as types\nimport sdk.types.tool\n"
                          "def blocks(c):\n"
                          "    tc: types.ToolCallChunk = {'type': 'tool_call_chunk', "
                          "'name': c.name, 'args': c.args}\n    return tc\n",
        "sdk/use.py": "from sdk.types.tool import ToolCallChunk\n",
    })
    got = [(f.path, f.severity) for f in _schema_findings(root)]
    assert got == [("sdk/types/content.py", Severity.ERROR)]  # the schemas drift; the dict fits


def test_schemas_of_one_tag_in_independent_modules_are_info(make_project) -> None:
    root = make_project({**FILLER,
        "sdk/vendors/bedrock.py": _typed("BedrockBlockStart", "content_block_start", {
            "toolUse": "dict", "start": "int"}),
        "sdk/chat/anthropic.py": _typed("AnthropicBlockStart", "content_block_start", {
            "start": "int", "index": "int", "content_block": "dict"}),
        "sdk/use.py": "from sdk.chat.anthropic import AnthropicBlockStart\n",
    })
    [f] = _schema_findings(root)
    assert (f.path, f.severity, f.confidence) == ("sdk/vendors/bedrock.py", Severity.INFO, "low")
    assert f.message.endswith(INDEPENDENT)


def test_the_same_distinctive_schema_name_relates_independent_modules(make_project) -> None:
    root = make_project({**FILLER,
        "sdk/vendors/messages.py": _typed("AgentCompleted", "agent_completed", {
            "run_id": "str", "result": "str"}),
        "sdk/chat/events.py": _typed("AgentCompleted", "agent_completed", {
            "run_id": "str", "result": "str"}),
        "sdk/use.py": "from sdk.chat.events import AgentCompleted\n",
    })
    [f] = _schema_findings(root)
    assert (f.path, f.severity) == ("sdk/vendors/messages.py", Severity.WARNING)
    assert f.confidence_reasons == ("same event", "identified by discriminator",
                                    "same class name")


def _vendor_parts(name_of: Callable[[str], str]) -> dict[str, str]:
    files: dict[str, str] = {"sdk/use.py": f"from sdk.types.openai import {name_of('openai')}\n"}
    for i, vendor in enumerate(("openai", "anthropic", "mistral", "oci", "databricks")):
        files[f"sdk/types/{vendor}.py"] = "".join(
            f"import sdk.types.{other}\n" for other in ("openai",) if vendor != other
        ) + _typed(name_of(vendor), "text", {"content": "str", f"x{i}": "str"})
    return files


def test_a_one_word_tag_of_many_modules_is_a_union_tag(make_project) -> None:
    root = make_project(_vendor_parts(lambda vendor: "TextPart"))
    got = [(f.path, f.severity) for f in _schema_findings(root)]
    assert len(got) == 4 and {s for _, s in got} == {Severity.INFO}
    # Four modules: one tag value of related modules, one class name, is still one event.
    (root / "sdk/types/databricks.py").unlink()
    got = [(f.path, f.severity) for f in _schema_findings(root)]
    assert len(got) == 3 and {s for _, s in got} == {Severity.ERROR}


def test_differently_named_classes_of_a_one_word_tag_are_two_objects(make_project) -> None:
    # dvc: the API's `DVCDataset` TypedDict (`type: Literal["dvc"]`, url, path, sha) is
    # built from the stored `DVCDatasetSpec` (name, url, path, rev) of the module it
    # imports; `dvc` names a dataset kind, not one event defined twice.
    root = make_project(_vendor_parts(lambda vendor: f"{vendor.title()}Text"))
    (root / "sdk/types/databricks.py").unlink()
    found = _schema_findings(root)
    assert [(f.path, f.severity) for f in found] == [
        (f"sdk/types/{v}.py", Severity.INFO) for v in ("anthropic", "mistral", "oci")]
    assert found[0].message.endswith(
        "shown, not counted: `AnthropicText` and `OpenaiText` share only the one-word tag "
        "`text`, which names a kind in many messages, not one event")
    assert found[0].confidence_reasons[-1] == "one-word tag, other class names"
    # A tag of two words names one event: the same classes are its split schema.
    for v in ("openai", "anthropic", "mistral", "oci"):
        path = root / f"sdk/types/{v}.py"
        path.write_text(path.read_text().replace("'text'", "'text_part'"))
    assert {f.severity for f in _schema_findings(root)} == {Severity.ERROR}


def test_an_event_that_carries_another_events_schema_wraps_it(make_project) -> None:
    root = make_project({
        "rt/model_events.py": "from dataclasses import dataclass\nfrom typing import Literal\n"
                              "@dataclass\nclass ModelAudioEvent:\n    data: bytes\n"
                              "    item_id: str\n    type: Literal['audio'] = 'audio'\n",
        "rt/events.py": "from dataclasses import dataclass\nfrom typing import Literal\n"
                        "from rt.model_events import ModelAudioEvent\n"
                        "@dataclass\nclass SessionAudio:\n    audio: ModelAudioEvent\n"
                        "    item_id: str\n    type: Literal['audio'] = 'audio'\n",
    })
    assert _schema_findings(root) == []


def test_a_one_word_tag_payload_in_an_unrelated_module_is_not_judged(make_project) -> None:
    files = {**FILLER,
        "sdk/vendors/opik.py": "from dataclasses import dataclass\nfrom typing import Literal\n"
                               "@dataclass\nclass SpanPayload:\n    type: Literal['llm']\n"
                               "    trace_id: str\n    model: str\n    provider: str\n",
        "sdk/chat/literal_ai.py": "def prepare(run):\n"
                                  "    return {'type': 'llm', 'model': run.model, 'id': 1,\n"
                                  "            'provider': run.provider}\n"}
    assert _schema_findings(make_project(files)) == []
    files["sdk/chat/literal_ai.py"] = "import sdk.vendors.opik\n" + files["sdk/chat/literal_ai.py"]
    [f] = _schema_findings(make_project(files))
    assert f.message.endswith("lacks required `trace_id`; has `id` which the schema lacks")
    # One field in common beside a one-word tag is too little to call it that message.
    files["sdk/chat/literal_ai.py"] = files["sdk/chat/literal_ai.py"].replace(
        ",\n            'provider': run.provider", "")
    assert _schema_findings(make_project(files)) == []


def _dataclass(name: str, tag: str, fields: list[str], extra: str = "") -> str:
    body = "".join(f"    {f}: str\n" for f in fields)
    return (f"{extra}from dataclasses import dataclass\nfrom typing import Literal\n"
            f"@dataclass\nclass {name}:\n{body}    type: Literal[{tag!r}] = {tag!r}\n")


def test_a_module_that_imports_others_but_keeps_its_own_schema_of_a_tag(make_project) -> None:
    # openai-agents: the session layer's `events.py` imports the model layer's
    # `RealtimeModelAudioEvent` (which it carries) but defines its own, differently named
    # `audio_interrupted` event; litellm's Anthropic types import three OpenAI-format blocks
    # and keep Anthropic's own `document` param.
    files = {
        "rt/model_events.py": _dataclass("ModelAudioEvent", "audio", ["data"]) + _dataclass(
            "ModelAudioInterruptedEvent", "audio_interrupted", ["item_id", "content_index"]),
        "rt/events.py": _dataclass("SessionAudioInterrupted", "audio_interrupted", [
            "info", "item_id", "content_index"],
            "from rt.model_events import ModelAudioEvent\n"),
        "rt/use.py": "from rt.model_events import ModelAudioInterruptedEvent\n",
    }
    root = make_project(files)
    [f] = _schema_findings(root)
    assert (f.path, f.severity, f.confidence) == ("rt/events.py", Severity.INFO, "low")
    assert f.message.endswith(
        "has `info` which rt.model_events.ModelAudioInterruptedEvent lacks; shown, not "
        "counted: rt.events imports `ModelAudioEvent` from rt.model_events, not this "
        "event's schema there, and defines its own under another name (another layer's "
        "event, another API's format)")
    assert f.confidence_reasons[-1] == "its own schema beside imports of the other module"
    # Importing the other schema itself and still defining one is a copy beside its import.
    (root / "rt/events.py").write_text(
        "from rt.model_events import ModelAudioInterruptedEvent\n" + files["rt/events.py"])
    [f] = _schema_findings(root)
    assert (f.path, f.severity) == ("rt/events.py", Severity.ERROR)
    assert f.confidence_reasons[-1] == "one module imports the other"
    # So is the same class name, whatever else the module imports.
    (root / "rt/events.py").write_text(files["rt/events.py"].replace(
        "SessionAudioInterrupted", "ModelAudioInterruptedEvent"))
    [f] = _schema_findings(root)
    assert (f.path, f.severity, f.confidence_reasons[-1]) == (
        "rt/events.py", Severity.ERROR, "same class name")


def test_a_schema_name_ending_in_the_others_name_is_the_same_name(make_project) -> None:
    # litellm's `ContentPartDonePartOutputText` and the Responses `OutputText`.
    files = {**FILLER,
        "sdk/types/responses.py": _typed("OutputText", "output_text", {
            "text": "str", "annotations": "list"}),
        "sdk/vendors/openai.py": _typed("ContentPartDonePartOutputText", "output_text", {
            "text": "str", "annotations": "list", "logprobs": "list"}),
        "sdk/use.py": "from sdk.types.responses import OutputText\n"}
    root = make_project(files)
    [f] = _schema_findings(root)
    assert (f.path, f.severity, f.confidence_reasons[-1]) == (
        "sdk/vendors/openai.py", Severity.ERROR, "same class name")
    # Not across kinds: openai-agents' request TypedDict `RealtimeUserInputText` and the
    # pydantic conversation item `InputText` are another layer's.
    (root / "sdk/types/responses.py").write_text(
        "from typing import Literal\n\nfrom pydantic import BaseModel\n\n\n"
        "class OutputText(BaseModel):\n    type: Literal['output_text']\n"
        "    text: str\n    annotations: list\n    logprobs: list\n", encoding="utf-8")
    [f] = _schema_findings(root)
    assert (f.path, f.severity, f.message.endswith(INDEPENDENT)) == (
        "sdk/vendors/openai.py", Severity.INFO, True)


def test_a_payload_is_judged_by_a_class_name_only_from_a_related_module(make_project) -> None:
    # litellm's request item `{"type": "output_text", "text": ...}` in a transformation
    # module against the Responses API's `OutputText` model, named after the event only.
    model = ("from pydantic import BaseModel\nclass OutputText(BaseModel):\n"
             "    type: str\n    text: str\n    annotations: list\n")
    files = {**FILLER, "sdk/types/responses.py": model,
             "sdk/chat/transformation.py": "def to_input(content):\n"
                                           "    return {'type': 'output_text', 'text': content}\n"}
    root = make_project(files)
    assert _schema_findings(root) == []
    (root / "sdk/chat/transformation.py").write_text(
        "import sdk.types.responses\n" + files["sdk/chat/transformation.py"])
    [f] = _schema_findings(root)
    assert f.message == (
        "payload in to_input for event `output_text` drifts from the schema pydantic model "
        "`OutputText` (suggested canonical: sdk.types.responses, no copy is imported by "
        "name): lacks required `annotations`")


# Issue 14, held-out event-heavy code: an SDK's beta API, request/response forms, a wire
# dict beside the library's object, and a test double's replies.

_MODEL = ("from typing import Literal\nfrom pydantic import BaseModel\n"
          "class {name}(BaseModel):\n    type: Literal[{tag!r}]\n{body}")


def _model(name: str, tag: str, fields: dict[str, str]) -> str:
    return _MODEL.format(name=name, tag=tag,
                         body="".join(f"    {k}: {v}\n" for k, v in fields.items()))


def test_a_beta_apis_copy_of_a_stable_type_is_info(make_project) -> None:
    # An SDK's `types/beta/beta_tool_use_block.py` beside `types/tool_use_block.py`, and a
    # `BetaErrorObject` beside `shared/error_object.py`'s `ErrorObject`: the beta API's own.
    fields = {"id": "str", "name": "str", "input": "dict"}
    root = make_project({
        "sdk/__init__.py": "", "sdk/types/__init__.py": "", "sdk/types/beta/__init__.py": "",
        "sdk/types/tool_use_block.py": _model("ToolUseBlock", "tool_use", fields),
        "sdk/types/beta/beta_tool_use_block.py": _model("BetaToolUseBlock", "tool_use",
                                                        {**fields, "caller": "str"}),
        "sdk/types/shared/error_object.py": _model("ErrorObject", "api_error",
                                                   {"message": "str"}),
        "sdk/types/beta_error_object.py": _model("BetaErrorObject", "api_error",
                                                 {"message": "str"}),
        "sdk/use.py": "from sdk.types.tool_use_block import ToolUseBlock\n"
                      "from sdk.types.shared.error_object import ErrorObject\n",
    })
    got = {(f.path, f.severity, f.message.rpartition("shown, not counted: ")[2])
           for f in _schema_findings(root)}
    assert got == {
        ("sdk/types/beta/beta_tool_use_block.py", Severity.INFO,
         "sdk.types.beta.beta_tool_use_block and sdk.types.tool_use_block belong to "
         "different versions of one API (sdk.types.beta is a version package): each "
         "version keeps its own classes"),
        ("sdk/types/beta_error_object.py", Severity.INFO,
         "`BetaErrorObject` is the beta API's own `ErrorObject`: each version of an API "
         "keeps its own types"),
    }


def test_what_a_caller_sends_and_what_comes_back_are_two_forms(make_project) -> None:
    # `TextBlockParam` (the TypedDict a caller passes) beside the `TextBlock` model the API
    # returns; a protocol's `request_types.py` part beside its `response_types.py` chunk.
    root = make_project({
        "sdk/__init__.py": "", "sdk/ui/__init__.py": "",
        "sdk/text_block.py": _model("TextBlock", "text_block", {"text": "str",
                                                                "citations": "list"}),
        "sdk/text_block_param.py": "import sdk.text_block\n" + _typed(
            "TextBlockParam", "text_block", {"text": "str", "cache_control": "dict"}),
        "sdk/ui/response_types.py": _model("SourceUrlChunk", "source-url", {
            "source_id": "str", "url": "str"}),
        "sdk/ui/request_types.py": _model("SourceUrlUIPart", "source-url", {
            "source_id": "str", "url": "str"}),
        "sdk/use.py": "from sdk.text_block import TextBlock\n"
                      "from sdk.ui.response_types import SourceUrlChunk\n",
    })
    got = {(f.path, f.severity, f.message.rpartition("shown, not counted: ")[2])
           for f in _schema_findings(root)}
    assert got == {
        ("sdk/text_block_param.py", Severity.INFO,
         "`TextBlockParam` and `TextBlock` are what a caller sends and what comes back, "
         "two forms of one object"),
        ("sdk/ui/request_types.py", Severity.INFO,
         "sdk.ui.request_types and sdk.ui.response_types hold the request and the "
         "response form of one object, each needed where it is used"),
    }


def test_a_tagged_wire_dict_and_the_librarys_untagged_object_are_two_forms(
        make_project) -> None:
    # A provider's `{"type": "video_url", "video_url": {...}}` part, next to the library's
    # own `VideoUrl` dataclass that the provider module imports and converts.
    root = make_project({
        "sdk/__init__.py": "", "sdk/models/__init__.py": "",
        "sdk/messages.py": "from dataclasses import dataclass\n@dataclass\n"
                           "class VideoUrl:\n    url: str\n    media_type: str = ''\n",
        "sdk/models/router.py": "from sdk.messages import VideoUrl\n" + _typed(
            "VideoUrlPart", "video_url", {"video_url": "dict"}),
        "sdk/use.py": "from sdk.messages import VideoUrl\n",
    })
    [f] = _schema_findings(root)
    assert (f.path, f.severity, f.confidence_reasons[-1]) == (
        "sdk/models/router.py", Severity.INFO, "two forms of one object")
    assert f.message.endswith(
        "shown, not counted: TypedDict `VideoUrlPart` is the tagged message on the wire and "
        "dataclass `VideoUrl` the untagged object it is converted to or from, two forms of "
        "one message")


def test_a_payload_that_fits_the_sent_form_is_not_judged_by_the_returned_one(
        make_project) -> None:
    # The API returns `UserToolResultEvent` with its `id`; a caller sends the `...Params`
    # TypedDict without one.
    root = make_project({
        "sdk/__init__.py": "", "sdk/sessions/__init__.py": "",
        "sdk/user_tool_result_event.py": _model("UserToolResultEvent", "user.tool_result", {
            "id": "str", "tool_use_id": "str"}),
        "sdk/sessions/user_tool_result_event_params.py": _typed(
            "UserToolResultEventParams", "user.tool_result", {"tool_use_id": "str"}),
        "sdk/use.py": "from sdk.user_tool_result_event import UserToolResultEvent\n"
                      "from sdk.sessions.user_tool_result_event_params import "
                      "UserToolResultEventParams\n"
                      "def reply(session, use_id):\n"
                      "    session.send({'type': 'user.tool_result', 'tool_use_id': use_id})\n"
                      "def broken(session):\n"
                      "    session.send({'type': 'user.tool_result', 'tool_use_id': 'a', "
                      "'content': 'x'})\n",
    })
    payloads = [(f.line, f.message) for f in _schema_findings(root) if f.path == "sdk/use.py"]
    assert payloads == [(6, (
        "payload in broken for event `user.tool_result` drifts from the schema TypedDict "
        "`UserToolResultEventParams` (suggested canonical: sdk.user_tool_result_event, "
        "imported by 1 module, as many as the copy in "
        "sdk.sessions.user_tool_result_event_params): has `content` which the schema "
        "lacks"))]


def test_a_test_doubles_reply_missing_fields_is_info(make_project) -> None:
    # `httpx.Response(200, json={"id": ..., "type": "user_profile"})` in a fake server: the
    # reply carries what the test reads; the same dict sent by the test is still a warning.
    test = ("import httpx\n"
            "def respond(request):\n"
            "    return httpx.Response(200, json={'type': 'tool_executing', 'run_id': 'r'})\n"
            "def test_x(ws):\n"
            "    ws.send_json({'type': 'tool_executing', 'run_id': 'r'})\n")
    found = {f.line: (f.severity, f.message.endswith(
        "shown, not counted: a test double's canned reply, which carries only what the "
        "test reads")) for f in event_findings(project(make_project, {"tests/test_x.py": test}))
        if f.path == "tests/test_x.py"}
    assert found == {3: (Severity.INFO, True), 5: (Severity.WARNING, False)}
    # llama-stack: a fake stream defined inside a test yields minimal events for the code
    # under test; the same dict yielded by a test-module helper is still a warning.
    streams = ("def test_sse(router):\n"
               "    async def _stream():\n"
               "        yield {'type': 'tool_executing', 'run_id': 'r'}\n"
               "    router.run(_stream())\n"
               "def helper():\n"
               "    yield {'type': 'tool_executing', 'run_id': 'r'}\n")
    found = {f.line: f.severity for f in event_findings(
        project(make_project, {"tests/test_x.py": streams})) if f.path == "tests/test_x.py"}
    assert found == {3: Severity.INFO, 6: Severity.WARNING}


def test_schemas_named_alike_sharing_one_field_are_two_objects(make_project) -> None:
    # sentry: the audit-log registry's `AuditLogEvent` dataclass (which events exist) and
    # the hybrid-cloud `AuditLogEvent` model (one logged entry) share only `event_id`.
    registry = ("from dataclasses import dataclass\n@dataclass\nclass AuditLogEvent:\n"
                "    event_id: int\n    name: str\n    api_name: str\n    template: str\n")
    entry = ("from pydantic import BaseModel\nclass AuditLogEvent(BaseModel):\n"
             "    event_id: int\n    organization_id: int\n    actor_user_id: int\n"
             "    data: dict\n")
    files = {"app/__init__.py": "", "app/audit/manager.py": registry,
             "app/services/log.py": entry,
             "app/use.py": "from app.services.log import AuditLogEvent\n",
             "app/audit/events.py": "from app.services import log\n"}
    assert _schema_findings(make_project(files)) == []
    # Two fields against four, none shared, one kind: two objects too (strands' two
    # `ContentBlockDelta` TypedDicts, the event and its body).
    files["app/audit/manager.py"] = ("from pydantic import BaseModel\n"
                                     "class AuditLogEvent(BaseModel):\n"
                                     "    index: int\n    delta: dict\n")
    assert _schema_findings(make_project(files)) == []
    # Two shared fields: one event's schema, drifted.
    files["app/audit/manager.py"] = entry.replace("actor_user_id", "name")
    [f] = _schema_findings(make_project(files))
    assert (f.path, f.severity) == ("app/audit/manager.py", Severity.ERROR)
    # Unless one is a dataclass and the other a pydantic model: the object in memory and
    # the message validated where it crosses an API (mlflow's two `ToolCall`s).
    files["app/audit/manager.py"] = registry.replace("api_name", "organization_id")
    [f] = _schema_findings(make_project(files))
    assert (f.severity, f.confidence_reasons[-1]) == (Severity.INFO, "two forms of one object")


def test_a_payload_sharing_little_with_the_schema_is_another_object(make_project) -> None:
    # sentry's test replay body, sent inside the Kafka message whose TypedDict shares only
    # its tag and `replay_id` with it.
    schema = ("from typing import List, Literal, TypedDict\n"
              "class ReplayActionsEvent(TypedDict):\n    payload: List[bytes]\n"
              "    project_id: int\n    replay_id: str\n    retention_days: int\n"
              "    type: Literal['replay_event']\n")
    body = ", ".join(f"'{k}': {i}" for i, k in enumerate(
        ("replay_id", "urls", "tags", "segment_id", "error_ids", "trace_ids")))
    files = {"app/__init__.py": "", "app/ingest.py": schema,
             "app/tasks.py": "import json\nimport app.ingest\n"
                             f"def body():\n    return json.dumps({{'type': 'replay_event', {body}}})\n"}
    assert _schema_findings(make_project(files)) == []
    # Half the schema's fields shared: a payload of the event, drifted.
    files["app/tasks.py"] = files["app/tasks.py"].replace("'urls'", "'project_id'").replace(
        "'tags'", "'payload'")
    [f] = _schema_findings(make_project(files))
    assert f.path == "app/tasks.py" and "lacks required `retention_days`" in f.message


def test_same_named_events_tagged_through_two_enums_are_two_events(make_project) -> None:
    # agno: `run/team.py`'s `RunStartedEvent` sets `event = TeamRunEvent.run_started.value`
    # ("TeamRunStarted"), `run/agent.py`'s sets `RunEvent.run_started.value` ("RunStarted").
    def events(enum: str, owner: str) -> str:
        return (f"from dataclasses import dataclass\nfrom enum import Enum\n"
                f"class {enum}(str, Enum):\n    run_started = '{enum}Started'\n"
                f"@dataclass\nclass RunStartedEvent:\n"
                f"    event: str = {enum}.run_started.value\n"
                f"    {owner}_id: str = ''\n    run_id: str = ''\n    model: str = ''\n")
    files = {"app/__init__.py": "", "app/run/__init__.py": "",
             "app/run/agent.py": events("RunEvent", "agent"),
             "app/run/team.py": "import app.run.agent\n" + events("TeamRunEvent", "team"),
             "app/use.py": "from app.run.agent import RunStartedEvent\n"}
    assert _schema_findings(make_project(files)) == []
    # The same tag value on both: one event, defined twice.
    files["app/run/team.py"] = files["app/run/team.py"].replace(
        "TeamRunEvent.run_started.value", "'RunStarted'")
    files["app/run/agent.py"] = files["app/run/agent.py"].replace(
        "RunEvent.run_started.value", "'RunStarted'")
    [f] = _schema_findings(make_project(files))
    assert f.path == "app/run/team.py"


def test_a_dict_in_a_module_named_for_a_library_the_project_uses_is_its_format(
        make_project) -> None:
    # livekit: `llm/_provider_format/openai.py` builds the OpenAI Responses API's
    # `function_call_output` item from livekit's own `FunctionCallOutput` model.
    model = ("from typing import Literal\nfrom pydantic import BaseModel\n"
             "class FunctionCallOutput(BaseModel):\n"
             "    type: Literal['function_call_output'] = 'function_call_output'\n"
             "    call_id: str\n    output: str\n    is_error: bool\n    name: str = ''\n")
    convert = ("from app.chat import FunctionCallOutput\n"
               "def to_item(msg: FunctionCallOutput):\n"
               "    return {'type': 'function_call_output', 'call_id': msg.call_id,\n"
               "            'output': msg.output}\n")
    files = {"app/__init__.py": "", "app/chat.py": model,
             "app/realtime.py": "import openai\n", "app/formats/openai.py": convert}
    [f] = [f for f in run_on(make_project(files)).findings if f.rule == "SSOT102"]
    assert f.severity is Severity.INFO
    assert f.confidence_reasons[-1] == "another library's wire format"
    assert "app.formats.openai is named for `openai`, a library the project uses" in f.message
    # The same dict in a module named for nothing the project imports: it forgot a field.
    root = make_project({})
    (root / "app/formats/openai.py").rename(root / "app/formats/convert.py")
    [f] = [f for f in run_on(root).findings if f.rule == "SSOT102"]
    assert f.severity is Severity.WARNING and "lacks required `is_error`" in f.message
    # Nor is a standard module's name a library's API (an `email.py` sends the project's).
    (root / "app/formats/convert.py").rename(root / "app/formats/email.py")
    (root / "app/realtime.py").write_text("import email\n")
    [f] = [f for f in run_on(root).findings if f.rule == "SSOT102"]
    assert f.severity is Severity.WARNING


def test_a_payload_that_fits_the_dataclass_form_is_not_judged_by_the_model(
        make_project) -> None:
    # openai-agents: `realtime/model_events.py` imports from `realtime/items.py`, so the
    # pydantic `RealtimeToolCallItem` there is the canonical schema of `function_call`; the
    # dataclass beside it is the same message in memory, and a dict written to it is no
    # drift from the model.
    root = make_project({
        "rt/__init__.py": "",
        "rt/items.py": "class Base: ...\n" + _model("ToolCallItem", "function_call", {
            "item_id": "str", "call_id": "str", "arguments": "str", "status": "str"}),
        "rt/model_events.py": _dataclass("ModelToolCallEvent", "function_call",
                                         ["id", "call_id", "arguments"],
                                         "from rt.items import Base\n"),
        "rt/use.py": "from rt.model_events import ModelToolCallEvent\n"
                     "def emit(ws, n):\n"
                     "    ws.send({'type': 'function_call', 'id': n, 'call_id': n, "
                     "'arguments': '{}'})\n"
                     "def broken(ws, n):\n"
                     "    ws.send({'type': 'function_call', 'id': n, 'call_id': n, "
                     "'arguments': '{}', 'name': n})\n",
    })
    found = [f for f in _schema_findings(root) if f.path == "rt/use.py"]
    assert [(f.line, f.severity) for f in found] == [(5, Severity.WARNING)]
    assert found[0].message.startswith(
        "payload in broken for event `function_call` drifts from the schema dataclass "
        "`ModelToolCallEvent` (suggested canonical: rt.items, rt.model_events imports from "
        "it: the upstream copy): has `name` which the schema lacks")


def test_messages_spell_the_tag_as_the_code_writes_it(make_project) -> None:
    # The concept is keyed `agent_started` (so `AgentStarted` and `agent-started` meet),
    # but a person greps for what the code says.
    root = make_project({
        "app/__init__.py": "",
        "app/events.py": _typed("AgentStarted", "agent.started", {"run_id": "str",
                                                                 "agent": "str"}),
        "app/legacy.py": "import app.events\n" + _typed("AgentStarted", "agent.started", {
            "run_id": "str", "name": "str"}),
        "app/use.py": "from app.events import AgentStarted\n"
                      "def go(ws):\n    ws.send({'type': 'agent.started', 'run_id': 'r'})\n",
    })
    found = {f.path: f.message for f in _schema_findings(root)}
    assert found["app/legacy.py"].startswith("event `agent.started` has 2 class schemas")
    assert found["app/use.py"].startswith("payload in go for event `agent.started` drifts")
    assert [c.name for c in run_on(root).concepts] == ["agent_started"]


def test_a_field_typed_otherwise_is_drift_and_spellings_of_one_type_are_not(
        make_project) -> None:
    # litellm: two `ResponsesAPIRequest` schemas of one event with the same field names,
    # `input: Optional[str]` in one and `input: dict` in the other; "the same fields"
    # hid it.
    def files(here: str, there: str) -> dict[str, str]:
        return {"app/__init__.py": "",
                "app/types.py": _typed("ResponseRequest", "response.create", {
                    "model": "str", "input": here, "tools": "List['Tool']"}),
                "app/proxy.py": "import app.types\n" + _typed(
                    "ResponseRequest", "response.create", {
                        "model": "str", "input": there, "tools": "list[Tool]"}),
                "app/use.py": "from app.types import ResponseRequest\n"}
    [f] = _schema_findings(make_project(files("Optional[str]", "dict")))
    assert (f.path, f.severity) == ("app/proxy.py", Severity.ERROR)
    assert f.message.endswith("this TypedDict `ResponseRequest` drifts from "
                              "app.types.ResponseRequest: types `input` as `dict`, "
                              "`str | None` in app.types.ResponseRequest")
    # `typing` and builtin spellings, a union either way round, quotes, `NotRequired`:
    # one type each, so the same fields.
    [f] = _schema_findings(make_project(files("Optional[str]", "'None | str'")))
    assert f.severity == Severity.WARNING and "has the same fields as" in f.message
    # A field either side types loosely is not compared.
    [f] = _schema_findings(make_project(files("Any", "dict")))
    assert f.severity == Severity.WARNING
