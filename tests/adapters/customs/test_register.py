"""The customs register's decisions as plain functions: entry numbers, the release flow, progress modes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from adapters import story
from adapters.customs.register import TRANSITIONS, DeclarationRegister, RuleViolation, submission_of

NOW = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)
PUDONG = story.DECLARATIONS[4]
ITEM = dataclasses.replace(PUDONG.items[0], value=Decimal(1000))
PLAIN = dataclasses.replace(submission_of(PUDONG), lrn="PD-T-1", items=(ITEM,))


def register(progress: str = "new") -> DeclarationRegister:
    return DeclarationRegister(clock=lambda: NOW, progress=progress)


def walk(reg: DeclarationRegister, number: str, reads: int) -> list[str]:
    seen = []
    for _ in range(reads):
        entry = reg.by_number(number, None)
        assert entry is not None
        seen.append(entry.status[0])
    return seen


def test_new_entry_number_is_office_year_export_flag_and_serial() -> None:
    entry, duplicate = register().submit(PLAIN)
    assert not duplicate
    assert len(entry.number) == 18 and entry.number.isdigit()
    assert (entry.number[:4], entry.number[4:8], entry.number[8]) == ("2233", "2026", "0")
    imported = dataclasses.replace(PLAIN, lrn="I-1", direction="IMPORT")
    assert register().submit(imported)[0].number[8] == "1"


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({}, ["DECLARED", "REVIEWED", "RELEASED", "CLEARED"]),
        ({"items": (dataclasses.replace(ITEM, value=Decimal(2_000_000)),)}, ["DECLARED", "INSPECTED", "RELEASED"]),
        ({"declarant": story.MUMBAI}, ["DECLARED", "REJECTED"]),
        ({"declarant": ("KZ", "000000000000")}, ["DECLARED", "REJECTED"]),
    ],
    ids=["plain", "high-value", "suspended", "unknown-trader"],
)
def test_each_read_moves_a_new_declaration_one_step(changes: dict[str, object], path: list[str]) -> None:
    reg = register()
    entry, _ = reg.submit(dataclasses.replace(PLAIN, **changes))  # type: ignore[arg-type]
    assert entry.status[0] == "DECLARED"
    assert walk(reg, entry.number, len(path) - 1) == path[1:]


def test_seeded_declarations_stay_as_told_unless_progress_all() -> None:
    assert walk(register(), "514120260000011033", 2) == ["RELEASED", "RELEASED"]
    assert walk(register("all"), "514120260000011033", 2) == ["CLEARED", "CLEARED"]
    assert walk(register("none"), "514120260000011033", 1) == ["RELEASED"]


@pytest.mark.parametrize(("start", "target"), [(s, t) for s in TRANSITIONS for t in sorted(TRANSITIONS[s])])
def test_every_allowed_move_of_the_release_flow_is_recorded_with_its_time(start: str, target: str) -> None:
    reg = register("none")
    entry, _ = reg.submit(PLAIN)
    route = {"DECLARED": [], "REVIEWED": ["REVIEWED"], "INSPECTED": ["INSPECTED"], "RELEASED": ["REVIEWED", "RELEASED"]}
    for step in route[start]:
        reg.decide(entry.number, step, None)
    assert entry.status[0] == start
    moved = reg.decide(entry.number, target, None)
    assert moved is not None and moved.status == (target, NOW)


@pytest.mark.parametrize(
    ("moves", "illegal"),
    [
        ([], "RELEASED"),
        ([], "CLEARED"),
        (["REVIEWED"], "INSPECTED"),
        (["REVIEWED"], "DECLARED"),
        (["INSPECTED", "RELEASED"], "REVIEWED"),
        (["REVIEWED", "RELEASED", "CLEARED"], "RELEASED"),
        (["REJECTED"], "REVIEWED"),
    ],
)
def test_moves_outside_the_release_flow_are_refused_and_change_nothing(moves: list[str], illegal: str) -> None:
    reg = register("none")
    entry, _ = reg.submit(PLAIN)
    for move in moves:
        reg.decide(entry.number, move, None)
    before = list(entry.history)
    with pytest.raises(RuleViolation) as caught:
        reg.decide(entry.number, illegal, None)
    assert caught.value.code == "ILLEGAL_TRANSITION"
    assert f"not {illegal}" in str(caught.value)
    assert entry.history == before


def test_decisions_respect_tenancy_and_unknown_numbers() -> None:
    reg = register()
    assert reg.decide("514120260000011033", "CLEARED", "kz-trade-agency") is None
    assert reg.decide("000020260000000000", "CLEARED", None) is None
    assert reg.decide("514120260000011033", "CLEARED", None) is not None


def test_same_lrn_and_content_is_the_same_declaration() -> None:
    reg = register()
    first, _ = reg.submit(PLAIN)
    again, duplicate = reg.submit(PLAIN)
    assert duplicate
    assert again.number == first.number


def test_same_lrn_other_content_is_refused() -> None:
    reg = register()
    reg.submit(PLAIN)
    with pytest.raises(RuleViolation) as caught:
        reg.submit(dataclasses.replace(PLAIN, awb=None))
    assert caught.value.code == "LRN_REUSED"


def test_search_combines_criteria_and_tenancy() -> None:
    reg = register()
    horgos = reg.search(declarants=[story.HORGOS], agency=None)
    assert [e.number for e in horgos] == ["940320260000001003", "940120260000001118"]
    assert [e.number for e in reg.search(declarants=[story.HORGOS], awbs=["999-20260015"], agency=None)] == [
        "940120260000001118"
    ]
    assert reg.search(declarants=[story.HORGOS], agency="ru-export-center") == []


def test_unknown_progress_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="progress"):
        register("sometimes")


def test_a_seed_option_puts_other_declarations_on_file_instead_of_the_story() -> None:
    extra = dataclasses.replace(story.DECLARATIONS[0], id="420120260700000000", lrn="BULK-E-0000", awb="784-50000016")
    reg = DeclarationRegister(clock=lambda: NOW, seed=(extra,))
    entry = reg.by_number(extra.id, None)
    assert entry is not None and entry.submission.awb == "784-50000016"
    assert reg.by_number(story.DECLARATIONS[0].id, None) is None
