"""camt.056 recalls on the rail: a settled, unreturned payment is returned (pacs.004) and the recall accepted.

Otherwise the camt.029 answer is RJCR with a reason: NOOR (no such payment, or not yours), ARDT (already
returned), NARR (not settled: only settled payments are recalled; the detail names the status).
"""

from __future__ import annotations

from adapters.payments import fx
from adapters.payments.model import RecallOutcome, ReturnRecord
from adapters.payments.rail import Rail

__all__ = ["recall"]


def recall(rail: Rail, *, uetr: str, case_id: str, reason: str, agency: str | None = None) -> RecallOutcome:
    """camt.056: a settled, unreturned payment is returned (pacs.004) and the recall accepted; else RJCR."""
    rail.advance()
    now = rail.clock()
    tx = rail.transactions.get(uetr)

    def reject(code: str, info: str) -> RecallOutcome:
        outcome = RecallOutcome(
            case_id=case_id,
            uetr=uetr,
            status="RJCR",
            requested_reason=reason,
            at=now,
            rejection_reason=code,
            info=info,
        )
        if tx is not None and tx.returned is None:
            tx.recall = outcome
        return outcome

    if tx is None or not rail.visible(tx, agency):
        return reject("NOOR", "no original transaction with this UETR")
    if tx.returned is not None:
        return reject("ARDT", f"already returned by {tx.returned.return_id}")
    if tx.current.status != "ACSC":
        return reject(
            "NARR", f"payment is not settled (status {tx.current.status}); only settled payments are recalled"
        )
    ct = tx.transfer
    ret = ReturnRecord(
        return_id=f"RTR{now:%Y%m%d}{len(rail.returns) + 1:06d}",
        uetr=uetr,
        end_to_end_id=ct.end_to_end_id,
        amount=ct.amount,
        currency=ct.currency,
        reason=reason,
        returned_at=now,
        settlement_date=now.date(),
    )
    credit = fx.convert(ct.amount, ct.currency, rail.account_currency(ct.creditor.account))
    note = f"Return of {ct.end_to_end_id} ({reason})"
    rail.ledger.post(
        ct.creditor.account,
        amount=credit,
        credit=False,
        reference=ret.return_id,
        day=now.date(),
        uetr=uetr,
        end_to_end_id=ct.end_to_end_id,
        remittance=note,
        family="RRTN",
    )
    rail.ledger.post(
        ct.debtor.account,
        amount=tx.debit,
        credit=True,
        reference=ret.return_id,
        day=now.date(),
        uetr=uetr,
        end_to_end_id=ct.end_to_end_id,
        remittance=note,
        family="RRTN",
    )
    rail.returns.append(ret)
    tx.returned = ret
    tx.recall = RecallOutcome(
        case_id=case_id, uetr=uetr, status="ACCR", requested_reason=reason, at=now, return_id=ret.return_id
    )
    return tx.recall
