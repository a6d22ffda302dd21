"""IBAN and BIC: generated with schwifty, accepted and compact; a changed character is rejected."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from schwifty import IBAN

from gateway.errors import BadUserInput
from gateway.sdk.identifiers import parse_bic, parse_iban

accounts = {
    # country: (bank code strategy, account code strategy) with the lengths of the national formats
    "KZ": (st.text(string.digits, min_size=3, max_size=3), st.text(string.digits, min_size=13, max_size=13)),
    "DE": (st.just("37040044"), st.text(string.digits, min_size=10, max_size=10)),
}


@given(data=st.data(), country=st.sampled_from(sorted(accounts)))
def test_generated_ibans_are_accepted_in_any_spacing_and_case(data: st.DataObject, country: str) -> None:
    bank, account = (data.draw(s) for s in accounts[country])
    iban = IBAN.generate(country, bank_code=bank, account_code=account)
    spaced = " ".join(iban.compact[i : i + 4] for i in range(0, len(iban.compact), 4)).lower()
    assert parse_iban(spaced) == iban.compact


@given(data=st.data(), country=st.sampled_from(sorted(accounts)))
def test_ibans_with_a_changed_check_digit_are_rejected(data: st.DataObject, country: str) -> None:
    bank, account = (data.draw(s) for s in accounts[country])
    compact = str(IBAN.generate(country, bank_code=bank, account_code=account).compact)
    wrong = data.draw(st.sampled_from([d for d in string.digits if d != compact[3]]))
    with pytest.raises(BadUserInput, match="IBAN"):
        parse_iban(compact[:3] + wrong + compact[4:], field="iban")


@pytest.mark.parametrize(
    "iban",
    ["KZ86125KZT5004100100", "BY13NBRB3600900000002Z00AB00", "PK36SCBL0000001123456702", "IR062960000000100324200001"],
)
def test_reference_ibans(iban: str) -> None:
    assert parse_iban(iban) == iban


def test_countries_without_iban_are_rejected() -> None:
    with pytest.raises(BadUserInput, match="IBAN"):
        parse_iban("CN1234567890123456")


bics = st.tuples(
    st.text(string.ascii_uppercase, min_size=4, max_size=4),
    st.sampled_from(["CN", "KZ", "RU", "UZ", "BY", "IN", "PK", "IR", "DE"]),
    st.text(string.ascii_uppercase + string.digits, min_size=2, max_size=2),
    st.sampled_from(["", "XXX", "001"]),
).map("".join)


@given(bic=bics)
def test_generated_bics_are_accepted_upper_case(bic: str) -> None:
    assert parse_bic(bic.lower()) == bic


@pytest.mark.parametrize(
    "bic",
    ["ICBKCNBJXXX", "PCBCCNBJXXX", "COMMCNSHXXX", "BKCHCNBJXXX", "SCBLCNSXXXX", "HSBKKZKX", "NBFAUZ2X", "AKBBBY2X"],
)
def test_reference_bics(bic: str) -> None:
    assert parse_bic(bic) == bic


@pytest.mark.parametrize(("bic", "rule"), [("ICBKXXBJ", "country"), ("ICBKCNBJXX", "8 or 11"), ("ICBK12BJ", "8 or 11")])
def test_bic_rules_are_named(bic: str, rule: str) -> None:
    with pytest.raises(BadUserInput, match=rule):
        parse_bic(bic)
