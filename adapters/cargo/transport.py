"""One HTTP call to an airline system, with every httpx failure mapped onto the gateway's error tree."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import tenacity

from gateway.errors import UpstreamFault, UpstreamProtocolError, UpstreamTimeout, UpstreamUnavailable

__all__ = ["SERVICE", "ReadRetry", "read", "request"]

SERVICE = "cargo"


class ReadRetry:
    """Retry policy for idempotent reads: up to ``attempts`` tries while the airline is *unavailable*.

    Timeouts are not retried (the caller's budget is already spent) and neither are faults or malformed
    replies (asking again gets the same answer). Writes (bookings, subscriptions) never retry: a lost reply
    may hide a booking that was made. ``sleep`` is injectable so tests do not wait.
    """

    def __init__(
        self,
        *,
        attempts: int = 3,
        first_wait: float = 0.05,
        max_wait: float = 0.5,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self.attempts, self.first_wait, self.max_wait = attempts, first_wait, max_wait
        self.sleep = sleep

    def __repr__(self) -> str:
        return f"ReadRetry(attempts={self.attempts}, first_wait={self.first_wait}, max_wait={self.max_wait})"

    def retrying(self) -> tenacity.AsyncRetrying:
        extra: dict[str, Any] = {"sleep": self.sleep} if self.sleep else {}
        return tenacity.AsyncRetrying(
            stop=tenacity.stop_after_attempt(self.attempts),
            wait=tenacity.wait_exponential(multiplier=self.first_wait, max=self.max_wait),
            retry=tenacity.retry_if_exception_type(UpstreamUnavailable),
            reraise=True,
            **extra,
        )


async def read(client: httpx.AsyncClient, url: str, *, retry: ReadRetry | None, **kwargs: Any) -> httpx.Response:
    """``GET`` with the read retry policy (none: a single try)."""
    if retry is None or retry.attempts <= 1:
        return await request(client, "GET", url, **kwargs)
    async for attempt in retry.retrying():
        with attempt:
            return await request(client, "GET", url, **kwargs)
    raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover


async def request(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    system: str,
    agency: str | None = None,
    headers: dict[str, str] | None = None,
    ok: tuple[int, ...] = (200,),
    expected: tuple[int, ...] = (),
    **kwargs: Any,
) -> httpx.Response:
    """Send one request; return replies whose status is in ``ok`` or ``expected`` (the caller handles those).

    Timeouts → ``UPSTREAM_TIMEOUT``; refused or dropped connections and 502/503/504 → ``UPSTREAM_UNAVAILABLE``;
    other statuses → ``UPSTREAM_FAULT``. ``system`` names the airline interface in the message.
    """
    sent = dict(headers or {})
    if agency:
        sent["X-Agency-Id"] = agency
    try:
        reply = await client.request(method, url, headers=sent, **kwargs)
    except httpx.TimeoutException as exc:
        raise UpstreamTimeout(
            f"{system} did not answer {method} {url} in time ({type(exc).__name__}); "
            "raise adapters.cargo read_timeout or check the airline system",
            service=SERVICE,
            system=system,
        ) from None
    except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
        raise UpstreamUnavailable(
            f"{system} dropped {method} {url}: {type(exc).__name__}: {exc}", service=SERVICE, system=system
        ) from None
    except httpx.HTTPError as exc:
        raise UpstreamProtocolError(
            f"{system} answered {method} {url} with a broken reply: {exc}", service=SERVICE, system=system
        ) from None
    if reply.status_code in ok or reply.status_code in expected:
        return reply
    detail = reply.text[:200]
    if reply.status_code in (502, 503, 504):
        raise UpstreamUnavailable(
            f"{system} is unavailable: HTTP {reply.status_code} for {method} {url}: {detail}",
            service=SERVICE,
            system=system,
            status=reply.status_code,
        )
    raise UpstreamFault(
        f"{system} refused {method} {url}: HTTP {reply.status_code}: {detail}",
        service=SERVICE,
        system=system,
        status=reply.status_code,
    )
