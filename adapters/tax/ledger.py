"""The tax sandbox's records: the taxpayer register, VAT invoices (fapiao) and export rebates, from the story.

Invoice verification (domain.md §3.1) compares what the caller read off the invoice with the record:
``NOT_FOUND`` (no such code + number), ``ABANDONED`` (the invoice was voided), ``MISMATCH`` (date, pre-tax
amount, check code — full 20 digits or the last 6 — or seller tax code differ; the fields are named) or
``CONSISTENT``.

Export rebates (§3.2) move ACCEPTED → UNDER_REVIEW → APPROVED → REFUNDED. Review includes the electronic match
with the customs export declaration: a rebate whose MRN is not among the story's declarations is stuck in
``DATA_MISMATCH``. With option ``progress="all"`` each GetExportRebateStatus read moves a rebate one step
(default ``"none"``: the story's statuses stay as told, since nothing new is filed in this sandbox).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal

from adapters import story

__all__ = ["REBATE_FLOW", "Ledger", "Rebate", "Verification"]

REBATE_FLOW = ("ACCEPTED", "UNDER_REVIEW", "APPROVED", "REFUNDED")
_DECLARED = {d.id for d in story.DECLARATIONS}


@dataclasses.dataclass(kw_only=True)
class Rebate:
    id: str
    invoice: story.Invoice
    mrn: str
    history: list[tuple[str, dt.date]]

    @property
    def status(self) -> str:
        return self.history[-1][0]

    @property
    def exporter(self) -> tuple[str, str]:
        """The claimant: the buyer of the purchase invoice the rebate rests on (the supplier only sold)."""
        return self.invoice.buyer


@dataclasses.dataclass(frozen=True, kw_only=True)
class Verification:
    result: str  # CONSISTENT | MISMATCH | ABANDONED | NOT_FOUND
    message: str
    mismatched: tuple[str, ...] = ()
    invoice: story.Invoice | None = None


def _rebate(invoice: story.Invoice) -> Rebate:
    assert invoice.rebate is not None
    rebate_id, status, mrn = invoice.rebate
    issued = dt.date.fromisoformat(invoice.issued_on)
    if mrn not in _DECLARED:
        status = "DATA_MISMATCH"
    if status in REBATE_FLOW:
        steps = REBATE_FLOW[: REBATE_FLOW.index(status) + 1]
    else:
        steps = ("ACCEPTED", "UNDER_REVIEW", status)
    history = [(s, issued + dt.timedelta(days=7 * n)) for n, s in enumerate(steps, start=1)]
    return Rebate(id=rebate_id, invoice=invoice, mrn=mrn, history=history)


class Ledger:
    def __init__(self, *, clock: Callable[[], dt.datetime], progress: str = "none") -> None:
        if progress not in ("all", "none"):
            raise ValueError(f"tax sandbox option progress must be all or none, not {progress!r}")
        self._clock = clock
        self._progress = progress
        self.taxpayers = {(c.country, c.tax_id): c for c in (*story.COMPANIES, *story.SUPPLIERS)}
        self.invoices = {(i.code, i.number): i for i in story.INVOICES}
        self.rebates = {r.id: r for r in (_rebate(i) for i in story.INVOICES if i.rebate)}

    # -- tenancy ----------------------------------------------------------------------------------------------
    def visible(self, key: tuple[str, str], agency: str | None) -> bool:
        company = self.taxpayers.get(key)
        return company is not None and (agency is None or agency in company.agencies)

    def invoice_visible(self, invoice: story.Invoice, agency: str | None) -> bool:
        return self.visible(invoice.seller, agency) or self.visible(invoice.buyer, agency)

    # -- reads ------------------------------------------------------------------------------------------------
    def taxpayer(self, key: tuple[str, str], agency: str | None) -> story.Company | None:
        return self.taxpayers[key] if self.visible(key, agency) else None

    def register(self, country: str | None, agency: str | None) -> list[story.Company]:
        return [
            c
            for key, c in self.taxpayers.items()
            if (country is None or c.country == country) and self.visible(key, agency)
        ]

    def invoice(self, key: tuple[str, str], agency: str | None) -> story.Invoice | None:
        invoice = self.invoices.get(key)
        return invoice if invoice is not None and self.invoice_visible(invoice, agency) else None

    def rebates_for(self, ids: Iterable[str], exporters: Iterable[tuple[str, str]], agency: str | None) -> list[Rebate]:
        wanted_ids, wanted_exporters = set(ids), set(exporters)
        found = [
            r
            for r in self.rebates.values()
            if (r.id in wanted_ids or r.exporter in wanted_exporters) and self.visible(r.exporter, agency)
        ]
        return [self._observe(r) for r in sorted(found, key=lambda r: r.id)]

    def _observe(self, rebate: Rebate) -> Rebate:
        if self._progress == "all" and rebate.status in REBATE_FLOW[:-1]:
            following = REBATE_FLOW[REBATE_FLOW.index(rebate.status) + 1]
            rebate.history.append((following, self._clock().date()))
        return rebate

    def verify(
        self,
        *,
        code: str,
        number: str,
        issued_on: dt.date,
        amount: Decimal,
        check_code: str | None,
        seller_tax_code: str | None,
        agency: str | None,
    ) -> Verification:
        invoice = self.invoice((code, number), agency)
        if invoice is None:
            return Verification(result="NOT_FOUND", message=f"no invoice with code {code!r} and number {number}")
        if invoice.abandoned:
            return Verification(result="ABANDONED", message="the invoice was voided by its issuer", invoice=invoice)
        mismatched = []
        if issued_on.isoformat() != invoice.issued_on:
            mismatched.append("InvoiceDate")
        if amount != invoice.amount_without_tax:
            mismatched.append("Amount")
        if check_code is not None and check_code not in (invoice.check_code, invoice.check_code[-6:]):
            mismatched.append("CheckCode")
        if seller_tax_code is not None and seller_tax_code != invoice.seller[1]:
            mismatched.append("SellerTaxCode")
        if mismatched:
            return Verification(
                result="MISMATCH",
                message=f"the invoice exists but {', '.join(mismatched)} differ from the tax authority's record",
                mismatched=tuple(mismatched),
                invoice=invoice,
            )
        return Verification(result="CONSISTENT", message="the invoice matches the record", invoice=invoice)
