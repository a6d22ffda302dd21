"""One HTTP call to an airline system, with every httpx failure mapped onto the gateway's error tree.

Reads retry with the shared policy (:class:`gateway.sdk.retry.ReadRetry`) within the airline source's retry
budget; faults and malformed replies are not retried (asking again gets the same answer). Writes (bookings,
subscriptions) never retry: a lost reply may hide a booking that was made.
"""

from __future__ import annotations

from typing import Any

import httpx

from gateway.errors import UpstreamFault, UpstreamProtocolError, UpstreamTimeout, UpstreamUnavailable
from gateway.sdk.calls import guard_of
from gateway.sdk.retry import ReadRetry

__all__ = ["SERVICE", "read", "request"]

SERVICE = "cargo"


async def read(client: httpx.AsyncClient, url: str, *, retry: ReadRetry | None, **kwargs: Any) -> httpx.Response:
    """``GET`` with the read retry policy (none: a single try)."""
    if retry is None:
        return await request(client, "GET", url, **kwargs)
    return await retry.call(lambda: request(client, "GET", url, **kwargs), guard=guard_of(client))


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
