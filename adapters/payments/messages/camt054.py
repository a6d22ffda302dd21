"""camt.054.001.08 BankToCustomerDebitCreditNotification: one booked entry, pushed to the account's owner."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pyiso20022.camt.camt_054_001_08 import camt_054_001_08 as c54

from adapters.payments.messages.camt053 import account, entry, read_entry
from adapters.payments.messages.envelope import InvalidMessage, xml_datetime
from adapters.payments.model import StatementEntry

__all__ = ["MSG_DEF", "build", "read"]

MSG_DEF = "camt.054.001.08"


def build(number: str, currency: str, booked: StatementEntry, *, msg_id: str, created: dt.datetime) -> Any:
    return c54.Document(
        bk_to_cstmr_dbt_cdt_ntfctn=c54.BankToCustomerDebitCreditNotificationV08(
            grp_hdr=c54.GroupHeader81(msg_id=msg_id, cre_dt_tm=xml_datetime(created)),
            ntfctn=[
                c54.AccountNotification17(
                    id=msg_id,
                    cre_dt_tm=xml_datetime(created),
                    acct=account(number, currency, c54),
                    ntry=[entry(booked, c54)],
                )
            ],
        )
    )


def read(document: Any) -> tuple[str, list[StatementEntry]]:
    """The account number and the entries a notification reports."""
    notes = document.bk_to_cstmr_dbt_cdt_ntfctn.ntfctn
    if len(notes) != 1:
        raise InvalidMessage("expected exactly one Ntfctn in the camt.054")
    acct = notes[0].acct.id
    return str(acct.iban or acct.othr.id), [read_entry(n) for n in notes[0].ntry]
