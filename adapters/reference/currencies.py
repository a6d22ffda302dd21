"""ISO 4217 currencies and which countries use them, from the ISO maintenance agency's table (``iso4217``).

The table names countries in its own style ("IRAN (ISLAMIC REPUBLIC OF)"); they are matched to ISO 3166 codes
through pycountry's names, with the few ISO 4217 spellings pycountry does not know listed below. Fund codes
(``IsFund``: BOV, CHE, USN...) are currencies but not a country's legal tender, so countries do not list them.
"""

from __future__ import annotations

import dataclasses
import functools

import iso4217
import pycountry

from gateway.sdk.identifiers import CURRENCY_EXPONENTS

__all__ = ["CurrencyRecord", "all_currencies", "country_currencies", "currency"]

#: ISO 4217 country names that pycountry spells otherwise. Supranational entries (EU, IMF, "ZZ..") map to none.
_ISO4217_NAMES: dict[str, str] = {
    "BOLIVIA (PLURINATIONAL STATE OF)": "BO",
    "CONGO (THE DEMOCRATIC REPUBLIC OF THE)": "CD",
    "FALKLAND ISLANDS (THE) [MALVINAS]": "FK",
    "HOLY SEE": "VA",
    "IRAN (ISLAMIC REPUBLIC OF)": "IR",
    "KOREA (THE DEMOCRATIC PEOPLE’S REPUBLIC OF)": "KP",
    "KOREA (THE REPUBLIC OF)": "KR",
    "LAO PEOPLE’S DEMOCRATIC REPUBLIC": "LA",
    "MICRONESIA (FEDERATED STATES OF)": "FM",
    "MOLDOVA (THE REPUBLIC OF)": "MD",
    "TAIWAN (PROVINCE OF CHINA)": "TW",
    "TÜRKİYE": "TR",
    "VENEZUELA (BOLIVARIAN REPUBLIC OF)": "VE",
    "VIRGIN ISLANDS (BRITISH)": "VG",
    "VIRGIN ISLANDS (U.S.)": "VI",
}


@dataclasses.dataclass(frozen=True, slots=True)
class CurrencyRecord:
    code: str
    numeric_code: str
    name: str
    #: ISO 4217 minor units; None where ISO says "N.A." (gold, SDR, test codes)
    minor_units: int | None
    fund: bool


def _country_code(iso_name: str, by_name: dict[str, str]) -> str | None:
    name = iso_name.strip()
    if name.endswith(" (THE)"):
        name = name[: -len(" (THE)")]
    return _ISO4217_NAMES.get(name) or by_name.get(name.upper())


@functools.cache
def _table() -> tuple[dict[str, CurrencyRecord], dict[str, tuple[str, ...]]]:
    by_name: dict[str, str] = {}
    for entry_3166 in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(entry_3166, attr, None)
            if value:
                by_name[value.upper()] = entry_3166.alpha_2
    records: dict[str, CurrencyRecord] = {}
    uses: dict[str, list[str]] = {}
    for entry in iso4217.raw_xml.iter("CcyNtry"):
        code = entry.findtext("Ccy")
        name_node = entry.find("CcyNm")
        if not code or name_node is None:
            continue  # "ANTARCTICA: No universal currency"
        fund = name_node.get("IsFund") == "true"
        records[code] = CurrencyRecord(
            code=code,
            numeric_code=f"{int(entry.findtext('CcyNbr') or 0):03d}",
            name=(name_node.text or code).strip(),
            minor_units=CURRENCY_EXPONENTS.get(code),
            fund=fund,
        )
        country = _country_code(entry.findtext("CtryNm") or "", by_name)
        if country and not fund and code not in uses.setdefault(country, []):
            uses[country].append(code)
    return records, {country: tuple(codes) for country, codes in uses.items()}


def all_currencies() -> list[CurrencyRecord]:
    """Every ISO 4217 currency, by code."""
    return sorted(_table()[0].values(), key=lambda c: c.code)


def currency(code: str) -> CurrencyRecord | None:
    return _table()[0].get(code)


def country_currencies(country: str) -> list[CurrencyRecord]:
    """The currencies that are legal tender in a country (ISO 3166 alpha-2), in ISO table order."""
    records = _table()[0]
    return [records[code] for code in _table()[1].get(country, ())]
