"""A remote subgraph's fetches pass its own guard: queries are retried after transient failures within the
retry budget, mutations are sent once, and a tuned ``[subgraphs.NAME]`` table reaches the transport."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from gateway.config import Settings, SubgraphSettings
from gateway.errors import ConfigError, SubgraphError, UpstreamUnavailable
from gateway.federation.http_pool import HttpPool
from gateway.federation.transports import HttpTransport
from gateway.resilience import GuardSettings, registry
from gateway.runtime import build_runtime
from gateway.sdk.context import RequestContext
from gateway.sdk.retry import ReadRetry
from gateway.sdk.sandbox import serve_sandbox

SUPERGRAPH = Path(__file__).parents[3] / "schema" / "supergraph.graphql"


async def _no_wait(_seconds: float) -> None:
    return None


@dataclasses.dataclass
class Flaky:
    """A subgraph that answers ``failures`` requests with ``status`` (and no GraphQL body), then answers."""

    failures: int = 0
    status: int = 503
    calls: int = 0

    def app(self) -> Starlette:
        async def graphql(request: Request) -> Response:
            self.calls += 1
            await request.body()
            if self.calls <= self.failures:
                return PlainTextResponse("upstream busy", status_code=self.status)
            return JSONResponse({"data": {"rate": 1.25}})

        return Starlette(routes=[Route("/", graphql, methods=["POST"])])


@contextlib.asynccontextmanager
async def flaky_transport(
    flaky: Flaky, *, guard: GuardSettings | None = None, attempts: int = 3
) -> AsyncIterator[HttpTransport]:
    registry().clear()
    async with serve_sandbox(lambda _c: flaky.app()) as server, HttpPool() as pool:
        yield HttpTransport(
            "fx",
            server.url + "/",
            pool,
            timeout=5.0,
            guard=guard,
            retry=ReadRetry(attempts=attempts, max_delay=5.0, sleep=_no_wait),
        )
    registry().clear()


async def test_a_query_fetch_is_retried_after_transient_failures() -> None:
    flaky = Flaky(failures=2)
    async with flaky_transport(flaky) as transport:
        answer = await transport.fetch("query { rate }", {}, RequestContext())
        assert answer == {"data": {"rate": 1.25}}
        assert flaky.calls == 3
        assert transport.guard.budget.status()["retries"] == 2


async def test_the_last_error_is_returned_when_the_attempts_run_out() -> None:
    flaky = Flaky(failures=10)
    async with flaky_transport(flaky, attempts=2) as transport:
        with pytest.raises(SubgraphError) as raised:
            await transport.fetch("query { rate }", {}, RequestContext())
        assert raised.value.code == "SUBREQUEST_HTTP_ERROR"
        assert raised.value.extensions["http"] == {"status": 503}
        assert flaky.calls == 2


async def test_a_mutation_fetch_is_sent_once() -> None:
    flaky = Flaky(failures=1)
    async with flaky_transport(flaky) as transport:
        with pytest.raises(SubgraphError):
            await transport.fetch("mutation { book(id: 1) }", {}, RequestContext())
        assert flaky.calls == 1  # a lost reply may hide a booking: never sent twice


async def test_an_answer_that_is_not_transient_is_not_retried() -> None:
    flaky = Flaky(failures=1, status=400)
    async with flaky_transport(flaky) as transport:
        with pytest.raises(SubgraphError) as raised:
            await transport.fetch("query { rate }", {}, RequestContext())
        assert raised.value.extensions["http"] == {"status": 400}
        assert flaky.calls == 1


async def test_retries_stop_at_the_subgraphs_budget_and_its_breaker_fails_fast() -> None:
    flaky = Flaky(failures=100)
    no_budget = GuardSettings(failure_threshold=3, reset_timeout=60, retry_percent=0, retry_min_per_second=0)
    async with flaky_transport(flaky, guard=no_budget) as transport:
        for _ in range(3):
            with pytest.raises(SubgraphError):
                await transport.fetch("query { rate }", {}, RequestContext())
        assert flaky.calls == 3  # no budget: one call per fetch
        with pytest.raises(UpstreamUnavailable, match="circuit open"):
            await transport.fetch("query { rate }", {}, RequestContext())
        assert flaky.calls == 3  # the open breaker answered without calling the subgraph


async def test_a_subgraphs_table_tunes_that_subgraph_of_a_supergraph_file() -> None:
    registry().clear()
    tuned = SubgraphSettings(
        name="customs",
        url="http://127.0.0.1:9/graphql",
        timeout=4.0,
        connect_timeout=0.5,
        guard=GuardSettings(failure_threshold=2),
        max_response_bytes=1234,
    )
    gateway = dataclasses.replace(Settings().gateway, supergraph=str(SUPERGRAPH))
    async with contextlib.AsyncExitStack() as stack:
        runtime = await build_runtime(Settings(gateway=gateway, subgraphs={"customs": tuned}), stack)
        customs = runtime.graph.transports["customs"]
        assert isinstance(customs, HttpTransport)
        assert (customs.url, customs.timeout, customs.connect_timeout) == (tuned.url, 4.0, 0.5)
        assert customs.guard.settings.failure_threshold == 2
        assert customs.max_response_bytes == 1234
        tax = runtime.graph.transports["tax"]
        assert isinstance(tax, HttpTransport) and tax.url == runtime.supergraph.subgraphs["tax"].url
    registry().clear()


async def test_a_subgraphs_table_naming_no_subgraph_of_the_supergraph_file_is_refused() -> None:
    gateway = dataclasses.replace(Settings().gateway, supergraph=str(SUPERGRAPH))
    stray = SubgraphSettings(name="rail", url="http://127.0.0.1:9/graphql")
    async with contextlib.AsyncExitStack() as stack:
        with pytest.raises(ConfigError) as raised:
            await build_runtime(Settings(gateway=gateway, subgraphs={"rail": stray}), stack)
    assert raised.value.key == "subgraphs.rail"
    assert "customs" in raised.value.reason
