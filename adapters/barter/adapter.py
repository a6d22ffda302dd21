"""``BarterAdapter``: the barter trade system (REST/JSON) as the ``barter`` subgraph."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx
import strawberry

from adapters.barter.client import BarterClient
from adapters.barter.loaders import BarterState, make_state
from adapters.barter.sandbox import create_app
from adapters.barter.subgraph import build_schema
from gateway.errors import ConfigError, SubgraphError, UpstreamUnavailable
from gateway.sdk.adapter import Adapter, AdapterSettings, Health, HealthState, SandboxSpec
from gateway.sdk.calls import legacy_http_client
from gateway.sdk.context import RequestContext, current_request

__all__ = ["BarterAdapter"]


class BarterAdapter(Adapter):
    """Barter contracts, their goods lists, deliveries and balance ledger.

    Settings: ``url`` (the register's base URL), timeouts; options ``today`` (ISO date the adapter treats as
    today, for demos and tests; default the real date) and ``retries`` (extra attempts for reads, default 2).
    """

    name = "barter"
    description = "Cross-border barter trade system: contracts, goods lists, deliveries, balance"

    def __init__(self, settings: AdapterSettings | None = None) -> None:
        super().__init__(settings)
        self._today = _date_option(self.settings, "today")
        retries = self.settings.option("retries", 2)
        if not isinstance(retries, int) or isinstance(retries, bool) or not 0 <= retries <= 5:
            raise ConfigError("adapters.barter.options.retries", f"must be an integer 0-5, got {retries!r}")
        self._retries = retries
        self._client: BarterClient | None = None

    def build_schema(self) -> strawberry.federation.Schema:
        return build_schema()

    @contextlib.asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        s = self.settings
        if not s.url:
            raise ConfigError("adapters.barter.url", "the barter system's base URL is required")
        timeout = httpx.Timeout(s.total_timeout, connect=s.connect_timeout, read=s.read_timeout)
        async with legacy_http_client(
            s, source="barter", timeout=timeout, event_hooks={"request": [_propagate_trace]}
        ) as http:
            self._client = BarterClient(http, retries=self._retries)
            try:
                yield
            finally:
                self._client = None

    def client(self) -> BarterClient:
        if self._client is None:
            raise UpstreamUnavailable("the barter adapter is not started (no lifespan)", service=self.name)
        return self._client

    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def request_state(self, request: RequestContext) -> BarterState:
        return make_state(self.client, agency=request.principal.agency, today=self.today())

    async def health(self) -> Health:
        try:
            await self.client().ping()
        except SubgraphError as exc:
            return Health(state=HealthState.DOWN, detail=exc.message)
        return Health(state=HealthState.UP)

    def sandboxes(self) -> Sequence[SandboxSpec]:
        return (
            SandboxSpec(
                name="barter-rest",
                factory=create_app,
                default_port=4106,
                setting="url",
                description="barter contract register (REST/JSON)",
            ),
        )


def _date_option(settings: AdapterSettings, key: str) -> dt.date | None:
    value: Any = settings.option(key)
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"adapters.{settings.name}.options.{key}", f"{value!r} is not an ISO date") from None


async def _propagate_trace(request: httpx.Request) -> None:
    """Send the operation's W3C ``traceparent`` to the legacy system, so its logs join the trace."""
    ctx = current_request()
    if ctx is not None and ctx.traceparent and "traceparent" not in request.headers:
        request.headers["traceparent"] = ctx.traceparent
