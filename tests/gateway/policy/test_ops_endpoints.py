"""Operations endpoints in production: /metrics and /console need a token with the right scope; /readyz tells
anonymous callers only its status."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gateway.policy.authn import StaticKeys, TokenVerifier
from gateway.policy.devkeys import DEMO_AUDIENCE, DEMO_ISSUER, DevKey
from gateway.sdk.context import Principal
from gateway.sdk.testing import auditor, bearer, operator, partner
from tests.gateway.policy.app import Running, running


@pytest.fixture
async def production(tmp_path: Path) -> AsyncIterator[tuple[Running, DevKey]]:
    """A production gateway whose identity provider is a key this test holds (the JWKS URL is never reached)."""
    key = DevKey.load_or_create(tmp_path / "idp.pem")
    async with running(tmp_path, "production") as gw:
        gw.app.state.live.current.gate.verifier = TokenVerifier(
            StaticKeys(key.jwks()), issuer=DEMO_ISSUER, audience=DEMO_AUDIENCE
        )
        yield gw, key


def _token(who: Principal, key: DevKey) -> dict[str, str]:
    return bearer(who, key)


async def test_metrics_need_the_ops_scope(production: tuple[Running, DevKey]) -> None:
    gw, key = production
    anonymous = await gw.client.get("/metrics")
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"].startswith("Bearer")
    assert "silkgraph_" not in anonymous.text
    forged = await gw.client.get("/metrics", headers={"authorization": "Bearer abc.def.ghi"})
    assert forged.status_code == 401
    partner_token = await gw.client.get("/metrics", headers=_token(partner(), key))
    assert partner_token.status_code == 403 and "ops:read" in partner_token.text
    ops = await gw.client.get("/metrics", headers=_token(operator(), key))
    assert ops.status_code == 200 and "silkgraph_" in ops.text


async def test_console_needs_the_audit_or_ops_scope(production: tuple[Running, DevKey]) -> None:
    gw, key = production
    for path in ("/console", "/console/console.js"):
        assert (await gw.client.get(path)).status_code == 401
        assert (await gw.client.get(path, headers=_token(partner(), key))).status_code == 403
        for who in (auditor(), operator()):
            assert (await gw.client.get(path, headers=_token(who, key))).status_code == 200


async def test_readyz_tells_anonymous_callers_only_its_status(production: tuple[Running, DevKey]) -> None:
    gw, key = production
    anonymous = await gw.client.get("/readyz")
    assert anonymous.status_code == 200 and set(anonymous.json()) == {"status"}
    assert anonymous.json()["status"] in ("ready", "degraded")
    partner_view = await gw.client.get("/readyz", headers=_token(partner(), key))
    assert partner_view.json() == anonymous.json()
    details = (await gw.client.get("/readyz", headers=_token(operator(), key))).json()
    assert details["status"] == anonymous.json()["status"] and "audit" in details and "sources" in details


async def test_demo_keeps_the_operations_endpoints_open_for_local_work(tmp_path: Path) -> None:
    async with running(tmp_path, "demo") as gw:
        assert (await gw.client.get("/metrics")).status_code == 200
        assert (await gw.client.get("/console")).status_code == 200
        assert "sources" in (await gw.client.get("/readyz")).json()
