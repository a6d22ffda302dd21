"""Property-based fuzzing of the gateway on a loopback socket: any document or body gets a JSON answer with a
4xx or 200, never a 500, never a traceback, never a hang (pytest-timeout bounds each test)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import hypothesis_graphql
import pytest
from graphql import print_schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.gateway.policy.app import running
from tests.gateway.policy.conftest import AUTHZ, annotated, load

pytestmark = [pytest.mark.timeout(120), pytest.mark.slow]

FUZZ = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
LEAKS = ("Traceback", 'File "', "RuntimeError", "KeyError", "AttributeError", "TypeError:")


class BackgroundGateway:
    """The gateway served from its own thread and event loop, so synchronous Hypothesis tests can call it."""

    def __init__(self, workdir: Path, mode: str) -> None:
        self.workdir = workdir
        self.mode = mode
        self.url = ""
        self.ready = threading.Event()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    async def _main(self) -> None:
        async with running(self.workdir, self.mode) as gw:
            self.url = str(gw.client.base_url)
            self.ready.set()
            await asyncio.to_thread(self.stop.wait)

    def __enter__(self) -> BackgroundGateway:
        self.thread.start()
        if not self.ready.wait(30):
            raise RuntimeError("the gateway did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(10)


@pytest.fixture(scope="module", params=["demo", "production"])
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    with (
        BackgroundGateway(tmp_path_factory.mktemp("fuzz"), request.param) as gw,
        httpx.Client(base_url=gw.url, timeout=10, headers={"accept": "application/graphql-response+json"}) as c,
    ):
        yield c


def assert_sane(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text[:300]
    assert not any(leak in response.text for leak in LEAKS), response.text[:300]
    body = response.json()
    assert isinstance(body, dict | list)
    if isinstance(body, dict) and "errors" in body:
        assert all("code" in e.get("extensions", {}) or "path" in e for e in body["errors"]), body


API_SDL = print_schema(load(annotated(AUTHZ)).api_schema)


@FUZZ
@given(document=hypothesis_graphql.from_schema(API_SDL))
def test_generated_valid_queries(client: httpx.Client, document: str) -> None:
    assert_sane(client.post("/graphql", json={"query": document}))


@FUZZ
@given(document=st.text(max_size=400))
def test_arbitrary_text_as_a_document(client: httpx.Client, document: str) -> None:
    assert_sane(client.post("/graphql", json={"query": document}))


TOKENS = [
    "{",
    "}",
    "(",
    ")",
    "...",
    "on",
    "Query",
    "shipment",
    "awb",
    "__typename",
    "__schema",
    "types",
    "fields",
    "a:",
    "$v",
    ":",
    "ID!",
    "query",
    "mutation",
    "fragment",
    "F",
    "@skip(if: true)",
    "@x",
    '"1"',
    "1",
    "[",
    "]",
    "weight",
    "status",
    "duty",
    "cleared",
    "shipments",
    "#",
    "\n",
    "=",
    "!",
]


@FUZZ
@given(parts=st.lists(st.sampled_from(TOKENS), max_size=120))
def test_token_soup(client: httpx.Client, parts: list[str]) -> None:
    assert_sane(client.post("/graphql", json={"query": " ".join(parts)}))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=25,
)


@FUZZ
@given(
    body=st.fixed_dictionaries(
        {},
        optional={
            "query": JSON | st.just("query($v: ID!) { shipment(awb: $v) { awb } }"),
            "variables": JSON,
            "operationName": JSON,
            "extensions": JSON,
        },
    )
)
def test_arbitrary_request_objects(client: httpx.Client, body: dict[str, object]) -> None:
    assert_sane(client.post("/graphql", json=body))


@FUZZ
@given(payload=JSON)
def test_arbitrary_json_bodies(client: httpx.Client, payload: object) -> None:
    assert_sane(client.post("/graphql", content=json.dumps(payload), headers={"content-type": "application/json"}))


@FUZZ
@given(raw=st.binary(max_size=300), encoding=st.sampled_from(["identity", "gzip", "deflate", "br"]))
def test_arbitrary_bytes(client: httpx.Client, raw: bytes, encoding: str) -> None:
    headers = {"content-type": "application/json", "content-encoding": encoding}
    assert_sane(client.post("/graphql", content=raw, headers=headers))


@FUZZ
@given(
    params=st.dictionaries(st.sampled_from(["query", "variables", "operationName", "extensions"]), st.text(max_size=80))
)
def test_arbitrary_get_parameters(client: httpx.Client, params: dict[str, str]) -> None:
    assert_sane(client.get("/graphql", params=params, headers={"apollo-require-preflight": "1"}))


#: what RFC 9110 allows in a field value (visible ASCII, space, tab, obs-text); anything else is refused by the
#: HTTP parser before the gateway sees it
HEADER_VALUE = st.text(
    alphabet=st.characters(codec="latin-1", exclude_categories=("Cc",)) | st.sampled_from([" ", "\t"]), max_size=200
)


@FUZZ
@given(authorization=HEADER_VALUE)
def test_arbitrary_authorization_headers(client: httpx.Client, authorization: str) -> None:
    try:
        response = client.post("/graphql", json={"query": "{ __typename }"}, headers={"authorization": authorization})
    except (UnicodeEncodeError, httpx.LocalProtocolError):
        return  # not representable as an HTTP header
    assert_sane(response)
    assert response.status_code in (200, 401)
