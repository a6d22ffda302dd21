"""Properties of the shared identifier rules: valid values round-trip, invalid ones fail as BAD_USER_INPUT."""

from __future__ import annotations

import contextlib
import string
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from vininfo import Vin

from adapters.vehicles.vin import decode_vin
from gateway.errors import BadUserInput
from gateway.sdk import identifiers as ids
from gateway.sdk.tax_ids import TAX_ID_RULES

PARSERS: dict[str, Callable[..., Any]] = {
    "currency": ids.parse_currency,
    "country": ids.parse_country,
    "money": ids.parse_money,
    "awb": ids.parse_awb,
    "vin": ids.parse_vin,
    "bic": ids.parse_bic,
    "iban": ids.parse_iban,
    "hs_code": ids.parse_hs_code,
    "uetr": ids.parse_uetr,
}

anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(),
    st.text(alphabet=string.ascii_uppercase + string.digits + "-. ", max_size=40),
    st.binary(),
    st.lists(st.text(), max_size=3),
    st.dictionaries(st.text(max_size=10), st.one_of(st.text(), st.integers(), st.none()), max_size=3),
    st.fixed_dictionaries({"amount": st.one_of(st.text(), st.integers(), st.floats()), "currency": st.text()}),
)


@pytest.mark.parametrize("name", sorted(PARSERS))
@given(value=anything)
def test_any_input_is_accepted_or_rejected_as_bad_user_input(name: str, value: Any) -> None:
    try:
        PARSERS[name](value, field="input.x")
    except BadUserInput as exc:
        assert exc.code == "BAD_USER_INPUT"
        assert exc.field == "input.x"
        assert exc.message


@given(country=st.one_of(st.text(), st.none(), st.integers()), value=anything)
def test_tax_id_fuzz_raises_only_bad_user_input(country: Any, value: Any) -> None:
    try:
        ids.parse_tax_id(country, value, field="taxId")
    except BadUserInput as exc:
        assert exc.field == "taxId"


@given(value=anything)
def test_tax_id_fuzz_for_every_ruled_country(value: Any) -> None:
    for country in (*TAX_ID_RULES, "DE"):
        with contextlib.suppress(BadUserInput):
            assert ids.parse_tax_id(country, value).isascii()


# ----------------------------------------------------------------------------------------------- AWB

serials = st.integers(min_value=0, max_value=9_999_999).map(lambda n: f"{n:07d}")
prefixes = st.integers(min_value=0, max_value=999).map(lambda n: f"{n:03d}")


@given(prefix=prefixes, serial=serials, sep=st.sampled_from(["-", "", " "]))
def test_awb_with_mod7_check_digit_is_accepted_and_canonical(prefix: str, serial: str, sep: str) -> None:
    awb = f"{prefix}{sep}{serial}{int(serial) % 7}"
    assert ids.parse_awb(awb) == f"{prefix}-{serial}{int(serial) % 7}"
    assert ids.parse_awb(ids.parse_awb(awb)) == ids.parse_awb(awb)


@given(prefix=prefixes, serial=serials, wrong=st.integers(min_value=0, max_value=9))
def test_awb_with_any_other_check_digit_is_rejected(prefix: str, serial: str, wrong: int) -> None:
    if wrong == int(serial) % 7:
        wrong = (wrong + 1) % 10
    with pytest.raises(BadUserInput, match="check digit"):
        ids.parse_awb(f"{prefix}-{serial}{wrong}")


@pytest.mark.parametrize("awb", ["020-12345675", "157-53806270", "784-30791202", "999-12345675"])
def test_awb_reference_samples(awb: str) -> None:
    assert ids.parse_awb(awb) == awb


@pytest.mark.parametrize("awb", ["020-1234567", "02-123456755", "020_12345675", "٠٢٠-١٢٣٤٥٦٧٥", "020-12345675\n1"])
def test_awb_shape_is_three_digits_dash_eight_digits(awb: str) -> None:
    with pytest.raises(BadUserInput, match="3 digits"):
        ids.parse_awb(awb)


# ----------------------------------------------------------------------------------------------- VIN

VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
vin_tails = st.text(alphabet=VIN_CHARS, min_size=13, max_size=13)  # positions 4-8 and 10-17


def _vin(wmi: str, tail: str, check: str | None = None) -> str:
    """A VIN from its parts; without ``check``, the one check digit the kept library verifies."""
    draft = wmi + tail[:5] + "0" + tail[5:]
    if check is None:
        fits = [d for d in "0123456789X" if Vin(draft[:8] + d + draft[9:]).verify_checksum(check_year=False)]
        assert len(fits) == 1, draft
        check = fits[0]
    return draft[:8] + check + draft[9:]


wmis_checked = st.tuples(st.sampled_from("12345L"), st.text(alphabet=VIN_CHARS, min_size=2, max_size=2)).map("".join)
year_tails = vin_tails.filter(lambda t: t[5] not in "UZ0")  # position 10: a model-year code


@given(wmi=wmis_checked, tail=year_tails)
def test_vin_with_correct_check_digit_is_accepted(wmi: str, tail: str) -> None:
    vin = _vin(wmi, tail)
    assert ids.parse_vin(vin.lower()) == vin
    assert decode_vin(vin).check_digit == "VALID"  # the scalar and the decoder share one rule


@given(wmi=wmis_checked, tail=year_tails, wrong=st.sampled_from("0123456789X"))
def test_vin_with_wrong_check_digit_is_rejected_where_mandated(wmi: str, tail: str, wrong: str) -> None:
    vin = _vin(wmi, tail)
    if vin[8] == wrong:
        return
    with pytest.raises(BadUserInput, match="position 9"):
        ids.parse_vin(_vin(wmi, tail, wrong))
    assert decode_vin(_vin(wmi, tail, wrong)).check_digit == "INVALID"


@given(wmi=wmis_checked, tail=vin_tails, year=st.sampled_from("UZ0"))
def test_u_z_and_0_are_no_model_year_where_the_check_is_mandated(wmi: str, tail: str, year: str) -> None:
    vin = _vin(wmi, tail[:5] + year + tail[6:])
    with pytest.raises(BadUserInput, match="model-year"):
        ids.parse_vin(vin)
    assert decode_vin(vin).check_digit == "INVALID"
    assert decode_vin(vin).model_years == ()


@given(wmi=st.sampled_from(["XTA", "WVW", "JHM", "SAL", "KMH"]), tail=vin_tails, check=st.sampled_from(VIN_CHARS))
def test_vin_check_digit_is_optional_outside_north_america_and_china(wmi: str, tail: str, check: str) -> None:
    vin = _vin(wmi, tail, check)
    assert ids.parse_vin(vin) == vin


@pytest.mark.parametrize("vin", ["LSVAM418XP2184847", "LVSHCAMB1TE123456", "JHMCM5653HC404453", "XTA21099043576182"])
def test_vin_reference_samples(vin: str) -> None:
    assert ids.parse_vin(vin) == vin


@pytest.mark.parametrize(
    ("vin", "rule"),
    [
        ("LSVAM4187C218484", "17 characters"),
        ("LSVAM4187C218484O", "not allowed"),
        ("LSVAM4188C2184847", "position 9"),
        ("LSVAM4187U2184847", "position 10"),
    ],
)
def test_vin_rules_are_named(vin: str, rule: str) -> None:
    with pytest.raises(BadUserInput, match=rule):
        ids.parse_vin(vin)


# ----------------------------------------------------------------------------------------------- codes


@given(code=st.sampled_from(sorted(ids.CURRENCY_EXPONENTS)))
def test_every_iso4217_code_parses_case_insensitively(code: str) -> None:
    assert ids.parse_currency(f" {code.lower()} ") == code


@pytest.mark.parametrize(
    ("code", "rule"), [("ABC", "ISO 4217"), ("CN", "ISO 4217"), ("ＣＮＹ", "ASCII"), ("ﬀ", "ASCII"), (156, "string")]
)
def test_currency_codes_outside_iso4217_are_rejected(code: object, rule: str) -> None:
    with pytest.raises(BadUserInput, match=rule):
        ids.parse_currency(code)


@pytest.mark.parametrize("code", ["ß", "XX", "SU", "kz1", "ǆ"])
def test_country_codes_must_be_assigned_iso3166_alpha2_in_ascii(code: str) -> None:
    with pytest.raises(BadUserInput):
        ids.parse_country(code)


def test_country_code_is_upper_cased() -> None:
    assert ids.parse_country("kz") == "KZ"


@given(st.uuids(version=4))
def test_uetr_is_a_uuid4_canonically_lower_case(value: uuid.UUID) -> None:
    assert ids.parse_uetr(str(value).upper()) == str(value)


@pytest.mark.parametrize("uetr", [str(uuid.UUID(int=1, version=1)), "6513270e269e4d37b2a74de452e6b438", ""])
def test_uetr_other_than_uuid4_is_rejected(uetr: str) -> None:
    with pytest.raises(BadUserInput, match="UUIDv4"):
        ids.parse_uetr(uetr)


@given(
    chapter=st.integers(min_value=1, max_value=97).filter(lambda c: c != 77),
    rest=st.text(alphabet=string.digits, min_size=2, max_size=2),
    sub=st.text(alphabet=string.digits, min_size=2, max_size=2),
    national=st.sampled_from(["", "10", "1000"]),
)
def test_hs_codes_round_trip_to_the_dotted_form(chapter: int, rest: str, sub: str, national: str) -> None:
    canonical = f"{chapter:02d}{rest}.{sub}{national}"
    assert ids.parse_hs_code(canonical.replace(".", "")) == canonical
    assert ids.parse_hs_code(canonical) == canonical


@pytest.mark.parametrize(("code", "rule"), [("7701.10", "chapter 77"), ("9801", "chapter 98"), ("870323101", "digits")])
def test_hs_code_rules_are_named(code: str, rule: str) -> None:
    with pytest.raises(BadUserInput, match=rule):
        ids.parse_hs_code(code)
