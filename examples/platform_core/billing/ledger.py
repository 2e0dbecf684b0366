"""The ledger of every billed amount."""

from platform_core.billing.invoices import Invoice  # planted SSOT204: ledger -> invoices

ENTRIES: list[Invoice] = []


def record_entry(invoice: Invoice) -> None:
    ENTRIES.append(invoice)
