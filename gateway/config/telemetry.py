"""``[telemetry]``: tracing export."""

from __future__ import annotations

import dataclasses

from gateway.config.section import _Section
from gateway.errors import ConfigError

__all__ = ["TelemetrySettings"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class TelemetrySettings:
    service_name: str = "silkgraph-gateway"
    #: OTLP/HTTP traces endpoint; spans are exported only when set and the OTLP exporter package is installed
    otlp_endpoint: str | None = None
    sample_ratio: float = 1.0


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
