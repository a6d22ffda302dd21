"""The barter subgraph's ``Subscription``: deliveries and balance changes of barter contracts.

A contract proposed or a delivery leg recorded in the register is a ``barter.contract`` event carrying the
``BarterContract`` entity (with its running balance). A subscriber sees it only if the register, asked with the
subscriber's agency, shows that contract.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator
from typing import cast

import strawberry

from adapters.barter.entities import BarterContract, Info, contract_to_graphql, state
from adapters.barter.model import Contract
from gateway.policy.scopes import BARTER_READ
from gateway.sdk.events import EventBus, LiveEvent, live_field, stream_visible
from gateway.sdk.rules import needs

__all__ = ["TOPIC", "Subscription", "contract_event"]

TOPIC = "barter.contract"


def contract_event(contract: Contract, change: str) -> LiveEvent:
    """``change``: PROPOSED or DELIVERY (the latest delivery leg is the event's lineage)."""
    latest = contract.deliveries[-1] if change == "DELIVERY" and contract.deliveries else None
    lineage = f"barter-register:{change}:{contract.id}" + (f":{latest.id}" if latest is not None else "")
    return LiveEvent(
        topic=TOPIC,
        key={"id": contract.id},
        data={
            "change": change,
            "at": dt.datetime.now(dt.UTC).isoformat(),
            "delivery": latest.id if latest is not None else None,
        },
        source=lineage,
    )


@strawberry.federation.type(
    name="BarterContractChange",
    description="A barter contract proposed, or a delivery recorded on it.",
    requires_scopes=needs(BARTER_READ),
)
class ContractChange:
    id: strawberry.ID
    change: str = strawberry.field(description="PROPOSED or DELIVERY")
    delivery_id: str | None = strawberry.field(description="The delivery leg recorded, for DELIVERY")
    at: dt.datetime
    source: str = strawberry.field(description="Lineage: the register entry it came from")

    @strawberry.field(description="The contract with its balance, as the register shows it now.")  # type: ignore[untyped-decorator]
    async def contract(self, info: Info) -> BarterContract | None:
        st = state(info)
        found = await st.client().contracts_by_id([str(self.id)], agency=st.agency)
        return contract_to_graphql(found[0], st.today) if found else None


@strawberry.type
class Subscription:
    @live_field(BARTER_READ, "Deliveries and balance changes of the barter contracts you may see; `id` follows one.")
    async def barter_contract_changed(
        self, info: Info, id: strawberry.ID | None = None
    ) -> AsyncGenerator[ContractChange, None]:
        st = state(info)

        async def visible(event: LiveEvent) -> bool | None:
            key = str(event.key.get("id", ""))
            try:
                found = await st.client().contracts_by_id([key], agency=st.agency)
            except Exception:  # the register cannot say: this event is not delivered
                return None
            return bool(found)

        bus = cast("EventBus", info.context.adapter.events)
        async for event in stream_visible(
            bus,
            TOPIC,
            st.agency,
            visible,
            matches=lambda e: id is None or e.key.get("id") == str(id),
            lineage=info.context.request.extras,
        ):
            yield ContractChange(
                id=strawberry.ID(str(event.key["id"])),
                change=str(event.data.get("change") or ""),
                delivery_id=event.data.get("delivery"),
                at=dt.datetime.fromisoformat(str(event.data["at"])),
                source=event.source,
            )
