"""The contract every Silkgraph adapter implements.

An adapter turns one legacy system into an Apollo Federation v2 subgraph::

    class PaymentsAdapter(Adapter):
        name = "payments"
        description = "ISO 20022 cross-border payment rail"

        def build_schema(self) -> strawberry.federation.Schema: ...
        @contextlib.asynccontextmanager
        async def lifespan(self) -> AsyncIterator[None]:   # create and close legacy clients
            async with httpx.AsyncClient(base_url=self.settings.url, timeout=...) as client:
                self.client = client
                yield
        async def health(self) -> Health: ...
        def request_state(self, request: RequestContext) -> Any: ...   # DataLoaders per request
        def sandboxes(self) -> Sequence[SandboxSpec]: ...

Built-in and partner adapters are found through the ``silkgraph.adapters`` entry-point group
(:mod:`gateway.sdk.registry`) and configured under ``[adapters.<name>]``.
"""

from __future__ import annotations

import abc
import contextlib
import dataclasses
import enum
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from gateway.sdk.context import RequestContext
from gateway.sdk.events import EventBus, MemoryEventBus

if TYPE_CHECKING:
    import strawberry.federation
    from starlette.types import ASGIApp

    from gateway.sdk.sandbox import SandboxConfig

__all__ = [
    "Adapter",
    "AdapterSettings",
    "Health",
    "HealthState",
    "SandboxSpec",
]


@dataclasses.dataclass(frozen=True, kw_only=True)
class AdapterSettings:
    """One ``[adapters.<name>]`` section, validated.

    ``url`` is the legacy system's base URL (a sandbox's URL in the demo). ``credentials`` holds values read
    from the environment variables the config names (never the values themselves in the file). ``options``
    carries adapter-specific keys, which the adapter validates in its constructor.
    """

    name: str
    enabled: bool = True
    url: str | None = None
    connect_timeout: float = 3.0
    read_timeout: float = 10.0
    total_timeout: float = 15.0
    credentials: Mapping[str, str] = dataclasses.field(default_factory=dict, repr=False)
    options: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def option(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default)


class HealthState(enum.Enum):
    UP = "up"
    DEGRADED = "degraded"
    DOWN = "down"


@dataclasses.dataclass(frozen=True, kw_only=True)
class Health:
    state: HealthState
    detail: str = ""
    #: e.g. breaker states per legacy source
    sources: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.state is not HealthState.DOWN


@dataclasses.dataclass(frozen=True, kw_only=True)
class SandboxSpec:
    """How to run one legacy system's sandbox: an ASGI app factory and the port it listens on by default.

    ``setting`` says where the demo writes the sandbox's URL in the adapter's settings: ``"url"`` (the
    adapter's main legacy URL) or the name of an option (e.g. ``"legacy_url"`` for a second system).
    """

    name: str
    factory: Callable[[SandboxConfig], ASGIApp]
    default_port: int
    setting: str = "url"
    #: path appended to the sandbox's root URL to form the setting's value
    base_path: str = ""
    description: str = ""


class Adapter(abc.ABC):
    """Base class of every adapter. Subclasses set ``name`` and implement :meth:`build_schema`."""

    #: Subgraph name: lower-case, unique, used in config and in the supergraph's ``join__Graph``.
    name: ClassVar[str]
    description: ClassVar[str] = ""

    def __init__(self, settings: AdapterSettings | None = None) -> None:
        self.settings = settings or AdapterSettings(name=self.name)
        self._schema: strawberry.federation.Schema | None = None
        #: where the adapter publishes what its legacy system reports (the runtime hands every adapter the
        #: gateway's bus: in-process, or Redis shared by replicas); subscription resolvers read from it
        self.events: EventBus = MemoryEventBus()

    # -- schema -------------------------------------------------------------------------------------------
    @abc.abstractmethod
    def build_schema(self) -> strawberry.federation.Schema:
        """Build the Federation v2 subgraph schema. Called once; the result is cached by :attr:`schema`."""

    @property
    def schema(self) -> strawberry.federation.Schema:
        if self._schema is None:
            self._schema = self.build_schema()
        return self._schema

    def sdl(self) -> str:
        """The subgraph SDL with federation directives (what ``{ _service { sdl } }`` returns)."""
        return str(self.schema.as_str())

    # -- lifecycle ----------------------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        """Create the legacy clients at start-up and close them at shutdown. Default: nothing to do."""
        yield

    async def health(self) -> Health:
        """Whether the legacy system answers. Default: up (an adapter with no remote system)."""
        return Health(state=HealthState.UP)

    def request_state(self, request: RequestContext) -> Any:
        """Per-request state handed to resolvers as ``info.context.state`` (e.g. DataLoaders)."""
        return None

    # -- sandbox ------------------------------------------------------------------------------------------
    def sandboxes(self) -> Sequence[SandboxSpec]:
        """The sandboxes that stand in for the legacy system(s) (``silkgraph sandbox NAME``). Default: none."""
        return ()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} url={self.settings.url!r}>"
