"""Test kit for adapter authors.

* :func:`execute` / :func:`entities` run operations against an adapter in-process, with the
  :class:`~gateway.sdk.context.SubgraphContext` the gateway would give it::

      async with serve_sandbox(spec.factory) as sandbox:
          adapter = PaymentsAdapter(AdapterSettings(name="payments", url=sandbox.url))
          async with adapter.lifespan():
              result = await execute(adapter, "{ payment(uetr: $u) { status } }", {"u": uetr})
              assert result.errors is None

* :class:`AdapterContract` is the contract every adapter must meet, as pytest checks (the ``silkgraph``
  pytest plugin): composition with the platform, entity round-trips, error codes, tenancy, health, and no
  blocking calls on the event loop. See docs/partners.md.
"""

from gateway.sdk.testing.calls import entities, error_codes, execute, principal, subgraph_context
from gateway.sdk.testing.checks import ContractViolation
from gateway.sdk.testing.harness import RunningAdapter, running_adapter
from gateway.sdk.testing.plugin import AdapterContract
from gateway.sdk.testing.samples import Probe, TenancySample

__all__ = [
    "AdapterContract",
    "ContractViolation",
    "Probe",
    "RunningAdapter",
    "TenancySample",
    "entities",
    "error_codes",
    "execute",
    "principal",
    "running_adapter",
    "subgraph_context",
]
