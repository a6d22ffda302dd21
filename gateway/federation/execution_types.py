"""The executor's interface types: a subgraph transport, the record of one fetch, and a plan's outcome."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Protocol

from gateway.sdk.context import RequestContext

__all__ = ["ExecutionOutcome", "FetchRecord", "Path", "Transport"]

Path = list[str | int]


class Transport(Protocol):
    """One way of calling a subgraph (in-process or HTTP)."""

    async def fetch(
        self,
        operation: str,
        variables: Mapping[str, Any],
        context: RequestContext,
        operation_name: str | None = None,
    ) -> Mapping[str, Any]:
        """Return the GraphQL response (``data``/``errors``) or raise a :class:`SubgraphError`."""


@dataclasses.dataclass(slots=True)
class FetchRecord:
    """What one subgraph fetch did — for the audit trail, metrics and tracing."""

    service: str
    path: tuple[str, ...]
    entity: bool
    representations: int
    started: float
    duration_ms: float
    ok: bool
    error_code: str | None = None
    #: fetches sent in one request (entity fetches of one level, batched) share this number
    call: int = 0


@dataclasses.dataclass(slots=True)
class ExecutionOutcome:
    data: dict[str, Any]
    errors: list[dict[str, Any]]
    fetches: list[FetchRecord]
