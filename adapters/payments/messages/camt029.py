"""camt.029.001.14 ResolutionOfInvestigation: the answer to a camt.056 recall, built and read with the official XSD.

The case status ``Sts/Conf`` is an ExternalInvestigationExecutionConfirmation1Code: CNCL (cancelled as per
request), RJCR (cancellation rejected) or PDCR (pending). The transaction's ``TxCxlSts`` says the same in the
CancellationIndividualStatus1Code the rest of the rail speaks (ACCR, RJCR, PDCR), with the rejection reason in
``CxlStsRsnInf`` (an ExternalPaymentCancellationRejection1Code such as ARDT or NOOR, and free text). On
acceptance ``CxlStsId`` is the identification of the pacs.004 return.
"""

from __future__ import annotations

from typing import Any

from adapters.payments.messages.envelope import InvalidMessage, read_datetime, xml_datetime
from adapters.payments.messages.official import agent, read_reason_information, reason_information
from adapters.payments.model import RecallOutcome

__all__ = ["MSG_DEF", "build", "read"]

MSG_DEF = "camt.029.001.14"

#: TxCxlSts (CancellationIndividualStatus1Code) -> Sts/Conf (ExternalInvestigationExecutionConfirmation1Code)
_CONFIRMATION = {"ACCR": "CNCL", "RJCR": "RJCR", "PDCR": "PDCR"}
_STATUS = {conf: status for status, conf in _CONFIRMATION.items()}


def build(outcome: RecallOutcome, *, assignment_id: str, assigner_bic: str, assignee_bic: str) -> dict[str, Any]:
    tx: dict[str, Any] = {
        "CxlStsId": (outcome.return_id or outcome.case_id)[:35],
        "OrgnlUETR": outcome.uetr,
        "TxCxlSts": outcome.status,
    }
    if outcome.rejection_reason:
        tx["CxlStsRsnInf"] = [reason_information(outcome.rejection_reason, outcome.info)]
    return {
        "RsltnOfInvstgtn": {
            "Assgnmt": {
                "Id": assignment_id,
                "Assgnr": agent(assigner_bic),
                "Assgne": agent(assignee_bic),
                "CreDtTm": str(xml_datetime(outcome.at)),
            },
            "RslvdCase": {"Id": outcome.case_id, "Cretr": agent(assignee_bic)},
            "Sts": {"Conf": _CONFIRMATION[outcome.status]},
            "CxlDtls": [{"TxInfAndSts": [tx]}],
        }
    }


def read(document: dict[str, Any], *, requested_reason: str) -> RecallOutcome:
    """The outcome a schema-valid camt.029.001.14 reports; :class:`InvalidMessage` if it answers no recall."""
    msg = document["RsltnOfInvstgtn"]
    txs = [tx for d in msg.get("CxlDtls", []) for tx in d.get("TxInfAndSts", [])]
    if not txs or not txs[0].get("OrgnlUETR"):
        raise InvalidMessage("camt.029 must report the recalled transaction (CxlDtls/TxInfAndSts/OrgnlUETR)")
    tx = txs[0]
    status = tx.get("TxCxlSts") or _STATUS.get(msg["Sts"].get("Conf", ""))
    if status is None:
        raise InvalidMessage("camt.029 answers no cancellation: TxCxlSts or Sts/Conf CNCL, RJCR or PDCR required")
    reason, info = read_reason_information(tx.get("CxlStsRsnInf", []))
    assignment = msg["Assgnmt"]
    return RecallOutcome(
        case_id=str(msg.get("RslvdCase", assignment)["Id"]),
        uetr=str(tx["OrgnlUETR"]),
        status=str(status),
        requested_reason=requested_reason,
        at=read_datetime(assignment["CreDtTm"], "Assgnmt/CreDtTm"),
        rejection_reason=reason,
        info=info,
        return_id=tx.get("CxlStsId") if status == "ACCR" else None,
    )
