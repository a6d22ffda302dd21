"""Authentication: JWT bearer tokens checked against a JWKS, turned into a :class:`Principal`.

* Keys come from a JWKS URL, fetched through the gateway's shared ``httpx.AsyncClient`` and cached
  (``cache_seconds``). A token signed with a key id the cache does not know triggers one refetch (key rotation),
  at most once per ``min_refresh_seconds`` so a flood of made-up ``kid`` values cannot hammer the identity provider.
* Only the configured algorithms are accepted (asymmetric ones; never ``none``, never HMAC with a public key),
  and the algorithm must match the key's. ``exp`` is required; ``iss`` and ``aud`` are checked when configured;
  ``leeway`` absorbs clock skew.
* Claims → principal: ``sub`` → subject; the agency claim (``agency`` by default) → ``Principal.agency``, which
  scopes every adapter's data (a claim that is present but not one well-formed agency id is a 401); the roles
  claim (``roles``, a list or space-separated string); ``scope``
  (space-separated, or ``scp`` as a list) → scopes.

Every failure is :class:`~gateway.errors.Unauthenticated` with a message that says what to fix, never the token.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import httpx
import jwt

from gateway.bodies import ACCEPT_ENCODING, BodyTooLarge, BodyUndecodable, read_httpx_body
from gateway.errors import Unauthenticated
from gateway.sdk.context import ANONYMOUS, Principal
from gateway.sdk.tenancy import AGENCY_PATTERN, valid_agency

__all__ = ["ALLOWED_ALGORITHMS", "JwksClient", "KeySource", "StaticKeys", "TokenVerifier", "bearer_token"]

log = logging.getLogger("silkgraph.authn")

#: the cap on a JWKS reply, decoded (a key set is a few kilobytes)
MAX_JWKS_BYTES = 1_000_000

#: Asymmetric algorithms only: a JWKS holds public keys, and HMAC "signed" with a public key is the classic forgery.
ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA")


#: JWK key type → the algorithm families it may sign with
_FAMILY = {"RSA": ("RS", "PS"), "EC": ("ES",), "OKP": ("EdDSA",)}


class KeySource(Protocol):
    async def key(self, kid: str | None) -> jwt.PyJWK: ...


def _key_set(document: Any) -> dict[str | None, jwt.PyJWK]:
    keys: dict[str | None, jwt.PyJWK] = {}
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("a JWKS is a JSON object with a 'keys' list")
    for entry in document["keys"]:
        if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
            continue
        try:
            key = jwt.PyJWK.from_dict(entry)
        except (jwt.PyJWKError, jwt.InvalidKeyError):
            continue  # a key type this gateway cannot use; others in the set may still serve
        keys[entry.get("kid")] = key
    return keys


class StaticKeys:
    """Keys known in advance (demo keys, tests)."""

    def __init__(self, jwks: Mapping[str, Any]) -> None:
        self.keys = _key_set(dict(jwks))

    async def key(self, kid: str | None) -> jwt.PyJWK:
        found = self.keys.get(kid)
        if found is None and kid is None and len(self.keys) == 1:
            found = next(iter(self.keys.values()))
        if found is None:
            raise Unauthenticated("the token is signed with an unknown key (kid); get a new token")
        return found


class JwksClient:
    """A cached JWKS fetched over HTTP, refetched on expiry or (rate-limited) on an unknown ``kid``."""

    def __init__(
        self,
        url: str,
        http: httpx.AsyncClient,
        *,
        cache_seconds: float = 300.0,
        min_refresh_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.http = http
        self.cache_seconds = cache_seconds
        self.min_refresh_seconds = min_refresh_seconds
        self.clock = clock
        self.keys: dict[str | None, jwt.PyJWK] = {}
        self.fetched_at: float | None = None
        self.fetches = 0
        self._lock = asyncio.Lock()

    async def key(self, kid: str | None) -> jwt.PyJWK:
        now = self.clock()
        stale = self.fetched_at is None or now - self.fetched_at >= self.cache_seconds
        if stale or (kid not in self.keys and self._may_refresh(now)):
            await self._refresh(now)
        found = self.keys.get(kid)
        if found is None and kid is None and len(self.keys) == 1:
            found = next(iter(self.keys.values()))
        if found is None:
            raise Unauthenticated("the token is signed with an unknown key (kid); get a new token")
        return found

    def _may_refresh(self, now: float) -> bool:
        return self.fetched_at is None or now - self.fetched_at >= self.min_refresh_seconds

    async def _refresh(self, now: float) -> None:
        async with self._lock:
            if self.fetched_at is not None and self.fetched_at > now:
                return  # another task refreshed while this one waited
            self.fetches += 1
            try:
                async with self.http.stream(
                    "GET", self.url, timeout=5.0, headers={"accept-encoding": ACCEPT_ENCODING}
                ) as response:
                    response.raise_for_status()
                    raw = await read_httpx_body(response, limit=MAX_JWKS_BYTES)  # whole and capped
                keys = _key_set(json.loads(raw))
            except (httpx.HTTPError, ValueError, BodyTooLarge, BodyUndecodable) as exc:
                log.warning("JWKS fetch failed", extra={"fields": {"url": self.url, "error": type(exc).__name__}})
                if not self.keys:
                    raise Unauthenticated("the token cannot be checked now: signing keys are unavailable") from None
                # keep serving the old keys; try again once min_refresh_seconds have passed
                self.fetched_at = self.clock() - self.cache_seconds + self.min_refresh_seconds
                return
            self.keys = keys
            self.fetched_at = self.clock()


@dataclasses.dataclass(frozen=True, kw_only=True)
class ClaimNames:
    agency: str = "agency"
    roles: str = "roles"


class TokenVerifier:
    """Checks a bearer token and builds the principal."""

    def __init__(
        self,
        keys: KeySource,
        *,
        issuer: str | None = None,
        audience: str | None = None,
        leeway: float = 30.0,
        algorithms: tuple[str, ...] = ALLOWED_ALGORITHMS,
        claims: ClaimNames | None = None,
    ) -> None:
        bad = [a for a in algorithms if a not in ALLOWED_ALGORITHMS]
        if bad:
            raise ValueError(f"algorithms {bad} are not allowed; use asymmetric ones from {ALLOWED_ALGORITHMS}")
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
        self.algorithms = algorithms
        self.claims = claims or ClaimNames()

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError:
            raise Unauthenticated("the bearer token is not a well-formed JWT") from None
        alg = header.get("alg")
        if alg not in self.algorithms:
            raise Unauthenticated(
                f"tokens signed with {alg!r} are not accepted; use one of {', '.join(self.algorithms)}"
            )
        kid = header.get("kid")
        key = await self.keys.key(kid if isinstance(kid, str) else None)
        if not isinstance(alg, str) or not alg.startswith(_FAMILY.get(str(key.key_type), ("-",))):
            raise Unauthenticated("the token's algorithm does not match its signing key")
        options: dict[str, Any] = {"require": ["exp", "sub"], "verify_aud": self.audience is not None}
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[alg],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options=options,  # type: ignore[arg-type]
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the token has expired; get a new one") from None
        except jwt.InvalidAudienceError:
            raise Unauthenticated("the token is not meant for this gateway (audience)") from None
        except jwt.InvalidIssuerError:
            raise Unauthenticated("the token was issued by an untrusted issuer") from None
        except jwt.MissingRequiredClaimError as exc:
            raise Unauthenticated(f"the token lacks the {exc.claim!r} claim") from None
        except jwt.InvalidSignatureError:
            raise Unauthenticated("the token's signature does not verify") from None
        except jwt.PyJWTError:
            raise Unauthenticated("the token is not valid") from None
        return self.principal(claims)

    def principal(self, claims: Mapping[str, Any]) -> Principal:
        agency = claims.get(self.claims.agency)
        if self.claims.agency in claims and not valid_agency(agency):
            # never "no agency" (which would be a different tenant decision): a bad claim is a bad token
            raise Unauthenticated(
                f"the token's {self.claims.agency!r} claim must be one agency id (a string matching "
                f"{AGENCY_PATTERN.pattern}); leave the claim out for a token without an agency"
            )
        return Principal(
            subject=str(claims.get("sub")),
            agency=agency if isinstance(agency, str) else None,
            roles=_words(claims.get(self.claims.roles)),
            scopes=_words(claims.get("scope")) | _words(claims.get("scp")),
            claims=dict(claims),
        )


def _words(value: Any) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset(value.split())
    if isinstance(value, list):
        return frozenset(str(v) for v in value if isinstance(v, str | int))
    return frozenset()


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer ...`` header (None when absent); any other scheme is refused."""
    if authorization is None or not authorization.strip():
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("use 'Authorization: Bearer <token>'")
    return token.strip()


async def authenticate(verifier: TokenVerifier | None, authorization: str | None, *, required: bool) -> Principal:
    """The caller's principal: anonymous without a token (unless ``required``), else the verified token's."""
    token = bearer_token(authorization)
    if token is None:
        if required:
            raise Unauthenticated("this gateway needs a bearer token: send 'Authorization: Bearer <token>'")
        return ANONYMOUS
    if verifier is None:
        raise Unauthenticated("this gateway does not accept bearer tokens (no [auth] configured)")
    return await verifier.verify(token)


def jwks_json(jwks: Mapping[str, Any]) -> bytes:
    return json.dumps(dict(jwks)).encode()
