"""Settings: ``silkgraph.toml`` plus ``SILKGRAPH_*`` environment overrides, validated once at start-up.

Environment overrides use ``__`` between levels: ``SILKGRAPH_GATEWAY__PORT=8080``,
``SILKGRAPH_ADAPTERS__PAYMENTS__URL=http://rail:9000``, ``SILKGRAPH_SUBGRAPHS__PARTNER__URL=...``. Values are
parsed as TOML scalars when they look like one (``true``, ``8080``, ``1.5``), else taken as strings.

Secrets never live in the file: a credential is written as ``{ env = "CUSTOMS_PASSWORD" }`` and read from that
environment variable at start-up (missing → :class:`~gateway.errors.ConfigError` naming both).

Every problem raises :class:`~gateway.errors.ConfigError` with the dotted key and the reason.
"""

from __future__ import annotations

# Every name this module had before it became a package is re-exported here (``X as X`` marks a deliberate
# re-export for mypy), so ``from gateway.config import ...`` keeps working for each of them.
from gateway.config.audit import AuditSettings
from gateway.config.audit import _audit as _audit
from gateway.config.limits import LimitSettings
from gateway.config.loading import (
    Settings,
    load_settings,
)
from gateway.config.loading import _build as _build
from gateway.config.loading import _env_value as _env_value
from gateway.config.loading import _set_dotted as _set_dotted
from gateway.config.section import _kind_names as _kind_names
from gateway.config.section import _secret as _secret
from gateway.config.section import _Section as _Section
from gateway.config.section import _store as _store
from gateway.config.section import _strings as _strings
from gateway.config.section import _url as _url
from gateway.config.security import (
    AuthSettings,
    CorsSettings,
    CostSettings,
    PersistedQuerySettings,
    RateLimitSettings,
)
from gateway.config.security import _auth as _auth
from gateway.config.security import _cors as _cors
from gateway.config.security import _cost as _cost
from gateway.config.security import _persisted as _persisted
from gateway.config.security import _rate_limit as _rate_limit
from gateway.config.server import _MODES as _MODES
from gateway.config.server import GatewaySettings
from gateway.config.server import _gateway as _gateway
from gateway.config.server import _graphiql_cdn as _graphiql_cdn
from gateway.config.subscriptions import SubscriptionSettings as SubscriptionSettings
from gateway.config.subscriptions import _subscriptions as _subscriptions
from gateway.config.telemetry import TelemetrySettings
from gateway.config.telemetry import _telemetry as _telemetry
from gateway.config.upstreams import _NAME as _NAME
from gateway.config.upstreams import SubgraphSettings
from gateway.config.upstreams import _adapter as _adapter
from gateway.config.upstreams import _subgraph as _subgraph
from gateway.errors import ConfigError as ConfigError
from gateway.resilience import RESILIENCE_OPTIONS as RESILIENCE_OPTIONS
from gateway.resilience import GuardSettings as GuardSettings
from gateway.resilience import RetrySettings as RetrySettings
from gateway.resilience import guard_settings as guard_settings
from gateway.resilience import retry_settings as retry_settings
from gateway.sdk.adapter import AdapterSettings as AdapterSettings
from gateway.store_settings import StoreSettings as StoreSettings
from gateway.store_settings import parse_stores as parse_stores

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
