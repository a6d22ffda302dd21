"""Composing what Strawberry subgraphs print, the way Silkgraph's adapters will be composed."""

from __future__ import annotations

import strawberry
from graphql import build_ast_schema, parse
from strawberry import federation

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
