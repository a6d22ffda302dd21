"""The example operations (gateway/operations/*.graphql) against the API schema clients see."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

from gateway.cli import _examples_banner
from gateway.graphiql import example_tabs, graphiql_page
from gateway.operations import ORDER, example_operations, load_operation

PLATFORM = build_schema((Path(__file__).parents[2] / "schema" / "platform.graphql").read_text(encoding="utf-8"))
OPERATIONS = example_operations()


def test_every_listed_example_exists_and_the_mutation_comes_last() -> None:
    assert list(OPERATIONS) == list(ORDER)
    assert [op.kind for op in OPERATIONS.values()].count("mutation") == 1
    assert list(OPERATIONS.values())[-1].kind == "mutation"


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_example_is_valid_against_the_platform_schema_and_says_what_it_shows(name: str) -> None:
    op = OPERATIONS[name]
    assert validate(PLATFORM, parse(op.text)) == []
    assert len(op.description) > 40 and op.variables


@pytest.mark.parametrize(
    ("filename", "text", "fragment"),
    [
        ("A.graphql", "# a\nquery A { x }\nquery B { y }", "exactly one named operation"),
        ("A.graphql", "# a\n{ x }", "exactly one named operation"),
        ("B.graphql", "# a\nquery A { x }", "rename it to A.graphql"),
        ("A.graphql", "query A { x }", "open the file with comment lines"),
        ("A.graphql", "# a\n# variables: {oops}\nquery A { x }", "is not JSON"),
        ("A.graphql", "# a\n# variables: [1]\nquery A { x }", "must be a JSON object"),
    ],
)
def test_a_malformed_example_file_is_refused_naming_the_file(filename: str, text: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment) as caught:
        load_operation(filename, text)
    assert filename in str(caught.value)


def test_graphiql_opens_a_welcome_tab_then_every_example_with_its_variables() -> None:
    tabs = example_tabs()
    assert "silkgraph token" in tabs[0]["query"]
    assert [tab["query"] for tab in tabs[1:]] == [op.text for op in OPERATIONS.values()]
    assert '"taxId": "91370281MA3C5R7B0C"' in tabs[1]["variables"]
    assert "SubmitDeclaration" in graphiql_page(demo=True)
    assert "SubmitDeclaration" not in graphiql_page(demo=False)


def test_the_demo_banner_lists_every_example() -> None:
    banner = _examples_banner()
    assert all(f"  {name} " in banner for name in OPERATIONS)
