"""Fail-closed tenancy: whose records a principal sees, and the tenant header every legacy request carries."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateway.cache import cache_key
from gateway.errors import Forbidden
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.calls import GRANT_USED, LEGACY_CALLS, legacy_http_client
from gateway.sdk.context import ANONYMOUS, Principal, RequestContext, _reset_current, _set_current
from gateway.sdk.sandbox import SandboxServer, serve_sandbox
from gateway.sdk.tenancy import Tenancy, tenancy_of
from gateway.sdk.testing import AGENCY_A, AGENCY_B, KINDS, agencyless, auditor, operator, partner


def legacy_app(_: object) -> Starlette:
    """A legacy system that shows which tenant header it was sent."""

    async def who(request: Request) -> JSONResponse:
        return JSONResponse({"agency": request.headers.get("x-agency-id")})

    return Starlette(routes=[Route("/who", who)])


@pytest.fixture
async def server() -> AsyncIterator[SandboxServer]:
    async with serve_sandbox(legacy_app) as s:
        yield s


@contextlib.contextmanager
def serving(principal: Principal) -> Iterator[RequestContext]:
    ctx = RequestContext(request_id="t", principal=principal)
    token = _set_current(ctx)
    try:
        yield ctx
    finally:
        _reset_current(token)


def test_each_principal_kind_sees_its_own_agency_all_with_the_grant_or_nothing() -> None:
    assert tenancy_of(KINDS["anonymous"]) == Tenancy()
    assert tenancy_of(KINDS["agency_a"]) == Tenancy(agency=AGENCY_A)
    assert tenancy_of(KINDS["agency_b"]) == Tenancy(agency=AGENCY_B)
    assert tenancy_of(KINDS["agencyless"]).nothing
    assert tenancy_of(KINDS["operator"]) == Tenancy(grant="operator+platform:read-all")
    assert tenancy_of(KINDS["auditor"]) == Tenancy(grant="auditor+platform:read-all")


def test_the_grant_needs_both_a_platform_role_and_the_scope() -> None:
    assert tenancy_of(Principal(subject="x", roles=frozenset({"operator"}))).nothing
    assert tenancy_of(Principal(subject="x", scopes=frozenset({"platform:read-all"}))).nothing
    assert tenancy_of(
        Principal(subject="x", roles=frozenset({"partner"}), scopes=frozenset({"platform:read-all"}))
    ).nothing
    unauthenticated = Principal(
        subject="x", roles=frozenset({"operator"}), scopes=frozenset({"platform:read-all"}), authenticated=False
    )
    assert tenancy_of(unauthenticated).nothing


@given(st.one_of(st.none(), st.text(max_size=80)))
def test_no_agency_value_ever_means_all(agency: str | None) -> None:
    """Property: without the platform grant, a principal sees at most the one agency it names — never all."""
    tenancy = tenancy_of(Principal(subject="p", agency=agency, roles=frozenset({"partner"})))
    assert tenancy.grant is None
    assert not tenancy.sees(frozenset({"someone-else"})) or tenancy.agency == "someone-else"


def test_a_caller_who_sees_nothing_never_shares_cache_entries_with_the_platform() -> None:
    keys = {
        cache_key("ns", tenancy_of(p), "k") for p in (agencyless(), operator(), partner(AGENCY_A), partner(AGENCY_B))
    }
    assert len(keys) == 4


async def test_the_header_comes_from_the_principal_never_from_the_adapter(server: SandboxServer) -> None:
    async with legacy_http_client(AdapterSettings(name="x", url=server.url), source="x") as client:
        with serving(partner(AGENCY_A)):
            forged = await client.get("/who", headers={"X-Agency-Id": AGENCY_B})
            plain = await client.get("/who")
    assert forged.json() == plain.json() == {"agency": AGENCY_A}


@pytest.mark.parametrize("who", [ANONYMOUS, agencyless()], ids=["anonymous", "agencyless"])
async def test_a_caller_without_agency_or_grant_is_refused_before_the_request_leaves(
    server: SandboxServer, who: Principal
) -> None:
    async with legacy_http_client(AdapterSettings(name="x", url=server.url), source="x") as client:
        with serving(who) as ctx, pytest.raises(Forbidden) as refused:
            await client.get("/who", headers={"X-Agency-Id": AGENCY_A})  # an adapter's own header changes nothing
    assert refused.value.code == "FORBIDDEN"
    assert ctx.extras.get(LEGACY_CALLS, []) == []  # nothing was sent


@pytest.mark.parametrize("who", [operator(), auditor()], ids=["operator", "auditor"])
async def test_the_platform_grant_reads_across_agencies_and_is_recorded(server: SandboxServer, who: Principal) -> None:
    async with legacy_http_client(AdapterSettings(name="x", url=server.url), source="x") as client:
        with serving(who) as ctx:
            r = await client.get("/who", headers={"X-Agency-Id": AGENCY_A})
    assert r.json() == {"agency": None}
    assert ctx.extras[GRANT_USED] == tenancy_of(who).grant


async def test_outside_an_operation_the_platform_calls_for_itself(server: SandboxServer) -> None:
    async with (
        httpx.AsyncClient(base_url=server.url) as plain,
        legacy_http_client(AdapterSettings(name="x", url=server.url), source="x") as client,
    ):
        assert (await client.get("/who")).json() == (await plain.get("/who")).json() == {"agency": None}
