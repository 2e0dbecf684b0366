"""The websocket manager: one connection registry for the whole platform."""

from typing import Any


class WebSocketManager:
    def __init__(self) -> None:
        self.connections: dict[str, list[Any]] = {}

    def connect(self, user_id: str, socket: Any) -> None:
        self.connections.setdefault(user_id, []).append(socket)

    def disconnect(self, user_id: str, socket: Any) -> None:
        self.connections.get(user_id, []).remove(socket)

    def send_to_user(self, user_id: str, message: dict[str, Any]) -> None:
        for socket in self.connections.get(user_id, []):
            socket.send(message)

    def broadcast(self, message: dict[str, Any]) -> None:
        for user_id in self.connections:
            self.send_to_user(user_id, message)
