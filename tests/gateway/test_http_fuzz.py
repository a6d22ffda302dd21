"""No client input yields a 5xx: property-based requests over the whole HTTP surface of the running gateway.

Generated: JSON of any shape and depth (thousands of levels), Unicode with lone surrogates and NUL, huge numbers,
wrong types and shapes, batches, GET query strings, every content type, charset, encoding and Accept header.
Each answer must be a 4xx or a GraphQL response (never a 5xx, a traceback or a dropped connection), and every
request that reached execution must have left its audit record.

CI runs a fixed-seed slice (``SILKGRAPH_FUZZ_EXAMPLES``, default 80 per test); ``make fuzz-http`` runs thousands.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import sqlite3
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from gateway.config import load_settings
from tests.gateway.audit.legacy_graph import QUERY, gateway

EXAMPLES = int(os.environ.get("SILKGRAPH_FUZZ_EXAMPLES", "80"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("SILKGRAPH_FUZZ_RANDOM") != "1",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)

# any code point, lone surrogates (category Cs) and NUL included
ANY_TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()), max_size=40) | (
    st.lists(st.sampled_from(["\ud800", "\udfff", "\x00", "\ufeff", "a", "\U0001f600", "\\", '"']), max_size=6).map(
        "".join
    )
)
HUGE_NUMBERS = st.sampled_from([10**400, -(10**400), 2**63, 2**64 + 1, 1e308, -1e308, 5e-324]) | st.integers()
SCALARS = st.none() | st.booleans() | HUGE_NUMBERS | st.floats(allow_nan=False) | ANY_TEXT
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=12,
)
QUERIES = (
    st.sampled_from(
        [
            QUERY,
            "{ shipment(awb: $awb) { awb } }",
            "query($awb: ID!) { shipment(awb: $awb) { awb duty } }",
            'query($awb: ID = "999-12345675") { shipment(awb: $awb) { awb } }',
            "mutation { x }",
            "subscription { x }",
            "{ __typename }",
            "{ shipment(awb: 1) { awb } }",
            "{",
            "",
        ]
    )
    | ANY_TEXT.map(lambda t: '{ shipment(awb: "' + t + '") { awb } }')
    | ANY_TEXT
)


@st.composite
def request_objects(draw: st.DrawFn) -> Any:
    body: dict[str, Any] = {}
    if draw(st.integers(0, 3)) > 0:  # mostly present, so that many requests reach execution
        body["query"] = draw(QUERIES | QUERIES | JSON_VALUES)
    if draw(st.booleans()):
        body["variables"] = draw(st.dictionaries(ANY_TEXT | st.just("awb"), JSON_VALUES, max_size=3) | JSON_VALUES)
    if draw(st.booleans()):
        body["operationName"] = draw(st.sampled_from(["Duty", ""]) | JSON_VALUES)
    if draw(st.booleans()):
        body["extensions"] = draw(JSON_VALUES)
    return body


def _deep(depth: int, opener: str) -> str:
    closer = {"[": "]", "{": "}"}[opener]
    if opener == "{":
        return '{"a":' * depth + "1" + closer * depth
    return opener * depth + closer * depth


@st.composite
def bodies(draw: st.DrawFn) -> bytes:
    kind = draw(
        st.sampled_from(["object", "batch", "value", "deep", "deep-variables", "unbalanced", "bytes"])
        | st.sampled_from(["object", "batch"])
    )
    if kind == "object":
        return json.dumps(draw(request_objects())).encode()
    if kind == "batch":
        return json.dumps(draw(st.lists(request_objects() | JSON_VALUES, max_size=4))).encode()
    if kind == "value":
        return json.dumps(draw(JSON_VALUES)).encode()
    depth = draw(st.sampled_from([63, 64, 65, 980, 5000, 100_000]) | st.integers(1, 200))
    opener = draw(st.sampled_from(["[", "{"]))
    if kind == "deep":
        return _deep(depth, opener).encode()
    if kind == "deep-variables":
        return ('{"query":' + json.dumps(QUERY) + ',"variables":{"v":' + _deep(depth, opener) + "}}").encode()
    if kind == "unbalanced":
        return (opener * depth).encode()
    return draw(st.binary(max_size=200))


CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=latin-1",
        "application/graphql-response+json",
        "application/graphql",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded",
        "",
        "garbage/\x7f",
        ";;;",
    ]
)
ACCEPTS = st.sampled_from(
    ["", "*/*", "application/json", "application/graphql-response+json", "text/html", "image/png", "a;q=x, b;q="]
)
ENCODINGS = st.sampled_from(["", "gzip", "deflate", "br", "gzip, gzip", "identity", "x-\x01"])


def _encode(body: bytes, encoding: str, corrupt: bool) -> bytes:
    if corrupt:
        return body
    if encoding == "gzip":
        return gzip.compress(body)
    if encoding == "deflate":
        return zlib.compress(body)
    return body


class Gateway:
    """The gateway (SQLite audit log) in a thread of its own, so sync hypothesis tests can call it."""

    def __init__(self, tmp: Path) -> None:
        self.db = tmp / "audit.sqlite3"
        self.settings = load_settings(
            None,
            overrides={
                "audit.store": f"sqlite:///{self.db}",
                "audit.checkpoint_path": str(tmp / "checkpoints"),
                "audit.spool_path": str(tmp / "spool"),
                "audit.signing_key": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
                "audit.origin": "audit.test/log",
                "gateway.limits.max_batch": 3,
            },
        )
        self.url = ""
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        async with gateway(self.settings) as (client, _, _):
            self.url = str(client.base_url)
            self._ready.set()
            await self._stop.wait()

    def __enter__(self) -> Gateway:
        self._thread.start()
        assert self._ready.wait(60), "the gateway did not start"
        return self

    def __exit__(self, *_: object) -> None:
        assert self._loop is not None and self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)

    def records(self) -> int:
        with sqlite3.connect(self.db) as db:
            return int(db.execute("SELECT count(*) FROM audit_event").fetchone()[0])


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Gateway, httpx.Client]]:
    with Gateway(tmp_path_factory.mktemp("fuzz")) as gw, httpx.Client(base_url=gw.url, timeout=60) as client:
        yield gw, client


def _check(gw: Gateway, before: int, response: httpx.Response) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:500])
    media = response.headers.get("content-type", "")
    if media.startswith("text/html"):
        assert response.status_code == 200  # GraphiQL, for a browser's GET without a query
        return
    if "json" not in media:
        assert 400 <= response.status_code < 500  # refused by the HTTP server itself (e.g. a control byte in a header)
        return
    answer = response.json()
    answers = answer if isinstance(answer, list) else [answer]
    for one in answers:
        assert isinstance(one, dict) and ("data" in one or one.get("errors")), one
    reached = sum(1 for one in answers if "data" in one)
    event(f"HTTP {response.status_code}" + (", executed" if reached else ""))
    if reached:  # it was executed: its record is committed before the answer is sent
        assert gw.records() - before >= reached


@FUZZ
@given(
    body=bodies(),
    # every header varies, but half the time it is the usual one, so that many requests reach execution
    content_type=st.just("application/json") | CONTENT_TYPES,
    accept=st.sampled_from(["application/json", "application/graphql-response+json"]) | ACCEPTS,
    encoding=st.just("") | ENCODINGS,
    corrupt=st.booleans(),
    method=st.just("POST") | st.sampled_from(["POST", "PUT", "PATCH", "DELETE"]),
)
def test_no_post_body_yields_a_server_error(
    live: tuple[Gateway, httpx.Client],
    body: bytes,
    content_type: str,
    accept: str,
    encoding: str,
    corrupt: bool,
    method: str,
) -> None:
    gw, client = live
    headers = {"content-type": content_type, "accept": accept}
    if encoding:
        headers["content-encoding"] = encoding
    before = gw.records()
    response = client.request(method, "/graphql", content=_encode(body, encoding, corrupt), headers=headers)
    _check(gw, before, response)


@FUZZ
@given(
    params=st.fixed_dictionaries({"query": QUERIES})
    | st.dictionaries(
        st.sampled_from(["query", "variables", "operationName", "extensions"]) | ANY_TEXT,
        ANY_TEXT | QUERIES | JSON_VALUES.map(json.dumps) | st.integers(1, 3000).map(lambda n: "[" * n + "]" * n),
        max_size=4,
    ),
    accept=st.sampled_from(["application/json", "application/graphql-response+json"]) | ACCEPTS,
    preflight=st.booleans(),
)
def test_no_get_query_string_yields_a_server_error(
    live: tuple[Gateway, httpx.Client], params: dict[str, str], accept: str, preflight: bool
) -> None:
    gw, client = live
    headers = {"accept": accept, **({"apollo-require-preflight": "1"} if preflight else {})}
    # percent-encode as UTF-8, lone surrogates as the bytes they would have been (not valid UTF-8)
    query = "&".join(f"{_quote(k)}={_quote(v)}" for k, v in params.items())
    before = gw.records()
    response = client.get("/graphql?" + query, headers=headers)
    _check(gw, before, response)


def _quote(text: str) -> str:
    from urllib.parse import quote_from_bytes

    return quote_from_bytes(text.encode("utf-8", "surrogatepass"), safe="")


@pytest.mark.parametrize("depth", [980, 100_000, 500_000])
def test_deep_json_is_a_400_naming_the_problem(live: tuple[Gateway, httpx.Client], depth: int) -> None:
    _, client = live
    response = client.post(
        "/graphql", content=b"[" * depth + b"]" * depth, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert "deeper than 64 levels" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("field", ["query", "variables", "operationName"])
def test_a_lone_surrogate_is_a_400(live: tuple[Gateway, httpx.Client], field: str) -> None:
    _, client = live
    body = {"query": QUERY, "variables": {"v": "x"}, "operationName": "Duty"}
    body[field] = {"v": "\ud800"} if field == "variables" else "\ud800" + str(body[field])
    response = client.post("/graphql", content=json.dumps(body).encode(), headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "lone UTF-16 surrogate" in response.json()["errors"][0]["message"]


def test_a_number_too_long_to_convert_is_a_400_saying_so(live: tuple[Gateway, httpx.Client]) -> None:
    _, client = live
    body = b'{"query": "{ __typename }", "variables": {"n": ' + b"9" * 5000 + b"}}"
    response = client.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "more than 4300 digits" in response.json()["errors"][0]["message"]
