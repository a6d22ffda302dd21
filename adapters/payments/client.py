"""The adapter's client of the payment rail: ISO 20022 over httpx, with the rail's errors mapped.

Reads (pacs.028 inquiries, statements, returns, account directory, tracker, FX) retry with the shared read policy
(:class:`gateway.sdk.retry.ReadRetry`: ``retry_attempts`` within ``retry_max_delay`` seconds, full-jitter backoff,
injectable sleep, the rail source's retry budget and breaker), and only when the request never reached the rail
(``ConnectError``, ``ConnectTimeout``, ``PoolTimeout``) or the rail said 502/503/504.
Writes (pacs.008, camt.056) are never retried here: a reply lost after sending is an unknown outcome, reported
as :class:`UncertainDelivery` so the caller can ask the rail (pacs.028) before it resends
(:mod:`.submission`). Rejects (pacs.002 RJCT, camt.029 RJCR) are data, not errors.
"""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
from collections.abc import Awaitable, Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

import httpx

from adapters.payments import fx
from adapters.payments.messages import camt029, camt053, camt056, pacs002, pacs004, pacs008, pacs028
from adapters.payments.messages.envelope import InvalidMessage, Message, parse_message, render_message
from adapters.payments.model import (
    AccountRecord,
    CreditTransfer,
    RecallOutcome,
    ReturnRecord,
    StatementRecord,
    TransactionReport,
)
from gateway.errors import SubgraphError, UpstreamFault, UpstreamProtocolError, UpstreamTimeout, UpstreamUnavailable
from gateway.sdk.calls import guard_of
from gateway.sdk.retry import ReadRetry

__all__ = ["RailClient", "UncertainDelivery"]

XML = "application/xml"
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_SAFE_5XX = frozenset({502, 503, 504})


class UncertainDelivery(Exception):
    """A write may or may not have reached the rail (reply lost, timed out or garbled). ``error`` says how."""

    def __init__(self, error: SubgraphError) -> None:
        super().__init__(error.message)
        self.error = error


class _Retryable5xx(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _retryable(exc: BaseException) -> bool:
    """The rail's reads retry only what surely never reached it, or a 502/503/504 it answered."""
    return isinstance(exc, (*_NEVER_SENT, _Retryable5xx))


class RailClient:
    """ISO 20022 messages to and from the rail at ``http``'s base URL."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        participant_bic: str,
        rail_bic: str,
        service: str = "payments",
        retry: ReadRetry | None = None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.http = http
        self.participant_bic = participant_bic
        self.rail_bic = rail_bic
        self.service = service
        self.retry = retry or ReadRetry()
        self._guard = guard_of(http)
        self.clock = clock
        self._ids = itertools.count(1)
        self._instance = secrets.token_hex(3).upper()

    # -- plumbing -------------------------------------------------------------------------------------------
    def _msg_id(self, prefix: str) -> str:
        return f"{prefix}{self.clock():%Y%m%d%H%M%S}{self._instance}{next(self._ids):06d}"

    @staticmethod
    def _headers(agency: str | None, xml: bool = False) -> dict[str, str]:
        headers = {"Content-Type": XML} if xml else {}
        if agency:
            headers["X-Agency-Id"] = agency
        return headers

    def _map(self, exc: Exception, what: str) -> SubgraphError:
        svc = self.service
        if isinstance(exc, _Retryable5xx):
            return UpstreamFault(f"payment rail answered HTTP {exc.status} to {what}; try again later", service=svc)
        if isinstance(exc, httpx.TimeoutException):
            return UpstreamTimeout(f"payment rail did not answer {what} in time ({type(exc).__name__})", service=svc)
        if isinstance(exc, httpx.ConnectError):
            return UpstreamUnavailable(f"payment rail is unreachable for {what}: {exc}", service=svc)
        if isinstance(exc, httpx.HTTPError):
            return UpstreamUnavailable(f"connection to the payment rail was lost during {what}: {exc}", service=svc)
        if isinstance(exc, InvalidMessage):
            return UpstreamProtocolError(f"payment rail sent an invalid reply to {what}: {exc.reason}", service=svc)
        raise exc

    async def _get(self, path: str, params: Any, agency: str | None, what: str) -> httpx.Response:
        """A read, retried when it never reached the rail or the rail was briefly unavailable."""

        async def once() -> httpx.Response:
            response = await self.http.get(path, params=params, headers=self._headers(agency))
            if response.status_code in _SAFE_5XX:
                raise _Retryable5xx(response.status_code)
            return response

        return await self._read(once, what)

    async def _read(self, call: Callable[[], Awaitable[httpx.Response]], what: str) -> httpx.Response:
        try:
            response = await self.retry.call(call, guard=self._guard, retry_on=_retryable)
        except (httpx.HTTPError, _Retryable5xx) as exc:
            raise self._map(exc, what) from None
        if response.status_code >= 500:
            raise UpstreamFault(f"payment rail answered HTTP {response.status_code} to {what}", service=self.service)
        return response

    def _reply(self, response: httpx.Response, what: str, expect: str) -> Message:
        if response.status_code >= 500:
            raise UpstreamFault(f"payment rail answered HTTP {response.status_code} to {what}", service=self.service)
        try:
            return parse_message(response.content, expect=expect)
        except InvalidMessage as exc:
            raise self._map(exc, what) from None

    def _envelope(self, document: Any, msg_def: str, msg_id: str, *, possible_duplicate: bool = False) -> bytes:
        return render_message(
            document,
            msg_def=msg_def,
            sender_bic=self.participant_bic,
            receiver_bic=self.rail_bic,
            biz_msg_id=msg_id,
            created=self.clock(),
            possible_duplicate=possible_duplicate,
        )

    # -- writes ---------------------------------------------------------------------------------------------
    async def send_credit_transfer(
        self, ct: CreditTransfer, *, possible_duplicate: bool = False, agency: str | None = None
    ) -> TransactionReport:
        """Send one pacs.008 once. Never-sent failures raise mapped errors; lost replies raise UncertainDelivery."""
        body = self._envelope(pacs008.build(ct), pacs008.MSG_DEF, ct.msg_id, possible_duplicate=possible_duplicate)
        what = f"pacs.008 {ct.msg_id}"
        try:
            response = await self.http.post(
                "/iso20022/messages/pacs.008", content=body, headers=self._headers(agency, True)
            )
        except _NEVER_SENT as exc:
            raise self._map(exc, what) from None
        except httpx.HTTPError as exc:
            raise UncertainDelivery(self._map(exc, what)) from None
        try:
            reports = pacs002.read(self._reply(response, what, pacs002.MSG_DEF).document)
        except (UpstreamFault, UpstreamProtocolError, InvalidMessage) as exc:
            error = exc if isinstance(exc, SubgraphError) else self._map(exc, what)
            raise UncertainDelivery(error) from None
        mine = [r for r in reports if r.uetr in (ct.uetr, None)]
        if not mine:
            raise UncertainDelivery(
                UpstreamProtocolError(f"pacs.002 for {what} does not name UETR {ct.uetr}", service=self.service)
            )
        return mine[0]

    async def recall(
        self, uetr: str, reason: str, *, info: str | None = None, agency: str | None = None
    ) -> RecallOutcome:
        """camt.056 → camt.029. Recalls are themselves idempotent on the rail (a second one is RJCR ARDT)."""
        case_id = self._msg_id("SGCASE")
        request = camt056.RecallRequest(
            case_id=case_id,
            assigner_bic=self.participant_bic,
            assignee_bic=self.rail_bic,
            created=self.clock(),
            uetr=uetr,
            reason=reason,
            info=info,
        )
        body = self._envelope(camt056.build(request), camt056.MSG_DEF, case_id)
        what = f"camt.056 recall of {uetr}"
        try:
            response = await self.http.post(
                "/iso20022/messages/camt.056", content=body, headers=self._headers(agency, True)
            )
        except httpx.HTTPError as exc:
            raise self._map(exc, what) from None
        if response.status_code == 400:
            raise UpstreamProtocolError(f"payment rail refused the {what} as malformed", service=self.service)
        msg = self._reply(response, what, camt029.MSG_DEF)
        try:
            return camt029.read(msg.document, requested_reason=reason)
        except InvalidMessage as exc:
            raise self._map(exc, what) from None

    # -- reads ----------------------------------------------------------------------------------------------
    async def inquire(self, uetrs: Iterable[str], *, agency: str | None = None) -> dict[str, TransactionReport]:
        """One pacs.028 for many UETRs → their current status reports (RJCT NOOR for those the rail lacks)."""
        wanted = list(dict.fromkeys(uetrs))
        if not wanted:
            return {}
        msg_id = self._msg_id("SGINQ")
        body = self._envelope(pacs028.build(wanted, msg_id=msg_id, created=self.clock()), pacs028.MSG_DEF, msg_id)
        what = f"pacs.028 inquiry {msg_id}"

        async def once() -> httpx.Response:
            response = await self.http.post(
                "/iso20022/messages/pacs.028", content=body, headers=self._headers(agency, True)
            )
            if response.status_code in _SAFE_5XX:
                raise _Retryable5xx(response.status_code)
            return response

        response = await self._read(once, what)
        msg = self._reply(response, what, pacs002.MSG_DEF)
        try:
            reports = pacs002.read(msg.document)
        except InvalidMessage as exc:
            raise self._map(exc, what) from None
        by_uetr = {r.uetr: r for r in reports if r.uetr}
        if response.status_code == 400 or set(wanted) - set(by_uetr):
            raise UpstreamProtocolError(f"payment rail did not answer every UETR of {what}", service=self.service)
        return {u: by_uetr[u] for u in wanted}

    async def fetch_return(self, uetr: str, *, agency: str | None = None) -> ReturnRecord | None:
        response = await self._get("/iso20022/returns", {"uetr": uetr}, agency, f"pacs.004 for {uetr}")
        if response.status_code == 404:
            return None
        msg = self._reply(response, f"pacs.004 for {uetr}", pacs004.MSG_DEF)
        try:
            returns = pacs004.read(msg.document)
        except InvalidMessage as exc:
            raise self._map(exc, "pacs.004") from None
        return returns[0] if returns else None

    async def statement(self, account: str, day: dt.date, *, agency: str | None = None) -> StatementRecord | None:
        what = f"camt.053 for {account} on {day}"
        response = await self._get("/iso20022/statements", {"account": account, "date": day.isoformat()}, agency, what)
        if response.status_code == 404:
            return None
        msg = self._reply(response, what, camt053.MSG_DEF)
        try:
            return camt053.read(msg.document)
        except InvalidMessage as exc:
            raise self._map(exc, what) from None

    async def _json(self, path: str, params: Any, agency: str | None, what: str) -> Mapping[str, Any]:
        response = await self._get(path, params, agency, what)
        try:
            data = response.json()
        except ValueError:
            raise UpstreamProtocolError(f"payment rail sent invalid JSON for {what}", service=self.service) from None
        if response.status_code >= 400 or not isinstance(data, dict):
            detail = data.get("detail", "") if isinstance(data, dict) else ""
            raise UpstreamFault(
                f"payment rail refused {what}: {detail}", service=self.service, status=response.status_code
            )
        return data

    async def accounts(
        self, owners: Iterable[tuple[str, str]], *, agency: str | None = None
    ) -> dict[tuple[str, str], list[AccountRecord]]:
        owners = list(dict.fromkeys(owners))
        params = [("owner", f"{c}:{t}") for c, t in owners]
        data = await self._json("/accounts", params, agency, "account directory")
        try:
            found = {k: [AccountRecord(**a) for a in v] for k, v in data["accounts"].items()}
        except (KeyError, TypeError) as exc:
            raise UpstreamProtocolError(f"unexpected account directory reply: {exc}", service=self.service) from None
        return {o: found.get(f"{o[0]}:{o[1]}", []) for o in owners}

    async def tracker(
        self, parties: Iterable[tuple[str, str]], *, status: str | None = None, agency: str | None = None
    ) -> dict[str, list[str]]:
        params = [("party", f"{c}:{t}") for c, t in parties]
        if status:
            params.append(("status", status))
        data = await self._json("/tracker/payments", params, agency, "payment tracker")
        payments = data.get("payments")
        if not isinstance(payments, dict):
            raise UpstreamProtocolError("unexpected payment tracker reply", service=self.service)
        return {str(k): [str(u) for u in v] for k, v in payments.items()}

    async def fx_quote(self, source: str, target: str, amount: Decimal) -> fx.Quote:
        params = {"from": source, "to": target, "amount": str(amount)}
        data = await self._json("/fx/quote", params, None, f"FX quote {source}->{target}")
        try:
            return fx.Quote(
                quote_id=str(data["quoteId"]),
                source=str(data["from"]),
                target=str(data["to"]),
                rate=Decimal(data["rate"]),
                amount=Decimal(data["amount"]),
                converted=Decimal(data["converted"]),
                valid_until=dt.datetime.fromisoformat(data["validUntil"]),
            )
        except (KeyError, ArithmeticError, ValueError) as exc:
            raise UpstreamProtocolError(f"unexpected FX quote reply: {exc}", service=self.service) from None
