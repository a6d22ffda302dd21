"""OpenTelemetry for the gateway: one trace per operation, spans for planning, every subgraph fetch and every
legacy call, W3C ``traceparent`` honoured on the way in and propagated on the way out.

Each app owns a :class:`Telemetry` (its own ``TracerProvider``, nothing global), so the trace id is always
generated — the audit record's ``trace_id`` is the OTel trace id even when nothing is exported. Spans are
exported over OTLP only when ``telemetry.otlp_endpoint`` is set and ``opentelemetry-exporter-otlp-proto-http``
is installed; tests attach an in-memory exporter instead.

Span tree of one operation::

    graphql.operation  (SERVER; parent = incoming traceparent)
    ├── graphql.plan   (parse, validate and plan: operation start → first fetch)
    ├── subgraph cargo (one per fetch; path, entity, representations)
    │   └── legacy cargo GET /awb/…   (CLIENT; its span id is the traceparent the legacy system receives)
    └── subgraph customs
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ParentBased, TraceIdRatioBased
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from gateway.config import TelemetrySettings
from gateway.sdk.calls import TRACER, current_fetch
from gateway.sdk.context import RequestContext

if TYPE_CHECKING:
    from gateway.federation.engine import GraphQLResponse

__all__ = ["Telemetry", "fetch_scope"]

log = logging.getLogger("silkgraph.telemetry")
_PROPAGATOR = TraceContextTextMapPropagator()


class Telemetry:
    """The app's tracer provider and the request-level span helpers."""

    def __init__(self, settings: TelemetrySettings | None = None, *, exporter: SpanExporter | None = None) -> None:
        settings = settings or TelemetrySettings()
        processor: SpanProcessor | None = None
        if exporter is not None:
            processor = SimpleSpanProcessor(exporter)
        elif settings.otlp_endpoint:
            otlp = _otlp_exporter(settings.otlp_endpoint)
            if otlp is not None:
                processor = BatchSpanProcessor(otlp)
        #: with nowhere to send spans, none is recorded: trace and span ids are still made and propagated (the
        #: audit record and every legacy call carry them), at about a fifth of the CPU of a recorded span
        self.recording = processor is not None
        self.provider = TracerProvider(
            resource=Resource.create({"service.name": settings.service_name}),
            sampler=ParentBased(TraceIdRatioBased(settings.sample_ratio)) if self.recording else ALWAYS_OFF,
        )
        if processor is not None:
            self.provider.add_span_processor(processor)
        self.tracer = self.provider.get_tracer("silkgraph.gateway")

    @contextlib.contextmanager
    def operation(self, context: RequestContext, traceparent: str | None) -> Iterator[trace.Span]:
        """The operation's server span; fills ``context.trace_id`` and the ``traceparent`` sent to subgraphs."""
        parent = _PROPAGATOR.extract({"traceparent": traceparent}) if traceparent else None
        with self.tracer.start_as_current_span(
            "graphql.operation", context=parent, kind=trace.SpanKind.SERVER, record_exception=False
        ) as span:
            sc = span.get_span_context()
            context.trace_id = format(sc.trace_id, "032x")
            context.traceparent = f"00-{context.trace_id}-{sc.span_id:016x}-{int(sc.trace_flags):02x}"
            context.extras[TRACER] = self.tracer
            yield span

    def finish(self, span: trace.Span, result: GraphQLResponse, started_wall: float) -> None:
        """Name the span after the operation, add the plan span and mark errors."""
        if result.operation_type:
            span.update_name(f"graphql.{result.operation_type} {result.operation_name or ''}".rstrip())
            span.set_attribute("graphql.operation.type", result.operation_type)
        if result.operation_name:
            span.set_attribute("graphql.operation.name", result.operation_name)
        codes = sorted({str((e.get("extensions") or {}).get("code")) for e in result.errors})
        if codes:
            span.set_attribute("graphql.error.codes", codes)
            span.set_status(trace.StatusCode.ERROR, ",".join(codes))
        if result.plan is not None and span.is_recording():
            first_fetch = min((f.started for f in result.fetches), default=time.time())
            plan_span = self.tracer.start_span(
                "graphql.plan",
                context=trace.set_span_in_context(span),
                start_time=int(started_wall * 1e9),
                attributes={
                    "graphql.plan.fetches": result.plan.fetches,
                    "graphql.plan.services": list(result.plan.services()),
                },
            )
            plan_span.end(end_time=int(max(first_fetch, started_wall) * 1e9))

    def shutdown(self) -> None:
        self.provider.shutdown()


def _otlp_exporter(endpoint: str) -> SpanExporter | None:
    if importlib.util.find_spec("opentelemetry.exporter.otlp.proto.http") is None:
        log.warning("telemetry.otlp_endpoint is set but opentelemetry-exporter-otlp-proto-http is not installed")
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter  # type: ignore[import-not-found,unused-ignore]

    exporter: SpanExporter = OTLPSpanExporter(endpoint=endpoint)
    return exporter


@contextlib.contextmanager
def fetch_scope(record: Any, context: RequestContext) -> Iterator[None]:
    """Around one subgraph fetch: its span, and ``current_fetch`` so legacy calls know which fetch they serve."""
    token = current_fetch.set(record)
    tracer = context.extras.get(TRACER)
    try:
        if tracer is None or not trace.get_current_span().is_recording():
            # an unrecorded operation records no child either (nothing exports it, or the caller did not
            # sample it): its legacy calls hang on the operation's span context, which carries the trace id
            yield
            return
        with tracer.start_as_current_span(
            f"subgraph {record.service}",
            kind=trace.SpanKind.CLIENT,
            attributes={
                "silkgraph.subgraph": record.service,
                "silkgraph.fetch.path": ".".join(record.path),
                "silkgraph.fetch.entity": record.entity,
                "silkgraph.fetch.representations": record.representations,
            },
        ) as span:
            yield
            if not record.ok:
                span.set_status(trace.StatusCode.ERROR, record.error_code or "error")
    finally:
        current_fetch.reset(token)
