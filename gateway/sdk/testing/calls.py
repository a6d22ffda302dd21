"""Calling an adapter in-process with the context the gateway would give it.

::

    async with serve_sandbox(spec.factory) as sandbox:
        adapter = PaymentsAdapter(AdapterSettings(name="payments", url=sandbox.url))
        async with adapter.lifespan():
            result = await execute(adapter, "{ payment(uetr: $u) { status } }", {"u": uetr})
            assert result.errors is None

``execute`` builds a :class:`~gateway.sdk.context.SubgraphContext` (principal, agency, fresh per-request state),
exactly as the gateway's in-process transport does. ``entities`` sends an ``_entities`` query.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graphql import ExecutionResult

from gateway.sdk.adapter import Adapter
from gateway.sdk.context import ANONYMOUS, Principal, RequestContext, SubgraphContext, _reset_current, _set_current

__all__ = ["entities", "error_codes", "execute", "principal", "subgraph_context"]


def principal(
    subject: str = "tester",
    *,
    agency: str | None = None,
    roles: Sequence[str] = (),
    scopes: Sequence[str] = (),
) -> Principal:
    return Principal(subject=subject, agency=agency, roles=frozenset(roles), scopes=frozenset(scopes))


def subgraph_context(
    adapter: Adapter, who: Principal | None = None, *, traceparent: str | None = None
) -> SubgraphContext:
    request = RequestContext(principal=who or ANONYMOUS, request_id="test", traceparent=traceparent)
    return SubgraphContext(adapter=adapter, request=request, state=adapter.request_state(request))


async def execute(
    adapter: Adapter,
    query: str,
    variables: Mapping[str, Any] | None = None,
    *,
    who: Principal | None = None,
    operation_name: str | None = None,
    traceparent: str | None = None,
) -> ExecutionResult:
    """Execute ``query`` against the adapter's subgraph schema, as the gateway would.

    As in the gateway, the operation's request is current while it runs, so legacy calls carry ``who``'s agency
    and a caller without one (anonymous by default) reaches no tenant records (gateway.sdk.tenancy)."""
    context = subgraph_context(adapter, who, traceparent=traceparent)
    token = _set_current(context.request)
    try:
        result = await adapter.schema.execute(
            query,
            variable_values=dict(variables or {}),
            context_value=context,
            operation_name=operation_name,
        )
    finally:
        _reset_current(token)
    return ExecutionResult(data=result.data, errors=result.errors, extensions=result.extensions)


async def entities(
    adapter: Adapter,
    representations: Sequence[Mapping[str, Any]],
    selection: str,
    *,
    who: Principal | None = None,
) -> ExecutionResult:
    """Send ``_entities`` with ``representations``; ``selection`` is e.g. ``"... on Payment { status }"``."""
    query = f"query($representations: [_Any!]!) {{ _entities(representations: $representations) {{ {selection} }} }}"
    # copies: strawberry pops "__typename" from each representation it resolves
    return await execute(adapter, query, {"representations": [dict(r) for r in representations]}, who=who)


def error_codes(result: ExecutionResult, service: str = "subgraph") -> list[str]:
    """The ``extensions.code`` of each error, exactly as the gateway's in-process transport gives it to clients."""
    from gateway.federation.transports import error_to_dict

    return [
        str(error_to_dict(e, service)["extensions"].get("code", "GRAPHQL_VALIDATION_FAILED"))
        for e in result.errors or ()
    ]
