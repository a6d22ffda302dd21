"""The demo's callers: one token each for the seeded agencies, an operator and an auditor, printed by the banner.

The demo runs the same closed model as production: without a token only reference data answers. Each caller
here is what a real identity provider would issue (docs/security.md, roles table); :data:`EXAMPLE_CALLERS` says
which of them runs each example operation in ``gateway/operations/`` (tests/e2e/test_dossier.py checks it).
"""

from __future__ import annotations

import dataclasses

from gateway.policy.devkeys import DevKey
from gateway.policy.scopes import ROLES
from gateway.sdk.context import Principal

__all__ = ["DEMO_CALLERS", "EXAMPLE_CALLERS", "DemoCaller", "demo_tokens_banner"]


@dataclasses.dataclass(frozen=True)
class DemoCaller:
    name: str
    principal: Principal
    sees: str


def _caller(name: str, role: str, sees: str, agency: str | None = None) -> DemoCaller:
    principal = Principal(
        subject=f"demo-{name}", agency=agency, roles=frozenset({role}), scopes=frozenset(ROLES[role][0])
    )
    return DemoCaller(name, principal, sees)


DEMO_CALLERS: tuple[DemoCaller, ...] = (
    _caller(
        "qingdao-broker",
        "partner",
        "Haixin, Horgos and Pudong: their declarations, shipments, payments, barter, cars and tax records; "
        "may submit, book, pay and trade for them",
        agency="qingdao-broker",
    ),
    _caller(
        "kz-trade-agency",
        "partner",
        "Horgos, Almaty Auto and Astana Grain: the same, for its own traders only",
        agency="kz-trade-agency",
    ),
    _caller("operator", "operator", "every agency's records, read-only (audited with its grant); /metrics"),
    _caller("auditor", "auditor", "every agency's records and the audit trail (/console), read-only"),
)

#: the banner caller that runs each example operation (its records are that caller's)
EXAMPLE_CALLERS: dict[str, str] = {
    "BarterContract": "kz-trade-agency",
    "CompanyDossier": "qingdao-broker",
    "Declaration": "operator",
    "ShipmentDossier": "operator",
    "SubmitDeclaration": "qingdao-broker",
    "VehicleDossier": "qingdao-broker",
    "VerifyInvoice": "qingdao-broker",
}


def caller(name: str) -> DemoCaller:
    return next(c for c in DEMO_CALLERS if c.name == name)


def demo_tokens_banner(key: DevKey, *, ttl: int = 12 * 3600) -> str:
    """Working bearer tokens (demo key, ``ttl`` seconds) for every demo caller, with what each one sees."""
    lines = [f"Tokens (demo key, valid {ttl // 3600} h; without one, only reference data answers):"]
    for c in DEMO_CALLERS:
        p = c.principal
        token = key.token(subject=p.subject, agency=p.agency, roles=sorted(p.roles), scopes=sorted(p.scopes), ttl=ttl)
        lines.append(f"  {c.name:<16} sees {c.sees}")
        lines.append(f"    Authorization: Bearer {token}")
    return "\n".join(lines)
