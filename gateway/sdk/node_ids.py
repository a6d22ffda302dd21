"""A stable ``id: ID!`` on every entity, so GraphQL clients normalise their caches without configuration.

Apollo Client, Relay and urql key cached objects by ``__typename`` + ``id``. Entities whose federation key is not
an ``id`` (``Company`` by country and tax id, ``Shipment`` by AWB, ``Vehicle`` by VIN, ``Payment`` by UETR,
``Invoice`` by code and number) get an ``id`` derived from that key: ``Company:CN:91310115MA1K3Y4A90``. Every
subgraph that defines the entity resolves it the same way from the key fields it already holds (``@shareable``),
so asking for ``id`` never costs a fetch.
"""

from __future__ import annotations

from typing import Any

import strawberry

__all__ = ["entity_id", "id_field"]


def entity_id(typename: str, *key: object) -> strawberry.ID:
    """The global id of the ``typename`` entity with these key field values, in key order."""
    return strawberry.ID(":".join([typename, *(str(part) for part in key)]))


def id_field(typename: str, *key_attributes: str, **directives: Any) -> Any:
    """A shareable ``id: ID!`` field resolved from the entity's key attributes (Python names, in key order);
    ``directives`` go to ``strawberry.federation.field`` (e.g. ``tags=`` for public reference data)."""

    def resolve(root: Any) -> strawberry.ID:
        return entity_id(typename, *(getattr(root, name) for name in key_attributes))

    shown = ":".join(_camel(name) for name in key_attributes)
    return strawberry.federation.field(
        resolver=resolve,
        shareable=True,
        description=f"Stable global id, {typename}:{shown} (what client caches key {typename} by).",
        **directives,
    )


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
