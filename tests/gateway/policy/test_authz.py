"""@authenticated, @requiresScopes and @policy: removed before planning, null + UNAUTHENTICATED / FORBIDDEN."""

from __future__ import annotations

from typing import Any

from gateway.sdk.context import ANONYMOUS, Principal
from tests.gateway.policy.conftest import AUTHZ, SecuredGraph, annotated, user

AWB = "999-12345675"


def codes(errors: list[dict[str, Any]]) -> list[str]:
    return [e["extensions"]["code"] for e in errors]


async def test_anonymous_caller_gets_null_and_an_error_for_an_authenticated_field(secured: SecuredGraph) -> None:
    r = await secured.run(f'{{ shipment(awb: "{AWB}") {{ awb weight }} }}', ANONYMOUS)
    assert r.data == {"shipment": {"awb": AWB, "weight": None}}
    assert r.errors == [
        {
            "message": "Unauthorized field or type: Shipment.weight needs authentication",
            "extensions": {"code": "UNAUTHENTICATED", "coordinate": "Shipment.weight"},
            "path": ["shipment", "weight"],
        }
    ]


async def test_unauthorized_field_is_never_sent_to_its_subgraph(secured: SecuredGraph) -> None:
    r = await secured.run(f'{{ shipment(awb: "{AWB}") {{ awb duty cleared }} }}', user())
    assert r.data == {"shipment": {"awb": AWB, "duty": None, "cleared": True}}
    assert codes(r.errors) == ["FORBIDDEN"]
    assert r.errors[0]["path"] == ["shipment", "duty"]
    assert all("duty" not in op for op in secured.calls("customs"))
    assert all("weight" not in op for op in secured.calls("cargo"))  # duty's @requires was never planned


async def test_authorized_caller_gets_everything(secured: SecuredGraph) -> None:
    r = await secured.run(f'{{ shipment(awb: "{AWB}") {{ awb weight duty }} }}', user("customs:read"))
    assert r.errors == []
    assert r.data == {"shipment": {"awb": AWB, "weight": 1840.5, "duty": 184.05}}


async def test_requires_scopes_is_an_or_of_ands(secured: SecuredGraph) -> None:
    query = "{ shipments { awb } }"
    only_one_of_the_and = await secured.run(query, user("cargo:read"))
    assert only_one_of_the_and.data is None  # shipments is non-null: the null reaches the root
    assert codes(only_one_of_the_and.errors) == ["FORBIDDEN"]
    assert "cargo:read and shipments:list or audit:read" in only_one_of_the_and.errors[0]["message"]
    both = await secured.run(query, user("cargo:read", "shipments:list"))
    assert both.errors == [] and len(both.data["shipments"]) == 4  # type: ignore[index]
    alternative = await secured.run(query, user("audit:read"))
    assert alternative.errors == []


async def test_policy_callable_decides_and_a_non_null_field_propagates(secured: SecuredGraph) -> None:
    query = f'{{ shipment(awb: "{AWB}") {{ awb status }} }}'
    other_agency = await secured.run(query, user(agency="AG-2"))
    assert other_agency.data == {"shipment": None}  # status is String!: its null nulls the shipment
    assert [e["path"] for e in other_agency.errors] == [["shipment", "status"]]
    same = await secured.run(query, user(agency="AG-1"))
    assert same.data == {"shipment": {"awb": AWB, "status": "ARR"}}


async def test_unknown_or_failing_policy_denies() -> None:
    def broken(principal: Principal, coordinate: str) -> bool:
        raise RuntimeError("policy engine down")

    graph = SecuredGraph(annotated(AUTHZ), policies={"same_agency": broken})
    r = await graph.run(f'{{ shipment(awb: "{AWB}") {{ awb status }} }}', user(agency="AG-1"))
    assert r.data == {"shipment": None}
    missing = SecuredGraph(annotated(AUTHZ), policies={})
    r2 = await missing.run(f'{{ shipment(awb: "{AWB}") {{ awb status }} }}', user(agency="AG-1"))
    assert codes(r2.errors) == ["FORBIDDEN"]


async def test_authenticated_on_a_type_guards_every_field_returning_it() -> None:
    graph = SecuredGraph(annotated({"type Shipment": "@authenticated"}))
    r = await graph.run(f'{{ shipment(awb: "{AWB}") {{ awb }} }}', ANONYMOUS)
    assert r.data == {"shipment": None}
    assert r.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert graph.calls("cargo") == []  # the only root field was removed: nothing to fetch
    ok = await graph.run(f'{{ shipment(awb: "{AWB}") {{ awb }} }}', user())
    assert ok.data == {"shipment": {"awb": AWB}}


async def test_fields_inside_fragments_are_checked(secured: SecuredGraph) -> None:
    query = f"""
      query {{ shipment(awb: "{AWB}") {{ ...F ... on Shipment {{ duty }} }} }}
      fragment F on Shipment {{ awb weight }}
    """
    r = await secured.run(query, ANONYMOUS)
    assert r.data == {"shipment": {"awb": AWB, "weight": None, "duty": None}}
    assert sorted(e["path"][-1] for e in r.errors) == ["duty", "weight"]


async def test_each_caller_gets_its_own_plan(secured: SecuredGraph) -> None:
    query = f'{{ shipment(awb: "{AWB}") {{ awb weight }} }}'
    anonymous = await secured.run(query, ANONYMOUS)
    signed_in = await secured.run(query, user())
    again = await secured.run(query, ANONYMOUS)
    assert anonymous.data == again.data == {"shipment": {"awb": AWB, "weight": None}}
    assert signed_in.data == {"shipment": {"awb": AWB, "weight": 1840.5}}


async def test_renamed_directives_are_found_through_link_imports() -> None:
    sdl = annotated({"weight:": "@mustLogIn"}).replace(
        '@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)',
        '@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY, '
        'import: [{name: "@authenticated", as: "@mustLogIn"}])',
    )
    graph = SecuredGraph(sdl)
    r = await graph.run(f'{{ shipment(awb: "{AWB}") {{ weight }} }}', ANONYMOUS)
    assert r.data == {"shipment": {"weight": None}}


async def test_graph_without_directives_is_left_alone() -> None:
    graph = SecuredGraph(annotated({}))
    assert graph.graph.authorize is not None
    r = await graph.run(f'{{ shipment(awb: "{AWB}") {{ awb weight status }} }}', ANONYMOUS)
    assert r.errors == []
