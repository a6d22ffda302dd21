"""Every built-in adapter serves as a standalone subgraph, and schema/supergraph.graphql runs over them.

This is what an established router (examples/router/) does with the same files; here Silkgraph's own gateway
plays the router through the ``silkgraph serve --supergraph`` path.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import yaml

from gateway.app import create_app
from gateway.config import load_settings
from gateway.federation.supergraph import load_supergraph
from gateway.policy.devkeys import DevKey
from gateway.policy.signed_principal import HEADER, PrincipalSigner, PrincipalVerifier
from gateway.runtime import GATEWAY_PRINCIPAL, SUBGRAPH_PORTS
from gateway.sdk.registry import load_adapter_class
from gateway.sdk.sandbox import serve_sandbox
from gateway.sdk.testing import bearer, operator, running_adapter
from gateway.subgraph_server import create_subgraph_app

ROOT = Path(__file__).resolve().parents[2]
SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"
ROUTER = ROOT / "examples" / "router"
URL = re.compile(r'@join__graph\(name: "(\w+)", url: "([^"]+)"\)')


def supergraph_urls() -> dict[str, str]:
    return dict(URL.findall(SUPERGRAPH.read_text(encoding="utf-8")))


def test_the_checked_in_supergraph_routes_to_the_standalone_subgraph_ports() -> None:
    urls = supergraph_urls()
    assert urls, "schema/supergraph.graphql has no join__Graph values"
    for name, url in urls.items():
        assert url == f"http://127.0.0.1:{SUBGRAPH_PORTS[name]}/graphql"


def test_the_router_config_names_every_subgraph_at_its_port() -> None:
    config = yaml.safe_load((ROUTER / "router.yaml").read_text(encoding="utf-8"))
    assert config["override_subgraph_url"] == supergraph_urls()
    assert config["supergraph"]["path"] == "/graphql"
    removed = [h["remove"]["named"] for h in config["headers"]["all"]["request"] if "remove" in h]
    assert "x-agency-id" in removed  # clients never choose their own tenant
    # the coprocessor signs the verified principal for the subgraphs (examples/router/coprocessor.py)
    assert config["coprocessor"]["subgraph"]["all"]["request"] == {"headers": True, "body": True, "context": True}
    settings = load_settings(ROUTER / "subgraphs.toml")
    assert set(settings.adapters) == set(supergraph_urls())


@contextlib.asynccontextmanager
async def standalone(name: str, secret: str) -> AsyncIterator[str]:
    """The adapter wired to its sandboxes, served as a subgraph over HTTP that trusts only principals signed with
    ``secret``; yields its /graphql URL."""
    async with (
        running_adapter(load_adapter_class(name)) as running,
        serve_sandbox(lambda _: create_subgraph_app(running.adapter, PrincipalVerifier(secret))) as server,
    ):
        yield server.url + "/graphql"


@contextlib.asynccontextmanager
async def gateway_over_standalone(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str], str]]:
    """Every built-in subgraph standalone, and the gateway running the checked-in supergraph over them; yields the
    gateway's client, the subgraph URLs and the shared secret."""
    secret = secrets.token_urlsafe(32)
    async with contextlib.AsyncExitStack() as stack:
        urls = {name: await stack.enter_async_context(standalone(name, secret)) for name in sorted(supergraph_urls())}
        # the same file, only the ports moved to where this test's subgraphs listen
        text = SUPERGRAPH.read_text(encoding="utf-8")
        for name, url in supergraph_urls().items():
            text = text.replace(f'name: "{name}", url: "{url}"', f'name: "{name}", url: "{urls[name]}"')
        moved = tmp_path / "supergraph.graphql"
        moved.write_text(text, encoding="utf-8")
        assert load_supergraph(text).hash != ""
        overrides = {
            "gateway.supergraph": str(moved),
            "audit.store": "memory",
            "auth.subgraph_secret": secret,
            "auth.demo_key_file": str(tmp_path / "dev.pem"),
        }
        app = create_app(load_settings(None, overrides=overrides))
        gateway = await stack.enter_async_context(serve_sandbox(lambda _: app))
        client = await stack.enter_async_context(httpx.AsyncClient(base_url=gateway.url, timeout=30))
        yield client, urls, secret


async def test_a_standalone_subgraph_answers_only_what_the_gateway_signed(tmp_path: Path) -> None:
    secret = secrets.token_urlsafe(32)
    body = json.dumps({"query": "{ _service { sdl } }"}).encode()
    async with standalone("customs", secret) as url, httpx.AsyncClient() as client:
        unsigned = await client.post(url, content=body, headers={"content-type": "application/json"})
        assert unsigned.status_code == 401 and "data" not in unsigned.json()
        assert unsigned.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        signed = PrincipalSigner(secret).sign(GATEWAY_PRINCIPAL, body)
        answer = await client.post(url, content=body, headers={"content-type": "application/json", HEADER: signed})
        assert "@key" in answer.json()["data"]["_service"]["sdl"]


@pytest.mark.slow
async def test_the_supergraph_runs_unchanged_over_standalone_subgraphs(tmp_path: Path) -> None:
    async with gateway_over_standalone(tmp_path) as (client, _, _):
        query = '{ shipment(awb: "999-12345675") { awb origin shipper { name } consignee { name } } }'
        key = DevKey.load_or_create(tmp_path / "dev.pem")
        body = (await client.post("/graphql", json={"query": query}, headers=bearer(operator(), key))).json()
    assert body == {
        "data": {
            "shipment": {
                "awb": "999-12345675",
                "origin": "PVG",
                "shipper": {"name": "Shanghai Pudong Machinery Export Co., Ltd."},
                "consignee": {"name": "Volga Agro Import LLC"},
            }
        }
    }
