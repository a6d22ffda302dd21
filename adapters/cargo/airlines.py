"""Airlines by IATA AWB prefix (domain.md §7) and which interface each speaks to the platform."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.cargo.model import Interface
from gateway.errors import BadUserInput, ConfigError

__all__ = ["AIRLINES", "DEFAULT_INTERFACES", "airline_name", "interface_for", "parse_interfaces"]

AIRLINES: dict[str, str] = {
    "999": "Air China",
    "784": "China Southern",
    "781": "China Eastern",
    "112": "China Cargo Airlines",
    "880": "Hainan Airlines",
    "160": "Cathay Pacific",
    "555": "Aeroflot",
    "421": "S7 Airlines",
    "580": "AirBridgeCargo",
    "465": "Air Astana",
    "250": "Uzbekistan Airways",
    "098": "Air India",
    "214": "Pakistan International Airlines",
    "096": "Iran Air",
    "628": "Belavia",
    "157": "Qatar Airways",
    "020": "Lufthansa",
    "176": "Emirates",
}

#: Which interface the platform uses for each connected airline (option ``airlines`` overrides it).
DEFAULT_INTERFACES: dict[str, Interface] = {"999": Interface.ONE_RECORD, "784": Interface.CARGO_XML}


def airline_name(prefix: str) -> str:
    return AIRLINES.get(prefix, f"airline {prefix}")


def parse_interfaces(value: Any) -> dict[str, Interface]:
    """Validate the adapter option ``airlines`` (AWB prefix → ``"one-record"`` | ``"cargo-xml"``)."""
    if value is None:
        return dict(DEFAULT_INTERFACES)
    if not isinstance(value, Mapping):
        raise ConfigError("adapters.cargo.airlines", 'must map AWB prefixes to interfaces, e.g. {"999": "one-record"}')
    known = ", ".join(repr(i.value) for i in Interface)
    out: dict[str, Interface] = {}
    for prefix, name in value.items():
        if not (isinstance(prefix, str) and len(prefix) == 3 and prefix.isdigit()):
            raise ConfigError("adapters.cargo.airlines", f"key {prefix!r} is not a 3-digit AWB prefix")
        try:
            out[prefix] = Interface(name)
        except ValueError:
            raise ConfigError(
                f"adapters.cargo.airlines.{prefix}", f"interface {name!r} is not one of {known}"
            ) from None
    return out


def interface_for(awb: str, interfaces: Mapping[str, Interface], field: str = "awb") -> Interface:
    """The interface that serves this (already validated) AWB; ``BadUserInput`` for an unconnected airline."""
    prefix = awb[:3]
    try:
        return interfaces[prefix]
    except KeyError:
        connected = ", ".join(f"{p} ({airline_name(p)})" for p in sorted(interfaces)) or "none"
        raise BadUserInput(
            f"AWB {awb}: airline prefix {prefix} ({airline_name(prefix)}) is not connected to the platform; "
            f"known airlines: {connected}",
            field=field,
            prefix=prefix,
        ) from None
