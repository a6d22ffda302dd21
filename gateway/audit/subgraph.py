"""The internal ``audit`` subgraph: auditors search the trail and check it from the one graph.

Registered by the gateway when audit is enabled. Every field requires the ``audit:read`` scope (declared
in the SDL) and the ``auditor`` role (FORBIDDEN otherwise). Types are prefixed ``Audit`` so they never meet
a business subgraph's names.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Annotated, Any, TypeVar, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from gateway.audit.log import AuditLog
from gateway.audit.merkle import ProofError
from gateway.audit.record import utc_iso
from gateway.audit.store import Row, SearchFilter
from gateway.audit.verify import prove
from gateway.errors import BadUserInput, Forbidden
from gateway.policy.scopes import AUDIT_READ
from gateway.sdk.adapter import Adapter, AdapterSettings
from gateway.sdk.rules import needs
from gateway.sdk.schema import federation_schema

__all__ = ["AuditSubgraph"]

AUDITOR = "auditor"
_F = TypeVar("_F", bound=Callable[..., Any])


def _audit_field(resolver: _F) -> _F:
    """A root field of the audit trail: ``audit:read`` in the SDL (the auditor role is checked in the resolver)."""
    return cast(_F, strawberry.federation.field(requires_scopes=needs(AUDIT_READ))(resolver))


def _require_auditor(info: Info) -> AuditLog:
    principal = info.context.principal
    if not principal.has_role(AUDITOR):
        raise Forbidden("the audit trail is visible to the auditor role only")
    log: AuditLog = info.context.adapter.log
    return log


@strawberry.federation.type(requires_scopes=needs(AUDIT_READ))
class AuditPrincipal:
    subject: str
    agency: str | None
    roles: list[str]
    scopes: list[str]
    #: the platform grant that allowed a cross-agency read (e.g. ``operator+platform:read-all``), or null
    grant: str | None = None


@strawberry.federation.type(requires_scopes=needs(AUDIT_READ))
class AuditLegacyCall:
    index: int
    source: str
    operation: str
    endpoint: str
    method: str
    #: when the call was sent (ISO 8601, UTC, milliseconds)
    started: str | None
    status: int | None
    latency_ms: float
    retries: int
    breaker: str | None
    request_digest: str | None
    response_digest: str | None
    error_code: str | None
    fetch: int | None


@strawberry.federation.type(requires_scopes=needs(AUDIT_READ))
class AuditFetch:
    index: int
    service: str
    path: list[str]
    entity: bool
    representations: int
    started: str
    duration_ms: float
    ok: bool
    error_code: str | None
    legacy_calls: list[AuditLegacyCall]


@strawberry.federation.type(requires_scopes=needs(AUDIT_READ))
class AuditLineage:
    path: str
    service: str
    fetch: int
    legacy_calls: list[int]


@strawberry.federation.type(requires_scopes=needs(AUDIT_READ))
class AuditRecord:
    seq: int
    time: str
    trace_id: str
    request_id: str
    principal: AuditPrincipal
    client_name: str | None
    client_version: str | None
    operation_type: str | None
    operation_name: str | None
    document_hash: str
    document: str | None
    variables: JSON
    outcome: str
    error_codes: list[str]
    latency_ms: float
    services: list[str]
    fetches: list[AuditFetch]
    legacy_calls: list[AuditLegacyCall]
    lineage: list[AuditLineage]
    leaf_hash: str
    chain_hash: str


@strawberry.federation.type(requires_scopes=needs(AUDIT_READ))
class AuditRecordPage:
    records: list[AuditRecord]
    #: pass as ``before`` for the next (older) page; null when there is none
    next_before: int | None


@strawberry.federation.type(requires_scopes=needs(AUDIT_READ))
class AuditCheckpoint:
    size: int
    root: str
    note: str


@strawberry.federation.type(requires_scopes=needs(AUDIT_READ))
class AuditLogStatus:
    size: int
    available: bool
    chain_head: str | None
    checkpoint: AuditCheckpoint | None
    checkpoint_error: str | None
    verifier_key: str | None


@strawberry.federation.type(requires_scopes=needs(AUDIT_READ))
class AuditInclusionProof:
    seq: int
    size: int
    leaf_hash: str
    root: str
    path: list[str]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _calls(raw: list[dict[str, Any]]) -> list[AuditLegacyCall]:
    return [
        AuditLegacyCall(
            index=i,
            source=c.get("source", ""),
            operation=c.get("operation", ""),
            endpoint=c.get("endpoint", ""),
            method=c.get("method", ""),
            started=utc_iso(c["started"]) if isinstance(c.get("started"), int | float) else None,
            status=c.get("status"),
            latency_ms=c.get("latency_ms", 0.0),
            retries=c.get("retries", 0),
            breaker=c.get("breaker"),
            request_digest=c.get("request_digest"),
            response_digest=c.get("response_digest"),
            error_code=c.get("error_code"),
            fetch=c.get("fetch"),
        )
        for i, c in enumerate(raw)
    ]


def to_audit_record(row: Row) -> AuditRecord:
    r = row.record()
    p, op = r.get("principal") or {}, r.get("operation") or {}
    calls = _calls(r.get("legacy_calls") or [])
    fetches = [
        AuditFetch(
            index=i,
            service=f.get("service", ""),
            path=[str(x) for x in f.get("path", [])],
            entity=f.get("entity", False),
            representations=f.get("representations", 0),
            started=f.get("started", ""),
            duration_ms=f.get("duration_ms", 0.0),
            ok=f.get("ok", False),
            error_code=f.get("error_code"),
            legacy_calls=[c for c in calls if c.fetch == i],
        )
        for i, f in enumerate(r.get("fetches") or [])
    ]
    return AuditRecord(
        seq=row.seq,
        time=r.get("time", ""),
        trace_id=r.get("trace_id", ""),
        request_id=r.get("request_id", ""),
        principal=AuditPrincipal(
            subject=p.get("subject", ""),
            agency=p.get("agency"),
            roles=p.get("roles", []),
            scopes=p.get("scopes", []),
            grant=p.get("grant"),
        ),
        client_name=(r.get("client") or {}).get("name"),
        client_version=(r.get("client") or {}).get("version"),
        operation_type=op.get("type"),
        operation_name=op.get("name"),
        document_hash=op.get("document_hash", ""),
        document=op.get("document"),
        variables=cast(JSON, op.get("variables") or {}),
        outcome=r.get("outcome", ""),
        error_codes=r.get("error_codes", []),
        latency_ms=r.get("latency_ms", 0.0),
        services=(r.get("plan") or {}).get("services", []),
        fetches=fetches,
        legacy_calls=calls,
        lineage=[AuditLineage(**entry) for entry in r.get("lineage") or []],
        leaf_hash=_b64(row.leaf),
        chain_hash=_b64(row.chain),
    )


@strawberry.type
class Query:
    @_audit_field
    async def audit_records(
        self,
        info: Info,
        subject: str | None = None,
        agency: str | None = None,
        operation: str | None = None,
        subgraph: str | None = None,
        legacy_system: str | None = None,
        outcome: str | None = None,
        since: Annotated[str | None, strawberry.argument(description="ISO-8601 UTC, inclusive")] = None,
        until: Annotated[str | None, strawberry.argument(description="ISO-8601 UTC, exclusive")] = None,
        request_id: Annotated[
            str | None, strawberry.argument(description="The X-Request-Id a client quotes from its response")
        ] = None,
        first: int = 50,
        before: int | None = None,
    ) -> AuditRecordPage:
        log = _require_auditor(info)
        if not 1 <= first <= 500:
            raise BadUserInput("first must be between 1 and 500", field="first")
        if request_id is not None and not (0 < len(request_id) <= 64 and request_id.isprintable()):
            raise BadUserInput("requestId must be 1-64 printable characters (an X-Request-Id)", field="requestId")
        rows = await log.store.search(
            SearchFilter(
                subject=subject,
                agency=agency,
                operation=operation,
                outcome=outcome,
                service=subgraph,
                legacy_source=legacy_system,
                since=since,
                until=until,
                request_id=request_id,
                before=before,
                limit=first + 1,
            )
        )
        more = len(rows) > first
        rows = rows[:first]
        return AuditRecordPage(
            records=[to_audit_record(r) for r in rows], next_before=rows[-1].seq if more and rows else None
        )

    @_audit_field  # One audit record with its fetches, legacy calls and lineage (auditor role).
    async def audit_record(self, info: Info, seq: int) -> AuditRecord | None:
        row = await _require_auditor(info).store.get(seq)
        return to_audit_record(row) if row is not None else None

    @_audit_field  # Size, chain head and latest signed checkpoint of the audit log (auditor role).
    async def audit_status(self, info: Info) -> AuditLogStatus:
        log = _require_auditor(info)
        size = await log.store.size()
        head = await log.store.get(size - 1) if size else None
        latest = log.latest
        return AuditLogStatus(
            size=size,
            available=log.available,
            chain_head=_b64(head.chain) if head is not None else None,
            checkpoint=AuditCheckpoint(size=latest.size, root=_b64(latest.root), note=latest.note)
            if latest is not None
            else None,
            checkpoint_error=log.checkpoint_error,
            verifier_key=log.signer.verifier_key if log.signer is not None else None,
        )

    @_audit_field  # RFC 6962 inclusion proof of one record in the tree of `size` (auditor role).
    async def audit_inclusion_proof(self, info: Info, seq: int, size: int | None = None) -> AuditInclusionProof:
        log = _require_auditor(info)
        try:
            proof = await prove(log.store, seq, size)
        except ProofError as exc:
            raise BadUserInput(str(exc), field="seq") from None
        return AuditInclusionProof(
            seq=proof["seq"], size=proof["size"], leaf_hash=proof["leaf_hash"], root=proof["root"], path=proof["path"]
        )


class AuditSubgraph(Adapter):
    """The audit trail as a subgraph over the running :class:`AuditLog`."""

    name = "audit"
    description = "Tamper-evident audit trail (auditor role)"

    def __init__(self, log: AuditLog | None, settings: AdapterSettings | None = None) -> None:
        """``log`` is ``None`` only to print the subgraph's SDL (``silkgraph compose``)."""
        super().__init__(settings or AdapterSettings(name="audit"))
        self.log = log

    def build_schema(self) -> Any:
        return federation_schema(query=Query)
