"""The fixed set of planted violations and decoys every generated monorepo contains.

Each template is ordinary Python source in which a trailing marker comment records what
ssotcheck must (or must not) report on that line:

    code  #@ SSOT201:import-plain          expected finding, grouped by (rule, key)
    code  #@ SSOT201:shim:info             ... with the expected severity
    code  #@ SSOT204:cycle-billing:anyline ... at any line of this file (cycle findings)
    code  #@ decoy:SSOT203:allowed-module  must NOT be flagged (documentation only)

Markers are stripped before the file is written, so the analysed code is realistic and the
line numbers in the manifest are computed from the very text that is written. Lines that
share a (rule, key) form one expected finding with several acceptable sites (for example a
multi-line import may be reported at the statement or at the name; a cycle at any module).

Choices that keep the expectations unambiguous whatever reasonable presentation a rule
picks (see benchmarks/README.md):
- every split enum / duplicate class is either named in `[tool.ssotcheck.canonical]` (the
  finding belongs at each non-canonical copy) or else every copy is an acceptable site;
- second event schemas are named differently from the canonical class (`...Payload`,
  `...Msg`) and carry the discriminator, so SSOT103 (same *name*) never sees them;
- duplicate-class plants are plain classes, never dataclasses, so SSOT102 never sees them.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

MARK_RE = re.compile(r"\s*#@ (?P<rule>[A-Za-z0-9]+):(?P<key>[A-Za-z0-9_.\-]+)(?::(?P<flag>\w+))?"
                     r"(?::(?P<flag2>\w+))?\s*$")

# Names used by planted code; filler never defines a class, enum or module with these names.
RESERVED_CLASS_NAMES = frozenset({
    "ExecutionStatus", "JobState", "TaskPhase", "Priority", "RetryPolicy", "BaseStrEnum", "Mode",
    "AgentContext", "AgentRegistry", "AgentRunner", "WebSocketManager", "ConnectionInfo",
    "AgentStarted", "ToolExecuting", "AgentCompleted", "UserCreated", "AgentStartedPayload",
    "ToolExecutingPayload", "AgentCompletedMsg", "UserSession", "RateLimiter", "Handler",
    "Config", "Meta", "Settings", "UserTable", "OrderTable", "PaymentGateway", "InvoiceBook",
    "SSotBaseTestCase", "SSotAsyncTestCase", "DatabaseTestCase", "AgentTestCase", "FixtureMixin",
    "LegacyHelperCase", "ExternalCase", "Heartbeat", "ExtractStep", "TransformStep", "LoadStep",
    "ScenarioBuilder", "AgentScenarioCase", "EnvSnapshot",
    # issue 14 shapes
    "ErrorSeverity", "ServiceTier", "MessagePriority", "DeliveryStatus", "RequestRouter",
    "EngineFactory", "PluginFlow", "BasePlugin", "TokenSigner", "AgentMessage",
    "InvoicePaidEvent", "JobQueued",
    "EmailChannel", "SmsChannel", "PushChannel", "SessionToken", "InvoiceTable", "Notifier",
})
RESERVED_MODULE_NAMES = frozenset({
    "manager", "legacy_store", "legacy_store_utils", "execution_context", "websocket_manager",
    "manager_utils", "core_enums", "schemas", "payloads", "messages", "session", "states",
    "base", "mixins", "agents", "db", "registry", "runner", "runner_compat", "handlers",
    "handlers_http", "invoices", "payments", "retry", "modes", "task_phase", "priorities",
    "ws_compat", "settings_reader", "throttle", "limits", "extract", "transform", "load",
    "handler", "config_loader", "tables", "blob", "latin1_dump", "isolated_environment",
    "enums", "conftest", "legacy_case", "helpers",
    # issue 14 shapes
    "scales", "tiers", "priority_levels", "delivery", "delivery_state", "request_router",
    "request_router_legacy", "engine_factory", "engine_compat", "plugin_flow", "plugin_loader",
    "tokens", "token_api", "messages_schema", "sender", "billing_events", "notify_paid",
    "job_events", "job_queue", "test_rows", "test_router_fake",
    "notify", "dispatch", "channels", "reporting", "factory", "manager_factory", "fast", "lazy",
    "digest", "outbox",
})

# Planted names filler modules may import (they raise fan-in like real hubs do) without
# changing any expectation: none is legacy, banned or part of a cycle.
SAFE_EXPORTS: dict[str, tuple[str, ...]] = {
    "sharedlib.isolated_environment": ("get_env",),
    "corepkg.schemas.core_enums": ("ExecutionStatus", "JobState", "Priority", "RetryPolicy"),
    "corepkg.events.schemas": ("AgentStarted", "ToolExecuting", "AgentCompleted"),
    "corepkg.websocket.websocket_manager": ("WebSocketManager", "get_manager"),
    "corepkg.auth.session": ("UserSession",),
    "datapkg.store.tables": ("UserTable", "OrderTable"),
}

# Which top-level layer a planted module belongs to (filler of that layer or above may use it).
SAFE_LAYER = {
    "sharedlib.isolated_environment": 0,
    "corepkg.schemas.core_enums": 1,
    "corepkg.events.schemas": 1,
    "corepkg.websocket.websocket_manager": 1,
    "corepkg.auth.session": 1,
    "datapkg.store.tables": 2,
}

EVENT_SCHEMAS: dict[str, tuple[str, tuple[str, ...]]] = {
    # event -> (discriminator, keys a conforming dict literal carries)
    "agent_started": ("type", ("type", "run_id", "agent_name", "started_at")),
    "tool_executing": ("type", ("type", "run_id", "tool_name", "arguments")),
    "agent_completed": ("type", ("type", "run_id", "result", "duration_ms")),
    "user_created": ("event_type", ("event_type", "user_id", "email")),
}

CONFIG_TOML = '''\
[project]
name = "synthetic-monorepo"
version = "0.0.0"

[tool.ssotcheck]
src = ["."]
services = ["services/auth_svc/**", "services/billing_svc/**"]

[tool.ssotcheck.areas]
tests = ["tests/**", "**/test_*.py", "**/conftest.py"]
test_framework = ["testkit/**"]
scripts = ["scripts/**"]
production = ["sharedlib/**", "corepkg/**", "datapkg/**", "svcpkg/**", "services/**"]

[tool.ssotcheck.canonical]
ExecutionStatus = "corepkg.schemas.core_enums"
Priority = "corepkg.schemas.core_enums"
RetryPolicy = "corepkg.schemas.core_enums"
WebSocketManager = "corepkg.websocket.websocket_manager"
UserSession = "corepkg.auth.session"
agent_started = "corepkg.events.schemas"

[tool.ssotcheck.legacy-imports]
"corepkg.agents.execution_context.ExecutionStatus" = "corepkg.schemas.core_enums.ExecutionStatus"
"corepkg.websocket.manager" = "corepkg.websocket.websocket_manager"
"datapkg.legacy_store" = "datapkg.store"

[tool.ssotcheck.events]
discriminators = ["type", "event_type"]

[tool.ssotcheck.tests]
base-classes = ["testkit.ssot.base.SSotBaseTestCase", "testkit.ssot.base.SSotAsyncTestCase"]

[tool.ssotcheck.banned-api."os.environ"]
use = "sharedlib.isolated_environment.get_env"
allow = ["sharedlib/isolated_environment.py"]

[tool.ssotcheck.banned-api."os.getenv"]
use = "sharedlib.isolated_environment.get_env"
allow = ["sharedlib/isolated_environment.py"]
'''

RULES = ("SSOT000", "SSOT101", "SSOT102", "SSOT103", "SSOT201", "SSOT202", "SSOT203", "SSOT204",
         "SSOT205", "SSOT301")
# SSOT202 is opt-in (design §3). By default the generated config leaves it off and it must
# report nothing; `generate.py --non-canonical` turns it on, and then the SSOT202 marks
# (imports through a re-exporting module) are expected findings.
NON_CANONICAL_TOML = """
[tool.ssotcheck.imports]
non-canonical = true
"""


def enabled(non_canonical: bool) -> dict[str, bool]:
    return {r: r != "SSOT202" or non_canonical for r in RULES}


def config_toml(non_canonical: bool) -> str:
    return CONFIG_TOML + (NON_CANONICAL_TOML if non_canonical else "")


@dataclass
class Mark:
    rule: str
    key: str
    path: str
    line: int | None
    severity: str | None = None
    decoy: bool = False


@dataclass
class Rendered:
    text: str
    marks: list[Mark] = field(default_factory=list)


def render(path: str, template: str) -> Rendered:
    """Dedent a template, strip its markers and record them with their final line numbers."""
    src = textwrap.dedent(template).lstrip("\n")
    out: list[str] = []
    marks: list[Mark] = []
    for lineno, line in enumerate(src.split("\n"), 1):
        m = MARK_RE.search(line)
        if m is not None:
            line = line[: m.start()].rstrip()
            flags = {m.group("flag"), m.group("flag2")} - {None}
            if m.group("rule") == "decoy":
                rule, _, key = m.group("key").partition(".")
                marks.append(Mark(rule, key or "decoy", path, lineno, decoy=True))
            else:
                sev = next((f for f in flags if f in ("info", "warning", "error")), None)
                marks.append(Mark(m.group("rule"), m.group("key"), path,
                                  None if "anyline" in flags else lineno, sev))
        out.append(line)
    return Rendered("\n".join(out), marks)


# Decoy markers use "decoy:RULE.note" so the rule stays parseable: `#@ decoy:SSOT203.allowed`.

TEMPLATES: dict[str, str] = {}

TEMPLATES["sharedlib/__init__.py"] = '''
"""Shared utilities used by every package."""
'''

TEMPLATES["sharedlib/isolated_environment.py"] = '''
"""The one module allowed to read the process environment (see [tool.ssotcheck.banned-api])."""

from __future__ import annotations

import os

_OVERRIDES: dict[str, str] = {}


def get_env(name: str, default: str | None = None) -> str | None:
    """Environment lookup that tests can override without touching os.environ."""
    if name in _OVERRIDES:
        return _OVERRIDES[name]
    return os.environ.get(name, default)  #@ decoy:SSOT203.allowed-module


def set_override(name: str, value: str) -> None:
    _OVERRIDES[name] = value


def snapshot() -> dict[str, str]:
    merged = dict(os.environ)  #@ decoy:SSOT203.allowed-module
    merged.update(_OVERRIDES)
    return merged
'''

TEMPLATES["sharedlib/throttle.py"] = '''
"""Token-bucket rate limiting shared by the ingest and API layers."""

from __future__ import annotations

import time


class RateLimiter:  #@ SSOT103:ratelimiter-pair
    """Allow `rate` operations per second with bursts up to `burst`."""

    rate: float
    burst: int

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)
        self._stamp = time.monotonic()

    def acquire(self) -> bool:
        self._refill()
        if self._tokens >= 1:
            self._tokens -= 1
            return True
        return False

    def release(self) -> None:
        self._tokens = min(self._tokens + 1, float(self.burst))

    def reset(self) -> None:
        self._tokens = float(self.burst)

    def remaining(self) -> float:
        self._refill()
        return self._tokens

    def _refill(self) -> None:
        now = time.monotonic()
        self._tokens = min(float(self.burst), self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now


class Config:  #@ decoy:SSOT103.small-same-name-class
    enabled = True
'''

TEMPLATES["corepkg/__init__.py"] = '''
"""Core domain: agents, schemas, events, websocket layer."""
'''

TEMPLATES["corepkg/common/__init__.py"] = '''
"""Small building blocks shared inside corepkg."""
'''

TEMPLATES["corepkg/common/enums.py"] = '''
"""Enum base classes."""

from __future__ import annotations

from enum import Enum


class BaseStrEnum(str, Enum):
    """A string enum whose str() is its value (members compare equal to their value)."""

    def __str__(self) -> str:
        return str(self.value)
'''

TEMPLATES["corepkg/schemas/__init__.py"] = '''
"""Canonical schemas, re-exported for convenience (SSOT202 asks callers to use the home)."""

from corepkg.schemas.core_enums import ExecutionStatus, JobState

__all__ = ["ExecutionStatus", "JobState"]
'''

TEMPLATES["corepkg/schemas/core_enums.py"] = '''
"""Canonical home of the enums shared across packages."""

from __future__ import annotations

from enum import Enum, IntEnum

from corepkg.common.enums import BaseStrEnum


class ExecutionStatus(str, Enum):  #@ decoy:SSOT101.canonical-copy-is-not-the-primary
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class JobState(Enum):  #@ SSOT101:renamed-jobstate
    QUEUED = "queued"
    STARTED = "started"
    DONE = "done"
    ERRORED = "errored"


class Priority(BaseStrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class RetryPolicy(IntEnum):
    NEVER = 0
    ONCE = 1
    LINEAR = 2
    EXPONENTIAL = 3


def is_terminal(status: ExecutionStatus) -> bool:
    return status in (ExecutionStatus.COMPLETED, ExecutionStatus.FAILED, ExecutionStatus.CANCELLED)
'''

TEMPLATES["corepkg/agents/__init__.py"] = '''
"""Agents and their execution."""
'''

TEMPLATES["corepkg/agents/execution_context.py"] = '''
"""Per-run agent context.

ExecutionStatus used to be defined here; its home is corepkg.schemas.core_enums now, but
this copy was never deleted (the bug that motivated ssotcheck).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class ExecutionStatus(Enum):  #@ SSOT101:executionstatus-context-copy
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "complete"
    FAILED = "failed"


@dataclass
class AgentContext:
    run_id: str
    agent_name: str
    status: ExecutionStatus = ExecutionStatus.PENDING
    tags: list[str] = field(default_factory=list)

    def mark_running(self) -> None:
        self.status = ExecutionStatus.RUNNING

    def mark_done(self) -> None:
        self.status = ExecutionStatus.COMPLETED
'''

TEMPLATES["corepkg/agents/registry.py"] = '''
"""Registry of agent runners."""

from __future__ import annotations

from corepkg.agents.runner import AgentRunner  #@ decoy:SSOT204.type-checking-only-cycle


class AgentRegistry:
    def __init__(self) -> None:
        self._runners: dict[str, AgentRunner] = {}

    def register(self, name: str, runner: AgentRunner) -> None:
        self._runners[name] = runner

    def get(self, name: str) -> AgentRunner | None:
        return self._runners.get(name)


class Config:  #@ decoy:SSOT103.small-same-name-class
    max_agents = 32
'''

TEMPLATES["corepkg/agents/runner.py"] = '''
"""Runs one agent and emits its lifecycle events."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from corepkg.schemas.core_enums import ExecutionStatus

if TYPE_CHECKING:
    from corepkg.agents.registry import AgentRegistry  #@ decoy:SSOT204.type-checking-only-cycle


class AgentRunner:
    def __init__(self, name: str) -> None:
        self.name = name
        self.status = ExecutionStatus.PENDING

    def start(self, run_id: str) -> dict:
        self.status = ExecutionStatus.RUNNING
        return {"type": "agent_started", "run_id": run_id, "agent_name": self.name, "started_at": time.time()}  #@ decoy:SSOT102.conforming-payload

    def siblings(self, registry: AgentRegistry) -> list[str]:
        from corepkg.agents import registry as registry_module  #@ decoy:SSOT204.function-level-cycle

        return [n for n in registry_module.__dict__ if registry.get(n) is not None]
'''

TEMPLATES["corepkg/agents/runner_compat.py"] = '''
"""Compatibility helpers kept for old callers."""

from __future__ import annotations

from .execution_context import ExecutionStatus  #@ SSOT201:relative-name
from .execution_context import AgentContext  #@ decoy:SSOT201.other-name-from-same-module
from ..websocket import manager as ws_manager  #@ SSOT201:relative-parent-module


def legacy_status(ctx: AgentContext) -> ExecutionStatus:
    ws_manager.notify(ctx.run_id)
    return ctx.status
'''

TEMPLATES["corepkg/websocket/__init__.py"] = '''
"""WebSocket layer. The old corepkg.websocket.manager module is gone."""  #@ decoy:SSOT201.docstring
'''

TEMPLATES["corepkg/websocket/websocket_manager.py"] = '''
"""Canonical websocket connection manager."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ConnectionInfo:
    user_id: str
    socket_id: str


class WebSocketManager:
    def __init__(self) -> None:
        self.connections: dict[str, ConnectionInfo] = {}

    def connect(self, user_id: str, socket_id: str) -> None:
        self.connections[socket_id] = ConnectionInfo(user_id, socket_id)

    def disconnect(self, socket_id: str) -> None:
        self.connections.pop(socket_id, None)

    def send_to_user(self, user_id: str, message: dict) -> int:
        return sum(1 for c in self.connections.values() if c.user_id == user_id)

    def broadcast(self, message: dict) -> int:
        return len(self.connections)

    def active_connections(self) -> int:
        return len(self.connections)


_MANAGER = WebSocketManager()


def get_manager() -> WebSocketManager:
    return _MANAGER
'''

TEMPLATES["corepkg/websocket/manager_utils.py"] = '''
"""Helpers whose module name merely starts like the legacy `manager` module."""

from __future__ import annotations


def socket_key(user_id: str, socket_id: str) -> str:
    return f"{user_id}:{socket_id}"


def parse_socket_key(key: str) -> tuple[str, str]:
    user_id, _, socket_id = key.partition(":")
    return user_id, socket_id
'''

TEMPLATES["corepkg/websocket/handlers.py"] = '''
"""Websocket message handlers."""

from __future__ import annotations

from . import manager  #@ SSOT201:relative-from-dot
from . import manager_utils  #@ decoy:SSOT201.prefix-without-dot-boundary
from .websocket_manager import WebSocketManager


def on_message(mgr: WebSocketManager, user_id: str, payload: dict) -> int:
    manager.touch(manager_utils.socket_key(user_id, "-"))
    return mgr.send_to_user(user_id, payload)
'''

TEMPLATES["corepkg/events/__init__.py"] = '''
"""Event schemas."""
'''

TEMPLATES["corepkg/events/schemas.py"] = '''
"""Canonical event schemas (the production definitions)."""

from __future__ import annotations

from typing import Literal, TypedDict

from pydantic import BaseModel


class AgentStarted(TypedDict):
    type: Literal["agent_started"]
    run_id: str
    agent_name: str
    started_at: float


class ToolExecuting(TypedDict):
    type: Literal["tool_executing"]
    run_id: str
    tool_name: str
    arguments: dict


class AgentCompleted(TypedDict):
    type: Literal["agent_completed"]
    run_id: str
    result: str
    duration_ms: int


class UserCreated(BaseModel):
    event_type: Literal["user_created"] = "user_created"
    user_id: str
    email: str
'''

TEMPLATES["corepkg/auth/__init__.py"] = '''
"""Authentication."""
'''

TEMPLATES["corepkg/auth/session.py"] = '''
"""User sessions (declared canonical in [tool.ssotcheck.canonical])."""

from __future__ import annotations

import time


class UserSession:
    def __init__(self, user_id: str, ttl: float = 3600.0) -> None:
        self.user_id = user_id
        self.expires_at = time.time() + ttl

    def is_expired(self) -> bool:
        return time.time() >= self.expires_at

    def refresh(self, ttl: float = 3600.0) -> None:
        self.expires_at = time.time() + ttl


class Config:  #@ decoy:SSOT103.small-same-name-class
    cookie_name = "sid"
'''

TEMPLATES["datapkg/__init__.py"] = '''
"""Data layer: storage, ETL, ingest."""
'''

TEMPLATES["datapkg/legacy/__init__.py"] = '''
"""Old data dumps kept for reference."""
'''

TEMPLATES["datapkg/store/__init__.py"] = '''
"""Storage (the new home of what datapkg.legacy_store held)."""  #@ decoy:SSOT201.docstring
'''

TEMPLATES["datapkg/store/tables.py"] = '''
"""Table definitions."""

from __future__ import annotations


class UserTable:
    name = "users"
    columns = ("id", "email", "created_at")

    def select(self, **where: object) -> str:
        cond = " AND ".join(f"{k} = :{k}" for k in sorted(where))
        return f"SELECT * FROM {self.name}" + (f" WHERE {cond}" if cond else "")


class OrderTable:
    name = "orders"
    columns = ("id", "user_id", "total")

    def select(self, **where: object) -> str:
        return f"SELECT * FROM {self.name}"
'''

TEMPLATES["datapkg/legacy_store_utils.py"] = '''
"""Utilities whose name starts like the legacy package but are not part of it."""

from __future__ import annotations


def chunked(rows: list, size: int) -> list[list]:
    return [rows[i:i + size] for i in range(0, len(rows), size)]


class Config:  #@ decoy:SSOT103.small-same-name-class
    chunk_size = 500
'''

TEMPLATES["datapkg/etl/__init__.py"] = '''
"""Extract-transform-load pipeline."""
'''

TEMPLATES["datapkg/etl/extract.py"] = '''
"""Extract step."""

from __future__ import annotations

from datapkg.etl.transform import TransformStep  #@ SSOT204:cycle-etl:anyline


class ExtractStep:
    def run(self, source: list[dict]) -> list[dict]:
        return TransformStep().run([dict(r) for r in source])
'''

TEMPLATES["datapkg/etl/transform.py"] = '''
"""Transform step."""

from __future__ import annotations

from datapkg.etl import load  #@ SSOT204:cycle-etl:anyline


class TransformStep:
    def run(self, rows: list[dict]) -> list[dict]:
        cleaned = [{k.lower(): v for k, v in r.items()} for r in rows]
        return load.LoadStep().run(cleaned)
'''

TEMPLATES["datapkg/etl/load.py"] = '''
"""Load step (it re-extracts on retry, which closes an import cycle)."""

from __future__ import annotations

import datapkg.etl.extract  #@ SSOT204:cycle-etl:anyline


class LoadStep:
    def run(self, rows: list[dict]) -> list[dict]:
        if not rows:
            return datapkg.etl.extract.ExtractStep().run([])
        return rows
'''

TEMPLATES["datapkg/etl/modes.py"] = '''
"""ETL modes: same enum name as billing's, entirely different members."""

from __future__ import annotations

from enum import Enum


class Mode(Enum):  #@ decoy:SSOT101.same-name-disjoint-members
    BATCH = "batch"
    STREAM = "stream"
'''

TEMPLATES["datapkg/etl/handler.py"] = '''
"""Row handler: same class name as the HTTP handler, nothing else in common."""

from __future__ import annotations


class Handler:  #@ decoy:SSOT103.same-name-dissimilar
    def on_row(self, row: dict) -> None:
        self.last = row

    def on_batch(self, rows: list[dict]) -> None:
        for r in rows:
            self.on_row(r)

    def flush(self) -> int:
        return 0
'''

TEMPLATES["datapkg/etl/config_loader.py"] = '''
"""Loads ETL settings. Never reads os.environ directly; use get_env."""  #@ decoy:SSOT203.docstring

from __future__ import annotations

from sharedlib.isolated_environment import get_env


class LoaderSettings:
    def __init__(self) -> None:
        self.environ: dict[str, str] = {}

    def value(self, key: str) -> str | None:
        return self.environ.get(key) or get_env(key)  #@ decoy:SSOT203.attribute-named-environ


def defaults() -> dict[str, str]:
    environ = {"ETL_BATCH": "500"}
    return dict(environ)  #@ decoy:SSOT203.local-variable-named-environ
'''

TEMPLATES["datapkg/ingest/__init__.py"] = '''
"""Ingest."""
'''

TEMPLATES["datapkg/ingest/limits.py"] = '''
"""Ingest limits: a copy of sharedlib.throttle.RateLimiter that drifted."""

from __future__ import annotations

import time


class RateLimiter:  #@ SSOT103:ratelimiter-pair
    rate: float
    burst: int
    window: float = 1.0

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._used = 0
        self._start = time.monotonic()

    def acquire(self) -> bool:
        if time.monotonic() - self._start > self.window:
            self.reset()
        self._used += 1
        return self._used <= self.burst

    def release(self) -> None:
        self._used = max(0, self._used - 1)

    def reset(self) -> None:
        self._used = 0
        self._start = time.monotonic()
'''

TEMPLATES["svcpkg/__init__.py"] = '''
"""Services: API, billing, workers, notifications."""
'''

TEMPLATES["svcpkg/billing/__init__.py"] = '''
"""Billing."""
'''

TEMPLATES["svcpkg/billing/invoices.py"] = '''
"""Invoices."""

from __future__ import annotations

from svcpkg.billing.payments import PaymentGateway  #@ SSOT204:cycle-billing:anyline


class InvoiceBook:
    def __init__(self) -> None:
        self.gateway = PaymentGateway()

    def settle(self, invoice_id: str) -> bool:
        return self.gateway.charge(invoice_id)
'''

TEMPLATES["svcpkg/billing/payments.py"] = '''
"""Payments."""

from __future__ import annotations

from svcpkg.billing import invoices  #@ SSOT204:cycle-billing:anyline


class PaymentGateway:
    def charge(self, invoice_id: str) -> bool:
        return bool(invoice_id)

    def refund_all(self) -> int:
        return len(invoices.InvoiceBook().__dict__)
'''

TEMPLATES["svcpkg/billing/retry.py"] = '''
"""Billing retries: a drifted copy of the canonical RetryPolicy."""

from __future__ import annotations

from enum import IntEnum


class RetryPolicy(IntEnum):  #@ SSOT101:retrypolicy-billing-copy
    NEVER = 0
    ONCE = 1
    EXPONENTIAL = 2
'''

TEMPLATES["svcpkg/billing/modes.py"] = '''
"""Payment modes."""

from __future__ import annotations

from enum import Enum


class Mode(Enum):  #@ decoy:SSOT101.same-name-disjoint-members
    CARD = "card"
    INVOICE = "invoice"
    WIRE = "wire"
'''

TEMPLATES["svcpkg/workers/__init__.py"] = '''
"""Background workers."""
'''

TEMPLATES["svcpkg/workers/task_phase.py"] = '''
"""Worker task phases: JobState under another name, identical members."""

from __future__ import annotations

from enum import Enum


class TaskPhase(Enum):  #@ SSOT101:renamed-jobstate
    QUEUED = "queued"
    STARTED = "started"
    DONE = "done"
    ERRORED = "errored"
'''

TEMPLATES["sharedlib/textutil/__init__.py"] = '''
"""Text helpers; the implementation is private to this package."""

from sharedlib.textutil._impl import slugify

__all__ = ["slugify"]
'''

TEMPLATES["sharedlib/textutil/_impl.py"] = '''
"""Private implementation of sharedlib.textutil."""

from __future__ import annotations


def slugify(text: str) -> str:
    return "-".join(text.lower().split())
'''

TEMPLATES["svcpkg/workers/status_view.py"] = '''
"""Status views (imports through re-exporting modules; SSOT202 when it is enabled)."""

from __future__ import annotations

from corepkg.schemas import ExecutionStatus  #@ SSOT202:through-package-reexport
from corepkg.schemas.core_enums import JobState  #@ decoy:SSOT202.defining-module
from sharedlib.textutil import slugify  #@ decoy:SSOT202.private-implementation-public-path


def describe(status: ExecutionStatus, state: JobState) -> str:
    return slugify(f"{status.value} {state.value}")
'''

TEMPLATES["svcpkg/workers/priorities.py"] = '''
"""Worker priorities: a copy of the canonical Priority through the project's own enum base."""

from __future__ import annotations

from corepkg.common.enums import BaseStrEnum


class Priority(BaseStrEnum):  #@ SSOT101:priority-workers-copy
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class Config:  #@ decoy:SSOT103.small-same-name-class
    default = "normal"
'''

TEMPLATES["svcpkg/notifications/__init__.py"] = '''
"""Notifications."""
'''

TEMPLATES["svcpkg/notifications/ws_compat.py"] = '''
"""A second websocket manager that grew next to the canonical one."""

from __future__ import annotations


class WebSocketManager:  #@ SSOT103:websocketmanager-copy
    def __init__(self) -> None:
        self.sockets: dict[str, str] = {}

    def connect(self, user_id: str, socket_id: str) -> None:
        self.sockets[socket_id] = user_id

    def disconnect(self, socket_id: str) -> None:
        self.sockets.pop(socket_id, None)

    def send_to_user(self, user_id: str, message: dict) -> int:
        return list(self.sockets.values()).count(user_id)

    def broadcast(self, message: dict) -> int:
        return len(self.sockets)

    def close(self) -> None:
        self.sockets.clear()
'''

TEMPLATES["svcpkg/notifications/settings_reader.py"] = '''
"""Reads notification settings straight from the environment (it should use get_env)."""

from __future__ import annotations

import os
import os as _os
from os import environ  #@ SSOT203:from-os-import-environ
from os import getenv as read_env  #@ SSOT203:from-os-import-getenv-alias

from sharedlib.isolated_environment import get_env

DATABASE_URL = os.environ["DATABASE_URL"]  #@ SSOT203:environ-subscript
REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost")  #@ SSOT203:environ-get
DEBUG = os.getenv("DEBUG")  #@ SSOT203:getenv-call
REGION = _os.environ.get("REGION")  #@ SSOT203:module-alias
HOME = environ["HOME"]  #@ SSOT203:from-os-import-environ
TOKEN = read_env("TOKEN")  #@ SSOT203:from-os-import-getenv-alias
SAFE = get_env("SAFE")
PATH_SEP = os.path.sep  #@ decoy:SSOT203.other-os-attribute


class Config:  #@ decoy:SSOT103.small-same-name-class
    channel = "email"
'''

TEMPLATES["svcpkg/api/__init__.py"] = '''
"""HTTP API."""
'''

TEMPLATES["svcpkg/api/handlers.py"] = '''
"""API handlers still importing legacy paths in every spelling."""

from __future__ import annotations

import corepkg.websocket.manager  #@ SSOT201:import-module
import corepkg.websocket.manager as legacy_ws  #@ SSOT201:import-module-as
from corepkg.websocket import manager  #@ SSOT201:from-package-import-module
from corepkg.agents.execution_context import ExecutionStatus as LegacyStatus  #@ SSOT201:from-import-name-as
from corepkg.websocket.manager import (  #@ SSOT201:multiline-module
    broadcast,  #@ SSOT201:multiline-module
)
from corepkg.agents.execution_context import (  #@ SSOT201:multiline-name
    AgentContext,  #@ decoy:SSOT201.non-legacy-name-in-same-statement
    ExecutionStatus,  #@ SSOT201:multiline-name
)
from datapkg.legacy_store.tables import UserTable  #@ SSOT201:prefix-submodule
import datapkg.legacy_store_utils  #@ decoy:SSOT201.prefix-without-dot-boundary
from corepkg.websocket.websocket_manager import WebSocketManager  #@ decoy:SSOT201.canonical-path
from corepkg.websocket import manager_utils  #@ decoy:SSOT201.prefix-without-dot-boundary

LEGACY_PATH = "corepkg.websocket.manager"  #@ decoy:SSOT201.string
# corepkg.websocket.manager was replaced by corepkg.websocket.websocket_manager  #@ decoy:SSOT201.comment

try:
    from corepkg.websocket.manager import get_manager  #@ SSOT201:import-error-shim:info
except ImportError:
    from corepkg.websocket.websocket_manager import get_manager


def late_binding() -> object:
    from corepkg.websocket.manager import notify  #@ SSOT201:inside-function

    return notify


def handle(ctx: AgentContext, user_table: UserTable) -> tuple:
    status = LegacyStatus.RUNNING if ctx else ExecutionStatus.PENDING
    return (status, legacy_ws, manager, corepkg.websocket.manager, broadcast,
            datapkg.legacy_store_utils.chunked([], 1), WebSocketManager, manager_utils,
            get_manager, user_table)
'''

TEMPLATES["svcpkg/api/messages.py"] = '''
"""API message shapes: a second, identical schema of agent_completed."""

from __future__ import annotations

from typing import Literal, TypedDict


class AgentCompletedMsg(TypedDict):  #@ SSOT102:agent-completed-identical-copy:warning
    type: Literal["agent_completed"]
    run_id: str
    result: str
    duration_ms: int
'''

TEMPLATES["svcpkg/api/session.py"] = '''
"""A second UserSession: the name is declared canonical elsewhere, so any copy is a finding."""

from __future__ import annotations


class UserSession:  #@ SSOT103:usersession-canonical-name
    token: str
    scopes: tuple[str, ...] = ()

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes
'''

TEMPLATES["svcpkg/api/handlers_http.py"] = '''
"""HTTP handler base."""

from __future__ import annotations


class Handler:  #@ decoy:SSOT103.same-name-dissimilar
    def get(self, path: str) -> int:
        return 200

    def post(self, path: str, body: bytes) -> int:
        return 201

    def put(self, path: str, body: bytes) -> int:
        return 204


class Config:  #@ decoy:SSOT103.small-same-name-class
    prefix = "/api"
'''

TEMPLATES["testkit/__init__.py"] = '''
"""Shared test framework (the SSOT base test classes live in testkit.ssot)."""
'''

TEMPLATES["testkit/ssot/__init__.py"] = '''
"""Re-exports of the SSOT base test classes."""

from testkit.ssot.base import SSotAsyncTestCase, SSotBaseTestCase

__all__ = ["SSotAsyncTestCase", "SSotBaseTestCase"]
'''

TEMPLATES["testkit/ssot/base.py"] = '''
"""The SSOT base test classes every test class must inherit from."""

from __future__ import annotations

import logging
import unittest


class SSotBaseTestCase(unittest.TestCase):
    """Provides `logger` and `test_user` to every test."""

    def setUp(self) -> None:
        super().setUp()
        self.logger = logging.getLogger(type(self).__name__)
        self.test_user = {"id": "u-test", "email": "test@example.com"}


class SSotAsyncTestCase(SSotBaseTestCase):
    async def asyncSetUp(self) -> None:
        self.setUp()
'''

TEMPLATES["testkit/helpers/__init__.py"] = '''
"""Intermediate test bases and mixins."""
'''

TEMPLATES["testkit/helpers/db.py"] = '''
"""Database test base (one level below the SSOT base)."""

from __future__ import annotations

from testkit.ssot.base import SSotBaseTestCase


class DatabaseTestCase(SSotBaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.rows: list[dict] = []
'''

TEMPLATES["testkit/helpers/agents.py"] = '''
"""Agent test base (two levels below the SSOT base, across modules)."""

from __future__ import annotations

from testkit.helpers.db import DatabaseTestCase


class AgentTestCase(DatabaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.agent_name = "planner"
'''

TEMPLATES["testkit/helpers/mixins.py"] = '''
"""Mixins that add fixtures but are not test bases themselves."""

from __future__ import annotations


class FixtureMixin:
    def make_payload(self) -> dict:
        return {"id": 1}

    def make_user(self) -> dict:
        return {"id": "u1"}
'''

TEMPLATES["testkit/fixtures/__init__.py"] = '''
"""Test fixtures."""
'''

TEMPLATES["testkit/fixtures/states.py"] = '''
"""Fixture states: a third copy of ExecutionStatus, with a member the others lack."""

from __future__ import annotations

from enum import Enum


class ExecutionStatus(str, Enum):  #@ SSOT101:executionstatus-testkit-copy
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    TIMEOUT = "timeout"
'''

TEMPLATES["testkit/events/__init__.py"] = '''
"""Event payload helpers for tests."""
'''

TEMPLATES["testkit/events/payloads.py"] = '''
"""Payload builders: second class schemas of production events, drifted."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class AgentStartedPayload:  #@ SSOT102:agent-started-helper-dataclass:error
    run_id: str
    agent_name: str
    type: str = "agent_started"


@dataclass
class ToolExecutingPayload:  #@ SSOT102:tool-executing-helper-dataclass:error
    run_id: str
    arguments: dict
    type: str = "tool_executing"
'''

TEMPLATES["tests/conftest.py"] = '''
"""Shared pytest fixtures."""

from __future__ import annotations

import pytest


@pytest.fixture
def run_id() -> str:
    return "run-0001"
'''

TEMPLATES["tests/helpers/legacy_case.py"] = '''
"""An old helper base that bypasses the SSOT base (any unittest.TestCase in tests counts)."""

from __future__ import annotations

import unittest


class LegacyHelperCase(unittest.TestCase):  #@ SSOT301:unittest-helper-in-tests
    def assertPayload(self, payload: dict) -> None:
        self.assertIn("type", payload)
'''

TEMPLATES["tests/helpers/scenarios.py"] = '''
"""Scenario helpers for agent tests (three levels below the SSOT base)."""

from __future__ import annotations

from testkit.helpers.agents import AgentTestCase


class AgentScenarioCase(AgentTestCase):  #@ decoy:SSOT301.intermediate-base-reaches-ssot
    def scenario(self) -> list[str]:
        return [self.agent_name]
'''

TEMPLATES["tests/test_inheritance_shapes.py"] = '''
"""Every way a test class can (or cannot) reach the SSOT base."""

from __future__ import annotations

import unittest

import testkit.ssot.base as ssot_base_module
from extlib.testing import ExternalCase
from testkit.helpers.agents import AgentTestCase
from testkit.helpers.mixins import FixtureMixin
from testkit.ssot import SSotAsyncTestCase  #@ SSOT202:reexported-test-base
from testkit.ssot import base as ssot_base
from testkit.ssot.base import SSotBaseTestCase
from testkit.ssot.base import SSotBaseTestCase as Base
from tests.helpers.scenarios import AgentScenarioCase


class TestDirect(SSotBaseTestCase):  #@ decoy:SSOT301.direct
    def test_ok(self) -> None:
        assert self.test_user


class TestAliased(Base):  #@ decoy:SSOT301.aliased
    def test_ok(self) -> None:
        assert self.logger


class TestReexported(SSotAsyncTestCase):  #@ decoy:SSOT301.re-exported
    async def test_ok(self) -> None:
        assert self.test_user


class TestModuleAttribute(ssot_base.SSotBaseTestCase):  #@ decoy:SSOT301.module-attribute
    def test_ok(self) -> None:
        assert True


class TestImportedModuleAttribute(ssot_base_module.SSotBaseTestCase):  #@ decoy:SSOT301.import-as-attribute
    def test_ok(self) -> None:
        assert True


class TestThreeLevels(AgentTestCase):  #@ decoy:SSOT301.three-level-chain
    def test_ok(self) -> None:
        assert self.agent_name == "planner"


class TestFourLevels(AgentScenarioCase):  #@ decoy:SSOT301.four-level-chain
    def test_ok(self) -> None:
        assert self.scenario()


class TestMixinFirst(FixtureMixin, SSotBaseTestCase):  #@ decoy:SSOT301.mixin-first
    def test_ok(self) -> None:
        assert self.make_payload()


class TestPlain:  #@ SSOT301:plain-class
    def test_something(self) -> None:
        assert 1 + 1 == 2


class TestUnittestDirect(unittest.TestCase):  #@ SSOT301:direct-unittest-testcase
    def test_something(self) -> None:
        self.assertTrue(True)


class TestMixinOnly(FixtureMixin):  #@ SSOT301:mixin-only
    def test_something(self) -> None:
        assert self.make_user()


class TestExternalBase(ExternalCase):  #@ SSOT301:unresolvable-third-party-base
    def test_something(self) -> None:
        assert True


class TestDataBuilder:  #@ decoy:SSOT301.dunder-test-false
    __test__ = False

    def build(self) -> dict:
        return {}


class TestSettingsHolder:  #@ decoy:SSOT301.has-init-not-collected
    def __init__(self, value: int) -> None:
        self.value = value


class Helper:  #@ decoy:SSOT301.not-a-test-name
    def test_like_method(self) -> None:
        pass
'''

TEMPLATES["tests/agents/test_execution.py"] = '''
"""Agent execution tests, some still on legacy paths."""

from __future__ import annotations

from typing import TYPE_CHECKING

from testkit.helpers.agents import AgentTestCase

if TYPE_CHECKING:
    from corepkg.agents.execution_context import ExecutionStatus  #@ SSOT201:under-type-checking


class TestExecutionFlow(AgentTestCase):  #@ decoy:SSOT301.three-level-chain
    def test_status(self) -> None:
        from corepkg.agents.execution_context import ExecutionStatus as Status  #@ SSOT201:inside-test-method

        assert Status.RUNNING.value == "running"

    def status_type(self) -> "ExecutionStatus | None":
        return None
'''

TEMPLATES["tests/events/test_agent_events.py"] = '''
"""Event payload tests: dict literals sent to a client are uses of the schemas, some drifted."""

from __future__ import annotations

from testkit.ssot.base import SSotBaseTestCase


class TestAgentEvents(SSotBaseTestCase):
    def test_payload_shapes(self) -> None:
        send = self.client.send_json
        send({"type": "agent_started", "run_id": "r1", "agent_name": "planner", "started_at": 0.0})  #@ decoy:SSOT102.conforming-payload
        send({"type": "agent_started", "run_id": "r1", "agent_name": "planner"})  #@ SSOT102:payload-missing-field:warning
        send({  #@ SSOT102:payload-extra-key:info
            "type": "tool_executing",
            "run_id": "r1",
            "tool_name": "search",
            "arguments": {},
            "retries": 3,
        })
        send({"type": "heartbeat", "seq": 1})  #@ decoy:SSOT102.event-without-schema
        kind = "agent_started"
        send({"type": kind, "run_id": "r1"})  #@ decoy:SSOT102.non-literal-discriminator
        send({"event_type": "user_created", "user_id": "u1"})  #@ SSOT102:payload-event-type-missing-field:warning
        send({"event_type": "user_created", "user_id": "u1", "email": "a@example.com"})  #@ decoy:SSOT102.conforming-payload
        send({"type": "agent_completed", "run_id": "r1", "result": "ok", "duration_ms": 5})  #@ decoy:SSOT102.conforming-payload
        rows = [{"type": "agent_started", "run_id": "r1", "agent": "x"}]  #@ decoy:SSOT102.unsent-row
        assert rows

'''

# ------------------------------------------------------------- issue 14 shapes

TEMPLATES['corepkg/alerts/__init__.py'] = '''
"""Alerting."""
'''

TEMPLATES['corepkg/alerts/scales.py'] = '''
"""Chained scales (issue 14): one LOW..CRITICAL scale, three unrelated enums."""

from enum import Enum


class ErrorSeverity(str, Enum):  #@ decoy:SSOT101.generic-scale-is-no-rename
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"
'''

TEMPLATES['svcpkg/billing/tiers.py'] = '''
from enum import Enum


class ServiceTier(str, Enum):  #@ decoy:SSOT101.generic-scale-is-no-rename
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"
'''

TEMPLATES['svcpkg/notifications/priority_levels.py'] = '''
from enum import Enum


class MessagePriority(str, Enum):  #@ decoy:SSOT101.generic-scale-is-no-rename
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"
'''

TEMPLATES['corepkg/alerts/delivery.py'] = '''
"""The upstream delivery status."""

from enum import Enum


class DeliveryStatus(str, Enum):  #@ SSOT101:homonym-deliverystatus:warning
    QUEUED_UPSTREAM = "queued"
    HANDED_OVER = "handed_over"
'''

TEMPLATES['svcpkg/notifications/delivery_state.py'] = '''
"""Homonym: imports the upstream DeliveryStatus under an alias and defines its own."""

from enum import IntEnum

from corepkg.alerts.delivery import DeliveryStatus as UpstreamStatus


class DeliveryStatus(IntEnum):  #@ SSOT101:homonym-deliverystatus:warning
    BOUNCED = 1
    OPENED = 2


def translate(status: UpstreamStatus) -> DeliveryStatus:
    return DeliveryStatus.OPENED
'''

TEMPLATES['corepkg/routing/__init__.py'] = '''
"""Request routing."""
'''

TEMPLATES['corepkg/routing/request_router.py'] = '''
"""The RequestRouter."""


class RequestRouter:
    def add_route(self, *args): ...

    def remove_route(self, *args): ...

    def match(self, *args): ...

    def dispatch(self, *args): ...

    def mount(self, *args): ...

    def url_for(self, *args): ...

    def middleware(self, *args): ...

    def routes(self, *args): ...

    def reverse(self, *args): ...

    def freeze(self, *args): ...
'''

TEMPLATES['svcpkg/api/request_router_legacy.py'] = '''
"""Drifted copy (issue 14): the same distinctive name, three shared members."""

from corepkg.routing import request_router as modern


class RequestRouter:  #@ SSOT103:requestrouter-drifted:warning
    def add_route(self, *args): ...

    def match(self, *args): ...

    def dispatch(self, *args): ...

    def legacy_lookup(self, *args): ...

    def register_v1(self, *args): ...

    def compile_table(self, *args): ...


FALLBACK = modern
'''

TEMPLATES['tests/routing/test_router_fake.py'] = '''
"""Test re-implementation (issue 14): its own RequestRouter instead of the production one."""

from corepkg.routing import request_router


class RequestRouter:  #@ SSOT103:requestrouter-test-reimplementation:warning
    def add_route(self, *args): ...

    def match(self, *args): ...

    def recorded(self): ...


def test_router_fake() -> None:
    assert RequestRouter().match() is None and request_router
'''

TEMPLATES['corepkg/engines/__init__.py'] = '''
"""Engines."""
'''

TEMPLATES['corepkg/engines/engine_factory.py'] = '''
"""The EngineFactory."""


class EngineFactory:
    def create(self, *args): ...

    def register(self, *args): ...

    def available(self, *args): ...

    def default(self, *args): ...

    def configure(self, *args): ...
'''

TEMPLATES['svcpkg/workers/engine_compat.py'] = '''
from corepkg.engines import engine_factory


class EngineFactory:  #@ SSOT103:enginefactory-deprecated-stub:info
    """DEPRECATED: compatibility stub, use corepkg.engines.engine_factory.EngineFactory."""

    def create(self, *args):
        return engine_factory

    def get(self, name): ...
'''

TEMPLATES['corepkg/plugins/__init__.py'] = '''
"""Plugins."""
'''

TEMPLATES['corepkg/plugins/base.py'] = '''
class BasePlugin:
    def setup(self, config): ...

    def teardown(self): ...
'''

# Six plugin packages (namespace packages: no __init__.py) at one relative path.
TEMPLATES['corepkg/plugins/hue/plugin_flow.py'] = '''
"""Plugin convention (issue 14): each plugin's own PluginFlow at this path."""

from corepkg.plugins.base import BasePlugin


class PluginFlow(BasePlugin):  #@ decoy:SSOT103.plugin-convention
    VERSION = 1

    def setup(self, config): ...

    def step_user(self, data): ...

    def step_confirm(self, data): ...
'''

TEMPLATES['corepkg/plugins/zwave/plugin_flow.py'] = '''
"""Plugin convention (issue 14): each plugin's own PluginFlow at this path."""

from corepkg.plugins.base import BasePlugin


class PluginFlow(BasePlugin):  #@ decoy:SSOT103.plugin-convention
    VERSION = 1

    def setup(self, config): ...

    def step_user(self, data): ...

    def step_confirm(self, data): ...
'''

TEMPLATES['corepkg/plugins/mqtt/plugin_flow.py'] = '''
"""Plugin convention (issue 14): each plugin's own PluginFlow at this path."""

from corepkg.plugins.base import BasePlugin


class PluginFlow(BasePlugin):  #@ decoy:SSOT103.plugin-convention
    VERSION = 1

    def setup(self, config): ...

    def step_user(self, data): ...

    def step_confirm(self, data): ...
'''

TEMPLATES['corepkg/plugins/sonos/plugin_flow.py'] = '''
"""Plugin convention (issue 14): each plugin's own PluginFlow at this path."""

from corepkg.plugins.base import BasePlugin


class PluginFlow(BasePlugin):  #@ decoy:SSOT103.plugin-convention
    VERSION = 1

    def setup(self, config): ...

    def step_user(self, data): ...

    def step_confirm(self, data): ...
'''

TEMPLATES['corepkg/plugins/nest/plugin_flow.py'] = '''
"""Plugin convention (issue 14): each plugin's own PluginFlow at this path."""

from corepkg.plugins.base import BasePlugin


class PluginFlow(BasePlugin):  #@ decoy:SSOT103.plugin-convention
    VERSION = 1

    def setup(self, config): ...

    def step_user(self, data): ...

    def step_confirm(self, data): ...
'''

TEMPLATES['corepkg/plugins/ring/plugin_flow.py'] = '''
"""Plugin convention (issue 14): each plugin's own PluginFlow at this path."""

from corepkg.plugins.base import BasePlugin


class PluginFlow(BasePlugin):  #@ decoy:SSOT103.plugin-convention
    VERSION = 1

    def setup(self, config): ...

    def step_user(self, data): ...

    def step_confirm(self, data): ...
'''

TEMPLATES['corepkg/plugins/plugin_loader.py'] = '''
from corepkg.plugins.hue import plugin_flow as hue
from corepkg.plugins.zwave import plugin_flow as zwave

FLOWS = (hue, zwave)
'''

TEMPLATES['services/__init__.py'] = '''
'''

TEMPLATES['services/auth_svc/__init__.py'] = '''
'''

TEMPLATES['services/auth_svc/tokens.py'] = '''
"""Cross-service copy (issue 14): each service signs its own tokens."""


class TokenSigner:
    def sign(self, claims): ...

    def verify(self, token): ...

    def rotate(self): ...

    def load_keys(self): ...
'''

TEMPLATES['services/billing_svc/__init__.py'] = '''
'''

TEMPLATES['services/billing_svc/tokens.py'] = '''
"""Cross-service copy (issue 14): each service signs its own tokens."""


class TokenSigner:  #@ SSOT103:tokensigner-cross-service:info
    def sign(self, claims): ...

    def verify(self, token): ...

    def rotate(self): ...

    def load_keys(self): ...
'''

TEMPLATES['services/auth_svc/token_api.py'] = '''
from services.auth_svc.tokens import TokenSigner

SIGNER = TokenSigner()
'''

TEMPLATES['corepkg/chat/__init__.py'] = '''
"""Chat."""
'''

TEMPLATES['corepkg/chat/messages_schema.py'] = '''
"""Envelope payloads (issue 14): the schema is the body of {"type": ..., "payload": {...}}."""

from typing import Literal, TypedDict


class AgentMessage(TypedDict):
    type: Literal["agent_message"]
    run_id: str
    content: str
'''

TEMPLATES['corepkg/chat/sender.py'] = '''
from corepkg.chat.messages_schema import AgentMessage


async def reply(ws, text: str) -> None:
    await ws.send_json({"type": "agent_message", "payload": {"run_id": "r", "content": text}})  #@ decoy:SSOT102.conforming-envelope


async def broken(ws, text: str) -> None:
    await ws.send_json({"type": "agent_message", "payload": {"run_id": "r", "text": text}})  #@ SSOT102:envelope-body-drift:warning


def typed() -> AgentMessage:
    return {"type": "agent_message", "run_id": "r", "content": "x"}  #@ decoy:SSOT102.conforming-payload
'''

TEMPLATES['testkit/events/billing_events.py'] = '''
"""A test-defined schema (issue 14): never canonical, never judges production payloads."""

from dataclasses import dataclass


@dataclass
class InvoicePaidEvent:
    type: str = "invoice_paid"
    invoice_id: str = ""
    amount: int = 0
'''

TEMPLATES['svcpkg/billing/notify_paid.py'] = '''
def paid(bus) -> None:
    bus.publish({"type": "invoice_paid", "invoice": "i1", "amount": 3})  #@ decoy:SSOT102.judged-by-test-schema
'''

TEMPLATES['corepkg/jobs/__init__.py'] = '''
"""Jobs."""
'''

TEMPLATES['corepkg/jobs/job_events.py'] = '''
"""Pydantic: Field(description=...) without a default is required (issue 14)."""

from typing import Literal

from pydantic import BaseModel, Field


class JobQueued(BaseModel):
    type: Literal["job_queued"] = "job_queued"
    job_id: str = Field(description="the job")
    queue: str = Field(default="default")
'''

TEMPLATES['corepkg/jobs/job_queue.py'] = '''
from corepkg.jobs.job_events import JobQueued


def enqueue_fast() -> dict:
    return {"type": "job_queued", "queue": "fast"}  #@ SSOT102:field-without-default-required:warning


def queue_of(job: JobQueued) -> str:
    return job.queue
'''

TEMPLATES['tests/events/test_rows.py'] = '''
"""Unsent dict rows (issue 14): data with a `type` key is no message."""

ROWS = [
    {"type": "agent_completed", "error": Exception("boom"), "result": "x"},  #@ decoy:SSOT102.unsent-row
    {"type": "tool_executing", "run_id": "r", "tool": "t"},  #@ decoy:SSOT102.unsent-row
]


def test_rows() -> None:
    assert len(ROWS) == 2
'''

# SSOT205: the notify consolidation deleted `corepkg/notify/factory.py` and moved names
# around; `svcpkg/notify/dispatch.py` was missed. `svcpkg/notify/__init__.py` imports the
# dispatcher, which imports a name the package no longer has: before SSOT205 that edge
# closed a phantom SSOT204 cycle (at run time it is an ImportError, not a cycle).
TEMPLATES["svcpkg/notify/__init__.py"] = '''
"""Notifications: channels and the dispatcher."""

from svcpkg.notify.channels import *
from svcpkg.notify.dispatch import send  #@ decoy:SSOT204.dangling-edge-closes-no-cycle
'''

TEMPLATES["svcpkg/notify/channels.py"] = '''
"""Delivery channels."""

from __future__ import annotations

__all__ = ["SmsChannel", "PushChannel"]  #@ SSOT205:stale-all


class SmsChannel:
    def deliver(self, text: str) -> int:
        return len(text)
'''

TEMPLATES["svcpkg/notify/outbox.py"] = '''
"""Queued messages (imports a channel through the package's star re-export)."""

from __future__ import annotations

from svcpkg.notify import SmsChannel  #@ decoy:SSOT205.star-reexport

OUTBOX: list[SmsChannel] = []
'''

TEMPLATES["svcpkg/notify/lazy.py"] = '''
"""Channels resolved on first use (a module-level __getattr__: names unknowable)."""

from __future__ import annotations


def __getattr__(name: str) -> object:
    raise AttributeError(name)
'''

TEMPLATES["svcpkg/notify/dispatch.py"] = '''
"""Dispatches notifications; half-migrated after the notify consolidation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from corepkg.websocket.websocket_manager import WebSocketManager  #@ decoy:SSOT205.exists
from corepkg.auth.session import UserSession, SessionToken  #@ SSOT205:name-gone:error
from corepkg.websocket import manager_factory  #@ SSOT205:submodule-gone:error
import corepkg.notify.factory  #@ SSOT205:import-plain:error
import corepkg.notify.factory as notify_factory  #@ SSOT205:import-as:error
from corepkg.notify.factory import Notifier  #@ SSOT205:from-missing-module:error
from ..reporting import digest  #@ SSOT205:relative-from-package:error
from .channels import EmailChannel  #@ SSOT205:relative-from-module:error
from . import channels  #@ decoy:SSOT205.relative-submodule-exists
from svcpkg.notify import gone_helper  #@ SSOT205:phantom-cycle-edge:error
from svcpkg.notify.lazy import PagerChannel  #@ decoy:SSOT205.module-getattr

try:
    from corepkg.notify.fast import speedup  #@ SSOT205:guarded:info
except ImportError:
    speedup = None

if TYPE_CHECKING:
    from datapkg.store.tables import InvoiceTable  #@ SSOT205:type-checking:warning


def send(text: str) -> int:
    from corepkg.auth.session import revoke_all  #@ SSOT205:in-function:error

    revoke_all()
    return channels.SmsChannel().deliver(text) + len(repr((
        WebSocketManager, UserSession, SessionToken, manager_factory, corepkg, notify_factory,
        Notifier, digest, EmailChannel, gone_helper, PagerChannel, speedup)))
'''

TEMPLATES["scripts/report_env.py"] = '''
"""Print the environment for debugging (a script that reaches around get_env)."""

from __future__ import annotations

from os import environ  #@ SSOT203:script-from-os-import-environ


def main() -> None:
    for key in sorted(environ):  #@ SSOT203:script-from-os-import-environ
        print(key)


if __name__ == "__main__":
    main()
'''

TEMPLATES["scripts/modern_fstrings.py"] = '''
"""Uses Python 3.12 f-string syntax: not a parse error, libcst handles it on older hosts."""  #@ decoy:SSOT000.py312-fstring

labels = {"name": "release"}
print(f"{labels["name"]} is ready")
'''

TEMPLATES["scripts/broken_migration.py"] = '''
"""A half-edited migration script."""

from __future__ import annotations

def upgrade(:  #@ SSOT000:syntax-error
    pass
'''

# Files whose bytes cannot come from a text template.
BINARY_FILE = "corepkg/vendor/blob.py"
LATIN1_FILE = "datapkg/legacy/latin1_dump.py"
NUL_FILE = "scripts/nul_byte_dump.py"


def binary_files() -> dict[str, tuple[bytes, list[Mark]]]:
    """The SSOT000 cases that are not valid text: binary, invalid UTF-8, a NUL byte."""
    blob = bytes([0, 0, 0, 24]) + b"ftypmp42" + bytes(range(256)) * 4
    latin1 = (b'"""Exported from an old latin-1 database."""\n\n'
              b'CITY = "M\xfcnchen"\n'
              b'COUNTRY = "DE"\n')
    nul = (b'"""A dump that picked up a NUL byte."""\n\n'
           b'ROWS = ["a", "b\x00"]\n')
    return {
        BINARY_FILE: (blob, [Mark("SSOT000", "binary-file", BINARY_FILE, 1)]),
        LATIN1_FILE: (latin1, [Mark("SSOT000", "invalid-utf8", LATIN1_FILE, 3)]),
        NUL_FILE: (nul, [Mark("SSOT000", "nul-byte", NUL_FILE, 3)]),
    }


def rendered() -> dict[str, Rendered]:
    return {path: render(path, tpl) for path, tpl in TEMPLATES.items()}
