"""Filters between checks and scoring: suppressions, report scope, baseline."""
