"""An Apollo Router coprocessor that signs the caller's principal for Silkgraph's standalone subgraphs.

Apollo Router verifies the client's JWT (``authentication.router.jwt`` in router.yaml) and calls this service at
the SubgraphRequest stage with the request's headers, body and context; the verified claims are in
``context.entries["apollo::authentication::jwt_claims"]``. The answer sets ``Silkgraph-Principal`` (format:
docs/security.md, "Subgraphs trust only the gateway") and removes any ``x-agency-id`` a client sent.

    SILKGRAPH_SUBGRAPH_SECRET=... uvicorn --factory examples.router.coprocessor:app --port 4390

The secret is the one the subgraphs verify (``[auth] subgraph_secret`` in their silkgraph.toml).
"""

from __future__ import annotations

import json
import os
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateway.policy.signed_principal import HEADER, PrincipalSigner
from gateway.sdk.context import ANONYMOUS, Principal

CLAIMS = "apollo::authentication::jwt_claims"


def principal(claims: Any) -> Principal:
    if not isinstance(claims, dict) or not isinstance(claims.get("sub"), str):
        return ANONYMOUS
    scopes = claims.get("scope", "")
    roles = claims.get("roles", [])
    return Principal(
        subject=claims["sub"],
        agency=claims.get("agency") if isinstance(claims.get("agency"), str) else None,
        roles=frozenset(roles.split() if isinstance(roles, str) else roles),
        scopes=frozenset(scopes.split() if isinstance(scopes, str) else scopes),
    )


def app() -> Starlette:
    signer = PrincipalSigner(os.environ["SILKGRAPH_SUBGRAPH_SECRET"])

    async def stage(request: Request) -> JSONResponse:
        payload = await request.json()
        if payload.get("stage") == "SubgraphRequest":
            claims = ((payload.get("context") or {}).get("entries") or {}).get(CLAIMS)
            body = json.dumps(payload.get("body") or {}).encode()  # the router re-serialises: signed canonically
            headers = {k: v for k, v in (payload.get("headers") or {}).items() if k.lower() != "x-agency-id"}
            headers[HEADER] = [signer.sign(principal(claims), body)]
            payload["headers"] = headers
        return JSONResponse(payload)

    return Starlette(routes=[Route("/", stage, methods=["POST"])])
