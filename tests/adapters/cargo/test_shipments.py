"""Reading shipments through either airline interface, over real sockets."""

from __future__ import annotations

import dataclasses

from adapters import story
from adapters.cargo import CargoAdapter, create_cargo_xml_app, create_one_record_app
from gateway.sdk.sandbox import SandboxConfig, SandboxServer, serve_sandbox
from gateway.sdk.testing import entities, execute, operator, principal

from .conftest import calls, errors, make_adapter

TIMELINE = "events { code label at location flight } status { code label }"
DETAIL = f"""
  awb airline {{ prefix name interface }} origin destination pieces weightKg volumeM3 goodsDescription hsCode
  shipper {{ country taxId }} consignee {{ country taxId }}
  route {{ flight from to departure arrival }} {TIMELINE} booking {{ reference bookedAt }}
"""


async def test_a_one_record_shipment_reads_as_the_story_tells_it(adapter: CargoAdapter) -> None:
    result = await execute(adapter, f'{{ shipment(awb: "999-12345675") {{ {DETAIL} }} }}', who=operator())
    assert result.errors is None
    shipment = result.data["shipment"]  # type: ignore[index]
    assert shipment["airline"] == {"prefix": "999", "name": "Air China", "interface": "ONE_RECORD"}
    assert (shipment["origin"], shipment["destination"], shipment["pieces"]) == ("PVG", "SVO", 12)
    assert (shipment["weightKg"], shipment["volumeM3"], shipment["hsCode"]) == (1840.5, 9.6, "8433.90")
    assert shipment["shipper"] == {"country": "CN", "taxId": "91310115MA1K3Y4A90"}
    assert shipment["consignee"] == {"country": "RU", "taxId": "7707083893"}
    assert [leg["flight"] for leg in shipment["route"]] == ["CA1520", "CA909"]
    assert shipment["route"][1]["arrival"] == "2026-11-05T06:55:00+03:00"
    assert [e["code"] for e in shipment["events"]] == [e[0] for e in story.SHIPMENTS[0].events]
    assert shipment["status"] == {"code": "DLV", "label": "Delivered"}
    assert shipment["events"][3] == {
        "code": "DEP",
        "label": "Departed",
        "at": "2026-11-04T10:30:00+08:00",
        "location": "PVG",
        "flight": "CA1520",
    }
    assert shipment["booking"]["bookedAt"] == "2026-11-02T09:15:00+08:00"


async def test_a_cargo_xml_shipment_reads_as_the_story_tells_it(adapter: CargoAdapter) -> None:
    result = await execute(adapter, f'{{ shipment(awb: "784-30791202") {{ {DETAIL} }} }}', who=operator())
    assert result.errors is None
    shipment = result.data["shipment"]  # type: ignore[index]
    assert shipment["airline"] == {"prefix": "784", "name": "China Southern", "interface": "CARGO_XML"}
    assert (shipment["origin"], shipment["destination"], shipment["pieces"], shipment["weightKg"]) == (
        "CAN",
        "MSQ",
        30,
        4210.0,
    )
    assert shipment["consignee"] == {"country": "BY", "taxId": "200988541"}
    assert [e["code"] for e in shipment["events"]] == ["BKD", "RCS", "MAN", "DEP", "ARR"]
    assert shipment["events"][-1]["flight"] == "CZ6077"
    assert shipment["status"] == {"code": "ARR", "label": "Arrived"}
    assert shipment["route"][0]["departure"] == "2026-11-12T08:20:00+08:00"
    assert shipment["route"][1]["departure"] is None


async def test_the_same_story_reads_the_same_through_either_airline() -> None:
    """One event sequence seeded on a 999 AWB (ONE Record) and a 784 AWB (Cargo-XML): identical timelines."""
    base = story.SHIPMENTS[0]
    one = dataclasses.replace(base, awb="999-55500012")
    legacy = dataclasses.replace(base, awb="784-55500012")
    async with (
        serve_sandbox(create_one_record_app, SandboxConfig(options={"shipments": [one]})) as o,
        serve_sandbox(create_cargo_xml_app, SandboxConfig(options={"shipments": [legacy]})) as c,
    ):
        cargo = make_adapter(o, c)
        async with cargo.lifespan():
            query = (
                f'{{ a: shipment(awb: "{one.awb}") {{ {DETAIL} }} b: shipment(awb: "{legacy.awb}") {{ {DETAIL} }} }}'
            )
            result = await execute(cargo, query, who=operator())
    assert result.errors is None
    a, b = result.data["a"], result.data["b"]  # type: ignore[index]
    for field in ("awb", "airline"):
        assert a.pop(field) != b.pop(field)
    assert a == b
    assert len(a["events"]) == len(base.events)


async def test_n_entities_cost_one_call_per_interface(
    adapter: CargoAdapter, one_record: SandboxServer, cargo_xml: SandboxServer
) -> None:
    awbs = [s.awb for s in story.SHIPMENTS]
    representations = [{"__typename": "Shipment", "awb": awb} for awb in awbs]
    result = await entities(adapter, representations, "... on Shipment { awb pieces events { code } }", who=operator())
    assert result.errors is None
    assert [e["awb"] for e in result.data["_entities"]] == awbs  # type: ignore[index]
    assert calls(one_record)["search"] == 1
    assert calls(cargo_xml)["messages"] == 1


async def test_an_unknown_awb_resolves_to_null(adapter: CargoAdapter) -> None:
    result = await entities(
        adapter, [{"__typename": "Shipment", "awb": "999-00000070"}], "... on Shipment { awb }", who=operator()
    )
    assert result.errors is None
    assert result.data == {"_entities": [None]}


async def test_a_bad_check_digit_is_bad_user_input(adapter: CargoAdapter, one_record: SandboxServer) -> None:
    result = await execute(adapter, '{ shipment(awb: "999-12345676") { awb } }', who=operator())
    (error,) = errors(result)
    assert error["code"] == "BAD_USER_INPUT"
    assert "check digit" in error["message"]
    entity = await entities(
        adapter, [{"__typename": "Shipment", "awb": "999-12345676"}], "... on Shipment { awb }", who=operator()
    )
    assert errors(entity)[0]["code"] == "BAD_USER_INPUT"
    assert sum(calls(one_record).values()) == 0


async def test_an_unconnected_airline_is_named_with_the_known_ones(adapter: CargoAdapter) -> None:
    result = await execute(adapter, '{ shipment(awb: "020-12345675") { awb } }', who=operator())
    (error,) = errors(result)
    assert error["code"] == "BAD_USER_INPUT"
    assert "020 (Lufthansa)" in error["message"]
    assert "999 (Air China)" in error["message"] and "784 (China Southern)" in error["message"]


async def test_shipments_page_with_cursors_across_both_airlines(adapter: CargoAdapter) -> None:
    query = """
      query($after: String) {
        shipments(first: 2, after: $after) { totalCount edges { node { awb } } pageInfo { hasNextPage endCursor } }
      }"""
    seen: list[str] = []
    after = None
    for _ in range(5):
        result = await execute(adapter, query, {"after": after}, who=operator())
        assert result.errors is None
        page = result.data["shipments"]  # type: ignore[index]
        assert page["totalCount"] == len(story.SHIPMENTS)
        seen += [e["node"]["awb"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == sorted(s.awb for s in story.SHIPMENTS)


async def test_shipments_filter_by_airline_and_status(adapter: CargoAdapter, one_record: SandboxServer) -> None:
    result = await execute(
        adapter,
        '{ shipments(filter: {airline: "784", status: RCF}) { edges { node { awb status { code } } } } }',
        who=operator(),
    )
    assert result.errors is None
    assert result.data["shipments"]["edges"] == [  # type: ignore[index]
        {"node": {"awb": "784-20260026", "status": {"code": "RCF"}}}
    ]
    assert calls(one_record)["search"] == 0


async def test_bad_paging_arguments_are_bad_user_input(adapter: CargoAdapter) -> None:
    for query in ('{ shipments(after: "nope") { totalCount } }', "{ shipments(first: 1000) { totalCount } }"):
        assert errors(await execute(adapter, query, who=operator()))[0]["code"] == "BAD_USER_INPUT"
    unknown = await execute(adapter, '{ shipments(filter: {airline: "555"}) { totalCount } }', who=operator())
    assert "Aeroflot" in errors(unknown)[0]["message"]


async def test_company_shipments_by_role_in_one_call_per_interface(
    adapter: CargoAdapter, one_record: SandboxServer, cargo_xml: SandboxServer
) -> None:
    representations = [
        {"__typename": "Company", "country": "CN", "taxId": story.PUDONG[1]},
        {"__typename": "Company", "country": "KZ", "taxId": story.ASTANA_GRAIN[1]},
    ]
    selection = "... on Company { sent: shipments(role: SHIPPER) { awb } received: shipments(role: CONSIGNEE) { awb } }"
    result = await entities(adapter, representations, selection, who=operator())
    assert result.errors is None
    pudong, astana = result.data["_entities"]  # type: ignore[index]
    assert [s["awb"] for s in pudong["sent"]] == ["784-30791202", "999-12345675"]
    assert pudong["received"] == []
    assert [s["awb"] for s in astana["received"]] == ["999-20260015"]
    assert calls(one_record)["search"] == 1
    assert calls(cargo_xml)["messages"] == 1


async def test_company_shipments_come_from_the_listing_the_request_already_read(
    adapter: CargoAdapter, one_record: SandboxServer, cargo_xml: SandboxServer
) -> None:
    query = "{ shipments { edges { node { awb shipper { shipments { awb } } } } } }"
    result = await execute(adapter, query, who=operator())
    assert result.errors is None
    edges = result.data["shipments"]["edges"]  # type: ignore[index]
    sent = {e["node"]["awb"]: [s["awb"] for s in e["node"]["shipper"]["shipments"]] for e in edges}
    assert sent["999-12345675"] == ["784-30791202", "999-12345675"]  # Pudong's, on both airlines
    assert sent["999-20260030"] == ["999-20260030"]  # Mumbai's one
    assert calls(one_record)["search"] == 1 and calls(cargo_xml)["messages"] == 1  # the listing, nothing more


async def test_company_shipments_ask_only_the_airlines_a_filtered_listing_did_not_read(
    adapter: CargoAdapter, one_record: SandboxServer, cargo_xml: SandboxServer
) -> None:
    query = '{ shipments(filter: {airline: "784"}) { edges { node { shipper { shipments { awb } } } } } }'
    result = await execute(adapter, query, who=operator())
    assert result.errors is None
    companies = [e["node"]["shipper"]["shipments"] for e in result.data["shipments"]["edges"]]  # type: ignore[index]
    assert [[s["awb"] for s in c] for c in companies] == [["784-20260026"], ["784-30791202", "999-12345675"]]
    assert calls(cargo_xml)["messages"] == 1  # the listing of 784 answers for its own shipments
    assert calls(one_record)["search"] == 1  # one call for both companies' 999 shipments


async def test_a_partner_agency_sees_only_its_companies_shipments(adapter: CargoAdapter) -> None:
    ru = principal(agency="ru-export-center")
    result = await execute(adapter, "{ shipments { edges { node { awb } } } }", who=ru)
    assert result.errors is None
    awbs = [e["node"]["awb"] for e in result.data["shipments"]["edges"]]  # type: ignore[index]
    assert awbs == ["784-30791202", "999-12345675"]  # Pudong's, Volga's and Minsk's shipments only
    hidden = await execute(adapter, '{ shipment(awb: "784-20260026") { awb } }', who=ru)
    assert hidden.errors is None
    assert hidden.data == {"shipment": None}
    visible = await execute(
        adapter, '{ shipment(awb: "784-20260026") { awb } }', who=principal(agency="kz-trade-agency")
    )
    assert visible.data == {"shipment": {"awb": "784-20260026"}}
