"""How the built-in sandboxes refuse unauthenticated calls (server side of :mod:`adapters.credentials`).

* :class:`RequireApiKey`: ASGI middleware answering 401 unless ``X-API-Key`` carries the sandbox's key.
* :class:`TokenIssuer` + :class:`RequireBearer`: an OAuth 2.0 token endpoint (client credentials, HTTP Basic
  client authentication) and middleware answering 401 unless ``Authorization: Bearer`` carries a live token.

Keys and secrets come from the sandbox's options (``api_key``, ``client_id``, ``client_secret``,
``token_ttl``), by default the demo values of :mod:`adapters.credentials`. The simulator's own control plane
(``/_sandbox/...``: ledgers, fault switches, compliance decisions) is no part of the legacy API and stays open;
so does a SOAP service's ``?wsdl``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import secrets
import time
import urllib.parse
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from adapters.credentials import API_KEY_HEADER

__all__ = ["OPEN_PREFIX", "RequireApiKey", "RequireBearer", "TokenIssuer"]

#: the simulator's control plane, open on every sandbox
OPEN_PREFIX = "/_sandbox/"


async def _unauthorized(send: Send, challenge: str, detail: str) -> None:
    body = json.dumps({"error": "unauthorized", "detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 401,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"www-authenticate", challenge.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


class RequireApiKey:
    def __init__(self, app: ASGIApp, key: str) -> None:
        self.app = app
        self._key = key.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope["path"]).startswith(OPEN_PREFIX):
            await self.app(scope, receive, send)
            return
        given = _header(scope, API_KEY_HEADER.lower().encode())
        if given is None or not hmac.compare_digest(given.encode(), self._key):
            what = "missing" if given is None else "wrong"
            await _unauthorized(send, f'ApiKey header="{API_KEY_HEADER}"', f"{what} {API_KEY_HEADER}")
            return
        await self.app(scope, receive, send)


class TokenIssuer:
    """Issues and checks bearer tokens for one OAuth client; ``clock`` (monotonic seconds) is injectable."""

    def __init__(
        self, client_id: str, client_secret: str, *, ttl: float = 300.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.client_id = client_id
        self._secret = client_secret.encode()
        self.ttl = ttl
        self.clock = clock
        self._tokens: dict[str, float] = {}
        self.issued = 0

    def _client_ok(self, request: Request, form: dict[str, str]) -> bool:
        auth = request.headers.get("authorization", "")
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if auth.lower().startswith("basic "):
            try:
                client_id, _, secret = base64.b64decode(auth[6:], validate=True).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return False
        return hmac.compare_digest(client_id.encode(), self.client_id.encode()) and hmac.compare_digest(
            secret.encode(), self._secret
        )

    async def token_endpoint(self, request: Request) -> Response:
        """``POST`` token endpoint (RFC 6749 §4.4): ``grant_type=client_credentials``."""
        form = dict(urllib.parse.parse_qsl((await request.body()).decode("utf-8", "replace")))
        if not self._client_ok(request, form):
            return JSONResponse(
                {"error": "invalid_client"}, status_code=401, headers={"WWW-Authenticate": 'Basic realm="token"'}
            )
        if form.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        token = secrets.token_urlsafe(24)
        self._tokens[token] = self.clock() + self.ttl
        self.issued += 1
        headers = {"Cache-Control": "no-store"}
        return JSONResponse(
            {"access_token": token, "token_type": "Bearer", "expires_in": int(self.ttl)}, headers=headers
        )

    def valid(self, token: str) -> bool:
        expiry = self._tokens.get(token)
        return expiry is not None and self.clock() < expiry

    def revoke_all(self) -> None:
        self._tokens.clear()


class RequireBearer:
    def __init__(self, app: ASGIApp, issuer: TokenIssuer, *, token_path: str) -> None:
        self.app = app
        self.issuer = issuer
        self.token_path = token_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or path.startswith(OPEN_PREFIX) or path == self.token_path:
            await self.app(scope, receive, send)
            return
        auth = _header(scope, b"authorization") or ""
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token:
            await _unauthorized(send, 'Bearer realm="one-record"', "a bearer token is required")
            return
        if not self.issuer.valid(token.strip()):
            await _unauthorized(send, 'Bearer realm="one-record", error="invalid_token"', "token expired or unknown")
            return
        await self.app(scope, receive, send)
