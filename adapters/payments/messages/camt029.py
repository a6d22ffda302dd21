"""camt.029.001.09 ResolutionOfInvestigation: the answer to a camt.056 recall (ACCR or RJCR with a reason)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pyiso20022.camt.camt_029_001_09 import camt_029_001_09 as c29

from adapters.payments.messages.envelope import InvalidMessage, xml_datetime
from adapters.payments.model import RecallOutcome

__all__ = ["MSG_DEF", "build", "read"]

MSG_DEF = "camt.029.001.09"


def _agent(bic: str) -> Any:
    return c29.Party40Choice(
        agt=c29.BranchAndFinancialInstitutionIdentification6(
            fin_instn_id=c29.FinancialInstitutionIdentification18(bicfi=bic)
        )
    )


def build(outcome: RecallOutcome, *, assignment_id: str, assigner_bic: str, assignee_bic: str) -> Any:
    reasons = []
    if outcome.rejection_reason:
        reasons = [
            c29.CancellationStatusReason4(
                rsn=c29.CancellationStatusReason3Choice(cd=outcome.rejection_reason),
                addtl_inf=[outcome.info[:105]] if outcome.info else [],
            )
        ]
    return c29.Document(
        rsltn_of_invstgtn=c29.ResolutionOfInvestigationV09(
            assgnmt=c29.CaseAssignment5(
                id=assignment_id,
                assgnr=_agent(assigner_bic),
                assgne=_agent(assignee_bic),
                cre_dt_tm=xml_datetime(outcome.at),
            ),
            rslvd_case=c29.Case5(id=outcome.case_id, cretr=_agent(assignee_bic)),
            sts=c29.InvestigationStatus5Choice(conf=outcome.status),
            cxl_dtls=[
                c29.UnderlyingTransaction22(
                    tx_inf_and_sts=[
                        c29.PaymentTransaction102(
                            cxl_sts_id=(outcome.return_id or outcome.case_id)[:35],
                            orgnl_uetr=outcome.uetr,
                            tx_cxl_sts=c29.CancellationIndividualStatus1Code(outcome.status),
                            cxl_sts_rsn_inf=reasons,
                        )
                    ]
                )
            ],
        )
    )


def read(document: Any, *, requested_reason: str) -> RecallOutcome:
    msg = document.rsltn_of_invstgtn
    txs = [tx for d in msg.cxl_dtls for tx in d.tx_inf_and_sts]
    if not txs or not txs[0].orgnl_uetr:
        raise InvalidMessage("camt.029 must report the recalled transaction (CxlDtls/TxInfAndSts/OrgnlUETR)")
    tx = txs[0]
    status = msg.sts.conf or (tx.tx_cxl_sts.value if tx.tx_cxl_sts else None)
    if status is None:
        raise InvalidMessage("camt.029 Sts/Conf is missing")
    reason = next((r.rsn.cd or r.rsn.prtry for r in tx.cxl_sts_rsn_inf if r.rsn), None)
    info = " ".join(a for r in tx.cxl_sts_rsn_inf for a in r.addtl_inf) or None
    return RecallOutcome(
        case_id=str(msg.rslvd_case.id if msg.rslvd_case else msg.assgnmt.id),
        uetr=str(tx.orgnl_uetr),
        status=str(status),
        requested_reason=requested_reason,
        at=msg.assgnmt.cre_dt_tm.to_datetime() if msg.assgnmt.cre_dt_tm else dt.datetime.now(dt.UTC),
        rejection_reason=reason,
        info=info,
        return_id=tx.cxl_sts_id if status == "ACCR" else None,
    )
