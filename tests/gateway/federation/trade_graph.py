"""A four-subgraph trade graph (and the same data as one monolithic schema, for differential testing).

accounts: Trader @key(id) {name, country}; Query.traders, Query.trader(id)
orders:   Order {id, total, buyer: Trader, lines: [Line]}; Trader.orders; Line {qty, item: Item}; Query.orders
catalog:  Item @key(sku) @key(upc) {sku, upc, name, weight}; Query.items
shipping: Item @key(sku) {weight @external, shippingCost @requires(weight), carrier: Carrier (shareable)}
"""

import strawberry
from strawberry.federation import Schema
from strawberry.types import Info

from gateway.sdk.schema import FEDERATION_VERSION

TRADERS = {
    "t1": {"name": "Qingdao Haixin", "country": "CN"},
    "t2": {"name": "Almaty Auto", "country": "KZ"},
    "t3": {"name": "Volga Agro", "country": "RU"},
}
ITEMS = {
    "sku-1": {"upc": "u-1", "name": "Excavator", "weight": 21000},
    "sku-2": {"upc": "u-2", "name": "Wheat (t)", "weight": 1000},
    "sku-3": {"upc": "u-3", "name": "Gearbox", "weight": 140},
}
ORDERS = [
    {"id": "o1", "buyer": "t2", "total": 420000, "lines": [("sku-1", 2), ("sku-3", 10)]},
    {"id": "o2", "buyer": "t3", "total": 9000, "lines": [("sku-2", 9)]},
    {"id": "o3", "buyer": "t2", "total": 1400, "lines": [("sku-3", 10), ("sku-1", 1)]},
]


def shipping_cost(weight: int) -> int:
    return weight // 10 + 5


def accounts() -> Schema:
    @strawberry.federation.type(keys=["id"])
    class Trader:
        id: strawberry.ID
        name: str
        country: str

        @classmethod
        def resolve_reference(cls, id: strawberry.ID) -> "Trader | None":
            t = TRADERS.get(id)
            return Trader(id=id, **t) if t else None

    @strawberry.type
    class Query:
        @strawberry.field
        def traders(self) -> list[Trader]:
            return [Trader(id=k, **v) for k, v in TRADERS.items()]

        @strawberry.field
        def trader(self, id: strawberry.ID) -> Trader | None:
            t = TRADERS.get(id)
            return Trader(id=id, **t) if t else None

    return Schema(query=Query, federation_version=FEDERATION_VERSION)


@strawberry.federation.type(keys=["sku"], name="Item")
class OrderItem:
    sku: strawberry.ID


@strawberry.type(name="Line")
class OrderLine:
    qty: int
    item: OrderItem


@strawberry.federation.type(keys=["id"], name="Trader")
class OrderTrader:
    id: strawberry.ID

    @strawberry.field
    def orders(self) -> list["OrderOrder"]:
        return [make_order(o) for o in ORDERS if o["buyer"] == self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "OrderTrader":
        return OrderTrader(id=id)


@strawberry.type(name="Order")
class OrderOrder:
    id: strawberry.ID
    total: int
    buyer: OrderTrader
    lines: list[OrderLine]


def make_order(o: dict) -> OrderOrder:  # type: ignore[type-arg]
    return OrderOrder(
        id=o["id"],
        total=o["total"],
        buyer=OrderTrader(id=o["buyer"]),
        lines=[OrderLine(qty=q, item=OrderItem(sku=s)) for s, q in o["lines"]],
    )


@strawberry.type(name="Query")
class OrdersQuery:
    @strawberry.field
    def orders(self) -> list[OrderOrder]:
        return [make_order(o) for o in ORDERS]


def orders() -> Schema:
    return Schema(query=OrdersQuery, types=[OrderTrader, OrderOrder], federation_version=FEDERATION_VERSION)


def catalog() -> Schema:
    @strawberry.federation.type(keys=["sku", "upc"])
    class Item:
        sku: strawberry.ID
        upc: str
        name: str
        weight: int

        @classmethod
        def resolve_reference(cls, sku: strawberry.ID | None = None, upc: str | None = None) -> "Item | None":
            if sku is None:
                sku = next((k for k, v in ITEMS.items() if v["upc"] == upc), None)
            data = ITEMS.get(sku or "")
            return Item(sku=sku, **data) if data and sku else None

    @strawberry.type
    class Query:
        @strawberry.field
        def items(self) -> list[Item]:
            return [Item(sku=k, **v) for k, v in ITEMS.items()]

    return Schema(query=Query, federation_version=FEDERATION_VERSION)


def shipping() -> Schema:
    @strawberry.federation.type(shareable=True)
    class Carrier:
        code: str
        name: str

    @strawberry.federation.type(keys=["sku"])
    class Item:
        sku: strawberry.ID
        weight: int = strawberry.federation.field(external=True)

        @strawberry.federation.field(requires=["weight"])
        def shipping_cost(self) -> int:
            return shipping_cost(self.weight)

        @strawberry.field
        def carrier(self) -> Carrier:
            return Carrier(code="CA", name="Air China Cargo")

        @classmethod
        def resolve_reference(cls, info: Info, sku: strawberry.ID, weight: int = 0) -> "Item":
            return Item(sku=sku, weight=weight)

    @strawberry.type
    class Query:
        @strawberry.field
        def carriers(self) -> list[Carrier]:
            return [Carrier(code="CA", name="Air China Cargo"), Carrier(code="CZ", name="China Southern Cargo")]

    return Schema(query=Query, types=[Item], federation_version=FEDERATION_VERSION)


def subgraphs() -> dict[str, Schema]:
    return {"accounts": accounts(), "orders": orders(), "catalog": catalog(), "shipping": shipping()}


@strawberry.type(name="Carrier")
class MCarrier:
    code: str
    name: str


@strawberry.type(name="Item")
class MItem:
    sku: strawberry.ID
    upc: str
    name: str
    weight: int

    @strawberry.field
    def shipping_cost(self) -> int:
        return shipping_cost(self.weight)

    @strawberry.field
    def carrier(self) -> MCarrier:
        return MCarrier(code="CA", name="Air China Cargo")


def m_item(sku: str) -> MItem:
    return MItem(sku=sku, **ITEMS[sku])


@strawberry.type(name="Line")
class MLine:
    qty: int
    item: MItem


@strawberry.type(name="Trader")
class MTrader:
    id: strawberry.ID
    name: str
    country: str

    @strawberry.field
    def orders(self) -> list["MOrder"]:
        return [m_order(o) for o in ORDERS if o["buyer"] == self.id]


def m_trader(id: str) -> MTrader:
    return MTrader(id=id, **TRADERS[id])


@strawberry.type(name="Order")
class MOrder:
    id: strawberry.ID
    total: int
    buyer: MTrader
    lines: list[MLine]


def m_order(o: dict) -> MOrder:  # type: ignore[type-arg]
    return MOrder(
        id=o["id"],
        total=o["total"],
        buyer=m_trader(o["buyer"]),
        lines=[MLine(qty=q, item=m_item(s)) for s, q in o["lines"]],
    )


@strawberry.type(name="Query")
class MQuery:
    @strawberry.field
    def traders(self) -> list[MTrader]:
        return [m_trader(k) for k in TRADERS]

    @strawberry.field
    def trader(self, id: strawberry.ID) -> MTrader | None:
        return m_trader(id) if id in TRADERS else None

    @strawberry.field
    def orders(self) -> list[MOrder]:
        return [m_order(o) for o in ORDERS]

    @strawberry.field
    def items(self) -> list[MItem]:
        return [m_item(k) for k in ITEMS]

    @strawberry.field
    def carriers(self) -> list[MCarrier]:
        return [MCarrier(code="CA", name="Air China Cargo"), MCarrier(code="CZ", name="China Southern Cargo")]


def monolith() -> strawberry.Schema:
    """The same graph and data as one ordinary schema: the oracle for differential tests."""
    return strawberry.Schema(query=MQuery)
