"""The rail's supplementary data on pacs.002 transaction reports (``SplmtryData/Envlp``).

ISO 20022 leaves ``SplmtryData`` for what a community needs beyond the message; this rail uses it to report a
transaction's charge bearer, status history, return and recall along with its current status::

    <RailTx xmlns="urn:silkgraph:payments-rail:tx:1">
      <ChrgBr>SHAR</ChrgBr>
      <Sts Cd="ACTC" DtTm="2026-11-18T09:00:00Z"/> <Sts Cd="RJCT" Rsn="AM04" DtTm="..." AddtlInf="..."/>
      <Rtr RtrId="..." Amt="86000.00" Ccy="CNY" Rsn="FRAD" DtTm="..." SttlmDt="2026-11-19"/>
      <Rcll CaseId="..." Sts="ACCR" Rsn="FRAD" RjctRsn="..." DtTm="..." RtrId="..."/>
    </RailTx>
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from xsdata.formats.dataclass.models.generics import AnyElement

from adapters.payments.model import RecallOutcome, ReturnRecord, StatusEvent

__all__ = ["SUPPLEMENTARY_NS", "RailTxData", "decode", "encode"]

SUPPLEMENTARY_NS = "urn:silkgraph:payments-rail:tx:1"


def _q(name: str) -> str:
    return f"{{{SUPPLEMENTARY_NS}}}{name}"


@dataclasses.dataclass(frozen=True, kw_only=True)
class RailTxData:
    charge_bearer: str | None = None
    history: tuple[StatusEvent, ...] = ()
    returned: ReturnRecord | None = None
    recall: RecallOutcome | None = None


def _attrs(**values: str | None) -> dict[str, str]:
    return {k: v for k, v in values.items() if v is not None}


def encode(data: RailTxData) -> AnyElement:
    children: list[object] = []
    if data.charge_bearer:
        children.append(AnyElement(qname=_q("ChrgBr"), text=data.charge_bearer))
    for ev in data.history:
        children.append(
            AnyElement(
                qname=_q("Sts"),
                attributes=_attrs(Cd=ev.status, Rsn=ev.reason, DtTm=ev.at.isoformat(), AddtlInf=ev.info),
            )
        )
    if (r := data.returned) is not None:
        children.append(
            AnyElement(
                qname=_q("Rtr"),
                attributes=_attrs(
                    RtrId=r.return_id,
                    Amt=str(r.amount),
                    Ccy=r.currency,
                    Rsn=r.reason,
                    DtTm=r.returned_at.isoformat(),
                    SttlmDt=r.settlement_date.isoformat(),
                ),
            )
        )
    if (c := data.recall) is not None:
        children.append(
            AnyElement(
                qname=_q("Rcll"),
                attributes=_attrs(
                    CaseId=c.case_id,
                    Sts=c.status,
                    Rsn=c.requested_reason,
                    RjctRsn=c.rejection_reason,
                    AddtlInf=c.info,
                    DtTm=c.at.isoformat(),
                    RtrId=c.return_id,
                ),
            )
        )
    return AnyElement(qname=_q("RailTx"), children=children)


def decode(element: Any, *, uetr: str, end_to_end_id: str) -> RailTxData:
    """Read the rail's supplementary data; elements of other namespaces are ignored."""
    if not isinstance(element, AnyElement) or element.qname != _q("RailTx"):
        return RailTxData()
    charge_bearer: str | None = None
    history: list[StatusEvent] = []
    returned: ReturnRecord | None = None
    recall: RecallOutcome | None = None
    for child in element.children:
        if not isinstance(child, AnyElement):
            continue
        a = child.attributes
        if child.qname == _q("ChrgBr"):
            charge_bearer = child.text
        elif child.qname == _q("Sts"):
            history.append(
                StatusEvent(
                    status=a["Cd"], at=dt.datetime.fromisoformat(a["DtTm"]), reason=a.get("Rsn"), info=a.get("AddtlInf")
                )
            )
        elif child.qname == _q("Rtr"):
            returned = ReturnRecord(
                return_id=a["RtrId"],
                uetr=uetr,
                end_to_end_id=end_to_end_id,
                amount=Decimal(a["Amt"]),
                currency=a["Ccy"],
                reason=a["Rsn"],
                returned_at=dt.datetime.fromisoformat(a["DtTm"]),
                settlement_date=dt.date.fromisoformat(a["SttlmDt"]),
            )
        elif child.qname == _q("Rcll"):
            recall = RecallOutcome(
                case_id=a["CaseId"],
                uetr=uetr,
                status=a["Sts"],
                requested_reason=a["Rsn"],
                at=dt.datetime.fromisoformat(a["DtTm"]),
                rejection_reason=a.get("RjctRsn"),
                info=a.get("AddtlInf"),
                return_id=a.get("RtrId"),
            )
    return RailTxData(charge_bearer=charge_bearer, history=tuple(history), returned=returned, recall=recall)
