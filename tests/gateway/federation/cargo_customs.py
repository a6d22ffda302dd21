"""Two small Strawberry subgraphs matching ``supergraphs.CARGO_CUSTOMS_TYPES``, with call counters and faults."""

import dataclasses
from typing import Any

import strawberry
from strawberry.federation import Schema
from strawberry.types import Info

from gateway.errors import UpstreamTimeout, UpstreamUnavailable
from gateway.sdk.adapter import Adapter

WEIGHTS = {"999-12345675": 1840.5, "784-30791202": 4210.0, "999-20260015": 2960.0}


@dataclasses.dataclass
class Recorder:
    """Counts calls and lets a test make a subgraph fail."""

    root_calls: int = 0
    entity_calls: int = 0
    representations: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    fail_with: Exception | None = None
    unknown: set[str] = dataclasses.field(default_factory=set)
    #: keys whose reference resolution fails (the entity's own system is down for them)
    failing: set[str] = dataclasses.field(default_factory=set)

    def check(self) -> None:
        if self.fail_with is not None:
            raise self.fail_with


def cargo_schema(rec: Recorder) -> Schema:
    @strawberry.federation.type(keys=["awb"])
    class Shipment:
        awb: strawberry.ID
        weight: float | None
        status: str

        @classmethod
        def resolve_reference(cls, awb: strawberry.ID) -> Any:
            return Shipment(awb=awb, weight=WEIGHTS.get(awb), status="DEP")

    @strawberry.type
    class Query:
        @strawberry.field
        def shipment(self, awb: strawberry.ID) -> Shipment | None:
            rec.root_calls += 1
            rec.check()
            if awb not in WEIGHTS:
                return None
            return Shipment(awb=awb, weight=WEIGHTS[awb], status="ARR")

        @strawberry.field
        def shipments(self) -> list[Shipment]:
            rec.root_calls += 1
            rec.check()
            # the same AWB twice: the gateway must send it to customs once
            awbs = [*WEIGHTS, "999-12345675"]
            return [Shipment(awb=a, weight=WEIGHTS[a], status="ARR") for a in awbs]

        @strawberry.federation.field(inaccessible=True)
        def internal_note(self) -> str | None:
            return "hidden"

    return Schema(query=Query, federation_version="2.11")


def customs_schema(rec: Recorder) -> Schema:
    @strawberry.federation.type(keys=["awb"])
    class Shipment:
        awb: strawberry.ID
        weight: float | None = strawberry.federation.field(external=True)

        @strawberry.federation.field(requires=["weight"])
        def duty(self) -> float | None:
            return None if self.weight is None else round(self.weight * 0.1, 2)

        @strawberry.field
        def cleared(self) -> bool:
            if self.awb == "784-30791202":
                raise UpstreamTimeout("customs SOAP service timed out", service="customs")
            return True

        @strawberry.federation.field(inaccessible=True)
        def secret_score(self) -> int | None:
            return 7

        @classmethod
        def resolve_reference(cls, info: Info, awb: strawberry.ID, weight: float | None = None) -> Any:
            rec.representations.append({"awb": awb, "weight": weight})
            if awb in rec.unknown:
                return None
            if awb in rec.failing:
                raise UpstreamUnavailable("customs SOAP service is down", service="customs")
            return Shipment(awb=awb, weight=weight)

    @strawberry.type
    class Query:
        @strawberry.field
        def ping(self) -> str:
            return "pong"

    return Schema(query=Query, types=[Shipment], federation_version="2.11")


class SchemaAdapter(Adapter):
    """Wraps a ready Strawberry schema as an adapter (for tests)."""

    name = "test"

    def __init__(self, name: str, schema: Schema) -> None:
        super().__init__()
        self.name = name  # type: ignore[misc]
        self._schema = schema

    def build_schema(self) -> Schema:
        return self._schema
