"""The planner + executor over two in-process subgraphs (cargo owns shipments, customs adds duty via @requires)."""

from __future__ import annotations

import asyncio

from gateway.errors import UpstreamUnavailable
from gateway.federation.engine import GraphQLRequest
from tests.gateway.federation.conftest import Graph


async def test_requires_fetches_the_input_first_and_sends_it_in_the_representation(graph: Graph) -> None:
    result = await graph.run('{ shipment(awb: "999-12345675") { awb duty } }')
    assert result.errors == []
    assert result.data == {"shipment": {"awb": "999-12345675", "duty": 184.05}}
    assert graph.customs.representations == [{"awb": "999-12345675", "weight": 1840.5}]
    assert str(result.plan).count("Fetch(") == 2


async def test_one_entities_call_with_deduplicated_representations(graph: Graph) -> None:
    result = await graph.run("{ shipments { awb duty } }")
    assert len(graph.calls("customs")) == 1  # one _entities call for the whole list
    assert len(graph.customs.representations) == 3  # four shipments, one AWB twice
    shipments = result.data["shipments"] if result.data else None
    assert shipments is not None and len(shipments) == 4
    assert shipments[0] == shipments[3]


async def test_entity_error_is_repathed_to_every_client_position(graph: Graph) -> None:
    # customs fails `cleared` (non-null) for 784-30791202: the item is nulled, and the non-null list item
    # nulls the whole non-null list, so data itself becomes null
    result = await graph.run("{ shipments { awb cleared } }")
    paths = [e["path"] for e in result.errors]
    assert ["shipments", 1, "cleared"] in paths
    assert result.errors[0]["extensions"]["code"] == "UPSTREAM_TIMEOUT"
    assert result.errors[0]["extensions"]["serviceName"] == "customs"
    assert result.data is None


async def test_nullable_parent_absorbs_a_non_null_failure(graph: Graph) -> None:
    result = await graph.run('{ shipment(awb: "784-30791202") { awb cleared } }')
    assert result.data == {"shipment": None}
    assert [e["path"] for e in result.errors] == [["shipment", "cleared"]]


async def test_failed_subgraph_gives_partial_data_with_an_error_naming_it(graph: Graph) -> None:
    graph.customs.fail_with = None
    graph.cargo.fail_with = UpstreamUnavailable("cargo rail down", service="cargo")
    result = await graph.run('{ shipment(awb: "999-12345675") { awb } }')
    assert result.data == {"shipment": None}
    assert result.errors[0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert result.errors[0]["extensions"]["serviceName"] == "cargo"


async def test_unknown_entity_leaves_its_fields_null(graph: Graph) -> None:
    graph.customs.unknown.add("999-12345675")
    result = await graph.run('{ shipment(awb: "999-12345675") { awb duty } }')
    assert result.data == {"shipment": {"awb": "999-12345675", "duty": None}}


async def test_an_entity_that_fails_to_resolve_is_kept_and_the_error_points_at_the_entity(graph: Graph) -> None:
    graph.customs.failing.add("784-30791202")
    result = await graph.run("{ shipments { awb status d: duty } }")
    shipments = result.data["shipments"] if result.data else None
    assert shipments is not None
    assert shipments[1] == {"awb": "784-30791202", "status": "ARR", "d": None}  # cargo's fields stay
    assert shipments[0]["d"] == 184.05  # the other positions resolved
    # the subgraph's error at ["_entities", i] goes to that entity's place in the response, as federation routers do
    assert [e["path"] for e in result.errors] == [["shipments", 1]]
    assert result.errors[0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"


async def test_aliases_and_conflicting_response_keys(graph: Graph) -> None:
    result = await graph.run('{ s: shipment(awb: "999-12345675") { awb: status code: awb d: duty } }')
    assert result.errors == []
    assert result.data == {"s": {"awb": "ARR", "code": "999-12345675", "d": 184.05}}


async def test_skip_and_include_follow_the_variables(graph: Graph) -> None:
    query = 'query($withDuty: Boolean!) { shipment(awb: "999-12345675") { awb duty @include(if: $withDuty) } }'
    without = await graph.run(query, {"withDuty": False})
    assert without.data == {"shipment": {"awb": "999-12345675"}}
    with_duty = await graph.run(query, {"withDuty": True})
    assert with_duty.data == {"shipment": {"awb": "999-12345675", "duty": 184.05}}


async def test_fragments_and_typename(graph: Graph) -> None:
    query = """
      query Q { shipment(awb: "999-12345675") { ...Parts __typename } __typename }
      fragment Parts on Shipment { awb ... on Shipment { duty } }
    """
    result = await graph.run(query)
    assert result.data == {
        "shipment": {"awb": "999-12345675", "duty": 184.05, "__typename": "Shipment"},
        "__typename": "Query",
    }


async def test_inaccessible_fields_fail_validation_without_a_subgraph_call(graph: Graph) -> None:
    result = await graph.run('{ internalNote shipment(awb: "1") { secretScore } }')
    assert result.request_error
    assert {e["extensions"]["code"] for e in result.errors} == {"GRAPHQL_VALIDATION_FAILED"}
    assert graph.calls("cargo") == [] and graph.calls("customs") == []


async def test_introspection_answers_from_the_api_schema(graph: Graph) -> None:
    result = await graph.run('{ __type(name: "Shipment") { fields { name } } }')
    names = {f["name"] for f in result.data["__type"]["fields"]} if result.data else set()
    assert names == {"awb", "weight", "status", "duty", "cleared"}
    assert graph.calls("cargo") == []


async def test_plans_are_cached_per_document(graph: Graph) -> None:
    query = '{ shipment(awb: "999-12345675") { duty } }'
    await graph.run(query)
    await graph.run(query)
    assert graph.graph.planner.misses == 1 and graph.graph.planner.hits == 1


async def test_variables_are_validated_before_any_fetch(graph: Graph) -> None:
    result = await graph.run("query($a: ID!) { shipment(awb: $a) { awb } }", {"a": {"not": "an id"}})
    assert result.request_error
    assert result.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert graph.calls("cargo") == []


async def test_unknown_operation_name_is_a_request_error(graph: Graph) -> None:
    result = await graph.run("query A { shipments { awb } }", operation_name="B")
    assert result.request_error
    assert "B" in result.errors[0]["message"]


class _NullKeyCargo:
    """A cargo subgraph that returns a shipment whose key is null."""

    async def fetch(self, operation: str, variables: object, context: object, operation_name: object = None) -> object:
        return {"data": {"shipment": {"__typename": "Shipment", "awb": None, "weight": 1.0}}}


async def test_entities_with_a_null_key_are_not_fetched(graph: Graph) -> None:
    graph.graph.executor.transports = {**graph.transports, "cargo": _NullKeyCargo()}  # type: ignore[dict-item]
    result = await graph.run('{ shipment(awb: "x") { duty } }')
    assert graph.calls("customs") == []
    assert result.data == {"shipment": {"duty": None}}


async def test_a_fetch_under_an_include_is_planned_as_a_condition_and_not_sent_when_off(graph: Graph) -> None:
    query = 'query($d: Boolean!) { shipment(awb: "999-12345675") { awb duty @include(if: $d) } }'
    off = await graph.run(query, {"d": False})
    assert off.data == {"shipment": {"awb": "999-12345675"}}
    assert "Condition(if: $d)" in str(off.plan)
    assert graph.calls("customs") == []  # the skipped branch was not fetched
    on = await graph.run(query, {"d": True})
    assert on.data == {"shipment": {"awb": "999-12345675", "duty": 184.05}}
    assert len(graph.calls("customs")) == 1


async def test_skip_on_a_root_field_skips_its_whole_fetch(graph: Graph) -> None:
    query = 'query($s: Boolean!) { shipment(awb: "999-12345675") @skip(if: $s) { awb duty } }'
    skipped = await graph.run(query, {"s": True})
    assert skipped.data == {}
    assert graph.calls("cargo") == [] and graph.calls("customs") == []
    shown = await graph.run(query, {"s": False})
    assert shown.data == {"shipment": {"awb": "999-12345675", "duty": 184.05}}


class _SlowCargo:
    """A cargo subgraph that answers after a barrier: concurrent identical queries overlap for sure."""

    def __init__(self, inner: object, gate: asyncio.Event) -> None:
        self.inner = inner
        self.gate = gate
        self.calls = 0

    async def fetch(self, operation: str, variables: object, context: object, operation_name: object = None) -> object:
        self.calls += 1
        await self.gate.wait()
        return await self.inner.fetch(operation, variables, context, operation_name)  # type: ignore[attr-defined]


async def test_identical_queries_in_flight_share_one_subgraph_call_and_their_own_results(graph: Graph) -> None:
    gate = asyncio.Event()
    slow = _SlowCargo(graph.transports["cargo"], gate)
    graph.graph.executor.transports = {**graph.transports, "cargo": slow}  # type: ignore[dict-item]
    query = '{ shipment(awb: "999-12345675") { awb duty } }'
    first = asyncio.create_task(graph.run(query))
    second = asyncio.create_task(graph.run(query))
    for _ in range(5):
        await asyncio.sleep(0)
    gate.set()
    a, b = await asyncio.gather(first, second)
    assert slow.calls == 1  # one cargo call for both requests
    assert a.data == b.data == {"shipment": {"awb": "999-12345675", "duty": 184.05}}
    assert graph.graph.executor.deduplicated == 1


async def test_deduplication_can_be_switched_off(graph: Graph) -> None:
    gate = asyncio.Event()
    slow = _SlowCargo(graph.transports["cargo"], gate)
    graph.graph.executor.transports = {**graph.transports, "cargo": slow}  # type: ignore[dict-item]
    graph.graph.executor.deduplicate = False
    query = '{ shipment(awb: "999-12345675") { awb } }'
    tasks = [asyncio.create_task(graph.run(query)) for _ in range(2)]
    for _ in range(5):
        await asyncio.sleep(0)
    gate.set()
    await asyncio.gather(*tasks)
    assert slow.calls == 2
    assert graph.graph.executor.deduplicated == 0


async def test_different_tenants_never_share_a_call(graph: Graph) -> None:
    from gateway.sdk.context import Principal, RequestContext

    gate = asyncio.Event()
    slow = _SlowCargo(graph.transports["cargo"], gate)
    graph.graph.executor.transports = {**graph.transports, "cargo": slow}  # type: ignore[dict-item]
    query = '{ shipment(awb: "999-12345675") { awb } }'

    async def as_agency(agency: str) -> object:
        context = RequestContext(principal=Principal(subject="u", agency=agency))
        return await graph.graph.execute(GraphQLRequest(query=query), context)

    tasks = [asyncio.create_task(as_agency(a)) for a in ("kz-trade-agency", "qingdao-broker")]
    for _ in range(5):
        await asyncio.sleep(0)
    gate.set()
    await asyncio.gather(*tasks)
    assert slow.calls == 2


class _Stuck:
    """A subgraph that never answers (until cancelled)."""

    def __init__(self) -> None:
        self.calls = 0

    async def fetch(self, operation: str, variables: object, context: object, operation_name: object = None) -> object:
        self.calls += 1
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def test_a_query_past_its_deadline_returns_what_arrived_with_gateway_timeout(graph: Graph) -> None:
    graph.graph.executor.transports = {**graph.transports, "customs": _Stuck()}  # type: ignore[dict-item]
    graph.graph.executor.deadline = 0.2
    result = await graph.run('{ shipment(awb: "999-12345675") { awb duty } }')
    # cargo answered: its field stays; customs never did: its field is null, and the error says why
    assert result.data == {"shipment": {"awb": "999-12345675", "duty": None}}
    assert [e["extensions"]["code"] for e in result.errors] == ["GATEWAY_TIMEOUT"]
    assert "gateway.request_timeout" in result.errors[0]["message"]
    # the fetch that was still out is in the record, failed with the same code
    assert [(f.service, f.ok, f.error_code) for f in result.fetches] == [
        ("cargo", True, None),
        ("customs", False, "GATEWAY_TIMEOUT"),
    ]


async def test_a_query_within_its_deadline_is_untouched(graph: Graph) -> None:
    graph.graph.executor.deadline = 5.0
    result = await graph.run('{ shipment(awb: "999-12345675") { awb duty } }')
    assert result.errors == []
    assert result.data == {"shipment": {"awb": "999-12345675", "duty": 184.05}}


async def test_when_the_sharing_request_gives_up_its_waiters_fetch_for_themselves(graph: Graph) -> None:
    gate = asyncio.Event()
    slow = _SlowCargo(graph.transports["cargo"], gate)
    graph.graph.executor.transports = {**graph.transports, "cargo": slow}  # type: ignore[dict-item]
    query = '{ shipment(awb: "999-12345675") { awb } }'
    leader = asyncio.create_task(graph.run(query))
    for _ in range(5):
        await asyncio.sleep(0)
    waiter = asyncio.create_task(graph.run(query))
    for _ in range(5):
        await asyncio.sleep(0)
    assert graph.graph.executor.deduplicated == 1  # the second request is waiting on the first one's call
    leader.cancel()
    gate.set()
    result = await waiter
    assert result.errors == []
    assert result.data == {"shipment": {"awb": "999-12345675"}}
    assert slow.calls == 2  # the waiter asked cargo itself
