"""The gateway with live cargo (the Cargo-XML airline's own milestone clock) on loopback, for subscription tests."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from gateway.app import create_app
from gateway.cli import _start_sandboxes
from gateway.config import load_settings
from gateway.policy.devkeys import DevKey
from gateway.sdk.registry import make_adapter
from gateway.sdk.sandbox import SandboxConfig, serve_sandbox

__all__ = ["LiveGateway", "live_gateway"]


@dataclasses.dataclass(frozen=True)
class LiveGateway:
    url: str
    app: Any
    key: DevKey

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/graphql"

    def token(self, agency: str | None = "qingdao-broker", scopes: Sequence[str] = ("cargo:read",), **kw: Any) -> str:
        return self.key.token(subject="trader", roles=("partner",), agency=agency, scopes=scopes, **kw)

    def adapter(self, name: str) -> Any:
        return self.app.state.runtime.adapters[name]


@contextlib.asynccontextmanager
async def live_gateway(
    tmp_path: Path,
    *,
    names: Sequence[str] = ("cargo", "customs"),
    milestone_seconds: float = 0.0,
    poll_seconds: float = 0.0,
    adapter_options: Mapping[str, Mapping[str, Any]] | None = None,
    **overrides: Any,
) -> AsyncIterator[LiveGateway]:
    async with contextlib.AsyncExitStack() as stack:
        adapter_settings = await stack.enter_async_context(
            _start_sandboxes(
                list(names),
                quiet=True,
                config=SandboxConfig(),
                gateway_port=None,
                sandbox_options={"cargo-xml": {"milestone_seconds": milestone_seconds}},
            )
        )
        for name, extra in (adapter_options or {}).items():
            own = adapter_settings[name]
            adapter_settings[name] = dataclasses.replace(own, options={**own.options, **extra})
        if "cargo" in adapter_settings:
            cargo = adapter_settings["cargo"]
            adapter_settings["cargo"] = dataclasses.replace(
                cargo, options={**cargo.options, "poll_seconds": poll_seconds}
            )
        settings = load_settings(
            None,
            overrides={
                "gateway.mode": "demo",
                "auth.demo_key_file": str(tmp_path / "dev.pem"),
                "audit.store": "memory",
                "audit.checkpoint_path": str(tmp_path / "checkpoints"),
                **overrides,
            },
        )
        settings = dataclasses.replace(settings, adapters=adapter_settings)
        app = create_app(settings, adapters=[make_adapter(s) for s in adapter_settings.values()])
        server = await stack.enter_async_context(serve_sandbox(lambda _: app))
        yield LiveGateway(url=server.url, app=app, key=DevKey.load_or_create(str(tmp_path / "dev.pem")))
