"""The tax subgraph: owns ``Company`` (taxpayer registration) and ``Invoice`` (fapiao), per
docs/subgraph-conventions.md; points at customs' ``CustomsDeclaration`` from export rebates."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar, cast

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

from adapters.tax.loaders import TaxLoaders
from adapters.tax.records import InvoiceRecord, RebateRecord, Taxpayer
from gateway.errors import BadUserInput
from gateway.policy.scopes import TAX_READ
from gateway.sdk import identifiers as ids
from gateway.sdk.context import SubgraphContext
from gateway.sdk.node_ids import id_field
from gateway.sdk.rules import needs
from gateway.sdk.scalars import CountryCode, Money, MoneyValue, TaxId
from gateway.sdk.schema import federation_schema

__all__ = ["build_schema"]

Info = strawberry.Info[SubgraphContext, None]
_F = TypeVar("_F", bound=Callable[..., Any])


def _field(description: str) -> Callable[[_F], _F]:
    """A tax read (``tax:read``), with its type kept (the keyword form is untyped for mypy)."""
    return cast(
        Callable[[_F], _F], strawberry.federation.field(description=description, requires_scopes=needs(TAX_READ))
    )


def _register_field() -> Any:
    """A field of the taxpayer register on the shared ``Company`` entity: ``tax:read``."""
    return strawberry.federation.field(requires_scopes=needs(TAX_READ))


def _loaders(info: Info) -> TaxLoaders:
    state = info.context.state
    assert isinstance(state, TaxLoaders), "tax resolvers need TaxAdapter.request_state"
    return state


def _money(amount: Decimal, currency: str) -> Money:
    return MoneyValue(amount=amount, currency=currency)


@strawberry.enum
class TaxpayerStatus(enum.Enum):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    DEREGISTERED = "DEREGISTERED"


@strawberry.enum
class VatPayerType(enum.Enum):
    GENERAL = "GENERAL"
    SMALL_SCALE = "SMALL_SCALE"
    NOT_REGISTERED = "NOT_REGISTERED"


@strawberry.enum(description="Outcome of a fapiao check against the tax authority's record.")
class InvoiceVerificationResult(enum.Enum):
    CONSISTENT = "CONSISTENT"
    MISMATCH = "MISMATCH"
    ABANDONED = "ABANDONED"
    NOT_FOUND = "NOT_FOUND"


@strawberry.enum
class ExportRebateStatus(enum.Enum):
    ACCEPTED = "ACCEPTED"
    UNDER_REVIEW = "UNDER_REVIEW"
    APPROVED = "APPROVED"
    REFUNDED = "REFUNDED"
    DATA_MISMATCH = "DATA_MISMATCH"
    REJECTED = "REJECTED"


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)], authenticated=True)
class CustomsDeclaration:
    id: strawberry.ID


@strawberry.federation.type(
    keys=["country taxId"], description="A trader as the tax authority registers it.", authenticated=True
)
class Company:
    country: CountryCode
    tax_id: TaxId
    id: strawberry.ID = id_field("Company", "country", "tax_id")
    name: str | None = _register_field()
    name_local: str | None = _register_field()
    city: str | None = _register_field()
    address: str | None = _register_field()
    registered_on: dt.date | None = _register_field()
    status: TaxpayerStatus | None = _register_field()
    vat_payer_type: VatPayerType | None = _register_field()

    @classmethod
    def of(cls, t: Taxpayer) -> Company:
        return cls(
            country=CountryCode(t.country),
            tax_id=TaxId(t.tax_id),
            name=t.name,
            name_local=t.name_local,
            city=t.city,
            address=t.address,
            registered_on=t.registered_on,
            status=TaxpayerStatus(t.status),
            vat_payer_type=VatPayerType(t.vat_payer_type),
        )

    @_field("Export VAT rebates this company filed, by rebate id.")
    async def export_rebates(self, info: Info) -> list[ExportRebate] | None:
        records = await _loaders(info).rebates_of.load((str(self.country), str(self.tax_id)))
        return [ExportRebate.of(r) for r in records]

    @classmethod
    async def resolve_reference(cls, info: Info, **representation: Any) -> Company | None:
        record = await _loaders(info).taxpayer.load((str(representation["country"]), str(representation["taxId"])))
        return cls.of(record) if record is not None else None


async def _company(info: Info, key: tuple[str, str]) -> Company | None:
    record = await _loaders(info).taxpayer.load(key)
    return Company.of(record) if record is not None else None


@strawberry.federation.type(requires_scopes=needs(TAX_READ))
class ExportRebateStep:
    status: ExportRebateStatus
    on: dt.date


@strawberry.federation.type(
    description="An export VAT rebate claim and where its review stands.", requires_scopes=needs(TAX_READ)
)
class ExportRebate:
    id: strawberry.ID
    status: ExportRebateStatus
    amount: Money
    declaration: CustomsDeclaration | None = strawberry.field(
        description="The customs export declaration it is matched to"
    )
    history: list[ExportRebateStep]
    remark: str | None
    exporter_key: strawberry.Private[tuple[str, str]]
    invoice_key: strawberry.Private[tuple[str, str]]

    @classmethod
    def of(cls, r: RebateRecord) -> ExportRebate:
        return cls(
            id=strawberry.ID(r.id),
            status=ExportRebateStatus(r.status),
            amount=_money(r.amount, r.currency),
            declaration=CustomsDeclaration(id=strawberry.ID(r.mrn)),
            history=[ExportRebateStep(status=ExportRebateStatus(s), on=on) for s, on in r.history],
            remark=r.remark,
            exporter_key=r.exporter,
            invoice_key=r.invoice,
        )

    @strawberry.field
    async def exporter(self, info: Info) -> Company | None:
        return await _company(info, self.exporter_key)

    @strawberry.field
    async def invoice(self, info: Info) -> Invoice | None:
        record = await _loaders(info).invoice.load(self.invoice_key)
        return Invoice.of(record) if record is not None else None


@strawberry.federation.type(
    keys=["code number"], description="A VAT invoice (fapiao).", requires_scopes=needs(TAX_READ)
)
class Invoice:
    code: str
    number: str
    id: strawberry.ID = id_field("Invoice", "code", "number")
    type: str
    issued_on: dt.date
    amount_without_tax: Money
    tax_amount: Money
    amount_with_tax: Money
    abandoned: bool = strawberry.field(description="Voided by its issuer")
    seller_key: strawberry.Private[tuple[str, str]]
    buyer_key: strawberry.Private[tuple[str, str]]
    rebate_id: strawberry.Private[str | None]

    @classmethod
    def of(cls, r: InvoiceRecord) -> Invoice:
        return cls(
            code=r.code,
            number=r.number,
            type=r.type,
            issued_on=r.issued_on,
            amount_without_tax=_money(r.amount_without_tax, r.currency),
            tax_amount=_money(r.tax_amount, r.currency),
            amount_with_tax=_money(r.amount_with_tax, r.currency),
            abandoned=r.abandoned,
            seller_key=r.seller,
            buyer_key=r.buyer,
            rebate_id=r.rebate_id,
        )

    @strawberry.field
    async def seller(self, info: Info) -> Company | None:
        return await _company(info, self.seller_key)

    @strawberry.field
    async def buyer(self, info: Info) -> Company | None:
        return await _company(info, self.buyer_key)

    @strawberry.field
    async def export_rebate(self, info: Info) -> ExportRebate | None:
        if self.rebate_id is None:
            return None
        record = await _loaders(info).rebate.load(self.rebate_id)
        return ExportRebate.of(record) if record is not None else None

    @classmethod
    async def resolve_reference(cls, info: Info, **representation: Any) -> Invoice | None:
        record = await _loaders(info).invoice.load((str(representation["code"]), str(representation["number"])))
        return cls.of(record) if record is not None else None


@strawberry.input(description="What is printed on the invoice; amount is pre-tax (total for digital invoices).")
class VerifyInvoiceInput:
    code: str | None = strawberry.field(default=None, description="10/12 digits; omit for fully digital invoices")
    number: str
    issued_on: dt.date
    amount: Decimal
    check_code: str | None = strawberry.field(default=None, description="20 digits, or the last 6")
    seller_tax_id: TaxId | None = None


@strawberry.federation.type(requires_scopes=needs(TAX_READ))
class InvoiceVerification:
    result: InvoiceVerificationResult
    message: str
    mismatched_fields: list[str]
    invoice: Invoice | None


def _check_verify_input(data: VerifyInvoiceInput) -> None:
    code = data.code or ""
    if code and not (code.isdigit() and len(code) in (10, 12)):
        raise BadUserInput("invoice code must be 10 or 12 digits", field="input.code")
    if not (data.number.isdigit() and len(data.number) in (8, 20)):
        raise BadUserInput("invoice number must be 8 digits (20 for fully digital invoices)", field="input.number")
    if data.check_code is not None and not (data.check_code.isdigit() and len(data.check_code) in (6, 20)):
        raise BadUserInput("check code must be 20 digits or its last 6", field="input.checkCode")
    if data.amount < 0 or data.amount != data.amount.quantize(Decimal("0.01")):
        raise BadUserInput("amount must be a non-negative CNY amount with at most 2 decimals", field="input.amount")


@strawberry.type
class Query:
    @_field("A company from the taxpayer register.")
    async def company(self, info: Info, country: CountryCode, tax_id: TaxId) -> Company | None:
        key = (str(country), ids.parse_tax_id(country, tax_id, field="taxId"))
        return await _company(info, key)

    @_field("The taxpayer register, optionally of one country.")
    async def companies(self, info: Info, country: CountryCode | None = None) -> list[Company]:
        loaders = _loaders(info)
        records = await loaders.client.register(str(country) if country else None, loaders.scope)
        for record in records:
            loaders.taxpayer.prime(record.key, record)
        return [Company.of(r) for r in records]

    @_field("A VAT invoice by code and number (code is empty for fully digital invoices).")
    async def invoice(self, info: Info, code: str, number: str) -> Invoice | None:
        record = await _loaders(info).invoice.load((code, number))
        return Invoice.of(record) if record is not None else None

    @_field("Check a fapiao against the tax authority's record.")
    async def verify_invoice(self, info: Info, input: VerifyInvoiceInput) -> InvoiceVerification:
        _check_verify_input(input)
        loaders = _loaders(info)
        outcome = await loaders.client.verify(
            loaders.scope,
            code=input.code or "",
            number=input.number,
            issued_on=input.issued_on,
            amount=input.amount,
            check_code=input.check_code,
            seller_tax_code=str(input.seller_tax_id) if input.seller_tax_id else None,
        )
        return InvoiceVerification(
            result=InvoiceVerificationResult(outcome.result),
            message=outcome.message,
            mismatched_fields=list(outcome.mismatched),
            invoice=Invoice.of(outcome.invoice) if outcome.invoice else None,
        )

    @_field("An export VAT rebate by id.")
    async def export_rebate(self, info: Info, id: strawberry.ID) -> ExportRebate | None:
        record = await _loaders(info).rebate.load(ids.parse_id(id, "id"))
        return ExportRebate.of(record) if record is not None else None


def build_schema() -> strawberry.federation.Schema:
    return federation_schema(query=Query, types=[Company, Invoice, CustomsDeclaration])
