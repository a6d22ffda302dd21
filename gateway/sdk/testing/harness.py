"""Run an adapter against its own sandboxes on loopback ports, as the contract kit and adapter tests do."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator, Mapping
from typing import Any

from gateway.sdk.adapter import Adapter, AdapterSettings
from gateway.sdk.sandbox import FaultConfig, SandboxConfig, SandboxServer, serve_sandbox

__all__ = ["RunningAdapter", "running_adapter"]


@dataclasses.dataclass
class RunningAdapter:
    """An adapter whose lifespan is entered, wired to the sandboxes started for it."""

    adapter: Adapter
    sandboxes: dict[str, SandboxServer]

    def inject_faults(self, config: FaultConfig) -> None:
        """Make every sandbox misbehave as ``config`` says (e.g. ``FaultConfig(error_rate=1.0)``)."""
        for server in self.sandboxes.values():
            server.faults.reconfigure(config)


@contextlib.asynccontextmanager
async def running_adapter(
    adapter_class: type[Adapter],
    *,
    options: Mapping[str, Any] | None = None,
    sandbox_options: Mapping[str, Any] | None = None,
    read_timeout: float = 2.0,
    total_timeout: float = 5.0,
) -> AsyncIterator[RunningAdapter]:
    """Start each of the adapter's sandboxes on a free loopback port, point the settings at them, enter lifespan.

    A sandbox whose :class:`~gateway.sdk.adapter.SandboxSpec` ``setting`` is ``"url"`` becomes the adapter's
    ``url``; any other setting becomes the option of that name (with the spec's ``base_path`` appended).
    """
    probe = adapter_class(AdapterSettings(name=adapter_class.name, options=dict(options or {})))
    async with contextlib.AsyncExitStack() as stack:
        servers: dict[str, SandboxServer] = {}
        url: str | None = None
        wired: dict[str, Any] = dict(options or {})
        for spec in probe.sandboxes():
            server = await stack.enter_async_context(
                serve_sandbox(spec.factory, SandboxConfig(options=dict(sandbox_options or {})))
            )
            servers[spec.name] = server
            if spec.setting == "url":
                url = server.url + spec.base_path
            else:
                wired[spec.setting] = server.url + spec.base_path
        settings = AdapterSettings(
            name=adapter_class.name,
            url=url,
            read_timeout=read_timeout,
            total_timeout=max(total_timeout, read_timeout),
            options=wired,
        )
        adapter = adapter_class(settings)
        adapter.sdl()  # build the schema before any check runs (schema building is not an adapter call)
        await stack.enter_async_context(adapter.lifespan())
        yield RunningAdapter(adapter=adapter, sandboxes=servers)
