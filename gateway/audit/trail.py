"""The gateway's audit hook: refuse work while the log is down, and record every operation before answering.

The HTTP handler calls :meth:`AuditTrail.admit` before executing an operation and :meth:`AuditTrail.record`
after; ``record`` returns only when the record is committed, so **no response leaves before its audit record is
durable**. With ``audit.fail_closed`` (the default) a failed append replaces the response with a 503
``AUDIT_UNAVAILABLE`` error and no data. (A mutation has already run at that point; its effect is in the legacy
system but the client is told nothing — the admit check keeps that window to a store failing mid-request.)
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hashlib
import hmac
import logging
import secrets
from collections.abc import AsyncIterator
from typing import Any

from gateway.audit.checkpoint import CheckpointSigner, CheckpointWriter
from gateway.audit.log import AuditLog, AuditUnavailable
from gateway.audit.record import RecordBuilder
from gateway.audit.redaction import Redactor
from gateway.audit.store import AuditStore, MemoryStore
from gateway.config import AuditSettings
from gateway.errors import ConfigError
from gateway.federation.engine import FederatedGraph, GraphQLRequest, GraphQLResponse
from gateway.sdk.context import RequestContext

__all__ = ["AUDIT_UNAVAILABLE", "AuditTrail", "open_audit_trail", "open_store"]

log = logging.getLogger("silkgraph.audit")

AUDIT_UNAVAILABLE = "AUDIT_UNAVAILABLE"


def open_store(url: str) -> AuditStore:
    """The store named by ``audit.store`` (not yet opened)."""
    if url == "memory":
        return MemoryStore()
    if url.startswith("sqlite:///"):
        from gateway.audit.sqlite import SqliteStore

        return SqliteStore.from_url(url)
    if url.startswith(("postgresql://", "postgres://")):
        from gateway.audit.postgres import PostgresStore

        return PostgresStore.from_url(url)
    raise ConfigError("audit.store", f"must be 'memory', 'sqlite:///PATH' or 'postgresql://...', got {url!r}")


def _key_bytes(text: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error:
        raw = b""
    return raw if len(raw) >= 16 else text.encode()


def unavailable_response() -> GraphQLResponse:
    """503 with no data; the cause goes to the log and /readyz, not to the client."""
    message = "The audit log is unavailable, so the gateway cannot serve operations (it fails closed). Retry later."
    return GraphQLResponse(
        errors=[{"message": message, "extensions": {"code": AUDIT_UNAVAILABLE}}], request_error=True, status=503
    )


class AuditTrail:
    def __init__(
        self, log: AuditLog, builder: RecordBuilder, *, fail_closed: bool = True, append_timeout: float = 10.0
    ) -> None:
        self.log = log
        self.builder = builder
        self.fail_closed = fail_closed
        self.append_timeout = append_timeout

    async def admit(self) -> GraphQLResponse | None:
        """None when operations may run; a 503 response when the log is down and the gateway fails closed."""
        if self.fail_closed and not await self.log.probe():
            return unavailable_response()
        return None

    async def record(
        self,
        *,
        context: RequestContext,
        request: GraphQLRequest,
        result: GraphQLResponse,
        graph: FederatedGraph,
        started: float,
        latency_ms: float,
    ) -> GraphQLResponse:
        """Append the operation's record; the result to send (the original, or 503 when the append failed)."""
        try:
            record = self.builder.build(
                context=context,
                request=request,
                result=result,
                document=graph.prepare(request.query).document,
                schema=graph.schema,
                started=started,
                latency_ms=latency_ms,
                http_status=result.status,
            )
            async with asyncio.timeout(self.append_timeout):
                seq = await self.log.append(record)
        except (AuditUnavailable, TimeoutError) as exc:
            if isinstance(exc, TimeoutError):
                self.log.available = False
                self.log.last_error = f"append not committed within {self.append_timeout}s"
            if self.fail_closed:
                return unavailable_response()
            log.warning("operation not audited", extra={"fields": {"error": str(exc), "trace_id": context.trace_id}})
            return result
        context.extras["audit_seq"] = seq
        return result

    def status(self) -> dict[str, Any]:
        return {**self.log.status(), "fail_closed": self.fail_closed}

    @property
    def ready(self) -> bool:
        return self.log.available or not self.fail_closed


@contextlib.asynccontextmanager
async def open_audit_trail(settings: AuditSettings, *, store: AuditStore | None = None) -> AsyncIterator[AuditTrail]:
    """Open the store, rebuild the Merkle state, start the writer; sign a last checkpoint and close at exit."""
    store = store if store is not None else open_store(settings.store)
    if settings.signing_key:
        signer = CheckpointSigner.from_base64(settings.origin, settings.signing_key)
    else:
        signer = CheckpointSigner.generate(settings.origin)
        log.warning(
            "audit.signing_key is not set: checkpoints are signed with a throw-away key",
            extra={"fields": {"verifier_key": signer.verifier_key}},
        )
    if settings.redaction_key:
        redaction = _key_bytes(settings.redaction_key)
    elif settings.signing_key:
        redaction = hmac.new(_key_bytes(settings.signing_key), b"silkgraph audit redaction", hashlib.sha256).digest()
    else:
        redaction = secrets.token_bytes(32)
    # a memory log starts empty every time, so it must not meet the checkpoints of an earlier run
    publisher = (
        CheckpointWriter(settings.checkpoint_path)
        if settings.checkpoint_path and not isinstance(store, MemoryStore)
        else None
    )
    audit_log = AuditLog(
        store,
        signer=signer,
        publisher=publisher,
        checkpoint_every=settings.checkpoint_every,
        checkpoint_interval=settings.checkpoint_interval,
    )
    await audit_log.start()
    try:
        yield AuditTrail(
            audit_log,
            RecordBuilder(Redactor(redaction, settings.clear_variables)),
            fail_closed=settings.fail_closed,
            append_timeout=settings.append_timeout,
        )
    finally:
        await audit_log.close()
