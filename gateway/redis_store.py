"""Redis for the gateway's shared state — caches, persisted queries, rate limits — with bounded waits and a breaker.

What the gateway keeps in Redis helps an answer but is never the answer, so a Redis that is down or slow must
not take the graph down with it. Every command goes through :meth:`GuardedRedis.run`:

* the client has connect and read timeouts (``[stores] redis_connect_timeout`` / ``redis_timeout``, default
  0.25 s / 0.1 s, applied by :func:`configure`; a ``redis://`` URL may set its own ``socket_connect_timeout`` /
  ``socket_timeout``) and no retries of its own;
* a circuit breaker per Redis server (source ``redis <host>:<port>/<db>`` in ``/readyz`` and ``/metrics``): after
  5 failures in a row — or **one timeout** — commands fail at once for ``redis_breaker_reset`` seconds, then one
  probe goes through. A request makes several Redis calls (rate limit, persisted query, caches): a Redis that
  hangs costs the request that meets it one timeout, and the calls after it fail fast instead of each waiting;
* any failure — refused, reset, timed out, breaker open — is raised as :class:`RedisUnavailable`, and each user
  degrades in its own way: a cache reads as a miss and drops its writes, an APQ lookup is a miss (the client
  sends the full query again), a rate limit lets the request through (or refuses it, when configured to).

A warning is logged at most once every :data:`WARN_EVERY` seconds per server.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from gateway.errors import UpstreamUnavailable
from gateway.resilience import GuardSettings, registry

__all__ = ["CONNECT_TIMEOUT", "READ_TIMEOUT", "GuardedRedis", "RedisUnavailable", "configure", "connect"]

log = logging.getLogger("silkgraph.redis")

T = TypeVar("T")

CONNECT_TIMEOUT = 0.25
READ_TIMEOUT = 0.1
WARN_EVERY = 10.0
#: Redis comes back in seconds, not minutes: probe again sooner than a legacy system's 30 s
GUARD = GuardSettings(failure_threshold=5, reset_timeout=2.0, max_concurrent=1000, max_wait=READ_TIMEOUT)


def configure(*, connect_timeout: float, timeout: float, breaker_reset: float) -> None:
    """Apply ``[stores]`` Redis settings to the clients :func:`connect` makes from now on (process-wide, as the
    breakers are)."""
    global CONNECT_TIMEOUT, READ_TIMEOUT, GUARD
    CONNECT_TIMEOUT, READ_TIMEOUT = connect_timeout, timeout
    GUARD = GuardSettings(failure_threshold=5, reset_timeout=breaker_reset, max_concurrent=1000, max_wait=timeout)


class RedisUnavailable(Exception):
    """A Redis command did not complete (down, reset, timed out, or the breaker is open)."""


def connect(url: str) -> Any:
    """A ``redis.asyncio`` client for ``url`` with bounded connect and read timeouts (unless the URL sets them)."""
    import redis.asyncio
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    given = parse_qs(urlsplit(url).query)
    # no silent retries inside the client: the breaker decides, and a request waits one timeout at most
    options: dict[str, Any] = {"retry": Retry(NoBackoff(), 0)}
    if "socket_connect_timeout" not in given:
        options["socket_connect_timeout"] = CONNECT_TIMEOUT
    if "socket_timeout" not in given:
        options["socket_timeout"] = READ_TIMEOUT
    return redis.asyncio.from_url(url, **options)


class GuardedRedis:
    """Runs commands on one Redis client through its server's breaker; failures become :class:`RedisUnavailable`."""

    def __init__(self, client: Any) -> None:
        self.client = client
        kwargs = getattr(getattr(client, "connection_pool", None), "connection_kwargs", {})
        where = kwargs.get("path") or f"{kwargs.get('host', '?')}:{kwargs.get('port', '?')}"
        self.source = f"redis {where}/{kwargs.get('db', 0)}"
        self._warned = 0.0

    async def run(self, command: Callable[[], Awaitable[T]], *, what: str) -> T:
        """The result of ``command()``; :class:`RedisUnavailable` when Redis could not answer it."""
        from redis.exceptions import RedisError
        from redis.exceptions import TimeoutError as RedisTimeout

        guard = registry().guard(self.source, GUARD)
        try:
            async with guard.call(self.source):
                result = await command()
        except UpstreamUnavailable as exc:  # refused by the breaker (or the bulkhead) without asking Redis
            raise RedisUnavailable(f"{self.source}: {exc.message}") from None
        except (RedisError, OSError, TimeoutError) as exc:
            if isinstance(exc, TimeoutError | RedisTimeout):  # it hangs: nobody else waits for it meanwhile
                guard.breaker.trip()
            reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            self._warn(what, reason)
            raise RedisUnavailable(f"{self.source}: {reason}") from exc
        guard.breaker.record_success()
        return result

    def _warn(self, what: str, reason: str) -> None:
        now = time.monotonic()
        if now - self._warned < WARN_EVERY:
            return
        self._warned = now
        log.warning(
            "redis unavailable: carrying on without it",
            extra={"fields": {"source": self.source, "for": what, "error": reason}},
        )
