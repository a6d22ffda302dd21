"""camt.056.001.12 FIToFIPaymentCancellationRequest: the recall of a payment, built and read with the official XSD.

One recall names one transaction by ``OrgnlUETR``, with the reason (``CxlRsnInf/Rsn/Cd``, an
ExternalCancellationReason1Code such as FRAD or DUPL) and the originator's free text (``AddtlInf``, lines of at
most 105 characters). The case assignment goes from the participant (assigner) to the rail (assignee), both by
BICFI; the case is created by the assigner under the same identification.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from adapters.payments.messages.envelope import InvalidMessage, read_datetime, xml_datetime
from adapters.payments.messages.official import agent, read_reason_information, reason_information

__all__ = ["MSG_DEF", "RecallRequest", "build", "read"]

MSG_DEF = "camt.056.001.12"


@dataclasses.dataclass(frozen=True, kw_only=True)
class RecallRequest:
    case_id: str
    assigner_bic: str
    assignee_bic: str
    created: dt.datetime
    uetr: str
    reason: str
    info: str | None = None


def build(req: RecallRequest) -> dict[str, Any]:
    return {
        "FIToFIPmtCxlReq": {
            "Assgnmt": {
                "Id": req.case_id,
                "Assgnr": agent(req.assigner_bic),
                "Assgne": agent(req.assignee_bic),
                "CreDtTm": str(xml_datetime(req.created)),
            },
            "Case": {"Id": req.case_id, "Cretr": agent(req.assigner_bic)},
            "Undrlyg": [
                {
                    "TxInf": [
                        {
                            "CxlId": req.case_id,
                            "OrgnlUETR": req.uetr,
                            "CxlRsnInf": [reason_information(req.reason, req.info)],
                        }
                    ]
                }
            ],
        }
    }


def _agent_bic(party: dict[str, Any], what: str) -> str:
    bic = party.get("Agt", {}).get("FinInstnId", {}).get("BICFI")
    if not bic:
        raise InvalidMessage(f"{what} must be an agent identified by BICFI")
    return str(bic)


def read(document: dict[str, Any]) -> RecallRequest:
    """The recall a schema-valid camt.056.001.12 asks for; :class:`InvalidMessage` if it is not one this rail takes."""
    msg = document["FIToFIPmtCxlReq"]
    txs = [tx for u in msg["Undrlyg"] for tx in u.get("TxInf", [])]
    if len(txs) != 1 or not txs[0].get("OrgnlUETR"):
        raise InvalidMessage("a camt.056 on this rail recalls exactly one transaction named by OrgnlUETR")
    tx = txs[0]
    reason, info = read_reason_information(tx.get("CxlRsnInf", []))
    if reason is None:
        raise InvalidMessage("CxlRsnInf/Rsn is required")
    assignment = msg["Assgnmt"]
    return RecallRequest(
        case_id=str(assignment["Id"]),
        assigner_bic=_agent_bic(assignment["Assgnr"], "Assgnmt/Assgnr"),
        assignee_bic=_agent_bic(assignment["Assgne"], "Assgnmt/Assgne"),
        created=read_datetime(assignment["CreDtTm"], "Assgnmt/CreDtTm"),
        uetr=str(tx["OrgnlUETR"]),
        reason=reason,
        info=info,
    )
