"""pacs.004.001.09 PaymentReturn: the funds of a recalled, settled payment sent back to the debtor."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pyiso20022.pacs.pacs_004_001_09 import pacs_004_001_09 as p4
from xsdata.models.datatype import XmlDate

from adapters.payments.messages.envelope import InvalidMessage, xml_datetime
from adapters.payments.model import ReturnRecord

__all__ = ["MSG_DEF", "build", "read"]

MSG_DEF = "pacs.004.001.09"


def build(ret: ReturnRecord, *, msg_id: str, original_msg_id: str) -> Any:
    amount = p4.ActiveCurrencyAndAmount(value=ret.amount, ccy=ret.currency)
    return p4.Document(
        pmt_rtr=p4.PaymentReturnV09(
            grp_hdr=p4.GroupHeader90(
                msg_id=msg_id,
                cre_dt_tm=xml_datetime(ret.returned_at),
                nb_of_txs="1",
                sttlm_inf=p4.SettlementInstruction7(
                    sttlm_mtd=p4.SettlementMethod1Code.CLRG,
                    clr_sys=p4.ClearingSystemIdentification3Choice(prtry="SILKRAIL"),
                ),
            ),
            tx_inf=[
                p4.PaymentTransaction112(
                    rtr_id=ret.return_id,
                    orgnl_grp_inf=p4.OriginalGroupInformation29(
                        orgnl_msg_id=original_msg_id, orgnl_msg_nm_id="pacs.008.001.08"
                    ),
                    orgnl_end_to_end_id=ret.end_to_end_id,
                    orgnl_uetr=ret.uetr,
                    orgnl_intr_bk_sttlm_amt=p4.ActiveOrHistoricCurrencyAndAmount(value=ret.amount, ccy=ret.currency),
                    rtrd_intr_bk_sttlm_amt=amount,
                    intr_bk_sttlm_dt=XmlDate.from_date(ret.settlement_date),
                    rtr_rsn_inf=[p4.PaymentReturnReason6(rsn=p4.ReturnReason5Choice(cd=ret.reason))],
                )
            ],
        )
    )


def read(document: Any) -> list[ReturnRecord]:
    msg = document.pmt_rtr
    out = []
    for tx in msg.tx_inf:
        if not tx.orgnl_uetr or not tx.rtr_id:
            raise InvalidMessage("pacs.004 TxInf must carry RtrId and OrgnlUETR on this rail")
        reason = next((r.rsn.cd or r.rsn.prtry for r in tx.rtr_rsn_inf if r.rsn), "NARR")
        out.append(
            ReturnRecord(
                return_id=str(tx.rtr_id),
                uetr=str(tx.orgnl_uetr),
                end_to_end_id=str(tx.orgnl_end_to_end_id or ""),
                amount=tx.rtrd_intr_bk_sttlm_amt.value,
                currency=str(tx.rtrd_intr_bk_sttlm_amt.ccy),
                reason=str(reason),
                returned_at=msg.grp_hdr.cre_dt_tm.to_datetime(),
                settlement_date=tx.intr_bk_sttlm_dt.to_date() if tx.intr_bk_sttlm_dt else dt.date.today(),
            )
        )
    return out
