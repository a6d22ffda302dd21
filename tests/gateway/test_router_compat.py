"""Every built-in adapter serves as a standalone subgraph, and schema/supergraph.graphql runs over them.

This is what an established router (examples/router/) does with the same files; here Silkgraph's own gateway
plays the router through the ``silkgraph serve --supergraph`` path.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import yaml

from gateway.app import create_app
from gateway.config import load_settings
from gateway.federation.supergraph import load_supergraph
from gateway.runtime import SUBGRAPH_PORTS
from gateway.sdk.registry import load_adapter_class
from gateway.sdk.sandbox import serve_sandbox
from gateway.sdk.testing import running_adapter
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
    settings = load_settings(ROUTER / "subgraphs.toml")
    assert set(settings.adapters) == set(supergraph_urls())


@contextlib.asynccontextmanager
async def standalone(name: str) -> AsyncIterator[str]:
    """The adapter wired to its sandboxes, served as a subgraph over HTTP; yields its /graphql URL."""
    async with (
        running_adapter(load_adapter_class(name)) as running,
        serve_sandbox(lambda _: create_subgraph_app(running.adapter)) as server,
    ):
        yield server.url + "/graphql"


async def test_the_supergraph_runs_unchanged_over_standalone_subgraphs(tmp_path: Path) -> None:
    async with contextlib.AsyncExitStack() as stack:
        urls = {name: await stack.enter_async_context(standalone(name)) for name in sorted(supergraph_urls())}
        for name, url in urls.items():
            async with httpx.AsyncClient() as client:
                answer = (await client.post(url, json={"query": "{ _service { sdl } }"})).json()
            assert "@key" in answer["data"]["_service"]["sdl"] or name == "reference", name
        # the same file, only the ports moved to where this test's subgraphs listen
        text = SUPERGRAPH.read_text(encoding="utf-8")
        for name, url in supergraph_urls().items():
            text = text.replace(f'name: "{name}", url: "{url}"', f'name: "{name}", url: "{urls[name]}"')
        moved = tmp_path / "supergraph.graphql"
        moved.write_text(text, encoding="utf-8")
        assert load_supergraph(text).hash != ""
        settings = load_settings(None, overrides={"gateway.supergraph": str(moved), "audit.store": "memory"})
        app = create_app(settings)
        gateway = await stack.enter_async_context(serve_sandbox(lambda _: app))
        client = await stack.enter_async_context(httpx.AsyncClient(base_url=gateway.url, timeout=30))
        query = '{ shipment(awb: "999-12345675") { awb origin shipper { name } consignee { name } } }'
        body = (await client.post("/graphql", json={"query": query})).json()
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
