"""What an adapter declares so the contract kit can exercise it: sample keys, probes, per-agency samples."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

__all__ = ["Probe", "TenancySample", "selection_for"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Probe:
    """One operation the kit runs against the adapter, e.g. a query with an invalid argument."""

    query: str
    variables: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    agency: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class TenancySample:
    """One record of an entity type that agency ``visible_to`` must see and agency ``hidden_from`` must not.

    ``key`` is the entity key without ``__typename`` (e.g. ``{"country": "CN", "taxId": "..."}``). When the
    adapter only extends the entity (a ``Company`` stub with a list of its own records), ``selection`` names those
    fields (``"barterContracts { id }"``): they must be non-empty for ``visible_to`` and empty for ``hidden_from``.
    """

    typename: str
    key: Mapping[str, Any]
    visible_to: str
    hidden_from: str
    selection: str = ""


def selection_for(key: Mapping[str, Any]) -> str:
    """The selection set that reads a key back: ``{"a": 1, "b": {"c": 2}}`` → ``a b { c }``."""
    parts: list[str] = []
    for name, value in key.items():
        if name == "__typename":
            continue
        parts.append(f"{name} {{ {selection_for(value)} }}" if isinstance(value, Mapping) else name)
    return " ".join(parts)
