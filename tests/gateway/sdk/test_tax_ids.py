"""Tax ids per country (domain.md §3.3): generated valid ids are accepted, a changed check digit is rejected."""

from __future__ import annotations

import string

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.cn import uscc as cn_uscc
from stdnum.ru import inn as ru_inn

from gateway.errors import BadUserInput
from gateway.sdk.tax_ids import TAX_ID_RULES, kz_check_digit, parse_tax_id

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
digits = string.digits


def _other(char: str, alphabet: str) -> st.SearchStrategy[str]:
    return st.sampled_from([c for c in alphabet if c != char])


# ------------------------------------------------------------------------------------------------ CN


def _uscc_weights_check(first17: str) -> str:
    """The check character by the weights written in domain.md §3.3 (independent of stdnum)."""
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, weights, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


uscc_bodies = st.tuples(
    st.text(alphabet=digits, min_size=8, max_size=8), st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9)
).map("".join)


@given(body=uscc_bodies)
def test_uscc_with_its_weighted_check_character_is_accepted(body: str) -> None:
    uscc = body + _uscc_weights_check(body)
    assert cn_uscc.calc_check_digit(body) == uscc[-1]  # python-stdnum, the rule parse_tax_id uses
    assert parse_tax_id("CN", uscc.lower()) == uscc


@given(body=uscc_bodies, data=st.data())
def test_uscc_with_another_check_character_is_rejected(body: str, data: st.DataObject) -> None:
    wrong = data.draw(_other(_uscc_weights_check(body), USCC_ALPHABET))
    with pytest.raises(BadUserInput, match="not a valid CN tax id"):
        parse_tax_id("CN", body + wrong)


# ------------------------------------------------------------------------------------------------ KZ

kz_bins = st.tuples(
    st.integers(0, 99).map(lambda y: f"{y:02d}"),
    st.integers(1, 12).map(lambda m: f"{m:02d}"),
    st.sampled_from("456"),
    st.sampled_from("0123"),
    st.text(alphabet=digits, min_size=5, max_size=5),
).map("".join)


@given(body=kz_bins)
def test_kz_bin_with_its_check_digit_is_accepted(body: str) -> None:
    check = kz_check_digit(body)
    assume(check is not None)
    assert parse_tax_id("KZ", body + str(check)) == body + str(check)


@given(body=kz_bins, data=st.data())
def test_kz_bin_with_another_check_digit_is_rejected(body: str, data: st.DataObject) -> None:
    check = kz_check_digit(body)
    wrong = data.draw(_other(str(check), digits)) if check is not None else data.draw(st.sampled_from(digits))
    with pytest.raises(BadUserInput, match="check digit"):
        parse_tax_id("KZ", body + wrong)


def test_kz_check_digit_reweights_when_the_first_sum_is_ten() -> None:
    # 11 digits whose first weighted sum mod 11 is 10: the second weighting decides
    body = next(
        f"2405400{n:04d}"
        for n in range(10_000)
        if sum(int(c) * w for w, c in enumerate(f"2405400{n:04d}", 1)) % 11 == 10
    )
    second = sum(int(c) * w for c, w in zip(body, (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2), strict=True)) % 11
    assert kz_check_digit(body) == (None if second == 10 else second)


@pytest.mark.parametrize(
    ("tin", "rule"),
    [("241340001232", "month"), ("240547001232", "division"), ("240570001232", "neither a BIN")],
)
def test_kz_structure_rules_are_named(tin: str, rule: str) -> None:
    with pytest.raises(BadUserInput, match=rule):
        parse_tax_id("KZ", tin)


# ------------------------------------------------------------------------------------------------ RU, UZ, IR


def _inn_check(first9: str) -> str:
    return str(sum(int(c) * w for c, w in zip(first9, (2, 4, 10, 3, 5, 9, 4, 6, 8), strict=True)) % 11 % 10)


@given(body=st.text(alphabet=digits, min_size=9, max_size=9))
def test_ru_company_inn_by_the_reference_weights_is_accepted(body: str) -> None:
    assert parse_tax_id("RU", body + _inn_check(body)) == body + _inn_check(body)


@given(body=st.text(alphabet=digits, min_size=9, max_size=9), data=st.data())
def test_ru_company_inn_with_another_check_digit_is_rejected(body: str, data: st.DataObject) -> None:
    with pytest.raises(BadUserInput, match="RU"):
        parse_tax_id("RU", body + data.draw(_other(_inn_check(body), digits)))


@given(body=st.text(alphabet=digits, min_size=10, max_size=10))
def test_ru_personal_inn_with_stdnum_check_digits_is_accepted(body: str) -> None:
    inn = body + ru_inn.calc_personal_check_digits(body)
    assert parse_tax_id("RU", inn) == inn
    wrong = inn[:-1] + str((int(inn[-1]) + 1) % 10)
    with pytest.raises(BadUserInput, match="RU"):
        parse_tax_id("RU", wrong)


def _pinfl_check(first13: str) -> str:
    return str(sum(int(c) * w for c, w in zip(first13, (7, 3, 1) * 5, strict=False)) % 10)


@given(body=st.text(alphabet=digits, min_size=13, max_size=13), data=st.data())
def test_uz_pinfl_check_digit(body: str, data: st.DataObject) -> None:
    assert parse_tax_id("UZ", body + _pinfl_check(body)) == body + _pinfl_check(body)
    with pytest.raises(BadUserInput, match="PINFL"):
        parse_tax_id("UZ", body + data.draw(_other(_pinfl_check(body), digits)))


def _ir_check(first9: str) -> str:
    rest = sum(int(first9[i]) * (10 - i) for i in range(9)) % 11
    return str(rest if rest < 2 else 11 - rest)


@given(body=st.text(alphabet=digits, min_size=9, max_size=9), data=st.data())
def test_ir_national_id_check_digit(body: str, data: st.DataObject) -> None:
    assume(len(set(body + _ir_check(body))) > 1)
    assert parse_tax_id("IR", body + _ir_check(body)) == body + _ir_check(body)
    with pytest.raises(BadUserInput, match="IR"):
        parse_tax_id("IR", body + data.draw(_other(_ir_check(body), digits)))


# ------------------------------------------------------------------------------------------------ samples

SAMPLES = [
    ("CN", "91310115MA1K3Y4A90", "91310115MA1K3Y4A90"),
    ("CN", "91650000MA77X8TQ31", "91650000MA77X8TQ31"),
    ("CN", "91370281MA3C5R7B0C", "91370281MA3C5R7B0C"),
    ("RU", "7707083893", "7707083893"),
    ("RU", "500100732259", "500100732259"),
    ("BY", "200988541", "200988541"),
    ("IN", "27AAPFU0939F1ZV", "27AAPFU0939F1ZV"),
    ("IN", "ACUPA7085R", "ACUPA7085R"),
    ("PK", "34201-0891231-8", "3420108912318"),
    ("PK", "1234567-8", "12345678"),
    ("KZ", "240540001232", "240540001232"),
    ("KZ", "191240005671", "191240005671"),
    ("IR", "0076229645", "0076229645"),
    ("IR", "1583250689", "1583250689"),
    ("KG", "01234567891234", "01234567891234"),
    ("TJ", "123456789", "123456789"),
    ("DE", "DE 123456789", "DE123456789"),
]


@pytest.mark.parametrize(("country", "value", "canonical"), SAMPLES)
def test_reference_samples_are_valid_and_compact(country: str, value: str, canonical: str) -> None:
    assert parse_tax_id(country, value) == canonical


@pytest.mark.parametrize(
    ("country", "value", "rule"),
    [
        ("CN", "91310115MA1K3Y4A9", "18-character"),
        ("RU", "7707083894", "RU"),
        ("BY", "200988542", "BY"),
        ("IN", "27AAPFU0939F1ZW", "IN"),
        ("KZ", "24054000123", "12-digit"),
        ("IR", "1111111111", "repeated"),
        ("XX", "123456", "ISO 3166"),
        ("DE", "12", "4-20"),
        ("RU", "７７０７０８３８９３", "ASCII"),
    ],
)
def test_invalid_tax_ids_name_the_rule(country: str, value: str, rule: str) -> None:
    with pytest.raises(BadUserInput, match=rule) as info:
        parse_tax_id(country, value, field="input.taxId")
    assert info.value.field == "input.taxId"


def test_unverified_formats_are_marked() -> None:
    assert {cc for cc, rule in TAX_ID_RULES.items() if not rule.verified} == {"UZ", "KG", "TJ", "IR"}
