"""Collecting an entity fetch's targets, grouping their representations and merging the entities back: the
inline paths for the common shapes give what the general walk and the key-by-key merge give."""

from __future__ import annotations

from typing import Any

from gateway.federation.execution_data import Targets, _collect, _merge_into, _representations
from gateway.federation.execution_types import Path
from gateway.federation.plan import RequiresField, RequiresType

TRADER = RequiresType("Trader", "Trader", frozenset({"Trader"}), (RequiresField("id", "id"),), frozenset({"id"}))
PARCEL = RequiresType("Parcel", "Parcel", frozenset({"Parcel"}), (RequiresField("kg", "kg"),))


def collected(data: Any, path: list[str], *requires: RequiresType) -> list[tuple[Path, Any]]:
    out: Targets = []
    _collect(data, path, [], requires or (TRADER,), out)
    return [(at, obj) for at, obj, _ in out]


class Shop(dict[str, Any]):
    """A dict that is not exactly a dict: the general walk's isinstance tests take it, the inline path steps aside."""


def test_objects_under_a_list_are_collected_with_their_paths_whatever_their_neighbours() -> None:
    buyer = {"__typename": "Trader", "id": "t1"}
    untyped = {"id": "t2"}
    orders = [
        {"buyer": buyer},
        None,
        {"buyer": None},
        {},
        {"buyer": {"__typename": "Parcel", "id": "p"}},
        "not an object",
        {"buyer": untyped},
        {"buyer": [{"__typename": "Trader", "id": "t3"}]},
        Shop(buyer={"__typename": "Trader", "id": "t4"}),
    ]
    found = collected({"orders": orders}, ["orders", "@", "buyer"])
    assert found == [
        (["orders", 0, "buyer"], buyer),
        (["orders", 6, "buyer"], untyped),
        (["orders", 7, "buyer", 0], {"__typename": "Trader", "id": "t3"}),
        (["orders", 8, "buyer"], {"__typename": "Trader", "id": "t4"}),
    ]


def test_nested_lists_and_several_type_conditions_take_the_general_walk() -> None:
    data = {"a": [{"b": [{"__typename": "Trader", "id": "t1"}, {"__typename": "Parcel", "kg": 2}]}]}
    assert collected(data, ["a", "@", "b", "@"], TRADER, PARCEL) == [
        (["a", 0, "b", 0], {"__typename": "Trader", "id": "t1"}),
        (["a", 0, "b", 1], {"__typename": "Parcel", "kg": 2}),
    ]
    assert collected(data, ["a", "@", "b", "@"], PARCEL) == [(["a", 0, "b", 1], {"__typename": "Parcel", "kg": 2})]


def test_equal_representations_are_fetched_once_and_incomplete_ones_not_at_all() -> None:
    objects = [{"id": "t1"}, {"id": "t2"}, {"id": "t1"}, {"id": None}, {}, {"id": ["a"]}, {"id": ["a"]}]
    targets: Targets = [([i], obj, TRADER) for i, obj in enumerate(objects)]
    representations, positions = _representations(targets, (TRADER,))
    assert representations == [
        {"__typename": "Trader", "id": "t1"},
        {"__typename": "Trader", "id": "t2"},
        {"__typename": "Trader", "id": ["a"]},
    ]
    assert [[at for at, _ in group] for group in positions] == [[[0], [2]], [[1]], [[5], [6]]]
    parcels: Targets = [([0], {"kg": None}, PARCEL), ([1], {"kg": 3}, PARCEL)]  # kg is no key: null is a value
    assert _representations(parcels, (PARCEL,))[0] == [
        {"__typename": "Parcel", "kg": None},
        {"__typename": "Parcel", "kg": 3},
    ]


def test_an_entity_is_merged_into_each_object_it_stands_for() -> None:
    first: dict[str, Any] = {"__typename": "Trader", "id": "t1", "account": {"balance": 1}}
    second: dict[str, Any] = {"__typename": "Trader", "id": "t1"}
    group: list[tuple[Path, dict[str, Any]]] = [([0], first), ([1], second)]
    _merge_into(group, {"name": "Almaty Auto", "rank": None}, keep_typename=False)
    assert first == {"__typename": "Trader", "id": "t1", "account": {"balance": 1}, "name": "Almaty Auto", "rank": None}
    _merge_into(group, {"account": {"currency": "KZT"}, "__typename": "Trader"}, keep_typename=True)
    assert first["account"] == {"balance": 1, "currency": "KZT"}
    assert second["account"] == {"currency": "KZT"}
    _merge_into([([0], second)], {"__typename": "Seller"}, keep_typename=True)
    assert second["__typename"] == "Trader"  # kept: the entity's own type name stays
    _merge_into([([0], second)], {"__typename": "Seller"}, keep_typename=False)
    assert second["__typename"] == "Seller"
