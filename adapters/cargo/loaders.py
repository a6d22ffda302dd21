"""Routing by AWB prefix and per-request batching: N shipments → one call per airline interface."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping, Sequence

from strawberry.dataloader import DataLoader

from adapters.cargo.cargo_xml_client import CargoXmlClient
from adapters.cargo.model import Interface, ShipmentRecord
from adapters.cargo.one_record_client import OneRecordClient
from adapters.cargo.transport import SERVICE
from gateway.errors import SilkgraphError, UpstreamUnavailable

__all__ = ["Airlines", "CargoLoaders", "CompanyKey"]

#: (country, tax id, role) with role SHIPPER | CONSIGNEE | ANY
CompanyKey = tuple[str, str, str]

_SETTING = {Interface.ONE_RECORD: "url", Interface.CARGO_XML: "options.legacy_url"}


class Airlines:
    """The connected airline systems, addressed by interface."""

    def __init__(
        self,
        interfaces: Mapping[str, Interface],
        *,
        one_record: OneRecordClient | None,
        cargo_xml: CargoXmlClient | None,
    ) -> None:
        self.interfaces = dict(interfaces)
        self.one_record = one_record
        self.cargo_xml = cargo_xml

    def client(self, interface: Interface) -> OneRecordClient | CargoXmlClient:
        client = self.one_record if interface is Interface.ONE_RECORD else self.cargo_xml
        if client is None:
            raise UpstreamUnavailable(
                f"the {interface.value} interface is not connected: set adapters.cargo.{_SETTING[interface]} "
                "(and start the adapter's lifespan)",
                service=SERVICE,
            )
        return client

    @property
    def connected(self) -> list[Interface]:
        return sorted(set(self.interfaces.values()), key=lambda i: i.value)

    async def waybills(self, awbs: Sequence[str], agency: str | None) -> dict[str, ShipmentRecord | SilkgraphError]:
        """Every AWB (already validated and routable), one concurrent call per interface.

        An interface that fails marks only its own AWBs with the error: one airline down does not hide the other.
        """
        groups: dict[Interface, list[str]] = {}
        for awb in awbs:
            groups.setdefault(self.interfaces[awb[:3]], []).append(awb)
        replies = await asyncio.gather(
            *(self._waybills(i, group, agency) for i, group in groups.items()), return_exceptions=True
        )
        out: dict[str, ShipmentRecord | SilkgraphError] = {}
        for group, reply in zip(groups.values(), replies, strict=True):
            if isinstance(reply, SilkgraphError):
                out.update(dict.fromkeys(group, reply))
            elif isinstance(reply, BaseException):
                raise reply
            else:
                out.update(reply)
        return out

    async def _waybills(self, interface: Interface, awbs: list[str], agency: str | None) -> dict[str, ShipmentRecord]:
        return await self.client(interface).waybills(awbs, agency)

    async def involving(
        self, parties: Sequence[tuple[str, str]], agency: str | None, interfaces: Sequence[Interface] | None = None
    ) -> list[ShipmentRecord]:
        """Shipments of these companies (either role), one concurrent call per interface (default: all connected)."""
        asked = self.connected if interfaces is None else interfaces
        replies = await asyncio.gather(*(self.client(i).involving(parties, "ANY", agency) for i in asked))
        return [r for reply in replies for r in reply if r.prefix in self.interfaces]

    async def listings(
        self, interfaces: Sequence[Interface], agency: str | None
    ) -> dict[Interface, list[ShipmentRecord]]:
        """Every shipment each interface shows this caller, one concurrent call per interface."""
        replies = await asyncio.gather(*(self.client(i).all(agency) for i in interfaces))
        return {
            i: [r for r in reply if r.prefix in self.interfaces] for i, reply in zip(interfaces, replies, strict=True)
        }


@dataclasses.dataclass
class CargoLoaders:
    """Per-request DataLoaders (``info.context.state``); the caller's agency scopes every legacy call.

    Once a ``shipments`` listing has read an interface's every shipment (it reads whole interfaces and filters
    here), a company's shipments on that interface are answered from it: asking the airline again for a subset
    of what this request already holds would cost one call per interface for nothing.
    """

    airlines: Airlines
    agency: str | None
    shipments: DataLoader[str, ShipmentRecord | None] = dataclasses.field(init=False)
    by_company: DataLoader[CompanyKey, list[ShipmentRecord]] = dataclasses.field(init=False)
    #: each interface's complete listing, as read in this request
    listed: dict[Interface, list[ShipmentRecord]] = dataclasses.field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.shipments = DataLoader(load_fn=self._load_shipments)
        self.by_company = DataLoader(load_fn=self._load_by_company)

    async def listing(self, interfaces: Sequence[Interface]) -> list[ShipmentRecord]:
        """Every shipment of these interfaces this caller may see; kept for the rest of the request."""
        listings = await self.airlines.listings(interfaces, self.agency)
        self.listed.update(listings)
        records = [r for found in listings.values() for r in found]
        self.prime(records)
        return records

    def forget_listings(self) -> None:
        """After a booking: the listings read earlier lack the new shipment."""
        self.listed.clear()
        self.by_company.clear_all()

    async def _load_shipments(self, awbs: list[str]) -> list[ShipmentRecord | SilkgraphError | None]:
        found = await self.airlines.waybills(awbs, self.agency)
        return [found.get(awb) for awb in awbs]

    async def _load_by_company(self, keys: list[CompanyKey]) -> list[list[ShipmentRecord]]:
        parties = list(dict.fromkeys((country, tax_id) for country, tax_id, _ in keys))
        unlisted = [i for i in self.airlines.connected if i not in self.listed]
        records = [
            r
            for found in self.listed.values()
            for r in found
            if any(r.involves(country, tax_id, "ANY") for country, tax_id in parties)
        ]
        if unlisted:
            records += await self.airlines.involving(parties, self.agency, unlisted)
        records.sort(key=lambda r: r.awb)
        for record in records:
            self.shipments.prime(record.awb, record)
        return [[r for r in records if r.involves(country, tax_id, role)] for country, tax_id, role in keys]

    def prime(self, records: Sequence[ShipmentRecord]) -> None:
        for record in records:
            self.shipments.prime(record.awb, record)
