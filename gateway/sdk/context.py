"""Who is asking, and the per-request context every adapter receives.

The gateway builds one :class:`RequestContext` per client operation; each in-process subgraph call gets a
:class:`SubgraphContext` from it (the adapter's own per-request state, e.g. DataLoaders, lives there).
"""

from __future__ import annotations

import contextvars
import dataclasses
from collections.abc import Mapping
from typing import Any

__all__ = ["ANONYMOUS", "Principal", "RequestContext", "SubgraphContext", "current_request"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Principal:
    """The authenticated caller. ``agency`` is set for partner agencies and scopes every adapter's data."""

    subject: str
    agency: str | None = None
    roles: frozenset[str] = frozenset()
    scopes: frozenset[str] = frozenset()
    authenticated: bool = True
    claims: Mapping[str, Any] = dataclasses.field(default_factory=dict, repr=False, compare=False)

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def has_role(self, role: str) -> bool:
        return role in self.roles


ANONYMOUS = Principal(subject="anonymous", authenticated=False)


@dataclasses.dataclass(kw_only=True)
class RequestContext:
    """One client operation as it travels through the gateway."""

    principal: Principal = ANONYMOUS
    request_id: str = ""
    trace_id: str = ""
    traceparent: str | None = None
    client_name: str | None = None
    client_version: str | None = None
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)
    #: Progressive-override labels active for this request.
    override_labels: frozenset[str] = frozenset()
    #: Anything a pipeline stage wants to hand to a later one (audit, telemetry).
    extras: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(kw_only=True)
class SubgraphContext:
    """What an adapter's resolvers find in ``info.context``.

    ``state`` is the adapter's own per-request object (built by ``Adapter.request_state``), typically holding
    DataLoaders so that N entity lookups in one ``_entities`` call become one legacy batch call.
    """

    adapter: Any
    request: RequestContext
    state: Any = None

    @property
    def principal(self) -> Principal:
        return self.request.principal

    @property
    def agency(self) -> str | None:
        return self.request.principal.agency


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("silkgraph_request", default=None)


def current_request() -> RequestContext | None:
    """The request being served by this task, if any (set by the gateway for the whole operation)."""
    return _current.get()


def _set_current(ctx: RequestContext | None) -> contextvars.Token[RequestContext | None]:
    return _current.set(ctx)


def _reset_current(token: contextvars.Token[RequestContext | None]) -> None:
    _current.reset(token)
