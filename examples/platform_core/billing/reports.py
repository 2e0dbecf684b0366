"""Monthly billing reports."""

from platform_core.billing.ledger import issue  # planted SSOT205: issue() moved to invoices.py


def reissue_all(numbers: list[str]) -> int:
    for number in numbers:
        issue(number, 0)
    return len(numbers)
