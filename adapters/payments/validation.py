"""Checks on a payment instruction before anything is sent to the rail.

Each failure is :class:`~gateway.errors.BadUserInput` naming the input field. Shape rules (tax ids, account
number formats, ISO 20022 text lengths) need no I/O; account rules need the rail's account directory:
the account must belong to the party, the agent BIC (if given) must be the account's bank, and the amount's
currency must be the debtor's or the creditor's account currency (the rail converts between them).

Account numbers: an IBAN is checked with schwifty (and must be of the party's country); countries that use
IBANs for their accounts (:data:`IBAN_COUNTRIES`) require one; the others (CN, UZ, KG, TJ, IN have no IBAN;
RU banks use 20-digit domestic numbers) take a domestic number of 5-34 letters and digits.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from adapters.payments.model import AccountRecord
from gateway.errors import BadUserInput
from gateway.sdk.identifiers import MoneyValue, parse_iban, parse_tax_id

__all__ = ["IBAN_COUNTRIES", "PaymentRequest", "check_accounts", "check_shape"]

#: Countries whose accounts are IBANs (a domestic number is refused there).
IBAN_COUNTRIES = frozenset({"KZ", "BY", "PK", "IR", "AZ", "TR", "AE", "SA", "GE", "UA"})
_DOMESTIC = re.compile(r"^[0-9A-Z]{5,34}$")
_MAX35 = re.compile(r"^[^\x00-\x1f]{1,35}$")


@dataclasses.dataclass(frozen=True, kw_only=True)
class PaymentRequest:
    debtor: tuple[str, str]
    debtor_account: str
    creditor: tuple[str, str]
    creditor_account: str
    amount: MoneyValue
    charge_bearer: str
    end_to_end_id: str
    remittance: str | None = None
    debtor_agent: str | None = None
    creditor_agent: str | None = None

    def canonical(self) -> dict[str, Any]:
        """The input as plain JSON for the idempotency fingerprint (amount as its canonical decimal string)."""
        return {
            "debtor": {"country": self.debtor[0], "taxId": self.debtor[1]},
            "debtorAccount": self.debtor_account,
            "creditor": {"country": self.creditor[0], "taxId": self.creditor[1]},
            "creditorAccount": self.creditor_account,
            "amount": self.amount.to_json(),
            "chargeBearer": self.charge_bearer,
            "endToEndId": self.end_to_end_id,
            "remittance": self.remittance,
            "debtorAgent": self.debtor_agent,
            "creditorAgent": self.creditor_agent,
        }


def _account(number: str, country: str, field: str) -> str:
    compact = number.replace(" ", "").upper()
    if compact[:2].isalpha() and compact[2:4].isdigit():
        iban = parse_iban(compact, field)
        if iban[:2] != country:
            raise BadUserInput(f"IBAN {number!r} is from {iban[:2]}, but the party is in {country}", field=field)
        return iban
    if country in IBAN_COUNTRIES:
        raise BadUserInput(f"accounts in {country} are IBANs; {number!r} is not one", field=field)
    if not _DOMESTIC.match(compact):
        raise BadUserInput(f"account number {number!r} must be 5-34 letters and digits", field=field)
    return compact


def check_shape(raw: PaymentRequest) -> PaymentRequest:
    """Canonical form of the request, or BadUserInput naming the first field that breaks a rule."""
    debtor = (raw.debtor[0], parse_tax_id(raw.debtor[0], raw.debtor[1], "input.debtor.taxId"))
    creditor = (raw.creditor[0], parse_tax_id(raw.creditor[0], raw.creditor[1], "input.creditor.taxId"))
    if debtor == creditor:
        raise BadUserInput("debtor and creditor must be different companies", field="input.creditor")
    if raw.amount.amount <= 0:
        raise BadUserInput("amount must be greater than zero", field="input.amount")
    if not _MAX35.match(raw.end_to_end_id):
        raise BadUserInput(
            "endToEndId must be 1-35 printable characters (ISO 20022 Max35Text)", field="input.endToEndId"
        )
    if raw.remittance is not None and len(raw.remittance) > 140:
        raise BadUserInput("remittance must be at most 140 characters (ISO 20022 Max140Text)", field="input.remittance")
    return dataclasses.replace(
        raw,
        debtor=debtor,
        creditor=creditor,
        debtor_account=_account(raw.debtor_account, debtor[0], "input.debtorAccount"),
        creditor_account=_account(raw.creditor_account, creditor[0], "input.creditorAccount"),
    )


def _owned(number: str, accounts: list[AccountRecord], party: tuple[str, str], field: str) -> AccountRecord:
    for acct in accounts:
        if acct.number == number:
            return acct
    known = ", ".join(a.number for a in accounts) or "none visible to you"
    raise BadUserInput(f"{party[0]} {party[1]} has no account {number} (its accounts: {known})", field=field)


def check_accounts(
    req: PaymentRequest, debtor_accounts: list[AccountRecord], creditor_accounts: list[AccountRecord]
) -> tuple[AccountRecord, AccountRecord]:
    debtor = _owned(req.debtor_account, debtor_accounts, req.debtor, "input.debtorAccount")
    creditor = _owned(req.creditor_account, creditor_accounts, req.creditor, "input.creditorAccount")
    for agent, acct, field in (
        (req.debtor_agent, debtor, "input.debtorAgent"),
        (req.creditor_agent, creditor, "input.creditorAgent"),
    ):
        if agent is not None and agent[:8] != acct.bic[:8]:
            raise BadUserInput(f"account {acct.number} is held at {acct.bic}, not {agent}", field=field)
    if req.amount.currency not in (debtor.currency, creditor.currency):
        raise BadUserInput(
            f"amount currency {req.amount.currency} must be the debtor account's ({debtor.currency}) "
            f"or the creditor account's ({creditor.currency})",
            field="input.amount",
        )
    return debtor, creditor
