"""The duplicates fixture monorepo (tests/fixtures/duplicates) gives exactly the planted
SSOT101-103 findings and register entries: every planted case, and no decoy."""

from __future__ import annotations

import json
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
    ]),
    "WebSocketManager": ("class", "mypkg.websocket.websocket_manager", [
        ("mypkg/websocket/manager.py", 4, ""),
        ("mypkg/websocket/websocket_manager.py", 4, "canonical"),
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
    assert f.concept in REGISTER
    assert f.key and str(line) not in f.key.split("#")[0]  # keys carry no line numbers


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


def test_report_shows_the_register() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ssotcheck", "report", str(ROOT), "--no-cache", "--format",
         "json"], capture_output=True, text=True, timeout=120)
    doc = json.loads(proc.stdout)
    assert {c["name"]: c["spread"] for c in doc["concepts"]} == {
        name: len({p for p, _, _ in homes}) for name, (_, _, homes) in REGISTER.items()}
    text = subprocess.run(
        [sys.executable, "-m", "ssotcheck", "report", str(ROOT), "--no-cache"],
        capture_output=True, text=True, timeout=120).stdout
    assert "mypkg/schemas/core_enums.py:5 (canonical)" in text
    assert "WebSocketManager" in text
