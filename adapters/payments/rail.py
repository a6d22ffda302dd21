"""The payment rail's state machine (domain.md §1.3), seeded from the story.

::

    pacs.008 → RCVD → ACTC ─step→ ACCP ─step→ ACSP ─step→ ACSC      (settled: balances move, entries booked)
                 │            └→ RJCT AC04 closed · AC06 blocked · RR04 sanctioned agent · AM04 insufficient funds
                 │            └→ PDNG compliance hold (agent on the hold list) → ACSP | RJCT RR04 when released
                 └→ RJCT at once: AM01 zero amount · AM03 currency · AM12 amount finer than the currency's minor
                    unit (never rounded) · RR02/RR03 debtor/creditor without name or postal address · AC01/AC03
                    unknown account · BE01 account not the party's · RC01 agent is not the account's bank · AG01
                    party outside the caller's agency

Progress is lazy and deterministic: every transition is due ``step_delay`` seconds after the previous one and
is applied, in due order, the next time anyone looks at the rail (:meth:`Rail.advance`). With ``step_delay=0``
a transaction is settled by the next request. Event timestamps are the due times, not the wall clock of the
request that applied them. Recalls (camt.056 → camt.029 + pacs.004) live in :mod:`.recall`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from adapters import story
from adapters.payments import fx
from adapters.payments.ledger import Ledger
from adapters.payments.model import (
    CreditTransfer,
    Party,
    RecallOutcome,
    ReturnRecord,
    StatusEvent,
    TransactionReport,
)
from gateway.sdk.identifiers import CURRENCY_EXPONENTS

__all__ = ["Rail", "RailSettings", "RailTransaction"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class RailSettings:
    """Behaviour switches of the rail (from ``SandboxConfig.options``)."""

    #: seconds between two status transitions of a transaction
    step_delay: float = 0.05
    #: BICs (8-character prefix) the rail refuses for regulatory reasons: RJCT RR04
    sanctioned_bics: frozenset[str] = frozenset({"BKMTIRTH"})
    #: BICs (8-character prefix) whose payments wait for a compliance decision: PDNG
    hold_bics: frozenset[str] = frozenset({"AKBBBY2X"})
    #: the rail operator's own BIC (sender of its replies)
    bic: str = "SGRLCNSHXXX"
    #: account number → OPEN | CLOSED | BLOCKED, overriding the story (e.g. to exercise RJCT AC04)
    account_status: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> RailSettings:
        known = {"step_delay", "sanctioned_bics", "hold_bics", "bic", "account_status"}
        unknown = sorted(set(options) - known)
        if unknown:
            raise ValueError(f"unknown payments-rail option(s) {unknown}; known: {sorted(known)}")
        kwargs: dict[str, Any] = {}
        if "step_delay" in options:
            kwargs["step_delay"] = float(options["step_delay"])
        for key in ("sanctioned_bics", "hold_bics"):
            if key in options:
                kwargs[key] = frozenset(str(b)[:8].upper() for b in options[key])
        if "bic" in options:
            kwargs["bic"] = str(options["bic"])
        if "account_status" in options:
            kwargs["account_status"] = {str(k): str(v).upper() for k, v in dict(options["account_status"]).items()}
        return cls(**kwargs)


@dataclasses.dataclass(kw_only=True)
class RailTransaction:
    transfer: CreditTransfer
    history: list[StatusEvent]
    next_due: dt.datetime | None = None
    #: amount debited from the debtor's account, in its currency
    debit: Decimal = Decimal(0)
    #: part of ``debit`` earmarked on the debtor's account until settlement
    reserved: Decimal = Decimal(0)
    settled: int = 0
    returned: ReturnRecord | None = None
    recall: RecallOutcome | None = None

    @property
    def current(self) -> StatusEvent:
        return self.history[-1]


def _agency_sees(party: tuple[str, str], agency: str | None) -> bool:
    if agency is None:
        return True
    try:
        return agency in story.company(party).agencies
    except KeyError:
        return False


class Rail:
    def __init__(
        self,
        settings: RailSettings | None = None,
        *,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        seed: Iterable[story.Payment] = story.PAYMENTS,
    ) -> None:
        self.settings = settings or RailSettings()
        self.clock = clock
        self.ledger = Ledger(
            tuple(
                dataclasses.replace(a, status=self.settings.account_status.get(a.number, a.status))
                for a in story.ACCOUNTS
            )
        )
        self.transactions: dict[str, RailTransaction] = {}
        self.returns: list[ReturnRecord] = []
        for payment in seed:
            self._seed(payment)

    # -- seeding --------------------------------------------------------------------------------------------
    def _party(self, key: tuple[str, str], account: str) -> Party:
        acct = self.ledger.get(account)
        assert acct is not None, f"story payment names unknown account {account}"
        owner = story.company(key)
        return Party(
            name=owner.name,
            country=key[0],
            tax_id=key[1],
            account=account,
            agent_bic=acct.record.bic,
            town=owner.city,
            address=owner.address,
        )

    def _seed(self, p: story.Payment) -> None:
        day = dt.date.fromisoformat(p.settlement_date)
        at = dt.datetime.combine(day, dt.time(9, 0), dt.UTC)
        debtor, creditor = self._party(p.debtor, p.debtor_account), self._party(p.creditor, p.creditor_account)
        ct = CreditTransfer(
            msg_id=p.msg_id,
            created=at,
            instructing_bic=debtor.agent_bic,
            instructed_bic=creditor.agent_bic,
            uetr=p.uetr,
            end_to_end_id=p.end_to_end_id,
            instruction_id=p.end_to_end_id,
            amount=p.amount,
            currency=p.currency,
            charge_bearer=p.charge_bearer,
            settlement_date=day,
            debtor=debtor,
            creditor=creditor,
            remittance=p.remittance,
        )
        tx = RailTransaction(transfer=ct, history=[StatusEvent(status="ACTC", at=at)])
        self.transactions[p.uetr] = tx
        minute = dt.timedelta(minutes=1)
        if p.outcome == "ACSC":
            tx.history += [StatusEvent(status="ACCP", at=at + minute), StatusEvent(status="ACSP", at=at + 2 * minute)]
            tx.debit = fx.convert(ct.amount, ct.currency, self.account_currency(ct.debtor.account))
            self._settle(tx, at + 3 * minute)
        else:
            tx.history.append(StatusEvent(status=p.outcome, at=at + minute, reason=p.reason))

    # -- intake ---------------------------------------------------------------------------------------------
    def knows(self, uetr: str) -> bool:
        return uetr in self.transactions

    def account_currency(self, number: str) -> str:
        acct = self.ledger.get(number)
        assert acct is not None
        return acct.record.currency

    def _technical_reject(self, ct: CreditTransfer, agency: str | None) -> tuple[str, str] | None:
        if ct.amount <= 0:
            return "AM01", "amount must be greater than zero"
        if ct.currency not in fx.RATES_PER_USD:
            return "AM03", f"currency {ct.currency} is not settled on this rail"
        minor = CURRENCY_EXPONENTS.get(ct.currency)
        if minor is not None and ct.amount != ct.amount.quantize(Decimal(1).scaleb(-minor)):
            # never rounded: 1250.005 CNY is not an amount in a currency of 2 minor units
            return "AM12", f"amount {ct.amount} {ct.currency} has more decimals than {ct.currency} has ({minor})"
        for role, party, missing in (("debtor", ct.debtor, "RR02"), ("creditor", ct.creditor, "RR03")):
            if not party.name or not party.town:
                return missing, f"{role} name and postal address (TwnNm, Ctry) are required (CBPR+)"
        if not _agency_sees((ct.debtor.country, ct.debtor.tax_id), agency):
            return "AG01", "debtor is not a customer of the requesting agency"
        currencies = set()
        for role, party, unknown in (("debtor", ct.debtor, "AC01"), ("creditor", ct.creditor, "AC03")):
            acct = self.ledger.get(party.account)
            if acct is None:
                return unknown, f"{role} account {party.account} is not known to the rail"
            rec = acct.record
            if (rec.owner_country, rec.owner_tax_id) != (party.country, party.tax_id):
                return "BE01", f"{role} account {party.account} does not belong to {party.country} {party.tax_id}"
            if rec.bic[:8] != party.agent_bic[:8]:
                return "RC01", f"{role} agent {party.agent_bic} does not service account {party.account}"
            currencies.add(rec.currency)
        if ct.currency not in currencies:
            return "AM03", f"{ct.currency} is neither the debtor's nor the creditor's account currency"
        return None

    def submit(self, ct: CreditTransfer, *, agency: str | None = None) -> TransactionReport:
        """Take a validated credit transfer whose UETR is new: ACTC, or RJCT with a reason at once."""
        now = self.clock()
        self.advance()
        reject = self._technical_reject(ct, agency)
        tx = RailTransaction(transfer=ct, history=[StatusEvent(status="RCVD", at=now)])
        if reject is None:
            tx.history.append(StatusEvent(status="ACTC", at=now))
            tx.next_due = now + dt.timedelta(seconds=self.settings.step_delay)
        else:
            tx.history.append(StatusEvent(status="RJCT", at=now, reason=reject[0], info=reject[1]))
        self.transactions[ct.uetr] = tx
        return self._report(tx, details=False)

    # -- progress -------------------------------------------------------------------------------------------
    def advance(self) -> None:
        """Apply every transition that is due, oldest first."""
        now = self.clock()
        while True:
            due = [t for t in self.transactions.values() if t.next_due is not None and t.next_due <= now]
            if not due:
                return
            tx = min(due, key=lambda t: (t.next_due, t.transfer.uetr))
            assert tx.next_due is not None
            self._step(tx, tx.next_due)

    def _step(self, tx: RailTransaction, at: dt.datetime) -> None:
        status = tx.current.status
        nxt = at + dt.timedelta(seconds=self.settings.step_delay)
        tx.next_due = None
        if status == "ACTC":
            verdict = self._customer_checks(tx)
            if verdict is not None:
                code, info = verdict
                held = code == "PDNG"
                tx.history.append(
                    StatusEvent(status="PDNG" if held else "RJCT", at=at, reason=None if held else code, info=info)
                )
                return
            tx.history.append(StatusEvent(status="ACCP", at=at))
            tx.next_due = nxt
        elif status == "ACCP":
            tx.history.append(StatusEvent(status="ACSP", at=at))
            tx.next_due = nxt
        elif status == "ACSP":
            self._settle(tx, at)

    def _customer_checks(self, tx: RailTransaction) -> tuple[str, str] | None:
        ct = tx.transfer
        for role, party in (("debtor", ct.debtor), ("creditor", ct.creditor)):
            acct = self.ledger.get(party.account)
            assert acct is not None
            if acct.record.status == "CLOSED":
                return "AC04", f"{role} account {party.account} is closed"
            if acct.record.status == "BLOCKED":
                return "AC06", f"{role} account {party.account} is blocked"
            if party.agent_bic[:8] in self.settings.sanctioned_bics:
                return "RR04", f"{role} agent {party.agent_bic} is barred by regulation"
        for party in (ct.debtor, ct.creditor):
            if party.agent_bic[:8] in self.settings.hold_bics:
                return "PDNG", f"compliance review of agent {party.agent_bic}"
        return self._reserve(tx)

    def _reserve(self, tx: RailTransaction) -> tuple[str, str] | None:
        ct = tx.transfer
        tx.debit = fx.convert(ct.amount, ct.currency, self.account_currency(ct.debtor.account))
        if not self.ledger.reserve(ct.debtor.account, tx.debit):
            return "AM04", f"insufficient funds on {ct.debtor.account}"
        tx.reserved = tx.debit
        return None

    def _settle(self, tx: RailTransaction, at: dt.datetime) -> None:
        ct = tx.transfer
        credit = fx.convert(ct.amount, ct.currency, self.account_currency(ct.creditor.account))
        reserved, tx.reserved = tx.reserved, Decimal(0)
        refs = {"day": ct.settlement_date, "uetr": ct.uetr, "end_to_end_id": ct.end_to_end_id}
        self.ledger.post(
            ct.debtor.account,
            amount=tx.debit,
            credit=False,
            reference=f"{ct.uetr[:8]}-D",
            remittance=ct.remittance,
            family="XBCT",
            reserved=reserved,
            **refs,  # type: ignore[arg-type]
        )
        self.ledger.post(
            ct.creditor.account,
            amount=credit,
            credit=True,
            reference=f"{ct.uetr[:8]}-C",
            remittance=ct.remittance,
            family="XBCT",
            **refs,  # type: ignore[arg-type]
        )
        tx.settled += 1
        tx.history.append(StatusEvent(status="ACSC", at=at))

    def release(self, uetr: str, *, approve: bool) -> TransactionReport | None:
        """A compliance decision on a PDNG payment: on to funds check and settlement, or RJCT RR04."""
        self.advance()
        tx = self.transactions.get(uetr)
        if tx is None or tx.current.status != "PDNG":
            return None
        now = self.clock()
        if not approve:
            tx.history.append(StatusEvent(status="RJCT", at=now, reason="RR04", info="refused by compliance review"))
        elif (verdict := self._reserve(tx)) is not None:
            tx.history.append(StatusEvent(status="RJCT", at=now, reason=verdict[0], info=verdict[1]))
        else:
            tx.history.append(StatusEvent(status="ACSP", at=now))
            tx.next_due = now + dt.timedelta(seconds=self.settings.step_delay)
        return self._report(tx, details=True)

    # -- reads ----------------------------------------------------------------------------------------------
    def visible_owner(self, owner: tuple[str, str], agency: str | None) -> bool:
        return _agency_sees(owner, agency)

    def visible(self, tx: RailTransaction, agency: str | None) -> bool:
        ct = tx.transfer
        return _agency_sees((ct.debtor.country, ct.debtor.tax_id), agency) or _agency_sees(
            (ct.creditor.country, ct.creditor.tax_id), agency
        )

    def _report(self, tx: RailTransaction, *, details: bool) -> TransactionReport:
        ct = tx.transfer
        current = tx.current
        return TransactionReport(
            uetr=ct.uetr,
            end_to_end_id=ct.end_to_end_id,
            original_msg_id=ct.msg_id,
            status=current.status,
            reason=current.reason,
            info=current.info,
            accepted_at=next((e.at for e in tx.history if e.status == "ACTC"), None),
            settlement_date=ct.settlement_date if current.status == "ACSC" else None,
            transfer=ct if details else None,
            history=tuple(tx.history) if details else (),
            returned=tx.returned,
            recall=tx.recall,
        )

    def report(self, uetr: str, *, agency: str | None = None) -> TransactionReport:
        """The current status and details of a transaction; RJCT NOOR when the rail does not know it (for you)."""
        self.advance()
        tx = self.transactions.get(uetr)
        if tx is None or not self.visible(tx, agency):
            return TransactionReport(
                uetr=uetr,
                end_to_end_id="NOTPROVIDED",
                original_msg_id="NOTPROVIDED",
                status="RJCT",
                reason="NOOR",
                info="no original transaction with this UETR",
            )
        return self._report(tx, details=True)

    def search(
        self, *, parties: Iterable[tuple[str, str]] = (), status: str | None = None, agency: str | None = None
    ) -> dict[tuple[str, str], list[str]]:
        """UETRs per party (debtor or creditor), oldest first; an empty ``parties`` means every transaction."""
        self.advance()
        wanted = list(parties)
        out: dict[tuple[str, str], list[str]] = {p: [] for p in wanted}
        everyone: list[str] = []
        for uetr, tx in sorted(self.transactions.items(), key=lambda kv: (kv[1].history[0].at, kv[0])):
            if not self.visible(tx, agency) or (status is not None and tx.current.status != status):
                continue
            ct = tx.transfer
            everyone.append(uetr)
            for party in {(ct.debtor.country, ct.debtor.tax_id), (ct.creditor.country, ct.creditor.tax_id)}:
                if party in out:
                    out[party].append(uetr)
        return out if wanted else {("", ""): everyone}

    def settlement_counts(self) -> dict[str, int]:
        """How many times each UETR was settled (the exactly-once evidence)."""
        self.advance()
        return {uetr: tx.settled for uetr, tx in self.transactions.items()}
