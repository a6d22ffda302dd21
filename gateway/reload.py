"""Hot reload of the supergraph: rebuild on config change or SIGHUP, check it, then swap it in atomically.

The gateway serves from a :class:`LiveRuntime`. Each build is a *generation*: its own
:class:`~gateway.runtime.Runtime` (adapter clients, httpx pool, composed or loaded supergraph) in its own exit
stack. A reload builds the next generation next to the one in service — composition runs, and remote
subgraphs are asked for their SDL, before anything changes — and only a generation that built cleanly replaces
the current one. The swap is one assignment between two awaits, so a request sees either the old graph or the
new one; requests already running hold a lease on their generation, which closes once the last of them ends.

A failed reload keeps the old generation serving and reports why: a log record, ``/readyz`` ``reload`` detail
and the ``silkgraph_supergraph_reloads_total{outcome="failed"}`` metric.

What triggers a reload: the modification time of a watched file changing (``silkgraph.toml`` and the
``--supergraph`` file, polled), ``SIGHUP``, or :meth:`LiveRuntime.reload`. Nothing here is shared between
processes, so any number of gateway replicas can run from one config and reload independently.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge

from gateway.config import Settings
from gateway.runtime import Runtime

__all__ = ["LiveRuntime", "ReloadOptions", "ReloadStatus"]

log = logging.getLogger("silkgraph.reload")

#: Builds one generation's runtime, entering everything with a lifetime into the given stack.
Builder = Callable[[Settings, contextlib.AsyncExitStack], Awaitable[Runtime]]


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReloadOptions:
    """Where settings come from on a reload, and what to watch."""

    #: re-reads the settings (config file + environment + command-line overrides)
    load_settings: Callable[[], Settings]
    #: extra files to watch besides the config's own ``gateway.supergraph`` file
    watch: Sequence[str | Path] = ()
    #: seconds between modification-time checks; 0 turns the watcher off
    interval: float = 1.0
    #: reload on SIGHUP (only possible in the main thread)
    sighup: bool = True


@dataclasses.dataclass
class ReloadStatus:
    generation: int = 0
    reloads: int = 0
    failures: int = 0
    last_error: str | None = None
    last_attempt: float | None = None
    supergraph: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "generation": self.generation,
            "reloads": self.reloads,
            "failures": self.failures,
            "lastError": self.last_error,
            "supergraph": self.supergraph,
        }


class _Generation:
    def __init__(self, number: int, runtime: Runtime, stack: contextlib.AsyncExitStack) -> None:
        self.number = number
        self.runtime = runtime
        self.stack = stack
        self.leases = 0
        self.retired = False
        self.drained = asyncio.Event()

    def release(self) -> None:
        self.leases -= 1
        if self.retired and self.leases == 0:
            self.drained.set()

    def retire(self) -> None:
        self.retired = True
        if self.leases == 0:
            self.drained.set()


class LiveRuntime:
    """The runtime in service; :meth:`lease` it per request, :meth:`reload` it at any time."""

    def __init__(
        self,
        settings: Settings,
        build: Builder,
        *,
        options: ReloadOptions | None = None,
        registry: CollectorRegistry | None = None,
        drain_timeout: float | None = None,
    ) -> None:
        self.settings = settings
        self._build = build
        self.options = options
        self.status = ReloadStatus()
        self._current: _Generation | None = None
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._retired: set[_Generation] = set()
        self._drain_timeout = drain_timeout if drain_timeout is not None else settings.gateway.subgraph_timeout + 5
        self._mtimes: dict[Path, float | None] = {}
        #: whether SIGHUP reloads this runtime (only from the main thread's event loop)
        self.sighup_installed = False
        registry = registry if registry is not None else CollectorRegistry()  # never the process-global one
        self._reloads = Counter(
            "silkgraph_supergraph_reloads", "Supergraph reload attempts", ["outcome"], registry=registry
        )
        self._failing = Gauge(
            "silkgraph_supergraph_reload_failing",
            "1 while the last reload attempt failed and an older supergraph is still serving",
            registry=registry,
        )

    # -- serving --------------------------------------------------------------------------------------------
    @property
    def current(self) -> Runtime:
        if self._current is None:
            raise RuntimeError("the gateway is not started")
        return self._current.runtime

    @contextlib.asynccontextmanager
    async def lease(self) -> AsyncIterator[Runtime]:
        """The current runtime, kept open until the block ends even if a reload replaces it meanwhile."""
        generation = self._current
        if generation is None:
            raise RuntimeError("the gateway is not started")
        generation.leases += 1
        try:
            yield generation.runtime
        finally:
            generation.release()

    # -- lifecycle ------------------------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[LiveRuntime]:
        """Build the first generation (errors propagate: a gateway that cannot start says so), then watch."""
        self._current = await self._generation(self.settings, 1)
        self._record_ok(self._current)
        self._mtimes = self._stat_all()
        watcher: asyncio.Task[None] | None = None
        if self.options is not None and self.options.interval > 0:
            watcher = asyncio.create_task(self._watch(self.options.interval), name="silkgraph-reload-watch")
        sighup = self.sighup_installed = self._install_sighup()
        try:
            yield self
        finally:
            if sighup:
                asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
                self.sighup_installed = False
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher
            async with self._lock:
                for task in list(self._tasks):
                    task.cancel()
                if self._tasks:
                    await asyncio.gather(*self._tasks, return_exceptions=True)
                for generation in list(self._retired):  # shutting down: do not wait for stragglers
                    self._retired.discard(generation)
                    await generation.stack.aclose()
                if self._current is not None:
                    await self._current.stack.aclose()
                    self._current = None

    async def reload(self, reason: str = "requested") -> bool:
        """Build and check a new generation; swap it in if it is good. Returns whether the swap happened."""
        async with self._lock:
            old = self._current
            if old is None:
                raise RuntimeError("the gateway is not started")
            self.status.last_attempt = time.time()
            try:
                settings = self.options.load_settings() if self.options is not None else self.settings
                new = await self._generation(settings, old.number + 1)
            except Exception as exc:  # any reason a generation cannot be built keeps the old one serving
                self.status.failures += 1
                self.status.last_error = f"{type(exc).__name__}: {exc}"
                self._reloads.labels("failed").inc()
                self._failing.set(1)
                log.error(
                    "supergraph reload failed; the previous supergraph keeps serving",
                    extra={"fields": {"reason": reason, "error": self.status.last_error, "generation": old.number}},
                )
                return False
            self.settings = settings
            self._current = new  # the swap: new requests lease `new` from here on
            old.retire()
            self._retired.add(old)
            self._record_ok(new)
            self.status.reloads += 1
            self._reloads.labels("ok").inc()
            self._failing.set(0)
            log.info(
                "supergraph reloaded",
                extra={
                    "fields": {
                        "reason": reason,
                        "generation": new.number,
                        "supergraph": self.status.supergraph,
                        "subgraphs": sorted(new.runtime.supergraph.subgraphs),
                    }
                },
            )
            task = asyncio.create_task(self._close_when_drained(old), name=f"silkgraph-retire-{old.number}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return True

    # -- internals ------------------------------------------------------------------------------------------
    async def _generation(self, settings: Settings, number: int) -> _Generation:
        stack = contextlib.AsyncExitStack()
        try:
            runtime = await self._build(settings, stack)
        except BaseException:
            await stack.aclose()
            raise
        return _Generation(number, runtime, stack)

    def _record_ok(self, generation: _Generation) -> None:
        self.status.generation = generation.number
        self.status.last_error = None
        self.status.supergraph = generation.runtime.supergraph.hash[:16]

    async def _close_when_drained(self, generation: _Generation) -> None:
        try:
            await asyncio.wait_for(generation.drained.wait(), self._drain_timeout)
        except TimeoutError:
            log.warning(
                "closing a replaced supergraph with requests still running on it",
                extra={"fields": {"generation": generation.number, "requests": generation.leases}},
            )
        self._retired.discard(generation)
        await generation.stack.aclose()

    def _watched(self) -> list[Path]:
        files = [Path(p) for p in (self.options.watch if self.options is not None else ())]
        if self.settings.gateway.supergraph:
            files.append(Path(self.settings.gateway.supergraph))
        if self.settings.source != "<defaults>":
            files.append(Path(self.settings.source))
        return list(dict.fromkeys(files))

    def _stat_all(self) -> dict[Path, float | None]:
        out: dict[Path, float | None] = {}
        for path in self._watched():
            try:
                out[path] = path.stat().st_mtime_ns
            except OSError:
                out[path] = None
        return out

    async def _watch(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            now = await asyncio.to_thread(self._stat_all)
            changed = sorted(str(p) for p, m in now.items() if self._mtimes.get(p, m) != m)
            self._mtimes = now
            if changed:
                await self.reload(f"changed: {', '.join(changed)}")
                self._mtimes = await asyncio.to_thread(self._stat_all)

    def _install_sighup(self) -> bool:
        if self.options is None or not self.options.sighup or not hasattr(signal, "SIGHUP"):
            return False
        loop = asyncio.get_running_loop()

        def on_hup() -> None:
            task = loop.create_task(self.reload("SIGHUP"), name="silkgraph-reload-sighup")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

        try:
            loop.add_signal_handler(signal.SIGHUP, on_hup)
        except (RuntimeError, ValueError, NotImplementedError):  # not the main thread, or no signal support
            return False
        return True
