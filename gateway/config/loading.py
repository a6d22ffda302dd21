"""``Settings`` and ``load_settings``: read the file, apply ``SILKGRAPH_*`` overrides, build every table."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gateway.config.audit import AuditSettings, _audit
from gateway.config.section import _Section
from gateway.config.security import AuthSettings, _auth
from gateway.config.server import GatewaySettings, _gateway
from gateway.config.telemetry import TelemetrySettings, _telemetry
from gateway.config.upstreams import SubgraphSettings, _adapter, _subgraph
from gateway.errors import ConfigError
from gateway.sdk.adapter import AdapterSettings
from gateway.store_settings import StoreSettings, parse_stores

__all__ = ["Settings", "load_settings"]


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


def _set_dotted(target: dict[str, Any], parts: list[str], value: Any) -> None:
    node = target
    for part in parts[:-1]:
        nxt = node.setdefault(part, {})
        if not isinstance(nxt, dict):
            raise ConfigError(".".join(parts), f"{part!r} is a value, not a section")
        node = nxt
    node[parts[-1]] = value


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
