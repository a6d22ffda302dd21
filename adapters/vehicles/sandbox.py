"""A stand-in for the second-hand car export information system: a paged legacy REST listing.

Endpoints (upper-snake JSON, dates ``yyyyMMdd``, codes as in :mod:`adapters.vehicles.legacy`)::

    GET  /api/v1/exports?page=1&pageSize=20&exporter=USCC&buyerCountry=KZ&buyerTaxNo=..&status=60
         {"total": n, "page": p, "pageSize": s, "items": [record...]}
    POST /api/v1/exports/batchQuery   {"VIN_LIST": [...]} or {"COMPANY_LIST": ["CC:TAXID", ...]}
         {"total": n, "items": [record...]}                 (one call for many VINs or companies)
    GET  /_sandbox/calls                                    calls served per endpoint

Errors answer ``{"RET_CODE": "E...", "RET_MSG": "..."}`` with HTTP 400. ``X-Agency-Id`` limits every answer
to filings whose exporter or buyer the agency serves. Seeded from ``adapters.story.VEHICLES`` plus the
export-procedure detail below (tests, licences, exit and deregistration dates), keyed by VIN. The nightly
job of the real system that marks exited cars OVERDUE (status 90) runs on every read here, against
``SandboxConfig.options["today"]`` (default: the real date).
"""

from __future__ import annotations

import collections
import datetime as dt
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from adapters import story
from adapters.credentials import demo_api_key
from adapters.sandbox_auth import RequireApiKey
from adapters.vehicles.legacy import STATUS_CODES
from adapters.vehicles.rules import deregistration_deadline
from gateway.sdk.sandbox import SandboxConfig

__all__ = ["create_app"]

#: What the export system knows beyond the shared story: (test result, test date, licence status, licence
#: number, licence date, exit date, deregistration date).
_PROCEDURE: dict[str, tuple[str, str, str, str, str, str, str]] = {
    "LSVAM418XP2184847": ("P", "20261012", "02", "EL2026-3702-00815", "20261015", "20261123", ""),
    "LVSHCAMB1TE123456": ("P", "20261026", "02", "EL2026-3702-00921", "20261028", "", ""),
    "JHMCM5653HC404453": ("P", "20260808", "02", "EL2026-3702-00702", "20260812", "20260825", "20261020"),
}
_CODE_OF = {name: code for code, name in STATUS_CODES.items()}
_MAX_PAGE_SIZE = 100


def _compact(iso: str) -> str:
    return iso.replace("-", "")


def _seed_record(v: story.Vehicle) -> dict[str, Any]:
    test, tested, licence, licence_no, licensed, exited, deregistered = _PROCEDURE.get(
        v.vin, ("", "", "00", "", "", "", "")
    )
    exporter, buyer = story.company(v.exporter), story.company(v.buyer)
    return {
        "VIN_CODE": v.vin,
        "EXPORTER_USCC": v.exporter[1],
        "EXPORTER_NAME": exporter.name_local,
        "BUYER_COUNTRY": v.buyer[0],
        "BUYER_TAX_NO": v.buyer[1],
        "BUYER_NAME": buyer.name,
        "REG_DATE": _compact(v.first_registered_on),
        "PURCHASE_DATE": _compact(v.purchased_on),
        "TEMP_PLATE_NO": v.temp_plate,
        "TEMP_PLATE_DATE": _compact(v.temp_plate_issued_on),
        "TEST_RESULT": test,
        "TEST_DATE": tested,
        "LICENCE_STATUS": licence,
        "LICENCE_NO": licence_no,
        "LICENCE_DATE": licensed,
        "MFR_CONFIRM": "Y" if v.manufacturer_confirmation else "N",
        "DECL_MRN": v.declaration or "",
        "AWB_NO": v.awb or "",
        "EXIT_DATE": exited,
        "DEREG_DATE": deregistered,
        "STATUS_CD": _CODE_OF[v.status],
        "MILEAGE": v.mileage_km,
        "PRICE_AMT": str(v.price),
        "CURR_CD": v.currency,
    }


class _Registry:
    def __init__(self, today: dt.date | None) -> None:
        self.records: dict[str, dict[str, Any]] = {v.vin: _seed_record(v) for v in story.VEHICLES}
        self.calls: collections.Counter[str] = collections.Counter()
        #: W3C traceparent headers received, in order (the adapter propagates the operation's trace)
        self.traceparents: list[str] = []
        self._today = today

    def served(self, endpoint: str, request: Request) -> None:
        """Count a call per endpoint and note its traceparent, like the real system's access log."""
        self.calls[endpoint] += 1
        if "traceparent" in request.headers:
            self.traceparents.append(request.headers["traceparent"])

    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def visible(self, record: dict[str, Any], agency: str | None) -> bool:
        if agency is None:
            return True
        refs = {f"{c.country}:{c.tax_id}" for c in story.COMPANIES if agency in c.agencies}
        return f"CN:{record['EXPORTER_USCC']}" in refs or f"{record['BUYER_COUNTRY']}:{record['BUYER_TAX_NO']}" in refs

    def view(self, record: dict[str, Any]) -> dict[str, Any]:
        shown = dict(record)
        if shown["STATUS_CD"] == "60" and shown["EXIT_DATE"]:
            exited = dt.datetime.strptime(shown["EXIT_DATE"], "%Y%m%d").date()
            deadline = deregistration_deadline(exited)
            if deadline is not None and self.today() > deadline:
                shown["STATUS_CD"] = "90"
        return shown

    def rows(self, agency: str | None) -> list[dict[str, Any]]:
        return [self.view(r) for vin, r in sorted(self.records.items()) if self.visible(r, agency)]


def _error(code: str, message: str) -> JSONResponse:
    return JSONResponse({"RET_CODE": code, "RET_MSG": message}, status_code=400)


def _positive_int(text: str | None, default: int) -> int | None:
    if text is None:
        return default
    return int(text) if text.isdigit() and int(text) > 0 else None


def create_app(config: SandboxConfig) -> Starlette:
    """The vehicle export sandbox as a Starlette app, seeded from the story."""
    today = config.options.get("today")
    registry = _Registry(dt.date.fromisoformat(today) if today else None)

    def agency(request: Request) -> str | None:
        return request.headers.get("x-agency-id") or None

    async def listing(request: Request) -> JSONResponse:
        registry.served("exports.list", request)
        q = request.query_params
        page, size = _positive_int(q.get("page"), 1), _positive_int(q.get("pageSize"), 20)
        if page is None:
            return _error("E001", "page must be a positive integer")
        if size is None or size > _MAX_PAGE_SIZE:
            return _error("E002", f"pageSize must be 1-{_MAX_PAGE_SIZE}")
        rows = registry.rows(agency(request))
        if q.get("exporter"):
            rows = [r for r in rows if r["EXPORTER_USCC"] == q["exporter"]]
        if q.get("buyerTaxNo"):
            rows = [r for r in rows if r["BUYER_TAX_NO"] == q["buyerTaxNo"]]
        if q.get("buyerCountry"):
            rows = [r for r in rows if r["BUYER_COUNTRY"] == q["buyerCountry"]]
        if q.get("status"):
            rows = [r for r in rows if r["STATUS_CD"] == q["status"]]
        items = rows[(page - 1) * size : page * size]
        return JSONResponse({"total": len(rows), "page": page, "pageSize": size, "items": items})

    async def batch_query(request: Request) -> JSONResponse:
        registry.served("exports.batchQuery", request)
        try:
            body = await request.json()
        except ValueError:
            return _error("E003", "the body is not JSON")
        if not isinstance(body, dict):
            return _error("E003", "the body must be an object")
        rows = registry.rows(agency(request))
        if isinstance(body.get("VIN_LIST"), list):
            wanted = {str(v).upper() for v in body["VIN_LIST"]}
            rows = [r for r in rows if r["VIN_CODE"] in wanted]
        elif isinstance(body.get("COMPANY_LIST"), list):
            refs = {str(c) for c in body["COMPANY_LIST"]}
            rows = [
                r
                for r in rows
                if f"CN:{r['EXPORTER_USCC']}" in refs or f"{r['BUYER_COUNTRY']}:{r['BUYER_TAX_NO']}" in refs
            ]
        else:
            return _error("E004", "send VIN_LIST or COMPANY_LIST")
        return JSONResponse({"total": len(rows), "items": rows})

    async def calls(request: Request) -> JSONResponse:
        return JSONResponse(dict(registry.calls))

    app = Starlette(
        middleware=[Middleware(RequireApiKey, key=str(config.options.get("api_key", demo_api_key("vehicles"))))],
        routes=[
            Route("/api/v1/exports", listing, methods=["GET"]),
            Route("/api/v1/exports/batchQuery", batch_query, methods=["POST"]),
            Route("/_sandbox/calls", calls, methods=["GET"]),
        ],
    )
    app.state.registry = registry
    return app
