"""``[gateway]``: the server's address, mode, timeouts and its sub-tables."""

from __future__ import annotations

import dataclasses
import urllib.parse

from gateway.config.limits import LimitSettings
from gateway.config.section import _Section
from gateway.config.security import (
    CorsSettings,
    CostSettings,
    PersistedQuerySettings,
    RateLimitSettings,
    _cors,
    _cost,
    _persisted,
    _rate_limit,
)
from gateway.config.subscriptions import SubscriptionSettings, _subscriptions
from gateway.errors import ConfigError

__all__ = ["GatewaySettings"]

_MODES = ("demo", "production")


@dataclasses.dataclass(frozen=True, kw_only=True)
class GatewaySettings:
    host: str = "127.0.0.1"
    port: int = 4000
    mode: str = "demo"
    log_level: str = "info"
    #: Run this supergraph file instead of composing the configured adapters/subgraphs.
    supergraph: str | None = None
    introspection: bool | None = None
    graphiql: bool | None = None
    #: load GraphiQL's code from this npm CDN (``https://unpkg.com``) instead of the copy shipped in the package
    graphiql_cdn: str | None = None
    include_subgraph_errors: bool = False
    #: identical subgraph queries in flight share one call (same operation, variables, agency, roles, scopes)
    deduplicate_fetches: bool = True
    plan_cache_size: int = 512
    subgraph_timeout: float = 30.0
    #: seconds a query may take in all; past it the data fetched so far is returned with GATEWAY_TIMEOUT
    request_timeout: float = 60.0
    limits: LimitSettings = dataclasses.field(default_factory=LimitSettings)
    cors: CorsSettings = dataclasses.field(default_factory=CorsSettings)
    cost: CostSettings = dataclasses.field(default_factory=CostSettings)
    persisted_queries: PersistedQuerySettings = dataclasses.field(default_factory=PersistedQuerySettings)
    rate_limit: RateLimitSettings = dataclasses.field(default_factory=RateLimitSettings)
    subscriptions: SubscriptionSettings = dataclasses.field(default_factory=SubscriptionSettings)

    @property
    def production(self) -> bool:
        return self.mode == "production"

    @property
    def introspection_enabled(self) -> bool:
        return self.introspection if self.introspection is not None else not self.production

    @property
    def graphiql_enabled(self) -> bool:
        return self.graphiql if self.graphiql is not None else not self.production


def _graphiql_cdn(s: _Section) -> str | None:
    cdn: str | None = s.get("graphiql_cdn", str, None)
    if cdn is None:
        return None
    parts = urllib.parse.urlsplit(cdn)
    if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(
            s.key("graphiql_cdn"), f"must be an https:// URL of an npm CDN (https://unpkg.com), got {cdn!r}"
        )
    return cdn.rstrip("/")


def _gateway(s: _Section) -> GatewaySettings:
    mode = s.get("mode", str, "demo")
    if mode not in _MODES:
        raise ConfigError(s.key("mode"), f"must be one of {', '.join(_MODES)}, got {mode!r}")
    port = s.get("port", int, 4000)
    if not 0 <= port <= 65535:
        raise ConfigError(s.key("port"), f"must be a TCP port (0-65535), got {port}")
    log_level = s.get("log_level", str, "info").lower()
    if log_level not in ("debug", "info", "warning", "error"):
        raise ConfigError(s.key("log_level"), f"must be debug, info, warning or error, got {log_level!r}")
    lim = s.sub("limits")
    defaults = LimitSettings()
    limits = LimitSettings(
        **{
            f.name: lim.positive(f.name, int, getattr(defaults, f.name))
            if f.name != "max_batch"
            else lim.non_negative(f.name, int, defaults.max_batch)
            for f in dataclasses.fields(LimitSettings)
        }
    )
    lim.finish()
    subgraph_timeout = s.positive("subgraph_timeout", float, 30.0)
    request_timeout = s.positive("request_timeout", float, 60.0)
    if request_timeout < subgraph_timeout:
        raise ConfigError(
            s.key("request_timeout"),
            f"must be at least subgraph_timeout ({subgraph_timeout:g} s), got {request_timeout:g}: a query could "
            "never wait for its slowest subgraph",
        )
    settings = GatewaySettings(
        host=s.get("host", str, "127.0.0.1"),
        port=port,
        mode=mode,
        log_level=log_level,
        supergraph=s.get("supergraph", str, None),
        introspection=s.get("introspection", bool, None),
        graphiql=s.get("graphiql", bool, None),
        graphiql_cdn=_graphiql_cdn(s),
        include_subgraph_errors=s.get("include_subgraph_errors", bool, False),
        deduplicate_fetches=s.get("deduplicate_fetches", bool, True),
        plan_cache_size=s.positive("plan_cache_size", int, 512),
        subgraph_timeout=subgraph_timeout,
        request_timeout=request_timeout,
        limits=limits,
        cors=_cors(s.sub("cors")),
        cost=_cost(s.sub("cost")),
        persisted_queries=_persisted(s.sub("persisted_queries"), mode == "production"),
        rate_limit=_rate_limit(s.sub("rate_limit")),
        subscriptions=_subscriptions(s.sub("subscriptions")),
    )
    s.finish()
    return settings
