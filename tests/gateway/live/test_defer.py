"""@defer: incremental delivery over multipart/mixed; deferSpec=20220824, label and if honoured, one response
for clients that do not accept multipart."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from graphql import parse

from gateway.federation.incremental import split_defer
from tests.gateway.live.platform import LiveGateway

pytestmark = pytest.mark.asyncio(loop_scope="module")

QUERY = """query Ship($awb: AWB!, $later: Boolean! = true) {
  shipment(awb: $awb) {
    awb
    origin
    ... @defer(label: "customs", if: $later) { customs { id status } }
    ...Route @defer
  }
}
fragment Route on Shipment { route { flight } }"""
DEFER_ACCEPT = "multipart/mixed;deferSpec=20220824, application/json"


def parts(body: str) -> list[dict[str, Any]]:
    out = []
    for chunk in body.split("\r\n--graphql")[1:]:
        if chunk.startswith("--"):
            break
        out.append(json.loads(chunk.partition("\r\n\r\n")[2]))
    return out


async def post(gateway: LiveGateway, variables: dict[str, Any], accept: str) -> httpx.Response:
    headers = {"accept": accept, "authorization": f"Bearer {gateway.token(scopes=('cargo:read', 'customs:read'))}"}
    async with httpx.AsyncClient(base_url=gateway.url, timeout=30) as client:
        return await client.post("/graphql", json={"query": QUERY, "variables": variables}, headers=headers)


async def test_deferred_fragments_arrive_as_incremental_parts_ending_with_has_next_false(gateway: LiveGateway) -> None:
    response = await post(gateway, {"awb": "784-20260026"}, DEFER_ACCEPT)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("multipart/mixed")
    assert "deferSpec=20220824" in response.headers["content-type"]
    payloads = parts(response.text)
    first, rest = payloads[0], payloads[1:]
    assert first == {"data": {"shipment": {"awb": "784-20260026", "origin": "TAO"}}, "hasNext": True}
    items = [item for p in rest for item in p["incremental"]]
    assert [p["hasNext"] for p in rest][-1] is False and all(p["hasNext"] for p in rest[:-1])
    by_label = {item.get("label"): item for item in items}
    assert by_label["customs"]["path"] == ["shipment"] and "customs" in by_label["customs"]["data"]
    assert by_label[None]["path"] == ["shipment"] and by_label[None]["data"]["route"][0]["flight"]


async def test_if_false_delivers_the_fragment_in_the_first_part(gateway: LiveGateway) -> None:
    payloads = parts((await post(gateway, {"awb": "784-20260026", "later": False}, DEFER_ACCEPT)).text)
    assert "customs" in payloads[0]["data"]["shipment"]
    assert [i.get("label") for p in payloads[1:] for i in p["incremental"]] == [None]


async def test_a_client_without_multipart_gets_one_complete_response(gateway: LiveGateway) -> None:
    response = await post(gateway, {"awb": "784-20260026"}, "application/json")
    body = response.json()
    assert "errors" not in body, body
    shipment = body["data"]["shipment"]
    assert shipment["origin"] == "TAO" and "customs" in shipment and shipment["route"]


async def test_split_plans_each_deferred_fragment_as_its_own_operation_with_only_its_path() -> None:
    split = split_defer(parse(QUERY), None, {})
    assert split is not None
    assert "customs" not in split.primary and "route" not in split.primary and "@defer" not in split.primary
    (customs, route) = split.deferred
    assert (customs.label, customs.path, route.label, route.path) == ("customs", ("shipment",), None, ("shipment",))
    assert "customs" in customs.query and "origin" not in customs.query and "route" not in customs.query
    assert "route" in route.query and "customs" not in route.query
    assert split_defer(parse('{ shipment(awb: "784-20260026") { awb } }'), None, {}) is None
