"""The customs register's decisions as plain functions: MRNs, paths through the state machine, progress modes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from adapters import story
from adapters.customs.register import DeclarationRegister, RuleViolation, Submission

NOW = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)
ITEM = story.GoodsItem(
    hs_code="8433.90",
    description="parts",
    quantity=Decimal(1),
    unit="PCE",
    value=Decimal(1000),
    currency="CNY",
    origin="CN",
)
PLAIN = Submission(
    lrn="PD-T-1",
    declarant=story.PUDONG,
    direction="EXPORT",
    procedure="0110",
    office_id="CN2233",
    awb="999-12345675",
    vin=None,
    barter_contract=None,
    items=(ITEM,),
)


def register(progress: str = "new") -> DeclarationRegister:
    return DeclarationRegister(clock=lambda: NOW, progress=progress)


def walk(reg: DeclarationRegister, mrn: str, reads: int) -> list[str]:
    codes = []
    for _ in range(reads):
        entry = reg.by_mrn(mrn, None)
        assert entry is not None
        codes.append(entry.status[0])
    return codes


def test_new_mrn_is_18_characters_with_year_office_and_kind() -> None:
    entry, duplicate = register().submit(PLAIN)
    assert not duplicate
    assert len(entry.mrn) == 18
    assert entry.mrn.startswith("26CN2233E")
    barter = dataclasses.replace(PLAIN, lrn="B-1", procedure="0130", barter_contract="BC-2026-0001")
    assert register().submit(barter)[0].mrn[8] == "B"


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({}, ["02", "01", "09"]),
        ({"vin": "LVSHCAMB1TE123456"}, ["02", "01", "06", "09"]),
        ({"items": (dataclasses.replace(ITEM, value=Decimal(2_000_000)),)}, ["02", "01", "05", "09"]),
        ({"declarant": story.MUMBAI}, ["02", "03"]),
        ({"declarant": ("KZ", "000000000000")}, ["02", "03"]),
    ],
    ids=["plain", "used-vehicle", "high-value", "suspended", "unknown-trader"],
)
def test_each_read_moves_a_new_declaration_one_step(changes: dict[str, object], path: list[str]) -> None:
    reg = register()
    entry, _ = reg.submit(dataclasses.replace(PLAIN, **changes))  # type: ignore[arg-type]
    assert entry.status[0] == "02"
    assert walk(reg, entry.mrn, len(path)) == [*path[1:], path[-1]]


def test_seeded_declarations_stay_as_told_unless_progress_all() -> None:
    assert walk(register(), "26CN6501B000000004", 2) == ["06", "06"]
    assert walk(register("all"), "26CN6501B000000004", 2) == ["09", "09"]
    assert walk(register("none"), "26CN6501B000000004", 1) == ["06"]


def test_same_lrn_and_content_is_the_same_declaration() -> None:
    reg = register()
    first, _ = reg.submit(PLAIN)
    again, duplicate = reg.submit(PLAIN)
    assert duplicate
    assert again.mrn == first.mrn


def test_same_lrn_other_content_is_refused() -> None:
    reg = register()
    reg.submit(PLAIN)
    with pytest.raises(RuleViolation) as caught:
        reg.submit(dataclasses.replace(PLAIN, awb=None))
    assert caught.value.code == "LRN_REUSED"


def test_search_combines_criteria_and_tenancy() -> None:
    reg = register()
    horgos = reg.search(declarants=[story.HORGOS], agency=None)
    assert [e.mrn for e in horgos] == ["26CN6501B000000003", "26CN6501B000000004"]
    assert [e.mrn for e in reg.search(declarants=[story.HORGOS], awbs=["999-20260015"], agency=None)] == [
        "26CN6501B000000004"
    ]
    assert reg.search(declarants=[story.HORGOS], agency="ru-export-center") == []


def test_unknown_progress_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="progress"):
        register("sometimes")


def test_a_seed_option_puts_other_declarations_on_file_instead_of_the_story() -> None:
    extra = dataclasses.replace(story.DECLARATIONS[0], id="26CN4201E700000000", lrn="BULK-E-0000", awb="784-50000016")
    reg = DeclarationRegister(clock=lambda: NOW, seed=(extra,))
    entry = reg.by_mrn(extra.id, None)
    assert entry is not None and entry.submission.awb == "784-50000016"
    assert reg.by_mrn(story.DECLARATIONS[0].id, None) is None
