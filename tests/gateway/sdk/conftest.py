"""Hypothesis settings for the property tests of the shared rules.

No per-example deadline: the first example of a run pays for lazy data loads (pycountry, the ISO 4217 table,
schwifty's registry), which would make timing-based deadlines flaky on a busy machine.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "silkgraph",
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("silkgraph")
