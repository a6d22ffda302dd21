"""The one trade story every sandbox is seeded from.

Every legacy sandbox (tax, customs, payments, cargo, barter, vehicles) seeds its state from these records, so
one query through the gateway tells a cross-border trade end to end: the same companies, air waybills, VINs,
barter contracts, declarations and payments appear in every system.

The story (autumn 2026):

* **Qingdao Haixin Trading** (CN) exports used cars to **Almaty Auto Import** (KZ): a 2017 Honda left by road
  through Khorgos in August and is deregistered; a 2023 SAIC Volkswagen, declared at Qingdao airport customs,
  flew TAO-URC-ALA on one air waybill and left China at Urumqi (one piece, declared with its VIN and export
  licence); a 2026 Changan Ford is licensed but waits for the manufacturer's after-sales confirmation (first
  registered under 180 days ago), so it is neither declared nor shipped. The export VAT rebate rests on the
  purchase invoice of the Qingdao used-car market that sold Haixin the car.
* **Horgos Border Trade** (CN) and **Astana Grain Trading** (KZ) run closed barter contract ``BC-2026-0001``:
  excavators and hydraulic units (1,440,000 CNY) against 720 t of wheat at 2,000 CNY/t, customs procedure
  0130 (barter trade); the Chinese legs are delivered and cleared, the first wheat leg left Kazakhstan under
  the EAEU export declaration in :data:`EAEU_DECLARATIONS`.
* **Shanghai Pudong Machinery Export** (CN) flies machine parts to **Volga Agro Import** (RU) on Air China
  (ONE Record airline, prefix 999) and to **Minsk Tractor Parts** (BY) on China Southern (Cargo-XML
  airline, prefix 784); payments in CNY and RUB, one held for compliance, one rejected (RR04).
* **Mumbai Pulses Export** (IN) ships chickpeas to Horgos; an export rebate and a fapiao are on file.

Partner agencies (tenants) see only the companies listed under them (``Company.agencies``).
All identifiers are valid by their rules (USCC, INN, BIN, UNP, GSTIN check digits; AWB mod 7; 18-digit customs
entry numbers whose office, year and export flag match the declaration; VIN check digit where the maker uses
one, and a model-year code that fits the first registration). Prices sit inside the ranges
of :mod:`adapters.story_prices`; ``tests/adapters/test_story.py`` cross-checks the whole story. Fixed UUIDs keep
every run deterministic.
"""

from __future__ import annotations

from adapters.story.barter import (
    BARTER_CONTRACTS,
    BarterContract,
    BarterGoods,
)
from adapters.story.cargo import (
    SHIPMENTS,
    Shipment,
)
from adapters.story.customs import (
    DECLARATIONS,
    EAEU_DECLARATIONS,
    Declaration,
    GoodsItem,
)
from adapters.story.payments import (
    ACCOUNTS,
    PAYMENTS,
    Account,
    Payment,
)
from adapters.story.tax import (
    INVOICES,
    Invoice,
)
from adapters.story.traders import (
    AGENCIES,
    ALMATY_AUTO,
    ASTANA_GRAIN,
    CHANGZHOU_PARTS,
    COMPANIES,
    HAIXIN,
    HORGOS,
    MINSK,
    MUMBAI,
    PUDONG,
    QINGDAO_AUTO,
    SUPPLIERS,
    VOLGA,
    Company,
    company,
)
from adapters.story.vehicles import (
    VEHICLES,
    Vehicle,
)

__all__ = [
    "ACCOUNTS",
    "AGENCIES",
    "ALMATY_AUTO",
    "ASTANA_GRAIN",
    "BARTER_CONTRACTS",
    "CHANGZHOU_PARTS",
    "COMPANIES",
    "DECLARATIONS",
    "EAEU_DECLARATIONS",
    "HAIXIN",
    "HORGOS",
    "INVOICES",
    "MINSK",
    "MUMBAI",
    "PAYMENTS",
    "PUDONG",
    "QINGDAO_AUTO",
    "SHIPMENTS",
    "SUPPLIERS",
    "VEHICLES",
    "VOLGA",
    "Account",
    "BarterContract",
    "BarterGoods",
    "Company",
    "Declaration",
    "GoodsItem",
    "Invoice",
    "Payment",
    "Shipment",
    "Vehicle",
    "company",
]
