"""The supergraph's join spec version follows the subgraphs' federation version, as the reference composition
(@apollo/composition) chooses it: the highest Federation 2 minor among the subgraphs decides."""

from __future__ import annotations

import pytest

from gateway.federation.compose import compose
from gateway.federation.supergraph import load_supergraph

from .composing import source

OWNER = 'type Query { t: T } type T @key(fields: "id") { id: ID! }'
EXTENDER = 'type T @key(fields: "id") { id: ID! x: Int }'


@pytest.mark.parametrize(
    ("version", "join"),
    [("2.0", "0.3"), ("2.3", "0.3"), ("2.6", "0.3"), ("2.7", "0.4"), ("2.8", "0.5"), ("2.11", "0.5")],
)
def test_join_version_follows_the_highest_federation_version(version: str, join: str) -> None:
    supergraph = compose(
        [
            source("a", OWNER, version=version, imports=("@key",)),
            source("b", EXTENDER, version="2.0", imports=("@key",)),
        ]
    )
    assert f'@link(url: "https://specs.apollo.dev/join/v{join}", for: EXECUTION)' in supergraph
    # each version carries only its own definitions, and the gateway runs what it wrote
    assert ("overrideLabel: String" in supergraph) == (join != "0.3")
    assert ("contextArguments:" in supergraph) == (join == "0.5")
    assert ("input join__ContextArgument" in supergraph) == (join == "0.5")
    assert load_supergraph(supergraph).join_version == join


def test_every_subgraph_is_listed_on_query_even_without_root_fields() -> None:
    supergraph = compose([source("a", OWNER), source("b", EXTENDER)])
    start = supergraph.index("type Query")
    assert supergraph[start : supergraph.index("{", start)] == (
        "type Query\n  @join__type(graph: A)\n  @join__type(graph: B)\n"
    )
