"""Fields resolved across a subgraph boundary are nullable, so one legacy system down nulls only its own fields.

Read off the committed supergraph (``schema/supergraph.graphql``, composed from the adapters): if a field that
another system resolves were non-null, that system's outage would null the object holding it, and null
propagation would carry on upwards — in a list of shipments, up to ``data`` itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import GraphQLNonNull, GraphQLObjectType, get_named_type

from gateway.federation.supergraph import Supergraph, load_supergraph

SUPERGRAPH = load_supergraph((Path(__file__).parents[2] / "schema" / "supergraph.graphql").read_text("utf-8"))

#: Non-null references across a boundary that are known and accepted (none today).
ACCEPTED: set[tuple[str, str]] = set()


def _key_fields(sg: Supergraph, type_name: str) -> set[str]:
    return {f for tig in sg.type_graphs(type_name).values() for key in tig.keys for f in key.fields.split()}


def _local(sg: Supergraph, type_name: str, field: str) -> bool:
    """Whether every subgraph that declares the type resolves the field itself (a shareable ``id`` made from the
    key): whichever subgraph the entity is fetched from answers it, so no other system's outage can null it."""
    return set(sg.resolving(type_name, field)) >= set(sg.type_graphs(type_name))


def _object(sg: Supergraph, type_name: str) -> GraphQLObjectType:
    t = sg.schema.type_map[type_name]
    assert isinstance(t, GraphQLObjectType)
    return t


def _shared_entities(sg: Supergraph) -> list[str]:
    """Object types with a key that more than one subgraph declares."""
    return sorted(
        name
        for name, graphs in sg.types.items()
        if len(graphs) > 1
        and any(tig.keys for tig in graphs.values())
        and isinstance(sg.schema.type_map.get(name), GraphQLObjectType)
    )


def _origin(sg: Supergraph, type_name: str) -> str:
    """The subgraph that resolves most of the type's non-key fields (its owner)."""
    keys = _key_fields(sg, type_name)
    counts: dict[str, int] = {}
    for field in _object(sg, type_name).fields:
        if field not in keys:
            for graph in sg.resolving(type_name, field):
                counts[graph] = counts.get(graph, 0) + 1
    return max(counts, key=lambda g: counts[g])


def test_the_platform_has_shared_entities_and_their_owners() -> None:
    owners = {name: _origin(SUPERGRAPH, name) for name in _shared_entities(SUPERGRAPH)}
    assert owners == {
        "BarterContract": "barter",
        "Company": "tax",
        "CustomsDeclaration": "customs",
        "Shipment": "cargo",
        "Vehicle": "vehicles",
    }


@pytest.mark.parametrize("type_name", _shared_entities(SUPERGRAPH))
def test_fields_another_subgraph_contributes_to_an_entity_are_nullable(type_name: str) -> None:
    origin = _origin(SUPERGRAPH, type_name)
    keys = _key_fields(SUPERGRAPH, type_name)
    non_null = [
        f"{type_name}.{name} ({', '.join(sorted(SUPERGRAPH.resolving(type_name, name)))})"
        for name, field in _object(SUPERGRAPH, type_name).fields.items()
        if name not in keys
        and not _local(SUPERGRAPH, type_name, name)
        and isinstance(field.type, GraphQLNonNull)
        and set(SUPERGRAPH.resolving(type_name, name)) - {origin}
    ]
    assert non_null == []


def test_an_entity_reached_by_a_non_null_reference_has_nullable_fields_from_other_subgraphs() -> None:
    """``Vehicle.exporter: Company!`` (vehicles): tax down must null the exporter's name, not the vehicle."""
    entities = set(_shared_entities(SUPERGRAPH))
    offending: list[str] = []
    checked: set[tuple[str, str]] = set()
    for type_name, t in SUPERGRAPH.schema.type_map.items():
        if not isinstance(t, GraphQLObjectType) or type_name.startswith("_"):
            continue
        for name, field in t.fields.items():
            target = get_named_type(field.type).name
            if target not in entities or not isinstance(field.type, GraphQLNonNull) or (type_name, name) in ACCEPTED:
                continue
            via = set(SUPERGRAPH.resolving(type_name, name))
            keys = _key_fields(SUPERGRAPH, target)
            checked.add((type_name, name))
            for target_field_name, target_field in _object(SUPERGRAPH, target).fields.items():
                others = set(SUPERGRAPH.resolving(target, target_field_name)) - via
                if _local(SUPERGRAPH, target, target_field_name):
                    continue
                if target_field_name not in keys and isinstance(target_field.type, GraphQLNonNull) and others:
                    offending.append(f"{type_name}.{name} → {target}.{target_field_name} ({', '.join(sorted(others))})")
    assert {("Vehicle", "exporter"), ("CustomsDeclaration", "declarant"), ("BarterContract", "partyA")} <= checked
    assert offending == []
