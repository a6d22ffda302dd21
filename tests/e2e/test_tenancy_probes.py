"""Cross-tenant probes on every list and by-id field (tests/e2e/tenancy_probes.py), in-process and over
standalone subgraphs, and the forged-header probes against a standalone subgraph."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.federation.supergraph import load_supergraph
from gateway.operations import example_operations
from gateway.policy.devkeys import DevKey
from gateway.policy.signed_principal import HEADER, PrincipalSigner
from gateway.sdk.context import ANONYMOUS, Principal
from gateway.sdk.testing import agencyless, auditor, bearer, operator, partner
from tests.e2e.live import Platform
from tests.e2e.tenancy_probes import probe
from tests.gateway.test_router_compat import SUPERGRAPH, gateway_over_standalone, standalone

pytestmark = [pytest.mark.slow]


def _public(platform_sg: Any) -> set[str]:
    return {name for name, graphs in platform_sg.types.items() if set(graphs) == {"reference"}}


@pytest.mark.asyncio(loop_scope="module")
async def test_no_agency_sees_another_agencys_records_in_process(platform: Platform) -> None:
    sg = platform.runtime.supergraph

    async def ask(query: str, variables: dict[str, Any], who: Principal) -> dict[str, Any]:
        return await platform.post(query, variables, who=who)

    report = await probe(sg, ask, _public(sg))
    print("\n".join(report.lines))
    assert report.problems == [], "\n".join(report.problems)
    own = report.own_rows
    assert own["payments (agency_a)"] > 0
    assert any(k.startswith("declarations") and k.endswith("(agency_a)") and n > 0 for k, n in own.items())


async def test_no_agency_sees_another_agencys_records_over_standalone_subgraphs(tmp_path: Path) -> None:
    sg = load_supergraph(SUPERGRAPH.read_text(encoding="utf-8"))
    async with gateway_over_standalone(tmp_path) as (client, _, _):
        key = DevKey.load_or_create(tmp_path / "dev.pem")

        async def ask(query: str, variables: dict[str, Any], who: Principal) -> dict[str, Any]:
            r = await client.post("/graphql", json={"query": query, "variables": variables}, headers=bearer(who, key))
            return dict(r.json())

        report = await probe(sg, ask, _public(sg))
    print("\n".join(report.lines))
    assert report.problems == [], "\n".join(report.problems)
    assert report.own_rows["payments (agency_a)"] > 0


async def test_a_standalone_subgraph_refuses_tenant_headers_it_did_not_get_from_the_gateway() -> None:
    secret = "q" * 43
    body = json.dumps({"query": "{ payments { uetr amount } }"}).encode()
    plain = {"content-type": "application/json"}
    async with standalone("payments", secret) as url, httpx.AsyncClient() as client:
        # a client naming its own tenant, the way the old subgraphs trusted
        forged_tenant = await client.post(url, content=body, headers={**plain, "X-Agency-Id": "qingdao-broker"})
        # a principal signed with a guessed secret
        guessed = PrincipalSigner("g" * 43).sign(partner("qingdao-broker"), body)
        wrong_key = await client.post(url, content=body, headers={**plain, HEADER: guessed})
        # a genuine header replayed, and one moved onto another body
        genuine = PrincipalSigner(secret).sign(partner("qingdao-broker"), body)
        first = await client.post(url, content=body, headers={**plain, HEADER: genuine})
        replayed = await client.post(url, content=body, headers={**plain, HEADER: genuine})
        other = json.dumps({"query": "{ payments { uetr amount debtor { account } } }"}).encode()
        moved = await client.post(
            url, content=other, headers={**plain, HEADER: PrincipalSigner(secret).sign(partner(), body)}
        )
    for refused in (forged_tenant, wrong_key, replayed, moved):
        assert refused.status_code == 401, refused.text
        assert "data" not in refused.json() and refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert first.status_code == 200 and first.json()["data"]["payments"], first.text


@pytest.mark.asyncio(loop_scope="module")
async def test_only_an_agency_with_the_write_scope_lodges_a_declaration(platform: Platform) -> None:
    op = example_operations()["SubmitDeclaration"]
    lrn = "PD-E2E-CLOSED"
    variables = {"input": {**op.variables["input"], "lrn": lrn}}
    lodged = "{ declarations(first: 100) { edges { node { lrn } } } }"

    def lrns(body: dict[str, Any]) -> list[str]:
        edges = ((body.get("data") or {}).get("declarations") or {}).get("edges", [])
        return [e["node"]["lrn"] for e in edges]

    refusals = {
        "anonymous": (ANONYMOUS, "UNAUTHENTICATED"),
        "agency-less": (agencyless(scopes=["customs:submit", "customs:read"]), "FORBIDDEN"),
        "operator": (operator(), "FORBIDDEN"),
        "reader": (partner("qingdao-broker", scopes=["customs:read"]), "FORBIDDEN"),
    }
    for name, (who, code) in refusals.items():
        body = await platform.post(op.text, variables, who=who)
        assert body.get("data") is None and body["errors"][0]["extensions"]["code"] == code, (name, body)
    assert lrn not in lrns(await platform.post(lodged, who=operator()))  # nothing was lodged
    body = await platform.post(op.text, variables, who=partner("qingdao-broker"))
    assert "errors" not in body, body
    assert lrn in lrns(await platform.post(lodged, who=operator()))


@pytest.mark.asyncio(loop_scope="module")
async def test_every_cross_agency_read_is_audited_with_its_grant(platform: Platform) -> None:
    query = "{ payments { uetr } }"
    await platform.post(query, who=operator())
    assert (await platform.last_record())["principal"]["grant"] == "operator+platform:read-all"
    await platform.post(query, who=auditor())
    assert (await platform.last_record())["principal"]["grant"] == "auditor+platform:read-all"
    await platform.post(query, who=partner("kz-trade-agency"))
    record = await platform.last_record()
    assert record["principal"]["grant"] is None and record["principal"]["agency"] == "kz-trade-agency"
