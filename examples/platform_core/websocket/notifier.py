"""Pushes run notifications to connected clients."""

from platform_core.websocket.manager import WebSocketManager  # planted SSOT201 (fixable)


def notify_all(manager: WebSocketManager, text: str) -> None:
    manager.broadcast({"kind": "notice", "text": text})
