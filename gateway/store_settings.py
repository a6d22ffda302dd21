"""``[stores]``: how long the gateway waits on the shared stores it cannot do without, and how it stops.

PostgreSQL (the audit store; the payment idempotency store reads the same bounds) and Redis (caches, persisted
queries, rate limits) are shared by every replica, so a store that *hangs* must cost each request a bounded,
configured wait — never the replica. ``shutdown_grace`` bounds ``silkgraph serve``'s drain after SIGTERM.

::

    [stores]
    postgres_connect_timeout = 3.0           # seconds to open a connection
    postgres_statement_timeout = 5.0         # server-side statement_timeout
    postgres_lock_timeout = 2.0              # server-side lock_timeout
    postgres_idle_in_transaction_timeout = 5.0    # the server ends a session left at BEGIN (and its locks)
    postgres_operation_timeout = 6.0         # one whole operation (acquire, queries, commit), client-side
    redis_connect_timeout = 0.25
    redis_timeout = 0.1                      # one Redis command; a hung Redis costs a request this, once
    redis_breaker_reset = 2.0                # after a Redis timeout, commands fail fast this long, then one probes
    shutdown_grace = 10.0                    # after SIGTERM: finish requests, drain the audit spool, exit
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from gateway.sdk.pgpool import PgTimeouts

if TYPE_CHECKING:
    from gateway.config import _Section

__all__ = ["StoreSettings", "parse_stores"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class StoreSettings:
    postgres: PgTimeouts = dataclasses.field(default_factory=PgTimeouts)
    redis_connect_timeout: float = 0.25
    redis_timeout: float = 0.1
    redis_breaker_reset: float = 2.0
    shutdown_grace: float = 10.0


def parse_stores(s: _Section) -> StoreSettings:
    pg = PgTimeouts()
    statement = s.positive("postgres_statement_timeout", float, pg.statement)
    postgres = PgTimeouts(
        connect=s.positive("postgres_connect_timeout", float, pg.connect),
        statement=statement,
        lock=s.positive("postgres_lock_timeout", float, pg.lock),
        idle_in_transaction=s.positive("postgres_idle_in_transaction_timeout", float, pg.idle_in_transaction),
        operation=s.positive("postgres_operation_timeout", float, max(pg.operation, statement + 1.0)),
    )
    settings = StoreSettings(
        postgres=postgres,
        redis_connect_timeout=s.positive("redis_connect_timeout", float, 0.25),
        redis_timeout=s.positive("redis_timeout", float, 0.1),
        redis_breaker_reset=s.positive("redis_breaker_reset", float, 2.0),
        shutdown_grace=s.positive("shutdown_grace", float, 10.0),
    )
    s.finish()
    return settings
