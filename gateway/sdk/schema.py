"""Building an adapter's subgraph schema the one way every Silkgraph subgraph is built."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final, Literal

import strawberry.federation

from gateway.sdk.error_codes import ErrorCodes
from gateway.sdk.scalars import schema_config

__all__ = ["FEDERATION_VERSION", "federation_schema"]

#: The Federation version every built-in subgraph declares (Strawberry accepts 2.0-2.11).
FEDERATION_VERSION: Final[Literal["2.11"]] = "2.11"


def federation_schema(
    *,
    query: type,
    mutation: type | None = None,
    subscription: type | None = None,
    types: Iterable[type] = (),
    extensions: Iterable[Any] = (),
    **config: Any,
) -> strawberry.federation.Schema:
    """A Federation v2 subgraph schema with the shared scalars (``Money``, ``AWB``, ``VIN``...) registered."""
    return strawberry.federation.Schema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        types=list(types),
        extensions=[ErrorCodes, *extensions],
        federation_version=FEDERATION_VERSION,
        config=schema_config(**config),
    )
