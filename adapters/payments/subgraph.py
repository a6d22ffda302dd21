"""The payments subgraph: root fields and mutations over the rail (docs/subgraph-conventions.md)."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from adapters.payments import fx
from adapters.payments.submission import build_transfer
from adapters.payments.subscription import Subscription, status_event
from adapters.payments.types import (
    ChargeBearer,
    Company,
    FxQuote,
    Payment,
    PaymentCompanyInput,
    PaymentFilter,
    PaymentRecall,
    RecallReason,
    Statement,
    money,
    mutation,
    recall_of,
    resolver,
    state_of,
)
from adapters.payments.validation import PaymentRequest, check_accounts, check_shape
from gateway.errors import BadUserInput, UpstreamProtocolError
from gateway.sdk.events import LiveEvent
from gateway.sdk.identifiers import parse_money
from gateway.sdk.scalars import BIC, UETR, CurrencyCode, Money
from gateway.sdk.schema import federation_schema

if TYPE_CHECKING:
    from adapters.payments.adapter import PaymentsAdapter

__all__ = ["build_schema"]


def _adapter(info: strawberry.Info) -> PaymentsAdapter:
    adapter: PaymentsAdapter = info.context.adapter
    return adapter


@strawberry.input(description="A customer credit transfer to send over the rail (pacs.008).")
class InitiatePaymentInput:
    debtor: PaymentCompanyInput
    debtor_account: str = strawberry.field(description="IBAN or domestic account number of the debtor")
    creditor: PaymentCompanyInput
    creditor_account: str
    amount: Money = strawberry.field(description="in the debtor's or the creditor's account currency")
    end_to_end_id: str = strawberry.field(description="the debtor's reference, passed unchanged (Max35Text)")
    charge_bearer: ChargeBearer = ChargeBearer.SHAR
    remittance: str | None = None
    debtor_agent: BIC | None = strawberry.field(default=None, description="defaults to the account's bank")
    creditor_agent: BIC | None = None


@strawberry.type
class Query:
    @resolver("A payment by its UETR (null if the rail does not know it, or not for you).")
    async def payment(self, info: strawberry.Info, uetr: UETR) -> Payment | None:
        report = await state_of(info).payments.load(str(uetr))
        return Payment.from_report(report) if report is not None and report.known else None

    @resolver("Payments matching the filter, oldest first.")
    async def payments(self, info: strawberry.Info, filter: PaymentFilter | None = None) -> list[Payment]:
        state = state_of(info)
        f = filter or PaymentFilter()
        parties = [(str(f.company.country), str(f.company.tax_id))] if f.company else []
        status = f.status.value if f.status else None
        found = await state.client.tracker(parties, status=status, agency=state.agency)
        uetrs = [u for us in found.values() for u in us]
        reports = await state.payments.load_many(uetrs)
        out = [Payment.from_report(r) for r in reports if r is not None and r.known]
        return [p for p in out if f.end_to_end_id is None or p.end_to_end_id == f.end_to_end_id]

    @resolver("An account's end-of-day statement (camt.053) for one booking date.")
    async def statement(self, info: strawberry.Info, account: str, date: dt.date) -> Statement | None:
        state = state_of(info)
        record = await state.client.statement(account.replace(" ", "").upper(), date, agency=state.agency)
        return Statement.from_record(record) if record is not None else None

    @resolver(name="fxQuote", description="The rail's FX quote for converting `amount` (in `from`) to `to`.")
    async def fx_quote(
        self,
        info: strawberry.Info,
        source: Annotated[CurrencyCode, strawberry.argument(name="from")],
        target: Annotated[CurrencyCode, strawberry.argument(name="to")],
        amount: Annotated[Money, strawberry.argument(description="in the `from` currency")],
    ) -> FxQuote:
        requested = parse_money(amount, "amount")
        if requested.currency != source:
            raise BadUserInput(f"amount is in {requested.currency}, but from is {source}", field="amount")
        for name, ccy in (("from", source), ("to", target)):
            if ccy not in fx.RATES_PER_USD:
                raise BadUserInput(
                    f"the rail quotes no {ccy}; it quotes {', '.join(sorted(fx.RATES_PER_USD))}", field=name
                )
        q = await state_of(info).client.fx_quote(requested.currency, str(target), requested.amount)
        return FxQuote(
            quote_id=q.quote_id,
            source=CurrencyCode(q.source),
            target=CurrencyCode(q.target),
            rate=str(q.rate),
            amount=money(q.amount, q.source),
            converted=money(q.converted, q.target),
            valid_until=q.valid_until,
        )


def _request(data: InitiatePaymentInput) -> PaymentRequest:
    return PaymentRequest(
        debtor=(str(data.debtor.country), str(data.debtor.tax_id)),
        debtor_account=data.debtor_account,
        creditor=(str(data.creditor.country), str(data.creditor.tax_id)),
        creditor_account=data.creditor_account,
        amount=parse_money(data.amount, "input.amount"),
        charge_bearer=data.charge_bearer.value,
        end_to_end_id=data.end_to_end_id,
        remittance=data.remittance,
        debtor_agent=str(data.debtor_agent) if data.debtor_agent else None,
        creditor_agent=str(data.creditor_agent) if data.creditor_agent else None,
    )


@strawberry.type
class Mutation:
    @mutation(
        "Send a payment exactly once per idempotency key: the same key and input return the same payment; "
        "the same key with other input is BAD_USER_INPUT; a concurrent duplicate is CONFLICT."
    )
    async def initiate_payment(
        self, info: strawberry.Info, input: InitiatePaymentInput, idempotency_key: str
    ) -> Payment:
        if not 1 <= len(idempotency_key) <= 255:
            raise BadUserInput("idempotencyKey must be 1-255 characters (a UUID is a good key)", field="idempotencyKey")
        adapter, state = _adapter(info), state_of(info)
        req = check_shape(_request(input))
        owners = await state.accounts.load_many([req.debtor, req.creditor])
        debtor, creditor = check_accounts(req, owners[0], owners[1])
        submitter = adapter.submitter
        record = await submitter.claim(client_id=state.client_id, key=idempotency_key, req=req)
        if record.replay:
            report = await state.payments.load(record.uetr)
            if report is None or not report.known:
                raise UpstreamProtocolError(f"payment rail no longer knows UETR {record.uetr}", service=adapter.name)
            return Payment.from_report(report)
        ct = build_transfer(
            req,
            record,
            debtor=debtor,
            creditor=creditor,
            instructing_bic=adapter.participant_bic,
            instructed_bic=adapter.rail_bic,
        )
        report = await submitter.submit(record, ct, agency=state.agency)
        await _publish(info, status_event(report))
        return Payment.from_report(report)

    @mutation("Recall a settled payment (camt.056): ACCR with a pacs.004 return, or RJCR.")
    async def recall_payment(self, info: strawberry.Info, uetr: UETR, reason: RecallReason) -> PaymentRecall:
        state = state_of(info)
        outcome = await state.client.recall(str(uetr), reason.value, agency=state.agency)
        with contextlib.suppress(KeyError):  # a recalled payment is read afresh
            state.payments.clear(str(uetr))
        recall = recall_of(outcome)
        assert recall is not None
        with contextlib.suppress(Exception):  # the answer stands; the live status is a courtesy
            after = (await state.client.inquire([str(uetr)], agency=state.agency)).get(str(uetr))
            if after is not None:
                await _publish(info, status_event(after, message="camt.029"))
        return recall


async def _publish(info: strawberry.Info, event: LiveEvent | None) -> None:
    if event is not None:
        await _adapter(info).events.publish(event)


def build_schema() -> strawberry.federation.Schema:
    return federation_schema(query=Query, mutation=Mutation, subscription=Subscription, types=[Company, Payment])
