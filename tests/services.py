"""The real PostgreSQL and Redis servers some tests need: their URLs come from the environment.

A test that needs one and finds its variable unset is skipped, saying what it needs — or fails, when
``SILKGRAPH_REQUIRE_SERVICES=1`` (as ``.ci/run`` sets it), so that CI cannot pass by skipping them.
"""

from __future__ import annotations

import os

import pytest


def service_url(variable: str, what: str) -> str:
    url = os.environ.get(variable)
    if url:
        return url
    if os.environ.get("SILKGRAPH_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{variable} is not set but SILKGRAPH_REQUIRE_SERVICES=1")
    pytest.skip(f"{variable} is not set ({what})")


def postgres_url(what: str = "a PostgreSQL server, e.g. postgresql://postgres@127.0.0.1:5432/test") -> str:
    return service_url("SILKGRAPH_TEST_POSTGRES_URL", what)


def redis_url(what: str = "a Redis server, e.g. redis://127.0.0.1:6379/15") -> str:
    return service_url("SILKGRAPH_TEST_REDIS_URL", what)
