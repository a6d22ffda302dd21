"""Shared sandbox machinery: configuration, fault injection, and running a sandbox on a loopback port.

Every legacy sandbox is a Starlette app. :class:`FaultInjection` wraps it as ASGI middleware and, driven by a
seeded RNG, adds latency, answers 5xx, hangs past the client's timeout, resets the connection, or truncates /
corrupts the body — so adapters are tested against the failures real legacy systems produce.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import random
import socket
import struct
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "FaultConfig",
    "FaultInjection",
    "SandboxConfig",
    "SandboxServer",
    "free_port",
    "serve_sandbox",
]


@dataclasses.dataclass(frozen=True, kw_only=True)
class FaultConfig:
    """Probabilities (0..1) and sizes of injected faults. All zero by default.

    ``paths`` limits injection to request paths starting with one of the prefixes (empty: every path).
    ``after_handler`` faults (``timeout_after``, ``reset_after``, ``truncate``) run the real handler first, so
    the legacy system *did* the work and only the reply is lost — the hard case for exactly-once writes.
    """

    latency_ms: float = 0.0
    latency_jitter_ms: float = 0.0
    error_rate: float = 0.0
    error_status: int = 503
    timeout_rate: float = 0.0
    timeout_after_rate: float = 0.0
    timeout_s: float = 30.0
    reset_rate: float = 0.0
    reset_after_rate: float = 0.0
    truncate_rate: float = 0.0
    malformed_rate: float = 0.0
    paths: tuple[str, ...] = ()
    seed: int = 20261128

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name.endswith("_rate") and not (isinstance(value, int | float) and 0 <= value <= 1):
                raise ValueError(f"fault setting {f.name} is a probability between 0 and 1, got {value!r}")
            if f.name.endswith(("_ms", "_s")) and not (isinstance(value, int | float) and value >= 0):
                raise ValueError(f"fault setting {f.name} must be a number >= 0, got {value!r}")
        if not 400 <= self.error_status <= 599:
            raise ValueError(
                f"fault setting error_status must be an HTTP error status (400-599), got {self.error_status}"
            )
        if isinstance(self.paths, str) or not all(isinstance(p, str) and p.startswith("/") for p in self.paths):
            raise ValueError(f"fault setting paths is a list of path prefixes such as '/soap', got {self.paths!r}")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> FaultConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown fault setting(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        kwargs = dict(values)
        if isinstance(kwargs.get("paths"), list | tuple):
            kwargs["paths"] = tuple(kwargs["paths"])
        return cls(**kwargs)

    @property
    def active(self) -> bool:
        return any(
            (
                self.latency_ms,
                self.latency_jitter_ms,
                self.error_rate,
                self.timeout_rate,
                self.timeout_after_rate,
                self.reset_rate,
                self.reset_after_rate,
                self.truncate_rate,
                self.malformed_rate,
            )
        )


@dataclasses.dataclass(kw_only=True)
class SandboxConfig:
    """What a sandbox factory receives."""

    faults: FaultConfig = dataclasses.field(default_factory=FaultConfig)
    seed: int = 20261128
    #: Where to push notifications (camt.054, ONE Record notifications, customs callbacks), if anywhere.
    callback_url: str | None = None
    options: Mapping[str, Any] = dataclasses.field(default_factory=dict)


class FaultInjection:
    """ASGI middleware that injects faults per :class:`FaultConfig`. Mutable at run time (``.config``)."""

    def __init__(self, app: ASGIApp, config: FaultConfig | None = None) -> None:
        self.app = app
        self.config = config or FaultConfig()
        self._rng = random.Random(self.config.seed)

    def reconfigure(self, config: FaultConfig) -> None:
        self.config = config
        self._rng = random.Random(config.seed)

    def _roll(self, rate: float) -> bool:
        return rate > 0 and self._rng.random() < rate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        cfg = self.config
        if scope["type"] != "http" or not cfg.active:
            await self.app(scope, receive, send)
            return
        if cfg.paths and not any(scope.get("path", "").startswith(p) for p in cfg.paths):
            await self.app(scope, receive, send)
            return
        delay = cfg.latency_ms + (self._rng.uniform(0, cfg.latency_jitter_ms) if cfg.latency_jitter_ms else 0)
        if delay:
            await asyncio.sleep(delay / 1000)
        if self._roll(cfg.reset_rate):
            await _drop_connection(send)
            return
        if self._roll(cfg.timeout_rate):
            await _hang(receive, send, cfg.timeout_s)
            return
        if self._roll(cfg.error_rate):
            body = b'{"error":"injected fault"}'
            await send(
                {
                    "type": "http.response.start",
                    "status": cfg.error_status,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", b"%d" % len(body)),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        timeout_after = self._roll(cfg.timeout_after_rate)
        reset_after = self._roll(cfg.reset_after_rate)
        truncate = self._roll(cfg.truncate_rate)
        malformed = self._roll(cfg.malformed_rate)
        if not (timeout_after or reset_after or truncate or malformed):
            await self.app(scope, receive, send)
            return
        # Run the real handler (the legacy system does the work), then spoil the reply.
        messages: list[Message] = []

        async def capture(message: Message) -> None:
            messages.append(message)

        await self.app(scope, receive, capture)
        if timeout_after:
            await _hang(receive, send, cfg.timeout_s)
            return
        if reset_after:
            await _drop_connection(send)
            return
        start = next((m for m in messages if m["type"] == "http.response.start"), None)
        if start is None:  # the handler answered nothing; let the server say so
            return
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
        if truncate and not body:  # nothing to cut short: lose the reply instead
            await _drop_connection(send)
            return
        if truncate:
            cut = body[: max(1, len(body) // 2)]
            await send(start)  # keeps the original content-length: the client sees a short read
            await send({"type": "http.response.body", "body": cut, "more_body": True})
            transport = _transport(send)
            if transport is not None:  # close now, so the server does not report an unfinished response
                await _close(transport, reset=False)
            return  # the server closes the transport: the response is incomplete
        spoiled = b"<<<not what you expected" + body[: len(body) // 3]
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", b"%d" % len(spoiled)))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": spoiled})


def _transport(send: Send) -> asyncio.Transport | None:
    """The connection behind an ASGI ``send``, when the server is uvicorn (its protocol's bound ``send``).

    ASGI has no way to reset a connection; sandboxes run on uvicorn (:func:`serve_sandbox`), whose per-request
    cycle keeps its transport, so the fault injector reaches for it and falls back to an unfinished reply.
    """
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    return transport if isinstance(transport, asyncio.Transport) else None


async def _close(transport: asyncio.Transport, *, reset: bool) -> None:
    if reset:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):  # linger 0: close() sends RST instead of FIN
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    else:
        transport.close()
    await asyncio.sleep(0)  # let the server see the connection is gone, so it does not answer 500 or log


async def _drop_connection(send: Send) -> None:
    """Reset the TCP connection (RST): the client sees a connection reset (httpx ``ReadError``).

    Without access to the socket, start a reply and stop mid-body: the client sees the peer hang up
    (httpx ``RemoteProtocolError``).
    """
    transport = _transport(send)
    if transport is not None:
        await _close(transport, reset=True)
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/octet-stream"), (b"content-length", b"4096")],
        }
    )
    await send({"type": "http.response.body", "body": b"\0", "more_body": True})


async def _hang(receive: Receive, send: Send, seconds: float) -> None:
    """Answer nothing for ``seconds`` (or until the client gives up and disconnects), then drop the connection."""

    async def client_left() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    try:
        await asyncio.wait_for(client_left(), seconds)
    except TimeoutError:
        await _drop_connection(send)


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _bound_socket(host: str) -> socket.socket:
    """A TCP socket bound to a free port on ``host`` (uvicorn listens on it)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    return sock


@dataclasses.dataclass
class SandboxServer:
    """A sandbox running on a loopback port (see :func:`serve_sandbox`)."""

    app: ASGIApp
    host: str
    port: int
    faults: FaultInjection

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


@contextlib.asynccontextmanager
async def serve_sandbox(
    factory: Callable[[SandboxConfig], ASGIApp],
    config: SandboxConfig | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
) -> AsyncIterator[SandboxServer]:
    """Run a sandbox with uvicorn in this event loop on a real socket; yields once it accepts connections."""
    import uvicorn

    config = config or SandboxConfig()
    faults = FaultInjection(factory(config), config.faults)
    sockets = None
    if not port:  # bind here and hand uvicorn the socket: no other process can take the port in between
        sockets = [_bound_socket(host)]
        port = int(sockets[0].getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(
            faults,
            host=host,
            port=port,
            log_level="warning",
            log_config=None,  # leave the host's logging alone: records propagate to its handlers
            lifespan="auto",
            access_log=False,
            timeout_graceful_shutdown=1,
        )
    )
    server.config.setup_event_loop = lambda: None  # type: ignore[method-assign]
    task = asyncio.create_task(server.serve(sockets=sockets))
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError(f"sandbox on {host}:{port} stopped during start-up")
            await asyncio.sleep(0.01)
        yield SandboxServer(app=faults, host=host, port=port, faults=faults)
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=5)
        for sock in sockets or ():
            sock.close()  # uvicorn closes it at shutdown, but not after a failed start-up
