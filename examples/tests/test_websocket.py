import unittest

from platform_core.websocket.websocket_manager import WebSocketManager


class TestWebSocketManager(unittest.TestCase):  # planted SSOT301: bypasses SSotBaseTestCase
    def test_broadcast_reaches_every_user(self) -> None:
        manager = WebSocketManager()
        sent: list[object] = []

        class Socket:
            def send(self, message: object) -> None:
                sent.append(message)

        manager.connect("a", Socket())
        manager.connect("b", Socket())
        manager.broadcast({"type": "ping"})
        self.assertEqual(len(sent), 2)
