"""The ``kz_customs`` Federation v2 subgraph: ``KzDeclaration`` plus references to the platform's entities.

``declarant`` points at the platform's ``Company`` (tax owns its name) and ``destination`` at ``Country``
(reference owns it): stubs with ``resolvable: false`` holding only the keys, per Silkgraph's subgraph conventions.
"""

from __future__ import annotations

import enum
import re
from typing import Any, cast

import strawberry
from gateway.errors import BadUserInput
from gateway.policy.scopes import CUSTOMS_READ
from gateway.sdk.context import SubgraphContext
from gateway.sdk.scalars import CountryCode, TaxId
from gateway.sdk.schema import federation_schema
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet
from strawberry.types import Info

from kz_customs_partner.client import Declaration
from kz_customs_partner.loaders import KzCustomsState

__all__ = ["build_schema"]

_ID = re.compile(r"^KZ-ASTANA1-\d{4}-\d{4}$")


def _state(info: Info[Any, Any]) -> KzCustomsState:
    return cast(KzCustomsState, cast(SubgraphContext, info.context).state)


@strawberry.enum(description="ASTANA-1 risk routing: GREEN released automatically, YELLOW documents, RED inspection.")
class KzRiskChannel(enum.Enum):
    GREEN = "GREEN"
    YELLOW = "YELLOW"
    RED = "RED"


# Silkgraph is closed by default: every type and field declares who may read it (docs/security.md)
@strawberry.federation.type(
    keys=[Key(fields=FieldSet("country taxId"), resolvable=False)],
    description="A company (tax subgraph).",
    authenticated=True,
)
class Company:
    country: CountryCode
    tax_id: TaxId


@strawberry.federation.type(
    keys=[Key(fields=FieldSet("code"), resolvable=False)], description="A country (reference subgraph)."
)
class Country:
    code: CountryCode


@strawberry.federation.type(
    keys=["id"],
    description="A customs declaration lodged in Kazakhstan (ASTANA-1).",
    requires_scopes=[[CUSTOMS_READ]],
)
class KzDeclaration:
    id: strawberry.ID
    procedure: str = strawberry.field(description="Customs procedure, e.g. EK-10 export, IM-40 import.")
    risk_channel: KzRiskChannel
    status: str
    goods: str
    fee_kzt: int = strawberry.field(description="Processing fee in tenge (20,000 KZT per declaration).")
    declarant: Company
    destination: Country

    @classmethod
    def of(cls, d: Declaration) -> KzDeclaration:
        return cls(
            id=strawberry.ID(d.id),
            procedure=d.procedure,
            risk_channel=KzRiskChannel(d.channel),
            status=d.status,
            goods=d.goods,
            fee_kzt=d.fee_kzt,
            declarant=Company(country=CountryCode(d.declarant_country), tax_id=TaxId(d.declarant_tax_id)),
            destination=Country(code=CountryCode(d.destination)),
        )

    @classmethod
    async def resolve_reference(cls, info: Info[Any, Any], id: strawberry.ID) -> KzDeclaration | None:
        found = await _state(info).declarations.load(str(id))
        return cls.of(found) if found else None


async def kz_declaration(info: Info[Any, Any], id: strawberry.ID) -> KzDeclaration | None:
    if not _ID.match(str(id)):
        raise BadUserInput(f"{id!r} is not an ASTANA-1 declaration number (e.g. KZ-ASTANA1-2026-0001)", field="id")
    found = await _state(info).declarations.load(str(id))
    return KzDeclaration.of(found) if found else None


async def kz_declarations(info: Info[Any, Any]) -> list[KzDeclaration]:
    state = _state(info)
    return [KzDeclaration.of(d) for d in await state.client().declarations([], agency=state.agency)]


@strawberry.type
class Query:
    kz_declaration: KzDeclaration | None = strawberry.federation.field(
        resolver=kz_declaration,
        requires_scopes=[[CUSTOMS_READ]],
        description="One Kazakh customs declaration; null when it does not exist or is not yours.",
    )
    kz_declarations: list[KzDeclaration] = strawberry.federation.field(
        resolver=kz_declarations,
        requires_scopes=[[CUSTOMS_READ]],
        description="Every Kazakh customs declaration the caller may see.",
    )


def build_schema() -> strawberry.federation.Schema:
    return federation_schema(query=Query, types=[KzDeclaration])
