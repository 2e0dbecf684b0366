"""Import shim for plugins that still run against old platform versions."""

try:
    from platform_core.websocket.manager import WebSocketManager  # planted SSOT201 (shim: info, never rewritten)
except ImportError:
    from platform_core.websocket.websocket_manager import WebSocketManager

__all__ = ["WebSocketManager"]
