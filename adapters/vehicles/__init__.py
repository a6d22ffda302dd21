"""The second-hand car export information system adapter: VINs, export licences, deregistration."""

from adapters.vehicles.adapter import VehiclesAdapter

__all__ = ["VehiclesAdapter"]
