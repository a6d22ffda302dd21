"""The HTTP surface of a stand-in for the barter trade system: a REST/JSON contract register with a balance ledger.

Endpoints (JSON, camelCase; decimals as strings)::

    GET  /contracts?party=CC:TAXID&status=..&type=..   {"items": [contract...]}
    GET  /contracts/{id}                               contract | 404
    POST /contracts/batch      {"ids": [...]}           {"items": [contract...]}   (one call for many ids)
    POST /contracts            proposal                 201 contract (status DRAFT)
    POST /contracts/{id}/sign                           contract (DRAFT -> SIGNED)
    POST /contracts/{id}/deliveries   delivery          201 contract (ledger and status updated)
    GET  /_sandbox/calls                                calls served per endpoint (for tests and the demo)

Validation failures answer 422 ``{"error": {"code": "VALIDATION", "field": "...", "message": "..."}}``; a
delivery against a contract that is not in execution answers 409. ``X-Agency-Id`` limits every answer to
contracts with a party the agency serves (``adapters.story.Company.agencies``). Seeded from
``adapters.story.BARTER_CONTRACTS``; ``SandboxConfig.options["today"]`` fixes the sandbox's date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from adapters.barter.sandbox.register import CODES, Invalid, Register, ref
from adapters.credentials import demo_api_key
from adapters.sandbox_auth import RequireApiKey
from gateway.sdk.sandbox import SandboxConfig

__all__ = ["create_app"]


async def _body(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        raise Invalid("", "the body is not JSON", 400) from None


def _error(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    error: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        error["field"] = field
    return JSONResponse({"error": error}, status_code=status)


def create_app(config: SandboxConfig) -> Starlette:
    """The barter sandbox as a Starlette app with a fresh register seeded from the story."""
    today = config.options.get("today")
    register = Register(dt.date.fromisoformat(today) if today else None)

    def agency(request: Request) -> str | None:
        return request.headers.get("x-agency-id") or None

    def find(request: Request) -> dict[str, Any] | None:
        contract = register.contracts.get(request.path_params["id"])
        if contract is None or not register.visible(contract, agency(request)):
            return None
        return contract

    async def list_contracts(request: Request) -> JSONResponse:
        register.served("contracts.list", request)
        parties = set(request.query_params.getlist("party"))
        status = request.query_params.get("status")
        kind = request.query_params.get("type")
        items = []
        for contract in register.contracts.values():
            shown = register.view(contract)
            if not register.visible(contract, agency(request)):
                continue
            if parties and not ({ref(shown["partyA"]), ref(shown["partyB"])} & parties):
                continue
            if (status and shown["status"] != status) or (kind and shown["type"] != kind):
                continue
            items.append(shown)
        return JSONResponse({"items": items})

    async def get_contract(request: Request) -> JSONResponse:
        register.served("contracts.get", request)
        contract = find(request)
        if contract is None:
            return _error(404, "NOT_FOUND", f"no contract {request.path_params['id']}")
        return JSONResponse(register.view(contract))

    async def batch(request: Request) -> JSONResponse:
        register.served("contracts.batch", request)
        try:
            body = await _body(request)
        except Invalid as exc:
            return _error(exc.status, "BAD_REQUEST", exc.message)
        ids = body.get("ids") if isinstance(body, dict) else None
        if not isinstance(ids, list):
            return _error(400, "BAD_REQUEST", 'body must be {"ids": [...]}', "ids")
        found = (register.contracts.get(str(i)) for i in ids)
        items = [register.view(c) for c in found if c is not None and register.visible(c, agency(request))]
        return JSONResponse({"items": items})

    async def propose(request: Request) -> JSONResponse:
        register.served("contracts.propose", request)
        try:
            contract = register.propose(await _body(request))
        except Invalid as exc:
            return _error(exc.status, CODES[exc.status], exc.message, exc.field or None)
        if not register.visible(contract, agency(request)):
            del register.contracts[contract["id"]]
            return _error(403, "FORBIDDEN", "neither party is a company your agency serves")
        return JSONResponse(register.view(contract), status_code=201)

    async def sign(request: Request) -> JSONResponse:
        register.served("contracts.sign", request)
        contract = find(request)
        if contract is None:
            return _error(404, "NOT_FOUND", f"no contract {request.path_params['id']}")
        if contract["status"] != "DRAFT":
            return _error(409, "CONFLICT", f"contract is {contract['status']}, only a DRAFT can be signed", "id")
        contract["status"] = "SIGNED"
        return JSONResponse(register.view(contract))

    async def deliver(request: Request) -> JSONResponse:
        register.served("contracts.deliveries", request)
        contract = find(request)
        if contract is None:
            return _error(404, "NOT_FOUND", f"no contract {request.path_params['id']}", "contractId")
        try:
            register.record_delivery(contract, await _body(request))
        except Invalid as exc:
            return _error(exc.status, CODES[exc.status], exc.message, exc.field or None)
        return JSONResponse(register.view(contract), status_code=201)

    async def calls(request: Request) -> JSONResponse:
        return JSONResponse(dict(register.calls))

    app = Starlette(
        middleware=[Middleware(RequireApiKey, key=str(config.options.get("api_key", demo_api_key("barter"))))],
        routes=[
            Route("/contracts", list_contracts, methods=["GET"]),
            Route("/contracts", propose, methods=["POST"]),
            Route("/contracts/batch", batch, methods=["POST"]),
            Route("/contracts/{id}", get_contract, methods=["GET"]),
            Route("/contracts/{id}/sign", sign, methods=["POST"]),
            Route("/contracts/{id}/deliveries", deliver, methods=["POST"]),
            Route("/_sandbox/calls", calls, methods=["GET"]),
        ],
    )
    app.state.register = register
    return app
