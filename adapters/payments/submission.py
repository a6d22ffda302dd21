"""Exactly-once payment initiation: idempotency key → one MsgId/UETR → at most one settlement.

The MsgId and UETR are derived once and stored with the
idempotency row before anything is sent. A send whose reply is lost (timeout, reset, truncated or garbled
reply, 5xx) is an unknown outcome: the next step asks the rail with a pacs.028 and resends the *same*
message (same MsgId, UETR and payload, BAH ``PssblDplct``) only when the rail answers that it never received
it (RJCT NOOR). If even the inquiry fails, the row is marked failed and the error surfaces; a retry with the
same key starts with the inquiry again. The rail's own duplicate rules back this up: a resend it did receive
is answered with the first pacs.002.

If the idempotency store itself cannot be reached, nothing is sent that it has not recorded: a claim or an
attempt it could not write stops the payment before the rail sees it (``UPSTREAM_UNAVAILABLE``, "not sent"). A
payment the rail took whose outcome the store could not record answers ``UPSTREAM_UNAVAILABLE`` naming its UETR;
the row stays in progress, so a retry with the same key waits out the lease, then asks the rail (pacs.028)
and returns that payment instead of sending another.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import secrets
import uuid
from collections.abc import Callable

from adapters.payments.client import RailClient, UncertainDelivery
from adapters.payments.idempotency import (
    IdempotencyRecord,
    IdempotencyStore,
    InProgress,
    KeyReused,
    StoreUnavailable,
    fingerprint,
)
from adapters.payments.model import AccountRecord, CreditTransfer, Party, StatusEvent, TransactionReport
from adapters.payments.validation import PaymentRequest
from gateway.errors import BadUserInput, Conflict, SubgraphError, UpstreamProtocolError, UpstreamUnavailable

__all__ = ["Submitter", "build_transfer"]


def build_transfer(
    req: PaymentRequest,
    record: IdempotencyRecord,
    *,
    debtor: AccountRecord,
    creditor: AccountRecord,
    instructing_bic: str,
    instructed_bic: str,
) -> CreditTransfer:
    """The pacs.008 content, a pure function of the request and the stored MsgId/UETR/creation time."""
    return CreditTransfer(
        msg_id=record.msg_id,
        created=record.created_at,
        instructing_bic=instructing_bic,
        instructed_bic=instructed_bic,
        uetr=record.uetr,
        end_to_end_id=req.end_to_end_id,
        instruction_id=record.msg_id,
        amount=req.amount.amount,
        currency=req.amount.currency,
        charge_bearer=req.charge_bearer,
        settlement_date=record.created_at.date(),
        debtor=_party(debtor),
        creditor=_party(creditor),
        remittance=req.remittance,
    )


def _party(account: AccountRecord) -> Party:
    """The debtor or creditor as its bank's account directory names it (name and postal address, per CBPR+)."""
    return Party(
        name=account.owner_name,
        country=account.owner_country,
        tax_id=account.owner_tax_id,
        account=account.number,
        agent_bic=account.bic,
        town=account.owner_town,
        address=account.owner_address,
    )


@dataclasses.dataclass(kw_only=True)
class Submitter:
    client: RailClient
    store: IdempotencyStore
    #: how many times one call may send the same message (each resend only after a NOOR inquiry)
    max_sends: int = 3
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)

    def _new_ids(self) -> tuple[str, str, dt.datetime]:
        now = self.clock().replace(microsecond=0)
        return f"SG{now:%Y%m%d%H%M%S}{secrets.token_hex(6).upper()}", str(uuid.uuid4()), now

    async def claim(self, *, client_id: str, key: str, req: PaymentRequest) -> IdempotencyRecord:
        msg_id, uetr, now = self._new_ids()
        try:
            return await self.store.claim(
                client_id=client_id,
                key=key,
                fingerprint=fingerprint(req.canonical()),
                msg_id=msg_id,
                uetr=uetr,
                created_at=now,
            )
        except KeyReused:
            raise BadUserInput(
                f"idempotency key {key!r} was already used with a different payment input; use a new key for a new "
                "payment, or resend exactly the same input to get the first result",
                field="idempotencyKey",
                reason="IDEMPOTENCY_KEY_REUSED",
            ) from None
        except InProgress:
            raise Conflict(
                f"a payment with idempotency key {key!r} is still being processed; retry with the same key shortly",
                reason="IDEMPOTENCY_IN_PROGRESS",
            ) from None
        except StoreUnavailable as exc:
            raise self._store_down(exc, "the payment was not sent; retry with the same idempotency key") from None

    def _store_down(self, exc: StoreUnavailable, outcome: str) -> UpstreamUnavailable:
        return UpstreamUnavailable(
            f"the payment idempotency store is unavailable ({exc}): {outcome}",
            service=self.client.service,
            store="idempotency",
        )

    async def submit(self, record: IdempotencyRecord, ct: CreditTransfer, *, agency: str | None) -> TransactionReport:
        """Deliver the claimed payment once; record the outcome in the store."""
        try:
            report = await self._deliver(record, ct, agency)
            if report.uetr is None:  # the rail refused the whole message: a defect on our side, not a payment
                raise UpstreamProtocolError(
                    f"payment rail refused message {ct.msg_id}: {report.reason} {report.info or ''}".strip(),
                    service=self.client.service,
                )
        except SubgraphError as exc:
            # if even this fails, the row stays in progress: a retry waits out its lease, then asks the rail
            with contextlib.suppress(StoreUnavailable):
                await self.store.fail(record.client_id, record.key, f"{exc.code}: {exc.message}")
            raise
        try:
            await self.store.complete(
                record.client_id,
                record.key,
                {"uetr": ct.uetr, "msgId": ct.msg_id, "status": report.status, "reason": report.reason},
            )
        except StoreUnavailable as exc:
            raise self._store_down(
                exc,
                f"the payment was sent (UETR {ct.uetr}) but its outcome was not recorded; retry with the same "
                "idempotency key to get it (no second payment is sent)",
            ) from None
        return report

    async def _deliver(self, record: IdempotencyRecord, ct: CreditTransfer, agency: str | None) -> TransactionReport:
        sent = record.attempts > 0
        last: SubgraphError | None = None
        for _ in range(self.max_sends):
            if sent:
                known = (await self.client.inquire([ct.uetr], agency=agency))[ct.uetr]
                if known.known:
                    return dataclasses.replace(known, transfer=known.transfer or ct)
            try:
                await self.store.record_attempt(record.client_id, record.key)
            except StoreUnavailable as exc:  # an attempt it cannot record is not made
                outcome = (
                    f"the payment (UETR {ct.uetr}) may have reached the rail; retry with the same idempotency key: "
                    "the rail is asked before anything is sent again"
                    if sent
                    else "the payment was not sent; retry with the same idempotency key"
                )
                raise self._store_down(exc, outcome) from None
            try:
                report = await self.client.send_credit_transfer(ct, possible_duplicate=sent, agency=agency)
            except UncertainDelivery as exc:
                last, sent = exc.error, True
                continue
            history = (StatusEvent(status=report.status, at=report.accepted_at or self.clock(), reason=report.reason),)
            return dataclasses.replace(report, transfer=ct, history=report.history or history)
        raise last or UpstreamUnavailable("payment rail could not be reached", service=self.client.service)
