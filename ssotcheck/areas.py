"""Which area a file belongs to: the first `[tool.ssotcheck.areas]` entry whose globs match."""

from __future__ import annotations

from ssotcheck.config import Config
from ssotcheck.globs import compile_globs

OTHER = "other"


class AreaMap:
    def __init__(self, config: Config) -> None:
        self._areas = [(name, compile_globs(globs)) for name, globs in config.areas]
        self._memo: dict[str, str] = {}

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self._areas)

    def __call__(self, path: str) -> str:
        area = self._memo.get(path)
        if area is None:
            area = OTHER
            for name, rx in self._areas:
                if rx is not None and rx.match(path):
                    area = name
                    break
            self._memo[path] = area
        return area
