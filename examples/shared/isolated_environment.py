"""The one sanctioned reader of process environment variables.

Tests replace the environment with `use_environment({...})`, which only works if nothing
else reads `os.environ` directly.
"""

import os
from collections.abc import Mapping

_override: Mapping[str, str] | None = None


def get_env() -> Mapping[str, str]:
    return _override if _override is not None else os.environ


def use_environment(values: Mapping[str, str] | None) -> None:
    global _override
    _override = values
