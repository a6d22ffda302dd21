"""The customs sandbox: a SOAP 1.1/1.2 declaration service (WSDL at ``/customs?wsdl``) over the story's register.

Operations (document/literal, namespace ``urn:silkgraph:customs:declaration:1``): SubmitDeclaration,
GetDeclarationStatus, GetDeclarationStatuses, ListDeclarations, RecordDecision — see
:mod:`adapters.customs.register` for the release flow and how declarations progress, and
:mod:`adapters.customs.codes` for the code lists a submission is checked against.

Options (``SandboxConfig.options``): ``username`` / ``password`` (WS-Security, default ``silkgraph`` /
``demo-secret``), ``progress``, ``clock`` (a callable returning an aware datetime, for tests), ``malformed_reply``
and ``server_fault`` (see :class:`adapters.soap.SoapSwitches`), ``declarations`` (the
:class:`adapters.story.Declaration` records on file at start; default the story's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path

from lxml import etree
from starlette.applications import Starlette

from adapters import story
from adapters.customs import codes
from adapters.customs.register import NOTIFICATIONS, DeclarationRegister, Entry, RuleViolation, Submission
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


_SUBMIT = "/SubmitDeclarationRequest"


def _rule(check: Callable[[str], object], value: str | None, code: str, pointer: str) -> str:
    """``value`` as ``check`` canonicalises it, or a fault naming ``code`` and the element."""
    try:
        return str(check(value or ""))
    except BadUserInput as exc:
        raise validation_fault(NS, exc.message, code, f"{_SUBMIT}/{pointer}") from None


def _listed(table: Mapping[str, object], value: str | None, what: str, code: str, pointer: str) -> str:
    """``value`` if it is in the code list ``table``, else a fault listing the codes."""
    if value is None or value not in table:
        known = ", ".join(sorted(table))
        raise validation_fault(NS, f"{what} {value} is not one of {known}", code, f"{_SUBMIT}/{pointer}")
    return value


def _unit(node: etree._Element, name: str, at: str) -> str:
    return _listed(codes.UNITS, _text(node, name), "unit", "UNKNOWN_UNIT", f"{at}/{name}")


def _goods_item(node: etree._Element, at: str) -> story.GoodsItem:
    tariff = _text(node, "TariffCode") or ""
    _rule(ids.parse_hs_code, tariff, "INVALID_TARIFF_CODE", f"{at}/TariffCode")
    second = _text(node, "SecondQuantity")
    if (second is None) != (_text(node, "SecondUnit") is None):
        raise validation_fault(
            NS, "give SecondQuantity and SecondUnit together", "SECOND_UNIT", f"{_SUBMIT}/{at}/SecondUnit"
        )
    return story.GoodsItem(
        tariff_code=tariff,
        description=_text(node, "Description") or "",
        quantity=Decimal(_text(node, "Quantity") or "0"),
        unit=_unit(node, "Unit", at),
        legal_quantity=Decimal(_text(node, "LegalQuantity") or "0"),
        legal_unit=_unit(node, "LegalUnit", at),
        second_quantity=Decimal(second) if second is not None else None,
        second_unit=_unit(node, "SecondUnit", at) if second is not None else None,
        value=Decimal(_text(node, "Value") or "0"),
        currency=_rule(ids.parse_currency, _text(node, "Currency"), "INVALID_CURRENCY", f"{at}/Currency"),
        origin=_rule(ids.parse_country, _text(node, "Origin"), "INVALID_COUNTRY", f"{at}/Origin"),
        destination=_rule(ids.parse_country, _text(node, "Destination"), "INVALID_COUNTRY", f"{at}/Destination"),
        exemption=_listed(codes.EXEMPTIONS, _text(node, "Exemption"), "exemption", "UNKNOWN_CODE", f"{at}/Exemption"),
    )


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
        _add(reply, "EntryID", entry.number)
        self._notification(reply, "Notification", *entry.history[0])
        _add(reply, "Duplicate", "true" if duplicate else "false")
        return reply

    def _submission(self, payload: etree._Element) -> Submission:
        declarant_node = payload.find(_q("Declarant"))
        conveyance = payload.find(_q("Conveyance"))
        assert declarant_node is not None and conveyance is not None  # the XSD requires them
        country, tax_id = _party(declarant_node)
        tax_id = _rule(lambda v: ids.parse_tax_id(country, v), tax_id, "INVALID_TAX_ID", "Declarant/TaxID")
        procedure = _listed(
            codes.TRADE_MODES, _text(payload, "TradeMode"), "trade mode", "UNKNOWN_TRADE_MODE", "TradeMode"
        )
        office = _listed(codes.OFFICES, _text(payload, "OfficeCode"), "customs office", "UNKNOWN_OFFICE", "OfficeCode")
        exit_office = _listed(
            codes.OFFICES, _text(payload, "ExitOfficeCode"), "exit customs office", "UNKNOWN_OFFICE", "ExitOfficeCode"
        )
        mode = _listed(
            codes.TRANSPORT_MODES, _text(payload, "TransportMode"), "transport mode", "UNKNOWN_CODE", "TransportMode"
        )
        terms = _listed(
            codes.TRANSACTION_TERMS,
            _text(payload, "TransactionTerms"),
            "transaction terms",
            "UNKNOWN_CODE",
            "TransactionTerms",
        )
        levy = _listed(codes.LEVY_NATURES, _text(payload, "LevyNature"), "levy nature", "UNKNOWN_CODE", "LevyNature")
        awb = _text(payload, "AWB")
        vin = _text(payload, "VIN")
        barter = _text(payload, "BarterContractID")
        if awb is not None:
            awb = _rule(ids.parse_awb, awb, "INVALID_AWB", "AWB")
        if mode == "5" and awb is None:
            raise validation_fault(
                NS, "an air shipment (transport mode 5) needs its AWB", "AWB_REQUIRED", f"{_SUBMIT}/AWB"
            )
        if vin is not None:
            vin = _rule(ids.parse_vin, vin, "INVALID_VIN", "VIN")
        if procedure == "0130" and not barter:
            raise validation_fault(
                NS,
                "trade mode 0130 (barter trade) needs the BarterContractID",
                "BARTER_CONTRACT_REQUIRED",
                f"{_SUBMIT}/BarterContractID",
            )
        licences = tuple(
            (
                _listed(codes.LICENCES, _text(n, "Code"), "licence", "UNKNOWN_CODE", f"Licence[{i}]/Code"),
                _text(n, "Number") or "",
            )
            for i, n in enumerate(payload.iterfind(_q("Licence")), start=1)
        )
        if vin is not None and _text(payload, "Direction") == "EXPORT" and "4" not in {c for c, _ in licences}:
            raise validation_fault(
                NS, "a used vehicle export needs its export licence (code 4)", "LICENCE_REQUIRED", f"{_SUBMIT}/Licence"
            )
        items = [
            _goods_item(node, f"GoodsItem[{index}]")
            for index, node in enumerate(payload.iterfind(_q("GoodsItem")), start=1)
        ]
        return Submission(
            lrn=_text(payload, "LRN") or "",
            declarant=(country, tax_id),
            direction=_text(payload, "Direction") or "",
            procedure=procedure,
            office=office,
            exit_office=exit_office,
            departure_port=_text(payload, "DeparturePort") or "",
            transport_mode=mode,
            conveyance=_text(conveyance, "Name") or "",
            voyage=_text(conveyance, "Voyage"),
            awb=awb,
            vin=vin,
            barter_contract=barter,
            transaction_terms=terms,
            licences=licences,
            items=tuple(items),
            levy_nature=levy,
        )

    # -- RecordDecision -------------------------------------------------------------------------------------
    def decide(self, call: Call) -> etree._Element:
        number, status = _text(call.payload, "EntryID") or "", _text(call.payload, "Status") or ""
        try:
            entry = self.register.decide(number, status, call.agency)
        except RuleViolation as exc:
            raise validation_fault(NS, str(exc), exc.code, exc.pointer) from None
        reply = etree.Element(_q("RecordDecisionResponse"), nsmap={"cus": NS})
        if entry is not None:
            self._declaration(reply, entry)
        return reply

    # -- reads ------------------------------------------------------------------------------------------------
    def status(self, call: Call) -> etree._Element:
        number, lrn = _text(call.payload, "EntryID"), _text(call.payload, "LRN")
        if (number is None) == (lrn is None):
            raise validation_fault(
                NS, "give exactly one of EntryID or LRN", "ENTRY_ID_OR_LRN", "/GetDeclarationStatusRequest"
            )
        declarant_node = call.payload.find(_q("Declarant"))
        declarant = _party(declarant_node) if declarant_node is not None else None
        entry = (
            self.register.by_number(number, call.agency)
            if number is not None
            else self.register.by_lrn(lrn or "", declarant, call.agency)
        )
        reply = etree.Element(_q("GetDeclarationStatusResponse"), nsmap={"cus": NS})
        if entry is not None:
            self._declaration(reply, entry)
        return reply

    def statuses(self, call: Call) -> etree._Element:
        reply = etree.Element(_q("GetDeclarationStatusesResponse"), nsmap={"cus": NS})
        seen: set[str] = set()
        for node in call.payload.iterfind(_q("EntryID")):
            number = (node.text or "").strip()
            if number in seen:
                continue
            seen.add(number)
            entry = self.register.by_number(number, call.agency)
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
    def _notification(self, parent: etree._Element, name: str, status: str, at: dt.datetime) -> None:
        code, message = NOTIFICATIONS[status]
        node = _add(parent, name)
        _add(node, "Status", status)
        _add(node, "FunctionCode", code)
        _add(node, "Name", message)
        _add(node, "IssueDateTime", _stamp(at))

    def _declaration(self, parent: etree._Element, entry: Entry) -> None:
        s = entry.submission
        node = _add(parent, "Declaration")
        _add(node, "EntryID", entry.number)
        _add(node, "LRN", s.lrn)
        party = _add(node, "Declarant")
        _add(party, "Country", s.declarant[0])
        _add(party, "TaxID", s.declarant[1])
        _add(node, "Direction", s.direction)
        _add(node, "TradeMode", s.procedure)
        for element, code in (("Office", s.office), ("ExitOffice", s.exit_office)):
            office = _add(node, element)
            _add(office, "Code", code)
            _add(office, "Name", codes.OFFICES[code].name if code in codes.OFFICES else code)
        _add(node, "DeparturePort", s.departure_port)
        _add(node, "TransportMode", s.transport_mode)
        conveyance = _add(node, "Conveyance")
        _add(conveyance, "Name", s.conveyance)
        if s.voyage:
            _add(conveyance, "Voyage", s.voyage)
        _add(node, "TransactionTerms", s.transaction_terms)
        _add(node, "LevyNature", s.levy_nature)
        for element, value in (("AWB", s.awb), ("VIN", s.vin), ("BarterContractID", s.barter_contract)):
            if value:
                _add(node, element, value)
        for code, number in s.licences:
            licence = _add(node, "Licence")
            _add(licence, "Code", code)
            _add(licence, "Number", number)
        for item in s.items:
            self._goods(node, item)
        self._notification(node, "Status", *entry.status)
        for status, at in entry.history:
            self._notification(node, "Notification", status, at)

    @staticmethod
    def _goods(parent: etree._Element, item: story.GoodsItem) -> None:
        goods = _add(parent, "GoodsItem")
        _add(goods, "TariffCode", item.tariff_code)
        _add(goods, "Description", item.description)
        _add(goods, "Quantity", item.quantity)
        _add(goods, "Unit", item.unit)
        _add(goods, "LegalQuantity", item.legal_quantity)
        _add(goods, "LegalUnit", item.legal_unit)
        if item.second_quantity is not None and item.second_unit is not None:
            _add(goods, "SecondQuantity", item.second_quantity)
            _add(goods, "SecondUnit", item.second_unit)
        _add(goods, "UnitPrice", item.unit_price)
        _add(goods, "Value", item.value)
        _add(goods, "Currency", item.currency)
        _add(goods, "Origin", item.origin)
        _add(goods, "Destination", item.destination)
        _add(goods, "Exemption", item.exemption)


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
            "RecordDecision": handlers.decide,
        },
        options=options,
    )
    return service.app()
