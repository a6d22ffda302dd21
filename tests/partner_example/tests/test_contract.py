"""The Silkgraph adapter contract for the Kazakhstan customs adapter, plus its batching rule."""

from __future__ import annotations

from typing import Any

from gateway.sdk.testing import AdapterContract, Probe, TenancySample, entities, running_adapter

from kz_customs_partner import KzCustomsAdapter


class TestKzCustomsContract(AdapterContract):
    adapter_class = KzCustomsAdapter
    bad_input = Probe(query='{ kzDeclaration(id: "12345") { id } }')
    tenancy = [
        TenancySample(
            typename="KzDeclaration",
            key={"id": "KZ-ASTANA1-2026-0002"},
            visible_to="kz-trade-agency",
            hidden_from="qingdao-broker",
        ),
        TenancySample(
            typename="KzDeclaration",
            key={"id": "KZ-ASTANA1-2026-0003"},
            visible_to="ru-export-center",
            hidden_from="kz-trade-agency",
        ),
    ]


async def test_entities_are_loaded_in_one_customs_call() -> None:
    async with running_adapter(KzCustomsAdapter) as running:
        sandbox: Any = next(iter(running.sandboxes.values())).faults.app
        keys = [{"__typename": "KzDeclaration", "id": f"KZ-ASTANA1-2026-000{n}"} for n in (1, 2, 4)]
        result = await entities(running.adapter, keys, "... on KzDeclaration { id riskChannel feeKzt }")
        assert result.errors is None and result.data is not None
        assert [e["riskChannel"] for e in result.data["_entities"]] == ["GREEN", "YELLOW", "GREEN"]
        assert sandbox.state.calls["declarations"] == 1
