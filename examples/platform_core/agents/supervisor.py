"""Runs agents and tells websocket clients what they are doing."""

import time

from platform_core.agents.execution_context import ExecutionStatus  # planted SSOT201 (fixable)
from platform_core.agents.tool_dispatcher import ToolDispatcher
from platform_core.websocket.websocket_manager import WebSocketManager


class Supervisor:
    def __init__(self, manager: WebSocketManager) -> None:
        self.manager = manager
        self.dispatcher = ToolDispatcher(manager)

    def start(self, run_id: str, agent_name: str) -> ExecutionStatus:
        # The hand-built payload says `agent` where the schema says `agent_name`.
        self.manager.broadcast({  # planted SSOT102: payload drifts from AgentStarted
            "type": "agent_started",
            "run_id": run_id,
            "agent": agent_name,
            "timestamp": time.time(),
        })
        return ExecutionStatus.RUNNING
