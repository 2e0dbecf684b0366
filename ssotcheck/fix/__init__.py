"""`ssotcheck fix`: libcst codemods for autofixable findings."""

from __future__ import annotations

import argparse
import sys

from ssotcheck.config import Config


def run_fix(args: argparse.Namespace, config: Config, scope: tuple[str, ...]) -> int:
    print("ssotcheck fix: no fixers are available yet", file=sys.stderr)
    return 0
