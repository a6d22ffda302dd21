"""Barter system JSON → the adapter's records, and proposals → JSON. Plain synchronous functions.

Anything the register sends that does not have the documented shape becomes
:class:`~gateway.errors.UpstreamProtocolError` naming the field, never a ``KeyError`` deep in a resolver.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from adapters.barter.model import Contract, Delivery, GoodsLine, Party
from gateway.errors import UpstreamProtocolError

__all__ = ["SERVICE", "contract_from_json", "contracts_from_json"]

SERVICE = "barter"


def _bad(where: str, why: str) -> UpstreamProtocolError:
    return UpstreamProtocolError(f"barter system sent a malformed contract: {where} {why}", service=SERVICE)


def _obj(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _bad(where, f"is {type(value).__name__}, expected an object")
    return value


def _str(obj: Mapping[str, Any], key: str, where: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value:
        raise _bad(f"{where}.{key}", "is missing or not a string")
    return value


def _opt_str(obj: Mapping[str, Any], key: str, where: str) -> str | None:
    value = obj.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _bad(f"{where}.{key}", "is not a string")
    return value


def _decimal(obj: Mapping[str, Any], key: str, where: str) -> Decimal:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _bad(f"{where}.{key}", "is missing or not a decimal string")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise _bad(f"{where}.{key}", f"{value!r} is not a decimal number") from None
    if not number.is_finite():
        raise _bad(f"{where}.{key}", "is not finite")
    return number


def _date(obj: Mapping[str, Any], key: str, where: str) -> dt.date:
    text = _str(obj, key, where)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _bad(f"{where}.{key}", f"{text!r} is not an ISO date") from None


_TYPES = frozenset({"CLOSED", "OPEN", "TOLLING"})
_STATUSES = frozenset({"DRAFT", "SIGNED", "IN_EXECUTION", "BALANCED", "OVERDUE", "CLOSED"})


def _member(obj: Mapping[str, Any], key: str, where: str, allowed: frozenset[str]) -> str:
    value = _str(obj, key, where)
    if value not in allowed:
        raise _bad(f"{where}.{key}", f"{value!r} is not one of {', '.join(sorted(allowed))}")
    return value


def _side(obj: Mapping[str, Any], where: str) -> str:
    side = _str(obj, "side", where)
    if side not in {"A", "B"}:
        raise _bad(f"{where}.side", f"{side!r} is neither A nor B")
    return side


def _party(value: Any, where: str) -> Party:
    obj = _obj(value, where)
    return Party(country=_str(obj, "country", where), tax_id=_str(obj, "taxId", where))


def _goods_line(value: Any, where: str) -> GoodsLine:
    obj = _obj(value, where)
    line_no = obj.get("lineNo")
    if isinstance(line_no, bool) or not isinstance(line_no, int):
        raise _bad(f"{where}.lineNo", "is missing or not an integer")
    return GoodsLine(
        line_no=line_no,
        side=_side(obj, where),
        hs_code=_str(obj, "hsCode", where),
        description=_str(obj, "description", where),
        quantity=_decimal(obj, "quantity", where),
        unit=_str(obj, "unit", where),
        unit_value=_decimal(obj, "unitValue", where),
        origin=_str(obj, "origin", where),
        incoterms=_str(obj, "incoterms", where),
    )


def _delivery(value: Any, where: str) -> Delivery:
    obj = _obj(value, where)
    return Delivery(
        id=_str(obj, "id", where),
        side=_side(obj, where),
        hs_code=_str(obj, "hsCode", where),
        quantity=_decimal(obj, "quantity", where),
        mrn=_opt_str(obj, "mrn", where),
        awb=_opt_str(obj, "awb", where),
        delivered_on=_date(obj, "date", where),
        procedure=_opt_str(obj, "procedure", where) or "0130",
    )


def _list(obj: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = obj.get(key)
    if not isinstance(value, list):
        raise _bad(f"{where}.{key}", "is missing or not a list")
    return value


def contract_from_json(value: Any) -> Contract:
    """One contract as the register sends it."""
    obj = _obj(value, "contract")
    where = f"contract {obj.get('id')!r}"
    return Contract(
        id=_str(obj, "id", where),
        number=_str(obj, "number", where),
        date=_date(obj, "date", where),
        party_a=_party(obj.get("partyA"), f"{where}.partyA"),
        party_b=_party(obj.get("partyB"), f"{where}.partyB"),
        kind=_member(obj, "type", where, _TYPES),
        reference_currency=_str(obj, "referenceCurrency", where),
        valid_until=_date(obj, "validUntil", where),
        counter_delivery_deadline=_date(obj, "counterDeliveryDeadline", where),
        status=_member(obj, "status", where, _STATUSES),
        tolerance_pct=_decimal(obj, "tolerancePct", where),
        goods=tuple(_goods_line(g, f"{where}.goods[{n}]") for n, g in enumerate(_list(obj, "goods", where))),
        deliveries=tuple(
            _delivery(d, f"{where}.deliveries[{n}]") for n, d in enumerate(_list(obj, "deliveries", where))
        ),
    )


def contracts_from_json(value: Any) -> list[Contract]:
    """A listing ``{"items": [...]}``."""
    obj = _obj(value, "listing")
    return [contract_from_json(item) for item in _list(obj, "items", "listing")]
