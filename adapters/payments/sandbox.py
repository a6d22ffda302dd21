"""The payment rail sandbox: ISO 20022 over HTTP, seeded from the story (Starlette app).

Wire format: ``POST /iso20022/messages`` (or ``/iso20022/messages/<kind>``, e.g. ``/pacs.008``, so fault
injection can target one message kind) with ``Content-Type: application/xml`` and an envelope holding a
head.001.001.02 AppHdr and the Document (:mod:`.messages.envelope`). Replies use the same envelope.

=============================  ==============================================================================
pacs.008.001.08                → pacs.002.001.10 ACTC, or RJCT with a reason; then the rail progresses
                                 (:mod:`.rail`). Duplicates by (GrpHdr/InstgAgt BIC, MsgId): same payload →
                                 the first pacs.002 again, byte for byte; other payload → RJCT AM05; a known
                                 UETR in a new message → RJCT DUPL.
pacs.028.001.03                → pacs.002.001.10 with one TxInfAndSts per UETR asked (RJCT NOOR if unknown),
                                 original transaction (OrgnlTxRef) and history (SplmtryData).
camt.056.001.12                → camt.029.001.14 CNCL / ACCR (and a pacs.004.001.09 return) or RJCR with a reason.
malformed / schema-invalid     → HTTP 400 with a pacs.002 group reject ``RJCT FF01`` naming the problem.
=============================  ==============================================================================

Side APIs (JSON unless noted): ``GET /iso20022/statements?account=&date=`` (camt.053 XML),
``GET /iso20022/returns?uetr=`` (pacs.004 XML), ``GET /accounts?owner=CC:TAXID`` (account directory),
``GET /tracker/payments?party=CC:TAXID&status=`` (UETRs per party), ``GET /fx/quote?from=&to=&amount=``, and for
tests ``GET /_sandbox/ledger`` (settlements per UETR, inquiry counts) and
``POST /_sandbox/compliance/{uetr}?decision=release|reject``. ``X-Agency-Id`` limits every answer to the
companies of that agency. Options (``SandboxConfig.options``): see :class:`.rail.RailSettings`, and
``payments`` (the :class:`adapters.story.Payment` records the rail starts with; default the story's). With
``SandboxConfig.callback_url`` set, every booked entry is pushed there as a camt.054 (:mod:`.notifications`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import itertools
from collections import Counter
from collections.abc import AsyncIterator
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters import story
from adapters.credentials import demo_api_key
from adapters.payments import fx
from adapters.payments.messages import camt029, camt053, camt056, pacs002, pacs004, pacs008, pacs028
from adapters.payments.messages.envelope import InvalidMessage, Message, parse_message, render_message
from adapters.payments.model import TransactionReport
from adapters.payments.notifications import Notifier
from adapters.payments.rail import Rail, RailSettings
from adapters.payments.recall import recall
from adapters.sandbox_auth import RequireApiKey
from gateway.sdk.adapter import SandboxSpec
from gateway.sdk.sandbox import SandboxConfig

__all__ = ["SANDBOX", "create_app"]

XML = "application/xml"


@dataclasses.dataclass
class _Seen:
    digest: str
    reply: bytes


class RailService:
    """The sandbox's state: the rail, the duplicate register and call counters."""

    def __init__(self, rail: Rail) -> None:
        self.rail = rail
        self.seen: dict[tuple[str, str], _Seen] = {}
        self.calls: Counter[str] = Counter()
        self._ids = itertools.count(1)
        for tx in rail.transactions.values():  # the story's messages were received before the sandbox started
            self.seen[(tx.transfer.instructing_bic, tx.transfer.msg_id)] = _Seen(digest="", reply=b"")

    def next_id(self, prefix: str = "SGRL") -> str:
        return f"{prefix}{self.rail.clock():%Y%m%d}{next(self._ids):08d}"

    def envelope(self, document: Any, *, msg_def: str, to: str, msg_id: str) -> bytes:
        return render_message(
            document,
            msg_def=msg_def,
            sender_bic=self.rail.settings.bic,
            receiver_bic=to,
            biz_msg_id=msg_id,
            created=self.rail.clock(),
        )

    def group_reject(self, *, to: str, original_msg_id: str, original_msg_def: str, reason: str, info: str) -> bytes:
        msg_id = self.next_id()
        doc = pacs002.build_group_reject(
            msg_id=msg_id,
            created=self.rail.clock(),
            original_msg_id=original_msg_id,
            original_msg_def=original_msg_def,
            reason=reason,
            info=info,
        )
        return self.envelope(doc, msg_def=pacs002.MSG_DEF, to=to, msg_id=msg_id)

    def status_report(self, reports: list[TransactionReport], *, to: str, original: Message, details: bool) -> bytes:
        msg_id = self.next_id()
        doc = pacs002.build(
            reports,
            msg_id=msg_id,
            created=self.rail.clock(),
            original_msg_id=original.biz_msg_id,
            original_msg_def=original.msg_def,
            details=details,
        )
        return self.envelope(doc, msg_def=pacs002.MSG_DEF, to=to, msg_id=msg_id)

    # -- message handlers -----------------------------------------------------------------------------------
    def credit_transfer(self, msg: Message, agency: str | None) -> bytes:
        ct = pacs008.read(msg.document)
        key = (ct.instructing_bic, ct.msg_id)
        digest = hashlib.sha256(msg.canonical).hexdigest()
        prior = self.seen.get(key)
        if prior is not None and prior.digest == digest:
            self.calls["pacs.008.replayed"] += 1
            return prior.reply
        if prior is not None or self.rail.knows(ct.uetr):
            code, info = (
                ("AM05", f"MsgId {ct.msg_id} from {ct.instructing_bic} was already used for another message")
                if prior is not None
                else ("DUPL", f"UETR {ct.uetr} was already received in another message")
            )
            report = TransactionReport(
                uetr=ct.uetr,
                end_to_end_id=ct.end_to_end_id,
                original_msg_id=ct.msg_id,
                status="RJCT",
                reason=code,
                info=info,
            )
            return self.status_report([report], to=msg.sender_bic, original=msg, details=False)
        report = self.rail.submit(ct, agency=agency)
        reply = self.status_report([report], to=msg.sender_bic, original=msg, details=False)
        self.seen[key] = _Seen(digest=digest, reply=reply)
        return reply

    def status_request(self, msg: Message, agency: str | None) -> bytes:
        uetrs = pacs028.read(msg.document)
        self.calls["pacs.028.uetrs"] += len(uetrs)
        reports = [self.rail.report(u, agency=agency) for u in uetrs]
        return self.status_report(reports, to=msg.sender_bic, original=msg, details=True)

    def cancellation(self, msg: Message, agency: str | None) -> bytes:
        req = camt056.read(msg.document)
        outcome = recall(self.rail, uetr=req.uetr, case_id=req.case_id, reason=req.reason, agency=agency)
        msg_id = self.next_id()
        doc = camt029.build(
            outcome, assignment_id=msg_id, assigner_bic=self.rail.settings.bic, assignee_bic=req.assigner_bic
        )
        return self.envelope(doc, msg_def=camt029.MSG_DEF, to=msg.sender_bic, msg_id=msg_id)


_HANDLERS = {
    pacs008.MSG_DEF: RailService.credit_transfer,
    pacs028.MSG_DEF: RailService.status_request,
    camt056.MSG_DEF: RailService.cancellation,
}


def _xml(body: bytes, status: int = 200) -> Response:
    return Response(body, status_code=status, media_type=XML)


def _problem(status: int, detail: str) -> JSONResponse:
    return JSONResponse(
        {"title": "payments-rail", "status": status, "detail": detail},
        status_code=status,
        media_type="application/problem+json",
    )


def _agency(request: Request) -> str | None:
    return request.headers.get("x-agency-id") or None


def _service(request: Request) -> RailService:
    service: RailService = request.app.state.rail
    return service


async def messages(request: Request) -> Response:
    service = _service(request)
    kind = request.path_params.get("kind")
    body = await request.body()
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    reject = {"to": service.rail.settings.bic, "original_msg_id": "NOTPROVIDED", "original_msg_def": "UNKNOWN"}
    if content_type not in (XML, "text/xml"):
        return _xml(service.group_reject(**reject, reason="FF01", info=f"Content-Type must be {XML}"), 415)
    try:
        msg = parse_message(body)
        if kind is not None and not msg.msg_def.startswith(kind):
            raise InvalidMessage(f"{msg.msg_def} posted to /iso20022/messages/{kind}", msg_id=msg.biz_msg_id)
        handler = _HANDLERS.get(msg.msg_def)
        if handler is None:
            raise InvalidMessage(f"the rail does not accept {msg.msg_def} here", msg_id=msg.biz_msg_id)
        service.calls[msg.msg_def] += 1
        return _xml(handler(service, msg, _agency(request)))
    except InvalidMessage as exc:
        service.calls["rejected"] += 1
        reject.update(original_msg_id=exc.msg_id or "NOTPROVIDED", original_msg_def=exc.msg_def or "UNKNOWN")
        return _xml(service.group_reject(**reject, reason="FF01", info=exc.reason), 400)


def _owner(text: str) -> tuple[str, str] | None:
    country, sep, tax_id = text.partition(":")
    return (country.upper(), tax_id.upper()) if sep and country and tax_id else None


async def statement(request: Request) -> Response:
    service = _service(request)
    number = request.query_params.get("account", "")
    try:
        day = dt.date.fromisoformat(request.query_params.get("date", ""))
    except ValueError:
        return _problem(400, "date must be an ISO date YYYY-MM-DD")
    acct = service.rail.ledger.get(number)
    agency = _agency(request)
    service.rail.advance()
    if acct is None or not service.rail.visible_owner((acct.record.owner_country, acct.record.owner_tax_id), agency):
        return _problem(404, f"no account {number!r} for this caller")
    record = service.rail.ledger.statement(number, day)
    assert record is not None
    msg_id = service.next_id()
    doc = camt053.build(record, msg_id=msg_id, created=service.rail.clock())
    return _xml(service.envelope(doc, msg_def=camt053.MSG_DEF, to=acct.record.bic, msg_id=msg_id))


async def returns(request: Request) -> Response:
    service = _service(request)
    uetr = request.query_params.get("uetr", "")
    tx = service.rail.transactions.get(uetr)
    if tx is None or tx.returned is None or not service.rail.visible(tx, _agency(request)):
        return _problem(404, f"no return recorded for UETR {uetr!r}")
    msg_id = service.next_id()
    doc = pacs004.build(tx.returned, msg_id=msg_id, original_msg_id=tx.transfer.msg_id)
    return _xml(service.envelope(doc, msg_def=pacs004.MSG_DEF, to=tx.transfer.instructing_bic, msg_id=msg_id))


async def accounts(request: Request) -> Response:
    service = _service(request)
    service.calls["accounts"] += 1
    agency = _agency(request)
    out: dict[str, list[dict[str, Any]]] = {}
    for raw in request.query_params.getlist("owner"):
        owner = _owner(raw)
        if owner is None:
            return _problem(400, f"owner {raw!r} must be COUNTRY:TAXID")
        visible = service.rail.visible_owner(owner, agency)
        out[f"{owner[0]}:{owner[1]}"] = [
            dataclasses.asdict(a) for a in (service.rail.ledger.owned_by(*owner) if visible else [])
        ]
    return JSONResponse({"accounts": out})


async def tracker(request: Request) -> Response:
    service = _service(request)
    service.calls["tracker"] += 1
    parties = [p for p in (_owner(raw) for raw in request.query_params.getlist("party")) if p is not None]
    found = service.rail.search(parties=parties, status=request.query_params.get("status"), agency=_agency(request))
    return JSONResponse({"payments": {f"{c}:{t}" if c else "*": uetrs for (c, t), uetrs in found.items()}})


async def fx_quote(request: Request) -> Response:
    service = _service(request)
    q = request.query_params
    try:
        amount = Decimal(q.get("amount", "1"))
        result = fx.quote(q.get("from", "").upper(), q.get("to", "").upper(), amount, now=service.rail.clock())
    except (InvalidOperation, fx.UnsupportedCurrency) as exc:
        return _problem(400, str(exc) or "amount must be a decimal number")
    return JSONResponse(
        {
            "quoteId": result.quote_id,
            "from": result.source,
            "to": result.target,
            "rate": str(result.rate),
            "amount": str(result.amount),
            "converted": str(result.converted),
            "validUntil": result.valid_until.isoformat(),
        }
    )


async def ledger(request: Request) -> Response:
    service = _service(request)
    return JSONResponse(
        {
            "settlements": service.rail.settlement_counts(),
            "returns": [r.return_id for r in service.rail.returns],
            "calls": dict(service.calls),
        }
    )


async def compliance(request: Request) -> Response:
    service = _service(request)
    decision = request.query_params.get("decision", "release")
    report = service.rail.release(request.path_params["uetr"], approve=decision == "release")
    if report is None:
        return _problem(404, "no payment pending compliance with this UETR")
    return JSONResponse({"uetr": report.uetr, "status": report.status, "reason": report.reason})


async def health(request: Request) -> Response:
    return JSONResponse({"status": "up"})


def create_app(config: SandboxConfig) -> Starlette:
    """The payment rail sandbox. ``config.options`` takes :class:`.rail.RailSettings` keys and ``payments``."""
    switches = {k: v for k, v in config.options.items() if k not in ("payments", "api_key")}
    rail = Rail(RailSettings.from_options(switches), seed=config.options.get("payments", story.PAYMENTS))
    service = RailService(rail)
    notifier = (
        Notifier(rail, config.callback_url, next_id=service.next_id, calls=service.calls)
        if config.callback_url
        else None
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if notifier is None:
            yield
            return
        async with notifier.running():
            yield

    app = Starlette(
        lifespan=lifespan,
        routes=[
            Route("/iso20022/messages", messages, methods=["POST"]),
            Route("/iso20022/messages/{kind}", messages, methods=["POST"]),
            Route("/iso20022/statements", statement, methods=["GET"]),
            Route("/iso20022/returns", returns, methods=["GET"]),
            Route("/accounts", accounts, methods=["GET"]),
            Route("/tracker/payments", tracker, methods=["GET"]),
            Route("/fx/quote", fx_quote, methods=["GET"]),
            Route("/_sandbox/ledger", ledger, methods=["GET"]),
            Route("/_sandbox/compliance/{uetr}", compliance, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
        ],
    )
    app.state.rail = service
    app.add_middleware(RequireApiKey, key=str(config.options.get("api_key", demo_api_key("payments"))))
    return app


SANDBOX = SandboxSpec(
    name="payments-rail",
    factory=create_app,
    default_port=4101,
    setting="url",
    description="ISO 20022 payment rail (pacs.008/002/028/004, camt.056/029/053) seeded from the story",
)
