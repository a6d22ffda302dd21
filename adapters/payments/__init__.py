"""Payments: the cross-border payment and settlement rail (ISO 20022) as a Federation v2 subgraph."""

from adapters.payments.adapter import PaymentsAdapter

__all__ = ["PaymentsAdapter"]
