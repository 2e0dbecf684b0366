"""The duplicates fixture monorepo (tests/fixtures/duplicates) gives exactly the planted
SSOT101-103 findings and register entries: every planted case, and no decoy.

Planted shapes (issue 14): chained scales (three enums on one LOW..CRITICAL scale, no
renamed copy), a 13-way spread (`AlertSeverity`), a homonym (`PaymentStatus`), envelope
payloads, unsent dict rows, a test-defined schema, a drifted copy (`Router`), a
deprecated stub (`EngineFactory`), a test re-implementation (`Router` in tests), a
cross-service copy (`TokenSigner`), and a plugin convention (`ConfigFlow` in 11 plugins).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from ssotcheck.model import Severity
from ssotcheck.pipeline import RunResult
from tests.conftest import FIXTURES, run_on

ROOT = FIXTURES / "duplicates"

# (rule, path, line, severity, parts the message must contain)
EXPECTED = [
    ("SSOT101", "mypkg/agents/execution_context.py", 5, Severity.ERROR, [
        "enum `ExecutionStatus` is defined in 3 modules (canonical: mypkg.schemas.core_enums, "
        "declared in [tool.ssotcheck.canonical])",
        "this copy lacks FAILED and has RETRYING which mypkg.schemas.core_enums lacks",
        "member COMPLETED = 'done' here but 'completed' in mypkg.schemas.core_enums",
    ]),
    ("SSOT101", "mypkg/agents/lifecycle.py", 5, Severity.ERROR, [
        "enum `AgentLifecycle` is a renamed copy of enum `AgentState`",
        "suggested canonical: mypkg.core.states, imported by 2 modules",
        "identical to the copy in mypkg.core.states",
    ]),
    ("SSOT101", "mypkg/tools/runner.py", 7, Severity.ERROR, [
        "enum `ExecutionStatus` is defined in 3 modules",
        "this copy has CANCELLED which mypkg.schemas.core_enums lacks",
        "its values are numbers here but strings in mypkg.schemas.core_enums",
    ]),
    ("SSOT103", "mypkg/websocket/manager.py", 4, Severity.WARNING, [
        "class `WebSocketManager` is defined in 2 modules (suggested canonical: "
        "mypkg.websocket.websocket_manager, imported by 2 modules",
        "shares 4 of 6 members (67%)",
        "it lacks close; it has legacy_send",
    ]),
    ("SSOT102", "test_framework/events.py", 6, Severity.WARNING, [
        "event `agent_started` has 2 class schemas (suggested canonical: mypkg.events",
        "it is the production copy",
        "this dataclass `AgentStartedEvent` has the same fields as mypkg.events.AgentStarted",
    ]),
    ("SSOT102", "test_framework/events.py", 16, Severity.ERROR, [
        "event `tool_executing` has 2 class schemas",
        "this dataclass `ToolExecutingEvent` drifts from mypkg.events.ToolExecuting: lacks "
        "`args` and `tool_name`; has `tool` which mypkg.events.ToolExecuting lacks",
    ]),
    ("SSOT102", "tests/agent_events_checks.py", 6, Severity.WARNING, [
        "payload in test_agent_started_payload for event `agent_started` drifts from the "
        "schema TypedDict `AgentStarted`",
        "lacks required `agent_name` and `timestamp`; has `agent` which the schema lacks",
    ]),
    ("SSOT102", "tests/agent_events_checks.py", 12, Severity.WARNING, [
        "payload in test_tool_executing_payload for event `tool_executing`",
        "lacks required `tool_name`; has `tool` which the schema lacks",
    ]),
    # In tests a key the receiver ignores is info; a missing required field is a warning.
    ("SSOT102", "tests/agent_events_checks.py", 16, Severity.INFO, [
        "payload in test_tool_executing_payload for event `tool_executing` drifts from the "
        "schema TypedDict `ToolExecuting`", "has `extra` which the schema lacks",
    ]),
    ("SSOT101", "mypkg/ledger/status.py", 7, Severity.WARNING, [
        "two different enums share the name `PaymentStatus`: this one (members DISPUTED, "
        "OPEN and SETTLED) and the one in mypkg.payments.status (members AUTHORIZED, "
        "CAPTURED and REFUNDED) have no member in common",
    ]),
    ("SSOT102", "mypkg/chat/send.py", 9, Severity.WARNING, [
        "the `payload` body of the message in broken for event `agent_message` drifts from "
        "the schema TypedDict `AgentMessage`", "lacks required `content`; has `text` which "
        "the schema lacks",
    ]),
    ("SSOT102", "mypkg/jobs/queue.py", 5, Severity.WARNING, [
        "payload in enqueue_fast for event `job_queued` drifts from the schema pydantic model "
        "`JobQueued`", "lacks required `job_id`",
    ]),
    # The test-defined schema judges only the test payload, and only test code defines it.
    ("SSOT102", "tests/message_rows_checks.py", 9, Severity.INFO, [
        "payload in test_billing for event `invoice_paid` drifts from the schema dataclass "
        "`InvoicePaidEvent` (suggested canonical: test_framework.billing",
        "has `currency` which the schema lacks",
    ]),
    ("SSOT103", "mypkg/legacy/router.py", 4, Severity.WARNING, [
        "class `Router` is defined in 3 modules (suggested canonical: mypkg.routing.router, "
        "imported by 1 module, the most of any copy; it is the production copy)", "this copy has drifted: this copy shares 3 of 14 members "
        "(21%) with mypkg.routing.router",
    ]),
    ("SSOT103", "tests/router_checks.py", 5, Severity.WARNING, [
        "this test class re-implements the production class in mypkg.routing.router "
        "instead of importing or subclassing it; this copy shares 2 of 11 members",
    ]),
    ("SSOT103", "mypkg/compat/engines.py", 1, Severity.INFO, [
        "class `EngineFactory` is defined in 2 modules", "this copy is marked deprecated: a "
        "stub of `EngineFactory`, remove it when nothing imports it",
    ]),
    ("SSOT103", "services/billing/tokens.py", 4, Severity.INFO, [
        "this copy is the own copy of service services/billing, which shares no code with "
        "service services/auth; this copy has the same 4 members as the one in "
        "services.auth.tokens",
    ]),
] + [
    ("SSOT101", f"mypkg/monitors/m{i:02d}.py", 5, Severity.ERROR, [
        "enum `AlertSeverity` is defined in 13 modules (suggested canonical: "
        "mypkg.monitors.m01, imported by 1 module, the most of any copy); related: 10 shown "
        "and 2 more in the split-concept register",
        "identical to the copy in mypkg.monitors.m01" if i <= 7 else
        "this copy lacks MEDIUM and has NORMAL which mypkg.monitors.m01 lacks",
    ]) for i in range(2, 14)
]

# concept -> (kind, canonical module, [(path, line, home message)])
REGISTER = {
    "ExecutionStatus": ("enum", "mypkg.schemas.core_enums", [
        ("mypkg/agents/execution_context.py", 5, ""),
        ("mypkg/schemas/core_enums.py", 5, "canonical"),
        ("mypkg/tools/runner.py", 7, ""),
    ]),
    "AgentState": ("enum", "mypkg.core.states", [
        ("mypkg/agents/lifecycle.py", 5, ""),
        ("mypkg/core/states.py", 5, "canonical"),
    ]),
    "agent_started": ("event", "mypkg.events", [
        ("mypkg/events.py", 7, "canonical"),
        ("test_framework/events.py", 6, ""),
        ("tests/agent_events_checks.py", 6, "payload"),
    ]),
    "tool_executing": ("event", "mypkg.events", [
        ("mypkg/events.py", 14, "canonical"),
        ("test_framework/events.py", 16, ""),
        ("tests/agent_events_checks.py", 12, "payload"),
        ("tests/agent_events_checks.py", 16, "payload"),
    ]),
    "WebSocketManager": ("class", "mypkg.websocket.websocket_manager", [
        ("mypkg/websocket/manager.py", 4, ""),
        ("mypkg/websocket/websocket_manager.py", 4, "canonical"),
    ]),
    "AlertSeverity": ("enum", "mypkg.monitors.m01", [
        (f"mypkg/monitors/m{i:02d}.py", 5, "canonical" if i == 1 else "") for i in range(1, 14)
    ]),
    "agent_message": ("event", "mypkg.chat.events", [
        ("mypkg/chat/events.py", 5, "canonical"),
        ("mypkg/chat/send.py", 9, "payload"),
    ]),
    "job_queued": ("event", "mypkg.jobs.events", [
        ("mypkg/jobs/events.py", 7, "canonical"),
        ("mypkg/jobs/queue.py", 5, "payload"),
    ]),
    "invoice_paid": ("event", "test_framework.billing", [
        ("test_framework/billing.py", 6, "canonical"),
        ("tests/message_rows_checks.py", 9, "payload"),
    ]),
    "Router": ("class", "mypkg.routing.router", [
        ("mypkg/legacy/router.py", 4, ""),
        ("mypkg/routing/router.py", 4, "canonical"),
        ("tests/router_checks.py", 5, ""),
    ]),
    "EngineFactory": ("class", "mypkg.engines.factory", [
        ("mypkg/compat/engines.py", 1, ""),
        ("mypkg/engines/factory.py", 4, "canonical"),
    ]),
    "TokenSigner": ("class", "services.auth.tokens", [
        ("services/auth/tokens.py", 4, "canonical"),
        ("services/billing/tokens.py", 4, ""),
    ]),
}


@pytest.fixture(scope="module")
def result() -> RunResult:
    return run_on(ROOT)


def test_exactly_the_planted_findings(result: RunResult) -> None:
    got = sorted((f.rule, f.path, f.line, f.severity) for f in result.findings)
    assert got == sorted((rule, path, line, sev) for rule, path, line, sev, _ in EXPECTED)


@pytest.mark.parametrize("rule, path, line, severity, parts", EXPECTED,
                         ids=[f"{e[0]}-{e[1]}:{e[2]}" for e in EXPECTED])
def test_each_planted_message_explains_itself(result: RunResult, rule: str, path: str,
                                              line: int, severity: Severity,
                                              parts: list[str]) -> None:
    [f] = [f for f in result.findings if (f.rule, f.path, f.line) == (rule, path, line)]
    for part in parts:
        assert part in f.message
    assert f.related, "every duplicate points at the other definitions"
    # A homonym is two concepts that share a name: it has no register entry of its own.
    assert f.concept in REGISTER or "two different enums share the name" in f.message
    # keys carry no line numbers
    assert f.key and not re.search(rf"(?<![0-9a-z]){line}(?![0-9])", f.key.split("#")[0])


def test_register_lists_every_split_concept_with_its_homes(result: RunResult) -> None:
    got = {c.name: (c.kind, c.canonical, [(h.path, h.line, h.message) for h in c.homes])
           for c in result.concepts}
    assert got == REGISTER
    spreads = [c.spread for c in result.concepts]
    assert spreads == sorted(spreads, reverse=True)  # most spread first


def test_no_decoy_is_reported(result: RunResult) -> None:
    decoy_paths = {"mypkg/ui/theme.py", "mypkg/io/files.py", "mypkg/core/base_enum.py",
                   "test_framework/config.py", "tests/config_checks.py"}
    flagged = {f.path for f in result.findings}
    assert not flagged & decoy_paths
    assert not any(p.startswith("mypkg/settings/") for p in flagged)
    assert {c.name for c in result.concepts}.isdisjoint({"Mode", "Config", "BaseStrEnum"})
    # Chained scales are no renamed copies; a homonym is no part of a concept; unsent rows
    # and a model named like a row's `type` are no events; a plugin convention is no copy;
    # the production payload of a test-only schema is not judged by it.
    quiet = {"ErrorSeverity", "ServiceTier", "MessagePriority", "PaymentStatus", "auth_error",
             "tool_result", "ConfigFlow", "BaseFlow"}
    assert {c.name for c in result.concepts}.isdisjoint(quiet)
    assert not {f.concept for f in result.findings} & (quiet - {"PaymentStatus"})
    assert not flagged & {"mypkg/alerts/severity.py", "mypkg/billing/tiers.py",
                          "mypkg/messaging/priority.py", "mypkg/billing/notify.py",
                          "mypkg/auth/login.py", "tests/message_rows_checks.py:3"}
    assert not any(p.startswith("mypkg/integrations/") for p in flagged)


def test_related_lists_are_capped_and_confidence_is_given(result: RunResult) -> None:
    spread = [f for f in result.findings if f.concept == "AlertSeverity"]
    assert len(spread) == 12 and all(len(f.related) == 10 for f in spread)
    assert all(f.related[0].path == "mypkg/monitors/m01.py" or
               any("(canonical)" in r.message for r in f.related) for f in spread)
    assert all(f.confidence in ("high", "medium", "low") and f.confidence_reasons
               for f in result.findings)
    by_path = {f.path: f for f in result.findings}
    homonym = by_path["mypkg/ledger/status.py"]
    assert homonym.confidence == "high"
    assert "one module imports the other's enum under an alias" in homonym.confidence_reasons
    assert by_path["services/billing/tokens.py"].confidence == "low"
    assert by_path["mypkg/compat/engines.py"].confidence_reasons == ("marked deprecated",)


def test_report_shows_the_register() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ssotcheck", "report", str(ROOT), "--no-cache", "--format",
         "json"], capture_output=True, text=True, timeout=120)
    doc = json.loads(proc.stdout)
    assert {c["name"]: c["spread"] for c in doc["concepts"]} == {
        name: len({p for p, _, _ in homes}) for name, (_, _, homes) in REGISTER.items()}
    by_path = {f["path"]: f for f in doc["findings"]}
    assert by_path["mypkg/ledger/status.py"]["confidence"]["level"] == "high"
    sarif = json.loads(subprocess.run(
        [sys.executable, "-m", "ssotcheck", "report", str(ROOT), "--no-cache", "--format",
         "sarif"], capture_output=True, text=True, timeout=120).stdout)
    props = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r["properties"]
             for r in sarif["runs"][0]["results"]}
    assert props["mypkg/ledger/status.py"]["confidence"] == "high"
    assert "no shared member" in props["mypkg/ledger/status.py"]["confidenceReasons"]
    text = subprocess.run(
        [sys.executable, "-m", "ssotcheck", "report", str(ROOT), "--no-cache"],
        capture_output=True, text=True, timeout=120).stdout
    assert "mypkg/schemas/core_enums.py:5 (canonical)" in text
    assert "WebSocketManager" in text
