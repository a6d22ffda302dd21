"""Every built-in sandbox refuses calls without the legacy system's credential (401), and the adapters send it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from adapters.barter.sandbox import create_app as barter_app
from adapters.cargo.cargo_xml_sandbox import create_cargo_xml_app
from adapters.cargo.one_record_sandbox import TOKEN_PATH, create_one_record_app
from adapters.credentials import (
    API_KEY_HEADER,
    ApiKeyAuth,
    ClientCredentialsAuth,
    api_key_auth,
    client_credentials_auth,
    demo_api_key,
    demo_client,
)
from adapters.payments.sandbox import create_app as payments_app
from adapters.vehicles.sandbox import create_app as vehicles_app
from gateway.errors import ConfigError, UpstreamFault
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.sandbox import SandboxConfig, serve_sandbox

#: (sandbox factory, a legacy API path, the system name of its demo key)
API_KEY_SANDBOXES: list[tuple[Callable[[SandboxConfig], Any], str, str, str]] = [
    (payments_app, "GET", "/accounts?owner=CN:91370281MA3C5R7B0C", "payments"),
    (payments_app, "POST", "/iso20022/messages/pacs.008", "payments"),
    (barter_app, "GET", "/contracts", "barter"),
    (vehicles_app, "GET", "/api/v1/exports", "vehicles"),
    (create_cargo_xml_app, "GET", "/xfsu?awb=784-30791202", "cargo-xml"),
]


@pytest.mark.parametrize(("factory", "method", "path", "system"), API_KEY_SANDBOXES)
async def test_api_key_sandboxes_refuse_missing_or_wrong_keys(factory, method, path, system) -> None:
    async with serve_sandbox(factory) as server, httpx.AsyncClient(base_url=server.url) as http:
        for headers in ({}, {API_KEY_HEADER: "wrong"}, {API_KEY_HEADER: demo_api_key("other")}):
            r = await http.request(method, path, headers=headers)
            assert r.status_code == 401, (path, headers)
            assert r.headers["www-authenticate"].startswith("ApiKey")
        r = await http.request(method, path, headers={API_KEY_HEADER: demo_api_key(system)})
        assert r.status_code != 401


async def test_a_configured_key_replaces_the_demo_key() -> None:
    config = SandboxConfig(options={"api_key": "s3cret-from-env"})
    async with serve_sandbox(barter_app, config) as server, httpx.AsyncClient(base_url=server.url) as http:
        assert (await http.get("/contracts", headers={API_KEY_HEADER: demo_api_key("barter")})).status_code == 401
        assert (await http.get("/contracts", headers={API_KEY_HEADER: "s3cret-from-env"})).status_code == 200


async def test_one_record_refuses_calls_without_a_bearer_token() -> None:
    async with serve_sandbox(create_one_record_app) as server, httpx.AsyncClient(base_url=server.url) as http:
        for headers in ({}, {"Authorization": "Bearer made-up"}, {"Authorization": "Basic eDp5"}):
            r = await http.get("/", headers=headers)
            assert r.status_code == 401
            assert r.headers["www-authenticate"].startswith("Bearer")
        bad = await http.post(TOKEN_PATH, data={"grant_type": "client_credentials"}, auth=("silkgraph-cargo", "no"))
        assert (bad.status_code, bad.json()["error"]) == (401, "invalid_client")
        client_id, secret = demo_client("cargo")
        token = await http.post(TOKEN_PATH, data={"grant_type": "client_credentials"}, auth=(client_id, secret))
        assert token.status_code == 200 and token.json()["token_type"] == "Bearer"
        ok = await http.get("/", headers={"Authorization": f"Bearer {token.json()['access_token']}"})
        assert ok.status_code == 200


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_the_client_refreshes_its_token_before_expiry_and_after_a_revocation() -> None:
    async with serve_sandbox(create_one_record_app, SandboxConfig(options={"token_ttl": 60})) as server:
        clock = Clock()
        client_id, secret = demo_client("cargo")
        auth = ClientCredentialsAuth(server.url + TOKEN_PATH, client_id, secret, clock=clock)
        async with httpx.AsyncClient(base_url=server.url, auth=auth) as http:
            assert (await http.get("/")).status_code == 200
            assert (await http.get("/")).status_code == 200
            assert auth.fetched == 1  # the token is reused while fresh
            clock.now += 55  # within the renewal margin of its 60 s lifetime
            assert (await http.get("/")).status_code == 200
            assert auth.fetched == 2
            assert (await http.post("/_sandbox/tokens/revoke")).status_code == 204
            assert (await http.get("/")).status_code == 200  # 401, a new token, the same request again
            assert auth.fetched == 3


async def test_refused_credentials_are_an_upstream_fault_naming_the_key_not_a_loop() -> None:
    async with serve_sandbox(create_one_record_app) as server:
        auth = ClientCredentialsAuth(server.url + TOKEN_PATH, "silkgraph-cargo", "wrong-secret", service="cargo")
        async with httpx.AsyncClient(base_url=server.url, auth=auth) as http:
            with pytest.raises(UpstreamFault, match=r"adapters\.cargo\.credentials") as refused:
                await http.get("/")
        assert auth.fetched == 0 and "wrong-secret" not in str(refused.value)
    async with serve_sandbox(barter_app) as server:
        key = ApiKeyAuth("not-the-key", service="barter")
        async with httpx.AsyncClient(base_url=server.url, auth=key) as http:
            with pytest.raises(UpstreamFault, match=r"adapters\.barter\.credentials"):
                await http.get("/contracts")


def test_remote_legacy_systems_need_configured_credentials_naming_the_key() -> None:
    remote = AdapterSettings(name="barter", url="https://barter.example.org")
    with pytest.raises(ConfigError, match=r"adapters\.barter\.credentials\.api_key"):
        api_key_auth(remote, system="barter")
    with pytest.raises(ConfigError, match=r"adapters\.cargo\.credentials"):
        client_credentials_auth(
            AdapterSettings(name="cargo", url="https://1r.example.org"), system="cargo", token_path=TOKEN_PATH
        )
    configured = AdapterSettings(name="barter", url="https://barter.example.org", credentials={"api_key": "k-123"})
    auth = api_key_auth(configured, system="barter")
    assert "k-123" not in repr(auth) and "k-123" not in repr(configured)
    oauth = client_credentials_auth(
        AdapterSettings(
            name="cargo",
            url="https://1r.example.org",
            credentials={"client_id": "sg", "client_secret": "very-secret"},
        ),
        system="cargo",
        token_path=TOKEN_PATH,
    )
    assert oauth.token_url == "https://1r.example.org/oauth/token" and "very-secret" not in repr(oauth)
