"""One audit record per client operation: who asked what, how it was answered, by which legacy calls.

The record is plain JSON (canonicalised with RFC 8785 before hashing)::

    v, trace_id, span_id, request_id, time (UTC, ms), latency_ms, http_status
    principal   {subject, agency, roles, scopes, authenticated, grant}
    client      {name, version}
    operation   {type, name, document_hash (SHA-256 of the text sent), document (normalised), variables (redacted)}
    outcome     ok | partial | error,   error_codes [...]
    plan        {services, fetches}
    fetches     [{service, path, entity, representations, started, duration_ms, ok, error_code, call}]
                 (``call``: fetches sent in one subgraph request share it — one level's ``_entities``, batched)
    legacy_calls[{source, operation, endpoint, method, status, latency_ms, retries, breaker,
                  request_digest, response_digest, error_code, span_id, fetch}]
    lineage     [{path, service, fetch, legacy_calls}]
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from graphql import DocumentNode, GraphQLSchema, OperationDefinitionNode, print_ast

from gateway.audit.lineage import lineage
from gateway.audit.redaction import Redactor
from gateway.federation.engine import GraphQLRequest, GraphQLResponse
from gateway.sdk.calls import GRANT_USED, LEGACY_CALLS, LegacyCall
from gateway.sdk.context import RequestContext

__all__ = ["RECORD_VERSION", "RecordBuilder", "utc_iso"]

RECORD_VERSION = 1


def utc_iso(timestamp: float) -> str:
    moment = datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _outcome(result: GraphQLResponse) -> str:
    if result.request_error or (result.errors and not result.data):
        return "error"
    return "partial" if result.errors else "ok"


class RecordBuilder:
    """Builds records; caches the normalised text of each document (documents repeat)."""

    def __init__(self, redactor: Redactor, cache_size: int = 1024) -> None:
        self.redactor = redactor
        self._normalised: OrderedDict[str, str] = OrderedDict()
        self._cache_size = cache_size

    def _normalise(self, query: str, document: DocumentNode | None) -> str | None:
        if document is None:
            return None
        text = self._normalised.get(query)
        if text is None:
            text = print_ast(document)
            self._normalised[query] = text
            if len(self._normalised) > self._cache_size:
                self._normalised.popitem(last=False)
        return text

    def build(
        self,
        *,
        context: RequestContext,
        request: GraphQLRequest,
        result: GraphQLResponse,
        document: DocumentNode | None,
        schema: GraphQLSchema,
        started: float,
        latency_ms: float,
        http_status: int | None = None,
    ) -> dict[str, Any]:
        principal = context.principal
        operation = _operation(document, request.operation_name)
        fetch_index = {id(f): i for i, f in enumerate(result.fetches)}
        # fetches batched into one subgraph request: a legacy call made for it served every one of them
        sharing: dict[int, list[int]] = {}
        for i, f in enumerate(result.fetches):
            sharing.setdefault(f.call, []).append(i)
        calls: Sequence[LegacyCall] = context.extras.get(LEGACY_CALLS, ())
        calls_json: list[dict[str, Any]] = []
        by_fetch: dict[int, list[int]] = {}
        for i, call in enumerate(calls):
            index = fetch_index.get(id(call.fetch)) if call.fetch is not None else None
            calls_json.append({**call.to_json(), "fetch": index})
            if index is not None:
                for served in sharing[result.fetches[index].call]:
                    by_fetch.setdefault(served, []).append(i)
        codes = sorted({str((e.get("extensions") or {}).get("code", "UNKNOWN")) for e in result.errors})
        record = {
            "v": RECORD_VERSION,
            "trace_id": context.trace_id,
            "span_id": context.traceparent.split("-")[2] if context.traceparent else "",
            "request_id": context.request_id,
            "time": utc_iso(started),
            "latency_ms": round(latency_ms, 3),
            "http_status": http_status,
            "principal": {
                "subject": principal.subject,
                "agency": principal.agency,
                "roles": sorted(principal.roles),
                "scopes": sorted(principal.scopes),
                "authenticated": principal.authenticated,
                # the platform grant that let this operation read across agencies (gateway.sdk.tenancy), or null
                "grant": context.extras.get(GRANT_USED),
            },
            "client": {"name": context.client_name, "version": context.client_version},
            "operation": {
                "type": result.operation_type,
                "name": result.operation_name,
                "document_hash": hashlib.sha256(request.query.encode("utf-8", "surrogatepass")).hexdigest(),
                "document": self._normalise(request.query, document),
                "variables": self.redactor.redact(schema, operation, request.variables),
            },
            "outcome": _outcome(result),
            "error_codes": codes,
            "plan": {
                "services": list(result.plan.services()) if result.plan is not None else [],
                "fetches": result.plan.fetches if result.plan is not None else 0,
            },
            "fetches": [
                {
                    "service": f.service,
                    "path": list(f.path),
                    "entity": f.entity,
                    "representations": f.representations,
                    "started": utc_iso(f.started),
                    "duration_ms": round(f.duration_ms, 3),
                    "ok": f.ok,
                    "error_code": f.error_code,
                    "call": f.call,
                }
                for f in result.fetches
            ],
            "legacy_calls": calls_json,
            "lineage": lineage(result.plan, result.fetches, by_fetch),
            # subscriptions: start / event (with the legacy notification it came from) / stop
            **({"live": context.extras["live"]} if "live" in context.extras else {}),
        }
        # text from the client may hold lone UTF-16 surrogates (a JSON "\\ud800"): not encodable, so not storable
        sent = (request.query, request.operation_name, request.variables)
        if _scrub(sent) != list(sent):
            record["operation"] = _scrub(record["operation"])
        return record


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _scrub(value: Any) -> Any:
    """``value`` with every lone surrogate in its strings (keys too) replaced by U+FFFD."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    return value


def _operation(document: DocumentNode | None, name: str | None) -> OperationDefinitionNode | None:
    if document is None:
        return None
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is not None:
        return next((o for o in ops if o.name is not None and o.name.value == name), None)
    return ops[0] if len(ops) == 1 else None
