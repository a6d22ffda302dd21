"""camt.056.001.08 FIToFIPaymentCancellationRequest: the recall of a payment."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from pyiso20022.camt.camt_056_001_08 import camt_056_001_08 as c56

from adapters.payments.messages.envelope import InvalidMessage, xml_datetime

__all__ = ["MSG_DEF", "RecallRequest", "build", "read"]

MSG_DEF = "camt.056.001.08"


@dataclasses.dataclass(frozen=True, kw_only=True)
class RecallRequest:
    case_id: str
    assigner_bic: str
    assignee_bic: str
    created: dt.datetime
    uetr: str
    reason: str
    info: str | None = None


def _agent(bic: str) -> Any:
    return c56.Party40Choice(
        agt=c56.BranchAndFinancialInstitutionIdentification6(
            fin_instn_id=c56.FinancialInstitutionIdentification18(bicfi=bic)
        )
    )


def build(req: RecallRequest) -> Any:
    return c56.Document(
        fito_fipmt_cxl_req=c56.FitoFipaymentCancellationRequestV08(
            assgnmt=c56.CaseAssignment5(
                id=req.case_id,
                assgnr=_agent(req.assigner_bic),
                assgne=_agent(req.assignee_bic),
                cre_dt_tm=xml_datetime(req.created),
            ),
            case=c56.Case5(id=req.case_id, cretr=_agent(req.assigner_bic)),
            undrlyg=[
                c56.UnderlyingTransaction23(
                    tx_inf=[
                        c56.PaymentTransaction106(
                            cxl_id=req.case_id,
                            orgnl_uetr=req.uetr,
                            cxl_rsn_inf=[
                                c56.PaymentCancellationReason5(
                                    rsn=c56.CancellationReason33Choice(cd=req.reason),
                                    addtl_inf=[req.info[:105]] if req.info else [],
                                )
                            ],
                        )
                    ]
                )
            ],
        )
    )


def read(document: Any) -> RecallRequest:
    msg = document.fito_fipmt_cxl_req
    txs = [tx for u in msg.undrlyg for tx in u.tx_inf]
    if len(txs) != 1 or not txs[0].orgnl_uetr:
        raise InvalidMessage("a camt.056 on this rail recalls exactly one transaction named by OrgnlUETR")
    tx = txs[0]
    reasons = [r.rsn.cd or r.rsn.prtry for r in tx.cxl_rsn_inf if r.rsn]
    if not reasons:
        raise InvalidMessage("CxlRsnInf/Rsn is required")
    assigner = msg.assgnmt.assgnr.agt
    assignee = msg.assgnmt.assgne.agt
    if assigner is None or assignee is None:
        raise InvalidMessage("Assgnmt Assgnr and Assgne must be agents (BICFI)")
    return RecallRequest(
        case_id=str(msg.assgnmt.id),
        assigner_bic=str(assigner.fin_instn_id.bicfi),
        assignee_bic=str(assignee.fin_instn_id.bicfi),
        created=msg.assgnmt.cre_dt_tm.to_datetime(),
        uetr=str(tx.orgnl_uetr),
        reason=str(reasons[0]),
        info=" ".join(a for r in tx.cxl_rsn_inf for a in r.addtl_inf) or None,
    )
