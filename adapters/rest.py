"""What the built-in REST adapters (barter, vehicles) share: settings, the legacy client's lifetime, health.

A subclass names its system, builds its client around the audited, guarded HTTP client
(:func:`gateway.sdk.calls.legacy_http_client`, authenticated with the ``api_key`` credential:
:func:`adapters.credentials.api_key_auth`) and adds its schema, per-request state and sandbox::

    class BarterAdapter(RestLegacyAdapter[BarterClient]):
        name = "barter"
        system = "the barter system"

        def make_client(self, http: httpx.AsyncClient, retry: ReadRetry) -> BarterClient:
            return BarterClient(http, retry=retry)

Options: ``today`` (ISO date the adapter treats as today, for demos and tests; default the real date), and the
options every adapter shares (docs/resilience.md): ``retry_attempts`` and ``retry_max_delay`` for reads, the
breaker, bulkhead and retry budget.
"""

from __future__ import annotations

import abc
import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any, ClassVar, Generic, Protocol, TypeVar

import httpx

from adapters.credentials import api_key_auth
from gateway.errors import ConfigError, SubgraphError, UpstreamUnavailable
from gateway.sdk.adapter import Adapter, AdapterSettings, Health, HealthState
from gateway.sdk.calls import legacy_http_client
from gateway.sdk.context import current_request
from gateway.sdk.retry import ReadRetry, Sleep

__all__ = ["RestLegacyAdapter"]


class _Pingable(Protocol):
    async def ping(self) -> Any: ...


ClientT = TypeVar("ClientT", bound=_Pingable)


class RestLegacyAdapter(Adapter, Generic[ClientT]):
    #: how messages name the legacy system, e.g. "the barter system"
    system: ClassVar[str]

    def __init__(self, settings: AdapterSettings | None = None, *, sleep: Sleep | None = None) -> None:
        super().__init__(settings)
        self._today = _date_option(self.settings, "today")
        self._retry = ReadRetry.from_settings(self.settings, sleep=sleep)
        self._client: ClientT | None = None

    @abc.abstractmethod
    def make_client(self, http: httpx.AsyncClient, retry: ReadRetry) -> ClientT:
        """The adapter's client for its legacy system over ``http``; its reads retry with ``retry``."""

    @contextlib.asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        s = self.settings
        if not s.url:
            raise ConfigError(f"adapters.{self.name}.url", f"{self.system}'s base URL is required")
        timeout = httpx.Timeout(s.total_timeout, connect=s.connect_timeout, read=s.read_timeout)
        auth = api_key_auth(s, system=self.name)
        async with legacy_http_client(
            s, source=self.name, timeout=timeout, auth=auth, event_hooks={"request": [_propagate_trace]}
        ) as http:
            self._client = self.make_client(http, self._retry)
            try:
                yield
            finally:
                self._client = None

    def client(self) -> ClientT:
        if self._client is None:
            raise UpstreamUnavailable(f"the {self.name} adapter is not started (no lifespan)", service=self.name)
        return self._client

    def today(self) -> dt.date:
        return self._today or dt.date.today()

    async def health(self) -> Health:
        try:
            await self.client().ping()
        except SubgraphError as exc:
            return Health(state=HealthState.DOWN, detail=exc.message)
        return Health(state=HealthState.UP)


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
