"""One legacy system down: partial data, with an error at exactly each path that system would have filled.

Every sandbox runs on a real socket; the one under test is either answering 503 (the sandbox kit's fault
injection) or not running at all (connection refused). The fields it contributes to other systems' entities are
nullable (``Shipment.customs``, ``Company.name``…), so its outage nulls those fields only: the shipments cargo
listed and the exporters vehicles named are all still there, with their keys. The healthy platform's answer is
the reference, so the same query must come back complete and error-free there.
"""

from __future__ import annotations

from typing import Any

import pytest

from gateway.sdk.sandbox import FaultConfig
from tests.e2e.live import Platform, running_platform

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="module")]

SHIPMENTS = "{ shipments(first: 20) { edges { node { awb origin destination pieces customs { id status } } } } }"
EXPORTERS = "{ vehicleExports(first: 20) { edges { node { vin status exporter { country taxId name } } } } }"

#: how a system is down: its sandbox answers 503 to everything, or nothing listens on its port
DOWN = {
    "503": lambda name: {"faults_of": {name: FaultConfig(error_rate=1.0)}},
    "refused": lambda name: {"unreachable": [name]},
}


async def answer(platform: Platform, query: str) -> dict[str, Any]:
    body = await platform.post(query)
    assert body.get("data") is not None, body  # never the whole answer lost
    return body


def nodes(data: dict[str, Any], root: str) -> list[dict[str, Any]]:
    return [edge["node"] for edge in data[root]["edges"]]


def error_paths(body: dict[str, Any], service: str) -> list[tuple[Any, ...]]:
    """Each error's path, after checking it is an upstream failure of ``service``."""
    for error in body["errors"]:
        assert error["extensions"]["code"].startswith("UPSTREAM_"), error
        assert error["extensions"]["service"] == service, error
    return sorted(tuple(error["path"]) for error in body["errors"])


async def test_healthy_platform_answers_both_queries_completely(platform: Platform) -> None:
    shipments = await answer(platform, SHIPMENTS)
    exporters = await answer(platform, EXPORTERS)
    assert "errors" not in shipments and "errors" not in exporters
    listed = nodes(shipments["data"], "shipments")
    assert len(listed) >= 3 and all(isinstance(s["customs"], list) for s in listed)
    assert any(s["customs"] for s in listed)  # declarations present, so "null when down" is a real difference
    cars = nodes(exporters["data"], "vehicleExports")
    assert cars and all(car["exporter"]["name"] for car in cars)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("how", list(DOWN))
async def test_customs_down_keeps_every_shipment_with_customs_null_and_one_error_each(
    platform: Platform, how: str
) -> None:
    healthy = nodes((await answer(platform, SHIPMENTS))["data"], "shipments")
    async with running_platform(**DOWN[how]("customs")) as degraded:
        body = await answer(degraded, SHIPMENTS)
    listed = nodes(body["data"], "shipments")
    assert [s["customs"] for s in listed] == [None] * len(healthy)
    strip = [{k: v for k, v in s.items() if k != "customs"} for s in healthy]
    assert [{k: v for k, v in s.items() if k != "customs"} for s in listed] == strip  # cargo's data intact
    assert error_paths(body, "customs") == [("shipments", "edges", i, "node", "customs") for i in range(len(healthy))]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("how", list(DOWN))
async def test_tax_down_keeps_each_exporter_and_its_key_with_name_null_and_an_error_at_the_exporter(
    platform: Platform, how: str
) -> None:
    healthy = nodes((await answer(platform, EXPORTERS))["data"], "vehicleExports")
    async with running_platform(**DOWN[how]("tax")) as degraded:
        body = await answer(degraded, EXPORTERS)
    cars = nodes(body["data"], "vehicleExports")
    assert [car["vin"] for car in cars] == [car["vin"] for car in healthy]  # vehicles answered
    assert [car["status"] for car in cars] == [car["status"] for car in healthy]
    assert [car["exporter"] for car in cars] == [{**car["exporter"], "name": None} for car in healthy]
    # tax failed to resolve the Company reference: its error sits at the entity, which stays with its key
    paths = [("vehicleExports", "edges", i, "node", "exporter") for i in range(len(healthy))]
    assert error_paths(body, "tax") == paths
