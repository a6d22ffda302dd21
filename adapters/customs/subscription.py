"""The customs subgraph's ``Subscription``: a declaration's status as customs notifies it.

Customs answers a lodged declaration with DMS notifications (received, accepted, released...). Each becomes a
``customs.declaration`` event carrying the ``CustomsDeclaration`` entity; a subscriber sees it only if customs,
asked with the subscriber's agency, shows that declaration.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator
from typing import cast

import strawberry
from strawberry.types import Info

from adapters.customs.records import Notice
from adapters.customs.subgraph import CustomsDeclaration, DeclarationStatus, _loaders
from gateway.policy.scopes import CUSTOMS_READ
from gateway.sdk.events import EventBus, LiveEvent, live_field, stream_visible
from gateway.sdk.rules import needs

__all__ = ["TOPIC", "Subscription", "notice_event"]

TOPIC = "customs.declaration"


def notice_event(entry_number: str, notice: Notice) -> LiveEvent:
    """The live event of one DMS notification, with its lineage (message name, function code, entry number, time)."""
    at = notice.issued_at.isoformat()
    return LiveEvent(
        topic=TOPIC,
        key={"id": entry_number},
        data={"status": notice.status, "code": notice.code, "name": notice.name, "at": at},
        source=f"customs:{notice.name}:{notice.code}:{entry_number}:{at}",
    )


@strawberry.federation.type(
    name="DeclarationStatusChange",
    description="A notification customs issued on a declaration.",
    requires_scopes=needs(CUSTOMS_READ),
)
class StatusChange:
    id: strawberry.ID
    status: DeclarationStatus
    status_code: str = strawberry.field(description="Response function code of the notification, e.g. 08")
    message: str = strawberry.field(description="DMS message name, e.g. DMSACC")
    at: dt.datetime
    source: str = strawberry.field(description="Lineage: the customs notification it came from")

    @strawberry.field(description="The declaration, as customs shows it now.")  # type: ignore[untyped-decorator]
    async def declaration(self, info: Info) -> CustomsDeclaration | None:
        loaders = _loaders(info)
        found = await loaders.client.statuses([str(self.id)], loaders.scope)
        record = found.get(str(self.id))
        return CustomsDeclaration.of(record) if record is not None else None


@strawberry.type
class Subscription:
    @live_field(CUSTOMS_READ, "Status changes of the declarations you may see; `id` (the entry number) follows one.")
    async def declaration_status_changed(
        self, info: Info, id: strawberry.ID | None = None
    ) -> AsyncGenerator[StatusChange, None]:
        loaders = _loaders(info)

        async def visible(event: LiveEvent) -> bool | None:
            number = str(event.key.get("id", ""))
            try:
                found = await loaders.client.statuses([number], loaders.scope)
            except Exception:  # customs cannot say: this event is not delivered
                return None
            return number in found

        bus = cast("EventBus", info.context.adapter.events)
        async for event in stream_visible(
            bus,
            TOPIC,
            info.context.agency,
            visible,
            matches=lambda e: id is None or e.key.get("id") == str(id),
            lineage=info.context.request.extras,
        ):
            yield StatusChange(
                id=strawberry.ID(str(event.key["id"])),
                status=DeclarationStatus(str(event.data["status"])),
                status_code=str(event.data["code"]),
                message=str(event.data.get("name") or ""),
                at=dt.datetime.fromisoformat(str(event.data["at"])),
                source=event.source,
            )
