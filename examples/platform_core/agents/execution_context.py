"""Per-run execution context of an agent.

It still carries its own copy of ExecutionStatus from before the enums moved to
platform_core.schemas.core_enums. The copies have drifted: this one says ERROR where
the canonical one says FAILED, and it never learnt CANCELLED.
"""

from dataclasses import dataclass, field
from enum import Enum


class ExecutionStatus(str, Enum):  # planted SSOT101: second home of ExecutionStatus
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    ERROR = "error"


@dataclass
class ExecutionContext:
    run_id: str
    agent_name: str
    status: ExecutionStatus = ExecutionStatus.PENDING
    metadata: dict[str, str] = field(default_factory=dict)
