"""Federation corner cases found by running a public gateway conformance audit against Silkgraph; each test
uses our own small subgraphs (``audit_graphs``) served over loopback HTTP."""

from __future__ import annotations

from gateway.federation.compose import compose
from gateway.federation.engine import FederatedGraph, GraphQLRequest
from gateway.federation.supergraph import load_supergraph
from gateway.sdk.context import RequestContext
from tests.gateway.federation import audit_graphs as g
from tests.gateway.federation import audit_nested_graphs as ng
from tests.gateway.federation import directive_graphs as dg
from tests.gateway.federation.composing import source
from tests.gateway.federation.harness import Federated, federated


def _representations(f: Federated, subgraph: str) -> list[object]:
    """Every representation a subgraph was sent (batched levels use $representations, $r0, $r1, ...)."""
    return [
        r
        for b in f.recorders[subgraph].bodies
        for v in b.get("variables", {}).values()
        if isinstance(v, list)
        for r in v
    ]


async def test_a_requires_input_that_is_itself_computed_from_requires_gets_its_own_inputs() -> None:
    # duty.insured needs tariff.freight, which needs depot.kg: the tariff fetch must carry kg
    async with federated(g.chained_requires_graph()) as f:
        data = await f.data('{ a: parcel(id: "p1") { insured } b: parcel(id: "p2") { kg insured } }')
        assert data == {"a": {"insured": False}, "b": {"kg": 30.0, "insured": True}}
        assert {"__typename": "Parcel", "id": "p1", "kg": 12.0} in _representations(f, "tariff")


async def test_an_interface_object_field_needing_no_concrete_type_is_shaped_from_the_interface() -> None:
    # the interface-object subgraph answers without __typename; nothing in the selection needs the concrete type
    async with federated(dg.interface_object_graph()) as f:
        result = await f.run("{ riskyAccounts { id riskScore } }")
        assert result.errors == []
        assert result.data == {"riskyAccounts": [{"id": "a2", "riskScore": 70}]}
        assert f.entity_calls("bank") == 0


async def test_inaccessible_object_types_and_enum_values_read_as_null_without_leaking() -> None:
    async with federated(g.inaccessible_values_graph()) as f:
        result = await f.run("{ records { ref ... on Invoice { total } } stages }")
        assert result.errors == []
        assert result.data == {"records": [{"ref": "i1", "total": 40}, None], "stages": ["OPEN", None]}
        # in a non-null position the null still propagates, with an error
        result = await f.run("{ requiredStage }")
        assert result.data is None
        assert [e["extensions"]["code"] for e in result.errors] == ["NON_NULL_VIOLATION"]
        assert "PURGED" not in str(result.errors)


async def test_requires_with_inline_fragments_sends_each_objects_own_fields() -> None:
    async with federated(g.requires_fragments_graph()) as f:
        data = await f.data("{ consignments { id fee } }")
        assert data == {"consignments": [{"id": "c1", "fee": "inv-1:120"}, {"id": "c2", "fee": "pm-7:KZ"}]}
        papers = [r.get("paper") for r in _representations(f, "fees") if isinstance(r, dict)]
        assert {"__typename": "Invoice", "ref": "inv-1", "amount": 120} in papers
        assert {"__typename": "Permit", "ref": "pm-7", "authority": "KZ"} in papers


async def test_an_entity_path_reached_through_two_parent_types_fetches_the_key_in_both() -> None:
    async with federated(g.shared_entity_path_graph()) as f:
        data = await f.data("{ vessels { ... on Tanker { berth { depth } } ... on Freighter { berth { depth } } } }")
        assert data == {"vessels": [{"berth": {"depth": "T-9321483:14m"}}, {"berth": {"depth": "F-9074729:14m"}}]}
        assert f.entity_calls("harbour") == 1  # both berths in one _entities call


async def test_requires_may_select_a_field_hidden_from_the_api_schema() -> None:
    async with federated(g.requires_inaccessible_graph()) as f:
        assert await f.data("{ lot { id price } }") == {"lot": {"id": "l1", "price": 100.0}}
        result = await f.run("{ lot { cost } }")  # still hidden from clients
        assert result.data is None and result.errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_shared_root_field_of_a_value_type_is_asked_of_each_subgraph_for_its_own_fields() -> None:
    async with federated(g.shared_root_value_graph()) as f:
        data = await f.data("{ rate { pair bid ask } rates { ask pair } }")
        assert data == {
            "rate": {"pair": "CNY/KZT", "bid": 70.1, "ask": 70.9},
            "rates": [{"ask": 70.9, "pair": "CNY/KZT"}, {"ask": 0.15, "pair": "CNY/USD"}],
        }
        assert len(f.operations("bank")) == 1 and len(f.operations("exchange")) == 1


async def test_a_shared_root_field_counts_its_provides_when_choosing_the_subgraph() -> None:
    async with federated(g.root_provides_graph()) as f:
        data = await f.data("{ manifests { id carrier { id name } } }")
        assert data == {"manifests": [{"id": "m1", "carrier": {"id": "k1", "name": "Kazakh Rail"}}]}
        assert f.operations("registry") == []  # one fetch, to the subgraph whose @provides covers it all


async def test_a_shared_root_field_of_an_interface_goes_where_its_concrete_fields_are() -> None:
    async with federated(g.abstract_root_graph()) as f:
        data = await f.data("{ form { id ... on Declaration { status } } }")
        assert data == {"form": {"id": "f1", "status": "RELEASED"}}
        assert f.operations("clearance") == []


async def test_a_value_type_field_is_fetched_through_the_entity_it_hangs_off() -> None:
    # Route has no @key: its eta is reached as Crate.route { eta } by the crate's key
    async with federated(g.parent_entity_graph()) as f:
        data = await f.data("{ crates { id route { origin eta } } }")
        assert data == {
            "crates": [
                {"id": "k1", "route": {"origin": "Urumqi", "eta": "k1:2026-12-03"}},
                {"id": "k2", "route": {"origin": "Urumqi", "eta": "k2:2026-12-03"}},
            ]
        }
        assert f.entity_calls("transit") == 1


async def test_each_alias_of_a_shared_root_field_goes_to_the_subgraph_that_knows_its_fragment() -> None:
    async with federated(g.half_known_root_graph()) as f:
        query = '{ t: asset(id: "t1") { ... on Truck { plate } } w: asset(id: "w1") { ... on Wagon { id gauge } } }'
        data = await f.data(query)
        assert data == {"t": {"plate": "KZ 123 ABA"}, "w": {"id": "w1", "gauge": 1520}}
        assert f.entity_calls("hub") == 0 and f.entity_calls("yard") == 0


async def test_a_key_that_no_subgraph_on_the_way_can_supply_is_a_planning_error() -> None:
    # whichever subgraph answers asset, the id of the other type is only an @external there
    async with federated(g.half_known_root_graph()) as f:
        result = await f.run('{ asset(id: "t1") { id } }')
        assert result.data is None
        assert result.errors[0]["extensions"]["code"] == "QUERY_PLANNING_FAILED"
        assert f.operations("hub") == [] and f.operations("yard") == []


async def test_an_external_key_field_covered_by_provides_is_read_from_the_fetch_that_has_it() -> None:
    async with federated(g.provided_key_graph()) as f:
        data = await f.data("{ slots { ship { imo name flag } } }")
        assert data == {"slots": [{"ship": {"imo": "9321483", "name": "Steppe Star", "flag": "KZ:9321483"}}]}
        assert f.entity_calls("flags") == 1
        assert {"__typename": "Ship", "imo": "9321483"} in _representations(f, "flags")


async def test_requires_inputs_reach_member_types_hidden_from_clients() -> None:
    async with federated(g.requires_hidden_member_graph()) as f:
        data = await f.data("{ pallets { id levy content { label } } }")
        # the scrap pallet's content is an @inaccessible type: null for the client, but its levy was computed
        assert data == {
            "pallets": [
                {"id": "g1", "levy": "wheat:12", "content": {"label": "wheat"}},
                {"id": "s1", "levy": "rebar:steel", "content": None},
            ]
        }


async def test_requires_through_an_owned_field_with_arguments_waits_for_the_nested_external_inputs() -> None:
    # classing needs lines(limit: 2) { hsCode }: it owns lines, but hsCode comes from registry, and the client
    # asks for lines with another limit in the same fetch
    async with federated(ng.requires_through_owned_field_graph()) as f:
        data = await f.data("{ manifests { id dutyClass lines(limit: 1) { id } } }")
        assert data == {
            "manifests": [
                {"id": "m1", "dutyClass": "metals", "lines": [{"id": "l1"}]},
                {"id": "m2", "dutyClass": "general", "lines": [{"id": "l4"}]},
            ]
        }
        assert f.entity_calls("registry") == 1


async def test_a_key_only_a_parent_entity_call_supplies_is_fetched_through_the_parent_two_levels_down() -> None:
    # Declaration.id comes from customs as shipment.dossier.declaration.id (customs cannot resolve Declaration by
    # it); registry's status is reached by that id; papers adds remarks through the shipment's key too
    async with federated(ng.parent_entity_key_graph()) as f:
        data = await f.data("{ shipments { ref dossier { declaration { id status remarks } } } }")
        assert data == {
            "shipments": [
                {
                    "ref": "AWB-s1",
                    "dossier": {"declaration": {"id": "d7", "status": "d7:RELEASED", "remarks": "remarks for s1"}},
                },
                {
                    "ref": "AWB-s2",
                    "dossier": {"declaration": {"id": "d9", "status": "d9:RELEASED", "remarks": "remarks for s2"}},
                },
            ]
        }
        assert f.entity_calls("registry") == 1
        assert _representations(f, "registry") == [
            {"__typename": "Declaration", "id": "d7"},
            {"__typename": "Declaration", "id": "d9"},
        ]


async def test_a_field_behind_a_non_resolvable_interface_object_is_answered_from_its_own_root_only() -> None:
    async with federated(ng.non_resolvable_interface_object_graph()) as f:
        assert await f.data("{ pinnedPermit { id remark } }") == {
            "pinnedPermit": {"id": "pm-1", "remark": "remark on pm-1"}
        }
        # registry returns Permit but knows none of its types, and notes cannot be entered by Permit's key
        result = await f.run("{ latestPermit { remark } }")
        assert result.data is None
        assert result.errors[0]["extensions"]["code"] == "QUERY_PLANNING_FAILED"
        assert "Permit.remark" in result.errors[0]["message"]
        assert f.operations("registry") == []


async def test_a_requires_input_whose_own_input_comes_back_from_the_first_subgraph_is_planned_in_order() -> None:
    async with federated(ng.requires_round_trip_graph()) as f:
        assert await f.data("{ invoices { id cleared } }") == {
            "invoices": [{"id": "i1", "cleared": False}, {"id": "i2", "cleared": True}]
        }
        # risk is asked twice at that path: for issuer { id }, then for risky with the issuers' yearsTrading
        assert f.entity_calls("risk") == 2


async def test_skip_and_include_on_fragments_reach_the_subgraph_so_skipped_fields_are_not_resolved() -> None:
    async with federated(ng.conditional_fragment_graph()) as f:
        result = await f.run("{ container { id ... @skip(if: true) { sealAudit } } }")
        assert (result.data, result.errors) == ({"container": {"id": "MSKU1234565"}}, [])
        query = (
            "query ($full: Boolean!) { container { id ...Seal @include(if: $full) } } "
            "fragment Seal on Container { sealAudit }"
        )
        result = await f.run(query, {"full": False})
        assert (result.data, result.errors) == ({"container": {"id": "MSKU1234565"}}, [])
        assert "@include(if: $full)" in f.operations("yard")[-1]
        result = await f.run(query, {"full": True})
        # asked for: the subgraph's error reaches the answer (and the non-null nulls propagate to the root)
        assert result.data is None and result.errors[0]["path"] == ["container", "sealAudit"]


async def test_fragments_selecting_one_key_with_different_types_in_the_subgraph_are_asked_apart() -> None:
    async with federated(ng.mismatched_key_types_graph()) as f:
        query = "{ parties { ... on Trader { id name } ... on Agent { id name } } traders { id name } }"
        assert await f.data(query) == {
            "parties": [{"id": "t1", "name": "Steppe Grain"}, {"id": None, "name": "KZ Broker"}],
            "traders": [{"id": "t1", "name": "Steppe Grain"}],
        }


class _Canned:
    """A subgraph answering every operation with one canned response, keeping what it was sent."""

    def __init__(self, response: dict[str, object]) -> None:
        self.response = response
        self.sent: list[tuple[str, dict[str, object]]] = []

    async def fetch(
        self, operation: str, variables: dict[str, object], context: object, operation_name: object = None
    ) -> dict[str, object]:
        self.sent.append((operation, dict(variables)))
        return self.response


async def test_an_abstract_field_whose_subgraph_declares_no_member_is_answered_by_the_returned_typename() -> None:
    # lookup publishes Record without implementations (as a Fed 1 node resolver does) yet answers a Permit;
    # the interface's own fields come from lookup, the Permit's by its key from permits
    supergraph = load_supergraph(
        compose(
            [
                source("lookup", "interface Record { id: ID! } type Query { record(id: ID!): Record }"),
                source(
                    "permits",
                    'interface Record { id: ID! } type Permit implements Record @key(fields: "id") '
                    "{ id: ID! authority: String! }",
                ),
            ]
        )
    )
    lookup = _Canned({"data": {"record": {"__typename": "Permit", "id": "pm-1"}}})
    permits = _Canned({"data": {"_entities": [{"__typename": "Permit", "authority": "KZ customs"}]}})
    graph = FederatedGraph(supergraph, {"lookup": lookup, "permits": permits})
    query = '{ record(id: "pm-1") { __typename id ... on Permit { authority } } }'
    result = await graph.execute(GraphQLRequest(query=query), RequestContext())
    assert result.errors == []
    assert result.data == {"record": {"__typename": "Permit", "id": "pm-1", "authority": "KZ customs"}}
    assert [v for _, v in permits.sent] == [{"representations": [{"__typename": "Permit", "id": "pm-1"}]}]
