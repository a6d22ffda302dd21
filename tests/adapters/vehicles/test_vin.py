from __future__ import annotations

import pytest

from adapters.vehicles.vin import decode_vin


@pytest.mark.parametrize(
    ("vin", "manufacturer", "country", "years"),
    [
        ("LSVAM418XP2184847", "SAIC Volkswagen", "CN", (2023, 1993)),
        ("LVSHCAMB1TE123456", "Changan Ford", "CN", (2026, 1996)),
        ("JHMCM5653HC404453", "Honda", "JP", (2017, 1987)),
    ],
)
def test_the_story_vins_decode_with_a_valid_check_digit(
    vin: str, manufacturer: str, country: str, years: tuple[int, ...]
) -> None:
    decoded = decode_vin(vin)
    assert decoded.manufacturer == manufacturer
    assert decoded.country == country
    assert decoded.model_years == years
    assert decoded.check_digit == "VALID"
    assert decoded.wmi == vin[:3]


def test_an_avtovaz_vin_without_a_check_digit_is_not_used_not_invalid() -> None:
    decoded = decode_vin("XTA21099043576182")
    assert decoded.manufacturer == "AvtoVAZ"
    assert decoded.country == "RU"
    assert decoded.region == "Europe"
    assert decoded.model_years == (2004,)
    assert decoded.check_digit == "NOT_USED"


def test_a_chinese_vin_with_a_wrong_check_digit_is_invalid() -> None:
    assert decode_vin("LSVAM4187C2184848").check_digit == "INVALID"


def test_sections_follow_iso_3779() -> None:
    decoded = decode_vin("LSVAM418XP2184847")
    assert (decoded.wmi, decoded.vds, decoded.vis) == ("LSV", "AM418", "P2184847")


def test_the_model_year_is_the_candidate_consistent_with_first_registration() -> None:
    decoded = decode_vin("LSVAM418XP2184847")
    assert decoded.model_year(2023) == 2023
    assert decoded.model_year(2000) == 1993
    assert decoded.model_year(1980) is None
    assert decoded.model_year(None) == 2023


def test_an_unknown_maker_decodes_to_none_and_no_model_year() -> None:
    decoded = decode_vin("ZZZZZZZZZZZZZZZZZ")
    assert decoded.manufacturer is None
    assert decoded.model_years == ()
    assert decoded.model_year(2020) is None
