"""bench.outage runs end to end and reports each phase's answer (its timings are printed, never asserted)."""

from __future__ import annotations

import pytest

from bench.outage import run


@pytest.mark.timeout(60)
async def test_the_outage_benchmark_reports_each_phase(capsys: pytest.CaptureFixture[str]) -> None:
    await run(requests=2, read_timeout=0.3, breaker_reset=0.3)
    lines = {line.split("  ")[0].strip(): line for line in capsys.readouterr().out.splitlines()}
    assert lines["healthy"].endswith("complete")
    assert lines["silent, breaker closed"].endswith("null customsDeclaration (UPSTREAM_TIMEOUT)")
    assert lines["silent, breaker open"].endswith("null customsDeclaration (UPSTREAM_UNAVAILABLE)")
    assert any(key.startswith("recovery: first complete answer") for key in lines)
