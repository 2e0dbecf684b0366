"""ACME agent platform.

The package root re-exports the most used names for convenience; code inside the
repository should import them from their defining modules (SSOT202).
"""

from platform_core.schemas.core_enums import ExecutionStatus

__all__ = ["ExecutionStatus"]
