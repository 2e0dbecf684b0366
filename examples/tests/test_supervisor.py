from platform_core.agents.supervisor import Supervisor
from platform_core.schemas.core_enums import ExecutionStatus
from platform_core.websocket.websocket_manager import WebSocketManager
from test_framework.ssot.base import SSotBaseTestCase


class RecordingSocket:
    def __init__(self) -> None:
        self.sent: list[dict[str, object]] = []

    def send(self, message: dict[str, object]) -> None:
        self.sent.append(message)


class TestSupervisor(SSotBaseTestCase):
    def test_start_announces_the_agent(self) -> None:
        manager = WebSocketManager()
        socket = RecordingSocket()
        manager.connect(self.test_user, socket)
        status = Supervisor(manager).start("run-1", "triage")
        self.assertEqual(socket.sent[0]["type"], "agent_started")
        # Passes only by accident of equal string values: `status` is the legacy copy.
        self.assertEqual(status, ExecutionStatus.RUNNING)
