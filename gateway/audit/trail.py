"""The gateway's audit hook: refuse work while the log is down, and record every operation before answering.

The HTTP handler calls :meth:`AuditTrail.admit` before executing an operation and :meth:`AuditTrail.record`
after; ``record`` returns only when the record is committed, so **no response leaves before its audit record is
durable**. When the store fails between the two (an operation admitted while it was up), the record goes to the
local spool (:mod:`gateway.audit.spool`, ``audit.spool_path``) — durable too — and the response leaves as
usual; the spool is appended to the store once it answers again. Only when even the spool cannot take it does
``audit.fail_closed`` (the default) replace the response with a 503 ``AUDIT_UNAVAILABLE`` error and no data.
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
from gateway.audit.spool import Spool
from gateway.audit.store import AuditStore, MemoryStore
from gateway.config import AuditSettings
from gateway.errors import ConfigError
from gateway.federation.engine import FederatedGraph, GraphQLRequest, GraphQLResponse
from gateway.sdk.context import RequestContext
from gateway.sdk.pgpool import PgTimeouts

__all__ = ["AUDIT_UNAVAILABLE", "AuditTrail", "open_audit_trail", "open_store"]

log = logging.getLogger("silkgraph.audit")

AUDIT_UNAVAILABLE = "AUDIT_UNAVAILABLE"


def open_store(url: str, timeouts: PgTimeouts | None = None) -> AuditStore:
    """The store named by ``audit.store`` (not yet opened); ``timeouts`` bound a PostgreSQL store's waits."""
    if url == "memory":
        return MemoryStore()
    if url.startswith("sqlite:///"):
        from gateway.audit.sqlite import SqliteStore

        return SqliteStore.from_url(url)
    if url.startswith(("postgresql://", "postgres://")):
        from gateway.audit.postgres import PostgresStore

        return PostgresStore.from_url(url, timeouts)
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
        self,
        log: AuditLog,
        builder: RecordBuilder,
        *,
        fail_closed: bool = True,
        append_timeout: float = 10.0,
        spool: Spool | None = None,
    ) -> None:
        self.log = log
        self.builder = builder
        self.fail_closed = fail_closed
        self.append_timeout = append_timeout
        self.spool = spool
        self.spooled = 0
        self._drainer: asyncio.Task[None] | None = None

    async def start_draining(self, interval: float = 1.0) -> None:
        """Append what an earlier run spooled, then keep draining in the background while anything is spooled."""
        if self.spool is None:
            return
        await self.drain()
        self._drainer = asyncio.create_task(self._drain_loop(interval), name="audit-spool-drain")

    async def stop_draining(self) -> None:
        if self._drainer is not None:
            self._drainer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._drainer
            self._drainer = None

    async def drain(self) -> int:
        """Append spooled records while the store takes them; how many went."""
        if self.spool is None or not await asyncio.to_thread(self.spool.pending):
            return 0
        if not await self.log.probe(interval=0):
            return 0
        try:
            done = await self.spool.drain(self._append)
        except (AuditUnavailable, TimeoutError) as exc:
            log.warning("audit spool not drained yet", extra={"fields": {"error": str(exc)}})
            return 0
        if done:
            log.info("audit spool drained", extra={"fields": {"records": done}})
        return done

    async def _drain_loop(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            await self.drain()

    async def _append(self, record: Any) -> int:
        async with asyncio.timeout(self.append_timeout):
            return await self.log.append(record)

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
            seq = await self._append(record)
        except (AuditUnavailable, TimeoutError) as exc:
            if isinstance(exc, TimeoutError):
                self.log.available = False
                self.log.last_error = f"append not committed within {self.append_timeout}s"
            if await self._spool(record, context):
                return result
            if self.fail_closed:
                return unavailable_response()
            log.warning("operation not audited", extra={"fields": {"error": str(exc), "trace_id": context.trace_id}})
            return result
        context.extras["audit_seq"] = seq
        return result

    async def _spool(self, record: Any, context: RequestContext) -> bool:
        """Keep the record on local disk for a later append; whether it is durable there."""
        if self.spool is None:
            return False
        try:
            path = await asyncio.to_thread(self.spool.put, record)
        except OSError as exc:
            log.error("audit record could not be spooled", extra={"fields": {"error": str(exc)}})
            return False
        self.spooled += 1
        context.extras["audit_spooled"] = path.name
        log.warning(
            "audit store unavailable: record spooled",
            extra={"fields": {"file": path.name, "error": self.log.last_error, "trace_id": context.trace_id}},
        )
        return True

    def status(self) -> dict[str, Any]:
        status = {**self.log.status(), "fail_closed": self.fail_closed}
        if self.spool is not None:
            status["spool"] = {"path": str(self.spool.directory), "pending": len(self.spool), "spooled": self.spooled}
        return status

    @property
    def ready(self) -> bool:
        """Whether operations' records reach the store. Not while they can only go to the spool (or, failing
        closed, be refused): a load balancer should send the traffic to a replica whose store answers."""
        if self.log.available and not self.log.stalled:
            return True
        return not self.fail_closed and self.spool is None


@contextlib.asynccontextmanager
async def open_audit_trail(
    settings: AuditSettings, *, store: AuditStore | None = None, timeouts: PgTimeouts | None = None
) -> AsyncIterator[AuditTrail]:
    """Open the store, rebuild the Merkle state, start the writer; sign a last checkpoint and close at exit."""
    store = store if store is not None else open_store(settings.store, timeouts)
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
        stall_after=settings.append_timeout,
    )
    # like checkpoints, a spool belongs to a lasting store: a memory log has nothing to catch up on
    spool = Spool(settings.spool_path) if settings.spool_path and not isinstance(store, MemoryStore) else None
    await audit_log.start()
    trail = AuditTrail(
        audit_log,
        RecordBuilder(Redactor(redaction, settings.clear_variables)),
        fail_closed=settings.fail_closed,
        append_timeout=settings.append_timeout,
        spool=spool,
    )
    try:
        await trail.start_draining()
        yield trail
    finally:
        await trail.stop_draining()
        await trail.drain()
        await audit_log.close()
