"""The barter system's REST client: one method per legacy call, every failure mapped to ``gateway.errors``.

Reads (listing, one contract, batch) are idempotent and retried by the shared read policy
(:class:`gateway.sdk.retry.ReadRetry`: connection loss, timeouts, 502/503/504, within the source's retry budget);
writes (propose, sign, record a delivery) are never retried, since the register may have done the work before the reply
was lost.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import httpx

from adapters.barter.mapping import SERVICE, contract_from_json, contracts_from_json
from adapters.barter.model import Contract
from gateway.errors import (
    BadUserInput,
    Conflict,
    Forbidden,
    NotFound,
    UpstreamFault,
    UpstreamProtocolError,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gateway.sdk.calls import guard_of
from gateway.sdk.retry import ReadRetry

__all__ = ["BarterClient"]

_RETRYABLE_STATUS = frozenset({502, 503, 504})
#: the register's names for delivery fields that the GraphQL input names differently
_DELIVERY_FIELDS = {"date": "deliveredOn"}


class BarterClient:
    """Calls the barter register over an injected ``httpx.AsyncClient`` (owned by the adapter's lifespan)."""

    def __init__(self, http: httpx.AsyncClient, *, retry: ReadRetry | None = None) -> None:
        self._http = http
        self._retry = retry or ReadRetry()
        self._guard = guard_of(http)

    # -- calls --------------------------------------------------------------------------------------------
    async def contracts(
        self,
        *,
        agency: str | None,
        parties: Sequence[str] = (),
        status: str | None = None,
        kind: str | None = None,
    ) -> list[Contract]:
        params: list[tuple[str, str]] = [("party", p) for p in parties]
        if status:
            params.append(("status", status))
        if kind:
            params.append(("type", kind))
        body = await self._read("GET", "/contracts", agency=agency, params=params)
        return contracts_from_json(body)

    async def contracts_by_id(self, ids: Sequence[str], *, agency: str | None) -> list[Contract]:
        """Many contracts in one call (``POST /contracts/batch``); unknown ids are simply absent."""
        body = await self._read("POST", "/contracts/batch", agency=agency, json_body={"ids": list(ids)})
        return contracts_from_json(body)

    async def propose(self, proposal: Mapping[str, Any], *, agency: str | None) -> Contract:
        body = await self._call("POST", "/contracts", agency=agency, json_body=proposal, field_prefix="input")
        return contract_from_json(body)

    async def sign(self, contract_id: str, *, agency: str | None) -> Contract:
        """``POST /contracts/{id}/sign``: DRAFT → SIGNED (409 for any other status)."""
        path = f"/contracts/{quote(contract_id, safe='')}/sign"
        body = await self._call("POST", path, agency=agency, json_body={})
        return contract_from_json(body)

    async def record_delivery(self, contract_id: str, delivery: Mapping[str, Any], *, agency: str | None) -> Contract:
        path = f"/contracts/{quote(contract_id, safe='')}/deliveries"
        body = await self._call(
            "POST", path, agency=agency, json_body=delivery, field_prefix="input", renamed=_DELIVERY_FIELDS
        )
        return contract_from_json(body)

    async def ping(self) -> None:
        await self._call("GET", "/contracts", agency=None, params=[("party", "-")])

    # -- transport ----------------------------------------------------------------------------------------
    async def _read(self, method: str, path: str, **kwargs: Any) -> Any:
        return await self._retry.call(lambda: self._call(method, path, **kwargs), guard=self._guard)

    async def _call(
        self,
        method: str,
        path: str,
        *,
        agency: str | None,
        params: Sequence[tuple[str, str]] = (),
        json_body: Any = None,
        field_prefix: str = "",
        renamed: Mapping[str, str] | None = None,
    ) -> Any:
        headers = {"X-Agency-Id": agency} if agency else {}
        what = f"{method} {path}"
        try:
            response = await self._http.request(method, path, params=list(params), json=json_body, headers=headers)
        except httpx.TimeoutException:
            raise UpstreamTimeout(
                f"barter system did not answer {what} in time; it may be overloaded, try again later",
                service=SERVICE,
            ) from None
        except httpx.HTTPError as exc:
            raise UpstreamUnavailable(
                f"barter system connection failed during {what} ({type(exc).__name__}); check adapters.barter.url",
                service=SERVICE,
            ) from None
        return _decode(response, what, field_prefix, renamed or {})


def _decode(response: httpx.Response, what: str, field_prefix: str, renamed: Mapping[str, str]) -> Any:
    status = response.status_code
    try:
        body = json.loads(response.content) if response.content else None
    except ValueError:
        raise UpstreamProtocolError(
            f"barter system answered {what} with HTTP {status} and a body that is not JSON", service=SERVICE
        ) from None
    if status < 300:
        if body is None:
            raise UpstreamProtocolError(f"barter system answered {what} with an empty body", service=SERVICE)
        return body
    error = body.get("error") if isinstance(body, dict) else None
    message = str(error.get("message")) if isinstance(error, dict) and error.get("message") else f"HTTP {status}"
    field = error.get("field") if isinstance(error, dict) else None
    field = renamed.get(str(field), field) if field else None
    if status in {400, 404, 422} and field:
        path = ".".join(p for p in (field_prefix, str(field or "")) if p) or None
        raise BadUserInput(f"barter system rejected the request: {message}", field=path)
    if status == 404:
        raise NotFound(f"barter system: {message}")
    if status == 409:
        raise Conflict(f"barter system refused: {message}")
    if status == 403:
        raise Forbidden(f"barter system refused: {message}")
    if status in _RETRYABLE_STATUS:
        raise UpstreamUnavailable(f"barter system is unavailable ({what}: HTTP {status})", service=SERVICE)
    raise UpstreamFault(f"barter system failed {what}: {message} (HTTP {status})", service=SERVICE)
