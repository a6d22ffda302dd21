"""Record contents: redaction by declared type, and field lineage from the plan."""

from __future__ import annotations

from graphql import build_schema, parse

from gateway.audit.redaction import Redactor
from gateway.federation.engine import GraphQLRequest
from gateway.sdk.context import RequestContext
from tests.gateway.federation.conftest import Graph

SCHEMA = build_schema(
    """
    enum Status { OPEN SETTLED }
    input Filter { status: Status, iban: String, active: Boolean, amounts: [Int!] }
    type Query { payments(filter: Filter, first: Int, note: String, flag: Boolean, s: Status): [String] }
    """
)
OP = parse(
    "query($filter: Filter, $first: Int, $note: String, $flag: Boolean, $s: Status!) "
    "{ payments(filter: $filter, first: $first, note: $note, flag: $flag, s: $s) }"
).definitions[0]
KEY = b"k" * 32


def test_enums_booleans_and_nulls_stay_clear_everything_else_is_keyed_hashed() -> None:
    redactor = Redactor(KEY)
    variables = {
        "filter": {"status": "SETTLED", "iban": "DE89370400440532013000", "active": True, "amounts": [5, 7]},
        "first": 10,
        "note": None,
        "flag": False,
        "s": "OPEN",
        "extra": "undeclared",
    }
    out = redactor.redact(SCHEMA, OP, variables)  # type: ignore[arg-type]
    assert out["filter"]["status"] == "SETTLED"
    assert out["filter"]["active"] is True
    assert out["filter"]["iban"].startswith("hmac-sha256:")
    assert all(a.startswith("hmac-sha256:") for a in out["filter"]["amounts"])
    assert out["first"].startswith("hmac-sha256:")
    assert (out["note"], out["flag"], out["s"]) == (None, False, "OPEN")
    assert out["extra"].startswith("hmac-sha256:")
    assert "DE89" not in str(out)


def test_equal_values_give_equal_digests_only_under_the_same_key() -> None:
    a, b = Redactor(KEY), Redactor(b"z" * 32)
    assert a.digest("DE89370400440532013000") == a.digest("DE89370400440532013000")
    assert a.digest("DE89370400440532013000") != a.digest("DE89370400440532013001")
    assert a.digest("x") != b.digest("x")


def test_configured_names_are_kept_in_clear() -> None:
    out = Redactor(KEY, clear=("fir*",)).redact(SCHEMA, OP, {"first": 10, "note": "x"})  # type: ignore[arg-type]
    assert out == {"first": 10, "note": Redactor(KEY).digest("x")}


async def test_lineage_names_the_subgraph_behind_each_response_path() -> None:
    from gateway.audit.lineage import lineage

    graph = Graph()
    result = await graph.graph.execute(
        GraphQLRequest(query="{ shipments { awb status duty cleared } }"), RequestContext()
    )
    entries = lineage(result.plan, result.fetches, {1: [0, 1]})
    paths = {(e["path"], e["service"], e["fetch"]) for e in entries}
    assert ("shipments", "cargo", 0) in paths
    assert ("shipments.@.duty", "customs", 1) in paths
    assert ("shipments.@.cleared", "customs", 1) in paths
    assert next(e for e in entries if e["path"] == "shipments.@.duty")["legacy_calls"] == [0, 1]
