"""The standard introspection queries of graphql-js and graphql-core pass the default limits wherever
introspection is on, and the introspection rule agrees with a naive expansion on generated documents."""

from __future__ import annotations

import inspect
from pathlib import Path

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_introspection_query,
    parse,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.policy.limits import DocumentLimits, measure
from tests.gateway.policy.app import running
from tests.gateway.policy.test_gateway_security import bearer

HERE = Path(__file__).parent / "introspection"
#: graphql-js 16.11 getIntrospectionQuery() with descriptions, specifiedByUrl, directiveIsRepeatable,
#: schemaDescription, inputValueDeprecation and oneOf (what GraphiQL and GraphQL Code Generator send)
GRAPHQL_JS = (HERE / "graphql-js-16.11-all-options.graphql").read_text()


def _graphql_core_all_options() -> str:
    options = {
        name: True
        for name, parameter in inspect.signature(get_introspection_query).parameters.items()
        if parameter.annotation in (bool, "bool")
    }
    return get_introspection_query(**options)


def test_the_standard_introspection_queries_pass_the_default_limits() -> None:
    for query in (GRAPHQL_JS, _graphql_core_all_options(), get_introspection_query()):
        DocumentLimits().check(parse(query))


async def test_introspection_answers_under_default_limits_in_every_mode_where_it_is_on(tmp_path: Path) -> None:
    for mode, overrides in (("demo", {}), ("production", {"gateway.introspection": True})):
        async with running(tmp_path, mode, **overrides) as gw:
            for query in (GRAPHQL_JS, _graphql_core_all_options()):
                response = await gw.post({"query": query}, **(bearer(tmp_path) if mode == "demo" else {}))
                assert response.status_code == 200, (mode, response.text[:300])
                body = response.json()
                assert "errors" not in body, (mode, body["errors"])
                assert {"Query", "__Schema"} <= {t["name"] for t in body["data"]["__schema"]["types"]}


# --- property: the linear walk agrees with expanding every fragment by hand --------------------------------------

_LISTS = ("fields", "inputFields", "interfaces", "possibleTypes")
_NAMES = (*_LISTS, "ofType", "type", "name")


@st.composite
def _documents(draw: st.DrawFn) -> str:
    """A root introspection field over random selections and a DAG of fragments (F{i} spreads only F{j>i})."""
    count = draw(st.integers(0, 4))

    def selection(depth: int, first_fragment: int) -> str:
        if depth == 0:
            return "name"
        parts = []
        for _ in range(draw(st.integers(1, 3))):
            kind = draw(st.sampled_from(("field", "field", "spread", "inline")))
            if kind == "spread" and first_fragment < count:
                parts.append(f"...F{draw(st.integers(first_fragment, count - 1))}")
            elif kind == "inline":
                parts.append(f"... on __Type {{ {selection(depth - 1, first_fragment)} }}")
            else:
                parts.append(f"{draw(st.sampled_from(_NAMES))} {{ {selection(depth - 1, first_fragment)} }}")
        return " ".join(parts)

    fragments = [f"fragment F{i} on __Type {{ {selection(draw(st.integers(0, 3)), i + 1)} }}" for i in range(count)]
    root = draw(st.sampled_from(("__schema { types", '__type(name: "T") { ofType')))
    return f"{{ {root} {{ {selection(draw(st.integers(0, 4)), 0)} }} }} }} " + " ".join(fragments)


def _naive(document: DocumentNode) -> tuple[int, int]:
    """(depth, list nesting) of the root introspection fields, every fragment expanded in place."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}

    def walk(selection_set: SelectionSetNode) -> tuple[int, int]:
        depth = lists = 0
        for s in selection_set.selections:
            if isinstance(s, FieldNode):
                below = walk(s.selection_set) if s.selection_set else (0, 0)
                depth = max(depth, 1 + below[0])
                lists = max(lists, (s.name.value in _LISTS) + below[1])
            else:
                inner = s.selection_set if isinstance(s, InlineFragmentNode) else None
                if isinstance(s, FragmentSpreadNode):
                    inner = fragments[s.name.value].selection_set
                assert inner is not None
                below = walk(inner)
                depth, lists = max(depth, below[0]), max(lists, below[1])
        return depth, lists

    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    return walk(operation.selection_set)


@settings(max_examples=150, deadline=None, derandomize=True)  # a fixed slice in CI
@given(_documents())
def test_the_introspection_walk_agrees_with_a_naive_expansion(query: str) -> None:
    document = parse(query)
    shape = measure(document)
    assert (shape.introspection_depth, shape.introspection_lists) == _naive(document)
