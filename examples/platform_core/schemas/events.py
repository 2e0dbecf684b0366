"""Canonical schemas of the events the platform sends to websocket clients."""

from typing import Any, Literal, TypedDict


class AgentStarted(TypedDict):
    type: Literal["agent_started"]
    run_id: str
    agent_name: str
    timestamp: float


class ToolExecuting(TypedDict):
    type: Literal["tool_executing"]
    run_id: str
    tool_name: str
    arguments: dict[str, Any]
