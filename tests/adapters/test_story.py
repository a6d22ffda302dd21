"""The seeded story is one coherent trade: every record agrees with every other one.

Each test is a rule a customs officer, a tax inspector or an airline would apply across systems: the pieces on
an air waybill are what its declarations declare, an exported car is declared (and deregistered in time), an
export rebate rests on a purchase invoice matched to a cleared export declaration, dates run forwards, VIN model
years fit first registrations, and prices sit inside the reference ranges of :mod:`adapters.story_prices`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

import pytest

from adapters import story
from adapters.customs.codes import transaction_terms_of
from adapters.story_prices import PRICE_RANGES
from adapters.vehicles.vin import decode_vin
from gateway.sdk.identifiers import parse_awb, parse_entry_number, parse_hs_code, parse_tax_id, parse_vin

#: the story's "today": the demo and the sandboxes' fixed date
TODAY = dt.date(2026, 11, 28)
#: customs offices at airports, by GACC office code, with the airport they clear
AIRPORT_OFFICES = {"4201": "TAO", "2233": "PVG", "5141": "CAN", "9401": "URC", "0101": "PEK"}
#: release flow of a declaration: declared, reviewed or inspected, released, cleared (after the goods left)
DECLARED, RELEASED, CLEARED = "DECLARED", "RELEASED", "CLEARED"
#: units a count of pieces is declared in (GACC: 001 set, 003 vehicle, 007 piece, 011 item) and the kilogram
COUNTS, KG = {"001", "003", "007", "011"}, "035"
#: what a price is per, by the unit it is declared in (GACC codes; OKEI 168 tonne for the EAEU declaration)
PRICE_BASIS = {"001": "PCE", "003": "PCE", "007": "PCE", "011": "PCE", "035": "KGM", "070": "TNE", "168": "TNE"}
#: a car must be deregistered within about two months of leaving the country
DEREGISTRATION_DAYS = 60

DECLARATIONS = {d.id: d for d in (*story.DECLARATIONS, *story.EAEU_DECLARATIONS)}
SHIPMENTS = {s.awb: s for s in story.SHIPMENTS}


def _at(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def _in_order(times: Iterable[dt.datetime], what: str) -> None:
    seen = list(times)
    assert seen == sorted(seen), f"{what}: out of order {seen}"


def _status_time(declaration: story.Declaration, code: str) -> dt.datetime | None:
    return next((_at(at) for c, at in declaration.statuses if c == code), None)


def test_every_identifier_is_valid_by_its_rule() -> None:
    for s in story.SHIPMENTS:
        assert parse_awb(s.awb) == s.awb
        parse_hs_code(s.hs_code)
    for v in story.VEHICLES:
        assert parse_vin(v.vin) == v.vin
    for d in story.DECLARATIONS:
        assert parse_entry_number(d.id) == d.id
        assert (d.id[:4], d.id[4:8], d.id[8]) == (
            d.office,
            d.statuses[0][1][:4],
            "0" if d.direction == "EXPORT" else "1",
        )
        for item in d.items:
            assert len(item.tariff_code) == 10 and item.tariff_code.isdigit(), d.id
    for c in (*story.COMPANIES, *story.SUPPLIERS):
        assert parse_tax_id(c.country, c.tax_id) == c.tax_id


def test_every_departed_export_shipment_is_declared_at_its_airport_with_its_goods_pieces_and_weight() -> None:
    for s in story.SHIPMENTS:
        declared = [d for d in story.DECLARATIONS if d.awb == s.awb]
        departed = any(code == "DEP" for code, _, _ in s.events)
        if s.shipper[0] == "CN" and departed:
            assert declared, f"{s.awb} left {s.origin} without an export declaration"
        for d in declared:
            assert (d.direction, d.declarant) == ("EXPORT", s.shipper), d.id
            assert AIRPORT_OFFICES.get(d.office) == s.origin, f"{d.id} is not declared at {s.origin}'s customs"
            assert {i.hs_code for i in d.items} == {s.hs_code}, f"{d.id} declares other goods than {s.awb}"
        pieces = sum(i.quantity for d in declared for i in d.items if i.unit in COUNTS)
        kilograms = sum(
            q
            for d in declared
            for i in d.items
            for q, u in ((i.legal_quantity, i.legal_unit), (i.second_quantity, i.second_unit))
            if u == KG and q
        )
        if declared:
            assert pieces == s.pieces, f"{s.awb}: {s.pieces} pieces on the waybill, {pieces} declared"
            assert kilograms == s.weight_kg, f"{s.awb}: {s.weight_kg} kg on the waybill, {kilograms} declared"


def test_air_declarations_name_their_air_waybill_flight_and_exit_airport() -> None:
    for d in story.DECLARATIONS:
        by_air = d.transport_mode == "5"
        assert (d.awb is not None) == by_air == (d.office in AIRPORT_OFFICES), f"{d.id} at {d.office}, AWB {d.awb}"
        if d.awb is None:
            continue
        s = SHIPMENTS[d.awb]
        [leg] = [leg for leg in s.route if leg.split()[0] == d.conveyance]
        assert leg.split()[1].split("-")[0] == d.departure_port == AIRPORT_OFFICES[d.exit_office], d.id
        departures = [at for code, at, where in s.events if code == "DEP" and where == d.departure_port]
        if d.voyage is not None:
            assert departures and departures[0][:10].replace("-", "") == d.voyage, f"{d.id}: flight date"


def test_each_car_on_an_air_waybill_is_one_declared_piece() -> None:
    for s in story.SHIPMENTS:
        cars = [v for v in story.VEHICLES if v.awb == s.awb]
        if not cars and s.hs_code != "8703.23":
            continue
        assert len(cars) == s.pieces, f"{s.awb} carries {s.pieces} pieces, {len(cars)} cars say they are on it"
        for car in cars:
            assert car.declaration is not None, f"{car.vin} flies on {s.awb} undeclared"
            assert DECLARATIONS[car.declaration].awb == s.awb


def test_every_exported_car_is_declared_and_deregistered_in_time() -> None:
    for v in story.VEHICLES:
        shipped = v.status in {"DECLARED", "EXITED", "DEREGISTERED", "OVERDUE_DEREGISTRATION"}
        if not shipped:
            assert v.declaration is None and v.awb is None, f"{v.vin} is {v.status} but declared or shipped"
            continue
        assert v.declaration is not None, f"{v.vin} is {v.status} without a declaration"
        d = DECLARATIONS[v.declaration]
        assert (d.vin, d.declarant, d.direction) == (v.vin, v.exporter, "EXPORT")
        [item] = d.items
        assert (item.hs_code, item.quantity, item.value, item.currency) == ("8703.23", 1, v.price, v.currency)
        assert (item.unit, item.legal_unit) == ("003", "003"), f"{v.vin}: a car is declared in vehicles (003)"
        assert "4" in {code for code, _ in d.licences}, f"{v.vin} is declared without its export licence"
        exited = _status_time(d, CLEARED)
        if v.status in {"EXITED", "DEREGISTERED"}:
            assert exited is not None, f"{v.vin} is {v.status} but its declaration is not cleared"
        if exited is not None and (TODAY - exited.date()).days > DEREGISTRATION_DAYS:
            assert v.status == "DEREGISTERED", f"{v.vin} left on {exited.date()} and is still {v.status}"
        assert v.awb == d.awb, f"{v.vin} flies on {v.awb}, its declaration names {d.awb}"


def test_vehicle_dates_run_forwards_and_vin_model_years_fit_first_registration() -> None:
    for v in story.VEHICLES:
        registered = dt.date.fromisoformat(v.first_registered_on)
        purchased = dt.date.fromisoformat(v.purchased_on)
        plate = dt.date.fromisoformat(v.temp_plate_issued_on)
        assert registered < purchased <= plate <= TODAY, v.vin
        model_year = decode_vin(v.vin).model_year(registered.year)
        assert model_year is not None and registered.year - 1 <= model_year <= registered.year + 1, (
            f"{v.vin}: model year {model_year} does not fit first registration {registered}"
        )
        if v.declaration is not None:
            received = _status_time(DECLARATIONS[v.declaration], DECLARED)
            assert received is not None and plate <= received.date(), f"{v.vin} declared before its plate"


def test_shipment_events_and_declaration_statuses_run_forwards() -> None:
    for s in story.SHIPMENTS:
        _in_order((_at(at) for _, at, _ in s.events), s.awb)
        assert s.events[0][0] == "BKD"
    for d in DECLARATIONS.values():
        _in_order((_at(at) for _, at in d.statuses), d.id)
        steps = [status for status, _ in d.statuses]
        assert (
            steps[0] == DECLARED
            and steps[1] in {"REVIEWED", "INSPECTED"}
            and steps[2:] in ([], [RELEASED], [RELEASED, CLEARED])
        ), d.id
        if d.awb is None:
            continue
        departures = [_at(at) for code, at, _ in SHIPMENTS[d.awb].events if code == "DEP"]
        released, cleared = _status_time(d, RELEASED), _status_time(d, CLEARED)
        if departures:
            assert released is not None and released <= departures[0], f"{d.id}: the goods left before release"
        exit_departures = [
            _at(at) for code, at, where in SHIPMENTS[d.awb].events if code == "DEP" and where == d.departure_port
        ]
        assert (cleared is not None) == bool(exit_departures), f"{d.id}: cleared (结关) exactly once the goods left"
        if cleared is not None:
            assert cleared >= exit_departures[0], f"{d.id}: cleared before the goods left China"


def test_export_rebates_rest_on_purchase_invoices_matched_to_cleared_export_declarations() -> None:
    suppliers = {(c.country, c.tax_id) for c in story.SUPPLIERS}
    exporters = {(c.country, c.tax_id) for c in story.COMPANIES if c.country == "CN"}
    for invoice in story.INVOICES:
        assert invoice.seller in suppliers, f"{invoice.number}: a rebate invoice is a domestic supplier's"
        assert invoice.buyer in exporters, f"{invoice.number}: the buyer is the exporter"
        assert len(invoice.code) == 10 and len(invoice.number) == 8, "special VAT invoice: 10-digit code"
        assert invoice.code[:2] == invoice.seller[1][2:4], f"{invoice.code}: region is not the seller's province"
        assert invoice.code[4:6] == invoice.issued_on[2:4], f"{invoice.code}: year is not the issue year"
        assert invoice.tax_amount == (invoice.amount_without_tax * Decimal("0.13")).quantize(Decimal("0.01"))
        if invoice.rebate is None:
            continue
        rebate_id, status, declaration_id = invoice.rebate
        assert not invoice.abandoned, f"{rebate_id} rests on a voided invoice"
        if status == "DATA_MISMATCH":
            assert declaration_id not in DECLARATIONS, f"{rebate_id} is a mismatch but {declaration_id} exists"
            continue
        d = DECLARATIONS[declaration_id]
        assert (d.direction, d.declarant) == ("EXPORT", invoice.buyer), rebate_id
        cleared = _status_time(d, CLEARED)
        assert cleared is not None, f"{rebate_id}: {declaration_id} is not cleared"
        assert dt.date.fromisoformat(invoice.issued_on) <= cleared.date(), f"{rebate_id}: bought after export"
        declared = sum(i.value for i in d.items)
        assert invoice.amount_without_tax + invoice.tax_amount <= declared, f"{rebate_id}: bought above export value"


def test_barter_legs_cite_real_declarations_and_the_closed_barter_balances() -> None:
    for contract in story.BARTER_CONTRACTS:
        value = {"A": Decimal(0), "B": Decimal(0)}
        for goods in contract.goods:
            value[goods.side] += goods.quantity * goods.unit_value
        if contract.kind == "CLOSED":
            assert abs(value["A"] - value["B"]) <= value["A"] * contract.tolerance_pct / 100, value
        for side, hs_code, quantity, declaration_id, awb, day in contract.deliveries:
            d = DECLARATIONS.get(declaration_id)
            assert d is not None, f"{contract.id} cites declaration {declaration_id} that does not exist"
            assert d.barter_contract == contract.id and d.awb == awb
            party = contract.party_a if side == "A" else contract.party_b
            assert (d.declarant, d.direction) == (party, "EXPORT")
            assert [(i.hs_code, i.quantity) for i in d.items] == [(hs_code, quantity)]
            assert contract.signed_on <= day <= contract.counter_delivery_deadline
            [goods] = [g for g in contract.goods if g.side == side and g.hs_code == hs_code]
            assert d.transaction_terms == transaction_terms_of(goods.incoterms), f"{d.id}: {goods.incoterms}"


def _unit_prices() -> Iterable[tuple[str, str, Decimal, str]]:
    """(what, HS code, price, per) for every priced thing in the story, in CNY."""
    for d in DECLARATIONS.values():
        for item in d.items:
            assert item.currency == "CNY", f"{d.id}: story prices are in CNY"
            if PRICE_RANGES[item.hs_code].per == "KGM":
                assert item.legal_unit == KG, f"{d.id}: a price per kg needs the weight in the legal unit"
                yield d.id, item.hs_code, item.value / item.legal_quantity, "KGM"
            else:
                yield d.id, item.hs_code, item.unit_price, PRICE_BASIS[item.unit]
    for contract in story.BARTER_CONTRACTS:
        for goods in contract.goods:
            yield contract.id, goods.hs_code, goods.unit_value, goods.unit
    for v in story.VEHICLES:
        yield v.vin, "8703.23", v.price, "PCE"
    for p in story.PAYMENTS:
        for s in story.SHIPMENTS:
            if s.awb in p.remittance and PRICE_RANGES[s.hs_code].per == "KGM" and p.currency == "CNY":
                yield p.uetr, s.hs_code, p.amount / s.weight_kg, "KGM"


@pytest.mark.parametrize(("what", "hs_code", "price", "per"), list(_unit_prices()))
def test_prices_sit_inside_their_reference_ranges(what: str, hs_code: str, price: Decimal, per: str) -> None:
    reference = PRICE_RANGES[hs_code]
    assert per == reference.per, f"{what}: priced per {per}, the reference is per {reference.per}"
    assert reference.low <= price <= reference.high, (
        f"{what}: {price:.2f} CNY/{per} for {hs_code} is outside {reference.low}-{reference.high} ({reference.source})"
    )
