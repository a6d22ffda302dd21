from __future__ import annotations

import pytest
from graphql import print_schema

from gateway.errors import SupergraphError
from gateway.federation.supergraph import load_supergraph
from tests.gateway.federation.supergraphs import CARGO_CUSTOMS_TYPES, HEADER, cargo_customs, schema_block


@pytest.mark.parametrize("join", ["v0.3", "v0.4", "v0.5"])
def test_loads_join_versions_three_to_five(join: str) -> None:
    sg = load_supergraph(cargo_customs(join))
    assert sg.join_version == join[1:]
    assert sorted(sg.subgraphs) == ["cargo", "customs"]


@pytest.mark.parametrize("join", ["v0.1", "v0.2", "v9.9"])
def test_refuses_unsupported_join_versions(join: str) -> None:
    with pytest.raises(SupergraphError, match="not supported"):
        load_supergraph(cargo_customs(join))


def test_refuses_a_subgraph_sdl() -> None:
    with pytest.raises(SupergraphError, match="not a supergraph"):
        load_supergraph(
            'schema @link(url: "https://specs.apollo.dev/federation/v2.11") { query: Query } type Query { a: Int }'
        )


def test_refuses_malformed_sdl_naming_the_position() -> None:
    with pytest.raises(SupergraphError, match="line 1"):
        load_supergraph("type Query {")


def test_refuses_unknown_feature_for_execution() -> None:
    link = '@link(url: "https://example.com/magic/v1.0", for: EXECUTION)'
    with pytest.raises(SupergraphError, match="magic"):
        load_supergraph(schema_block("v0.5", link) + HEADER + CARGO_CUSTOMS_TYPES)


def test_unknown_feature_without_purpose_is_tolerated() -> None:
    link = '@link(url: "https://example.com/docs/v1.0")'
    assert load_supergraph(schema_block("v0.5", link) + HEADER + CARGO_CUSTOMS_TYPES).subgraphs


def test_api_schema_drops_machinery_and_inaccessible_elements() -> None:
    api = print_schema(load_supergraph(cargo_customs()).api_schema)
    assert "join__" not in api and "link__" not in api and "@link" not in api
    assert "internalNote" not in api and "secretScore" not in api
    assert "duty: Float" in api and "shipments: [Shipment!]!" in api


def test_routing_model_answers_who_resolves_what() -> None:
    sg = load_supergraph(cargo_customs())
    assert set(sg.resolving("Shipment", "awb")) == {"cargo", "customs"}
    assert set(sg.resolving("Shipment", "weight")) == {"cargo"}  # external in customs
    assert sg.resolving("Shipment", "duty")["customs"].requires == "weight"
    assert sg.type_graphs("Shipment")["customs"].resolvable_keys == ["awb"]


def test_refuses_unknown_graph_in_join_directive() -> None:
    broken = CARGO_CUSTOMS_TYPES.replace("@join__field(graph: CUSTOMS, requires", "@join__field(graph: NOPE, requires")
    with pytest.raises(SupergraphError, match="NOPE"):
        load_supergraph(schema_block() + HEADER + broken)
