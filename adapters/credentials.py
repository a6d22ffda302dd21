"""How the built-in adapters authenticate to their legacy systems (client side), as ``httpx.Auth`` flows.

``[adapters.NAME.credentials]`` holds the secrets, each read from the environment at start-up
(``api_key = { env = "SILKGRAPH_BARTER_API_KEY" }``); they are never logged (``AdapterSettings`` keeps them out
of its ``repr``, and the flows below keep them out of theirs).

* :func:`api_key_auth`: an API key in the ``X-API-Key`` header (payment rail, barter, vehicles, Cargo-XML host).
* :func:`client_credentials_auth`: OAuth 2.0 client credentials (RFC 6749 §4.4) for ONE Record servers: the
  client authenticates to the token endpoint with HTTP Basic (§2.3.1), keeps the bearer token until shortly
  before ``expires_in`` runs out, and fetches a new one then, or once when the server answers 401 (revoked).

A legacy URL on the loopback interface (a sandbox) without credentials gets the sandbox's demo credential, so
``silkgraph demo`` and the tests need no setup; any other URL without credentials stops start-up naming the key.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator
from urllib.parse import urlsplit

import httpx

from gateway.errors import ConfigError, UpstreamFault
from gateway.sdk.adapter import AdapterSettings

__all__ = [
    "API_KEY_HEADER",
    "ApiKeyAuth",
    "ClientCredentialsAuth",
    "api_key_auth",
    "client_credentials_auth",
    "demo_api_key",
    "demo_client",
    "is_loopback",
]

API_KEY_HEADER = "X-API-Key"
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
#: a token is renewed this many seconds before it expires (clock skew, time on the wire)
_EXPIRY_MARGIN = 10.0


def demo_api_key(system: str) -> str:
    """The API key a loopback sandbox of ``system`` accepts unless configured otherwise (not a secret)."""
    return f"{system}-sandbox-demo-key"


def demo_client(system: str) -> tuple[str, str]:
    """The OAuth client id and secret a loopback sandbox accepts unless configured otherwise (not secrets)."""
    return f"silkgraph-{system}", f"{system}-sandbox-demo-secret"


def is_loopback(url: str | None) -> bool:
    """``url`` is on the loopback interface (a sandbox), where demo credentials are allowed."""
    return url is not None and urlsplit(url).hostname in _LOOPBACK


_loopback = is_loopback


def _refused(service: str) -> UpstreamFault:
    return UpstreamFault(
        f"{service}'s legacy system refused the configured credentials (HTTP 401): "
        f"check [adapters.{service.split('.', maxsplit=1)[0]}.credentials]",
        service=service.split(".", maxsplit=1)[0],
    )


class ApiKeyAuth(httpx.Auth):
    """``X-API-Key`` on every request; a 401 answer becomes :class:`UpstreamFault` naming the credentials key."""

    def __init__(self, key: str, *, service: str = "legacy") -> None:
        self._key = key
        self.service = service

    def __repr__(self) -> str:
        return f"ApiKeyAuth(service={self.service!r}, key=***)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[API_KEY_HEADER] = self._key
        response = yield request
        if response.status_code == 401:
            raise _refused(self.service)


def api_key_auth(settings: AdapterSettings, *, system: str, url: str | None = None) -> ApiKeyAuth:
    """The ``api_key`` credential of ``settings`` (or the demo key for a loopback ``url``)."""
    key = settings.credentials.get("api_key")
    if key:
        return ApiKeyAuth(key, service=settings.name)
    if _loopback(url or settings.url):
        return ApiKeyAuth(demo_api_key(system), service=settings.name)
    raise ConfigError(
        f"adapters.{settings.name}.credentials.api_key",
        f'is required for {url or settings.url}: set api_key = {{ env = "SILKGRAPH_{settings.name.upper()}_API_KEY" }}',
    )


class ClientCredentialsAuth(httpx.Auth):
    """OAuth 2.0 client credentials with token refresh; ``clock`` (monotonic seconds) is injectable for tests."""

    requires_response_body = True

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        scope: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        service: str = "legacy",
    ) -> None:
        self.service = service
        self.token_url = token_url
        self.client_id = client_id
        self._secret = client_secret
        self.scope = scope
        self.clock = clock
        self._token: str | None = None
        self._expires_at = 0.0
        #: how many tokens were fetched (observable by tests and health checks)
        self.fetched = 0

    def __repr__(self) -> str:
        return f"ClientCredentialsAuth(token_url={self.token_url!r}, client_id={self.client_id!r}, secret=***)"

    def _token_request(self) -> httpx.Request:
        form = {"grant_type": "client_credentials", **({"scope": self.scope} if self.scope else {})}
        request = httpx.Request("POST", self.token_url, data=form, headers={"Accept": "application/json"})
        return next(httpx.BasicAuth(self.client_id, self._secret).auth_flow(request))

    def _store(self, response: httpx.Response) -> None:
        if response.status_code != 200:
            # the token endpoint's own answer goes up as the request's answer: the caller maps the 401/400
            self._token = None
            return
        try:
            body = response.json()
            token = body["access_token"]
            lifetime = float(body.get("expires_in", 300))
        except (ValueError, KeyError, TypeError):
            self._token = None
            return
        if not isinstance(token, str) or str(body.get("token_type", "")).lower() != "bearer":
            self._token = None
            return
        self._token = token
        self._expires_at = self.clock() + max(lifetime - _EXPIRY_MARGIN, 0.0)
        self.fetched += 1

    def _fresh(self) -> bool:
        return self._token is not None and self.clock() < self._expires_at

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Token (fetched when missing or about to expire), request; on 401 one new token and one more try.

        A token endpoint that refuses the client (400/401), or a server that refuses a fresh token, ends in
        :class:`UpstreamFault` naming the credentials key (never a retry loop, never the secret). A token
        endpoint that fails otherwise (5xx, a garbled reply) is the answer itself, so the caller treats it as
        the unavailability or protocol error it is (and retries reads as for any other call).
        """
        if not self._fresh():
            token_response = yield self._token_request()
            self._store(token_response)
            if self._token is None:
                if token_response.status_code in (400, 401):
                    raise _refused(self.service)
                return
        request.headers["Authorization"] = f"Bearer {self._token}"
        response = yield request
        if response.status_code == 401:  # revoked before its time: one new token, one more try
            token_response = yield self._token_request()
            self._store(token_response)
            if self._token is None:
                if token_response.status_code in (400, 401):
                    raise _refused(self.service)
                return
            request.headers["Authorization"] = f"Bearer {self._token}"
            if (yield request).status_code == 401:
                raise _refused(self.service)


def client_credentials_auth(settings: AdapterSettings, *, system: str, token_path: str) -> ClientCredentialsAuth:
    """OAuth client credentials from ``client_id`` / ``client_secret`` (+ optional ``scope``, ``token_url``)."""
    creds = settings.credentials
    base = (settings.url or "").rstrip("/")
    token_url = str(settings.option("token_url", base + token_path))
    if creds.get("client_id") and creds.get("client_secret"):
        return ClientCredentialsAuth(
            token_url, creds["client_id"], creds["client_secret"], scope=creds.get("scope"), service=settings.name
        )
    if _loopback(settings.url):
        client_id, secret = demo_client(system)
        return ClientCredentialsAuth(token_url, client_id, secret, service=settings.name)
    raise ConfigError(
        f"adapters.{settings.name}.credentials",
        "needs client_id and client_secret for the ONE Record server's OAuth 2.0 token endpoint "
        '(e.g. client_secret = { env = "SILKGRAPH_CARGO_CLIENT_SECRET" })',
    )
