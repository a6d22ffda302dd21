"""The contract kit catches what it promises to catch (on toy adapters that break one rule each)."""

from __future__ import annotations

import asyncio
import time
from typing import Any, cast

import pytest
import strawberry
from strawberry.types import Info

from gateway.errors import BadUserInput, CompositionError
from gateway.sdk.adapter import Adapter
from gateway.sdk.context import SubgraphContext
from gateway.sdk.schema import federation_schema
from gateway.sdk.testing import AdapterContract, ContractViolation, Probe, TenancySample
from gateway.sdk.testing.checks import (
    check_composes,
    check_entities_round_trip,
    check_error_code,
    check_tenancy,
    platform_subgraph_sdls,
)
from gateway.sdk.testing.watchdog import slow_callbacks

#: toy records and the agencies allowed to see them
OWNERS = {"T-1": ("agency-a",), "T-2": ("agency-b",)}


def _agency(info: Info[Any, Any]) -> str | None:
    return cast(SubgraphContext, info.context).agency


@strawberry.federation.type(keys=["id"], authenticated=True)  # a rule: the gateway is closed by default
class ToyThing:
    id: strawberry.ID

    @classmethod
    async def resolve_reference(cls, info: Info[Any, Any], id: strawberry.ID) -> ToyThing | None:
        agency = _agency(info)
        if str(id) not in OWNERS or (agency is not None and agency not in OWNERS[str(id)]):
            return None
        return cls(id=id)


async def toy_thing(id: strawberry.ID) -> ToyThing | None:
    if not str(id).startswith("T-"):
        raise BadUserInput(f"{id!r} is not a toy id", field="id")
    return ToyThing(id=id) if str(id) in OWNERS else None


@strawberry.type
class ToyQuery:
    toy_thing: ToyThing | None = strawberry.field(resolver=toy_thing)


class ToyAdapter(Adapter):
    name = "toy"

    def build_schema(self) -> strawberry.federation.Schema:
        return federation_schema(query=ToyQuery, types=[ToyThing])


@strawberry.federation.type(keys=["id"])
class LeakyThing:
    id: strawberry.ID

    @classmethod
    async def resolve_reference(cls, info: Info[Any, Any], id: strawberry.ID) -> LeakyThing:
        return cls(id=id)  # ignores the agency


async def leaky_thing(id: strawberry.ID) -> LeakyThing:
    int(str(id))  # a ValueError escapes: no error code
    return LeakyThing(id=id)


@strawberry.type
class LeakyQuery:
    leaky_thing: LeakyThing = strawberry.field(resolver=leaky_thing)


class LeakyAdapter(Adapter):
    name = "leaky"

    def build_schema(self) -> strawberry.federation.Schema:
        return federation_schema(query=LeakyQuery, types=[LeakyThing])


@strawberry.type
class ClashingQuery:
    @strawberry.field
    def countries(self) -> int:  # the reference subgraph's countries is [Country!]!
        return 0


class ClashingAdapter(Adapter):
    name = "clashing"

    def build_schema(self) -> strawberry.federation.Schema:
        return federation_schema(query=ClashingQuery)


class TestToyContract(AdapterContract):
    """A well-behaved adapter passes the whole contract."""

    adapter_class = ToyAdapter
    sample_keys = {"ToyThing": [{"id": "T-1"}, {"id": "T-2"}]}
    bad_input = Probe(query='{ toyThing(id: "nope") { id } }')
    tenancy = [TenancySample(typename="ToyThing", key={"id": "T-1"}, visible_to="agency-a", hidden_from="agency-b")]


def test_a_subgraph_that_clashes_with_the_platform_is_reported() -> None:
    with pytest.raises(ContractViolation, match="does not compose") as caught:
        check_composes(ClashingAdapter(), platform_subgraph_sdls())
    assert "countries" in str(caught.value)


async def test_an_agency_that_sees_another_agencys_record_is_reported() -> None:
    sample = TenancySample(typename="LeakyThing", key={"id": "T-1"}, visible_to="agency-a", hidden_from="agency-b")
    with pytest.raises(ContractViolation, match="agency-b' can see LeakyThing"):
        await check_tenancy(LeakyAdapter(), sample)


async def test_an_error_without_a_code_is_reported() -> None:
    with pytest.raises(ContractViolation, match="INTERNAL_SERVER_ERROR"):
        await check_error_code(LeakyAdapter(), Probe(query='{ leakyThing(id: "x") { id } }'), "BAD_USER_INPUT")


def test_a_field_without_an_authorization_rule_is_reported() -> None:
    class LeakyContract(AdapterContract):
        adapter_class = LeakyAdapter

    with pytest.raises(CompositionError, match=r"LeakyThing\.id carries no authorization rule"):
        LeakyContract().test_contract_every_field_carries_an_authorization_rule()


async def test_an_entity_type_without_samples_is_reported() -> None:
    with pytest.raises(ContractViolation, match="declares no sample keys"):
        await check_entities_round_trip(ToyAdapter(), {})


async def test_a_sample_key_missing_from_the_seed_is_reported() -> None:
    with pytest.raises(ContractViolation, match="to null"):
        await check_entities_round_trip(ToyAdapter(), {"ToyThing": [{"id": "T-9"}]})


async def test_a_blocking_call_on_the_event_loop_is_reported() -> None:
    loop = asyncio.get_running_loop()
    with slow_callbacks(10.0, blocked_threshold=0.05) as slow:
        await asyncio.sleep(0)  # steps scheduled from here on are measured
        time.sleep(0.1)  # noqa: ASYNC251 - the blocking call under test: holds the loop for this step
        await asyncio.sleep(0)
    assert len(slow) == 1 and float(slow[0].split("was blocked ")[1].split()[0]) >= 0.05, slow
    assert "call_soon" not in vars(loop)  # the loop is as it was


async def test_computing_on_the_event_loop_is_reported_as_time_on_a_cpu() -> None:
    with slow_callbacks(0.05, blocked_threshold=10.0) as slow:
        await asyncio.sleep(0)
        start = time.thread_time()
        while time.thread_time() - start < 0.1:  # CPU time, whatever else the machine is doing
            pass
        await asyncio.sleep(0)
    assert len(slow) == 1 and float(slow[0].split("on a CPU ")[1].split()[0]) >= 0.05, slow


async def test_awaiting_does_not_count_as_blocking() -> None:
    with slow_callbacks(0.05) as slow:
        await asyncio.sleep(0.1)
    assert slow == []
