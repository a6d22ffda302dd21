"""The per-worker service URLs of a parallel run (tests/services.py): no two workers share a database."""

from __future__ import annotations

import itertools

import pytest

from tests.services import REDIS_LANES, _worker_database, worker_postgres_url, worker_redis_url


def test_each_worker_gets_a_database_of_its_own_on_the_same_server() -> None:
    base = "postgresql://postgres@127.0.0.1:5432/test?sslmode=disable"
    urls = [worker_postgres_url(base, k) for k in range(3)]
    assert urls == [f"postgresql://postgres@127.0.0.1:5432/test_gw{k}?sslmode=disable" for k in range(3)]


def test_redis_workers_stay_in_the_lane_of_their_base_db() -> None:
    assert [worker_redis_url("redis://127.0.0.1:6379/15", k) for k in range(4)] == [
        f"redis://127.0.0.1:6379/{db}" for db in (15, 11, 7, 3)
    ]
    assert worker_redis_url("redis://:secret@127.0.0.1:6379/2", 1) == "redis://:secret@127.0.0.1:6379/14"


def test_checkouts_with_bases_less_than_four_apart_never_share_a_redis_db() -> None:
    def dbs(base: int) -> set[str]:
        return {worker_redis_url(f"redis://127.0.0.1:6379/{base}", k) for k in range(REDIS_LANES)}

    for a, b in itertools.combinations(range(12, 16), 2):
        assert not dbs(a) & dbs(b), (a, b)
    assert len(set().union(*(dbs(base) for base in range(12, 16)))) == 16


def test_a_fifth_worker_is_refused_rather_than_given_a_shared_db() -> None:
    with pytest.raises(pytest.fail.Exception, match="at most 4"):
        worker_redis_url("redis://127.0.0.1:6379/15", REDIS_LANES)


def test_a_worker_that_cannot_create_its_database_says_which_and_how_to_fix_it() -> None:
    with pytest.raises(pytest.fail.Exception, match=r"could not create its database 'nowhere_gw1'.*CREATEDB"):
        _worker_database("postgresql://postgres@127.0.0.1:1/nowhere", 1)  # nothing listens on port 1
