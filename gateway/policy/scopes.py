"""The one list of scopes and roles Silkgraph knows: subgraph rules, tokens and docs/security.md all come from here.

A scope is ``<area>:<verb>``. Reads of a domain need its ``:read`` scope; every mutation needs its write scope.
Reference data (countries, currencies, airports, airlines, HS chapters) needs nothing. ``platform:read-all`` is
the only way to read records across agencies, and only together with a platform role (``operator`` or
``auditor``): see :mod:`gateway.sdk.tenancy`. ``docs/security.md`` carries :func:`scope_table` between markers;
a test fails when the two disagree (``python -m gateway.policy.scopes`` rewrites it).
"""

from __future__ import annotations

import dataclasses

__all__ = [
    "OPS_READ",
    "PLATFORM_READ_ALL",
    "PLATFORM_ROLES",
    "PUBLIC_TAG",
    "ROLES",
    "SCOPES",
    "Scope",
    "read_scopes",
    "render_doc",
    "role_table",
    "scope_table",
    "write_scopes",
]


@dataclasses.dataclass(frozen=True)
class Scope:
    name: str
    grants: str
    #: coordinates (``Type.field``) whose rule names this scope, for the docs; reads list their root types
    covers: str = ""

    @property
    def area(self) -> str:
        return self.name.partition(":")[0]

    @property
    def verb(self) -> str:
        return self.name.partition(":")[2]


#: ``@tag(name: "public")`` opens a field that carries no rule (reference data only)
PUBLIC_TAG = "public"

CUSTOMS_READ = "customs:read"
CUSTOMS_SUBMIT = "customs:submit"
CARGO_READ = "cargo:read"
CARGO_BOOK = "cargo:book"
PAYMENTS_READ = "payments:read"
PAYMENTS_INITIATE = "payments:initiate"
BARTER_READ = "barter:read"
BARTER_WRITE = "barter:write"
TAX_READ = "tax:read"
VEHICLES_READ = "vehicles:read"
AUDIT_READ = "audit:read"
OPS_READ = "ops:read"
PLATFORM_READ_ALL = "platform:read-all"

SCOPES: tuple[Scope, ...] = (
    Scope(CUSTOMS_READ, "customs declarations, their goods, offices and release flow", "declaration, declarations"),
    Scope(
        CUSTOMS_SUBMIT,
        "lodge a customs declaration and record customs decisions on it",
        "Mutation.submitDeclaration, Mutation.recordCustomsDecision",
    ),
    Scope(CARGO_READ, "air waybills, bookings and tracking events; the cargo airline directory", "shipment, shipments"),
    Scope(CARGO_BOOK, "book an air waybill", "Mutation.bookShipment"),
    Scope(PAYMENTS_READ, "payments, accounts, bank statements and FX quotes", "payment, payments, statement, fxQuote"),
    Scope(PAYMENTS_INITIATE, "send and recall payments", "Mutation.initiatePayment, Mutation.recallPayment"),
    Scope(BARTER_READ, "barter contracts, goods lists, deliveries and balances", "barterContract, barterContracts"),
    Scope(
        BARTER_WRITE,
        "propose and sign barter contracts and record deliveries",
        "Mutation.proposeBarterContract, Mutation.signBarterContract, Mutation.recordBarterDelivery",
    ),
    Scope(TAX_READ, "taxpayer register, VAT invoices and export rebates", "company, companies, invoice, exportRebate"),
    Scope(VEHICLES_READ, "used-car export filings, licences and deregistration", "vehicle, vehicleExports"),
    Scope(AUDIT_READ, "the audit log (audit subgraph and /console)", "auditRecords, auditRecord, auditStatus"),
    Scope(OPS_READ, "operations endpoints in production: /metrics, /console, /readyz details", ""),
    Scope(
        PLATFORM_READ_ALL,
        "read records of every agency; only with the operator or auditor role, and every such read is audited",
        "",
    ),
)

#: the read scope of each built-in domain (a subgraph's area)
_READS = {s.area: s.name for s in SCOPES if s.verb == "read" and s.area not in ("platform", "ops", "audit")}


def read_scopes() -> frozenset[str]:
    return frozenset(_READS.values())


def write_scopes() -> frozenset[str]:
    return frozenset(s.name for s in SCOPES if s.verb not in ("read", "read-all"))


#: roles that may hold the platform grant
PLATFORM_ROLES = ("operator", "auditor")

#: role → (scopes a token of that role typically carries, what it sees); the demo banner and docs use this
ROLES: dict[str, tuple[frozenset[str], str]] = {
    "partner": (
        read_scopes() | write_scopes(),
        "its own agency's records in every domain; may submit, book, pay and trade for its own traders",
    ),
    "operator": (
        read_scopes() | {PLATFORM_READ_ALL, OPS_READ},
        "every agency's records, read-only (audited with the grant); /metrics, /console and /readyz details",
    ),
    "auditor": (
        read_scopes() | {PLATFORM_READ_ALL, AUDIT_READ},
        "every agency's records and the audit log, read-only (audited with the grant)",
    ),
}


def scope_table() -> str:
    """The Markdown table of scopes that docs/security.md carries."""
    lines = ["| Scope | Grants | Root fields (with their types) |", "|---|---|---|"]
    for s in SCOPES:
        lines.append(f"| `{s.name}` | {s.grants} | {s.covers or '—'} |")
    return "\n".join(lines)


def role_table() -> str:
    lines = ["| Role | Scopes | Sees |", "|---|---|---|"]
    for role, (scopes, sees) in ROLES.items():
        lines.append(f"| `{role}` | {' '.join(f'`{s}`' for s in sorted(scopes))} | {sees} |")
    return "\n".join(lines)


_MARKERS = {"scopes": scope_table, "roles": role_table}


def render_doc(text: str) -> str:
    """``text`` (docs/security.md) with the generated tables between their ``<!-- name:begin -->`` markers."""
    for name, table in _MARKERS.items():
        begin = text.index(f"<!-- {name}:begin")
        start = text.index("-->", begin) + 3
        end = text.index(f"<!-- {name}:end -->")
        text = text[:start] + "\n" + table() + "\n" + text[end:]
    return text


if __name__ == "__main__":  # python -m gateway.policy.scopes [docs/security.md]: rewrite the tables in place
    import sys
    from pathlib import Path

    doc = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/security.md")
    doc.write_text(render_doc(doc.read_text(encoding="utf-8")), encoding="utf-8")
