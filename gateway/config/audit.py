"""``[audit]``: the signed audit trail's store, checkpoints and redaction."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from gateway.config.section import _secret, _Section, _strings
from gateway.errors import ConfigError

__all__ = ["AuditSettings"]


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
