"""A bigger trade story for counting calls: the seed story plus N generated air shipments, declarations, payments.

The demo story (:mod:`adapters.story`) has five shipments; proving that a list of 100 costs one ``_entities``
call per subgraph per level needs more. :func:`bulk_story` generates them deterministically on the story's own
companies, accounts, airports and customs offices, and hands them to the sandboxes through their seed options
(``SandboxConfig.options``: cargo ``shipments``, customs ``declarations``, payments ``payments``), so the demo
data stays as it is:

* shipment ``i`` flies with Air China (prefix 999, ONE Record) when ``i`` is even, China Southern (784,
  Cargo-XML) when odd; its AWB serial is ``5_000_000 + i`` with the mod-7 check digit;
* the shipper cycles through the story's companies (or is always ``shipper``), the consignee is another one;
* a Chinese shipper declares the export and a Chinese consignee the import, except every fourth shipment, which
  has no declaration: some AWBs name two declarations, some none;
* the consignee pays the shipper for every other shipment (settled, pending or rejected in turn).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from adapters import story
from gateway.sdk.identifiers import awb_check_digit

__all__ = ["BulkStory", "bulk_story"]

FIRST_SERIAL = 5_000_000

#: the story's companies' home airports (shipments fly from the shipper's to the consignee's)
AIRPORTS: dict[tuple[str, str], str] = {
    story.HAIXIN: "TAO",
    story.HORGOS: "URC",
    story.PUDONG: "PVG",
    story.ALMATY_AUTO: "ALA",
    story.ASTANA_GRAIN: "NQZ",
    story.VOLGA: "SVO",
    story.MINSK: "MSQ",
    story.MUMBAI: "BOM",
}
#: the customs office each Chinese company declares at (the story's offices)
OFFICES: dict[tuple[str, str], str] = {
    story.HAIXIN: "4201",
    story.HORGOS: "9401",
    story.PUDONG: "2233",
}
_CARRIERS = {"999": "CA", "784": "CZ"}
_CODES = ("BKD", "RCS", "MAN", "DEP", "ARR", "RCF", "NFD", "DLV")
_HS = ("8433.90", "8431.49", "8708.40", "8703.23", "0713.20")
_PATHS = (
    (("DECLARED", 0), ("REVIEWED", 20), ("RELEASED", 120), ("CLEARED", 600)),
    (("DECLARED", 0), ("REVIEWED", 30)),
    (("DECLARED", 0), ("INSPECTED", 15), ("RELEASED", 60)),
)
_OUTCOMES: tuple[tuple[str, str | None], ...] = (("ACSC", None), ("ACSC", None), ("PDNG", None), ("RJCT", "AM04"))
_CST = dt.timezone(dt.timedelta(hours=8))


@dataclasses.dataclass(frozen=True)
class BulkStory:
    """The story's records plus the generated ones, as each sandbox takes them."""

    shipments: tuple[story.Shipment, ...]
    declarations: tuple[story.Declaration, ...]
    payments: tuple[story.Payment, ...]

    def options(self) -> dict[str, dict[str, Any]]:
        """``running_platform(options_of=...)``: every sandbox's seed option."""
        return {
            "cargo": {"shipments": self.shipments},
            "customs": {"declarations": self.declarations},
            "payments": {"payments": self.payments},
        }


def awb(prefix: str, serial: int) -> str:
    """A valid air waybill number: seven-digit serial and its mod-7 check digit."""
    return f"{prefix}-{serial:07d}{awb_check_digit(str(serial))}"


def _account(owner: tuple[str, str]) -> story.Account:
    return next(a for a in story.ACCOUNTS if a.owner == owner)


def _shipment(i: int, shipper: tuple[str, str], consignee: tuple[str, str]) -> story.Shipment:
    prefix = "999" if i % 2 == 0 else "784"
    origin, destination = AIRPORTS[shipper], AIRPORTS[consignee]
    flight = f"{_CARRIERS[prefix]}{8000 + i}"
    start = dt.datetime(2026, 10, 1, 8, 0, tzinfo=_CST) + dt.timedelta(hours=i)
    events = tuple(
        (code, (start + dt.timedelta(hours=3 * n)).isoformat(), origin if n < 4 else destination)
        for n, code in enumerate(_CODES[: 1 + i % len(_CODES)])
    )
    return story.Shipment(
        awb=awb(prefix, FIRST_SERIAL + i),
        shipper=shipper,
        consignee=consignee,
        origin=origin,
        destination=destination,
        route=(f"{flight} {origin}-{destination}",),
        pieces=1 + i % 20,
        weight_kg=Decimal(100 + 10 * i),
        volume_m3=Decimal(f"{1 + i % 9}.50"),
        goods=f"Machine parts, lot {i}",
        hs_code=_HS[i % len(_HS)],
        events=events,
    )


def _declaration(i: int, kind: str, shipment: story.Shipment, declarant: tuple[str, str]) -> story.Declaration:
    export = kind == "E"
    office = OFFICES[declarant]
    start = dt.datetime(2026, 9, 30, 9, 0, tzinfo=_CST) + dt.timedelta(hours=i)
    return story.Declaration(
        id=f"{office}2026{0 if export else 1}{700_000_000 + i:09d}",
        lrn=f"BULK-{kind}-{i:04d}",
        declarant=declarant,
        direction="EXPORT" if export else "IMPORT",
        procedure="0110",  # general trade, export and import alike
        office=office,
        exit_office=office,
        departure_port=shipment.origin,
        transport_mode="5",
        conveyance=shipment.route[0].split()[0],
        voyage=None,
        awb=shipment.awb,
        vin=None,
        barter_contract=None,
        transaction_terms="3",
        licences=(),
        items=(
            story.GoodsItem(
                tariff_code=f"{shipment.hs_code.replace('.', '')}0000",
                description=shipment.goods,
                quantity=Decimal(shipment.pieces),
                unit="011",
                legal_quantity=shipment.weight_kg,
                legal_unit="035",
                value=Decimal(f"{5000 + 100 * i}.00"),
                currency="CNY",
                origin=shipment.shipper[0],
                destination=shipment.consignee[0],
            ),
        ),
        statuses=tuple((code, (start + dt.timedelta(minutes=m)).isoformat()) for code, m in _PATHS[i % len(_PATHS)]),
    )


def _payment(i: int, shipment: story.Shipment) -> story.Payment:
    debtor, creditor = _account(shipment.consignee), _account(shipment.shipper)
    outcome, reason = _OUTCOMES[(i // 2) % len(_OUTCOMES)]
    return story.Payment(
        uetr=str(uuid.UUID(int=uuid.uuid5(uuid.NAMESPACE_URL, f"silkgraph:bulk:{i}").int, version=4)),
        msg_id=f"BULK{i:06d}",
        end_to_end_id=f"INV-BULK-{i:06d}",
        debtor=shipment.consignee,
        debtor_account=debtor.number,
        creditor=shipment.shipper,
        creditor_account=creditor.number,
        amount=Decimal(f"{1000 + 37 * i}.00"),
        currency=creditor.currency,
        charge_bearer="SHAR",
        remittance=f"{shipment.goods}, AWB {shipment.awb}",
        settlement_date=f"2026-10-{1 + i % 28:02d}",
        outcome=outcome,
        reason=reason,
    )


def bulk_story(count: int = 100, *, shipper: tuple[str, str] | None = None, story_shipments: bool = True) -> BulkStory:
    """The story plus ``count`` generated shipments; ``shipper`` fixes who sends them all (else they rotate).

    Without ``story_shipments`` the airlines carry the generated shipments only (the story's other records stay).
    """
    companies = [(c.country, c.tax_id) for c in story.COMPANIES]
    shipments: list[story.Shipment] = []
    declarations: list[story.Declaration] = []
    payments: list[story.Payment] = []
    for i in range(count):
        sender = shipper or companies[i % len(companies)]
        others = [c for c in companies if c != sender]
        receiver = others[(i // len(companies) + i) % len(others)]
        shipment = _shipment(i, sender, receiver)
        shipments.append(shipment)
        if i % 4 != 3:
            if sender in OFFICES:
                declarations.append(_declaration(i, "E", shipment, sender))
            if receiver in OFFICES:
                declarations.append(_declaration(i, "I", shipment, receiver))
        if i % 2 == 0:
            payments.append(_payment(i, shipment))
    return BulkStory(
        shipments=(*(story.SHIPMENTS if story_shipments else ()), *shipments),
        declarations=(*story.DECLARATIONS, *declarations),
        payments=(*story.PAYMENTS, *payments),
    )
