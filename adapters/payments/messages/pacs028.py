"""pacs.028.001.03 FIToFIPaymentStatusRequest: ask the rail for the status of one or many transactions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pyiso20022.pacs.pacs_028_001_03 import pacs_028_001_03 as p28

from adapters.payments.messages.envelope import InvalidMessage, xml_datetime

__all__ = ["MSG_DEF", "build", "read"]

MSG_DEF = "pacs.028.001.03"


def build(uetrs: list[str], *, msg_id: str, created: dt.datetime) -> Any:
    """One status request naming every UETR (the adapter batches many reads into one round trip)."""
    return p28.Document(
        fito_fipmt_sts_req=p28.FitoFipaymentStatusRequestV03(
            grp_hdr=p28.GroupHeader91(msg_id=msg_id, cre_dt_tm=xml_datetime(created)),
            tx_inf=[
                p28.PaymentTransaction113(sts_req_id=f"{msg_id}-{i}"[:35], orgnl_uetr=u) for i, u in enumerate(uetrs, 1)
            ],
        )
    )


def read(document: Any) -> list[str]:
    """The UETRs a validated status request asks about."""
    req = document.fito_fipmt_sts_req
    uetrs = [tx.orgnl_uetr for tx in req.tx_inf]
    if not uetrs or any(u is None for u in uetrs):
        raise InvalidMessage("every TxInf of a pacs.028 must name OrgnlUETR on this rail")
    return [str(u) for u in uetrs]
