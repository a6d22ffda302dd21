"""More subgraph sets for federation corner cases a public conformance audit found (see ``audit_graphs``): inputs
and keys that sit more than one level below the entity that needs them. Our own trade-flavoured schemas."""

from typing import Any

import strawberry
from strawberry.federation import Schema

from gateway.sdk.schema import FEDERATION_VERSION

V = FEDERATION_VERSION

# ------------------------------------------- @requires through a field with arguments that this subgraph owns

#: manifest -> its lines (id, HS code), in order
MANIFEST_LINES = {
    "m1": [("l1", "1001"), ("l2", "7214"), ("l3", "8703")],
    "m2": [("l4", "2709"), ("l5", "2711")],
}
HS_CODES = {line: hs for lines in MANIFEST_LINES.values() for line, hs in lines}


@strawberry.federation.type(keys=["id"], name="Line")
class RegistryLine:
    id: strawberry.ID

    @strawberry.field
    def hs_code(self) -> str:
        return HS_CODES[self.id]


@strawberry.federation.type(keys=["id"], name="Manifest")
class RegistryManifest:
    id: strawberry.ID


@strawberry.type(name="Query")
class RegistryQuery:
    @strawberry.field
    def manifests(self) -> list[RegistryManifest]:
        return [RegistryManifest(id=strawberry.ID(m)) for m in MANIFEST_LINES]


@strawberry.federation.type(keys=["id"], name="Line")
class ClassingLine:
    id: strawberry.ID
    hs_code: str | None = strawberry.federation.field(external=True, default=None)


@strawberry.input
class _LineInput:
    hs_code: str | None = None


@strawberry.federation.type(keys=["id"], name="Manifest")
class ClassingManifest:
    id: strawberry.ID
    #: the HS codes of the first two lines, sent by the gateway in the representation
    first_codes: strawberry.Private[list[str] | None] = None

    @strawberry.field
    def lines(self, limit: int) -> list[ClassingLine]:
        return [ClassingLine(id=strawberry.ID(line)) for line, _ in MANIFEST_LINES[self.id][:limit]]

    @strawberry.federation.field(requires=["lines(limit: 2) { hsCode }"])
    def duty_class(self) -> str:
        if self.first_codes is None or len(self.first_codes) != 2:
            raise ValueError(f"expected the HS codes of two lines, got {self.first_codes!r}")
        return "metals" if any(c.startswith("72") for c in self.first_codes) else "general"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, lines: list[Any] | None = None) -> "ClassingManifest":
        codes = None if lines is None else [line["hsCode"] for line in lines]
        return ClassingManifest(id=id, first_codes=codes)


@strawberry.type(name="Query")
class ClassingQuery:
    @strawberry.field
    def classing_version(self) -> str:
        return "1"


def requires_through_owned_field_graph() -> dict[str, Any]:
    return {
        "registry": Schema(query=RegistryQuery, types=[RegistryLine], federation_version=V),
        "classing": Schema(query=ClassingQuery, types=[ClassingManifest], federation_version=V),
    }
