"""The payments subgraph's ``Subscription``: a payment's status as the rail reports it (pacs.002, returns).

Every status report the rail sends for a payment — accepted, settled, rejected, returned after a recall — is a
``payments.status`` event carrying the ``Payment`` entity. A subscriber sees it only if the rail, asked with the
subscriber's agency, shows that payment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator
from typing import cast

import strawberry

from adapters.payments.model import TransactionReport
from adapters.payments.types import Payment, resolver, state_of
from gateway.policy.scopes import PAYMENTS_READ
from gateway.sdk.events import EventBus, LiveEvent, live_field, stream_visible
from gateway.sdk.rules import needs
from gateway.sdk.scalars import UETR

__all__ = ["TOPIC", "Subscription", "status_event"]

TOPIC = "payments.status"


def status_event(report: TransactionReport, *, message: str = "pacs.002") -> LiveEvent | None:
    """The live event of one status report (None without a UETR), with its lineage (message, id, status)."""
    if not report.uetr:
        return None
    at = (report.accepted_at or dt.datetime.now(dt.UTC)).isoformat()
    return LiveEvent(
        topic=TOPIC,
        key={"uetr": report.uetr},
        data={"status": report.status, "reason": report.reason, "at": at},
        source=f"{message}:{report.original_msg_id}:{report.status}:{report.uetr}",
    )


@strawberry.federation.type(
    name="PaymentStatusChange",
    description="A status the payment rail reported for a payment.",
    requires_scopes=needs(PAYMENTS_READ),
)
class StatusChange:
    uetr: UETR
    status: str = strawberry.field(description="ISO 20022 transaction status: ACSP, ACSC, RJCT...")
    reason: str | None = strawberry.field(description="ISO 20022 status reason code, if any")
    at: dt.datetime
    source: str = strawberry.field(description="Lineage: the rail message it came from")

    @resolver("The payment, as the rail shows it now.")
    async def payment(self, info: strawberry.Info) -> Payment | None:
        state = state_of(info)
        found = await state.client.inquire([str(self.uetr)], agency=state.agency)
        report = found.get(str(self.uetr))
        return Payment.from_report(report) if report is not None and report.known else None


@strawberry.type
class Subscription:
    @live_field(PAYMENTS_READ, "Status changes of the payments you may see; `uetr` follows one.")
    async def payment_status_changed(
        self, info: strawberry.Info, uetr: UETR | None = None
    ) -> AsyncGenerator[StatusChange, None]:
        state = state_of(info)

        async def visible(event: LiveEvent) -> bool | None:
            key = str(event.key.get("uetr", ""))
            try:
                found = await state.client.inquire([key], agency=state.agency)
            except Exception:  # the rail cannot say: this event is not delivered
                return None
            report = found.get(key)
            return report is not None and report.known

        bus = cast("EventBus", info.context.adapter.events)
        async for event in stream_visible(
            bus,
            TOPIC,
            state.agency,
            visible,
            matches=lambda e: uetr is None or e.key.get("uetr") == str(uetr),
            lineage=info.context.request.extras,
        ):
            yield StatusChange(
                uetr=UETR(str(event.key["uetr"])),
                status=str(event.data["status"]),
                reason=event.data.get("reason"),
                at=dt.datetime.fromisoformat(str(event.data["at"])),
                source=event.source,
            )
