"""Runtime settings of the platform."""

import os
from dataclasses import dataclass

from shared.isolated_environment import get_env


@dataclass(frozen=True)
class Settings:
    database_url: str
    request_timeout: float


def load_settings() -> Settings:
    env = get_env()
    return Settings(
        database_url=env.get("DATABASE_URL", "sqlite://"),
        request_timeout=float(os.environ.get("REQUEST_TIMEOUT", "30")),  # planted SSOT203
    )


# The timeout used to be read from os.environ right here; the suppression outlived it.
DEFAULT_TIMEOUT = 30.0  # ssotcheck: ignore[SSOT203] reason="read before get_env existed"  # planted SSOT900
