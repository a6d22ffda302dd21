"""The entities of the vehicles subgraph: ``Vehicle`` (owned) and ``Company`` (its key + vehicle exports)."""

from __future__ import annotations

import datetime as dt
from typing import cast

import strawberry

from adapters.vehicles import rules
from adapters.vehicles import types as t
from adapters.vehicles.loaders import VehiclesState
from adapters.vehicles.model import ExportFiling, Party
from adapters.vehicles.vin import decode_vin
from gateway.policy.scopes import VEHICLES_READ
from gateway.sdk.context import SubgraphContext
from gateway.sdk.identifiers import MoneyValue
from gateway.sdk.node_ids import id_field
from gateway.sdk.rules import needs
from gateway.sdk.scalars import VIN, CountryCode, Money, TaxId

__all__ = ["Company", "Info", "Vehicle", "state", "vehicle_to_graphql"]

Info = strawberry.Info[SubgraphContext, None]


def state(info: Info) -> VehiclesState:
    return cast(VehiclesState, info.context.state)


async def _vehicle_exports(root: Company, info: Info) -> list[Vehicle] | None:
    st = state(info)
    filings = await st.by_company.load(Party(country=root.country, tax_id=root.tax_id))
    return [vehicle_to_graphql(f, st) for f in filings]


@strawberry.federation.type(
    keys=["country taxId"], description="A trader; vehicles adds its used-car exports.", authenticated=True
)
class Company:
    country: CountryCode
    tax_id: TaxId
    id: strawberry.ID = id_field("Company", "country", "tax_id")
    vehicle_exports: list[Vehicle] | None = strawberry.field(
        resolver=_vehicle_exports, description="Used-car export filings naming this company as exporter or buyer."
    )

    @classmethod
    async def resolve_reference(cls, info: Info, country: str, taxId: str) -> Company:
        return cls(country=country, tax_id=taxId)


@strawberry.federation.type(
    requires_scopes=needs(VEHICLES_READ),
    keys=["vin"],
    description=(
        "A used car filed for export: VIN decoding, the export procedure (temporary plate, test, licence, "
        "exit, deregistration) and the export rules it breaks."
    ),
)
class Vehicle:
    vin: VIN
    id: strawberry.ID = id_field("Vehicle", "vin")
    manufacturer: str | None = strawberry.field(description="Decoded from the WMI (vininfo).")
    wmi: str = strawberry.field(description="World manufacturer identifier, VIN positions 1-3.")
    country_of_manufacture: CountryCode | None
    region: str | None
    model_years: list[int] = strawberry.field(description="Candidates from VIN position 10 (repeats every 30 y).")
    model_year: int | None = strawberry.field(description="The candidate consistent with the first registration.")
    check_digit: t.VinCheckDigit
    exporter: Company
    buyer: Company
    first_registered_on: dt.date
    purchased_on: dt.date
    temp_plate: t.TemporaryPlate
    test: t.VehicleTest
    export_licence: t.ExportLicence
    manufacturer_confirmation: bool = strawberry.field(
        description="The manufacturer's after-sales confirmation is on file (needed ≤180 days after registration)."
    )
    declaration_mrn: str | None = strawberry.field(
        description="The export declaration's MRN as the vehicle system recorded it (the declaration: customs)."
    )
    shipment: t.Shipment | None
    exited_on: dt.date | None
    deregistration: t.Deregistration
    status: t.VehicleExportStatus
    mileage_km: int
    price: Money
    rule_violations: list[t.VehicleRuleViolation] = strawberry.field(
        description="Export rules this filing breaks on the adapter's today; empty when compliant."
    )

    @classmethod
    async def resolve_reference(cls, info: Info, vin: str) -> Vehicle | None:
        st = state(info)
        filing = await st.by_vin.load(vin.strip().upper())
        return None if filing is None else vehicle_to_graphql(filing, st)


def _company(party: Party) -> Company:
    return Company(country=party.country, tax_id=party.tax_id)


def vehicle_to_graphql(filing: ExportFiling, st: VehiclesState) -> Vehicle:
    """The GraphQL view of a filing on the request's today (expiry, overdue and violations depend on it)."""
    today = st.today
    decoded = decode_vin(filing.vin)
    return Vehicle(
        vin=filing.vin,
        manufacturer=decoded.manufacturer,
        wmi=decoded.wmi,
        country_of_manufacture=decoded.country,
        region=decoded.region,
        model_years=list(decoded.model_years),
        model_year=decoded.model_year(filing.first_registered_on.year),
        check_digit=t.VinCheckDigit(decoded.check_digit),
        exporter=_company(filing.exporter),
        buyer=_company(filing.buyer),
        first_registered_on=filing.first_registered_on,
        purchased_on=filing.purchased_on,
        temp_plate=t.TemporaryPlate(
            number=filing.temp_plate,
            issued_on=filing.temp_plate_issued_on,
            expires_on=rules.temp_plate_expiry(filing.temp_plate_issued_on),
            expired=rules.temp_plate_expired(filing, today),
        ),
        test=t.VehicleTest(result=t.VehicleTestResult(filing.test_result), tested_on=filing.tested_on),
        export_licence=t.ExportLicence(
            status=t.ExportLicenceStatus(filing.licence_status),
            number=filing.licence_number,
            date=filing.licence_date,
        ),
        manufacturer_confirmation=filing.manufacturer_confirmation,
        declaration_mrn=filing.declaration_mrn,
        shipment=t.Shipment(awb=filing.awb) if filing.awb else None,
        exited_on=filing.exited_on,
        deregistration=t.Deregistration(
            status=t.DeregistrationStatus(rules.deregistration_status(filing, today)),
            deadline=rules.deregistration_deadline(filing.exited_on),
            deregistered_on=filing.deregistered_on,
        ),
        status=t.VehicleExportStatus(rules.effective_status(filing, today)),
        mileage_km=filing.mileage_km,
        price=MoneyValue(amount=filing.price, currency=filing.currency),
        rule_violations=[
            t.VehicleRuleViolation(code=v.code, message=v.message) for v in rules.violations(filing, today)
        ],
    )
