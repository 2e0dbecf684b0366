"""The user-facing errors of the stages the CLI turns into "error: ..." and exit 2.

Kept apart from the modules that raise them so the CLI can name them without importing
git plumbing or the baseline gate on every run.
"""

from __future__ import annotations


class GitError(Exception):
    """A user-facing problem with the repository or a revision (exit 2)."""


class BaselineError(Exception):
    """A baseline file that cannot be used; the message says what to do. Nothing is
    overwritten because of it."""
