"""Spans of one operation: the caller's trace continues through the plan, each subgraph fetch and legacy call."""

from __future__ import annotations

from pathlib import Path

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from gateway.config import load_settings
from gateway.telemetry import Telemetry
from tests.gateway.audit.legacy_graph import QUERY, gateway

TRACE = "0af7651916cd43dd8448eb211c80319c"
PARENT = "b7ad6b7169203331"


def _by_name(spans: tuple[ReadableSpan, ...], prefix: str) -> ReadableSpan:
    return next(s for s in spans if s.name.startswith(prefix))


async def test_spans_form_one_trace_under_the_incoming_traceparent(tmp_path: Path) -> None:
    exporter = InMemorySpanExporter()
    settings = load_settings(None, overrides={"audit.store": "memory"})
    async with gateway(settings, telemetry=Telemetry(exporter=exporter)) as (client, legacy, app):
        r = await client.post("/graphql", json={"query": QUERY}, headers={"traceparent": f"00-{TRACE}-{PARENT}-01"})
        assert r.status_code == 200
        record = (await app.state.audit.log.store.rows(0, 1))[0].record()
    spans = exporter.get_finished_spans()
    assert {format(s.context.trace_id, "032x") for s in spans} == {TRACE}
    operation = _by_name(spans, "graphql.query")
    assert operation.name == "graphql.query Duty"
    assert operation.parent is not None and format(operation.parent.span_id, "016x") == PARENT
    plan = _by_name(spans, "graphql.plan")
    cargo, customs = _by_name(spans, "subgraph cargo"), _by_name(spans, "subgraph customs")
    for child in (plan, cargo, customs):
        assert child.parent is not None and child.parent.span_id == operation.context.span_id
    call = _by_name(spans, "legacy customs-soap")
    assert call.parent is not None and call.parent.span_id == customs.context.span_id
    assert call.attributes is not None and call.attributes["http.response.status_code"] == 200
    # the legacy system and the audit record name the same span
    assert legacy.headers[0]["traceparent"].startswith(f"00-{TRACE}-{call.context.span_id:016x}-")
    assert record["legacy_calls"][0]["span_id"] == f"{call.context.span_id:016x}"
    assert record["trace_id"] == TRACE


async def test_a_new_trace_starts_without_traceparent_and_the_audit_record_carries_its_id() -> None:
    exporter = InMemorySpanExporter()
    settings = load_settings(None, overrides={"audit.store": "memory"})
    async with gateway(settings, telemetry=Telemetry(exporter=exporter)) as (client, _, app):
        await client.post("/graphql", json={"query": QUERY})
        record = (await app.state.audit.log.store.rows(0, 1))[0].record()
    operation = _by_name(exporter.get_finished_spans(), "graphql.query")
    assert operation.parent is None
    assert record["trace_id"] == format(operation.context.trace_id, "032x") != "0" * 32


async def test_an_unsampled_caller_still_gets_a_trace_id_but_no_exported_spans() -> None:
    exporter = InMemorySpanExporter()
    settings = load_settings(None, overrides={"audit.store": "memory"})
    async with gateway(settings, telemetry=Telemetry(exporter=exporter)) as (client, legacy, app):
        await client.post("/graphql", json={"query": QUERY}, headers={"traceparent": f"00-{TRACE}-{PARENT}-00"})
        record = (await app.state.audit.log.store.rows(0, 1))[0].record()
    assert exporter.get_finished_spans() == ()
    assert record["trace_id"] == TRACE
    assert legacy.headers[0]["traceparent"].startswith(f"00-{TRACE}-")


async def test_with_nothing_to_export_no_span_is_recorded_but_ids_still_reach_legacy_systems_and_audit() -> None:
    telemetry = Telemetry()
    assert telemetry.recording is False
    settings = load_settings(None, overrides={"audit.store": "memory"})
    async with gateway(settings, telemetry=telemetry) as (client, legacy, app):
        r = await client.post("/graphql", json={"query": QUERY}, headers={"traceparent": f"00-{TRACE}-{PARENT}-01"})
        assert r.status_code == 200 and "errors" not in r.json()
        record = (await app.state.audit.log.store.rows(0, 1))[0].record()
    assert record["trace_id"] == TRACE
    sent = legacy.headers[0]["traceparent"]
    _, trace_id, span_id, _ = sent.split("-")
    assert trace_id == TRACE and span_id not in (PARENT, "0" * 16)
    # the legacy call's record names the span id the legacy system was given
    assert record["legacy_calls"][0]["span_id"] == span_id


async def test_legacy_calls_are_counted_per_source_in_metrics() -> None:
    settings = load_settings(None, overrides={"audit.store": "memory"})
    async with gateway(settings) as (client, _, _):
        await client.post("/graphql", json={"query": QUERY})
        text = (await client.get("/metrics")).text
    assert 'silkgraph_legacy_calls_total{outcome="ok",source="customs-soap"} 1.0' in text
