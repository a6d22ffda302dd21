"""Taxpayer identifiers of the platform's countries.

python-stdnum checks the countries it knows (CN USCC, RU INN, BY UNP, IN GSTIN/PAN, PK CNIC, AZ, TR, EG); the
check algorithms stdnum lacks (KZ BIN/IIN, UZ PINFL, IR national id) are written here from the reference.
Countries without a known rule accept 4-20 letters, digits or '-' (format only).

:func:`parse_tax_id` returns the compact canonical form (no spaces or dashes, upper case), which is what entity
keys such as ``Company(country, taxId)`` use.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from types import ModuleType
from typing import Any

from stdnum.exceptions import ValidationError as _StdnumError

from gateway.errors import BadUserInput

__all__ = ["TAX_ID_RULES", "TaxIdRule", "kz_check_digit", "parse_tax_id"]


@dataclasses.dataclass(frozen=True, slots=True)
class TaxIdRule:
    """One country's tax id rule: what it expects (for messages), its shape, and its check (if any)."""

    description: str
    pattern: re.Pattern[str]
    check: Callable[[str], str | None]  # None when valid, else what failed
    verified: bool = True  # False: format from a weak source (domain.md marks it unverified)


# --------------------------------------------------------------------------------------------- algorithms


def kz_check_digit(first11: str) -> int | None:
    """Kazakh BIN/IIN check digit, or None when no digit works (such numbers are never issued)."""
    digits = [int(c) for c in first11]
    total = sum(d * w for d, w in zip(digits, range(1, 12), strict=True)) % 11
    if total == 10:
        total = sum(d * w for d, w in zip(digits, (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2), strict=True)) % 11
        if total == 10:
            return None
    return total


def _kz(number: str) -> str | None:
    month = int(number[2:4])
    if number[4] in "456":  # BIN: YYMM + type (resident, non-resident, IP(C)) + division + serial + check
        if not 1 <= month <= 12:
            return f"BIN month {number[2:4]} is not 01-12"
        if number[5] not in "0123":
            return "BIN 6th digit (division: 0 head, 1 branch, 2 representative, 3 farm) must be 0-3"
    elif number[6] in "123456":  # IIN: YYMMDD + century/gender + serial + check
        if not (1 <= month <= 12 and 1 <= int(number[4:6]) <= 31):
            return f"IIN birth date {number[:6]} is not a date (YYMMDD)"
    else:
        return "neither a BIN (5th digit 4-6) nor an IIN (7th digit 1-6)"
    check = kz_check_digit(number[:11])
    if check is None or check != int(number[11]):
        return "the check digit (12th) does not match"
    return None


def _uz(number: str) -> str | None:
    if len(number) == 9:
        return None  # TIN: format only (unverified)
    total = sum(int(c) * w for c, w in zip(number[:13], (7, 3, 1) * 5, strict=False)) % 10
    return None if total == int(number[13]) else "the PINFL check digit (14th) does not match"


def _ir(number: str) -> str | None:
    if len(number) != 10:
        return None  # legal entity id / economic code: format only (unverified)
    if len(set(number)) == 1:
        return "a national id of one repeated digit is never issued"
    rest = sum(int(number[i]) * (10 - i) for i in range(9)) % 11
    check = rest if rest < 2 else 11 - rest
    return None if check == int(number[9]) else "the national id check digit (10th) does not match"


def _stdnum(*modules: ModuleType) -> Callable[[str], str | None]:
    def check(number: str) -> str | None:
        reasons = []
        for module in modules:
            try:
                module.validate(number)
            except _StdnumError as exc:
                reasons.append(str(exc).lower().rstrip("."))
            else:
                return None
        return " / ".join(dict.fromkeys(reasons))

    return check


def _format_only(number: str) -> str | None:
    return None


def _pk(number: str) -> str | None:
    return None if len(number) == 8 else _stdnum(_import("stdnum.pk.cnic"))(number)


def _import(name: str) -> ModuleType:
    import importlib

    return importlib.import_module(name)


def _rules() -> dict[str, TaxIdRule]:
    m = _import
    return {
        "CN": TaxIdRule(
            "an 18-character unified social credit code (USCC) with its check character",
            re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}"),
            _stdnum(m("stdnum.cn.uscc")),
        ),
        "RU": TaxIdRule(
            "an INN of 10 (organisation) or 12 (person) digits with check digits",
            re.compile(r"[0-9]{10}(?:[0-9]{2})?"),
            _stdnum(m("stdnum.ru.inn")),
        ),
        "KZ": TaxIdRule("a 12-digit BIN or IIN with check digit", re.compile(r"[0-9]{12}"), _kz),
        "BY": TaxIdRule("a 9-character UNP with check digit", re.compile(r"[0-9A-Z]{9}"), _stdnum(m("stdnum.by.unp"))),
        "IN": TaxIdRule(
            "a 15-character GSTIN or a 10-character PAN",
            re.compile(r"[0-9A-Z]{10}(?:[0-9A-Z]{5})?"),
            _stdnum(m("stdnum.in_.gstin"), m("stdnum.in_.pan")),
        ),
        "PK": TaxIdRule("an 8-digit NTN (1234567-8) or a 13-digit CNIC", re.compile(r"[0-9]{8}|[0-9]{13}"), _pk),
        "UZ": TaxIdRule("a 9-digit TIN or a 14-digit PINFL", re.compile(r"[0-9]{9}|[0-9]{14}"), _uz, verified=False),
        "KG": TaxIdRule("a 14-digit INN", re.compile(r"[0-9]{14}"), _format_only, verified=False),
        "TJ": TaxIdRule("a 9-digit INN", re.compile(r"[0-9]{9}"), _format_only, verified=False),
        "IR": TaxIdRule(
            "a 10-digit national id (with check digit), an 11-digit entity id or a 12-digit economic code",
            re.compile(r"[0-9]{10,12}"),
            _ir,
            verified=False,
        ),
        "AZ": TaxIdRule("a 10-digit VÖEN", re.compile(r"[0-9]{10}"), _stdnum(m("stdnum.az.voen"))),
        "TR": TaxIdRule(
            "a 10-digit VKN or an 11-digit T.C. Kimlik No.",
            re.compile(r"[0-9]{10,11}"),
            _stdnum(m("stdnum.tr.vkn"), m("stdnum.tr.tckimlik")),
        ),
        "EG": TaxIdRule("a 9-digit tax number", re.compile(r"[0-9]{9}"), _stdnum(m("stdnum.eg.tn"))),
    }


TAX_ID_RULES: dict[str, TaxIdRule] = _rules()

_SEPARATORS = re.compile(r"[\s\-./]")
_GENERIC = re.compile(r"[0-9A-Z-]{4,20}")


def parse_tax_id(country: Any, value: Any, field: str | None = None) -> str:
    """A taxpayer id checked by its country's rule; returns the compact canonical form."""
    from gateway.sdk.identifiers import parse_country

    cc = parse_country(country, field)
    if not isinstance(value, str):
        raise BadUserInput(f"TaxId must be a string, got {type(value).__name__}", field=field)
    if not value.isascii():
        raise BadUserInput(f"tax id {value!r} for {cc} must use ASCII letters and digits only", field=field)
    rule = TAX_ID_RULES.get(cc)
    if rule is None:
        text = value.strip().upper().replace(" ", "")
        if not _GENERIC.fullmatch(text):
            raise BadUserInput(f"tax id {value!r} for {cc} must be 4-20 letters, digits or '-'", field=field)
        return text
    text = _SEPARATORS.sub("", value).upper()
    if not rule.pattern.fullmatch(text):
        raise BadUserInput(f"tax id {value!r} is not a valid {cc} tax id: expected {rule.description}", field=field)
    problem = rule.check(text)
    if problem is not None:
        raise BadUserInput(f"tax id {value!r} is not a valid {cc} tax id: {problem}", field=field)
    return text
