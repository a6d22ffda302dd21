"""The aviation logistics system: airline cargo over IATA ONE Record (JSON-LD) and Cargo-XML (XFWB/XFSU)."""

from adapters.cargo.adapter import CargoAdapter
from adapters.cargo.cargo_xml_sandbox import create_cargo_xml_app
from adapters.cargo.one_record_sandbox import create_one_record_app

__all__ = ["CargoAdapter", "create_cargo_xml_app", "create_one_record_app"]
