"""The tax sandbox: a SOAP 1.1/1.2 taxpayer inquiry service (WSDL at ``/tax?wsdl``) over the story's records.

Operations (namespace ``urn:silkgraph:tax:inquiry:1``): GetTaxpayer, GetTaxpayers, ListTaxpayers, GetInvoices,
VerifyInvoice, GetExportRebateStatus — rules in :mod:`adapters.tax.ledger`. Options: ``username`` /
``password``, ``progress`` (rebates), ``clock``, ``malformed_reply``, ``server_fault``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from lxml import etree
from starlette.applications import Starlette

from adapters import story
from adapters.soap import Call, SoapService, validation_fault
from adapters.tax.ledger import Ledger, Rebate
from gateway.sdk.sandbox import SandboxConfig

__all__ = ["ENDPOINT", "NS", "create_app"]

NS = "urn:silkgraph:tax:inquiry:1"
ENDPOINT = "/tax"
WSDL_DIR = Path(__file__).parent / "wsdl"
#: China's export VAT rebate rate the sandbox applies to every rebate (13 % goods)
REBATE_RATE = Decimal("0.13")


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _text(node: etree._Element, name: str) -> str | None:
    value = node.findtext(_q(name))
    return value.strip() if value is not None else None


def _add(parent: etree._Element, name: str, text: object | None = None) -> etree._Element:
    child = etree.SubElement(parent, _q(name))
    if text is not None:
        child.text = str(text)
    return child


def _key(node: etree._Element) -> tuple[str, str]:
    return (_text(node, "Country") or "", _text(node, "TIN") or "")


def _reply(name: str) -> etree._Element:
    return etree.Element(_q(name), nsmap={"tax": NS})


class TaxHandlers:
    def __init__(self, ledger: Ledger, clock: Callable[[], dt.datetime]) -> None:
        self.ledger = ledger
        self.clock = clock

    def taxpayer(self, call: Call) -> etree._Element:
        company = self.ledger.taxpayer(_key(call.payload), call.agency)
        reply = _reply("GetTaxpayerResponse")
        _add(reply, "Valid", "true" if company is not None else "false")
        _add(reply, "RequestDate", self.clock().date().isoformat())
        if company is not None:
            self._taxpayer(reply, company)
        return reply

    def taxpayers(self, call: Call) -> etree._Element:
        reply = _reply("GetTaxpayersResponse")
        for key in dict.fromkeys(_key(n) for n in call.payload.iterfind(_q("Key"))):
            company = self.ledger.taxpayer(key, call.agency)
            if company is not None:
                self._taxpayer(reply, company)
        return reply

    def register(self, call: Call) -> etree._Element:
        reply = _reply("ListTaxpayersResponse")
        for company in self.ledger.register(_text(call.payload, "Country"), call.agency):
            self._taxpayer(reply, company)
        return reply

    def invoices(self, call: Call) -> etree._Element:
        reply = _reply("GetInvoicesResponse")
        keys = ((_text(n, "Code") or "", _text(n, "Number") or "") for n in call.payload.iterfind(_q("Key")))
        for key in dict.fromkeys(keys):
            invoice = self.ledger.invoice(key, call.agency)
            if invoice is not None:
                self._invoice(reply, "Invoice", invoice)
        return reply

    def verify(self, call: Call) -> etree._Element:
        p = call.payload
        code, number = _text(p, "InvoiceCode") or "", _text(p, "InvoiceNo") or ""
        if not code and len(number) != 20:
            raise validation_fault(
                NS,
                "an invoice without a code must be a fully digital invoice with a 20-digit number",
                "INVOICE_CODE_REQUIRED",
                "/VerifyInvoiceRequest/InvoiceCode",
            )
        outcome = self.ledger.verify(
            code=code,
            number=number,
            issued_on=dt.date.fromisoformat(_text(p, "InvoiceDate") or ""),
            amount=Decimal(_text(p, "Amount") or "0"),
            check_code=_text(p, "CheckCode"),
            seller_tax_code=_text(p, "SellerTaxCode"),
            agency=call.agency,
        )
        reply = _reply("VerifyInvoiceResponse")
        _add(reply, "Result", outcome.result)
        _add(reply, "Message", outcome.message)
        for name in outcome.mismatched:
            _add(reply, "MismatchedField", name)
        if outcome.invoice is not None:
            self._invoice(reply, "Invoice", outcome.invoice)
        return reply

    def rebates(self, call: Call) -> etree._Element:
        p = call.payload
        found = self.ledger.rebates_for(
            [(n.text or "").strip() for n in p.iterfind(_q("RebateID"))],
            [_key(n) for n in p.iterfind(_q("Exporter"))],
            call.agency,
        )
        reply = _reply("GetExportRebateStatusResponse")
        for rebate in found:
            self._rebate(reply, rebate)
        return reply

    # -- rendering -------------------------------------------------------------------------------------------
    def _taxpayer(self, parent: etree._Element, c: story.Company) -> None:
        node = _add(parent, "Taxpayer")
        for name, value in (
            ("Country", c.country),
            ("TIN", c.tax_id),
            ("Name", c.name),
            ("LocalName", c.name_local),
            ("City", c.city),
            ("Address", c.address),
            ("RegistrationDate", c.registered_on),
            ("Status", c.status),
            ("VatPayerType", c.vat_payer),
        ):
            _add(node, name, value)

    def _party(self, parent: etree._Element, name: str, key: tuple[str, str]) -> None:
        node = _add(parent, name)
        _add(node, "Country", key[0])
        _add(node, "TIN", key[1])
        company = self.ledger.taxpayers.get(key)
        _add(node, "Name", company.name if company else "")

    def _invoice(self, parent: etree._Element, name: str, i: story.Invoice) -> None:
        node = _add(parent, name)
        _add(node, "Code", i.code)
        _add(node, "Number", i.number)
        _add(node, "Type", "01")  # special VAT invoice (增值税专用发票)
        _add(node, "IssueDate", i.issued_on)
        self._party(node, "Seller", i.seller)
        self._party(node, "Buyer", i.buyer)
        _add(node, "AmountWithoutTax", i.amount_without_tax)
        _add(node, "TaxAmount", i.tax_amount)
        _add(node, "AmountWithTax", i.amount_without_tax + i.tax_amount)
        _add(node, "Currency", "CNY")
        _add(node, "IsAbandoned", "true" if i.abandoned else "false")
        if i.rebate:
            _add(node, "RebateID", i.rebate[0])

    def _rebate(self, parent: etree._Element, r: Rebate) -> None:
        node = _add(parent, "ExportRebate")
        _add(node, "ID", r.id)
        _add(node, "Status", r.status)
        exporter = _add(node, "Exporter")
        _add(exporter, "Country", r.exporter[0])
        _add(exporter, "TIN", r.exporter[1])
        invoice = _add(node, "Invoice")
        _add(invoice, "Code", r.invoice.code)
        _add(invoice, "Number", r.invoice.number)
        _add(node, "DeclarationMRN", r.mrn)
        _add(node, "RebateAmount", (r.invoice.amount_without_tax * REBATE_RATE).quantize(Decimal("0.01")))
        _add(node, "Currency", "CNY")
        for status, on in r.history:
            step = _add(node, "StatusHistory")
            _add(step, "Status", status)
            _add(step, "Date", on.isoformat())
        if r.status == "DATA_MISMATCH":
            _add(node, "Remark", f"no customs export declaration {r.mrn} matches this rebate")


def create_app(config: SandboxConfig) -> Starlette:
    """The tax sandbox (SandboxSpec ``tax-soap``, default port 4103)."""
    options = config.options
    clock: Callable[[], dt.datetime] = options.get("clock") or (lambda: dt.datetime.now(dt.UTC))
    handlers = TaxHandlers(Ledger(clock=clock, progress=str(options.get("progress", "none"))), clock)
    service = SoapService(
        endpoint=ENDPOINT,
        wsdl=WSDL_DIR / "tax.wsdl",
        xsd=WSDL_DIR / "tax.xsd",
        namespace=NS,
        handlers={
            "GetTaxpayer": handlers.taxpayer,
            "GetTaxpayers": handlers.taxpayers,
            "ListTaxpayers": handlers.register,
            "GetInvoices": handlers.invoices,
            "VerifyInvoice": handlers.verify,
            "GetExportRebateStatus": handlers.rebates,
        },
        options=options,
    )
    return service.app()
