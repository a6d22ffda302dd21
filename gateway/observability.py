"""Structured JSON logs with a request id, and Prometheus metrics for requests, subgraph fetches and the
resilience of legacy sources (retries, retry budget, breaker and bulkhead refusals)."""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from gateway.resilience import SourceRegistry
from gateway.resilience import registry as resilience_registry

__all__ = ["Metrics", "ResilienceCollector", "configure_logging", "request_id_var"]

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("silkgraph_request_id", default="-")


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id_var.get(),
        }
        for key, value in getattr(record, "fields", {}).items():
            out[key] = value
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str, ensure_ascii=False)


def configure_logging(level: str = "info") -> None:
    """One JSON line per log record on stderr (uvicorn's access log is replaced by the gateway's own)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    logging.getLogger("httpx").setLevel(logging.WARNING)


class ResilienceCollector(Collector):
    """Counters of the process's source guards, read at scrape time (the guards count; this only reports).

    One series per source name (the guards of one source at several addresses are summed):
    ``silkgraph_legacy_retries_total`` (retries sent), ``silkgraph_retry_budget_exhausted_total`` (retries refused
    because the source's budget was spent), ``silkgraph_breaker_rejections_total`` (calls failed fast while the
    breaker was open) and ``silkgraph_bulkhead_rejections_total`` (calls refused with the bulkhead full); and the
    gauge ``silkgraph_breaker_open`` (1 while any breaker of the source is open), current at every scrape.
    """

    _FAMILIES = (
        ("silkgraph_legacy_retries", "Retries of idempotent reads sent to a legacy source"),
        ("silkgraph_retry_budget_exhausted", "Retries refused because the source's retry budget was spent"),
        ("silkgraph_breaker_rejections", "Calls failed fast because the source's circuit breaker was open"),
        ("silkgraph_bulkhead_rejections", "Calls refused because the source's bulkhead was full"),
    )

    def __init__(self, sources: SourceRegistry | None = None) -> None:
        self.sources = sources

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        totals: dict[str, list[int]] = {}
        open_now: dict[str, int] = {}
        for guard in (self.sources or resilience_registry()).guards():
            is_open = guard.status()["breaker"] == "open"
            open_now[guard.name] = max(open_now.get(guard.name, 0), int(is_open))
            counts = (guard.budget.spent, guard.budget.refused, guard.rejected_open, guard.rejected_full)
            row = totals.setdefault(guard.name, [0, 0, 0, 0])
            for i, n in enumerate(counts):
                row[i] += n
        for i, (name, documentation) in enumerate(self._FAMILIES):
            family = CounterMetricFamily(name, documentation, labels=["source"])
            for source, row in sorted(totals.items()):
                family.add_metric([source], row[i])
            yield family
        gauge = GaugeMetricFamily(
            "silkgraph_breaker_open",
            "Whether a legacy source's circuit breaker is open (1) or not (0)",
            labels=["source"],
        )
        for source, value in sorted(open_now.items()):
            gauge.add_metric([source], value)
        yield gauge


class Metrics:
    """The gateway's Prometheus metrics (one registry per app, so tests and replicas stay independent)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.registry.register(ResilienceCollector())
        self.requests = Counter(
            "silkgraph_requests", "GraphQL operations served", ["operation_type", "outcome"], registry=self.registry
        )
        self.request_seconds = Histogram(
            "silkgraph_request_duration_seconds",
            "Time to answer a GraphQL operation",
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
        )
        self.fetches = Counter(
            "silkgraph_subgraph_fetches", "Subgraph fetches", ["subgraph", "kind", "outcome"], registry=self.registry
        )
        self.fetch_seconds = Histogram(
            "silkgraph_subgraph_fetch_duration_seconds",
            "Subgraph fetch latency",
            ["subgraph"],
            registry=self.registry,
            buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
        )
        self.plan_cache = Gauge(
            "silkgraph_plan_cache_lookups", "Plan cache lookups since start", ["result"], registry=self.registry
        )
        self.source_up = Gauge(
            "silkgraph_source_up",
            "Whether a legacy source / subgraph answered its last health check (1 = up)",
            ["source"],
            registry=self.registry,
        )

        self.legacy_calls = Counter(
            "silkgraph_legacy_calls", "Calls to legacy systems", ["source", "outcome"], registry=self.registry
        )
        self.legacy_seconds = Histogram(
            "silkgraph_legacy_call_duration_seconds",
            "Legacy call latency",
            ["source"],
            registry=self.registry,
            buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
