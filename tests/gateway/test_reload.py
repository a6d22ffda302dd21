"""Hot reload: config or supergraph file changes and SIGHUP swap the graph with no failed request."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import strawberry
from strawberry.asgi import GraphQL

from gateway.app import create_app
from gateway.config import Settings, load_settings
from gateway.federation.compose import SubgraphSource, compose
from gateway.policy.signed_principal import PrincipalVerifier
from gateway.reload import LiveRuntime, ReloadOptions
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.registry import make_adapter
from gateway.sdk.sandbox import SandboxServer, serve_sandbox
from gateway.sdk.schema import federation_schema
from gateway.subgraph_server import create_subgraph_app

KZ = '{ country(code: "KZ") { name } }'


@strawberry.type
class ExtrasQuery:
    @strawberry.federation.field(tags=["public"])  # a rule, or the closed gateway would refuse it
    def greeting(self) -> str:
        return "salem"


@strawberry.type
class ClashQuery:
    @strawberry.field
    def countries(self) -> int:  # reference says [Country!]!: the two cannot compose
        return 0


def _subgraph_app(query: type) -> GraphQL[Any, Any]:
    return GraphQL(federation_schema(query=query))


@contextlib.asynccontextmanager
async def remote(query: type) -> AsyncIterator[str]:
    async with serve_sandbox(lambda _: _subgraph_app(query)) as server:
        yield server.url + "/graphql"


def config_text(**remotes: str) -> str:
    text = '[gateway]\nmode = "demo"\n\n[audit]\nstore = "memory"\n\n[adapters.reference]\n'
    for name, url in remotes.items():
        text += f'\n[subgraphs.{name}]\nurl = "{url}"\n'
    return text


def rewrite(path: Path, text: str) -> None:
    """Write ``text`` and move the modification time forward, so the change shows on any file system."""
    before = path.stat().st_mtime if path.exists() else time.time()
    path.write_text(text, encoding="utf-8")
    os.utime(path, (before + 2, before + 2))


@contextlib.asynccontextmanager
async def gateway(
    load: Callable[[], Settings], interval: float = 0.05
) -> AsyncIterator[tuple[httpx.AsyncClient, LiveRuntime]]:
    app = create_app(load(), reload=ReloadOptions(load_settings=load, interval=interval))
    async with serve_sandbox(lambda _: app) as server, httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        yield client, app.state.live


async def until(condition: Callable[[], bool], what: str) -> None:
    for _ in range(400):
        if condition():
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"gave up waiting for {what}")


async def ask(client: httpx.AsyncClient, query: str) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.slow
async def test_reloading_under_load_fails_no_request(tmp_path: Path) -> None:
    config = tmp_path / "silkgraph.toml"
    async with remote(ExtrasQuery) as extras_url:
        rewrite(config, config_text())
        async with gateway(lambda: load_settings(config), interval=0) as (client, live):
            stop = asyncio.Event()
            outcomes: list[str] = []

            async def worker() -> None:
                while not stop.is_set():
                    try:
                        response = await client.post("/graphql", json={"query": KZ})
                        body = response.json()
                        ok = response.status_code == 200 and not body.get("errors") and body["data"]["country"]
                        outcomes.append("ok" if ok else f"failed: {response.status_code} {body}")
                    except httpx.HTTPError as exc:
                        outcomes.append(f"failed: {exc!r}")

            workers = [asyncio.create_task(worker()) for _ in range(12)]
            for round_ in range(6):
                served = len(outcomes)
                await until(lambda served=served: len(outcomes) > served + 12, "requests between reloads")
                rewrite(config, config_text(extras=extras_url) if round_ % 2 == 0 else config_text())
                assert await live.reload("test")
            stop.set()
            await asyncio.gather(*workers)
    failures = [o for o in outcomes if o != "ok"]
    assert failures == []
    assert live.status.generation == 7 and live.status.reloads == 6
    assert len(outcomes) > 6 * 12


async def test_a_config_change_is_picked_up_by_the_file_watcher(tmp_path: Path) -> None:
    config = tmp_path / "silkgraph.toml"
    rewrite(config, config_text())
    async with remote(ExtrasQuery) as extras_url, gateway(lambda: load_settings(config)) as (client, live):
        assert (await ask(client, "{ greeting }"))["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        rewrite(config, config_text(extras=extras_url))
        await until(lambda: live.status.generation == 2, "the watcher to reload")
        assert await ask(client, "{ greeting }") == {"data": {"greeting": "salem"}}


async def test_a_composition_error_keeps_the_old_supergraph_and_says_why(tmp_path: Path) -> None:
    config = tmp_path / "silkgraph.toml"
    rewrite(config, config_text())
    async with remote(ClashQuery) as clash_url, gateway(lambda: load_settings(config), interval=0) as (client, live):
        before = live.current.supergraph.hash
        rewrite(config, config_text(clash=clash_url))
        assert not await live.reload("test")
        assert live.current.supergraph.hash == before
        assert (await ask(client, KZ))["data"]["country"]["name"]
        ready = (await client.get("/readyz")).json()
        assert ready["status"] == "ready"
        assert "CompositionError" in ready["reload"]["lastError"] and "countries" in ready["reload"]["lastError"]
        metrics = (await client.get("/metrics")).text
        assert 'silkgraph_supergraph_reloads_total{outcome="failed"} 1.0' in metrics
        assert "silkgraph_supergraph_reload_failing 1.0" in metrics
        rewrite(config, config_text())
        assert await live.reload("fixed")
        assert (await client.get("/readyz")).json()["reload"]["lastError"] is None


async def test_sighup_reloads(tmp_path: Path) -> None:
    config = tmp_path / "silkgraph.toml"
    rewrite(config, config_text())
    async with gateway(lambda: load_settings(config), interval=0) as (client, live):
        assert live.sighup_installed  # else SIGHUP's default action would end this test run
        os.kill(os.getpid(), signal.SIGHUP)
        await until(lambda: live.status.generation == 2, "SIGHUP to reload")
        assert (await ask(client, KZ))["data"]["country"]["name"]


SECRET = secrets.token_urlsafe(32)


@contextlib.asynccontextmanager
async def standalone_reference() -> AsyncIterator[SandboxServer]:
    adapter = make_adapter(AdapterSettings(name="reference"))
    async with serve_sandbox(lambda _: create_subgraph_app(adapter, PrincipalVerifier(SECRET))) as server:
        yield server


async def test_serve_supergraph_file_reloads_when_the_file_changes(tmp_path: Path) -> None:
    reference = make_adapter(AdapterSettings(name="reference"))
    supergraph = tmp_path / "supergraph.graphql"
    async with standalone_reference() as ref, remote(ExtrasQuery) as extras_url:
        ref_source = SubgraphSource(name="reference", url=ref.url + "/graphql", sdl=reference.sdl())
        extras_sdl = federation_schema(query=ExtrasQuery).as_str()
        rewrite(supergraph, compose([ref_source]))

        def load() -> Settings:
            overrides = {"gateway.supergraph": str(supergraph), "audit.store": "memory", "auth.subgraph_secret": SECRET}
            return load_settings(None, overrides=overrides)

        async with gateway(load) as (client, live):
            first = await ask(client, KZ)
            assert (first.get("data") or {}).get("country"), first
            rewrite(supergraph, compose([ref_source, SubgraphSource(name="extras", url=extras_url, sdl=extras_sdl)]))
            await until(lambda: live.status.generation == 2, "the supergraph file to reload")
            assert await ask(client, "{ greeting }") == {"data": {"greeting": "salem"}}
