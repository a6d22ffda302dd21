"""The customs sandbox: a SOAP 1.1/1.2 declaration service (WSDL at ``/customs?wsdl``) over the story's register.

Operations (document/literal, namespace ``urn:silkgraph:customs:declaration:1``): SubmitDeclaration,
GetDeclarationStatus, GetDeclarationStatuses, ListDeclarations — see :mod:`adapters.customs.register` for the
state machine and how declarations progress. Options (``SandboxConfig.options``): ``username`` / ``password``
(WS-Security, default ``silkgraph`` / ``demo-secret``), ``progress``, ``clock`` (a callable returning an aware
datetime, for tests), ``malformed_reply`` and ``server_fault`` (see :class:`adapters.soap.SoapSwitches`),
``declarations`` (the :class:`adapters.story.Declaration` records on file at start; default the story's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from lxml import etree
from starlette.applications import Starlette

from adapters import story
from adapters.customs.register import (
    NOTIFICATIONS,
    OFFICES,
    PROCEDURES,
    DeclarationRegister,
    Entry,
    RuleViolation,
    Submission,
)
from adapters.soap import Call, SoapService, validation_fault
from gateway.errors import BadUserInput
from gateway.sdk import identifiers as ids
from gateway.sdk.sandbox import SandboxConfig

__all__ = ["ENDPOINT", "NS", "create_app"]

NS = "urn:silkgraph:customs:declaration:1"
ENDPOINT = "/customs"
WSDL_DIR = Path(__file__).parent / "wsdl"
_PAGE = 50


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


def _party(node: etree._Element) -> tuple[str, str]:
    return (_text(node, "Country") or "", _text(node, "TaxID") or "")


def _stamp(at: dt.datetime) -> str:
    return at.isoformat()


class CustomsHandlers:
    """One method per operation: request element in, response element out (plain synchronous code)."""

    def __init__(self, register: DeclarationRegister) -> None:
        self.register = register

    # -- SubmitDeclaration ----------------------------------------------------------------------------------
    def submit(self, call: Call) -> etree._Element:
        submission = self._submission(call.payload)
        if not self.register.visible_declarant(submission.declarant, call.agency):
            raise validation_fault(
                NS,
                f"declarant {'/'.join(submission.declarant)} is not a client of agency {call.agency}",
                "DECLARANT_NOT_IN_AGENCY",
                "/SubmitDeclarationRequest/Declarant",
            )
        try:
            entry, duplicate = self.register.submit(submission)
        except RuleViolation as exc:
            raise validation_fault(NS, str(exc), exc.code, exc.pointer) from None
        reply = etree.Element(_q("SubmitDeclarationResponse"), nsmap={"cus": NS})
        _add(reply, "LRN", entry.submission.lrn)
        _add(reply, "MRN", entry.mrn)
        self._notification(reply, "Notification", *entry.notifications[0])
        _add(reply, "Duplicate", "true" if duplicate else "false")
        return reply

    def _submission(self, payload: etree._Element) -> Submission:
        root = "/SubmitDeclarationRequest"

        def rule(check: Callable[[str], object], value: str | None, code: str, pointer: str) -> str:
            try:
                return str(check(value or ""))
            except BadUserInput as exc:
                raise validation_fault(NS, exc.message, code, f"{root}/{pointer}") from None

        declarant_node = payload.find(_q("Declarant"))
        assert declarant_node is not None  # the XSD requires it
        country, tax_id = _party(declarant_node)
        tax_id = rule(lambda v: ids.parse_tax_id(country, v), tax_id, "INVALID_TAX_ID", "Declarant/TaxID")
        procedure = _text(payload, "ProcedureCode") or ""
        if procedure not in PROCEDURES:
            known = ", ".join(sorted(PROCEDURES))
            raise validation_fault(
                NS, f"procedure {procedure} is not one of {known}", "UNKNOWN_PROCEDURE", f"{root}/ProcedureCode"
            )
        office = _text(payload, "OfficeID") or ""
        if office not in OFFICES:
            raise validation_fault(NS, f"customs office {office} is unknown", "UNKNOWN_OFFICE", f"{root}/OfficeID")
        awb = _text(payload, "AWB")
        vin = _text(payload, "VIN")
        barter = _text(payload, "BarterContractID")
        if awb is not None:
            awb = rule(ids.parse_awb, awb, "INVALID_AWB", "AWB")
        if vin is not None:
            vin = rule(ids.parse_vin, vin, "INVALID_VIN", "VIN")
        if procedure == "0130" and not barter:
            raise validation_fault(
                NS,
                "procedure 0130 (barter trade) needs the BarterContractID",
                "BARTER_CONTRACT_REQUIRED",
                f"{root}/BarterContractID",
            )
        items = []
        for index, node in enumerate(payload.iterfind(_q("GoodsItem")), start=1):
            at = f"GoodsItem[{index}]"
            items.append(
                story.GoodsItem(
                    hs_code=rule(ids.parse_hs_code, _text(node, "HSCode"), "INVALID_HS_CODE", f"{at}/HSCode"),
                    description=_text(node, "Description") or "",
                    quantity=Decimal(_text(node, "Quantity") or "0"),
                    unit=_text(node, "Unit") or "",
                    value=Decimal(_text(node, "Value") or "0"),
                    currency=rule(ids.parse_currency, _text(node, "Currency"), "INVALID_CURRENCY", f"{at}/Currency"),
                    origin=rule(ids.parse_country, _text(node, "Origin"), "INVALID_COUNTRY", f"{at}/Origin"),
                )
            )
        return Submission(
            lrn=_text(payload, "LRN") or "",
            declarant=(country, tax_id),
            direction=_text(payload, "Direction") or "",
            procedure=procedure,
            office_id=office,
            awb=awb,
            vin=vin,
            barter_contract=barter,
            items=tuple(items),
        )

    # -- reads ------------------------------------------------------------------------------------------------
    def status(self, call: Call) -> etree._Element:
        mrn, lrn = _text(call.payload, "MRN"), _text(call.payload, "LRN")
        if (mrn is None) == (lrn is None):
            raise validation_fault(NS, "give exactly one of MRN or LRN", "MRN_OR_LRN", "/GetDeclarationStatusRequest")
        declarant_node = call.payload.find(_q("Declarant"))
        declarant = _party(declarant_node) if declarant_node is not None else None
        entry = (
            self.register.by_mrn(mrn, call.agency)
            if mrn is not None
            else self.register.by_lrn(lrn or "", declarant, call.agency)
        )
        reply = etree.Element(_q("GetDeclarationStatusResponse"), nsmap={"cus": NS})
        if entry is not None:
            self._declaration(reply, entry)
        return reply

    def statuses(self, call: Call) -> etree._Element:
        reply = etree.Element(_q("GetDeclarationStatusesResponse"), nsmap={"cus": NS})
        seen: set[str] = set()
        for node in call.payload.iterfind(_q("MRN")):
            mrn = (node.text or "").strip()
            if mrn in seen:
                continue
            seen.add(mrn)
            entry = self.register.by_mrn(mrn, call.agency)
            if entry is not None:
                self._declaration(reply, entry)
        return reply

    def listing(self, call: Call) -> etree._Element:
        payload = call.payload
        found = self.register.search(
            declarants=[_party(n) for n in payload.iterfind(_q("Declarant"))],
            awbs=[(n.text or "").strip() for n in payload.iterfind(_q("AWB"))],
            vins=[(n.text or "").strip() for n in payload.iterfind(_q("VIN"))],
            barter_contracts=[(n.text or "").strip() for n in payload.iterfind(_q("BarterContractID"))],
            agency=call.agency,
        )
        size = int(_text(payload, "PageSize") or _PAGE)
        token = _text(payload, "PageToken") or "0"
        if not token.isdigit():
            raise validation_fault(
                NS,
                f"page token {token!r} was not issued by this service",
                "BAD_PAGE_TOKEN",
                "/ListDeclarationsRequest/PageToken",
            )
        start = int(token)
        page = self.register.observe_all(found[start : start + size])
        reply = etree.Element(_q("ListDeclarationsResponse"), nsmap={"cus": NS})
        for entry in page:
            self._declaration(reply, entry)
        _add(reply, "TotalCount", len(found))
        if start + size < len(found):
            _add(reply, "NextPageToken", start + size)
        return reply

    # -- rendering -------------------------------------------------------------------------------------------
    def _notification(self, parent: etree._Element, name: str, code: str, at: dt.datetime) -> None:
        node = _add(parent, name)
        _add(node, "FunctionCode", code)
        _add(node, "Name", NOTIFICATIONS.get(code, "DMS"))
        _add(node, "IssueDateTime", _stamp(at))

    def _declaration(self, parent: etree._Element, entry: Entry) -> None:
        s = entry.submission
        node = _add(parent, "Declaration")
        _add(node, "MRN", entry.mrn)
        _add(node, "LRN", s.lrn)
        party = _add(node, "Declarant")
        _add(party, "Country", s.declarant[0])
        _add(party, "TaxID", s.declarant[1])
        _add(node, "Direction", s.direction)
        _add(node, "ProcedureCode", s.procedure)
        office = _add(node, "Office")
        _add(office, "ID", s.office_id)
        _add(office, "Name", entry.office_name)
        if s.awb:
            _add(node, "AWB", s.awb)
        if s.vin:
            _add(node, "VIN", s.vin)
        if s.barter_contract:
            _add(node, "BarterContractID", s.barter_contract)
        for item in s.items:
            goods = _add(node, "GoodsItem")
            _add(goods, "HSCode", item.hs_code)
            _add(goods, "Description", item.description)
            _add(goods, "Quantity", item.quantity)
            _add(goods, "Unit", item.unit)
            _add(goods, "Value", item.value)
            _add(goods, "Currency", item.currency)
            _add(goods, "Origin", item.origin)
        self._notification(node, "Status", *entry.status)
        for code, at in entry.notifications:
            self._notification(node, "Notification", code, at)


def create_app(config: SandboxConfig) -> Starlette:
    """The customs sandbox (SandboxSpec ``customs-soap``, default port 4102)."""
    options = config.options
    clock: Callable[[], dt.datetime] = options.get("clock") or (lambda: dt.datetime.now(dt.UTC))
    register = DeclarationRegister(
        clock=clock,
        progress=str(options.get("progress", "new")),
        seed=options.get("declarations", story.DECLARATIONS),
    )
    handlers = CustomsHandlers(register)
    service = SoapService(
        endpoint=ENDPOINT,
        wsdl=WSDL_DIR / "customs.wsdl",
        xsd=WSDL_DIR / "customs.xsd",
        namespace=NS,
        handlers={
            "SubmitDeclaration": handlers.submit,
            "GetDeclarationStatus": handlers.status,
            "GetDeclarationStatuses": handlers.statuses,
            "ListDeclarations": handlers.listing,
        },
        options=options,
    )
    return service.app()
