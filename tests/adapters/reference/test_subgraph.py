"""The reference subgraph as the gateway calls it: root queries, entities, batching and errors."""

from __future__ import annotations

from typing import Any

import pytest

from adapters import story
from adapters.reference import ReferenceAdapter
from adapters.reference.loaders import ReferenceLoaders
from gateway.sdk.context import RequestContext
from gateway.sdk.registry import load_adapter_class
from gateway.sdk.testing import entities, execute

SCO_MEMBERS = {"CN", "IN", "IR", "KZ", "KG", "PK", "RU", "TJ", "UZ", "BY"}


@pytest.fixture(scope="module")
def adapter() -> ReferenceAdapter:
    return ReferenceAdapter()


def _data(result: Any) -> Any:
    assert result.errors is None, result.errors
    return result.data


async def test_the_f1_acceptance_query_answers(adapter: ReferenceAdapter) -> None:
    data = _data(await execute(adapter, "{ countries { code name currencies { code minorUnits } } }"))
    by_code = {c["code"]: c for c in data["countries"]}
    assert set(by_code) >= SCO_MEMBERS
    assert by_code["KZ"] == {"code": "KZ", "name": "Kazakhstan", "currencies": [{"code": "KZT", "minorUnits": 2}]}
    assert by_code["IR"]["currencies"] == [{"code": "IRR", "minorUnits": 2}]
    assert by_code["CN"]["currencies"] == [{"code": "CNY", "minorUnits": 2}]


async def test_default_countries_are_sco_and_the_story_not_all_of_iso3166(adapter: ReferenceAdapter) -> None:
    data = _data(await execute(adapter, "{ countries { code } all: countries(all: true) { code } }"))
    default = {c["code"] for c in data["countries"]}
    everything = {c["code"] for c in data["all"]}
    story_countries = {c.country for c in story.COMPANIES} | {"JP"}  # a Honda made in Japan is exported
    assert story_countries <= default
    assert {"MN", "AF", "TR"} <= default
    assert len(everything) == 249
    assert "US" not in default and "US" in everything


@pytest.mark.parametrize(
    ("status", "expected"),
    [("MEMBER", SCO_MEMBERS), ("OBSERVER", {"AF", "MN"})],
)
async def test_countries_filter_by_sco_status(adapter: ReferenceAdapter, status: str, expected: set[str]) -> None:
    query = "query($s: ScoStatus) { countries(scoStatus: $s) { code scoStatus } }"
    data = _data(await execute(adapter, query, {"s": status}))
    assert {c["code"] for c in data["countries"]} == expected
    assert {c["scoStatus"] for c in data["countries"]} == {status}


async def test_story_countries_outside_the_sco_have_status_none(adapter: ReferenceAdapter) -> None:
    data = _data(await execute(adapter, "{ countries(scoStatus: NONE) { code } }"))
    assert {c["code"] for c in data["countries"]} == {"JP"}


async def test_country_lookup_has_iso_codes_and_airports(adapter: ReferenceAdapter) -> None:
    query = '{ country(code: "kz") { code alpha3 numeric officialName scoStatus airports { iata city timezone } } }'
    kz = _data(await execute(adapter, query))["country"]
    assert (kz["code"], kz["alpha3"], kz["numeric"], kz["scoStatus"]) == ("KZ", "KAZ", "398", "MEMBER")
    assert kz["officialName"] == "Republic of Kazakhstan"
    astana = next(a for a in kz["airports"] if a["iata"] == "NQZ")
    assert astana == {"iata": "NQZ", "city": "Astana", "timezone": "Asia/Almaty"}


async def test_invalid_country_code_is_bad_user_input(adapter: ReferenceAdapter) -> None:
    result = await execute(adapter, '{ country(code: "XX") { name } }')
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT"}
    assert "ISO 3166" in result.errors[0].message


async def test_currencies_carry_numeric_codes_and_minor_units(adapter: ReferenceAdapter) -> None:
    data = _data(await execute(adapter, "{ currencies { code numericCode minorUnits } }"))
    by_code = {c["code"]: c for c in data["currencies"]}
    assert by_code["CNY"] == {"code": "CNY", "numericCode": "156", "minorUnits": 2}
    assert by_code["JPY"]["minorUnits"] == 0
    assert by_code["KWD"]["minorUnits"] == 3
    assert by_code["XAU"]["minorUnits"] is None
    assert by_code["ALL"]["numericCode"] == "008"


async def test_airports_default_to_the_platform_hubs(adapter: ReferenceAdapter) -> None:
    data = _data(await execute(adapter, '{ airports { iata country } airport(iata: "tao") { name city } }'))
    hubs = {a["iata"]: a["country"] for a in data["airports"]}
    assert hubs["TAO"] == "CN" and hubs["NQZ"] == "KZ" and hubs["BSZ"] == "KG"
    assert "TSE" not in hubs and "FRU" not in hubs
    assert data["airport"]["city"] == "Qingdao"


async def test_unknown_airport_and_airline_are_null_and_malformed_ones_bad_user_input(
    adapter: ReferenceAdapter,
) -> None:
    data = _data(await execute(adapter, '{ airport(iata: "ZZZ") { name } airline(prefix: "001") { name } }'))
    assert data == {"airport": None, "airline": None}
    result = await execute(adapter, '{ airport(iata: "TA0") { name } }')
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT", "field": "iata"}


async def test_airlines_mark_which_prefixes_are_verified(adapter: ReferenceAdapter) -> None:
    data = _data(await execute(adapter, '{ airlines { awbPrefix name verified } airline(prefix: "999") { name } }'))
    verified = {a["awbPrefix"] for a in data["airlines"] if a["verified"]}
    assert verified == {"020", "157", "784"}
    assert data["airline"] == {"name": "Air China"}
    story_prefixes = {s.awb[:3] for s in story.SHIPMENTS}
    assert story_prefixes <= {a["awbPrefix"] for a in data["airlines"]}


async def test_hs_chapters_are_01_to_97_without_77(adapter: ReferenceAdapter) -> None:
    chapters = _data(await execute(adapter, "{ hsChapters { code title } }"))["hsChapters"]
    assert [c["code"] for c in chapters] == [f"{n:02d}" for n in range(1, 98) if n != 77]
    assert {c["code"]: c["title"] for c in chapters}["87"].startswith("Vehicles")


ROUND_TRIPS = [
    ("Country", {"code": "UZ"}, "code name scoStatus", {"code": "UZ", "name": "Uzbekistan", "scoStatus": "MEMBER"}),
    ("Currency", {"code": "KZT"}, "code name minorUnits", {"code": "KZT", "name": "Tenge", "minorUnits": 2}),
    ("Airport", {"iata": "TAO"}, "iata country", {"iata": "TAO", "country": "CN"}),
    ("Airline", {"awbPrefix": "784"}, "awbPrefix name", {"awbPrefix": "784", "name": "China Southern Airlines"}),
]


@pytest.mark.parametrize(("typename", "key", "fields", "expected"), ROUND_TRIPS)
async def test_entities_round_trip_for_every_keyed_type(
    adapter: ReferenceAdapter, typename: str, key: dict[str, str], fields: str, expected: dict[str, Any]
) -> None:
    result = await entities(adapter, [{"__typename": typename, **key}], f"... on {typename} {{ {fields} }}")
    assert _data(result) == {"_entities": [expected]}


async def test_unknown_entity_key_is_null_with_an_error_naming_it(adapter: ReferenceAdapter) -> None:
    reps = [{"__typename": "Airport", "iata": "PEK"}, {"__typename": "Airport", "iata": "ZZZ"}]
    result = await entities(adapter, reps, "... on Airport { iata }")
    assert result.data == {"_entities": [{"iata": "PEK"}, None]}
    assert result.errors is not None
    [error] = result.errors
    assert error.path == ["_entities", 1]
    assert "ZZZ" in error.message
    assert error.extensions is not None
    assert error.extensions["code"] == "NOT_FOUND"


async def test_malformed_entity_key_is_bad_user_input(adapter: ReferenceAdapter) -> None:
    result = await entities(adapter, [{"__typename": "Country", "code": "Kazakhstan"}], "... on Country { name }")
    assert result.data == {"_entities": [None]}
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT", "field": "representations.code"}


async def test_n_representations_are_one_batched_lookup_per_type(adapter: ReferenceAdapter) -> None:
    loaders = ReferenceLoaders()
    adapter_with_probe = _ProbedReference(loaders)
    reps = [{"__typename": "Country", "code": c} for c in sorted(SCO_MEMBERS)]
    reps += [{"__typename": "Airport", "iata": c} for c in ("TAO", "ALA", "NQZ")]
    result = await entities(adapter_with_probe, reps, "... on Country { code } ... on Airport { iata }")
    assert result.errors is None
    assert result.data is not None and len(result.data["_entities"]) == 13
    assert loaders.batches == {"countries": 1, "airports": 1}


class _ProbedReference(ReferenceAdapter):
    """The reference adapter whose per-request loaders the test can read afterwards."""

    def __init__(self, loaders: ReferenceLoaders) -> None:
        super().__init__()
        self._loaders = loaders

    def request_state(self, request: RequestContext) -> ReferenceLoaders:
        return self._loaders


async def test_sdl_is_federation_v2_with_keys(adapter: ReferenceAdapter) -> None:
    sdl = adapter.sdl()
    assert 'specs.apollo.dev/federation/v2.11"' in sdl
    for key in ('Country @key(fields: "code")', 'Currency @key(fields: "code")', 'Airport @key(fields: "iata")'):
        assert key in sdl
    assert 'Airline @key(fields: "awbPrefix")' in sdl
    service = _data(await execute(adapter, "{ _service { sdl } }"))
    assert "type Country" in service["_service"]["sdl"]


def test_the_entry_point_names_the_reference_adapter(adapter: ReferenceAdapter) -> None:
    assert load_adapter_class("reference") is ReferenceAdapter
    assert adapter.sandboxes() == ()
