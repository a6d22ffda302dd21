"""Principals and tokens for tests, built from the one scope list (:mod:`gateway.policy.scopes`).

Silkgraph is closed by default and its tenancy fails closed, so a test that reads tenant data must say who asks::

    from gateway.sdk.testing import partner, operator, bearer

    result = await execute(adapter, "{ payments { uetr } }", who=partner("qingdao-broker"))
    r = await client.post("/graphql", json=..., headers=bearer(partner("kz-trade-agency"), dev_key))

:data:`KINDS` holds one principal of every kind the authorization matrix checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from gateway.policy.scopes import PLATFORM_READ_ALL, ROLES, read_scopes
from gateway.sdk.context import ANONYMOUS, Principal

if TYPE_CHECKING:
    from gateway.policy.devkeys import DevKey

__all__ = [
    "AGENCY_A",
    "AGENCY_B",
    "KINDS",
    "PRODUCTION_AUTH",
    "agencyless",
    "auditor",
    "bearer",
    "operator",
    "partner",
    "token_for",
]

#: settings overrides that satisfy production's auth checks (gateway.policy.production) in tests; the JWKS is never
#: fetched unless a token arrives
PRODUCTION_AUTH = {
    "auth.jwks_url": "https://idp.invalid/.well-known/jwks.json",
    "auth.issuer": "https://idp.invalid/",
    "auth.audience": "silkgraph",
}

#: the seeded partner agencies of the demo story
AGENCY_A = "qingdao-broker"
AGENCY_B = "kz-trade-agency"


def partner(agency: str = AGENCY_A, *, scopes: Iterable[str] | None = None, subject: str | None = None) -> Principal:
    """A partner agency's user: every domain read and write scope unless ``scopes`` narrows them."""
    chosen = ROLES["partner"][0] if scopes is None else frozenset(scopes)
    return Principal(
        subject=subject or f"user@{agency}", agency=agency, roles=frozenset({"partner"}), scopes=frozenset(chosen)
    )


def operator(subject: str = "operator@platform") -> Principal:
    """A platform operator: reads every agency's records under the platform grant; no write scope."""
    return Principal(subject=subject, roles=frozenset({"operator"}), scopes=ROLES["operator"][0])


def auditor(subject: str = "auditor@platform") -> Principal:
    """An auditor: reads every agency's records and the audit log under the platform grant; no write scope."""
    return Principal(subject=subject, roles=frozenset({"auditor"}), scopes=ROLES["auditor"][0])


def agencyless(*, scopes: Iterable[str] | None = None, subject: str = "no-agency@idp") -> Principal:
    """A valid token without an agency claim (and without the platform grant): it sees no tenant records."""
    chosen = read_scopes() if scopes is None else frozenset(scopes)
    return Principal(subject=subject, scopes=frozenset(chosen) - {PLATFORM_READ_ALL})


#: every principal kind of the authorization matrix
KINDS: dict[str, Principal] = {
    "anonymous": ANONYMOUS,
    "agency_a": partner(AGENCY_A),
    "agency_b": partner(AGENCY_B),
    "agencyless": agencyless(),
    "operator": operator(),
    "auditor": auditor(),
}


def token_for(who: Principal, key: DevKey, *, ttl: int = 3600) -> str:
    """A demo-key token carrying ``who``'s subject, agency, roles and scopes."""
    return key.token(
        subject=who.subject, agency=who.agency, roles=sorted(who.roles), scopes=sorted(who.scopes), ttl=ttl
    )


def bearer(who: Principal, key: DevKey, *, ttl: int = 3600) -> dict[str, str]:
    """``{"authorization": "Bearer ..."}`` for ``who`` (anonymous: no header)."""
    if not who.authenticated:
        return {}
    return {"authorization": f"Bearer {token_for(who, key, ttl=ttl)}"}
