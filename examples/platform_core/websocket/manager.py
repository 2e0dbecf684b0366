"""Legacy websocket manager, kept alive by old imports.

Superseded by platform_core.websocket.websocket_manager; the copy below no longer
knows about per-user delivery.
"""

from typing import Any


class WebSocketManager:  # planted SSOT103: duplicate of websocket_manager.WebSocketManager
    def __init__(self) -> None:
        self.connections: list[Any] = []

    def connect(self, socket: Any) -> None:
        self.connections.append(socket)

    def disconnect(self, socket: Any) -> None:
        self.connections.remove(socket)

    def broadcast(self, message: dict[str, Any]) -> None:
        for socket in self.connections:
            socket.send(message)
