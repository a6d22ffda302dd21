"""The barter subgraph: root fields, mutations and the Federation v2 schema."""

from __future__ import annotations

import strawberry

from adapters.barter import types as t
from adapters.barter.entities import BarterContract, Company, Info, contract_to_graphql, state
from adapters.barter.model import Party
from adapters.barter.proposals import (
    BarterContractFilter,
    ProposeBarterContractInput,
    RecordBarterDeliveryInput,
    delivery_payload,
    party_ref,
    proposal_payload,
)
from adapters.barter.subscription import Subscription, contract_event
from gateway.policy.scopes import BARTER_READ, BARTER_WRITE
from gateway.sdk.identifiers import parse_id
from gateway.sdk.rules import needs
from gateway.sdk.schema import federation_schema

__all__ = ["build_schema"]


async def barter_contract(info: Info, id: strawberry.ID) -> BarterContract | None:
    st = state(info)
    contract = await st.contracts.load(parse_id(id, "id"))
    return None if contract is None else contract_to_graphql(contract, st.today)


async def barter_contracts(info: Info, filter: BarterContractFilter | None = None) -> list[BarterContract]:
    st = state(info)
    parties: list[str] = []
    if filter is not None and filter.party is not None:
        country, tax_id = party_ref(filter.party, "filter.party")
        parties.append(Party(country=country, tax_id=tax_id).ref)
    kind = filter.kind.value if filter is not None and filter.kind is not None else None
    contracts = await st.client().contracts(parties=parties, kind=kind, agency=st.agency)
    views = [contract_to_graphql(c, st.today) for c in contracts]
    if filter is not None and filter.status is not None:
        views = [v for v in views if v.status is filter.status]
    return views


async def propose_barter_contract(info: Info, input: ProposeBarterContractInput) -> BarterContract:
    st = state(info)
    contract = await st.client().propose(proposal_payload(input), agency=st.agency)
    await info.context.adapter.events.publish(contract_event(contract, "PROPOSED"))
    return contract_to_graphql(contract, st.today)


async def sign_barter_contract(info: Info, contract_id: strawberry.ID) -> BarterContract:
    st = state(info)
    contract = await st.client().sign(parse_id(contract_id, "contractId"), agency=st.agency)
    return contract_to_graphql(contract, st.today)


async def record_barter_delivery(info: Info, input: RecordBarterDeliveryInput) -> BarterContract:
    st = state(info)
    payload = delivery_payload(input)
    contract = await st.client().record_delivery(
        parse_id(input.contract_id, "input.contractId"), payload, agency=st.agency
    )
    await info.context.adapter.events.publish(contract_event(contract, "DELIVERY"))
    return contract_to_graphql(contract, st.today)


@strawberry.type
class Query:
    barter_contract: BarterContract | None = strawberry.federation.field(
        resolver=barter_contract,
        requires_scopes=needs(BARTER_READ),
        description="One barter contract by id, or null if it does not exist or is not visible to you.",
    )
    barter_contracts: list[BarterContract] = strawberry.federation.field(
        resolver=barter_contracts,
        requires_scopes=needs(BARTER_READ),
        description="Barter contracts, optionally of one party, type or status.",
    )


@strawberry.type
class Mutation:
    propose_barter_contract: BarterContract = strawberry.federation.mutation(
        resolver=propose_barter_contract,
        requires_scopes=needs(BARTER_WRITE),
        description="Propose a barter contract; the register files it with status DRAFT.",
    )
    sign_barter_contract: BarterContract = strawberry.federation.mutation(
        resolver=sign_barter_contract,
        requires_scopes=needs(BARTER_WRITE),
        description=(
            "Sign a proposed contract: DRAFT → SIGNED, after which deliveries can be recorded against it. A contract "
            "in any other status is a CONFLICT; one that does not exist or is not visible to you is NOT_FOUND."
        ),
    )
    record_barter_delivery: BarterContract = strawberry.federation.mutation(
        resolver=record_barter_delivery,
        requires_scopes=needs(BARTER_WRITE),
        description=(
            "Record a delivery leg against one side's goods list. The HS code must be in that side's list and the "
            "quantity positive and within what is still to deliver."
        ),
    )


def build_schema() -> strawberry.federation.Schema:
    return federation_schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[BarterContract, Company, t.CustomsDeclaration, t.Shipment],
    )
