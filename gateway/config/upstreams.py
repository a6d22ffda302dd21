"""``[adapters.NAME]`` and ``[subgraphs.NAME]``: the legacy adapters and remote subgraphs the gateway calls."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from gateway.config.section import _secret, _Section, _url
from gateway.errors import ConfigError
from gateway.resilience import (
    RESILIENCE_OPTIONS,
    GuardSettings,
    RetrySettings,
    guard_settings,
    retry_settings,
)
from gateway.sdk.adapter import AdapterSettings

__all__ = ["SubgraphSettings"]

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


@dataclasses.dataclass(frozen=True, kw_only=True)
class SubgraphSettings:
    """A remote subgraph (any language) registered by URL."""

    name: str
    url: str
    #: seconds for one whole fetch, and for opening its connection
    timeout: float = 30.0
    connect_timeout: float = 5.0
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict, repr=False)
    #: breaker, bulkhead and retry budget of this subgraph (the adapters' option names: docs/resilience.md)
    guard: GuardSettings = dataclasses.field(default_factory=GuardSettings)
    #: how a query's fetch is retried after a transient failure (mutations are sent once)
    retry: RetrySettings = dataclasses.field(default_factory=RetrySettings)
    #: the cap on one reply's decoded body; more is UPSTREAM_PROTOCOL_ERROR (gateway.bodies)
    max_response_bytes: int = 10 * 1024 * 1024


def _adapter(name: str, s: _Section, env: Mapping[str, str]) -> AdapterSettings:
    if not _NAME.match(name):
        raise ConfigError(s.prefix, "adapter names are lower-case letters, digits and _ (start with a letter)")
    url = s.get("url", str, None)
    if url is not None:
        _url(s.key("url"), url)
    creds = s.sub("credentials")
    credentials = {k: _secret(creds.key(k), v, env) for k, v in creds.table.items()}
    creds.used.update(credentials)
    connect = s.positive("connect_timeout", float, 3.0)
    read = s.positive("read_timeout", float, 10.0)
    total = s.positive("total_timeout", float, 15.0)
    if total < read:
        raise ConfigError(s.key("total_timeout"), f"must be >= read_timeout ({read}), got {total}")
    enabled = s.get("enabled", bool, True)
    options = s.finish(allow_extra=True)
    # the resilience options every adapter shares (docs/resilience.md): checked here, so a bad one fails at load
    guard_settings(options, where=s.prefix)
    retry_settings(options, where=s.prefix)
    return AdapterSettings(
        name=name,
        enabled=enabled,
        url=url,
        connect_timeout=connect,
        read_timeout=read,
        total_timeout=total,
        credentials=credentials,
        options=options,
    )


def _subgraph(name: str, s: _Section, env: Mapping[str, str]) -> SubgraphSettings:
    if not _NAME.match(name):
        raise ConfigError(s.prefix, "subgraph names are lower-case letters, digits and _ (start with a letter)")
    url = s.get("url", str, None)
    if url is None:
        raise ConfigError(s.key("url"), "is required for a remote subgraph")
    _url(s.key("url"), url)
    headers_table = s.sub("headers")
    headers = {k: _secret(headers_table.key(k), v, env) for k, v in headers_table.table.items()}
    headers_table.used.update(headers)
    timeout = s.positive("timeout", float, 30.0)
    connect_timeout = s.positive("connect_timeout", float, min(5.0, timeout))
    if connect_timeout > timeout:
        raise ConfigError(s.key("connect_timeout"), f"must be <= timeout ({timeout:g}), got {connect_timeout:g}")
    max_response_bytes = s.positive("max_response_bytes", int, SubgraphSettings.max_response_bytes)
    options = {k: v for k, v in s.table.items() if k in RESILIENCE_OPTIONS}
    s.used.update(options)
    settings = SubgraphSettings(
        max_response_bytes=max_response_bytes,
        name=name,
        url=url,
        timeout=timeout,
        connect_timeout=connect_timeout,
        headers=headers,
        guard=guard_settings(options, where=s.prefix),
        retry=retry_settings(options, where=s.prefix),
    )
    s.finish()
    return settings
