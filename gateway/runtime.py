"""Build the running graph from settings: adapters (in-process), remote subgraphs (HTTP), or a supergraph file.

Everything with a lifetime (adapter clients, the shared httpx pool) is entered into the caller's
``AsyncExitStack``, so the app's lifespan closes it all at shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from gateway.bodies import ACCEPT_ENCODING, BodyTooLarge, BodyUndecodable, read_httpx_body
from gateway.config import Settings, SubgraphSettings
from gateway.errors import ConfigError, SubgraphError, UpstreamProtocolError, UpstreamUnavailable
from gateway.federation.engine import FederatedGraph
from gateway.federation.executor import Transport
from gateway.federation.http_pool import HttpPool
from gateway.federation.supergraph import Supergraph, load_supergraph
from gateway.federation.transports import HttpTransport, InProcessTransport
from gateway.policy.signed_principal import HEADER as PRINCIPAL_HEADER
from gateway.policy.signed_principal import PrincipalSigner, subgraph_secret
from gateway.sdk.adapter import Adapter, Health, HealthState
from gateway.sdk.context import Principal
from gateway.sdk.events import EventBus, MemoryEventBus, RedisEventBus
from gateway.sdk.registry import make_adapter
from gateway.sdk.retry import ReadRetry
from gateway.sdk.scalars import SCALAR_RULES

__all__ = [
    "SUBGRAPH_PORTS",
    "Runtime",
    "build_runtime",
    "compose_sources",
    "fetch_remote_sdl",
    "read_supergraph_file",
    "subgraph_url",
]

log = logging.getLogger("silkgraph.runtime")

#: Where `silkgraph subgraph NAME` listens by default; the checked-in supergraph routes to these URLs, so it
#: runs unchanged on any federation router in front of the standalone subgraphs.
SUBGRAPH_PORTS: dict[str, int] = {
    "reference": 4200,
    "tax": 4201,
    "customs": 4202,
    "payments": 4203,
    "cargo": 4204,
    "barter": 4205,
    "vehicles": 4206,
}


def subgraph_url(name: str) -> str:
    port = SUBGRAPH_PORTS.get(name, 4300 + sum(map(ord, name)) % 500)
    return f"http://127.0.0.1:{port}/graphql"


@dataclasses.dataclass
class Runtime:
    settings: Settings
    supergraph: Supergraph
    graph: FederatedGraph
    adapters: dict[str, Adapter]
    remotes: dict[str, SubgraphSettings]
    http: httpx.AsyncClient
    #: the security gate of this generation (gateway.policy.gate.Gate), opened by the app
    gate: Any = None

    async def health(self) -> dict[str, Health]:
        """Every configured source, checked concurrently with a short timeout."""
        results: dict[str, Health] = {}

        async def check_adapter(name: str, adapter: Adapter) -> None:
            try:
                async with asyncio.timeout(3):
                    results[name] = await adapter.health()
            except Exception as exc:  # a health check must never take the endpoint down
                results[name] = Health(state=HealthState.DOWN, detail=type(exc).__name__)

        async def check_remote(name: str, url: str) -> None:
            try:
                async with asyncio.timeout(3):
                    await fetch_remote_sdl(self.http, name, url, principal_signer(self.settings))
                results[name] = Health(state=HealthState.UP)
            except (SubgraphError, TimeoutError) as exc:
                results[name] = Health(state=HealthState.DOWN, detail=str(exc))

        async with asyncio.TaskGroup() as tg:
            for name, adapter in self.adapters.items():
                tg.create_task(check_adapter(name, adapter))
            remote_urls = {n: s.url for n, s in self.remotes.items()}
            if not self.adapters and not self.remotes:
                remote_urls = {n: s.url for n, s in self.supergraph.subgraphs.items()}
            for name, url in remote_urls.items():
                tg.create_task(check_remote(name, url))
        return dict(sorted(results.items()))


def read_supergraph_file(path: str) -> Supergraph:
    file = Path(path)
    if not file.is_file():
        raise ConfigError("gateway.supergraph", f"file {str(file)!r} does not exist")
    return load_supergraph(file.read_text(encoding="utf-8"), scalar_rules=SCALAR_RULES)


#: who the gateway is when it asks a subgraph for itself (its SDL), outside any client operation
GATEWAY_PRINCIPAL = Principal(subject="silkgraph-gateway")

#: the cap on a remote subgraph's ``{ _service { sdl } }`` reply, decoded
MAX_SDL_BYTES = 10 * 1024 * 1024


async def fetch_remote_sdl(
    client: httpx.AsyncClient, name: str, url: str, signer: PrincipalSigner | None = None
) -> str:
    """``{ _service { sdl } }`` from a remote subgraph (signed when the gateway has a subgraph secret; read whole
    and capped, as every upstream reply is)."""
    body = json.dumps({"query": "{ _service { sdl } }"}).encode()
    headers = {"content-type": "application/json", "accept-encoding": ACCEPT_ENCODING}
    if signer is not None:
        headers[PRINCIPAL_HEADER] = signer.sign(GATEWAY_PRINCIPAL, body)
    try:
        async with client.stream("POST", url, content=body, headers=headers, timeout=10) as response:
            raw = await read_httpx_body(response, limit=MAX_SDL_BYTES)
        payload = json.loads(raw)
        sdl = payload["data"]["_service"]["sdl"]
    except (BodyTooLarge, BodyUndecodable) as exc:
        raise UpstreamProtocolError(
            f"subgraph {name!r} at {url}: its SDL reply was refused: {exc}", service=name
        ) from None
    except httpx.HTTPError as exc:
        raise UpstreamUnavailable(
            f"subgraph {name!r} at {url} is unreachable: {type(exc).__name__}", service=name
        ) from None
    except (ValueError, KeyError, TypeError):
        raise SubgraphError(
            f"subgraph {name!r} at {url} did not return {{ _service {{ sdl }} }}", service=name
        ) from None
    if not isinstance(sdl, str):
        raise SubgraphError(f"subgraph {name!r} returned a non-string SDL", service=name)
    return sdl


def compose_sources(sources: Sequence[Any]) -> str:
    from gateway.federation.compose import compose

    return str(compose(sources))


async def _sources(
    adapters: Sequence[Adapter],
    remotes: Sequence[SubgraphSettings],
    client: httpx.AsyncClient,
    signer: PrincipalSigner | None = None,
) -> list[Any]:
    from gateway.federation.compose import SubgraphSource

    sources = [SubgraphSource(name=a.name, url=subgraph_url(a.name), sdl=a.sdl()) for a in adapters]
    for remote in remotes:
        sdl = await fetch_remote_sdl(client, remote.name, remote.url, signer)
        sources.append(SubgraphSource(name=remote.name, url=remote.url, sdl=sdl))
    return sources


async def build_runtime(
    settings: Settings,
    stack: contextlib.AsyncExitStack,
    *,
    adapters: Sequence[Adapter] | None = None,
) -> Runtime:
    """Create clients, enter adapter lifespans, compose (or load) the supergraph and build the graph."""
    gw = settings.gateway
    http = await stack.enter_async_context(
        httpx.AsyncClient(
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=100, keepalive_expiry=30),
            timeout=httpx.Timeout(gw.subgraph_timeout, connect=5.0),
        )
    )
    pool = await stack.enter_async_context(HttpPool(limit=200, keepalive=30))
    transports: dict[str, Transport] = {}
    live: dict[str, Adapter] = {}
    signer = principal_signer(settings)
    remotes = dict(settings.subgraphs)
    if gw.supergraph:
        supergraph = await asyncio.to_thread(read_supergraph_file, gw.supergraph)
        unknown = sorted(set(remotes) - set(supergraph.subgraphs))
        if unknown:
            raise ConfigError(
                f"subgraphs.{unknown[0]}",
                f"is not a subgraph of {gw.supergraph} (it has: {', '.join(sorted(supergraph.subgraphs))})",
            )
        for name, sub in supergraph.subgraphs.items():
            tuned = remotes.get(name)
            # a [subgraphs.NAME] table tunes that subgraph of the supergraph: its url replaces the routing url
            transports[name] = (
                _remote_transport(tuned, pool, signer)
                if tuned is not None
                else HttpTransport(name, sub.url, pool, timeout=gw.subgraph_timeout, signer=signer)
            )
        remotes = {}
    else:
        chosen = list(adapters) if adapters is not None else [make_adapter(a) for a in settings.enabled_adapters()]
        bus = await _event_bus(settings, stack)
        for adapter in chosen:
            adapter.events = bus
            log.info("starting adapter", extra={"fields": {"adapter": adapter.name, "url": adapter.settings.url}})
            await stack.enter_async_context(adapter.lifespan())
            live[adapter.name] = adapter
            transports[adapter.name] = InProcessTransport(adapter)
        for remote in remotes.values():
            transports[remote.name] = _remote_transport(remote, http, signer)
        if not transports:
            raise ConfigError(
                "adapters", "no adapter is enabled and no remote subgraph is configured: nothing to serve"
            )
        sdl = compose_sources(await _sources(list(live.values()), list(remotes.values()), http, signer))
        supergraph = load_supergraph(sdl, scalar_rules=SCALAR_RULES)
    graph = FederatedGraph(
        supergraph,
        transports,
        introspection=gw.introspection_enabled,
        max_tokens=gw.limits.max_tokens,
        plan_cache_size=gw.plan_cache_size,
        include_subgraph_errors=gw.include_subgraph_errors or not gw.production,
        deduplicate_fetches=gw.deduplicate_fetches,
        request_timeout=gw.request_timeout,
    )
    return Runtime(settings=settings, supergraph=supergraph, graph=graph, adapters=live, remotes=remotes, http=http)


async def _event_bus(settings: Settings, stack: contextlib.AsyncExitStack) -> EventBus:
    """The bus the adapters publish live events to: this process, or Redis pub/sub shared by every replica."""
    live = settings.gateway.subscriptions
    if live.store == "memory":
        return MemoryEventBus(queue_limit=live.queue_limit)
    import redis.asyncio

    # a connection of its own without a read timeout: a pub/sub listener waits for as long as nothing happens
    client: Any = redis.asyncio.from_url(live.store)
    stack.push_async_callback(client.aclose)
    bus = RedisEventBus(client, prefix=live.channel_prefix, queue_limit=live.queue_limit)
    await bus.start()
    stack.push_async_callback(bus.aclose)
    return bus


def principal_signer(settings: Settings) -> PrincipalSigner | None:
    """The signer of the principal header for remote subgraphs (None: no secret, demo without remotes)."""
    if not settings.subgraphs and settings.gateway.supergraph is None:
        return None
    auth = settings.auth
    secret = subgraph_secret(auth.subgraph_secret, auth.demo_subgraph_key_file, production=settings.gateway.production)
    return PrincipalSigner(secret) if secret is not None else None


def _remote_transport(
    remote: SubgraphSettings, client: httpx.AsyncClient | HttpPool, signer: PrincipalSigner | None = None
) -> HttpTransport:
    """The transport of a configured remote subgraph, with its timeouts, headers, guard and retry settings."""
    return HttpTransport(
        remote.name,
        remote.url,
        client,
        timeout=remote.timeout,
        connect_timeout=remote.connect_timeout,
        headers=remote.headers,
        guard=remote.guard,
        retry=ReadRetry(attempts=remote.retry.attempts, max_delay=remote.retry.max_delay),
        signer=signer,
        max_response_bytes=remote.max_response_bytes,
    )
