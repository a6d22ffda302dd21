"""Decoding a VIN with ``vininfo``: maker, country, model year candidates, and the check digit's status."""

from __future__ import annotations

import dataclasses
import functools

import pycountry
from vininfo import Vin

from gateway.sdk.vin import check_digit_status

__all__ = ["VinDecoding", "decode_vin"]

#: vininfo country names that pycountry does not know by that name.
_COUNTRY_ALIASES = {
    "Russia": "RU",
    "Korea (South)": "KR",
    "South Korea": "KR",
    "Korea (North)": "KP",
    "Iran": "IR",
    "Czech Republic": "CZ",
    "Turkey": "TR",
    "Vietnam": "VN",
    "Taiwan": "TW",
    "Bolivia": "BO",
    "Venezuela": "VE",
    "Moldova": "MD",
    "Tanzania": "TZ",
    "Syria": "SY",
    "Macedonia": "MK",
}


@dataclasses.dataclass(frozen=True, kw_only=True)
class VinDecoding:
    #: world manufacturer identifier (positions 1-3)
    wmi: str
    #: vehicle descriptor section (positions 4-8; 9 is the check digit)
    vds: str
    #: vehicle identifier section (positions 10-17: model year, plant, serial)
    vis: str
    manufacturer: str | None
    country_name: str | None
    #: ISO 3166 alpha-2 of the country of manufacture, when the WMI names one
    country: str | None
    region: str | None
    #: candidate model years from position 10 (the code repeats every 30 years)
    model_years: tuple[int, ...]
    #: VALID, INVALID (a region that mandates it and it fails) or NOT_USED (optional and absent)
    check_digit: str

    def model_year(self, first_registered_year: int | None) -> int | None:
        """The latest candidate not later than the year after first registration (or the latest at all)."""
        if not self.model_years:
            return None
        if first_registered_year is None:
            return max(self.model_years)
        plausible = [y for y in self.model_years if y <= first_registered_year + 1]
        return max(plausible) if plausible else None


@functools.lru_cache(maxsize=1024)
def _alpha2(name: str) -> str | None:
    if name in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[name]
    try:
        return str(pycountry.countries.lookup(name).alpha_2)
    except LookupError:
        return None


def _known(value: object) -> str | None:
    text = str(value or "").strip()
    return None if not text or text.lower().startswith("unsupported") or text.lower() == "unknown" else text


@functools.lru_cache(maxsize=4096)
def decode_vin(vin: str) -> VinDecoding:
    """Decode a 17-character VIN (already validated by ``parse_vin`` or read from the legacy system)."""
    decoded = Vin(vin)
    check = check_digit_status(vin)
    country_name = _known(decoded.country)
    return VinDecoding(
        wmi=vin[:3],
        vds=vin[3:8],
        vis=vin[9:],
        manufacturer=_known(decoded.manufacturer),
        country_name=country_name,
        country=_alpha2(country_name) if country_name else None,
        region=_known(decoded.region),
        model_years=tuple(sorted(decoded.years, reverse=True)),
        check_digit=check,
    )
