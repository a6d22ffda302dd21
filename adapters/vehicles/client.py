"""The vehicle export system's REST client: the paged listing and the batch query, failures mapped.

Every call is a read, so each is retried by the shared read policy (:class:`gateway.sdk.retry.ReadRetry`:
connection loss, timeouts, 502/503/504, within the source's retry budget).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import httpx

from adapters.vehicles.legacy import SERVICE, Page, page_from_legacy
from adapters.vehicles.model import ExportFiling
from gateway.errors import UpstreamFault, UpstreamProtocolError, UpstreamTimeout, UpstreamUnavailable
from gateway.sdk.calls import guard_of
from gateway.sdk.retry import ReadRetry

__all__ = ["VehiclesClient"]

_RETRYABLE_STATUS = frozenset({502, 503, 504})


class VehiclesClient:
    """Calls the export system over an injected ``httpx.AsyncClient`` (owned by the adapter's lifespan)."""

    def __init__(self, http: httpx.AsyncClient, *, retry: ReadRetry | None = None) -> None:
        self._http = http
        self._retry = retry or ReadRetry()
        self._guard = guard_of(http)

    async def exports(
        self,
        *,
        page: int,
        page_size: int,
        agency: str | None,
        exporter: str | None = None,
        buyer: tuple[str, str] | None = None,
        status_code: str | None = None,
    ) -> Page:
        """One legacy page of export filings."""
        params: list[tuple[str, str]] = [("page", str(page)), ("pageSize", str(page_size))]
        if exporter:
            params.append(("exporter", exporter))
        if buyer:
            params += [("buyerCountry", buyer[0]), ("buyerTaxNo", buyer[1])]
        if status_code:
            params.append(("status", status_code))
        return page_from_legacy(await self._read("GET", "/api/v1/exports", agency=agency, params=params))

    async def by_vin(self, vins: Sequence[str], *, agency: str | None) -> list[ExportFiling]:
        body = {"VIN_LIST": list(vins)}
        return list(
            page_from_legacy(await self._read("POST", "/api/v1/exports/batchQuery", agency=agency, body=body)).items
        )

    async def by_company(self, refs: Sequence[str], *, agency: str | None) -> list[ExportFiling]:
        body = {"COMPANY_LIST": list(refs)}
        return list(
            page_from_legacy(await self._read("POST", "/api/v1/exports/batchQuery", agency=agency, body=body)).items
        )

    async def ping(self) -> None:
        await self._call("GET", "/api/v1/exports", agency=None, params=[("page", "1"), ("pageSize", "1")], body=None)

    async def _read(
        self, method: str, path: str, *, agency: str | None, params: Sequence[tuple[str, str]] = (), body: Any = None
    ) -> Any:
        return await self._retry.call(
            lambda: self._call(method, path, agency=agency, params=params, body=body), guard=self._guard
        )

    async def _call(
        self, method: str, path: str, *, agency: str | None, params: Sequence[tuple[str, str]], body: Any
    ) -> Any:
        headers = {"X-Agency-Id": agency} if agency else {}
        what = f"{method} {path}"
        try:
            response = await self._http.request(method, path, params=list(params), json=body, headers=headers)
        except httpx.TimeoutException:
            raise UpstreamTimeout(
                f"vehicle export system did not answer {what} in time; try again later", service=SERVICE
            ) from None
        except httpx.HTTPError as exc:
            raise UpstreamUnavailable(
                f"vehicle export system connection failed during {what} ({type(exc).__name__}); "
                "check adapters.vehicles.url",
                service=SERVICE,
            ) from None
        return _decode(response, what)


def _decode(response: httpx.Response, what: str) -> Any:
    status = response.status_code
    try:
        body = json.loads(response.content) if response.content else None
    except ValueError:
        raise UpstreamProtocolError(
            f"vehicle export system answered {what} with HTTP {status} and a body that is not JSON", service=SERVICE
        ) from None
    if status < 300:
        if body is None:
            raise UpstreamProtocolError(f"vehicle export system answered {what} with an empty body", service=SERVICE)
        return body
    if status in _RETRYABLE_STATUS:
        raise UpstreamUnavailable(f"vehicle export system is unavailable ({what}: HTTP {status})", service=SERVICE)
    detail = ""
    if isinstance(body, dict) and body.get("RET_CODE"):
        detail = f" {body.get('RET_CODE')}: {body.get('RET_MSG', '')}"
    raise UpstreamFault(f"vehicle export system failed {what} (HTTP {status}){detail}", service=SERVICE)
