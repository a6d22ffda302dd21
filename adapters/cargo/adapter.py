"""``CargoAdapter``: the aviation logistics system as the ``cargo`` subgraph.

Settings (``[adapters.cargo]``): ``url`` — the ONE Record server; options ``legacy_url`` — the Cargo-XML airline
system, ``airlines`` — AWB prefix → ``"one-record"`` | ``"cargo-xml"`` (default ``{"999": "one-record",
"784": "cargo-xml"}``), and the resilience options every adapter shares (``retry_attempts``, ``retry_max_delay``,
breaker, bulkhead, retry budget: docs/resilience.md). Each airline interface is its own source, with its own
breaker and retry budget.

ONE Record notifications arrive at the gateway's ``POST /webhooks/cargo/notifications``; the airline authenticates
with ``Authorization: Bearer <key>``, the key being ``[adapters.cargo.credentials] notification_key`` (e.g.
``{ env = "SILKGRAPH_CARGO_NOTIFICATION_KEY" }``). A ONE Record server on loopback (the sandbox) without one gets
the demo key ``cargo-notifications-sandbox-demo-key``; anywhere else the endpoint refuses to start without it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import ssl
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx
import strawberry
from starlette.applications import Starlette

from adapters.cargo.airlines import parse_interfaces
from adapters.cargo.cargo_xml_client import CargoXmlClient
from adapters.cargo.cargo_xml_sandbox import create_cargo_xml_app
from adapters.cargo.jsonld import CARGO
from adapters.cargo.live import MilestoneWatcher
from adapters.cargo.loaders import Airlines, CargoLoaders
from adapters.cargo.model import Interface
from adapters.cargo.one_record_client import OneRecordClient
from adapters.cargo.one_record_sandbox import TOKEN_PATH, create_one_record_app
from adapters.cargo.subgraph import build_schema
from adapters.cargo.transport import SERVICE
from adapters.cargo.webhook import Notification, NotificationInbox, webhook_app
from adapters.credentials import api_key_auth, client_credentials_auth, demo_api_key, is_loopback
from gateway.errors import ConfigError, SilkgraphError, UpstreamUnavailable
from gateway.sdk.adapter import Adapter, AdapterSettings, Health, HealthState, SandboxSpec
from gateway.sdk.calls import legacy_http_client
from gateway.sdk.context import RequestContext
from gateway.sdk.retry import ReadRetry

__all__ = ["CargoAdapter"]

log = logging.getLogger("silkgraph.cargo")


@functools.cache
def _tls() -> ssl.SSLContext:
    """One verified TLS context per process: building one costs more than a loopback request."""
    return ssl.create_default_context()


@functools.cache
async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def _load_airports() -> frozenset[str]:
    import airportsdata

    return frozenset(code for code in airportsdata.load("IATA") if code)


class CargoAdapter(Adapter):
    name = "cargo"
    description = "Aviation logistics: airline cargo over IATA ONE Record and Cargo-XML"

    def __init__(self, settings: AdapterSettings | None = None, *, retry: ReadRetry | None = None) -> None:
        super().__init__(settings)
        self.interfaces = parse_interfaces(self.settings.option("airlines"))
        policy = ReadRetry.from_settings(self.settings)  # validates the options even when a test injects one
        self.retry = retry or policy
        legacy = self.settings.option("legacy_url")
        if legacy is not None and not isinstance(legacy, str):
            raise ConfigError("adapters.cargo.legacy_url", "must be the Cargo-XML system's base URL")
        self.legacy_url: str | None = legacy
        self.notifications = NotificationInbox()
        poll = self.settings.option("poll_seconds", 0)
        if not isinstance(poll, int | float) or isinstance(poll, bool) or poll < 0:
            raise ConfigError("adapters.cargo.poll_seconds", f"must be seconds >= 0 (0: off), got {poll!r}")
        #: how often the airlines' status messages are read for live milestones (0: never)
        self.poll_seconds = float(poll)
        self.airports: frozenset[str] | None = None
        self._one_record: OneRecordClient | None = None
        self._cargo_xml: CargoXmlClient | None = None
        self.watcher = MilestoneWatcher(self.airlines, lambda: self.events, poll_seconds=self.poll_seconds)
        self._webhook: Starlette | None = None

    def build_schema(self) -> strawberry.federation.Schema:
        return build_schema()

    def _timeout(self) -> httpx.Timeout:
        s = self.settings
        return httpx.Timeout(s.total_timeout, connect=s.connect_timeout, read=s.read_timeout)

    @contextlib.asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        used = set(self.interfaces.values())
        async with contextlib.AsyncExitStack() as stack:
            if self.settings.url and Interface.ONE_RECORD in used:
                http = await stack.enter_async_context(
                    legacy_http_client(
                        self.settings,
                        source="cargo.one-record",
                        timeout=self._timeout(),
                        verify=_tls(),
                        auth=client_credentials_auth(self.settings, system="cargo", token_path=TOKEN_PATH),
                    )
                )
                self._one_record = OneRecordClient(http, retry=self.retry)
            if self.legacy_url and Interface.CARGO_XML in used:
                http = await stack.enter_async_context(
                    legacy_http_client(
                        self.settings,
                        source="cargo.cargo-xml",
                        base_url=self.legacy_url,
                        timeout=self._timeout(),
                        verify=_tls(),
                        auth=api_key_auth(self.settings, system="cargo-xml", url=self.legacy_url),
                    )
                )
                self._cargo_xml = CargoXmlClient(http, retry=self.retry)
            self.airports = await asyncio.to_thread(_load_airports)
            if self.poll_seconds > 0 and (self._one_record or self._cargo_xml):
                task = asyncio.create_task(self.watcher.run(), name="cargo-milestones")
                stack.push_async_callback(_cancel, task)
            try:
                yield
            finally:
                self._one_record = self._cargo_xml = None

    def airlines(self) -> Airlines:
        return Airlines(self.interfaces, one_record=self._one_record, cargo_xml=self._cargo_xml)

    def request_state(self, request: RequestContext) -> Any:
        return CargoLoaders(self.airlines(), request.principal.agency)

    async def health(self) -> Health:
        sources: dict[str, str] = {}
        for interface in sorted(set(self.interfaces.values()), key=lambda i: i.value):
            try:
                await self.airlines().client(interface).ping()
            except SilkgraphError as exc:
                sources[interface.value] = f"down: {exc.message}"
            else:
                sources[interface.value] = "up"
        down = [k for k, v in sources.items() if v != "up"]
        if not down:
            return Health(state=HealthState.UP, sources=sources)
        state = HealthState.DOWN if len(down) == len(sources) else HealthState.DEGRADED
        return Health(state=state, detail=f"unreachable: {', '.join(down)}", sources=sources)

    def notification_key(self) -> str | None:
        """The bearer key airlines must send with notifications (the demo key for a loopback sandbox; else none)."""
        key = self.settings.credentials.get("notification_key")
        if key:
            return str(key)
        return demo_api_key("cargo-notifications") if is_loopback(self.settings.url) else None

    async def on_notification(self, notification: Notification) -> None:
        """A ``LOGISTICS_EVENT_RECEIVED`` about a Waybill/Shipment becomes its milestone on the event bus."""
        if notification.event_type != "LOGISTICS_EVENT_RECEIVED" or self._one_record is None:
            return
        awb = await self._one_record.awb_of(notification.logistics_object)
        if self.interfaces.get(awb[:3]) is not Interface.ONE_RECORD:
            return  # an AWB this interface does not serve for the platform
        await self.watcher.follow(awb)

    def webhook_app(self) -> Starlette | None:
        """The ASGI app receiving ONE Record notifications (``POST /notifications``); the gateway mounts it.

        None (no endpoint: fail closed) until ``credentials.notification_key`` is set for a non-loopback airline.
        """
        if self._webhook is None:
            key = self.notification_key()
            if key is None:
                log.warning("ONE Record notifications are refused: set adapters.cargo.credentials.notification_key")
                return None
            self._webhook = webhook_app(self.notifications, key=key, on_notification=self.on_notification)
        return self._webhook

    async def subscribe(self, *, subscriber: str, callback_url: str, topic: str = CARGO + "Shipment") -> str:
        """Ask the ONE Record airline to notify ``callback_url`` about every ``topic`` object."""
        if self._one_record is None:
            raise UpstreamUnavailable(
                "the one-record interface is not connected: set adapters.cargo.url", service=SERVICE
            )
        return await self._one_record.subscribe(subscriber=subscriber, callback_url=callback_url, topic=topic)

    def sandboxes(self) -> Sequence[SandboxSpec]:
        return (
            SandboxSpec(
                name="one-record",
                factory=create_one_record_app,
                default_port=4104,
                setting="url",
                description="IATA ONE Record 2.3.0 server of Air China (AWB prefix 999)",
            ),
            SandboxSpec(
                name="cargo-xml",
                factory=create_cargo_xml_app,
                default_port=4105,
                setting="legacy_url",
                description="Cargo-XML (XFWB/XFSU) and FSU airline system of China Southern (AWB prefix 784)",
            ),
        )
