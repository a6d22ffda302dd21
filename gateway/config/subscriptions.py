"""``[gateway.subscriptions]``: live data settings."""

from __future__ import annotations

import dataclasses

from gateway.config.section import _Section, _store

__all__ = ["SubscriptionSettings"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class SubscriptionSettings:
    """``[gateway.subscriptions]``: live data over graphql-ws, SSE and multipart (gateway.live)."""

    enabled: bool = True
    #: where adapters publish events: "memory" (this process) or "redis://..." (every replica hears every event)
    store: str = "memory"
    #: Redis pub/sub channels are server-wide (not per database): replicas of one deployment share this prefix
    channel_prefix: str = "silkgraph:events:"
    max_per_connection: int = 20
    max_per_principal: int = 50
    #: a stream that delivers nothing for this long is closed (the client may resubscribe)
    idle_timeout: float = 600.0
    #: graphql-ws: seconds a client has to send connection_init; seconds between server pings
    init_timeout: float = 10.0
    ping_interval: float = 15.0
    #: events one subscriber may have waiting before it is closed as a slow consumer
    queue_limit: int = 256


def _subscriptions(s: _Section) -> SubscriptionSettings:
    d = SubscriptionSettings()
    settings = SubscriptionSettings(
        enabled=s.get("enabled", bool, d.enabled),
        store=_store(s, "store"),
        channel_prefix=s.get("channel_prefix", str, d.channel_prefix),
        max_per_connection=s.positive("max_per_connection", int, d.max_per_connection),
        max_per_principal=s.positive("max_per_principal", int, d.max_per_principal),
        idle_timeout=s.positive("idle_timeout", float, d.idle_timeout),
        init_timeout=s.positive("init_timeout", float, d.init_timeout),
        ping_interval=s.positive("ping_interval", float, d.ping_interval),
        queue_limit=s.positive("queue_limit", int, d.queue_limit),
    )
    s.finish()
    return settings
