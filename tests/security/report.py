"""The security probes' table at the end of a test run: every hostile request, its answer and its time.

A pytest plugin (loaded by ``tests/conftest.py``). In a parallel run the probes run on a pytest-xdist worker:
the worker hands its outcomes to the controller, which prints the table once for the whole run.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest


@dataclasses.dataclass(frozen=True)
class Outcome:
    probe: str
    status: int
    code: str | None
    ms: float
    rejected: bool


#: filled by tests/security/test_probes.py; printed at the end of the run
OUTCOMES: list[Outcome] = []
_WORKER_OUTPUT_KEY = "security_probes"


def summary(outcomes: list[Outcome]) -> str:
    rejected = [o for o in outcomes if o.rejected]
    times = sorted(o.ms for o in outcomes)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))] if times else 0.0
    slowest = max(outcomes, key=lambda o: o.ms) if outcomes else None
    lines = [f"{'probe':<44} {'status':>6}  {'code':<28} {'ms':>8}  verdict"]
    for o in outcomes:
        verdict = "rejected" if o.rejected else "NOT REJECTED"
        lines.append(f"{o.probe:<44} {o.status:>6}  {o.code or '-':<28} {o.ms:>8.1f}  {verdict}")
    lines.append(
        f"{len(rejected)}/{len(outcomes)} probes rejected; p99 time to reject {p99:.1f} ms"
        + (f"; slowest {slowest.probe!r} {slowest.ms:.1f} ms" if slowest else "")
    )
    return "\n".join(lines)


def pytest_sessionfinish(session: pytest.Session) -> None:
    worker_output = getattr(session.config, "workeroutput", None)
    if worker_output is not None:  # an xdist worker: plain values travel to the controller
        worker_output[_WORKER_OUTPUT_KEY] = [dataclasses.astuple(o) for o in OUTCOMES]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """xdist's controller: a worker finished; keep its outcomes (none if it crashed)."""
    OUTCOMES.extend(Outcome(*row) for row in getattr(node, "workeroutput", {}).get(_WORKER_OUTPUT_KEY, ()))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if OUTCOMES:
        terminalreporter.section("security probes")
        terminalreporter.write_line(summary(OUTCOMES))
