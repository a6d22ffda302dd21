from __future__ import annotations

from typing import Any

from tests.security.probes import Outcome, summary

#: filled by test_probes; printed at the end of the run
OUTCOMES: list[Outcome] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if OUTCOMES:
        terminalreporter.section("security probes")
        terminalreporter.write_line(summary(OUTCOMES))
