"""Security settings: ``[auth]``, ``[gateway.cors]``, ``[gateway.cost]``, ``[gateway.persisted_queries]``,
``[gateway.rate_limit]`` (what each setting does: docs/security.md)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from gateway.config.section import _secret, _Section, _store, _strings
from gateway.errors import ConfigError

__all__ = ["AuthSettings", "CorsSettings", "CostSettings", "PersistedQuerySettings", "RateLimitSettings"]


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
