"""Settings: ``silkgraph.toml`` plus ``SILKGRAPH_*`` environment overrides, validated once at start-up.

Environment overrides use ``__`` between levels: ``SILKGRAPH_GATEWAY__PORT=8080``,
``SILKGRAPH_ADAPTERS__PAYMENTS__URL=http://rail:9000``, ``SILKGRAPH_SUBGRAPHS__PARTNER__URL=...``. Values are
parsed as TOML scalars when they look like one (``true``, ``8080``, ``1.5``), else taken as strings.

Secrets never live in the file: a credential is written as ``{ env = "CUSTOMS_PASSWORD" }`` and read from that
environment variable at start-up (missing → :class:`~gateway.errors.ConfigError` naming both).

Every problem raises :class:`~gateway.errors.ConfigError` with the dotted key and the reason.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gateway.errors import ConfigError
from gateway.resilience import (
    RESILIENCE_OPTIONS,
    GuardSettings,
    RetrySettings,
    guard_settings,
    retry_settings,
)
from gateway.sdk.adapter import AdapterSettings
from gateway.store_settings import StoreSettings, parse_stores

__all__ = [
    "AuditSettings",
    "AuthSettings",
    "CorsSettings",
    "CostSettings",
    "GatewaySettings",
    "LimitSettings",
    "PersistedQuerySettings",
    "RateLimitSettings",
    "Settings",
    "SubgraphSettings",
    "TelemetrySettings",
    "load_settings",
]

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_MODES = ("demo", "production")


@dataclasses.dataclass(frozen=True, kw_only=True)
class LimitSettings:
    """Request limits checked before validation (shared/reference/security.md §12)."""

    max_body_bytes: int = 2_000_000
    max_document_chars: int = 15_000
    max_tokens: int = 2_000
    max_fields: int = 300
    max_aliases: int = 15
    max_depth: int = 10
    max_root_fields: int = 20
    max_directives: int = 20
    max_overlap_comparisons: int = 2_000
    #: introspection is measured by its own rule (gateway/policy/limits.py), not by max_depth
    max_introspection_depth: int = 20
    max_introspection_lists: int = 2
    max_batch: int = 0


@dataclasses.dataclass(frozen=True, kw_only=True)
class AuditSettings:
    enabled: bool = True
    #: "sqlite:///path", "postgresql://...", or "memory"
    store: str = "sqlite:///var/audit.sqlite3"
    fail_closed: bool = True
    checkpoint_path: str | None = "var/checkpoints"
    checkpoint_every: int = 256
    #: also sign a checkpoint every this many seconds when records arrived since the last one: no record stays
    #: unsigned (deletable without `audit verify` noticing) for longer
    checkpoint_interval: float = 10.0
    #: an append not committed within this many seconds counts as a store failure
    append_timeout: float = 10.0
    #: records the store failed to take mid-request wait here (fsync'd) until it is back; "" turns it off
    spool_path: str | None = "var/audit-spool"
    signing_key: str | None = dataclasses.field(default=None, repr=False)
    #: checkpoint origin line and key name (C2SP tlog-checkpoint)
    origin: str = "silkgraph.local/audit"
    #: HMAC key (base64 or text) for redacted variable values; derived from signing_key when unset
    redaction_key: str | None = dataclasses.field(default=None, repr=False)
    #: variable names (fnmatch patterns) whose values are kept in clear in audit records
    clear_variables: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, kw_only=True)
class TelemetrySettings:
    service_name: str = "silkgraph-gateway"
    #: OTLP/HTTP traces endpoint; spans are exported only when set and the OTLP exporter package is installed
    otlp_endpoint: str | None = None
    sample_ratio: float = 1.0


# security settings (parsed by _auth, _cors, _cost, _persisted, _rate_limit below; docs/security.md)


@dataclasses.dataclass(frozen=True, kw_only=True)
class AuthSettings:
    """JWT bearer authentication. In demo mode without ``jwks_url`` the gateway signs and trusts local dev keys."""

    required: bool = False
    jwks_url: str | None = None
    issuer: str | None = None
    audience: str | None = None
    leeway: float = 30.0
    algorithms: tuple[str, ...] = ("RS256", "PS256", "ES256", "EdDSA")
    agency_claim: str = "agency"
    roles_claim: str = "roles"
    jwks_cache_seconds: float = 300.0
    jwks_min_refresh_seconds: float = 30.0
    demo_key_file: str = "var/dev-signing-key.pem"
    #: ``@policy`` name -> "module:function"
    policies: Mapping[str, str] = dataclasses.field(default_factory=dict)
    #: HMAC secret shared with standalone/remote subgraphs for the signed principal header
    #: (gateway.policy.signed_principal); demo mode falls back to ``demo_subgraph_key_file``
    subgraph_secret: str | None = dataclasses.field(default=None, repr=False)
    subgraph_max_age: float = 60.0
    demo_subgraph_key_file: str = "var/dev-subgraph-key"


@dataclasses.dataclass(frozen=True, kw_only=True)
class CorsSettings:
    allow_origins: tuple[str, ...] = ()
    allow_credentials: bool = False
    allow_headers: tuple[str, ...] = (
        "authorization",
        "content-type",
        "apollo-require-preflight",
        "x-apollo-operation-name",
        "apollographql-client-name",
        "apollographql-client-version",
    )
    max_age: int = 600


@dataclasses.dataclass(frozen=True, kw_only=True)
class CostSettings:
    #: "off", "measure" (estimate and log) or "enforce" (refuse over max_cost)
    mode: str = "measure"
    max_cost: int = 1000
    list_size: int = 10


@dataclasses.dataclass(frozen=True, kw_only=True)
class PersistedQuerySettings:
    apq: bool = True
    #: "memory" or "redis://..." (shared by replicas)
    store: str = "memory"
    ttl_seconds: int = 86_400
    #: run only operations in ``manifest`` (an Apollo persisted-query manifest)
    safelist: bool = False
    manifest: str | None = None
    #: roles that may send free-form operations while the safelist is on (e.g. partner agencies)
    bypass_roles: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, kw_only=True)
class RateLimitSettings:
    enabled: bool = False
    #: "memory" or "redis://..."
    store: str = "memory"
    per_principal: int = 600
    per_agency: int = 3000
    window_seconds: float = 60.0
    #: when the Redis store cannot answer: let requests through (true) or refuse them with 503 (false)
    fail_open: bool = True


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


@dataclasses.dataclass(frozen=True, kw_only=True)
class Settings:
    gateway: GatewaySettings = dataclasses.field(default_factory=GatewaySettings)
    audit: AuditSettings = dataclasses.field(default_factory=AuditSettings)
    telemetry: TelemetrySettings = dataclasses.field(default_factory=TelemetrySettings)
    auth: AuthSettings = dataclasses.field(default_factory=AuthSettings)
    adapters: Mapping[str, AdapterSettings] = dataclasses.field(default_factory=dict)
    subgraphs: Mapping[str, SubgraphSettings] = dataclasses.field(default_factory=dict)
    stores: StoreSettings = dataclasses.field(default_factory=StoreSettings)
    source: str = "<defaults>"

    def enabled_adapters(self) -> list[AdapterSettings]:
        return [a for a in self.adapters.values() if a.enabled]


# ---------------------------------------------------------------------------------------------------------
# loading


def load_settings(
    path: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Read ``path`` (optional), apply ``SILKGRAPH_*`` overrides, then ``overrides``, and validate."""
    env = os.environ if environ is None else environ
    raw: dict[str, Any] = {}
    source = "<defaults>"
    if path is not None:
        file = Path(path)
        if not file.is_file():
            raise ConfigError("--config", f"file {str(file)!r} does not exist")
        try:
            raw = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(str(file), f"not valid TOML: {exc}") from None
        source = str(file)
    for key, value in sorted(env.items()):
        if key.startswith("SILKGRAPH_") and "__" in key:
            dotted = [p.lower() for p in key[len("SILKGRAPH_") :].split("__")]
            if not all(dotted):
                raise ConfigError(key, "an override names each level once: SILKGRAPH_SECTION__KEY")
            _set_dotted(raw, dotted, _env_value(value))
    for key, value in (overrides or {}).items():
        _set_dotted(raw, key.split("."), value)
    return _build(raw, env, source)


def _env_value(value: str) -> Any:
    """A boolean, integer or number when the text is one in TOML; otherwise the text itself."""
    if "\n" in value:
        return value
    try:
        parsed = tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        return value
    return parsed if isinstance(parsed, bool | int | float) else value


def _url(key: str, value: str) -> str:
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(key, f"must be an http(s) URL such as http://127.0.0.1:4101, got {value!r}")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number in range
    except ValueError as exc:
        raise ConfigError(key, f"has a bad port: {exc}") from None
    return value


def _set_dotted(target: dict[str, Any], parts: list[str], value: Any) -> None:
    node = target
    for part in parts[:-1]:
        nxt = node.setdefault(part, {})
        if not isinstance(nxt, dict):
            raise ConfigError(".".join(parts), f"{part!r} is a value, not a section")
        node = nxt
    node[parts[-1]] = value


class _Section:
    """Typed reads from one table, remembering which keys were used so unknown keys can be reported."""

    def __init__(self, prefix: str, table: Any) -> None:
        if not isinstance(table, dict):
            raise ConfigError(prefix, f"must be a table, got {type(table).__name__}")
        self.prefix = prefix
        self.table: dict[str, Any] = table
        self.used: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def get(self, name: str, kind: type | tuple[type, ...], default: Any) -> Any:
        self.used.add(name)
        if name not in self.table:
            return default
        value = self.table[name]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if float in kinds and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if isinstance(value, bool) and bool not in kinds:
            raise ConfigError(self.key(name), f"expected {_kind_names(kinds)}, got a boolean")
        if not isinstance(value, kinds):
            raise ConfigError(self.key(name), f"expected {_kind_names(kinds)}, got {type(value).__name__}")
        return value

    def positive(self, name: str, kind: type, default: Any) -> Any:
        value = self.get(name, kind, default)
        if value is not None and value <= 0:
            raise ConfigError(self.key(name), f"must be greater than 0, got {value}")
        return value

    def non_negative(self, name: str, kind: type, default: Any) -> Any:
        value = self.get(name, kind, default)
        if value is not None and value < 0:
            raise ConfigError(self.key(name), f"must be 0 or more, got {value}")
        return value

    def sub(self, name: str) -> _Section:
        self.used.add(name)
        return _Section(self.key(name), self.table.get(name, {}))

    def finish(self, allow_extra: bool = False) -> dict[str, Any]:
        extra = {k: v for k, v in self.table.items() if k not in self.used}
        if extra and not allow_extra:
            name = sorted(extra)[0]
            known = ", ".join(sorted(self.used))
            raise ConfigError(self.key(name), f"unknown key (known keys here: {known})")
        return extra


def _kind_names(kinds: tuple[type, ...]) -> str:
    names = {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "a boolean",
        dict: "a table",
        list: "an array",
    }
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _build(raw: dict[str, Any], env: Mapping[str, str], source: str) -> Settings:
    root = _Section("", raw)
    gateway = _gateway(root.sub("gateway"))
    audit = _audit(root.sub("audit"), env)
    telemetry = _telemetry(root.sub("telemetry"))
    auth = _auth(root.sub("auth"), gateway.production, env)
    stores = parse_stores(root.sub("stores"))
    adapters_table = root.sub("adapters")
    adapters = {
        name: _adapter(name, _Section(adapters_table.key(name), value), env)
        for name, value in adapters_table.table.items()
    }
    subgraphs_table = root.sub("subgraphs")
    subgraphs = {
        name: _subgraph(name, _Section(subgraphs_table.key(name), value), env)
        for name, value in subgraphs_table.table.items()
    }
    clash = sorted(set(subgraphs) & {n for n, a in adapters.items() if a.enabled})
    if clash:
        raise ConfigError(f"subgraphs.{clash[0]}", "the name is already used by an enabled adapter")
    root.finish()
    settings = Settings(
        gateway=gateway,
        audit=audit,
        telemetry=telemetry,
        auth=auth,
        adapters=adapters,
        subgraphs=subgraphs,
        stores=stores,
        source=source,
    )
    if gateway.production:
        from gateway.policy.production import refuse_unsafe

        refuse_unsafe(settings)
    return settings


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


def _audit(s: _Section, env: Mapping[str, str]) -> AuditSettings:
    store = s.get("store", str, "sqlite:///var/audit.sqlite3")
    if not (store == "memory" or store.startswith(("sqlite:///", "postgresql://", "postgres://"))):
        raise ConfigError(s.key("store"), f"must be 'memory', 'sqlite:///PATH' or 'postgresql://...', got {store!r}")
    key = s.get("signing_key", (str, dict), None)
    redaction = s.get("redaction_key", (str, dict), None)
    settings = AuditSettings(
        enabled=s.get("enabled", bool, True),
        store=store,
        fail_closed=s.get("fail_closed", bool, True),
        checkpoint_path=s.get("checkpoint_path", str, "var/checkpoints"),
        checkpoint_every=s.positive("checkpoint_every", int, 256),
        checkpoint_interval=s.positive("checkpoint_interval", float, 10.0),
        append_timeout=s.positive("append_timeout", float, 10.0),
        spool_path=s.get("spool_path", str, "var/audit-spool") or None,
        signing_key=_secret(s.key("signing_key"), key, env) if key is not None else None,
        origin=s.get("origin", str, "silkgraph.local/audit"),
        redaction_key=_secret(s.key("redaction_key"), redaction, env) if redaction is not None else None,
        clear_variables=_strings(s, "clear_variables", ()),
    )
    s.finish()
    return settings


def _telemetry(s: _Section) -> TelemetrySettings:
    ratio = s.get("sample_ratio", float, 1.0)
    if not 0.0 <= ratio <= 1.0:
        raise ConfigError(s.key("sample_ratio"), f"must be between 0 and 1, got {ratio}")
    endpoint = s.get("otlp_endpoint", str, None)
    if endpoint is not None and not endpoint.startswith(("http://", "https://")):
        raise ConfigError(s.key("otlp_endpoint"), f"must be an http(s) URL, got {endpoint!r}")
    settings = TelemetrySettings(
        service_name=s.get("service_name", str, "silkgraph-gateway"), otlp_endpoint=endpoint, sample_ratio=ratio
    )
    s.finish()
    return settings


def _secret(key: str, value: Any, env: Mapping[str, str]) -> str:
    """A secret written as ``{ env = "VAR" }`` (read from the environment) or, in demo configs, a literal."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and set(value) == {"env"} and isinstance(value["env"], str):
        var = value["env"]
        if var not in env:
            raise ConfigError(key, f"environment variable {var} is not set")
        return env[var]
    raise ConfigError(key, 'a secret is a string or { env = "VARIABLE" }')


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


# ---------------------------------------------------------------------------------------------------------
# security: [auth], [gateway.cors], [gateway.cost], [gateway.persisted_queries], [gateway.rate_limit]
# (what each setting does: docs/security.md)


def _strings(s: _Section, name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = s.get(name, list, list(default))
    if not all(isinstance(v, str) for v in value):
        raise ConfigError(s.key(name), "must be an array of strings")
    return tuple(value)


def _store(s: _Section, name: str) -> str:
    store: str = s.get(name, str, "memory")
    if store != "memory" and not store.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(s.key(name), f"must be 'memory' or a redis:// URL, got {store!r}")
    return store


def _auth(s: _Section, production: bool, env: Mapping[str, str]) -> AuthSettings:
    from gateway.policy.authn import ALLOWED_ALGORITHMS

    defaults = AuthSettings()
    jwks_url = s.get("jwks_url", str, None)
    if jwks_url is not None and not jwks_url.startswith(("https://", "http://")):
        raise ConfigError(s.key("jwks_url"), f"must be an http(s) URL, got {jwks_url!r}")
    if production and jwks_url is not None and not jwks_url.startswith("https://"):
        raise ConfigError(s.key("jwks_url"), "must use https:// in production")
    algorithms = _strings(s, "algorithms", defaults.algorithms)
    bad = [a for a in algorithms if a not in ALLOWED_ALGORITHMS]
    if bad or not algorithms:
        raise ConfigError(s.key("algorithms"), f"allowed: {', '.join(ALLOWED_ALGORITHMS)} (never none or HS*)")
    policies_table = s.sub("policies")
    policies = {}
    for name, target in policies_table.table.items():
        if not isinstance(target, str) or ":" not in target:
            raise ConfigError(policies_table.key(name), 'must be "module:function"')
        policies[name] = target
    policies_table.used.update(policies)
    secret = s.table.get("subgraph_secret")
    s.used.add("subgraph_secret")
    leeway = s.get("leeway", float, defaults.leeway)
    if not 0 <= leeway <= 300:
        raise ConfigError(s.key("leeway"), f"must be between 0 and 300 seconds, got {leeway}")
    settings = AuthSettings(
        required=s.get("required", bool, defaults.required),
        jwks_url=jwks_url,
        issuer=s.get("issuer", str, None),
        audience=s.get("audience", str, None),
        leeway=leeway,
        algorithms=algorithms,
        agency_claim=s.get("agency_claim", str, defaults.agency_claim),
        roles_claim=s.get("roles_claim", str, defaults.roles_claim),
        jwks_cache_seconds=s.positive("jwks_cache_seconds", float, defaults.jwks_cache_seconds),
        jwks_min_refresh_seconds=s.positive("jwks_min_refresh_seconds", float, defaults.jwks_min_refresh_seconds),
        demo_key_file=s.get("demo_key_file", str, defaults.demo_key_file),
        policies=policies,
        subgraph_secret=_secret(s.key("subgraph_secret"), secret, env) if secret is not None else None,
        subgraph_max_age=s.positive("subgraph_max_age", float, defaults.subgraph_max_age),
        demo_subgraph_key_file=s.get("demo_subgraph_key_file", str, defaults.demo_subgraph_key_file),
    )
    s.finish()
    if production and settings.required and jwks_url is None:
        raise ConfigError(s.key("jwks_url"), "is required in production when auth.required is true")
    if production and jwks_url is not None and (settings.issuer is None or settings.audience is None):
        raise ConfigError(s.key("issuer" if settings.issuer is None else "audience"), "is required in production")
    return settings


def _cors(s: _Section) -> CorsSettings:
    defaults = CorsSettings()
    origins = _strings(s, "allow_origins", ())
    credentials = s.get("allow_credentials", bool, False)
    if credentials and "*" in origins:
        raise ConfigError(s.key("allow_origins"), "'*' cannot be combined with allow_credentials = true")
    settings = CorsSettings(
        allow_origins=origins,
        allow_credentials=credentials,
        allow_headers=_strings(s, "allow_headers", defaults.allow_headers),
        max_age=s.positive("max_age", int, defaults.max_age),
    )
    s.finish()
    return settings


def _cost(s: _Section) -> CostSettings:
    mode = s.get("mode", str, "measure")
    if mode not in ("off", "measure", "enforce"):
        raise ConfigError(s.key("mode"), f"must be off, measure or enforce, got {mode!r}")
    settings = CostSettings(
        mode=mode, max_cost=s.positive("max_cost", int, 1000), list_size=s.positive("list_size", int, 10)
    )
    s.finish()
    return settings


def _persisted(s: _Section, production: bool) -> PersistedQuerySettings:
    settings = PersistedQuerySettings(
        apq=s.get("apq", bool, True),
        store=_store(s, "store"),
        ttl_seconds=s.positive("ttl_seconds", int, 86_400),
        safelist=s.get("safelist", bool, False),
        manifest=s.get("manifest", str, None),
        bypass_roles=_strings(s, "bypass_roles", ()),
    )
    s.finish()
    if settings.safelist and settings.manifest is None:
        raise ConfigError(s.key("manifest"), "is required when safelist = true (write one with `silkgraph manifest`)")
    return settings


def _rate_limit(s: _Section) -> RateLimitSettings:
    settings = RateLimitSettings(
        enabled=s.get("enabled", bool, False),
        store=_store(s, "store"),
        per_principal=s.positive("per_principal", int, 600),
        per_agency=s.positive("per_agency", int, 3000),
        window_seconds=s.positive("window_seconds", float, 60.0),
        fail_open=s.get("fail_open", bool, True),
    )
    s.finish()
    return settings
