"""The whole platform on loopback: every built-in adapter's sandbox(es) and the gateway app in this process.

Shared by the end-to-end tests (``tests/e2e/conftest.py``) and ``bench/dossier.py``: the same start-up as
``silkgraph demo``, but on free ports and with optional injected faults (e.g. latency) on every sandbox.
"""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
from collections.abc import AsyncIterator, Collection, Mapping
from typing import Any

import httpx

from gateway.app import create_app
from gateway.audit.trail import AuditTrail
from gateway.cli import _start_sandboxes, builtin_adapters
from gateway.config import load_settings
from gateway.federation.engine import GraphQLRequest, GraphQLResponse
from gateway.policy.devkeys import DevKey
from gateway.runtime import Runtime
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.context import Principal, RequestContext
from gateway.sdk.registry import load_adapter_class, make_adapter
from gateway.sdk.sandbox import FaultConfig, SandboxConfig, free_port, serve_sandbox
from gateway.sdk.testing import bearer, operator

__all__ = ["GRAPHQL_RESPONSE", "Platform", "running_platform"]

GRAPHQL_RESPONSE = "application/graphql-response+json"


@dataclasses.dataclass(frozen=True)
class Platform:
    """A running platform: an HTTP client on the gateway, and the gateway's runtime for looking inside."""

    client: httpx.AsyncClient
    runtime: Runtime
    adapters: tuple[str, ...]
    #: the gateway's audit trail (in memory): one record per operation, with its fetches and legacy calls
    audit: AuditTrail | None = None
    #: the demo signing key the gateway trusts (tokens for :meth:`post`)
    key: DevKey | None = None

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, *, who: Principal | None = None
    ) -> dict[str, Any]:
        """One operation through ``POST /graphql`` as ``who`` (default: a platform operator, who reads every
        agency's records); the response body."""
        assert self.key is not None
        headers = bearer(who or operator(), self.key)
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body

    async def last_record(self) -> dict[str, Any]:
        """The audit record of the latest operation: what it fetched from which subgraph, and every legacy call."""
        assert self.audit is not None, "the platform runs without an audit trail"
        store = self.audit.log.store
        size = await store.size()
        assert size, "no operation has been recorded yet"
        (row,) = await store.rows(size - 1, size)
        return row.record()

    async def execute(
        self, query: str, variables: dict[str, Any] | None = None, *, who: Principal | None = None
    ) -> GraphQLResponse:
        """One operation straight through the federated graph as ``who`` (default: a platform operator), keeping
        its plan and fetch records."""
        request = GraphQLRequest(query=query, variables=variables)
        return await self.runtime.graph.execute(request, RequestContext(principal=who or operator()))


@contextlib.asynccontextmanager
async def running_platform(
    faults: FaultConfig | None = None,
    *,
    faults_of: Mapping[str, FaultConfig] | None = None,
    options_of: Mapping[str, Mapping[str, Any]] | None = None,
    unreachable: Collection[str] = (),
) -> AsyncIterator[Platform]:
    """Start it all; ``faults`` apply to every sandbox, ``faults_of`` to the named adapters' sandboxes only.

    ``options_of`` gives the named adapters' sandboxes their ``SandboxConfig.options`` (e.g. a larger seed).
    The ``unreachable`` adapters' sandboxes are not started: their URLs name a loopback port nobody listens on,
    so every call to that legacy system is refused at connect, as when the system is down.
    """
    names = builtin_adapters()
    async with contextlib.AsyncExitStack() as stack:
        adapter_settings: dict[str, AdapterSettings] = {}
        for name in names:
            if name in unreachable:
                adapter_settings[name] = _refusing_settings(name)
                continue
            config = SandboxConfig(
                faults=(faults_of or {}).get(name) or faults or FaultConfig(),
                options=dict((options_of or {}).get(name) or {}),
            )
            adapter_settings |= await stack.enter_async_context(
                _start_sandboxes([name], quiet=True, config=config, gateway_port=None)
            )
        keys = stack.enter_context(tempfile.TemporaryDirectory(prefix="silkgraph-e2e-"))
        overrides = {"gateway.mode": "demo", "audit.store": "memory", "auth.demo_key_file": f"{keys}/dev.pem"}
        settings = load_settings(None, overrides=overrides)
        settings = dataclasses.replace(settings, adapters=adapter_settings)
        app = create_app(settings, adapters=[make_adapter(s) for s in adapter_settings.values()])
        server = await stack.enter_async_context(serve_sandbox(lambda _: app))
        client = await stack.enter_async_context(
            httpx.AsyncClient(base_url=server.url, headers={"accept": GRAPHQL_RESPONSE}, timeout=30)
        )
        yield Platform(
            client=client,
            runtime=app.state.runtime,
            adapters=tuple(names),
            audit=app.state.audit,
            key=DevKey.load_or_create(settings.auth.demo_key_file),
        )


def _refusing_settings(name: str) -> AdapterSettings:
    """The adapter's settings with every sandbox URL pointing at a closed loopback port (connection refused)."""
    settings = AdapterSettings(name=name)
    options: dict[str, Any] = {}
    for spec in load_adapter_class(name)(settings).sandboxes():
        url = f"http://127.0.0.1:{free_port()}{spec.base_path}"
        if spec.setting == "url":
            settings = dataclasses.replace(settings, url=url)
        else:
            options[spec.setting] = url
    return dataclasses.replace(settings, options=options)
