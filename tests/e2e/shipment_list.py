"""Issue G3's case: a list of 100 shipments with customs and payment fields, and the fewest calls it can cost.

The fewest legacy calls follow from what each legacy API offers for many keys at once (read from the adapters'
clients and the services' schemas):

* cargo — each airline system lists every shipment it carries in one call (ONE Record ``GET
  /logistics-objects``, Cargo-XML ``GET /messages``); neither pages, so the list costs one call per airline;
* customs — ``ListDeclarations`` takes up to 500 AWBs in its AWB criterion and answers up to 500 declarations a
  page (``customs.xsd`` maxOccurs): ``max(⌈AWBs / 500⌉, ⌈declarations / 500⌉)`` calls;
* tax — ``GetTaxpayers`` takes up to 500 keys (``tax.xsd`` maxOccurs): ``⌈companies / 500⌉`` calls, none for
  companies the adapter's taxpayer cache already holds;
* payments — the rail's account directory (``GET /accounts``) and payment tracker (``GET /tracker/payments``)
  take any number of owners and parties; the tracker names UETRs only, so their statuses take one pacs.028
  inquiry, which takes any number of UETRs: three calls, two if no shipper has a payment.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection
from typing import Any

from adapters.customs.client import BATCH as CUSTOMS_BATCH
from adapters.tax.client import BATCH as TAX_BATCH

__all__ = ["QUERY", "fewest_legacy_calls", "nodes", "parties"]

QUERY = """query ShipmentList {
  shipments(first: 100) {
    edges {
      node {
        awb
        customs { id status }
        shipper { country taxId name payments { uetr status } accounts { number iban } }
        consignee { country taxId name }
      }
    }
  }
}"""


def nodes(data: dict[str, Any]) -> list[dict[str, Any]]:
    edges: list[dict[str, Any]] = data["shipments"]["edges"]
    return [e["node"] for e in edges]


def parties(data: dict[str, Any], role: str) -> set[tuple[str, str]]:
    """The distinct (country, taxId) of the listed shipments' shippers or consignees."""
    return {(n[role]["country"], n[role]["taxId"]) for n in nodes(data) if n[role] is not None}


def fewest_legacy_calls(
    data: dict[str, Any], *, cached: Collection[tuple[str, str]] = ()
) -> Counter[tuple[str, str, str]]:
    """(subgraph, legacy source, operation) → the fewest calls the legacy APIs allow for this answer.

    ``cached``: companies the tax adapter's taxpayer cache holds already.
    """
    listed = nodes(data)
    awbs = {n["awb"] for n in listed}
    declarations = {d["id"] for n in listed for d in n["customs"]}
    companies = (parties(data, "shipper") | parties(data, "consignee")) - set(cached)
    shippers = parties(data, "shipper")
    uetrs = {p["uetr"] for n in listed if n["shipper"] is not None for p in n["shipper"]["payments"]}
    fewest = Counter(
        {
            ("cargo", "cargo.one-record", "GET /logistics-objects"): 1,
            ("cargo", "cargo.cargo-xml", "GET /messages"): 1,
            ("customs", "customs", "ListDeclarations"): max(
                math.ceil(len(awbs) / CUSTOMS_BATCH), math.ceil(len(declarations) / CUSTOMS_BATCH)
            ),
            ("tax", "tax", "GetTaxpayers"): math.ceil(len(companies) / TAX_BATCH),
            ("payments", "payments.rail", "GET /accounts"): 1 if shippers else 0,
            ("payments", "payments.rail", "GET /tracker/payments"): 1 if shippers else 0,
            ("payments", "payments.rail", "POST /iso20022/messages/pacs.028"): 1 if uetrs else 0,
        }
    )
    return +fewest  # without the zeros
