"""The adapter contract as a pytest plugin (registered in the ``pytest11`` entry-point group as ``silkgraph``).

A partner's test module needs one class::

    from gateway.sdk.testing import AdapterContract, Probe, TenancySample

    class TestRailAdapter(AdapterContract):
        adapter_class = RailAdapter
        sample_keys = {"RailConsignment": [{"id": "RC-1"}]}
        bad_input = Probe(query='{ railConsignment(id: "") { id } }')
        tenancy = [TenancySample(agency="kz-trade-agency", typename="RailConsignment",
                                 visible={"id": "RC-1"}, hidden={"id": "RC-2"})]

and pytest runs every ``test_contract_*`` check against the adapter wired to its own sandboxes on loopback
ports. Each check starts the sandboxes afresh in its own event loop, so the class needs no async plugin and
works under any ``asyncio_mode``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest

from gateway.sdk.adapter import Adapter
from gateway.sdk.sandbox import FaultConfig
from gateway.sdk.testing.checks import (
    ContractViolation,
    check_composes,
    check_entities_round_trip,
    check_error_code,
    check_health,
    check_sandboxes_on_loopback,
    check_tenancy,
    platform_subgraph_sdls,
)
from gateway.sdk.testing.harness import RunningAdapter, running_adapter
from gateway.sdk.testing.samples import Probe, TenancySample, selection_for
from gateway.sdk.testing.watchdog import BLOCKED_SECONDS, SLOW_CALLBACK_SECONDS, slow_callbacks

__all__ = ["AdapterContract", "pytest_report_header"]


class AdapterContract:
    """Subclass as ``Test<Something>`` and set :attr:`adapter_class` plus the samples below."""

    #: the adapter under test
    adapter_class: ClassVar[type[Adapter]]
    #: ``[adapters.<name>]`` options for the test (e.g. ``{"retry_attempts": 1}`` so fault checks do not back off)
    adapter_options: ClassVar[Mapping[str, Any]] = {}
    #: ``SandboxConfig.options`` for every sandbox
    sandbox_options: ClassVar[Mapping[str, Any]] = {}
    #: keys of seeded records per entity type; ``None`` asks the adapter class's ``sample_keys()`` classmethod
    sample_keys: ClassVar[Mapping[str, Sequence[Mapping[str, Any]]] | None] = None
    #: an operation with an invalid argument: must fail with BAD_USER_INPUT
    bad_input: ClassVar[Probe | None] = None
    #: an operation that reaches the legacy system (default: ``_entities`` of the first sample key)
    upstream_probe: ClassVar[Probe | None] = None
    #: per-agency samples; required unless the adapter holds no tenant data (then set ``tenant_scoped = False``)
    tenancy: ClassVar[Sequence[TenancySample]] = ()
    tenant_scoped: ClassVar[bool] = True
    #: directory of the platform's subgraph SDLs (default: schema/subgraphs, else the installed built-ins)
    platform_schema_dir: ClassVar[str | None] = None
    slow_callback_seconds: ClassVar[float] = SLOW_CALLBACK_SECONDS

    # -- plumbing -------------------------------------------------------------------------------------------
    def _samples(self) -> Mapping[str, Sequence[Mapping[str, Any]]]:
        if self.sample_keys is not None:
            return self.sample_keys
        hook: Callable[[], Mapping[str, Sequence[Mapping[str, Any]]]] | None = getattr(
            self.adapter_class, "sample_keys", None
        )
        if hook is None:
            raise ContractViolation(
                f"{type(self).__name__}: set sample_keys, or give {self.adapter_class.__name__} a sample_keys() "
                "classmethod returning {typename: [key, ...]}"
            )
        return hook()

    def _run(self, check: Callable[[RunningAdapter], Awaitable[None]]) -> None:
        async def main() -> None:
            async with running_adapter(
                self.adapter_class, options=self.adapter_options, sandbox_options=self.sandbox_options
            ) as running:
                await check(running)

        with asyncio.Runner(loop_factory=asyncio.SelectorEventLoop) as runner:
            runner.run(main())

    def _upstream_probe(self) -> Probe:
        if self.upstream_probe is not None:
            return self.upstream_probe
        typename, keys = next(iter(self._samples().items()))
        query = (
            "query($r: [_Any!]!) { _entities(representations: $r) "
            f"{{ ... on {typename} {{ {selection_for(keys[0])} }} }} }}"
        )
        return Probe(query=query, variables={"r": [{"__typename": typename, **keys[0]}]})

    # -- the contract ---------------------------------------------------------------------------------------
    def test_contract_subgraph_composes_with_platform(self) -> None:
        adapter = self.adapter_class()
        folder = Path(self.platform_schema_dir) if self.platform_schema_dir else None
        supergraph = check_composes(adapter, platform_subgraph_sdls(exclude=adapter.name, directory=folder))
        assert f'name: "{adapter.name}"' in supergraph

    def test_contract_every_field_carries_an_authorization_rule(self) -> None:
        """Silkgraph is closed by default: a field without @requiresScopes / @authenticated / @policy (or
        ``@tag(name: "public")`` for reference data) would answer nobody."""
        from gateway.federation.supergraph import load_supergraph
        from gateway.policy.authz import require_rules

        adapter = self.adapter_class()
        folder = Path(self.platform_schema_dir) if self.platform_schema_dir else None
        require_rules(
            load_supergraph(check_composes(adapter, platform_subgraph_sdls(exclude=adapter.name, directory=folder)))
        )

    def test_contract_entity_references_round_trip(self) -> None:
        samples = self._samples()
        self._run(lambda running: check_entities_round_trip(running.adapter, samples))

    def test_contract_bad_input_is_bad_user_input(self) -> None:
        probe = self.bad_input
        if probe is None:
            raise ContractViolation(f"{type(self).__name__}: set bad_input to an operation with an invalid argument")

        async def check(running: RunningAdapter) -> None:
            await check_error_code(running.adapter, probe, "BAD_USER_INPUT")

        self._run(check)

    def test_contract_sandbox_fault_is_upstream_error(self) -> None:
        if not self.adapter_class().sandboxes():
            pytest.skip(f"{self.adapter_class.name} has no sandbox (no legacy system to fail)")
        probe = self._upstream_probe()

        async def check(running: RunningAdapter) -> None:
            running.inject_faults(FaultConfig(error_rate=1.0, error_status=503))
            await check_error_code(running.adapter, probe, "UPSTREAM_")

        self._run(check)

    def test_contract_agency_sees_only_its_records(self) -> None:
        if not self.tenant_scoped:
            pytest.skip(f"{self.adapter_class.name} declares it holds no tenant-scoped data")
        if not self.tenancy:
            raise ContractViolation(
                f"{type(self).__name__}: set tenancy to TenancySample(agency, typename, visible, hidden) records "
                "(or tenant_scoped = False for shared reference data)"
            )

        async def check(running: RunningAdapter) -> None:
            for sample in self.tenancy:
                await check_tenancy(running.adapter, sample)

        self._run(check)

    def test_contract_sandbox_on_loopback_and_health_up(self) -> None:
        async def check(running: RunningAdapter) -> None:
            check_sandboxes_on_loopback(running.adapter, running.sandboxes.values())
            await check_health(running.adapter)

        self._run(check)

    def test_contract_no_blocking_call_on_event_loop(self) -> None:
        samples = self._samples()

        async def check(running: RunningAdapter) -> None:
            with slow_callbacks(self.slow_callback_seconds) as slow:
                await asyncio.sleep(0)  # steps scheduled from here on are measured
                await check_health(running.adapter)
                await check_entities_round_trip(running.adapter, samples)
                for sample in self.tenancy if self.tenant_scoped else ():
                    await check_tenancy(running.adapter, sample)
                if self.bad_input is not None:
                    await check_error_code(running.adapter, self.bad_input, "BAD_USER_INPUT")
            if slow:
                raise ContractViolation(
                    f"{running.adapter.name}: the event loop was held (blocked > {BLOCKED_SECONDS} s or computing > "
                    f"{self.slow_callback_seconds} s in one step) by: "
                    + "; ".join(slow[:3])
                    + " — move blocking work to asyncio.to_thread or use an async client"
                )

        self._run(check)


def pytest_report_header(config: pytest.Config) -> str:
    from gateway.sdk.registry import available_adapters

    return "silkgraph adapters: " + (", ".join(available_adapters()) or "none")
