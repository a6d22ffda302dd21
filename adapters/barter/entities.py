"""The entities of the barter subgraph: ``BarterContract`` (owned) and ``Company`` (its key + contracts)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import cast

import strawberry

from adapters.barter import types as t
from adapters.barter.balance import settlement_status
from adapters.barter.loaders import BarterState
from adapters.barter.model import Contract, Party
from gateway.policy.scopes import BARTER_READ
from gateway.sdk.context import SubgraphContext
from gateway.sdk.identifiers import MoneyValue
from gateway.sdk.node_ids import id_field
from gateway.sdk.rules import needs
from gateway.sdk.scalars import CountryCode, CurrencyCode, TaxId

__all__ = ["BarterContract", "Company", "Info", "contract_to_graphql", "state"]

Info = strawberry.Info[SubgraphContext, None]


def state(info: Info) -> BarterState:
    return cast(BarterState, info.context.state)


async def _barter_contracts(root: Company, info: Info) -> list[BarterContract] | None:
    st = state(info)
    contracts = await st.by_party.load(Party(country=root.country, tax_id=root.tax_id))
    return [contract_to_graphql(c, st.today) for c in contracts]


@strawberry.federation.type(
    keys=["country taxId"], description="A trader; barter adds its barter contracts.", authenticated=True
)
class Company:
    country: CountryCode
    tax_id: TaxId
    id: strawberry.ID = id_field("Company", "country", "tax_id")
    barter_contracts: list[BarterContract] | None = strawberry.field(
        resolver=_barter_contracts, description="Barter contracts this company is a party to."
    )

    @classmethod
    async def resolve_reference(cls, info: Info, country: str, taxId: str) -> Company:
        return cls(country=country, tax_id=taxId)


def _company(party: Party) -> Company:
    return Company(country=party.country, tax_id=party.tax_id)


@strawberry.federation.type(
    requires_scopes=needs(BARTER_READ),
    keys=["id"],
    description=(
        "A barter (goods-for-goods) contract: dated, numbered, two parties in different countries, two goods "
        "lists valued in one reference currency, the deliveries against them and the running balance."
    ),
)
class BarterContract:
    id: strawberry.ID
    number: str
    date: dt.date = strawberry.field(description="The contract's date.")
    party_a: Company
    party_b: Company
    kind: t.BarterContractType = strawberry.field(name="type")
    reference_currency: CurrencyCode
    valid_until: dt.date
    counter_delivery_deadline: dt.date = strawberry.field(description="Counter deliveries are due by this date.")
    status: t.BarterContractStatus
    tolerance_pct: Decimal
    goods_a: list[t.BarterGoodsLine] = strawberry.field(description="What party A delivers.")
    goods_b: list[t.BarterGoodsLine] = strawberry.field(description="What party B delivers.")
    deliveries: list[t.BarterDelivery]
    balance: t.BarterBalance

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> BarterContract | None:
        st = state(info)
        contract = await st.contracts.load(str(id))
        return None if contract is None else contract_to_graphql(contract, st.today)


def contract_to_graphql(contract: Contract, today: dt.date) -> BarterContract:
    """The GraphQL view of a contract on ``today`` (its status depends on the date: OVERDUE)."""
    currency = contract.reference_currency

    def money(amount: Decimal) -> MoneyValue:
        return MoneyValue(amount=amount, currency=currency)

    unit_values = {(g.side, g.hs_code): g.unit_value for g in contract.goods}
    goods = [
        t.BarterGoodsLine(
            line_no=g.line_no,
            side=t.BarterSide(g.side),
            hs_code=g.hs_code,
            description=g.description,
            quantity=g.quantity,
            unit=g.unit,
            unit_value=money(g.unit_value),
            value=money(g.value),
            origin=g.origin,
            incoterms=g.incoterms,
            delivered_quantity=contract.delivered(g),
            remaining_quantity=max(g.quantity - contract.delivered(g), Decimal(0)),
        )
        for g in contract.goods
    ]
    deliveries = [
        t.BarterDelivery(
            id=strawberry.ID(d.id),
            side=t.BarterSide(d.side),
            hs_code=d.hs_code,
            quantity=d.quantity,
            value=money(d.quantity * unit_values.get((d.side, d.hs_code), Decimal(0))),
            delivered_on=d.delivered_on,
            procedure=d.procedure,
            declaration=t.CustomsDeclaration(id=strawberry.ID(d.mrn)) if d.mrn else None,
            shipment=t.Shipment(awb=d.awb) if d.awb else None,
        )
        for d in contract.deliveries
    ]
    ledger = contract.balance()
    balance = t.BarterBalance(
        contracted_a=money(ledger.contracted_a),
        contracted_b=money(ledger.contracted_b),
        shipped_a=money(ledger.shipped_a),
        shipped_b=money(ledger.shipped_b),
        residual=money(ledger.residual),
        owed_by=t.BarterSide(ledger.owed_by) if ledger.owed_by else None,
        owed_by_party=_company(contract.party(ledger.owed_by)) if ledger.owed_by else None,
        tolerance_pct=ledger.tolerance_pct,
        tolerance=money(ledger.tolerance),
        within_tolerance=ledger.within_tolerance,
        complete_a=ledger.complete_a,
        complete_b=ledger.complete_b,
        settled=ledger.settled,
    )
    status = settlement_status(contract.status, ledger, contract.counter_delivery_deadline, today)
    return BarterContract(
        id=strawberry.ID(contract.id),
        number=contract.number,
        date=contract.date,
        party_a=_company(contract.party_a),
        party_b=_company(contract.party_b),
        kind=t.BarterContractType(contract.kind),
        reference_currency=currency,
        valid_until=contract.valid_until,
        counter_delivery_deadline=contract.counter_delivery_deadline,
        status=t.BarterContractStatus(status),
        tolerance_pct=contract.tolerance_pct,
        goods_a=[g for g in goods if g.side is t.BarterSide.A],
        goods_b=[g for g in goods if g.side is t.BarterSide.B],
        deliveries=deliveries,
        balance=balance,
    )
