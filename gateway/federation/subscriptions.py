"""Federated subscriptions: the plan's first fetch opens a stream at the owning subgraph, the rest runs per event.

A subscription operation is planned like a query (:mod:`gateway.federation.planner`); :func:`split_plan` takes
its root fetch as the *primary* (sent as ``subscription { ... }`` to the subgraph that owns the field: an async
iterator in process, graphql-ws to a remote subgraph) and the remaining nodes as the *rest*, run for every event
with the event as root data — the shipment's declaration from customs, the payment from payments.

When events burst, the ones already waiting are joined in one run of the rest: every ``Flatten`` path is
prefixed with the batch (``events.@.shipmentMilestones.shipment``), so N events cost one ``_entities`` call
per subgraph, not N.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator, Mapping
from typing import Any, Protocol

from gateway.errors import PlanningError, SubgraphError
from gateway.federation.engine import FederatedGraph, GraphQLRequest, GraphQLResponse, PlannedOperation
from gateway.federation.plan import Condition, Fetch, Flatten, Parallel, PlanNode, QueryPlan, Sequence
from gateway.sdk.context import RequestContext
from gateway.sdk.events import SlowConsumer

__all__ = ["LIVE_EVENT", "SubscriptionPlan", "Subscriptions", "split_plan"]

#: ``RequestContext.extras`` key where an in-process subscription leaves the live event it just delivered
LIVE_EVENT = "live_event"
#: events joined into one run of the rest of the plan, at most
MAX_BATCH = 64
_BATCH_KEY = "events"


class StreamingTransport(Protocol):
    def subscribe(
        self, operation: str, variables: Mapping[str, Any], context: RequestContext
    ) -> AsyncIterator[Mapping[str, Any]]: ...


@dataclasses.dataclass(frozen=True, slots=True)
class SubscriptionPlan:
    primary: Fetch
    rest: PlanNode | None

    def __str__(self) -> str:
        lines = ["SubscriptionPlan {", "  Primary: " + str(QueryPlan(node=self.primary)).replace("\n", "\n  ")]
        if self.rest is not None:
            lines.append("  Rest: " + str(QueryPlan(node=self.rest)).replace("\n", "\n  "))
        lines.append("}")
        return "\n".join(lines)


def split_plan(plan: QueryPlan) -> SubscriptionPlan:
    """The primary fetch (the stream) and the rest of a subscription's plan."""
    node = plan.node
    if isinstance(node, Fetch):
        return SubscriptionPlan(primary=node, rest=None)
    if isinstance(node, Sequence) and node.nodes and isinstance(node.nodes[0], Fetch):
        rest = node.nodes[1:]
        return SubscriptionPlan(primary=node.nodes[0], rest=rest[0] if len(rest) == 1 else Sequence(nodes=rest))
    raise PlanningError("a subscription must select exactly one root field, unconditionally, from one subgraph")


def _batched(node: PlanNode) -> PlanNode | None:
    """The rest of the plan over a batch of events, or None when it cannot be batched (a root fetch in it)."""
    if isinstance(node, Flatten):
        return Flatten(path=(_BATCH_KEY, "@", *node.path), node=node.node)
    if isinstance(node, Sequence | Parallel):
        children = [_batched(n) for n in node.nodes]
        if any(c is None for c in children):
            return None
        return type(node)(nodes=tuple(c for c in children if c is not None))
    if isinstance(node, Condition):
        if_clause = _batched(node.if_clause) if node.if_clause is not None else None
        else_clause = _batched(node.else_clause) if node.else_clause is not None else None
        if (node.if_clause is not None and if_clause is None) or (node.else_clause is not None and else_clause is None):
            return None
        return Condition(condition=node.condition, if_clause=if_clause, else_clause=else_clause)
    return None


class Subscriptions:
    """Runs subscription operations of one federated graph."""

    def __init__(self, graph: FederatedGraph, *, max_batch: int = MAX_BATCH) -> None:
        self.graph = graph
        self.max_batch = max_batch

    async def open(
        self, request: GraphQLRequest, context: RequestContext
    ) -> GraphQLResponse | AsyncIterator[GraphQLResponse] | None:
        """A refusal (request error), the stream of results (one per event), or None: not a subscription."""
        planned = await self.graph.plan_request(request, context)
        if isinstance(planned, GraphQLResponse):
            return planned
        if planned.operation.operation.value != "subscription":
            return None  # the caller runs queries and mutations itself
        if planned.plan.node is None:  # authorization removed the field: nothing to stream, say why
            errors = list(planned.errors)
            self.graph.shape(planned, {}, errors)
            planned.response.errors = errors or [
                {"message": "the subscription selects nothing to stream", "extensions": {"code": "BAD_REQUEST"}}
            ]
            planned.response.request_error = True
            return planned.response
        try:
            sub = split_plan(planned.plan)
        except PlanningError as exc:
            planned.response.errors = [{"message": exc.message, "extensions": {"code": exc.code}}]
            planned.response.request_error = True
            return planned.response
        transport = self.graph.transports.get(sub.primary.service)
        if transport is None or not hasattr(transport, "subscribe"):
            planned.response.errors = [
                {
                    "message": f"subgraph {sub.primary.service!r} cannot stream subscriptions",
                    "extensions": {"code": "SUBSCRIPTION_NOT_SUPPORTED", "serviceName": sub.primary.service},
                }
            ]
            planned.response.request_error = True
            return planned.response
        return self._stream(planned, sub, transport, context)

    async def _stream(
        self, planned: PlannedOperation, sub: SubscriptionPlan, transport: Any, context: RequestContext
    ) -> AsyncIterator[GraphQLResponse]:
        variables = {n: planned.variables[n] for n in sub.primary.variable_usages if n in planned.variables}
        source = transport.subscribe(sub.primary.operation, variables, context)
        queue: asyncio.Queue[tuple[Mapping[str, Any], Any] | BaseException | None] = asyncio.Queue(self.max_batch)

        async def pump() -> None:
            try:
                async for result in source:
                    await queue.put((result, context.extras.pop(LIVE_EVENT, None)))
            except Exception as exc:
                await queue.put(exc)
            else:
                await queue.put(None)

        reader = asyncio.create_task(pump(), name="subscription-source")
        batched = _batched(sub.rest) if sub.rest is not None else None
        try:
            while True:
                first = await queue.get()
                items = [first]
                while len(items) < self.max_batch and not queue.empty() and isinstance(items[-1], tuple):
                    items.append(queue.get_nowait())
                events = [i for i in items if isinstance(i, tuple)]
                for response in await self._run(planned, sub, batched, events, context):
                    yield response
                end = items[-1]
                if end is None:
                    return
                if isinstance(end, BaseException):
                    yield _stream_error(end, sub.primary.service)
                    return
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader
            with contextlib.suppress(Exception):
                await source.aclose()

    async def _run(
        self,
        planned: PlannedOperation,
        sub: SubscriptionPlan,
        batched: PlanNode | None,
        events: list[tuple[Mapping[str, Any], Any]],
        context: RequestContext,
    ) -> list[GraphQLResponse]:
        if not events:
            return []
        datas = [dict(r.get("data") or {}) for r, _ in events]
        errors: list[list[dict[str, Any]]] = [list(r.get("errors") or ()) for r, _ in events]
        if sub.rest is not None and any(datas):
            if batched is not None and len(events) > 1:
                outcome = await self.graph.executor.execute(
                    QueryPlan(node=batched), planned.variables, context, {_BATCH_KEY: datas}
                )
                for err in outcome.errors:
                    path = err.get("path")
                    if isinstance(path, list) and len(path) > 1 and path[0] == _BATCH_KEY:
                        errors[int(path[1])].append({**err, "path": path[2:]})
                    else:
                        for own in errors:
                            own.append(err)
            else:
                for i, data in enumerate(datas):
                    outcome = await self.graph.executor.execute(
                        QueryPlan(node=sub.rest), planned.variables, context, data
                    )
                    errors[i].extend(outcome.errors)
        out = []
        for (_result, event), data, errs in zip(events, datas, errors, strict=True):
            shaped = self.graph.shape(planned, data, errs)
            response = GraphQLResponse(
                data=shaped,
                errors=errs,
                operation_type="subscription",
                operation_name=planned.response.operation_name,
            )
            if event is not None:
                response.extensions = None
                response.headers = {"x-live-event": str(getattr(event, "source", ""))}
            out.append(response)
        return out


def _stream_error(exc: BaseException, service: str) -> GraphQLResponse:
    if isinstance(exc, SlowConsumer) or isinstance(exc.__cause__ or exc.__context__, SlowConsumer):
        code, message = "SLOW_CONSUMER", str(exc)
    elif isinstance(exc, SubgraphError):
        code, message = exc.code, exc.message
    else:
        code, message = "SUBSCRIPTION_FAILED", f"the subscription stream of subgraph {service!r} ended with an error"
    return GraphQLResponse(
        errors=[{"message": message, "extensions": {"code": code, "serviceName": service}}],
        operation_type="subscription",
    )
