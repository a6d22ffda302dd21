"""The Kazakhstan customs REST client. Every transport or protocol failure becomes a ``gateway.errors`` class."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import httpx
from gateway.errors import UpstreamFault, UpstreamProtocolError, UpstreamTimeout, UpstreamUnavailable

__all__ = ["Declaration", "KzCustomsClient"]

SERVICE = "kz_customs"


@dataclasses.dataclass(frozen=True, kw_only=True)
class Declaration:
    id: str
    procedure: str
    channel: str
    status: str
    declarant_country: str
    declarant_tax_id: str
    destination: str
    goods: str
    fee_kzt: int


def _declaration(row: Any) -> Declaration:
    return Declaration(
        id=str(row["id"]),
        procedure=str(row["procedure"]),
        channel=str(row["channel"]),
        status=str(row["status"]),
        declarant_country=str(row["declarant"]["country"]),
        declarant_tax_id=str(row["declarant"]["taxId"]),
        destination=str(row["destination"]),
        goods=str(row["goods"]),
        fee_kzt=int(row["feeKzt"]),
    )


class KzCustomsClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def declarations(self, ids: Sequence[str], *, agency: str | None) -> list[Declaration]:
        """The declarations with these ids that ``agency`` may see (every one when ``ids`` is empty)."""
        payload = await self._get("/declarations", params={"ids": ",".join(ids)} if ids else None, agency=agency)
        try:
            return [_declaration(row) for row in payload["declarations"]]
        except (KeyError, TypeError, ValueError):
            raise UpstreamProtocolError(
                f"{SERVICE}: /declarations answered rows this adapter cannot read", service=SERVICE
            ) from None

    async def ping(self) -> None:
        await self._get("/health", params=None, agency=None)

    async def _get(self, path: str, *, params: dict[str, str] | None, agency: str | None) -> Any:
        headers = {"X-Agency-Id": agency} if agency else {}
        try:
            response = await self._http.get(path, params=params, headers=headers)
        except httpx.TimeoutException:
            raise UpstreamTimeout(f"{SERVICE}: {path} did not answer in time", service=SERVICE) from None
        except httpx.HTTPError as exc:
            raise UpstreamUnavailable(
                f"{SERVICE}: {path} is unreachable ({type(exc).__name__}); check adapters.{SERVICE}.url",
                service=SERVICE,
            ) from None
        if response.status_code >= 500:
            raise UpstreamUnavailable(f"{SERVICE}: {path} answered HTTP {response.status_code}", service=SERVICE)
        if response.status_code != 200:
            raise UpstreamFault(f"{SERVICE}: {path} answered HTTP {response.status_code}", service=SERVICE)
        try:
            return response.json()
        except ValueError:
            raise UpstreamProtocolError(
                f"{SERVICE}: {path} answered a body that is not JSON",
                service=SERVICE,
            ) from None
