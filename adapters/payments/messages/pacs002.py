"""pacs.002.001.10 FIToFIPaymentStatusReport: the rail's answer to a pacs.008 and to a pacs.028 inquiry.

A reject of the whole message (bad XML, schema violation, duplicate MsgId) is a group status ``RJCT`` with its
reason; a transaction's status is a ``TxInfAndSts``. Inquiry answers also carry the original transaction
(``OrgnlTxRef``) and the rail's supplementary data (:mod:`.supplementary`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pyiso20022.pacs.pacs_002_001_10 import pacs_002_001_10 as p2
from xsdata.models.datatype import XmlDate

from adapters.payments.messages import supplementary
from adapters.payments.messages.envelope import InvalidMessage, xml_datetime
from adapters.payments.messages.pacs008 import read_party
from adapters.payments.messages.parties import party_identification
from adapters.payments.messages.text import info_lines, info_text
from adapters.payments.model import CreditTransfer, Party, TransactionReport

__all__ = ["MSG_DEF", "build", "build_group_reject", "read"]

MSG_DEF = "pacs.002.001.10"


def _agent(bic: str) -> Any:
    return p2.BranchAndFinancialInstitutionIdentification6(
        fin_instn_id=p2.FinancialInstitutionIdentification18(bicfi=bic)
    )


def _reason(code: str | None, info: str | None) -> list[Any]:
    if code is None:
        return []
    return [p2.StatusReasonInformation12(rsn=p2.StatusReason6Choice(cd=code), addtl_inf=info_lines(info))]


def _party(party: Party) -> Any:
    return p2.Party40Choice(pty=party_identification(p2, party))


def _account(number: str) -> Any:
    if number[:2].isalpha():
        return p2.CashAccount38(id=p2.AccountIdentification4Choice(iban=number))
    return p2.CashAccount38(id=p2.AccountIdentification4Choice(othr=p2.GenericAccountIdentification1(id=number)))


def _tx_ref(ct: CreditTransfer) -> Any:
    return p2.OriginalTransactionReference28(
        intr_bk_sttlm_amt=p2.ActiveOrHistoricCurrencyAndAmount(value=ct.amount, ccy=ct.currency),
        intr_bk_sttlm_dt=XmlDate.from_date(ct.settlement_date),
        rmt_inf=p2.RemittanceInformation16(ustrd=[ct.remittance[:140]]) if ct.remittance else None,
        dbtr=_party(ct.debtor),
        dbtr_acct=_account(ct.debtor.account),
        dbtr_agt=_agent(ct.debtor.agent_bic),
        cdtr_agt=_agent(ct.creditor.agent_bic),
        cdtr=_party(ct.creditor),
        cdtr_acct=_account(ct.creditor.account),
    )


def _tx(report: TransactionReport, status_id: str, *, details: bool) -> Any:
    ct = report.transfer
    suppl = []
    if details and ct is not None:
        data = supplementary.RailTxData(
            charge_bearer=ct.charge_bearer, history=report.history, returned=report.returned, recall=report.recall
        )
        suppl = [p2.SupplementaryData1(envlp=p2.SupplementaryDataEnvelope1(any_element=supplementary.encode(data)))]
    return p2.PaymentTransaction110(
        sts_id=status_id,
        orgnl_grp_inf=p2.OriginalGroupInformation29(
            orgnl_msg_id=report.original_msg_id, orgnl_msg_nm_id="pacs.008.001.08"
        ),
        orgnl_end_to_end_id=report.end_to_end_id,
        orgnl_uetr=report.uetr,
        tx_sts=report.status,
        sts_rsn_inf=_reason(report.reason, report.info),
        accptnc_dt_tm=xml_datetime(report.accepted_at) if report.accepted_at else None,
        fctv_intr_bk_sttlm_dt=(
            p2.DateAndDateTime2Choice(dt=XmlDate.from_date(report.settlement_date)) if report.settlement_date else None
        ),
        orgnl_tx_ref=_tx_ref(ct) if details and ct is not None else None,
        splmtry_data=suppl,
    )


def build(
    reports: list[TransactionReport],
    *,
    msg_id: str,
    created: dt.datetime,
    original_msg_id: str,
    original_msg_def: str,
    details: bool = False,
) -> Any:
    """A status report: one ``TxInfAndSts`` per report (with details and history for inquiries)."""
    return p2.Document(
        fito_fipmt_sts_rpt=p2.FitoFipaymentStatusReportV10(
            grp_hdr=p2.GroupHeader91(msg_id=msg_id, cre_dt_tm=xml_datetime(created)),
            orgnl_grp_inf_and_sts=[
                p2.OriginalGroupHeader17(orgnl_msg_id=original_msg_id[:35], orgnl_msg_nm_id=original_msg_def)
            ],
            tx_inf_and_sts=[_tx(r, f"{msg_id}-{i}"[:35], details=details) for i, r in enumerate(reports, 1)],
        )
    )


def build_group_reject(
    *, msg_id: str, created: dt.datetime, original_msg_id: str, original_msg_def: str, reason: str, info: str
) -> Any:
    """A reject of a whole message (``GrpSts`` RJCT), e.g. FF01 for a malformed or schema-invalid document."""
    return p2.Document(
        fito_fipmt_sts_rpt=p2.FitoFipaymentStatusReportV10(
            grp_hdr=p2.GroupHeader91(msg_id=msg_id, cre_dt_tm=xml_datetime(created)),
            orgnl_grp_inf_and_sts=[
                p2.OriginalGroupHeader17(
                    orgnl_msg_id=original_msg_id[:35] or "NOTPROVIDED",
                    orgnl_msg_nm_id=original_msg_def[:35] or "UNKNOWN",
                    grp_sts="RJCT",
                    sts_rsn_inf=_reason(reason, info),
                )
            ],
        )
    )


def _first_reason(infos: list[Any]) -> tuple[str | None, str | None]:
    for info in infos:
        code = info.rsn.cd or info.rsn.prtry if info.rsn else None
        return code, info_text(info.addtl_inf)
    return None, None


def _read_tx(tx: Any, group_msg_id: str) -> TransactionReport:
    reason, info = _first_reason(tx.sts_rsn_inf)
    uetr = tx.orgnl_uetr
    e2e = tx.orgnl_end_to_end_id
    msg_id = tx.orgnl_grp_inf.orgnl_msg_id if tx.orgnl_grp_inf else group_msg_id
    settlement = (
        tx.fctv_intr_bk_sttlm_dt.dt.to_date() if tx.fctv_intr_bk_sttlm_dt and tx.fctv_intr_bk_sttlm_dt.dt else None
    )
    data = supplementary.RailTxData()
    if tx.splmtry_data and uetr:
        data = supplementary.decode(tx.splmtry_data[0].envlp.any_element, uetr=uetr, end_to_end_id=e2e or "")
    transfer = None
    ref = tx.orgnl_tx_ref
    if ref is not None and ref.intr_bk_sttlm_amt is not None and uetr and ref.dbtr and ref.cdtr:
        transfer = CreditTransfer(
            msg_id=msg_id,
            created=tx.accptnc_dt_tm.to_datetime() if tx.accptnc_dt_tm else dt.datetime.now(dt.UTC),
            instructing_bic=ref.dbtr_agt.fin_instn_id.bicfi if ref.dbtr_agt else "",
            instructed_bic=ref.cdtr_agt.fin_instn_id.bicfi if ref.cdtr_agt else "",
            uetr=uetr,
            end_to_end_id=e2e or "",
            instruction_id=e2e or "",
            amount=ref.intr_bk_sttlm_amt.value,
            currency=ref.intr_bk_sttlm_amt.ccy,
            charge_bearer=data.charge_bearer or "SHAR",
            settlement_date=ref.intr_bk_sttlm_dt.to_date() if ref.intr_bk_sttlm_dt else settlement or dt.date.today(),
            debtor=read_party(ref.dbtr.pty, ref.dbtr_acct, ref.dbtr_agt, "Dbtr"),
            creditor=read_party(ref.cdtr.pty, ref.cdtr_acct, ref.cdtr_agt, "Cdtr"),
            remittance=" ".join(ref.rmt_inf.ustrd) if ref.rmt_inf and ref.rmt_inf.ustrd else None,
        )
    return TransactionReport(
        uetr=uetr,
        end_to_end_id=e2e,
        original_msg_id=msg_id,
        status=str(tx.tx_sts or "RCVD"),
        reason=reason,
        info=info,
        accepted_at=tx.accptnc_dt_tm.to_datetime() if tx.accptnc_dt_tm else None,
        settlement_date=settlement,
        transfer=transfer,
        history=data.history,
        returned=data.returned,
        recall=data.recall,
    )


def read(document: Any) -> list[TransactionReport]:
    """Every transaction status in a pacs.002; a group reject becomes one report without a UETR."""
    rpt = document.fito_fipmt_sts_rpt
    group = rpt.orgnl_grp_inf_and_sts[0] if rpt.orgnl_grp_inf_and_sts else None
    group_msg_id = group.orgnl_msg_id if group else ""
    try:
        reports = [_read_tx(tx, group_msg_id) for tx in rpt.tx_inf_and_sts]
    except (KeyError, ValueError, AttributeError) as exc:
        raise InvalidMessage(f"pacs.002 transaction report cannot be read: {exc}") from None
    if not reports and group is not None and group.grp_sts:
        reason, info = _first_reason(group.sts_rsn_inf)
        reports = [
            TransactionReport(
                uetr=None,
                end_to_end_id=None,
                original_msg_id=group_msg_id,
                status=group.grp_sts,
                reason=reason,
                info=info,
            )
        ]
    return reports
