"""Executes tools on behalf of agents."""

from typing import Any

from platform_core import ExecutionStatus  # planted SSOT202: re-exported by platform_core
from platform_core.websocket.websocket_manager import WebSocketManager


class ToolDispatcher:
    def __init__(self, manager: WebSocketManager) -> None:
        self.manager = manager

    def execute(self, run_id: str, tool_name: str, arguments: dict[str, Any]) -> ExecutionStatus:
        # `tool` instead of `tool_name`, and no `arguments`.
        payload = {"type": "tool_executing", "run_id": run_id, "tool": tool_name}  # planted SSOT102
        self.manager.broadcast(payload)
        return ExecutionStatus.COMPLETED
