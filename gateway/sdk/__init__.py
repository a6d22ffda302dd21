"""What an adapter author imports: the Adapter contract, request context, sandbox kit and shared scalars."""

from gateway.sdk.adapter import Adapter, AdapterSettings, Health, HealthState, SandboxSpec
from gateway.sdk.context import ANONYMOUS, Principal, RequestContext, SubgraphContext, current_request
from gateway.sdk.registry import available_adapters, load_adapter_class, make_adapter
from gateway.sdk.sandbox import FaultConfig, FaultInjection, SandboxConfig, SandboxServer, serve_sandbox
from gateway.sdk.schema import FEDERATION_VERSION, federation_schema

__all__ = [
    "ANONYMOUS",
    "FEDERATION_VERSION",
    "Adapter",
    "AdapterSettings",
    "FaultConfig",
    "FaultInjection",
    "Health",
    "HealthState",
    "Principal",
    "RequestContext",
    "SandboxConfig",
    "SandboxServer",
    "SandboxSpec",
    "SubgraphContext",
    "available_adapters",
    "current_request",
    "federation_schema",
    "load_adapter_class",
    "make_adapter",
    "serve_sandbox",
]
