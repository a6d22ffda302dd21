"""Query plans print like the federation peers' plans and serialise to JSON."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import parse

from gateway.cli import main
from gateway.federation.plan import Condition, Fetch, Flatten, QueryPlan, Sequence, count_fetches
from gateway.federation.planning import QueryPlanner
from gateway.federation.supergraph import load_supergraph
from tests.gateway.federation.supergraphs import cargo_customs

PLANNER = QueryPlanner(load_supergraph(cargo_customs()))
QUERY = 'query Q($d: Boolean!) { shipment(awb: "1") { awb status duty @include(if: $d) } }'


def test_the_text_form_shows_fetches_flatten_paths_and_conditions() -> None:
    text = str(PLANNER.plan(parse(QUERY)))
    assert text.startswith("QueryPlan {")
    assert 'Fetch(service: "cargo")' in text
    assert "Condition(if: $d)" in text and "Then {" in text
    assert 'Flatten(path: "shipment")' in text
    assert "... on Shipment {" in text and "} =>" in text  # representation, then what is fetched


def test_the_json_form_names_nodes_like_the_federation_plan_format() -> None:
    plan = PLANNER.plan(parse(QUERY)).to_json()
    root = plan["node"]
    assert plan["kind"] == "QueryPlan" and root["kind"] == "Sequence"
    first, second = root["nodes"]
    assert first["kind"] == "Fetch" and first["serviceName"] == "cargo" and first["operationKind"] == "query"
    assert second["kind"] == "Condition" and second["condition"] == "d" and second["elseClause"] is None
    flatten = second["ifClause"]
    assert flatten["kind"] == "Flatten" and flatten["path"] == ["shipment"]
    assert flatten["node"]["requires"][0]["typeCondition"] == "Shipment"


def test_fetch_counting_and_services() -> None:
    plan = PLANNER.plan(parse(QUERY))
    assert plan.fetches == 2
    assert plan.services() == ["cargo", "customs"]
    inner = Fetch(service="x", operation="{ a }")
    assert count_fetches(Sequence((inner, Flatten(("a",), inner), Condition("v", inner, None)))) == 3
    assert QueryPlan(node=None).fetches == 0 and str(QueryPlan(node=None)) == "QueryPlan {\n}"


def test_the_plan_command_prints_a_plan_for_a_supergraph_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "supergraph.graphql"
    path.write_text(cargo_customs())
    assert main(["plan", '{ shipment(awb: "1") { duty } }', "--supergraph", str(path)]) == 0
    out = capsys.readouterr().out
    assert 'Fetch(service: "customs")' in out and "weight" in out  # @requires input in the representation
