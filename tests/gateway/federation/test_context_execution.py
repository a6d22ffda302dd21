"""``@fromContext`` end to end: plans, and answers equal to a monolith given the argument explicitly.

The subgraphs of :mod:`.context_graphs` run in-process on graphql-core. In the monolith, each transaction
listed under a user or an org carries that parent's currency and region, and ``amount`` computes from them: the
value the gateway must pass as the contextual argument, per position (one transaction can sit under two users
with different currencies).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from graphql import GraphQLResolveInfo, GraphQLSchema, build_schema, graphql_sync, parse

from bench.oracle.executable import OracleTransport
from gateway.federation.compose import SubgraphSource, compose
from gateway.federation.engine import FederatedGraph, GraphQLRequest
from gateway.federation.supergraph import load_supergraph
from gateway.sdk.context import RequestContext

from .context_graphs import ACCOUNTS, NOTES, context_sources

USERS = {
    "u1": {"currency": "USD", "region": "EU", "transactions": ["t1", "t2"]},
    "u2": {"currency": "EUR", "region": None, "transactions": ["t2", "t3"]},
}
ORGS = {"o1": {"treasury": "GBP", "region": "APAC", "ledger": ["t3", "t1"]}}
CENTS = {"t1": 1050, "t2": 99, "t3": 123456}


def _amount(cents: int, precision: int | None, currency: str | None, region: str | None) -> str:
    return f"{cents / 100:.{2 if precision is None else precision}f} {currency} @{region}"


def _owner(kind: str, id_: str) -> dict[str, Any]:
    data = USERS[id_] if kind == "User" else ORGS[id_]
    iso = data["currency"] if kind == "User" else data["treasury"]
    return {"__typename": kind, "id": id_, "iso": iso, "region": data["region"]}


def _resolve(obj: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
    """One resolver for every field of both kinds of schema (subgraph and monolith)."""
    name = info.field_name
    if info.parent_type.name == "Query":
        if name == "user":
            return _owner("User", args["id"]) if args["id"] in USERS else None
        if name == "users":
            return [_owner("User", u) for u in USERS]
        if name == "org":
            return _owner("Org", "o1")
        if name == "nodes":
            return [_owner("User", "u1"), _owner("Org", "o1"), _owner("User", "u2")]
        return 3  # noteCount
    if name in ("currency", "treasury"):
        return {"iso": obj["iso"]}
    if name in ("transactions", "ledger"):
        ids = (USERS if obj["__typename"] == "User" else ORGS)[obj["id"]][name]
        # the monolith's transactions know their parent; the subgraphs' only their id
        return [{"__typename": "Transaction", "id": t, "ctx": (obj["iso"], obj["region"])} for t in ids]
    if name == "cents":
        return CENTS[obj["id"]]
    if name == "note":
        return f"note {obj['id']}"
    if name == "amount":
        currency, region = obj["ctx"] if "ctx" in obj else (args.get("currency"), args.get("region"))
        return _amount(CENTS[obj["id"]], args.get("precision"), currency, region)
    return obj.get(name) if isinstance(obj, Mapping) else None


def _bind(schema: GraphQLSchema, resolver: Callable[..., Any]) -> None:
    """One resolver on every field; abstract types resolve by ``__typename``."""
    for named in schema.type_map.values():
        for field in getattr(named, "fields", {}).values() if not named.name.startswith("__") else ():
            field.resolve = resolver
        if hasattr(named, "resolve_type"):
            named.resolve_type = lambda obj, _info, _t: obj["__typename"]


def _executable(sdl: str, *, entities: bool) -> GraphQLSchema:
    extra = ""
    if entities:
        sdl = sdl.replace("type Query {", "type Query { _entities(representations: [_Any!]!): [_Entity]!", 1)
        extra = "scalar _Any\nunion _Entity = Transaction | User | Org\n"
        extra += "\n".join(f"type {t} {{ id: ID! }}" for t in ("User", "Org") if f"type {t} " not in sdl)
    schema = build_schema(sdl + "\n" + extra, assume_valid_sdl=True)
    _bind(schema, _resolve)
    if entities:
        schema.type_map["Query"].fields["_entities"].resolve = (  # type: ignore[attr-defined]
            lambda _o, _i, representations: [
                {**_owner(r["__typename"], r["id"]), **r} if r["__typename"] != "Transaction" else dict(r)
                for r in representations
            ]
        )
    return schema


MONOLITH = _executable(
    ACCOUNTS.replace("@fromContext", "@deprecated").split("type Transaction")[0]
    + "type Transaction { id: ID! cents: Int! note: String amount(precision: Int): String }\n"
    + "extend type Query { noteCount: Int }",
    entities=False,
)


@pytest.fixture
def gateway() -> tuple[FederatedGraph, dict[str, OracleTransport]]:
    supergraph = load_supergraph(compose(context_sources()))
    transports = {
        "accounts": OracleTransport(_executable(ACCOUNTS, entities=True)),
        "notes": OracleTransport(_executable(NOTES, entities=True)),
    }
    return FederatedGraph(supergraph, transports, max_tokens=None), transports


QUERIES = [
    '{ user(id: "u1") { transactions { id amount note } } }',
    "{ users { id transactions { id cents amount(precision: 1) } } }",
    "{ org { ledger { amount note } } }",
    "{ nodes { id ... on User { transactions { amount } } ... on Org { ledger { amount(precision: 0) note } } } }",
    '{ user(id: "u2") { transactions { a: amount(precision: 0) b: amount(precision: 3) } } }',
    '{ a: user(id: "u1") { transactions { amount } } b: org { ledger { id amount } } }',
]


@pytest.mark.parametrize("query", QUERIES)
async def test_answers_equal_the_monolith(
    query: str, gateway: tuple[FederatedGraph, dict[str, OracleTransport]]
) -> None:
    graph, _ = gateway
    expected = graphql_sync(MONOLITH, query)
    assert not expected.errors, expected.errors
    got = await graph.execute(GraphQLRequest(query=query), RequestContext())
    assert got.errors == []
    assert json.dumps(got.data) == json.dumps(expected.data)


async def test_one_entity_fetch_sends_one_call_per_distinct_value(
    gateway: tuple[FederatedGraph, dict[str, OracleTransport]],
) -> None:
    graph, transports = gateway
    query = "{ users { transactions { amount } } }"
    plan = graph.planner.plan(parse(query), None, frozenset())
    assert plan.fetches == 2
    got = await graph.execute(GraphQLRequest(query=query), RequestContext())
    assert got.data == {
        "users": [
            {"transactions": [{"amount": "10.50 USD @EU"}, {"amount": "0.99 USD @EU"}]},
            {"transactions": [{"amount": "0.99 EUR @None"}, {"amount": "1234.56 EUR @None"}]},
        ]
    }
    # t2 sits under both users: two representations of it, each with its own user's values, in one request
    (_root, entities) = transports["accounts"].operations
    assert entities.count("_entities(") == 2
    assert "$contextualArgument_1_0_e0: String" in entities and "$contextualArgument_1_0_e1: String" in entities


def test_plan_reads_the_context_from_the_nearest_ancestor(
    gateway: tuple[FederatedGraph, dict[str, OracleTransport]],
) -> None:
    graph, _ = gateway
    plan = graph.planner.plan(parse("{ nodes { ... on Org { ledger { amount } } } }"), None, frozenset())
    rewrites = json.dumps(plan.to_json())
    assert '"path": ["..", "... on Org", "treasury", "iso"], "renameKeyTo": "contextualArgument_1_0"' in rewrites
    assert '"path": ["..", "... on Org", "region"], "renameKeyTo": "contextualArgument_1_1"' in rewrites


HEADER = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.8", '
    'import: ["@key", "@context", "@fromContext", "@external"])\n'
)
LEDGER = """
type User @key(fields: "id") @context(name: "owner") { id: ID! tier: String @external txs: [Tx!]! }
type Tx @key(fields: "id") { id: ID! fee(tier: String @fromContext(field: "$owner { tier }")): Int }
"""
PROFILES = 'type Query { me: User  all: [User!]! } type User @key(fields: "id") { id: ID! tier: String }'
TIERS = {"u1": "gold", "u2": None, "u3": "silver"}
TXS = {"u1": ["x1", "x2"], "u2": ["x2"], "u3": ["x1"]}


def _fee(tx: str, tier: str | None) -> int:
    return int(tx[1:]) * {"gold": 10, "silver": 5}.get(tier or "", 1)


def _tier_resolver(obj: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
    name = info.field_name
    if name == "me":
        return {"__typename": "User", "id": "u1"}
    if name == "all":
        return [{"__typename": "User", "id": u} for u in TIERS]
    if name == "tier":
        return TIERS[obj["id"]]
    if name == "txs":
        return [{"__typename": "Tx", "id": t, "tier": TIERS[obj["id"]]} for t in TXS[obj["id"]]]
    if name == "fee":
        return _fee(obj["id"], obj["tier"] if "tier" in obj else args.get("tier"))
    return obj[name]


def _schema(sdl: str, entities: str = "") -> GraphQLSchema:
    if entities:
        sdl = "type Query { _entities(representations: [_Any!]!): [_Entity]! }\n" + sdl.replace(
            "type Query {", "extend type Query {"
        )
        sdl += f"\nscalar _Any\nunion _Entity = {entities}\n"
    schema = build_schema(sdl, assume_valid_sdl=True)
    _bind(schema, _tier_resolver)
    if entities:
        schema.type_map["Query"].fields["_entities"].resolve = (  # type: ignore[attr-defined]
            lambda _o, _i, representations: [dict(r) for r in representations]
        )
    return schema


@pytest.mark.parametrize(
    "query",
    ["{ me { txs { id fee } } }", "{ all { id txs { fee } } }", "{ all { tier txs { fee } } me { txs { id } } }"],
)
async def test_context_value_from_another_subgraph(query: str) -> None:
    """``tier`` is @external where the context is set: the gateway fetches it from its owner first."""
    supergraph = load_supergraph(
        compose(
            [
                SubgraphSource("ledger", "http://ledger", HEADER + LEDGER),
                SubgraphSource("profiles", "http://profiles", HEADER + PROFILES),
            ]
        )
    )
    ledger = LEDGER.replace(' @context(name: "owner")', "").replace(" @external", "")
    ledger = ledger.replace(' @fromContext(field: "$owner { tier }")', "")
    transports = {
        "ledger": OracleTransport(_schema(ledger, "User | Tx")),
        "profiles": OracleTransport(_schema(PROFILES.replace(' @key(fields: "id")', ""), "User")),
    }
    graph = FederatedGraph(supergraph, transports, max_tokens=None)
    monolith = _schema(
        "type Query { me: User all: [User!]! } type User { id: ID! tier: String txs: [Tx!]! } "
        "type Tx { id: ID! fee: Int }"
    )
    expected = graphql_sync(monolith, query)
    got = await graph.execute(GraphQLRequest(query=query), RequestContext())
    assert got.errors == []
    assert json.dumps(got.data) == json.dumps(expected.data)
