"""The payment rail's records as plain values, shared by the message mappers, the sandbox and the adapter."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

__all__ = [
    "FINAL_STATUSES",
    "AccountRecord",
    "CreditTransfer",
    "Party",
    "RecallOutcome",
    "ReturnRecord",
    "StatementEntry",
    "StatementRecord",
    "StatusEvent",
    "TransactionReport",
]

#: Statuses after which a transaction never changes (a return or recall is recorded beside the status).
FINAL_STATUSES = frozenset({"ACSC", "RJCT", "CANC"})


@dataclasses.dataclass(frozen=True, kw_only=True)
class Party:
    """A debtor or creditor: the company (country + tax id), its account and its bank (agent BIC).

    ``name``, ``town`` and ``address`` are what CBPR+ asks of a party: its name and a (hybrid) postal address,
    town and country at least; the rail refuses a transfer without them (RJCT RR02 debtor, RR03 creditor: name
    and/or address needed for regulatory requirements missing).
    """

    name: str
    country: str
    tax_id: str
    account: str
    agent_bic: str
    town: str = ""
    address: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class CreditTransfer:
    """One pacs.008 credit transfer (one transaction per message on this rail)."""

    msg_id: str
    created: dt.datetime
    instructing_bic: str
    instructed_bic: str
    uetr: str
    end_to_end_id: str
    instruction_id: str
    amount: Decimal
    currency: str
    charge_bearer: str
    settlement_date: dt.date
    debtor: Party
    creditor: Party
    remittance: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class StatusEvent:
    status: str
    at: dt.datetime
    reason: str | None = None
    info: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReturnRecord:
    """A pacs.004 return of a settled payment."""

    return_id: str
    uetr: str
    end_to_end_id: str
    amount: Decimal
    currency: str
    reason: str
    returned_at: dt.datetime
    settlement_date: dt.date


@dataclasses.dataclass(frozen=True, kw_only=True)
class RecallOutcome:
    """The camt.029 answer to a camt.056 recall: ACCR (accepted) or RJCR (rejected, with a reason)."""

    case_id: str
    uetr: str
    status: str
    requested_reason: str
    at: dt.datetime
    rejection_reason: str | None = None
    info: str | None = None
    return_id: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class TransactionReport:
    """What a pacs.002 says about one transaction: its current status, and (for inquiries) the details."""

    uetr: str | None
    end_to_end_id: str | None
    original_msg_id: str
    status: str
    reason: str | None = None
    info: str | None = None
    accepted_at: dt.datetime | None = None
    settlement_date: dt.date | None = None
    transfer: CreditTransfer | None = None
    history: tuple[StatusEvent, ...] = ()
    returned: ReturnRecord | None = None
    recall: RecallOutcome | None = None

    @property
    def known(self) -> bool:
        """False when the rail answered "no original transaction" (it never received the UETR)."""
        return not (self.status == "RJCT" and self.reason == "NOOR")


@dataclasses.dataclass(frozen=True, kw_only=True)
class AccountRecord:
    owner_country: str
    owner_tax_id: str
    #: the owner's name and postal address as the bank keeps them (the debtor/creditor of a pacs.008)
    owner_name: str
    owner_town: str
    owner_address: str
    bic: str
    number: str
    iban: bool
    currency: str
    status: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class StatementEntry:
    reference: str
    amount: Decimal
    currency: str
    credit: bool
    status: str
    booking_date: dt.date
    value_date: dt.date
    uetr: str | None
    end_to_end_id: str | None
    remittance: str | None
    family: str  # bank transaction code sub-family: XBCT (transfer) or RRTN (return)


@dataclasses.dataclass(frozen=True, kw_only=True)
class StatementRecord:
    statement_id: str
    account: str
    currency: str
    date: dt.date
    opening_balance: Decimal
    closing_balance: Decimal
    entries: tuple[StatementEntry, ...]
