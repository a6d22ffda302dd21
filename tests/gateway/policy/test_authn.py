"""JWT bearer authentication against a JWKS served over a real loopback socket."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateway.errors import Unauthenticated
from gateway.policy.authn import JwksClient, StaticKeys, TokenVerifier, authenticate, bearer_token
from gateway.policy.devkeys import DevKey
from gateway.sdk.context import ANONYMOUS
from gateway.sdk.sandbox import serve_sandbox

ISSUER = "https://idp.example"
AUDIENCE = "silkgraph"


class Idp:
    """An identity provider's signing keys; its JWKS endpoint counts fetches."""

    def __init__(self) -> None:
        self.keys: dict[str, rsa.RSAPrivateKey] = {"k1": rsa.generate_private_key(public_exponent=65537, key_size=2048)}
        self.fetches = 0
        self.down = False

    def jwks(self) -> dict[str, Any]:
        out = []
        for kid, key in self.keys.items():
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
            out.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
        return {"keys": out}

    def rotate(self, kid: str) -> None:
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def token(self, kid: str = "k1", **claims: Any) -> str:
        now = int(time.time())
        body = {"sub": "alice", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 300, **claims}
        return jwt.encode(body, self.keys[kid], algorithm="RS256", headers={"kid": kid})

    def app(self) -> Starlette:
        async def endpoint(request: Request) -> JSONResponse:
            self.fetches += 1
            if self.down:
                return JSONResponse({"error": "maintenance"}, status_code=503)
            return JSONResponse(self.jwks())

        return Starlette(routes=[Route("/jwks", endpoint)])


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def idp() -> Idp:
    return Idp()


@contextlib.asynccontextmanager
async def verifier_for(idp: Idp, clock: Clock | None = None) -> AsyncIterator[tuple[TokenVerifier, JwksClient]]:
    async with serve_sandbox(lambda _: idp.app()) as server, httpx.AsyncClient() as http:
        client = JwksClient(f"{server.url}/jwks", http, min_refresh_seconds=30, clock=clock or Clock())
        yield TokenVerifier(client, issuer=ISSUER, audience=AUDIENCE, leeway=10), client


async def test_valid_token_becomes_a_principal_with_agency_roles_and_scopes(idp: Idp) -> None:
    async with verifier_for(idp) as (verifier, _):
        principal = await verifier.verify(
            idp.token(agency="AG-7", roles=["partner"], scope="shipments:read payments:initiate")
        )
    assert principal.subject == "alice" and principal.authenticated
    assert principal.agency == "AG-7"
    assert principal.roles == {"partner"}
    assert principal.scopes == {"shipments:read", "payments:initiate"}


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"exp": int(time.time()) - 60}, "expired"),
        ({"aud": "someone-else"}, "audience"),
        ({"iss": "https://evil.example"}, "issuer"),
    ],
)
async def test_expired_or_foreign_tokens_are_refused(idp: Idp, claims: dict[str, Any], message: str) -> None:
    async with verifier_for(idp) as (verifier, _):
        with pytest.raises(Unauthenticated, match=message):
            await verifier.verify(idp.token(**claims))


async def test_clock_skew_within_leeway_is_accepted(idp: Idp) -> None:
    async with verifier_for(idp) as (verifier, _):
        principal = await verifier.verify(idp.token(exp=int(time.time()) - 5))
    assert principal.subject == "alice"


async def test_bad_signature_is_refused(idp: Idp) -> None:
    forged = jwt.encode(
        {"sub": "mallory", "iss": ISSUER, "aud": AUDIENCE, "exp": int(time.time()) + 60},
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
        algorithm="RS256",
        headers={"kid": "k1"},
    )
    async with verifier_for(idp) as (verifier, _):
        with pytest.raises(Unauthenticated, match="signature"):
            await verifier.verify(forged)


async def test_alg_none_and_hmac_with_the_public_key_are_refused(idp: Idp) -> None:
    unsigned = jwt.encode({"sub": "mallory", "exp": int(time.time()) + 60}, None, algorithm="none")
    async with verifier_for(idp) as (verifier, _):
        with pytest.raises(Unauthenticated, match="not accepted"):
            await verifier.verify(unsigned)
        header = json.dumps({"alg": "HS256", "kid": "k1", "typ": "JWT"}).encode()
        hs = jwt.utils.base64url_encode(header).decode() + "." + unsigned.split(".")[1] + ".c2ln"
        with pytest.raises(Unauthenticated, match="not accepted"):
            await verifier.verify(hs)


async def test_unknown_kid_refetches_the_jwks_once_then_rate_limits(idp: Idp) -> None:
    clock = Clock()
    async with verifier_for(idp, clock) as (verifier, client):
        await verifier.verify(idp.token())
        assert idp.fetches == 1
        idp.rotate("k2")  # the IdP starts signing with a new key
        clock.now += 31
        principal = await verifier.verify(idp.token(kid="k2"))
        assert principal.subject == "alice" and idp.fetches == 2
        for i in range(5):  # made-up key ids do not hammer the IdP
            with pytest.raises(Unauthenticated, match="unknown key"):
                await verifier.verify(_token_with_unpublished_key(idp, f"made-up-{i}"))
        assert idp.fetches == 2
        assert client.fetches == 2


def _token_with_unpublished_key(idp: Idp, kid: str) -> str:
    idp.rotate(kid)
    token = idp.token(kid=kid)
    del idp.keys[kid]
    return token


async def test_keys_expire_from_the_cache(idp: Idp) -> None:
    clock = Clock()
    async with verifier_for(idp, clock) as (verifier, _):
        await verifier.verify(idp.token())
        clock.now += 301
        await verifier.verify(idp.token())
    assert idp.fetches == 2


async def test_known_keys_keep_working_while_the_idp_is_down(idp: Idp) -> None:
    clock = Clock()
    async with verifier_for(idp, clock) as (verifier, _):
        await verifier.verify(idp.token())
        idp.down = True
        clock.now += 301  # the cache is stale; the refetch fails
        assert (await verifier.verify(idp.token())).subject == "alice"
        clock.now += 5
        await verifier.verify(idp.token())
        assert idp.fetches == 2  # no retry before min_refresh_seconds
        clock.now += 30
        await verifier.verify(idp.token())
        assert idp.fetches == 3


async def test_unreachable_jwks_is_unauthenticated_not_a_crash() -> None:
    async with httpx.AsyncClient() as http:
        client = JwksClient("http://127.0.0.1:1/jwks", http)
        verifier = TokenVerifier(client)
        token = DevKey.generate().token()
        with pytest.raises(Unauthenticated, match="unavailable"):
            await verifier.verify(token)


async def test_dev_key_tokens_verify_with_its_jwks(tmp_path: Any) -> None:
    key = DevKey.load_or_create(tmp_path / "dev.pem")
    again = DevKey.load_or_create(tmp_path / "dev.pem")
    assert key.kid == again.kid
    verifier = TokenVerifier(StaticKeys(key.jwks()), issuer="silkgraph-demo", audience="silkgraph")
    principal = await verifier.verify(key.token(roles=["auditor"], agency="AG-1", scopes=["audit:read"]))
    assert principal.roles == {"auditor"} and principal.agency == "AG-1"
    other = DevKey.generate()
    with pytest.raises(Unauthenticated):
        await verifier.verify(other.token())


async def test_missing_token_is_anonymous_unless_required() -> None:
    assert await authenticate(None, None, required=False) is ANONYMOUS
    with pytest.raises(Unauthenticated, match="needs a bearer token"):
        await authenticate(None, None, required=True)
    with pytest.raises(Unauthenticated, match="Bearer"):
        bearer_token("Basic dXNlcjpwYXNz")
    with pytest.raises(Unauthenticated, match="well-formed"):
        await TokenVerifier(StaticKeys({"keys": []})).verify("not-a-jwt")


@pytest.mark.parametrize(
    "agency",
    ["", " ", ["qingdao-broker"], 42, None, {"id": "x"}, "a/b", "x" * 65, "qingdao broker"],
    ids=repr,
)
async def test_a_malformed_agency_claim_is_a_401_never_no_agency(agency: object) -> None:
    key = DevKey.generate()
    verifier = TokenVerifier(StaticKeys(key.jwks()), issuer="silkgraph-demo", audience="silkgraph")
    claims_token = jwt.encode(
        {"sub": "u", "iss": "silkgraph-demo", "aud": "silkgraph", "exp": int(time.time()) + 60, "agency": agency},
        key.private,
        algorithm="EdDSA",
        headers={"kid": key.kid},
    )
    with pytest.raises(Unauthenticated, match="agency"):
        await verifier.verify(claims_token)


async def test_a_token_without_an_agency_claim_is_a_principal_without_agency() -> None:
    key = DevKey.generate()
    verifier = TokenVerifier(StaticKeys(key.jwks()), issuer="silkgraph-demo", audience="silkgraph")
    principal = await verifier.verify(key.token(subject="u"))
    assert principal.agency is None and principal.authenticated
