"""The one VIN rule (ISO 3779 / SAE / 49 CFR 565), on the kept ``vininfo`` library.

Both the GraphQL ``VIN`` scalar (:func:`gateway.sdk.identifiers.parse_vin`) and the vehicle decoder
(``adapters.vehicles.vin``) ask :func:`check_digit_status`, so they cannot disagree:

* ``VALID``: vininfo verifies the check digit (position 9) *and* the model-year code (position 10 is never
  ``U``, ``Z`` or ``0``; those are not year codes);
* ``INVALID``: it does not, and the maker's region mandates the check digit (North America ``1``-``5``,
  China ``L``; GB 16735 follows 49 CFR 565), so the scalar refuses the VIN;
* ``NOT_USED``: it does not, but the check digit is optional there (ISO 3779): e.g. AvtoVAZ ``XTA...``.
"""

from __future__ import annotations

from vininfo import Vin

__all__ = ["CHECK_DIGIT_REGIONS", "NOT_YEAR_CODES", "VIN_CHARACTERS", "check_digit_status", "vin_problem"]

#: WMI first characters whose makers must use the check digit (North America, China); optional elsewhere.
CHECK_DIGIT_REGIONS = tuple("12345L")
#: characters a VIN may hold (ISO 3779: no I, O, Q)
VIN_CHARACTERS = frozenset("0123456789ABCDEFGHJKLMNPRSTUVWXYZ")
#: position-10 characters that are no model-year code
NOT_YEAR_CODES = frozenset("UZ0")


def check_digit_status(vin: str) -> str:
    """``VALID``, ``INVALID`` or ``NOT_USED`` for a 17-character VIN of :data:`VIN_CHARACTERS`."""
    if Vin(vin).verify_checksum():
        return "VALID"
    return "INVALID" if vin.startswith(CHECK_DIGIT_REGIONS) else "NOT_USED"


def vin_problem(vin: str) -> str | None:
    """Why the scalar refuses ``vin`` (a 17-character VIN of :data:`VIN_CHARACTERS`), or ``None``."""
    if check_digit_status(vin) != "INVALID":
        return None
    if vin[9] in NOT_YEAR_CODES:
        return f"position 10 ({vin[9]}) is not a model-year code (U, Z and 0 are never used)"
    return "position 9 is not its check digit"
