"""Hostile requests (graphql-cop's probes and the classic GraphQL attack shapes), each timed.

Run them against a loopback gateway with ``python -m tests.security.probes``; the test suite runs them too and
prints "N rejected, slowest ..." in its summary. Times are reported, never asserted.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gzip
import json
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from tests.gateway.policy.app import Running, running
from tests.security.report import Outcome, summary

AWB = "999-12345675"


@dataclasses.dataclass(frozen=True)
class Probe:
    name: str
    send: Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]
    #: acceptable HTTP statuses for a rejection
    statuses: tuple[int, ...] = (400,)
    #: the error code expected in the body (None: any rejection; a tuple: any of them)
    code: str | tuple[str, ...] | None = None
    mode: str = "demo"
    #: a custom check of the response body (True = rejected as it should be)
    check: Callable[[httpx.Response], bool] | None = None


def post(body: object) -> Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]:
    async def send(client: httpx.AsyncClient) -> httpx.Response:
        return await client.post("/graphql", json=body)

    return send


def query(
    text: str, variables: dict[str, object] | None = None
) -> Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]:
    return post({"query": text, **({"variables": variables} if variables is not None else {})})


def raw(content: bytes, **headers: str) -> Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]:
    async def send(client: httpx.AsyncClient) -> httpx.Response:
        return await client.post("/graphql", content=content, headers={"content-type": "application/json", **headers})

    return send


def get(params: dict[str, str], **headers: str) -> Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]:
    async def send(client: httpx.AsyncClient) -> httpx.Response:
        return await client.get("/graphql", params=params, headers=headers)

    return send


def _no_suggestion(r: httpx.Response) -> bool:
    return r.status_code == 400 and "Did you mean" not in r.text


def _no_trace(r: httpx.Response) -> bool:
    return "ftv1" not in r.text and "tracing" not in r.text


def _no_graphiql(r: httpx.Response) -> bool:
    return "<html" not in r.text.lower()


def _ten_directive_errors_not_returned(r: httpx.Response) -> bool:
    return r.status_code == 400 and len(r.json().get("errors", [])) < 10


def _intro_types(r: httpx.Response) -> bool:
    return r.status_code == 400 and '"types"' not in r.text


def probes() -> list[Probe]:
    typename_aliases = "{ " + " ".join(f"a{i}: __typename" for i in range(101)) + " }"
    circular_intro = "{ __schema { types " + "{ fields { type " * 6 + "{ name }" + " } }" * 6 + " } }"
    fragment_aliases = "{ ...F } fragment F on Query { " + " ".join(f"a{i}: __typename" for i in range(20)) + " }"
    conflicting = "{ " + " ".join(f'x: shipment(awb: "{i}") {{ awb }}' for i in range(1000)) + " }"
    zeros = gzip.compress(b"0" * 10_000_000)
    return [
        Probe("101 __typename aliases", query(typename_aliases), code="MAX_ALIASES_LIMIT"),
        Probe("JSON batch of 11 queries", post([{"query": "{ __typename }"}] * 11), code="BATCHING_NOT_ENABLED"),
        Probe("__typename x500", query("{ " + "__typename " * 500 + "}"), code="MAX_FIELDS_LIMIT"),
        Probe(
            "@aa x10 on one field", query("{ __typename " + "@aa " * 10 + "}"), check=_ten_directive_errors_not_returned
        ),
        Probe("circular introspection", query(circular_intro), code="MAX_DEPTH_LIMIT", check=_intro_types),
        Probe(
            "circular fragments",
            query("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"),
            code="GRAPHQL_VALIDATION_FAILED",
        ),
        Probe("aliases hidden in fragments x20", query(fragment_aliases), code="MAX_ALIASES_LIMIT"),
        Probe("1000 identical fields", query("{ " + "__typename " * 1000 + "}"), code="MAX_FIELDS_LIMIT"),
        Probe("1000 conflicting aliases", query(conflicting), code=("MAX_TOKENS_LIMIT", "DOCUMENT_TOO_LARGE")),
        Probe(
            "1000 inline fragments",
            query("{ " + "... on Query { __typename } " * 1000 + "}"),
            code=("MAX_TOKENS_LIMIT", "DOCUMENT_TOO_LARGE"),
        ),
        Probe("token bomb", query("{ __typename " + "@a" * 1500 + " }"), code="MAX_TOKENS_LIMIT"),
        Probe("nesting bomb", query("{ a" * 3000 + " }" * 3000), code=("MAX_TOKENS_LIMIT", "MAX_DEPTH_LIMIT")),
        Probe("character bomb", query("{ __typename }" + " " * 20_000), code="DOCUMENT_TOO_LARGE"),
        Probe("comment bomb", query("#" + "x" * 20_000 + "\n{ __typename }"), code="DOCUMENT_TOO_LARGE"),
        Probe("20 MB body", raw(b'{"query": "' + b" " * 20_000_000 + b'"}'), statuses=(413,), code="REQUEST_TOO_LARGE"),
        Probe("gzip bomb", raw(zeros, **{"content-encoding": "gzip"}), statuses=(413,), code="REQUEST_TOO_LARGE"),
        Probe(
            "non-string variable for an ID",
            query("query($a: ID!) { shipment(awb: $a) { awb } }", {"a": {"$ne": 1}}),
            code="BAD_USER_INPUT",
        ),
        Probe(
            "list variable for an ID",
            query("query($a: ID!) { shipment(awb: $a) { awb } }", {"a": [1, 2]}),
            code="BAD_USER_INPUT",
        ),
        Probe(
            "GET mutation",
            get({"query": "mutation { __typename }"}, **{"apollo-require-preflight": "1"}),
            statuses=(400, 405),
        ),
        Probe(
            "urlencoded POST",
            lambda c: c.post("/graphql", data={"query": "{ __typename }"}),
            statuses=(415,),
            code="UNSUPPORTED_MEDIA_TYPE",
        ),
        Probe(
            "GET query without preflight (production)",
            get({"query": "{ __typename }"}),
            mode="production",
            code="CSRF_PREVENTION",
        ),
        Probe(
            "introspection (production)",
            query("{ __schema { types { name } } }"),
            mode="production",
            code="GRAPHQL_VALIDATION_FAILED",
        ),
        Probe(
            "field suggestions (production)",
            query(f'{{ shipment(awb: "{AWB}") {{ awbb }} }}'),
            mode="production",
            check=_no_suggestion,
        ),
        Probe(
            "GraphiQL served (production)",
            lambda c: c.get("/graphql", headers={"accept": "text/html"}),
            statuses=(400, 404, 405, 406),
            mode="production",
            check=_no_graphiql,
        ),
        Probe(
            "tracing requested by the client",
            lambda c: c.post(
                "/graphql", json={"query": "{ __typename }"}, headers={"apollo-federation-include-trace": "ftv1"}
            ),
            statuses=(200,),
            check=_no_trace,
        ),
    ]


def _code(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    errors = body.get("errors") if isinstance(body, dict) else None
    if errors:
        return str(errors[0].get("extensions", {}).get("code"))
    return None


async def run_probe(gw: Running, probe: Probe) -> Outcome:
    started = time.perf_counter()
    response = await probe.send(gw.client)
    ms = (time.perf_counter() - started) * 1000
    code = _code(response)
    expected = (probe.code,) if isinstance(probe.code, str) else probe.code
    rejected = response.status_code in probe.statuses and (expected is None or code in expected)
    if probe.check is not None:
        rejected = rejected and probe.check(response)
    return Outcome(probe.name, response.status_code, code, ms, rejected)


async def run_all(workdir: Path) -> list[Outcome]:
    outcomes = []
    for mode in ("demo", "production"):
        async with running(workdir, mode) as gw:
            for probe in probes():
                if probe.mode == mode:
                    outcomes.append(await run_probe(gw, probe))
    return outcomes


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        outcomes = asyncio.run(run_all(Path(tmp)))
    print(summary(outcomes))
    print(json.dumps({"rejected": sum(o.rejected for o in outcomes), "total": len(outcomes)}))


if __name__ == "__main__":
    main()
