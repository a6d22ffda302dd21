"""Every hostile request shape is rejected, cheaply and with a code that names the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gateway.policy.app import running
from tests.security.probes import Probe, probes, run_probe
from tests.security.report import OUTCOMES

PROBES = probes()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("probes")


@pytest.mark.parametrize("probe", PROBES, ids=[p.name for p in PROBES])
async def test_probe_is_rejected(probe: Probe, workdir: Path) -> None:
    async with running(workdir, probe.mode) as gw:
        outcome = await run_probe(gw, probe)
        OUTCOMES.append(outcome)
        assert outcome.rejected, f"{probe.name}: status {outcome.status}, code {outcome.code}"
        # the gateway still answers ordinary requests afterwards
        ok = await gw.post({"query": "{ __typename }"})
        assert ok.status_code == 200 and ok.json() == {"data": {"__typename": "Query"}}
        assert gw.spies["cargo"].contexts == [], "no hostile request reached a subgraph"
