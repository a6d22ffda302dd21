"""One coercion rule for custom scalars: a bad value is the same request error whether it is written inline or
sent as a variable — BAD_USER_INPUT naming the input in extensions.field, no data, and no subgraph called.

Generated over every argument of the API schema whose type is (a list or non-null of) a custom scalar with a
platform rule, with values each rule must refuse."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLNamedType, Undefined, get_named_type, is_input_object_type, is_list_type, is_non_null_type

from gateway.federation.engine import FederatedGraph, GraphQLRequest
from gateway.federation.supergraph import load_supergraph
from gateway.sdk.context import RequestContext
from gateway.sdk.scalars import SCALAR_RULES

SUPERGRAPH = Path(__file__).parents[3] / "schema" / "supergraph.graphql"
BAD_VALUES: list[Any] = ["", "\x00", "X\x00Y", "not valid at all ✗", {"a": 1}, [["nested"]], 12345, True]


class Recorder:
    def __init__(self) -> None:
        self.calls: list[str] = []

    async def fetch(
        self, operation: str, variables: Mapping[str, Any], context: RequestContext, operation_name: str | None = None
    ) -> Mapping[str, Any]:
        self.calls.append(operation)
        return {"data": None}


SUPER = load_supergraph(SUPERGRAPH.read_text(), scalar_rules=SCALAR_RULES)
RECORDER = Recorder()
GRAPH = FederatedGraph(SUPER, {name: RECORDER for name in SUPER.subgraphs})


def _arguments() -> Iterator[tuple[str, str, str, bool]]:
    """(root field, argument, scalar, is a list) for every root argument typed with a ruled custom scalar (of
    fields that need no other argument)."""
    for root in (GRAPH.schema.query_type, GRAPH.schema.mutation_type):
        for field_name, field in (root.fields if root else {}).items():
            required = [n for n, a in field.args.items() if is_non_null_type(a.type) and a.default_value is Undefined]
            for arg_name, arg in field.args.items():
                if set(required) - {arg_name}:
                    continue  # another argument is required too: its absence would be the error
                named: GraphQLNamedType = get_named_type(arg.type)
                if named.name in SCALAR_RULES and not is_input_object_type(named):
                    inner = (
                        arg.type.of_type if hasattr(arg.type, "of_type") and not is_list_type(arg.type) else arg.type
                    )
                    yield field_name, arg_name, named.name, is_list_type(inner)


CASES = sorted(set(_arguments()))


def _literal(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


def _selection(field: str, root: str) -> str:
    schema = GRAPH.schema
    parent = schema.query_type if root == "query" else schema.mutation_type
    assert parent is not None
    named = get_named_type(parent.fields[field].type)
    return " { __typename }" if hasattr(named, "fields") else ""


def _type_of(field: str, arg: str) -> tuple[str, str]:
    for root in ("query", "mutation"):
        parent = GRAPH.schema.query_type if root == "query" else GRAPH.schema.mutation_type
        if parent is not None and field in parent.fields:
            return root, str(parent.fields[field].args[arg].type)
    raise AssertionError(field)


async def _answer(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    RECORDER.calls.clear()
    result = await GRAPH.execute(GraphQLRequest(query=query, variables=variables), RequestContext())
    assert RECORDER.calls == [], "a refused value must not reach a subgraph"
    assert result.request_error and result.data is None
    return result.to_json()


def test_the_schema_has_custom_scalar_arguments_to_check() -> None:
    assert len(CASES) >= 5
    assert {scalar for *_, scalar, _ in CASES} >= {"CountryCode", "UETR", "VIN"}


@pytest.mark.parametrize(("field", "arg", "scalar", "listed"), CASES, ids=str)
async def test_a_bad_value_is_the_same_request_error_inline_and_as_a_variable(
    field: str, arg: str, scalar: str, listed: bool
) -> None:
    root, type_text = _type_of(field, arg)
    keyword = "query" if root == "query" else "mutation"
    for bad in BAD_VALUES:
        value = [bad] if listed and not isinstance(bad, list) else bad
        inline = await _answer(f"{keyword} {{ {field}({arg}: {_literal(value)}){_selection(field, root)} }}")
        as_variable = await _answer(
            f"{keyword}($v: {type_text}) {{ {field}({arg}: $v){_selection(field, root)} }}", {"v": value}
        )
        for answer, expected_field in ((inline, arg), (as_variable, "$v")):
            codes = {e["extensions"]["code"] for e in answer["errors"]}
            # a wrong JSON/GraphQL type for a list is refused by the type system itself, the same way both ways
            assert codes == {"BAD_USER_INPUT"} or (
                answer is inline and codes == {"GRAPHQL_VALIDATION_FAILED"} and not isinstance(bad, str)
            ), (bad, answer)
            fields = {e["extensions"].get("field") for e in answer["errors"]}
            if codes == {"BAD_USER_INPUT"}:
                assert all(f is not None and f.split("[")[0].split(".")[0] == expected_field for f in fields), (
                    bad,
                    answer,
                )


async def test_a_bad_value_inside_an_input_object_names_its_input_field_both_ways() -> None:
    given = {"number": "12345678", "issuedOn": "2026-01-01", "amount": "1.00", "sellerTaxId": "x\x00"}
    literal = ", ".join(f"{k}: {_literal(v)}" for k, v in given.items())
    inline = await _answer(f"{{ verifyInvoice(input: {{{literal}}}) {{ result }} }}")
    variable = await _answer("query($i: VerifyInvoiceInput!) { verifyInvoice(input: $i) { result } }", {"i": given})
    assert [e["extensions"] for e in inline["errors"]] == [{"code": "BAD_USER_INPUT", "field": "input.sellerTaxId"}]
    assert [e["extensions"] for e in variable["errors"]] == [{"code": "BAD_USER_INPUT", "field": "$i.sellerTaxId"}]
