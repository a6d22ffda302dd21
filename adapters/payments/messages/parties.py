"""Debtor and creditor as CBPR+ wants them: name, hybrid postal address (town + country + address line), tax id.

pacs.008.001.08 and pacs.002.001.10 (``OrgnlTxRef``) share the ISO 20022 component ``PartyIdentification135``;
each binding module defines its own copy of the classes, so the builder takes the module.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from adapters.payments.model import Party

__all__ = ["party_identification", "party_name_and_address"]

#: CBPR+ usage: ``Nm`` max 140, ``AdrLine`` at most 2 lines of 70 characters beside ``TwnNm`` and ``Ctry``
_NAME_MAX = 140
_LINE_MAX = 70


def party_identification(bindings: ModuleType, party: Party) -> Any:
    address = None
    if party.town:
        address = bindings.PostalAddress24(
            twn_nm=party.town[:35],
            ctry=party.country,
            adr_line=[party.address[:_LINE_MAX]] if party.address else [],
        )
    return bindings.PartyIdentification135(
        nm=party.name[:_NAME_MAX] or None,
        pstl_adr=address,
        id=bindings.Party38Choice(
            org_id=bindings.OrganisationIdentification29(
                othr=[
                    bindings.GenericOrganisationIdentification1(
                        id=party.tax_id,
                        schme_nm=bindings.OrganisationIdentificationSchemeName1Choice(cd="TXID"),
                    )
                ]
            )
        ),
        ctry_of_res=party.country,
    )


def party_name_and_address(pty: Any) -> dict[str, str]:
    """``name``, ``town`` and ``address`` of a bound party ("" where the message has none)."""
    adr = pty.pstl_adr
    return {
        "name": str(pty.nm or ""),
        "town": str(adr.twn_nm or "") if adr is not None else "",
        "address": str(adr.adr_line[0]) if adr is not None and adr.adr_line else "",
    }
