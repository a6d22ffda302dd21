"""The barter sandbox's contract register: seeded contracts, proposal and delivery rules, the ledger status.

This is the legacy system's own logic (it validates what it is sent and answers 422 naming the field); the
HTTP surface is :mod:`adapters.barter.sandbox.app`.
"""

from __future__ import annotations

import collections
import copy
import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.requests import Request

from adapters import story
from adapters.barter.balance import Leg, Line, compute_balance, settlement_status

__all__ = ["CODES", "Invalid", "Register", "ref"]

_HS = re.compile(r"^\d{4}(\.\d{2})?(\d{2,4})?$")
_MRN = re.compile(r"^(\d{18}|\d{2}[A-Z]{2}[A-Z0-9]{14})$")  # Chinese entry number or foreign reference
CODES = {400: "BAD_REQUEST", 409: "CONFLICT", 422: "VALIDATION"}
_OPEN_FOR_DELIVERY = frozenset({"SIGNED", "IN_EXECUTION", "OVERDUE"})


class Invalid(Exception):
    def __init__(self, field: str, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.status = status


def _seed_contract(c: story.BarterContract) -> dict[str, Any]:
    return {
        "id": c.id,
        "number": c.number,
        "date": c.signed_on,
        "partyA": {"country": c.party_a[0], "taxId": c.party_a[1]},
        "partyB": {"country": c.party_b[0], "taxId": c.party_b[1]},
        "type": c.kind,
        "referenceCurrency": c.reference_currency,
        "validUntil": c.valid_until,
        "counterDeliveryDeadline": c.counter_delivery_deadline,
        "status": c.status,
        "tolerancePct": str(c.tolerance_pct),
        "goods": [
            {
                "lineNo": n,
                "side": g.side,
                "hsCode": g.hs_code,
                "description": g.description,
                "quantity": str(g.quantity),
                "unit": g.unit,
                "unitValue": str(g.unit_value),
                "origin": g.origin,
                "incoterms": g.incoterms,
            }
            for n, g in enumerate(c.goods, start=1)
        ],
        "deliveries": [
            {
                "id": f"{c.id}-D{n}",
                "side": side,
                "hsCode": hs,
                "quantity": str(qty),
                "mrn": mrn,
                "awb": awb,
                "date": day,
                "procedure": "0130",
            }
            for n, (side, hs, qty, mrn, awb, day) in enumerate(c.deliveries, start=1)
        ],
    }


def ref(party: dict[str, Any]) -> str:
    return f"{party['country']}:{party['taxId']}"


class Register:
    """The contract register and its ledger (one per app, so every test starts from the story)."""

    def __init__(self, today: dt.date | None) -> None:
        self.contracts: dict[str, dict[str, Any]] = {c.id: _seed_contract(c) for c in story.BARTER_CONTRACTS}
        self.calls: collections.Counter[str] = collections.Counter()
        #: W3C traceparent headers received, in order (the adapter propagates the operation's trace)
        self.traceparents: list[str] = []
        self._today = today

    def served(self, endpoint: str, request: Request) -> None:
        """Count a call per endpoint and note its traceparent, like the real system's access log."""
        self.calls[endpoint] += 1
        if "traceparent" in request.headers:
            self.traceparents.append(request.headers["traceparent"])

    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def visible(self, contract: dict[str, Any], agency: str | None) -> bool:
        if agency is None:
            return True
        refs = {f"{c.country}:{c.tax_id}" for c in story.COMPANIES if agency in c.agencies}
        return ref(contract["partyA"]) in refs or ref(contract["partyB"]) in refs

    def view(self, contract: dict[str, Any]) -> dict[str, Any]:
        """The contract as the register reports it today (OVERDUE once the deadline passes)."""
        shown = copy.deepcopy(contract)
        if shown["status"] in _OPEN_FOR_DELIVERY | {"BALANCED"}:
            shown["status"] = self._status(contract)
        return shown

    def _status(self, contract: dict[str, Any]) -> str:
        balance = compute_balance(
            (
                Line(
                    side=g["side"],
                    hs_code=g["hsCode"],
                    quantity=Decimal(g["quantity"]),
                    unit_value=Decimal(g["unitValue"]),
                )
                for g in contract["goods"]
            ),
            (Leg(side=d["side"], hs_code=d["hsCode"], quantity=Decimal(d["quantity"])) for d in contract["deliveries"]),
            Decimal(contract["tolerancePct"]),
        )
        deadline = dt.date.fromisoformat(contract["counterDeliveryDeadline"])
        return settlement_status(contract["status"], balance, deadline, self.today())

    # -- writes -----------------------------------------------------------------------------------------
    def propose(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise Invalid("", "the body must be a JSON object")
        parties = {side: _party(body.get(side), side) for side in ("partyA", "partyB")}
        if parties["partyA"]["country"] == parties["partyB"]["country"]:
            raise Invalid("partyB.country", "a barter contract needs parties in two different countries")
        number = _text(body, "number")
        day = _date(body, "date")
        valid_until = _date(body, "validUntil")
        deadline = _date(body, "counterDeliveryDeadline")
        if valid_until < day:
            raise Invalid("validUntil", "validUntil must not be before the contract date")
        if deadline > valid_until:
            raise Invalid("counterDeliveryDeadline", "the counter-delivery deadline must fall within the validity")
        kind = _text(body, "type")
        if kind not in {"CLOSED", "OPEN", "TOLLING"}:
            raise Invalid("type", "type must be CLOSED, OPEN or TOLLING")
        currency = _text(body, "referenceCurrency")
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise Invalid("referenceCurrency", "referenceCurrency must be an ISO 4217 code")
        tolerance = _decimal(body.get("tolerancePct", "2.0"), "tolerancePct", allow_zero=True)
        goods_in = body.get("goods")
        if not isinstance(goods_in, list) or not goods_in:
            raise Invalid("goods", "goods must list at least one line per side")
        goods = [_goods_line(line, n) for n, line in enumerate(goods_in, start=1)]
        for side in ("A", "B"):
            if not any(g["side"] == side for g in goods):
                raise Invalid("goods", f"side {side} delivers nothing: each side needs at least one goods line")
        seen: set[tuple[str, str]] = set()
        for n, g in enumerate(goods):
            if (g["side"], g["hsCode"]) in seen:
                raise Invalid(f"goods[{n}].hsCode", f"HS code {g['hsCode']} is listed twice for side {g['side']}")
            seen.add((g["side"], g["hsCode"]))
        contract_id = f"BC-{day.year}-{len(self.contracts) + 1:04d}"
        contract = {
            "id": contract_id,
            "number": number,
            "date": day.isoformat(),
            **parties,
            "type": kind,
            "referenceCurrency": currency,
            "validUntil": valid_until.isoformat(),
            "counterDeliveryDeadline": deadline.isoformat(),
            "status": "DRAFT",
            "tolerancePct": str(tolerance),
            "goods": goods,
            "deliveries": [],
        }
        self.contracts[contract_id] = contract
        return contract

    def record_delivery(self, contract: dict[str, Any], body: Any) -> None:
        if not isinstance(body, dict):
            raise Invalid("", "the body must be a JSON object")
        if contract["status"] not in _OPEN_FOR_DELIVERY:
            raise Invalid(
                "contractId",
                f"contract {contract['id']} is {contract['status']}: deliveries need a signed contract",
                409,
            )
        side = body.get("side")
        if side not in {"A", "B"}:
            raise Invalid("side", "side must be A or B")
        hs_code = _text(body, "hsCode")
        line = next((g for g in contract["goods"] if g["side"] == side and g["hsCode"] == hs_code), None)
        if line is None:
            listed = ", ".join(g["hsCode"] for g in contract["goods"] if g["side"] == side)
            raise Invalid("hsCode", f"HS code {hs_code} is not in side {side}'s goods list ({listed})")
        quantity = _decimal(body.get("quantity"), "quantity")
        shipped = sum(
            (Decimal(d["quantity"]) for d in contract["deliveries"] if d["side"] == side and d["hsCode"] == hs_code),
            Decimal(0),
        )
        remaining = Decimal(line["quantity"]) - shipped
        if quantity > remaining:
            raise Invalid("quantity", f"quantity {quantity} exceeds the {remaining} {line['unit']} still to deliver")
        procedure = body.get("procedure") or "0130"
        mrn = body.get("mrn")
        if procedure == "0130" and not (isinstance(mrn, str) and _MRN.match(mrn)):
            raise Invalid("mrn", "a customs procedure 0130 delivery needs the declaration's 18-character MRN")
        contract["deliveries"].append(
            {
                "id": f"{contract['id']}-D{len(contract['deliveries']) + 1}",
                "side": side,
                "hsCode": hs_code,
                "quantity": str(quantity),
                "mrn": mrn,
                "awb": body.get("awb"),
                "date": _date(body, "date").isoformat(),
                "procedure": procedure,
            }
        )
        contract["status"] = self._status(contract)


def _text(body: dict[str, Any], field: str) -> str:
    value = body.get(field)
    if not isinstance(value, str) or not value.strip():
        raise Invalid(field, f"{field} is required")
    return value.strip()


def _date(body: dict[str, Any], field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(_text(body, field))
    except ValueError:
        raise Invalid(field, f"{field} must be an ISO date (yyyy-mm-dd)") from None


def _decimal(value: Any, field: str, *, allow_zero: bool = False) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise Invalid(field, f"{field} must be a decimal number") from None
    if not number.is_finite() or number < 0 or (number == 0 and not allow_zero):
        raise Invalid(field, f"{field} must be positive")
    return number


def _party(value: Any, field: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise Invalid(field, f"{field} is required")
    return {"country": _text(value, "country").upper(), "taxId": _text(value, "taxId").upper()}


def _goods_line(value: Any, line_no: int) -> dict[str, Any]:
    field = f"goods[{line_no - 1}]"
    if not isinstance(value, dict):
        raise Invalid(field, "a goods line must be an object")
    side = value.get("side")
    if side not in {"A", "B"}:
        raise Invalid(f"{field}.side", "side must be A or B")
    hs_code = _text(value, "hsCode")
    if not _HS.match(hs_code):
        raise Invalid(f"{field}.hsCode", f"{hs_code} is not an HS code")
    return {
        "lineNo": line_no,
        "side": side,
        "hsCode": hs_code,
        "description": _text(value, "description"),
        "quantity": str(_decimal(value.get("quantity"), f"{field}.quantity")),
        "unit": _text(value, "unit"),
        "unitValue": str(_decimal(value.get("unitValue"), f"{field}.unitValue")),
        "origin": _text(value, "origin"),
        "incoterms": _text(value, "incoterms"),
    }
