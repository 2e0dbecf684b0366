"""Invoices. Imports the ledger, which imports invoices back (SSOT204)."""

from dataclasses import dataclass

from platform_core.billing.ledger import record_entry  # planted SSOT204: invoices -> ledger


@dataclass
class Invoice:
    number: str
    amount_cents: int


def issue(number: str, amount_cents: int) -> Invoice:
    invoice = Invoice(number, amount_cents)
    record_entry(invoice)
    return invoice
