"""The real PostgreSQL and Redis servers some tests need: their URLs come from the environment.

A test that needs one and finds its variable unset is skipped, saying what it needs — or fails, when
``SILKGRAPH_REQUIRE_SERVICES=1`` (as ``.ci/run`` sets it), so that CI cannot pass by skipping them.

``make test`` runs pytest in parallel (pytest-xdist, workers ``gw0``, ``gw1``, …). Each worker gets its own
database and its own Redis DB, derived from the two URLs, so that one worker's ``FLUSHDB`` or tables never meet
another's:

* PostgreSQL: worker ``gwK`` uses the database ``<name>_gwK`` on the same server (``test`` → ``test_gw0``),
  created through the server's ``postgres`` database on first use.
* Redis: worker ``gwK`` uses DB ``(N − 4·K) mod 16`` for the URL's DB ``N``. The 16 DBs of a default Redis fall in
  four lanes by ``N mod 4``, and a checkout's workers stay in the lane of its base: ``/15`` → 15, 11, 7, 3 and
  ``/14`` → 14, 10, 6, 2. Checkouts whose bases differ by less than 4 (e.g. 12–15) therefore never share a DB,
  with up to four workers each — hence at most four workers.

A run without workers (``pytest tests/some_test.py``) uses both URLs as they are.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import os
from urllib.parse import urlsplit, urlunsplit

import pytest

#: Redis DBs one worker's index moves its DB by (see the module docstring); also the most workers a run may have
REDIS_LANES = 4
REDIS_DATABASES = 16


def service_url(variable: str, what: str) -> str:
    url = os.environ.get(variable)
    if url:
        return url
    if os.environ.get("SILKGRAPH_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{variable} is not set but SILKGRAPH_REQUIRE_SERVICES=1")
    pytest.skip(f"{variable} is not set ({what})")


def worker_index() -> int | None:
    """This pytest-xdist worker's number (``gw2`` → 2), or None outside a parallel run."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return int(worker.removeprefix("gw")) if worker else None


def postgres_url(what: str = "a PostgreSQL server, e.g. postgresql://postgres@127.0.0.1:5432/test") -> str:
    url = service_url("SILKGRAPH_TEST_POSTGRES_URL", what)
    worker = worker_index()
    return url if worker is None else _worker_database(url, worker)


def redis_url(what: str = "a Redis server, e.g. redis://127.0.0.1:6379/15") -> str:
    url = service_url("SILKGRAPH_TEST_REDIS_URL", what)
    worker = worker_index()
    return url if worker is None else worker_redis_url(url, worker)


def worker_redis_url(url: str, worker: int) -> str:
    """The Redis URL of worker ``worker``: the same server, DB ``(N − 4·worker) mod 16`` for the URL's DB ``N``."""
    if worker >= REDIS_LANES:
        pytest.fail(f"worker gw{worker}: at most {REDIS_LANES} pytest-xdist workers get a Redis DB of their own")
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    db = (base - REDIS_LANES * worker) % REDIS_DATABASES
    return urlunsplit(parts._replace(path=f"/{db}"))


def worker_postgres_url(url: str, worker: int) -> str:
    """The PostgreSQL URL of worker ``worker``: the same server, database ``<name>_gw<worker>``."""
    parts = urlsplit(url)
    name = parts.path.strip("/") or "postgres"
    return urlunsplit(parts._replace(path=f"/{name}_gw{worker}"))


@functools.cache
def _worker_database(url: str, worker: int) -> str:
    """Worker ``worker``'s database, created (once per process) if the server does not have it yet."""
    own = worker_postgres_url(url, worker)
    name = urlsplit(own).path.strip("/")
    # callers may sit inside a running event loop: asyncpg gets a loop of its own, in a thread
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        try:
            pool.submit(asyncio.run, _create_database(url, name)).result()
        except Exception as exc:
            pytest.fail(
                f"worker gw{worker} could not create its database {name!r} through the server's 'postgres' database "
                f"({type(exc).__name__}: {exc}): create it beforehand, or let the test role CREATEDB"
            )
    return own


async def _create_database(url: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")))
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            with contextlib.suppress(asyncpg.DuplicateDatabaseError):  # another run on this server was first
                await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
