"""Issue G3: a list of 100 shipments costs one ``_entities`` call per subgraph per level, the fewest legacy calls.

Every sandbox runs on loopback, seeded with the story plus 100 generated shipments (:mod:`tests.e2e.bulk`), and
the gateway answers ``POST /graphql``. The counts come from the operation's audit record (every subgraph fetch,
the request it went out in, every legacy call and the fetch it served); the fewest legacy calls each system's
API allows are derived in :mod:`tests.e2e.shipment_list`. Counts only, never times.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from graphql import parse

from adapters import story
from tests.e2e.bulk import BulkStory, bulk_story
from tests.e2e.counting import Cost, cost_of
from tests.e2e.live import Platform, running_platform
from tests.e2e.shipment_list import QUERY, fewest_legacy_calls, nodes, parties

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="module")]

SHIPPER = "shipments.edges.@.node.shipper"
CONSIGNEE = "shipments.edges.@.node.consignee"
SHIPMENT = "shipments.edges.@.node"


@dataclasses.dataclass(frozen=True)
class Observed:
    """The platform, and the first (cold-cache) run of the list on it: its answer and what it cost."""

    platform: Platform
    seed: BulkStory
    data: dict[str, Any]
    cost: Cost


async def observe(platform: Platform) -> tuple[dict[str, Any], Cost]:
    body = await platform.post(QUERY)
    assert "errors" not in body, body["errors"]
    plan = platform.runtime.graph.planner.plan(parse(QUERY), None)
    data: dict[str, Any] = body["data"]
    return data, cost_of(await platform.last_record(), plan)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def rotating() -> AsyncIterator[Observed]:
    """Shippers and consignees rotating over the story's eight companies."""
    seed = bulk_story(100)
    async with running_platform(options_of=seed.options()) as platform:
        data, cost = await observe(platform)
        yield Observed(platform, seed, data, cost)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def one_shipper() -> AsyncIterator[Observed]:
    """Pudong ships every one of 100 shipments (the airlines carry none of the story's here)."""
    seed = bulk_story(100, shipper=story.PUDONG, story_shipments=False)
    async with running_platform(options_of=seed.options()) as platform:
        data, cost = await observe(platform)
        yield Observed(platform, seed, data, cost)


async def test_the_list_shows_100_shipments_with_their_declarations(rotating: Observed) -> None:
    listed = nodes(rotating.data)
    assert len(listed) == 100
    on_file: dict[str, set[str]] = {}
    for declaration in rotating.seed.declarations:
        if declaration.awb is not None:
            on_file.setdefault(declaration.awb, set()).add(declaration.id)
    assert {n["awb"]: {d["id"] for d in n["customs"]} for n in listed} == {
        n["awb"]: on_file.get(n["awb"], set()) for n in listed
    }
    assert {len(n["customs"]) for n in listed} == {0, 1, 2}  # shipments with none, one and two declarations
    paid = {p.uetr for p in rotating.seed.payments}
    shown = {p["uetr"] for n in listed for p in n["shipper"]["payments"]}
    assert shown and shown <= paid
    assert all(n["shipper"]["accounts"] for n in listed)


async def test_each_subgraph_gets_one_entities_call_per_level(rotating: Observed) -> None:
    # one level after the cargo listing: customs for the shipments, tax for shippers and consignees (two plan
    # fetches, one request), payments for the shippers
    assert rotating.cost.entity_calls == Counter({("customs", 1): 1, ("tax", 1): 1, ("payments", 1): 1})
    assert rotating.cost.root_calls == Counter({"cargo": 1})


async def test_each_entity_call_carries_one_representation_per_distinct_key(rotating: Observed) -> None:
    shippers, consignees = parties(rotating.data, "shipper"), parties(rotating.data, "consignee")
    assert len(shippers) == len(consignees) == len(story.COMPANIES)  # a hundred references, eight companies
    assert rotating.cost.representations == {
        ("customs", 1, SHIPMENT): 100,
        ("tax", 1, SHIPPER): len(shippers),
        ("tax", 1, CONSIGNEE): len(consignees),
        ("payments", 1, SHIPPER): len(shippers),
    }


async def test_each_legacy_system_gets_the_fewest_calls_its_api_allows(rotating: Observed) -> None:
    assert rotating.cost.unattributed == 0  # every legacy call names the fetch it served
    assert rotating.cost.legacy_calls == Counter(
        {
            ("cargo", "cargo.one-record", "GET /logistics-objects"): 1,
            ("cargo", "cargo.cargo-xml", "GET /messages"): 1,
            ("customs", "customs", "ListDeclarations"): 1,
            ("tax", "tax", "GetTaxpayers"): 1,
            ("payments", "payments.rail", "GET /accounts"): 1,
            ("payments", "payments.rail", "GET /tracker/payments"): 1,
            ("payments", "payments.rail", "POST /iso20022/messages/pacs.028"): 1,
        }
    )
    assert rotating.cost.legacy_calls == fewest_legacy_calls(rotating.data)


async def test_one_shipper_of_every_shipment_is_one_reference(one_shipper: Observed) -> None:
    listed = nodes(one_shipper.data)
    assert len(listed) == 100
    assert parties(one_shipper.data, "shipper") == {story.PUDONG}
    consignees = parties(one_shipper.data, "consignee")
    assert one_shipper.cost.representations == {
        ("customs", 1, SHIPMENT): 100,
        ("tax", 1, SHIPPER): 1,
        ("tax", 1, CONSIGNEE): len(consignees),
        ("payments", 1, SHIPPER): 1,
    }
    assert one_shipper.cost.entity_calls == Counter({("customs", 1): 1, ("tax", 1): 1, ("payments", 1): 1})
    assert one_shipper.cost.legacy_calls == fewest_legacy_calls(one_shipper.data)
    assert sum(one_shipper.cost.legacy_calls.values()) == 7


async def test_the_list_again_finds_every_taxpayer_in_the_cache(rotating: Observed) -> None:
    data, cost = await observe(rotating.platform)
    assert data == rotating.data
    known = parties(data, "shipper") | parties(data, "consignee")
    assert cost.legacy_calls == fewest_legacy_calls(data, cached=known)
    assert cost.legacy_of("tax") == Counter()  # the tax register is not asked again
    assert cost.entity_calls == rotating.cost.entity_calls  # the subgraph still is, once
