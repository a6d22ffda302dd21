"""The rail's book of accounts: balances, reservations, booked entries and end-of-day statements.

Seeded from :data:`adapters.story.ACCOUNTS`; the story's opening balances are the balances before any of the
story's payments settle.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from adapters import story
from adapters.payments.model import AccountRecord, StatementEntry, StatementRecord

__all__ = ["Ledger", "LedgerAccount"]


@dataclasses.dataclass(kw_only=True)
class LedgerAccount:
    record: AccountRecord
    opening_balance: Decimal
    balance: Decimal
    reserved: Decimal = Decimal(0)
    entries: list[StatementEntry] = dataclasses.field(default_factory=list)

    @property
    def available(self) -> Decimal:
        return self.balance - self.reserved


class Ledger:
    def __init__(self, accounts: tuple[story.Account, ...] = story.ACCOUNTS) -> None:
        self._accounts: dict[str, LedgerAccount] = {}
        #: called with every entry booked from now on (e.g. to push camt.054 notifications)
        self.listeners: list[Callable[[AccountRecord, StatementEntry], None]] = []
        for a in accounts:
            owner = story.company(a.owner)
            record = AccountRecord(
                owner_country=a.owner[0],
                owner_tax_id=a.owner[1],
                owner_name=owner.name,
                owner_town=owner.city,
                owner_address=owner.address,
                bic=a.bic,
                number=a.number,
                iban=a.iban,
                currency=a.currency,
                status=a.status,
            )
            self._accounts[a.number] = LedgerAccount(
                record=record, opening_balance=a.opening_balance, balance=a.opening_balance
            )

    def get(self, number: str) -> LedgerAccount | None:
        return self._accounts.get(number)

    def owned_by(self, country: str, tax_id: str) -> list[AccountRecord]:
        return [
            a.record
            for a in self._accounts.values()
            if (a.record.owner_country, a.record.owner_tax_id) == (country, tax_id)
        ]

    def reserve(self, number: str, amount: Decimal) -> bool:
        """Earmark funds for a payment in process; False when the available balance is too low."""
        acct = self._accounts[number]
        if acct.available < amount:
            return False
        acct.reserved += amount
        return True

    def release(self, number: str, amount: Decimal) -> None:
        self._accounts[number].reserved -= amount

    def book(self, number: str, entry: StatementEntry, *, reserved: Decimal = Decimal(0)) -> None:
        """Post an entry (and consume its reservation, if any)."""
        acct = self._accounts[number]
        acct.balance += entry.amount if entry.credit else -entry.amount
        acct.reserved -= reserved
        acct.entries.append(entry)
        for listener in self.listeners:
            listener(acct.record, entry)

    def post(
        self,
        number: str,
        *,
        amount: Decimal,
        credit: bool,
        reference: str,
        day: dt.date,
        uetr: str,
        end_to_end_id: str,
        remittance: str | None,
        family: str,
        reserved: Decimal = Decimal(0),
    ) -> None:
        """Book one payment entry in the account's own currency."""
        entry = StatementEntry(
            reference=reference,
            amount=amount,
            currency=self._accounts[number].record.currency,
            credit=credit,
            status="BOOK",
            booking_date=day,
            value_date=day,
            uetr=uetr,
            end_to_end_id=end_to_end_id,
            remittance=remittance,
            family=family,
        )
        self.book(number, entry, reserved=reserved)

    def statement(self, number: str, day: dt.date) -> StatementRecord | None:
        acct = self._accounts.get(number)
        if acct is None:
            return None

        def signed(e: StatementEntry) -> Decimal:
            return e.amount if e.credit else -e.amount

        before = sum((signed(e) for e in acct.entries if e.booking_date < day), Decimal(0))
        todays = tuple(e for e in acct.entries if e.booking_date == day)
        opening = acct.opening_balance + before
        closing = opening + sum((signed(e) for e in todays), Decimal(0))
        return StatementRecord(
            statement_id=f"STMT-{day:%Y%m%d}-{number[-8:]}",
            account=number,
            currency=acct.record.currency,
            date=day,
            opening_balance=opening,
            closing_balance=closing,
            entries=todays,
        )
