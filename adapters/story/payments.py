"""Payments of the story: the traders' bank accounts and the payments the rail starts with."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from adapters.story.traders import ALMATY_AUTO, ASTANA_GRAIN, HAIXIN, HORGOS, MINSK, MUMBAI, PUDONG, VOLGA


@dataclasses.dataclass(frozen=True, kw_only=True)
class Account:
    owner: tuple[str, str]  # (country, tax_id)
    bic: str
    number: str  # IBAN where the country uses one, else the domestic account number
    iban: bool
    currency: str
    opening_balance: Decimal
    status: str = "OPEN"  # OPEN | CLOSED | BLOCKED


@dataclasses.dataclass(frozen=True, kw_only=True)
class Payment:
    uetr: str
    msg_id: str
    end_to_end_id: str
    debtor: tuple[str, str]
    debtor_account: str
    creditor: tuple[str, str]
    creditor_account: str
    amount: Decimal
    currency: str
    charge_bearer: str  # DEBT | CRED | SHAR | SLEV
    remittance: str
    settlement_date: str
    #: final status the rail reaches for this seeded payment, with its reason code if any
    outcome: str  # ACSC | PDNG | RJCT
    reason: str | None = None


ACCOUNTS: tuple[Account, ...] = (
    Account(
        owner=HAIXIN,
        bic="ICBKCNBJXXX",
        number="6222020200112233445",
        iban=False,
        currency="CNY",
        opening_balance=Decimal("5000000.00"),
    ),
    Account(
        owner=HORGOS,
        bic="BKCHCNBJXXX",
        number="4563510100892233110",
        iban=False,
        currency="CNY",
        opening_balance=Decimal("1200000.00"),
    ),
    Account(
        owner=PUDONG,
        bic="COMMCNSHXXX",
        number="3100661234567890123",
        iban=False,
        currency="CNY",
        opening_balance=Decimal("8000000.00"),
    ),
    Account(
        owner=ALMATY_AUTO,
        bic="HSBKKZKX",
        number="KZ86125KZT5004100100",
        iban=True,
        currency="KZT",
        opening_balance=Decimal("350000000.00"),
    ),
    Account(
        owner=ASTANA_GRAIN,
        bic="HSBKKZKX",
        number="KZ17601A871001726921",
        iban=True,
        currency="KZT",
        opening_balance=Decimal("90000000.00"),
    ),
    Account(
        owner=VOLGA,
        bic="SABRRUMMXXX",
        number="40702810938000012345",
        iban=False,
        currency="RUB",
        opening_balance=Decimal("25000000.00"),
    ),
    Account(
        owner=MINSK,
        bic="AKBBBY2XXXX",
        number="BY13NBRB3600900000002Z00AB00",
        iban=True,
        currency="BYN",
        opening_balance=Decimal("40000.00"),
    ),
    Account(
        owner=MUMBAI,
        bic="SBININBBXXX",
        number="00000031234567890",
        iban=False,
        currency="INR",
        opening_balance=Decimal("2500000.00"),
        status="BLOCKED",
    ),
)


PAYMENTS: tuple[Payment, ...] = (
    Payment(
        uetr="6513270e-269e-4d37-b2a7-4de452e6b438",
        msg_id="ALMAUTO20261118001",
        end_to_end_id="INV-HX-2026-0815",
        debtor=ALMATY_AUTO,
        debtor_account="KZ86125KZT5004100100",
        creditor=HAIXIN,
        creditor_account="6222020200112233445",
        amount=Decimal("86000.00"),
        currency="CNY",
        charge_bearer="SHAR",
        remittance="Used car LSVAM418XP2184847, contract HX-KZ-0815",
        settlement_date="2026-11-18",
        outcome="ACSC",
    ),
    Payment(
        uetr="d23f0824-128b-4f33-8c5c-7fd0a6a3a450",
        msg_id="VOLGA20261101007",
        end_to_end_id="INV-PD-2026-1102",
        debtor=VOLGA,
        debtor_account="40702810938000012345",
        creditor=PUDONG,
        creditor_account="3100661234567890123",
        amount=Decimal("3950000.00"),
        currency="RUB",
        charge_bearer="DEBT",
        remittance="Machine parts, AWB 999-12345675",
        settlement_date="2026-11-01",
        outcome="ACSC",
    ),
    Payment(
        uetr="9531985d-5d9d-49f8-9818-e811892f902b",
        msg_id="MINSK20261113002",
        end_to_end_id="INV-PD-2026-1110",
        debtor=MINSK,
        debtor_account="BY13NBRB3600900000002Z00AB00",
        creditor=PUDONG,
        creditor_account="3100661234567890123",
        amount=Decimal("955000.00"),
        currency="CNY",
        charge_bearer="SHAR",
        remittance="Tractor gearboxes, AWB 784-30791202",
        settlement_date="2026-11-13",
        outcome="PDNG",  # compliance hold
    ),
    Payment(
        uetr="36f675cc-81e7-4ef5-a8e2-5d940ed90475",
        msg_id="MUMBAI20261126001",
        end_to_end_id="ADV-MP-2026-0030",
        debtor=HORGOS,
        debtor_account="4563510100892233110",
        creditor=MUMBAI,
        creditor_account="00000031234567890",
        amount=Decimal("64000.00"),
        currency="CNY",
        charge_bearer="SHAR",
        remittance="Advance for chickpeas, AWB 999-20260030",
        settlement_date="2026-11-26",
        outcome="RJCT",
        reason="AC06",  # creditor account blocked
    ),
)
