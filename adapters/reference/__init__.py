"""The reference adapter: the platform's reference data (countries, currencies, airports, airlines, HS chapters).

No legacy system stands behind it: the data comes from kept packages (pycountry, iso4217, airportsdata) and
small tables in this package, so it has no sandbox and no I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.reference.loaders import ReferenceLoaders
from gateway.sdk.adapter import Adapter

if TYPE_CHECKING:
    import strawberry.federation

    from gateway.sdk.context import RequestContext

__all__ = ["ReferenceAdapter"]


class ReferenceAdapter(Adapter):
    name = "reference"
    description = "Reference data: ISO countries and currencies, airports, AWB airline prefixes, HS chapters"

    def build_schema(self) -> strawberry.federation.Schema:
        from adapters.reference.subgraph import build_schema

        return build_schema()

    def request_state(self, request: RequestContext) -> ReferenceLoaders:
        return ReferenceLoaders()
