"""Composing what Strawberry subgraphs print, the way Silkgraph's adapters will be composed."""

from __future__ import annotations

import strawberry
from graphql import build_ast_schema, parse
from strawberry import federation
from strawberry.federation.schema_directives import Key

from gateway.federation.compose import SubgraphSource, compose

from .composing import field_directives, type_directives


@federation.type(keys=["awb"])
class Shipment:
    awb: strawberry.ID
    pieces: int
    weight_kg: float = federation.field(shareable=True)


@strawberry.type
class CargoQuery:
    @strawberry.field
    def shipment(self, awb: strawberry.ID) -> Shipment | None:
        return None


@federation.type(keys=["awb"], extend=True, name="Shipment")
class ShipmentInCustoms:
    awb: strawberry.ID
    weight_kg: float = federation.field(external=True)

    @federation.field(requires=["weightKg"])
    def duty(self) -> float:
        return 0.0


@strawberry.type
class CustomsQuery:
    @federation.field(inaccessible=True)
    def ping(self) -> bool:
        return True


def _schemas() -> tuple[federation.Schema, federation.Schema]:
    cargo = federation.Schema(query=CargoQuery, federation_version="2.11")
    customs = federation.Schema(query=CustomsQuery, types=[ShipmentInCustoms], federation_version="2.11")
    return cargo, customs


def test_strawberry_subgraphs_compose_into_a_loadable_supergraph() -> None:
    cargo, customs = _schemas()
    supergraph = compose(
        [
            SubgraphSource("cargo", "inprocess://cargo", cargo.as_str()),
            SubgraphSource("customs", "inprocess://customs", customs.as_str()),
        ]
    )
    assert type_directives(supergraph, "Shipment") == [
        '@join__type(graph: CARGO, key: "awb")',
        '@join__type(graph: CUSTOMS, key: "awb", extension: true)',
    ]
    assert field_directives(supergraph, "Shipment", "weightKg") == [
        "@join__field(graph: CARGO)",
        "@join__field(graph: CUSTOMS, external: true)",
    ]
    assert field_directives(supergraph, "Shipment", "duty") == ['@join__field(graph: CUSTOMS, requires: "weightKg")']
    assert field_directives(supergraph, "Query", "ping") == ["@join__field(graph: CUSTOMS)", "@inaccessible"]
    schema = build_ast_schema(parse(supergraph))
    assert schema.query_type is not None
    assert set(schema.query_type.fields) == {"shipment", "ping"}
    assert "_entities" not in supergraph


def test_service_sdl_composes_like_the_printed_schema() -> None:
    cargo, customs = _schemas()
    sdls = []
    for schema in (cargo, customs):
        result = schema.execute_sync("{ _service { sdl } }")
        assert result.errors is None and result.data is not None
        sdls.append(result.data["_service"]["sdl"])
    from_service = compose(
        [
            SubgraphSource("cargo", "inprocess://cargo", sdls[0]),
            SubgraphSource("customs", "inprocess://customs", sdls[1]),
        ]
    )
    from_printing = compose(
        [
            SubgraphSource("cargo", "inprocess://cargo", cargo.as_str()),
            SubgraphSource("customs", "inprocess://customs", customs.as_str()),
        ]
    )
    assert from_service == from_printing


@federation.type(keys=["country taxId"], name="Company")
class TaxCompany:
    country: str
    tax_id: str
    name: str


@strawberry.type(name="Query")
class TaxQuery:
    @strawberry.field
    def company(self, country: str, tax_id: str) -> TaxCompany | None:
        return None


@federation.type(keys=[Key(fields="country taxId", resolvable=False)], name="Company")
class CompanyStub:
    country: str
    tax_id: str


@federation.type(keys=["uetr"])
class Payment:
    uetr: strawberry.ID
    payer: CompanyStub


@strawberry.type(name="Query")
class PaymentsQuery:
    @strawberry.field
    def payment(self, uetr: strawberry.ID) -> Payment | None:
        return None


def test_platform_shaped_subgraphs_with_stubs_compose() -> None:
    tax = federation.Schema(query=TaxQuery, federation_version="2.11")
    payments = federation.Schema(query=PaymentsQuery, federation_version="2.11")
    assert '@key(fields: "country taxId", resolvable: false)' in payments.as_str()
    supergraph = compose(
        [
            SubgraphSource("tax", "inprocess://tax", tax.as_str()),
            SubgraphSource("payments", "inprocess://payments", payments.as_str()),
        ]
    )
    assert type_directives(supergraph, "Company") == [
        '@join__type(graph: PAYMENTS, key: "country taxId", resolvable: false)',
        '@join__type(graph: TAX, key: "country taxId")',
    ]
    assert field_directives(supergraph, "Company", "name") == ["@join__field(graph: TAX)"]
    assert field_directives(supergraph, "Payment", "payer") == []
