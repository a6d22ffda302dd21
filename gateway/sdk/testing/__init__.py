"""Test kit for adapter authors.

* :func:`execute` / :func:`entities` run operations against an adapter in-process, with the
  :class:`~gateway.sdk.context.SubgraphContext` the gateway would give it::

      async with serve_sandbox(spec.factory) as sandbox:
          adapter = PaymentsAdapter(AdapterSettings(name="payments", url=sandbox.url))
          async with adapter.lifespan():
              result = await execute(adapter, "{ payment(uetr: $u) { status } }", {"u": uetr})
              assert result.errors is None

* :func:`partner`, :func:`operator`, :func:`auditor`, :func:`agencyless` and :func:`bearer` build principals
  and demo tokens from the one scope list; the gateway is closed by default, so tests say who asks.

* :class:`AdapterContract` is the contract every adapter must meet, as pytest checks (the ``silkgraph``
  pytest plugin): composition with the platform, entity round-trips, error codes, tenancy, health, and no
  blocking calls on the event loop. See docs/partners.md.
"""

from gateway.sdk.testing.calls import entities, error_codes, execute, principal, subgraph_context
from gateway.sdk.testing.checks import ContractViolation
from gateway.sdk.testing.harness import RunningAdapter, running_adapter
from gateway.sdk.testing.plugin import AdapterContract
from gateway.sdk.testing.principals import (
    AGENCY_A,
    AGENCY_B,
    KINDS,
    PRODUCTION_AUTH,
    agencyless,
    auditor,
    bearer,
    operator,
    partner,
    token_for,
)
from gateway.sdk.testing.samples import Probe, TenancySample

__all__ = [
    "AGENCY_A",
    "AGENCY_B",
    "KINDS",
    "PRODUCTION_AUTH",
    "AdapterContract",
    "ContractViolation",
    "Probe",
    "RunningAdapter",
    "TenancySample",
    "agencyless",
    "auditor",
    "bearer",
    "entities",
    "error_codes",
    "execute",
    "operator",
    "partner",
    "principal",
    "running_adapter",
    "subgraph_context",
    "token_for",
]
