"""camt.053.001.08 BankToCustomerStatement: an account's end-of-day statement (opening/closing balance, entries)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pyiso20022.camt.camt_053_001_08 import camt_053_001_08 as c53
from xsdata.models.datatype import XmlDate

from adapters.payments.messages.envelope import InvalidMessage, xml_datetime
from adapters.payments.model import StatementEntry, StatementRecord

__all__ = ["MSG_DEF", "account", "build", "entry", "read", "read_entry"]

MSG_DEF = "camt.053.001.08"


def _amount(value: Decimal, ccy: str, m: Any = c53) -> Any:
    return m.ActiveOrHistoricCurrencyAndAmount(value=abs(value), ccy=ccy)


def _balance(code: str, value: Decimal, ccy: str, day: dt.date) -> Any:
    return c53.CashBalance8(
        tp=c53.BalanceType13(cd_or_prtry=c53.BalanceType10Choice(cd=code)),
        amt=_amount(value, ccy),
        cdt_dbt_ind=c53.CreditDebitCode.CRDT if value >= 0 else c53.CreditDebitCode.DBIT,
        dt=c53.DateAndDateTime2Choice(dt=XmlDate.from_date(day)),
    )


def entry(e: StatementEntry, m: Any = c53) -> Any:
    """A ``ReportEntry10`` in the binding module ``m`` (camt.053 and camt.054 share the structure)."""
    code = m.BankTransactionCodeStructure4(
        domn=m.BankTransactionCodeStructure5(
            cd="PMNT",
            fmly=m.BankTransactionCodeStructure6(cd="RCDT" if e.credit else "ICDT", sub_fmly_cd=e.family),
        )
    )
    return m.ReportEntry10(
        ntry_ref=e.reference[:35],
        amt=_amount(e.amount, e.currency, m),
        cdt_dbt_ind=m.CreditDebitCode.CRDT if e.credit else m.CreditDebitCode.DBIT,
        sts=m.EntryStatus1Choice(cd=e.status),
        bookg_dt=m.DateAndDateTime2Choice(dt=XmlDate.from_date(e.booking_date)),
        val_dt=m.DateAndDateTime2Choice(dt=XmlDate.from_date(e.value_date)),
        acct_svcr_ref=e.reference[:35],
        bk_tx_cd=code,
        ntry_dtls=[
            m.EntryDetails9(
                tx_dtls=[
                    m.EntryTransaction10(
                        refs=m.TransactionReferences6(end_to_end_id=e.end_to_end_id, uetr=e.uetr),
                        rmt_inf=m.RemittanceInformation16(ustrd=[e.remittance[:140]]) if e.remittance else None,
                    )
                ]
            )
        ],
    )


def account(number: str, currency: str, m: Any = c53) -> Any:
    ident = (
        m.AccountIdentification4Choice(iban=number)
        if number[:2].isalpha()
        else m.AccountIdentification4Choice(othr=m.GenericAccountIdentification1(id=number))
    )
    return m.CashAccount39(id=ident, ccy=currency)


def build(stmt: StatementRecord, *, msg_id: str, created: dt.datetime) -> Any:
    return c53.Document(
        bk_to_cstmr_stmt=c53.BankToCustomerStatementV08(
            grp_hdr=c53.GroupHeader81(msg_id=msg_id, cre_dt_tm=xml_datetime(created)),
            stmt=[
                c53.AccountStatement9(
                    id=stmt.statement_id[:35],
                    cre_dt_tm=xml_datetime(created),
                    acct=account(stmt.account, stmt.currency),
                    bal=[
                        _balance("OPBD", stmt.opening_balance, stmt.currency, stmt.date),
                        _balance("CLBD", stmt.closing_balance, stmt.currency, stmt.date),
                    ],
                    ntry=[entry(e) for e in stmt.entries],
                )
            ],
        )
    )


def _signed(bal: Any) -> Decimal:
    value: Decimal = bal.amt.value
    return value if bal.cdt_dbt_ind == c53.CreditDebitCode.CRDT else -value


def read_entry(n: Any) -> StatementEntry:
    tx = n.ntry_dtls[0].tx_dtls[0] if n.ntry_dtls and n.ntry_dtls[0].tx_dtls else None
    refs = tx.refs if tx is not None else None
    return StatementEntry(
        reference=str(n.acct_svcr_ref or n.ntry_ref or ""),
        amount=n.amt.value,
        currency=str(n.amt.ccy),
        credit=n.cdt_dbt_ind.value == "CRDT",
        status=str(n.sts.cd or n.sts.prtry),
        booking_date=n.bookg_dt.dt.to_date(),
        value_date=n.val_dt.dt.to_date(),
        uetr=refs.uetr if refs else None,
        end_to_end_id=refs.end_to_end_id if refs else None,
        remittance=" ".join(tx.rmt_inf.ustrd) if tx is not None and tx.rmt_inf else None,
        family=str(n.bk_tx_cd.domn.fmly.sub_fmly_cd) if n.bk_tx_cd.domn else "",
    )


def read(document: Any) -> StatementRecord:
    stmts = document.bk_to_cstmr_stmt.stmt
    if len(stmts) != 1:
        raise InvalidMessage("expected exactly one Stmt in the camt.053")
    s = stmts[0]
    balances = {b.tp.cd_or_prtry.cd: b for b in s.bal}
    if "OPBD" not in balances or "CLBD" not in balances:
        raise InvalidMessage("camt.053 must report OPBD and CLBD balances")
    entries = [read_entry(n) for n in s.ntry]
    number = s.acct.id.iban or s.acct.id.othr.id
    return StatementRecord(
        statement_id=str(s.id),
        account=str(number),
        currency=str(s.acct.ccy or balances["OPBD"].amt.ccy),
        date=balances["CLBD"].dt.dt.to_date(),
        opening_balance=_signed(balances["OPBD"]),
        closing_balance=_signed(balances["CLBD"]),
        entries=tuple(entries),
    )
