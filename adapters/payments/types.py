"""GraphQL types of the payments subgraph and their mapping from the rail's records."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar, cast

import strawberry
import strawberry.federation

from adapters.payments.model import AccountRecord, RecallOutcome, ReturnRecord, StatementRecord, TransactionReport
from gateway.policy.scopes import PAYMENTS_READ
from gateway.sdk.identifiers import MoneyValue, parse_uetr
from gateway.sdk.node_ids import id_field
from gateway.sdk.rules import needs
from gateway.sdk.scalars import BIC, UETR, CountryCode, CurrencyCode, Money, TaxId

if TYPE_CHECKING:
    from adapters.payments.loaders import PaymentsState

__all__ = [
    "ChargeBearer",
    "Company",
    "FxQuote",
    "Payment",
    "PaymentAccount",
    "PaymentCompanyInput",
    "PaymentFilter",
    "PaymentParty",
    "PaymentRecall",
    "PaymentReturn",
    "PaymentStatus",
    "PaymentStatusEvent",
    "RecallReason",
    "RecallStatus",
    "Statement",
    "StatementEntry",
    "money",
    "mutation",
    "resolver",
    "state_of",
]


_F = TypeVar("_F", bound=Callable[..., Any])


def resolver(description: str, *, name: str | None = None) -> Callable[[_F], _F]:
    """``@strawberry.field(...)`` typed for mypy: the method stays a method for the type checker."""
    return cast(Callable[[_F], _F], strawberry.field(description=description, name=name))


#: the scope a token needs to move money (docs/security.md); the gateway enforces @requiresScopes before planning
PAYMENTS_INITIATE = "payments:initiate"


def mutation(description: str) -> Callable[[_F], _F]:
    """A payment mutation: only callers whose token carries the ``payments:initiate`` scope may run it."""
    return cast(
        Callable[[_F], _F],
        strawberry.federation.mutation(description=description, requires_scopes=[[PAYMENTS_INITIATE]]),
    )


def money(amount: Decimal, currency: str) -> Money:
    value: Money = MoneyValue(amount=amount, currency=currency)  # Money is MoneyValue to type checkers
    return value


def state_of(info: strawberry.Info) -> PaymentsState:
    state: PaymentsState = info.context.state
    return state


@strawberry.enum(description="ISO 20022 transaction status (pacs.002 TxSts).")
class PaymentStatus(enum.Enum):
    RCVD = "RCVD"
    ACTC = "ACTC"
    ACCP = "ACCP"
    ACSP = "ACSP"
    ACSC = "ACSC"
    ACCC = "ACCC"
    PDNG = "PDNG"
    RJCT = "RJCT"
    CANC = "CANC"


@strawberry.enum(description="Who bears the charges: DEBT (OUR), CRED (BEN), SHAR (SHA), SLEV (service level).")
class ChargeBearer(enum.Enum):
    DEBT = "DEBT"
    CRED = "CRED"
    SHAR = "SHAR"
    SLEV = "SLEV"


@strawberry.enum(description="Why a payment is recalled (camt.056 cancellation reason).")
class RecallReason(enum.Enum):
    DUPL = "DUPL"
    FRAD = "FRAD"
    TECH = "TECH"
    CUST = "CUST"
    UPAY = "UPAY"
    AGNT = "AGNT"
    CURR = "CURR"
    AM09 = "AM09"
    CUTA = "CUTA"


@strawberry.enum(description="camt.029 answer to a recall: ACCR accepted, RJCR rejected, PDCR pending.")
class RecallStatus(enum.Enum):
    ACCR = "ACCR"
    RJCR = "RJCR"
    PDCR = "PDCR"


@strawberry.enum(description="State of a bank account on the payment rail.")
class PaymentAccountStatus(enum.Enum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"
    BLOCKED = "BLOCKED"


@strawberry.federation.type(
    description="One status a payment went through, with its ISO 20022 reason code.",
    requires_scopes=needs(PAYMENTS_READ),
)
class PaymentStatusEvent:
    status: PaymentStatus
    reason: str | None = strawberry.field(description="ISO 20022 status reason code, e.g. AM04, AC06, RR04")
    detail: str | None
    at: dt.datetime


@strawberry.federation.type(description="A pacs.004 return of a settled payment.", requires_scopes=needs(PAYMENTS_READ))
class PaymentReturn:
    return_id: str
    amount: Money
    reason: str
    returned_at: dt.datetime
    settlement_date: dt.date


@strawberry.federation.type(
    description="The outcome of a recall (camt.056 → camt.029).", requires_scopes=needs(PAYMENTS_READ)
)
class PaymentRecall:
    case_id: str
    uetr: UETR
    status: RecallStatus
    requested_reason: str
    rejection_reason: str | None = strawberry.field(description="camt.029 reason, e.g. ARDT already returned")
    detail: str | None
    at: dt.datetime
    return_id: str | None

    @resolver("The recalled payment, as the rail reports it now.")
    async def payment(self, info: strawberry.Info) -> Payment | None:
        report = await state_of(info).payments.load(str(self.uetr))
        return Payment.from_report(report) if report is not None and report.known else None


@strawberry.federation.type(keys=["country taxId"])  # owned by tax: described ther, authenticated=True)
class Company:
    country: CountryCode
    tax_id: TaxId
    id: strawberry.ID = id_field("Company", "country", "tax_id")

    @classmethod
    async def resolve_reference(cls, info: strawberry.Info, **rep: Any) -> Company:
        return cls(country=CountryCode(rep["country"]), tax_id=TaxId(rep["taxId"]))

    @resolver("The company's accounts on the payment rail.")
    async def accounts(self, info: strawberry.Info) -> list[PaymentAccount] | None:
        records = await state_of(info).accounts.load((str(self.country), str(self.tax_id)))
        return [PaymentAccount.from_record(r) for r in records]

    @resolver("Payments where the company is debtor or creditor, oldest first.")
    async def payments(self, info: strawberry.Info, status: PaymentStatus | None = None) -> list[Payment] | None:
        state = state_of(info)
        uetrs = await state.party_payments.load((str(self.country), str(self.tax_id)))
        reports = await state.payments.load_many(uetrs)
        found = [Payment.from_report(r) for r in reports if r is not None and r.known]
        return [p for p in found if status is None or p.status == status]


@strawberry.federation.type(description="A bank account on the payment rail.", requires_scopes=needs(PAYMENTS_READ))
class PaymentAccount:
    number: str = strawberry.field(description="IBAN where the country uses one, else the domestic number")
    iban: bool
    bic: BIC
    currency: CurrencyCode
    status: PaymentAccountStatus

    @classmethod
    def from_record(cls, r: AccountRecord) -> PaymentAccount:
        return cls(
            number=r.number,
            iban=r.iban,
            bic=BIC(r.bic),
            currency=CurrencyCode(r.currency),
            status=PaymentAccountStatus(r.status),
        )


@strawberry.federation.type(
    description="A debtor or creditor of a payment: company, account and its bank.",
    requires_scopes=needs(PAYMENTS_READ),
)
class PaymentParty:
    company: Company
    account: str
    agent: BIC = strawberry.field(description="BIC of the party's bank (debtor/creditor agent)")


@strawberry.federation.type(
    keys=["uetr"], description="An ISO 20022 customer credit transfer (pacs.008).", requires_scopes=needs(PAYMENTS_READ)
)
class Payment:
    uetr: UETR
    id: strawberry.ID = id_field("Payment", "uetr")
    msg_id: str
    end_to_end_id: str
    amount: Money
    charge_bearer: ChargeBearer
    debtor: PaymentParty
    creditor: PaymentParty
    remittance: str | None
    status: PaymentStatus
    status_reason: str | None = strawberry.field(description="reason code of the current status (RJCT AM04...)")
    status_detail: str | None
    status_history: list[PaymentStatusEvent]
    accepted_at: dt.datetime | None
    settlement_date: dt.date | None = strawberry.field(description="set once settled (ACSC)")
    returned: PaymentReturn | None = strawberry.field(name="return", description="pacs.004 return, if any")
    recall: PaymentRecall | None

    @classmethod
    async def resolve_reference(cls, info: strawberry.Info, **rep: Any) -> Payment | None:
        report = await state_of(info).payments.load(parse_uetr(rep.get("uetr"), "uetr"))
        return cls.from_report(report) if report is not None and report.known else None

    @classmethod
    def from_report(cls, r: TransactionReport) -> Payment:
        ct = r.transfer
        assert ct is not None and r.uetr is not None, "a payment needs its original transaction"

        def party(p: Any) -> PaymentParty:
            return PaymentParty(
                company=Company(country=CountryCode(p.country), tax_id=TaxId(p.tax_id)),
                account=p.account,
                agent=BIC(p.agent_bic),
            )

        return cls(
            uetr=UETR(r.uetr),
            msg_id=ct.msg_id,
            end_to_end_id=ct.end_to_end_id,
            amount=money(ct.amount, ct.currency),
            charge_bearer=ChargeBearer(ct.charge_bearer),
            debtor=party(ct.debtor),
            creditor=party(ct.creditor),
            remittance=ct.remittance,
            status=PaymentStatus(r.status),
            status_reason=r.reason,
            status_detail=r.info,
            status_history=[
                PaymentStatusEvent(status=PaymentStatus(e.status), reason=e.reason, detail=e.info, at=e.at)
                for e in r.history
            ],
            accepted_at=r.accepted_at,
            settlement_date=r.settlement_date,
            returned=_return(r.returned),
            recall=recall_of(r.recall),
        )


def _return(r: ReturnRecord | None) -> PaymentReturn | None:
    if r is None:
        return None
    return PaymentReturn(
        return_id=r.return_id,
        amount=money(r.amount, r.currency),
        reason=r.reason,
        returned_at=r.returned_at,
        settlement_date=r.settlement_date,
    )


def recall_of(r: RecallOutcome | None) -> PaymentRecall | None:
    if r is None:
        return None
    return PaymentRecall(
        case_id=r.case_id,
        uetr=UETR(r.uetr),
        status=RecallStatus(r.status),
        requested_reason=r.requested_reason,
        rejection_reason=r.rejection_reason,
        detail=r.info,
        at=r.at,
        return_id=r.return_id,
    )


@strawberry.federation.type(
    description="One booked entry of a camt.053 statement.", requires_scopes=needs(PAYMENTS_READ)
)
class StatementEntry:
    reference: str
    amount: Money
    credit: bool = strawberry.field(description="true for a credit (CRDT), false for a debit (DBIT)")
    status: str
    booking_date: dt.date
    value_date: dt.date
    uetr: UETR | None
    end_to_end_id: str | None
    remittance: str | None
    kind: str = strawberry.field(description="bank transaction sub-family: XBCT transfer, RRTN return")

    @resolver("The payment behind this entry.")
    async def payment(self, info: strawberry.Info) -> Payment | None:
        if self.uetr is None:
            return None
        report = await state_of(info).payments.load(str(self.uetr))
        return Payment.from_report(report) if report is not None and report.known else None


@strawberry.federation.type(
    description="An account's end-of-day statement (camt.053).", requires_scopes=needs(PAYMENTS_READ)
)
class Statement:
    statement_id: str
    account: str
    date: dt.date
    opening_balance: Money
    closing_balance: Money
    entries: list[StatementEntry]

    @classmethod
    def from_record(cls, s: StatementRecord) -> Statement:
        return cls(
            statement_id=s.statement_id,
            account=s.account,
            date=s.date,
            opening_balance=money(s.opening_balance, s.currency),
            closing_balance=money(s.closing_balance, s.currency),
            entries=[
                StatementEntry(
                    reference=e.reference,
                    amount=money(e.amount, e.currency),
                    credit=e.credit,
                    status=e.status,
                    booking_date=e.booking_date,
                    value_date=e.value_date,
                    uetr=UETR(e.uetr) if e.uetr else None,
                    end_to_end_id=e.end_to_end_id,
                    remittance=e.remittance,
                    kind=e.family,
                )
                for e in s.entries
            ],
        )


@strawberry.federation.type(
    description="A deterministic FX quote of the payment rail.", requires_scopes=needs(PAYMENTS_READ)
)
class FxQuote:
    quote_id: str
    source: CurrencyCode = strawberry.field(name="from")
    target: CurrencyCode = strawberry.field(name="to")
    rate: str = strawberry.field(description="units of `to` per unit of `from`, as a decimal string")
    amount: Money
    converted: Money
    valid_until: dt.datetime


@strawberry.input(description="A company by its key (country + tax id).")
class PaymentCompanyInput:
    country: CountryCode
    tax_id: TaxId


@strawberry.input(description="Which payments to list; all conditions must hold.")
class PaymentFilter:
    company: PaymentCompanyInput | None = strawberry.field(default=None, description="as debtor or creditor")
    status: PaymentStatus | None = None
    end_to_end_id: str | None = None
