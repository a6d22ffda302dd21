"""Every ID argument is refused empty at the gateway, wherever it hides: literal, variable, input object, list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from graphql import FragmentDefinitionNode, build_schema, parse
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.errors import BadUserInput
from gateway.federation.engine import operation_of
from gateway.policy.empty_ids import EmptyIdCheck
from tests.gateway.policy.app import running
from tests.gateway.policy.test_gateway_security import bearer

SCHEMA = build_schema(
    """
    input Leg { contractId: ID!, mrns: [ID!], note: String }
    input Batch { legs: [Leg!]! }
    type Contract { id: ID! legs(after: ID): [String!]! }
    type Query { contract(id: ID!): Contract  contracts(ids: [ID!]!): [Contract!]!  note(text: String!): String }
    type Mutation { record(input: Leg!): Contract  recordAll(batch: Batch!): [Contract!]! }
    """
)
CHECK = EmptyIdCheck(SCHEMA)


def check(query: str, variables: dict[str, Any] | None = None) -> None:
    document = parse(query)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    CHECK(operation_of(document, None), fragments, variables or {})


def refused(query: str, variables: dict[str, Any] | None = None) -> BadUserInput:
    with pytest.raises(BadUserInput) as caught:
        check(query, variables)
    return caught.value


@pytest.mark.parametrize(
    ("query", "variables", "field"),
    [
        ('{ contract(id: "") { id } }', None, "id"),
        ('{ contract(id: "  ") { id } }', None, "id"),
        ("query($id: ID!) { contract(id: $id) { id } }", {"id": ""}, "id"),
        ('{ contracts(ids: ["a", ""]) { id } }', None, "ids[1]"),
        ('{ contracts(ids: "") { id } }', None, "ids"),  # a single value where a list is expected
        ("query($ids: [ID!]!) { contracts(ids: $ids) { id } }", {"ids": ["a", ""]}, "ids[1]"),
        ('mutation { record(input: {contractId: ""}) { id } }', None, "input.contractId"),
        ("mutation($c: ID!) { record(input: {contractId: $c}) { id } }", {"c": ""}, "input.contractId"),
        (
            "mutation($i: Leg!) { record(input: $i) { id } }",
            {"i": {"contractId": "c", "mrns": ["", "x"]}},
            "input.mrns[0]",
        ),
        (
            "mutation($b: Batch!) { recordAll(batch: $b) { id } }",
            {"b": {"legs": [{"contractId": "a"}, {"contractId": ""}]}},
            "batch.legs[1].contractId",
        ),
        ('{ contract(id: "c") { legs(after: "") } }', None, "after"),
        ('{ ...F } fragment F on Query { contract(id: "c") { ... on Contract { legs(after: "") } } }', None, "after"),
    ],
)
def test_an_empty_id_is_refused_naming_its_input_path(query: str, variables: dict[str, Any] | None, field: str) -> None:
    error = refused(query, variables)
    assert error.code == "BAD_USER_INPUT" and error.extensions["field"] == field
    assert "non-empty ID" in str(error)


def test_non_empty_ids_null_ids_and_empty_strings_pass() -> None:
    check('{ contract(id: "c") { legs(after: null) } note(text: "") }')
    check('query($a: ID) { contract(id: "c") { legs(after: $a) } }', {"a": None})
    check('mutation { record(input: {contractId: "c", note: ""}) { id } }')


@settings(max_examples=100, deadline=None, derandomize=True)  # a fixed slice in CI
@given(st.lists(st.text(alphabet=" a", max_size=3), min_size=1, max_size=5), st.booleans())
def test_any_blank_id_in_a_list_is_found_by_literal_or_variable(ids: list[str], inline: bool) -> None:
    """Generated lists: the check refuses exactly when some id is blank, and names the first blank one."""
    blank = [n for n, value in enumerate(ids) if not value.strip()]
    if inline:
        query, variables = "{ contracts(ids: [" + ", ".join(f'"{i}"' for i in ids) + "]) { id } }", None
    else:
        query, variables = "query($ids: [ID!]!) { contracts(ids: $ids) { id } }", {"ids": ids}
    if blank:
        assert refused(query, variables).extensions["field"] == f"ids[{blank[0]}]"
    else:
        check(query, variables)


async def test_the_gateway_refuses_an_empty_id_before_any_subgraph_is_asked(tmp_path: Path) -> None:
    async with running(tmp_path) as gw:
        inline = await gw.post({"query": '{ shipment(awb: "") { awb } }'}, **bearer(tmp_path))
        variable = await gw.post(
            {"query": "query($a: ID!) { shipment(awb: $a) { awb } }", "variables": {"a": " "}}, **bearer(tmp_path)
        )
        for response in (inline, variable):
            assert response.status_code == 400
            (error,) = response.json()["errors"]
            assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "awb"}
        assert gw.spies["cargo"].contexts == []
