"""The whole platform on loopback: every built-in adapter's sandbox(es) and the gateway app in this process.

Shared by the end-to-end tests (``tests/e2e/conftest.py``) and ``bench/dossier.py``: the same start-up as
``silkgraph demo``, but on free ports and with optional injected faults (e.g. latency) on every sandbox.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator, Collection, Mapping
from typing import Any

import httpx
from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse

from gateway.app import create_app
from gateway.audit.trail import AuditTrail
from gateway.cli import _start_sandboxes, builtin_adapters
from gateway.config import load_settings
from gateway.federation.engine import GraphQLRequest, GraphQLResponse
from gateway.policy.devkeys import DevKey
from gateway.policy.scopes import PLATFORM_READ_ALL, read_scopes, write_scopes
from gateway.runtime import Runtime
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.context import Principal, RequestContext
from gateway.sdk.registry import load_adapter_class, make_adapter
from gateway.sdk.sandbox import FaultConfig, SandboxConfig, free_port, serve_sandbox

__all__ = ["GRAPHQL_RESPONSE", "READER", "WRITER", "Platform", "running_platform"]

GRAPHQL_RESPONSE = "application/graphql-response+json"

#: who the end-to-end tests ask as: the platform operator reads every agency's records (the platform grant) ...
READER = Principal(
    subject="e2e-operator", roles=frozenset({"operator"}), scopes=frozenset(read_scopes() | {PLATFORM_READ_ALL})
)
#: ... and a partner agency writes (mutations are written for an agency; it serves the example's traders)
WRITER = Principal(
    subject="e2e-partner",
    agency="qingdao-broker",
    roles=frozenset({"partner"}),
    scopes=frozenset(read_scopes() | write_scopes()),
)


def _is_mutation(query: str) -> bool:
    try:
        document = parse(query)
    except GraphQLError:
        return False
    return any(
        isinstance(d, OperationDefinitionNode) and d.operation == OperationType.MUTATION for d in document.definitions
    )


def _token(keys: DevKey, who: Principal) -> str:
    return keys.token(subject=who.subject, roles=sorted(who.roles), agency=who.agency, scopes=sorted(who.scopes))


@dataclasses.dataclass(frozen=True)
class Platform:
    """A running platform: an HTTP client on the gateway, and the gateway's runtime for looking inside."""

    client: httpx.AsyncClient
    runtime: Runtime
    adapters: tuple[str, ...]
    #: the gateway's audit trail (in memory): one record per operation, with its fetches and legacy calls
    audit: AuditTrail | None = None
    #: a demo token of :data:`WRITER` (the client's default header carries :data:`READER`'s)
    writer_token: str = ""

    async def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """One operation through ``POST /graphql``; the response body.

        Queries go as the platform operator (every agency's records, read-only); mutations as a partner agency
        (mutations are written for an agency): the client's default header, or :data:`WRITER`'s token.
        """
        headers = {"authorization": f"Bearer {self.writer_token}"} if _is_mutation(query) and self.writer_token else {}
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

    async def execute(self, query: str, variables: dict[str, Any] | None = None) -> GraphQLResponse:
        """One operation straight through the federated graph, keeping its plan and fetch records."""
        request = GraphQLRequest(query=query, variables=variables)
        principal = WRITER if _is_mutation(query) else READER
        return await self.runtime.graph.execute(request, RequestContext(principal=principal))


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
        settings = load_settings(None, overrides={"gateway.mode": "demo", "audit.store": "memory"})
        settings = dataclasses.replace(settings, adapters=adapter_settings)
        app = create_app(settings, adapters=[make_adapter(s) for s in adapter_settings.values()])
        server = await stack.enter_async_context(serve_sandbox(lambda _: app))
        keys = DevKey.load_or_create(settings.auth.demo_key_file)
        headers = {"accept": GRAPHQL_RESPONSE, "authorization": f"Bearer {_token(keys, READER)}"}
        client = await stack.enter_async_context(httpx.AsyncClient(base_url=server.url, headers=headers, timeout=30))
        yield Platform(
            client=client,
            runtime=app.state.runtime,
            adapters=tuple(names),
            audit=app.state.audit,
            writer_token=_token(keys, WRITER),
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
