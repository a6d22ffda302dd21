"""A REST stand-in for the Kazakhstan customs system (ASTANA-1 style), seeded with the platform's story companies.

``GET /declarations?ids=A,B`` answers those declarations (every one without ``ids``); ``X-Agency-Id`` limits the
answer to declarations whose declarant lists that partner agency. ``GET /health`` answers ``{"status": "ok"}``.
"""

from __future__ import annotations

import dataclasses

from gateway.sdk.sandbox import SandboxConfig
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

__all__ = ["SEED", "SeedDeclaration", "create_app"]

#: the fee ASTANA-1 charges per declaration
FEE_KZT = 20_000


@dataclasses.dataclass(frozen=True)
class SeedDeclaration:
    id: str
    procedure: str  # EK-10 export, IM-40 release for home use, TR-80 transit
    channel: str  # GREEN (automatic release), YELLOW (documents within 4 h), RED (inspection)
    status: str
    declarant: tuple[str, str]  # (country, tax id) of a story company
    destination: str
    goods: str
    #: partner agencies of the declarant (as in the platform's story)
    agencies: tuple[str, ...]


SEED: tuple[SeedDeclaration, ...] = (
    SeedDeclaration(
        "KZ-ASTANA1-2026-0001", "EK-10", "GREEN", "RELEASED", ("KZ", "240540001232"), "CN", "Wheat, grade 3",
        ("kz-trade-agency",),
    ),
    SeedDeclaration(
        "KZ-ASTANA1-2026-0002", "IM-40", "YELLOW", "DOCUMENTS_REQUESTED", ("KZ", "191240005671"), "KZ",
        "Used passenger cars", ("kz-trade-agency",),
    ),
    SeedDeclaration(
        "KZ-ASTANA1-2026-0003", "TR-80", "RED", "INSPECTION", ("BY", "200988541"), "CN", "Tractor parts",
        ("ru-export-center",),
    ),
    SeedDeclaration(
        "KZ-ASTANA1-2026-0004", "IM-40", "GREEN", "RELEASED", ("CN", "91650000MA77X8TQ31"), "KZ",
        "Excavator parts", ("qingdao-broker", "kz-trade-agency"),
    ),
)  # fmt: skip


def _json(d: SeedDeclaration) -> dict[str, object]:
    return {
        "id": d.id,
        "procedure": d.procedure,
        "channel": d.channel,
        "status": d.status,
        "declarant": {"country": d.declarant[0], "taxId": d.declarant[1]},
        "destination": d.destination,
        "goods": d.goods,
        "feeKzt": FEE_KZT,
    }


def create_app(config: SandboxConfig) -> Starlette:
    calls = {"declarations": 0}

    async def declarations(request: Request) -> Response:
        calls["declarations"] += 1
        agency = request.headers.get("x-agency-id")
        ids = [i for i in request.query_params.get("ids", "").split(",") if i]
        found = [_json(d) for d in SEED if (not ids or d.id in ids) and (agency is None or agency in d.agencies)]
        return JSONResponse({"declarations": found})

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    app = Starlette(routes=[Route("/declarations", declarations), Route("/health", health)])
    app.state.calls = calls
    return app
