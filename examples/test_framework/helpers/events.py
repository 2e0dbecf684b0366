"""Event builders for tests.

Written before platform_core.schemas.events existed and never updated: AgentStarted
has no timestamp here and ToolExecuting no arguments.
"""

from dataclasses import asdict, dataclass


@dataclass
class AgentStartedEvent:  # planted SSOT102: second schema of agent_started, without `timestamp`
    type: str = "agent_started"
    run_id: str = "run-1"
    agent_name: str = "triage"


@dataclass
class ToolExecutingEvent:  # planted SSOT102: second schema of tool_executing, without `arguments`
    type: str = "tool_executing"
    run_id: str = "run-1"
    tool_name: str = "search"


def as_payload(event: AgentStartedEvent | ToolExecutingEvent) -> dict[str, object]:
    return asdict(event)
