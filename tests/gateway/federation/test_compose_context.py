"""``@context`` / ``@fromContext`` in composition: the supergraph the reference composition writes for them
(``golden/context.graphql`` is its output for :mod:`.context_graphs`), and the subgraph sets it rejects."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from gateway.errors import CompositionError
from gateway.federation.compose import SubgraphSource, compose

from .composing import field_of, source, type_directives
from .context_graphs import IMPORTS, context_sources

GOLDEN = Path(__file__).parent / "golden" / "context.graphql"
ORACLE = Path(__file__).parents[3] / "bench" / "oracle" / "reference_composition"


def test_supergraph_has_the_reference_definitions_and_joins() -> None:
    # the very text the reference writes, types in its order (by name ignoring case, spec types among the rest)
    assert compose(context_sources()).strip() == GOLDEN.read_text(encoding="utf-8").strip()


def test_contexts_are_named_per_subgraph_and_arguments_move_to_join_field() -> None:
    supergraph = compose(context_sources())
    assert '@link(url: "https://specs.apollo.dev/context/v0.1", for: SECURITY)' in supergraph
    assert type_directives(supergraph, "User")[-1] == '@context(name: "accounts__owner")'
    assert type_directives(supergraph, "Node")[-1] == '@context(name: "accounts__region")'
    amount = field_of(supergraph, "Transaction", "amount")
    assert [a.name.value for a in getattr(amount, "arguments", ())] == ["precision"]
    line = next(line for line in supergraph.splitlines() if line.startswith("  amount("))
    assert line.startswith(
        "  amount(precision: Int): String @join__field(graph: ACCOUNTS, contextArguments: "
        '[{context: "accounts__owner", name: "currency", type: "String", '
        'selection: " ... on User { currency { iso } } ... on Org { treasury { iso } }"}, '
        '{context: "accounts__region", name: "region", type: "String", '
        'selection: " ... on User { region } ... on Org { region }"}])'
    )


@pytest.mark.usefixtures("reference_composition")
def test_golden_is_what_the_reference_composition_writes() -> None:
    payload = json.dumps([{"name": s.name, "url": s.url, "sdl": s.sdl} for s in context_sources()])
    out = subprocess.run(["node", "compose.cjs"], input=payload, capture_output=True, text=True, check=True, cwd=ORACLE)
    assert json.loads(out.stdout)["supergraph"].strip() == GOLDEN.read_text(encoding="utf-8").strip()


BASE = """
type Query {{ user: User }}
type User @key(fields: "id") @context(name: "{name}") {{
  id: ID! currency: String! n: Int other: Other others: [Other!] transactions: [Transaction!]!
}}
type Other {{ x: String }}
type Transaction {key} {{ id: ID! {field} }}
"""


def _compose(field: str, name: str = "userCtx", key: str = '@key(fields: "id")', version: str = "2.8") -> str:
    body = BASE.format(name=name, field=field, key=key)
    return compose([source("a", body, imports=(*IMPORTS, "@external"), version=version)])


def _problems(field: str, **kw: str) -> list[str]:
    with pytest.raises(CompositionError) as caught:
        _compose(field, **kw)
    return caught.value.problems


@pytest.mark.parametrize(
    "field",
    [
        'amount(c: String @fromContext(field: "$userCtx { currency }")): String',
        'amount(c: String @fromContext(field: "$userCtx { other { x } }")): String',
        'amount(c: [String] @fromContext(field: "$userCtx { others { x } }")): String',
        'amount(c: String @fromContext(field: "$userCtx ... on User { currency }"), d: Int): String',
    ],
)
def test_valid_uses_compose(field: str) -> None:
    assert "contextArguments:" in _compose(field)


COORD = 'subgraph "a": @fromContext on "Transaction.amount(c:)"'


@pytest.mark.parametrize(
    ("field", "options", "expected"),
    [
        (
            'amount(c: String @fromContext(field: "$user_ctx { currency }")): String',
            {"name": "user_ctx"},
            'subgraph "a": context name "user_ctx" on "User" may not contain an underscore',
        ),
        (
            'amount(c: String @fromContext(field: "$userCtx { currency }")): String',
            {"name": "1ctx"},
            'subgraph "a": context name "1ctx" on "User" is invalid: use letters and digits, starting with a letter',
        ),
        (
            'amount(c: String @fromContext(field: "$nope { currency }")): String',
            {},
            f'{COORD}: context "nope" is never set in the subgraph; add @context to a type',
        ),
        (
            'amount(c: String @fromContext(field: "userCtx { currency }")): String',
            {},
            f'{COORD}: "userCtx {{ currency }}" does not reference a context; write "$contextName {{ field }}"',
        ),
        (
            'amount(c: String @fromContext(field: "$userCtx")): String',
            {},
            f'{COORD}: "$userCtx" does not reference a context; write "$contextName {{ field }}"',
        ),
        (
            'amount(c: String @fromContext(field: "$userCtx { missing }")): String',
            {},
            f'{COORD}: the selection of context "userCtx" on "User" selects "User.missing", which the subgraph '
            "does not define",
        ),
        (
            'amount(c: String @fromContext(field: "$userCtx { n }")): String',
            {},
            f'{COORD}: the selection of context "userCtx" on "User" has type "Int", which cannot be passed to an '
            'argument of type "String"',
        ),
        (
            'amount(c: String! @fromContext(field: "$userCtx { currency }")): String',
            {},
            f'{COORD}: the selection of context "userCtx" on "User" has type "String", which cannot be passed to '
            'an argument of type "String!"',
        ),
        (
            'amount(c: String @fromContext(field: "$userCtx { others { x } }")): String',
            {},
            f'{COORD}: the selection of context "userCtx" on "User" has type "[String]", which cannot be passed '
            'to an argument of type "String"',
        ),
        (
            'amount(c: String @fromContext(field: "$userCtx { currency id }")): String',
            {},
            f'{COORD}: the selection of context "userCtx" on "User" must select exactly one field at each level',
        ),
        (
            'amount(c: String @fromContext(field: "$userCtx { cur: currency }")): String',
            {},
            f'{COORD}: the selection of context "userCtx" on "User" may not use aliases',
        ),
        (
            'amount(c: String = "x" @fromContext(field: "$userCtx { currency }")): String',
            {},
            f"{COORD}: a contextual argument may not have a default value",
        ),
        (
            'amount(c: String @fromContext(field: "$userCtx { currency }")): String',
            {"key": ""},
            f'{COORD}: "Transaction" has no resolvable @key in this subgraph, but a field with a contextual '
            "argument is fetched by entity; add a @key",
        ),
    ],
)
def test_invalid_uses_are_rejected(field: str, options: dict[str, str], expected: str) -> None:
    assert expected in _problems(field, **options)


def test_context_needs_federation_2_8() -> None:
    problems = _problems('amount(c: String @fromContext(field: "$userCtx { currency }")): String', version="2.7")
    assert any('imports unknown directive "@context"' in p for p in problems)


def test_contexts_are_per_subgraph() -> None:
    setter = source(
        "a",
        'type Query { u: U } type U @key(fields: "id") @context(name: "c") { id: ID! x: String }',
        imports=IMPORTS,
        version="2.8",
    )
    user = source(
        "b",
        'type Query { t: T } type T @key(fields: "id") { id: ID! f(x: String @fromContext(field: "$c { x }")): Int }',
        imports=IMPORTS,
        version="2.8",
    )
    with pytest.raises(CompositionError) as caught:
        compose([setter, user])
    assert 'subgraph "b": @fromContext on "T.f(x:)": context "c" is never set in the subgraph' in str(caught.value)


def test_a_path_without_the_context_is_unsatisfiable() -> None:
    field = 'amount(c: String @fromContext(field: "$userCtx { currency }")): String'
    body = BASE.format(name="userCtx", field=field, key='@key(fields: "id")') + "extend type Query { tx: Transaction }"
    with pytest.raises(CompositionError) as caught:
        compose([source("a", body, imports=IMPORTS, version="2.8")])
    assert caught.value.problems == [
        "Transaction.amount takes an argument from context a__userCtx, but no type above it sets that context on "
        "the path Query.tx"
    ]


def test_an_external_field_read_by_a_context_is_used() -> None:
    header = '@link(url: "https://specs.apollo.dev/federation/v2.8", import: ["@key", "@context", "@fromContext", '
    ledger = (
        'type User @key(fields: "id") @context(name: "owner") { id: ID! tier: String @external txs: [Tx!]! }\n'
        'type Tx @key(fields: "id") { id: ID! fee(tier: String @fromContext(field: "$owner { tier }")): Int }'
    )
    profiles = 'type Query { me: User } type User @key(fields: "id") { id: ID! tier: String }'
    supergraph = compose(
        [
            SubgraphSource("ledger", "http://ledger", f'extend schema {header}"@external"])\n{ledger}'),
            SubgraphSource("profiles", "http://profiles", f'extend schema {header}"@external"])\n{profiles}'),
        ]
    )
    assert 'selection: " { tier }"' in supergraph
