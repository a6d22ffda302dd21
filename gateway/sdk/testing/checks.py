"""The adapter contract, one check per rule. Each raises :class:`ContractViolation` saying what to fix.

The checks run against a live adapter (see :mod:`gateway.sdk.testing.harness`); the pytest face of them is
:class:`gateway.sdk.testing.plugin.AdapterContract`.
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from gateway.errors import CompositionError
from gateway.policy.scopes import PLATFORM_READ_ALL
from gateway.sdk.adapter import Adapter, HealthState
from gateway.sdk.sandbox import SandboxServer
from gateway.sdk.testing.calls import entities, error_codes, execute, principal
from gateway.sdk.testing.samples import Probe, TenancySample, selection_for

__all__ = [
    "ContractViolation",
    "check_composes",
    "check_entities_round_trip",
    "check_error_code",
    "check_health",
    "check_sandboxes_on_loopback",
    "check_tenancy",
    "platform_subgraph_sdls",
]

#: the kit reads as a platform operator (the platform grant): tenancy has its own check with agency principals
KIT = principal("contract-kit", roles=["operator"], scopes=[PLATFORM_READ_ALL])


class ContractViolation(AssertionError):
    """The adapter breaks a rule of the Silkgraph adapter contract."""


def platform_subgraph_sdls(exclude: str = "", directory: Path | None = None) -> dict[str, str]:
    """The platform's subgraph SDLs: the checked-in ``schema/subgraphs/*.graphql`` next to the gateway package
    when present (a source checkout), else the SDLs of the installed built-in adapters."""
    import gateway

    folder = directory or Path(gateway.__file__).resolve().parent.parent / "schema" / "subgraphs"
    if folder.is_dir():
        return {f.stem: f.read_text(encoding="utf-8") for f in sorted(folder.glob("*.graphql")) if f.stem != exclude}
    from gateway.sdk.registry import available_adapters, load_adapter_class

    sdls: dict[str, str] = {}
    for name in available_adapters():
        cls = load_adapter_class(name)
        if name != exclude and cls.__module__.startswith("adapters."):
            sdls[name] = cls().sdl()
    return sdls


def check_composes(adapter: Adapter, platform: Mapping[str, str]) -> str:
    """The adapter's subgraph composes with the platform's subgraphs; returns the supergraph SDL."""
    from gateway.federation.compose import SubgraphSource, compose

    sources = [SubgraphSource(name=n, url=f"http://{n}.invalid/graphql", sdl=s) for n, s in platform.items()]
    sources.append(SubgraphSource(name=adapter.name, url=f"http://{adapter.name}.invalid/graphql", sdl=adapter.sdl()))
    try:
        return compose(sources)
    except CompositionError as exc:
        raise ContractViolation(
            f"subgraph {adapter.name!r} does not compose with the platform ({', '.join(sorted(platform))}): {exc}; "
            "see docs/subgraph-conventions.md for who owns which type and field"
        ) from None


_TYPE_WITH_KEYS = re.compile(r"^(?:type|interface) (\w+)((?:\s*@\w+(?:\([^)]*\))?)*)\s*\{", re.MULTILINE)


def resolvable_entity_types(sdl: str) -> set[str]:
    """Types with at least one ``@key`` that is not ``resolvable: false`` (the ones ``_entities`` must resolve)."""
    found: set[str] = set()
    for match in _TYPE_WITH_KEYS.finditer(sdl):
        keys = re.findall(r"@key\(([^)]*)\)", match.group(2))
        if any("resolvable: false" not in k for k in keys):
            found.add(match.group(1))
    return found


async def check_entities_round_trip(adapter: Adapter, samples: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
    """Every resolvable entity type has samples, and ``_entities`` returns each sample with the same key."""
    missing = sorted(resolvable_entity_types(adapter.sdl()) - set(samples))
    if missing:
        raise ContractViolation(
            f"adapter {adapter.name!r} resolves entity type(s) {', '.join(missing)} but declares no sample keys for "
            "them: add them to sample_keys (a key of a record in the sandbox's seed)"
        )
    for typename, keys in samples.items():
        if not keys:
            raise ContractViolation(f"sample_keys[{typename!r}] is empty: give at least one key from the seed")
        representations = [{"__typename": typename, **key} for key in keys]
        result = await entities(
            adapter, representations, f"__typename ... on {typename} {{ {selection_for(keys[0])} }}", who=KIT
        )
        if result.errors:
            raise ContractViolation(
                f"_entities for {typename} failed: {[e.message for e in result.errors]} (codes {error_codes(result)})"
            )
        found = (result.data or {}).get("_entities") or []
        if len(found) != len(keys):
            raise ContractViolation(f"_entities for {typename} returned {len(found)} items for {len(keys)} keys")
        for key, item in zip(keys, found, strict=True):
            if item is None:
                raise ContractViolation(f"_entities resolved {typename} {dict(key)} to null; is it in the seed?")
            if item.get("__typename") != typename or any(item.get(k) != v for k, v in key.items()):
                raise ContractViolation(f"_entities for {typename} {dict(key)} came back as {item}: keys must match")


async def check_error_code(adapter: Adapter, probe: Probe, expected: str | tuple[str, ...]) -> list[str]:
    """Running ``probe`` fails with an error whose code is (or starts with) ``expected``; returns the codes."""
    who = principal("contract-kit", agency=probe.agency) if probe.agency else KIT
    result = await execute(adapter, probe.query, probe.variables, who=who)
    codes = error_codes(result, adapter.name)
    wanted = (expected,) if isinstance(expected, str) else expected
    if not codes or not all(c.startswith(wanted) for c in codes):
        raise ContractViolation(
            f"{probe.query.strip()!r} should fail with {' or '.join(wanted)}*, got codes {codes or 'none'} "
            f"(messages {[e.message for e in result.errors or ()]}); raise gateway.errors classes from the adapter"
        )
    return codes


def _has_data(item: Mapping[str, Any] | None, key: Mapping[str, Any]) -> bool:
    if item is None:
        return False
    rest = [v for k, v in item.items() if k not in key]
    return not rest or any(v not in (None, [], {}) for v in rest)


async def check_tenancy(adapter: Adapter, sample: TenancySample) -> None:
    """Agency ``visible_to`` reads the record; agency ``hidden_from`` gets null (or an empty extension)."""
    selection = f"... on {sample.typename} {{ {selection_for(sample.key)} {sample.selection} }}"
    reps = [{"__typename": sample.typename, **sample.key}]
    seen: dict[str, Any] = {}
    for agency in (sample.visible_to, sample.hidden_from):
        result = await entities(adapter, reps, selection, who=principal("contract-kit", agency=agency))
        seen[agency] = ((result.data or {}).get("_entities") or [None])[0]
    if not _has_data(seen[sample.visible_to], sample.key):
        raise ContractViolation(
            f"agency {sample.visible_to!r} cannot see its own {sample.typename} {dict(sample.key)} "
            f"(got {seen[sample.visible_to]}); is the record listed under that agency in the seed?"
        )
    hidden = seen[sample.hidden_from]
    if hidden is not None and (not sample.selection or _has_data(hidden, sample.key)):
        raise ContractViolation(
            f"agency {sample.hidden_from!r} can see {sample.typename} {dict(sample.key)} ({hidden}), which is not "
            "theirs: send info.context.agency to the legacy system as X-Agency-Id and return null (or nothing) "
            "for the records it hides"
        )


def check_sandboxes_on_loopback(adapter: Adapter, sandboxes: Iterable[SandboxServer]) -> None:
    servers = list(sandboxes)
    if len(servers) != len(adapter.sandboxes()):
        raise ContractViolation(f"expected {len(adapter.sandboxes())} sandboxes running, found {len(servers)}")
    for server in servers:
        host = urllib.parse.urlsplit(server.url).hostname or ""
        if not ipaddress.ip_address(host).is_loopback:
            raise ContractViolation(f"sandbox at {server.url} is not on a loopback address")


async def check_health(adapter: Adapter) -> None:
    health = await adapter.health()
    if health.state is not HealthState.UP:
        raise ContractViolation(
            f"adapter {adapter.name!r} reports {health.state.value} ({health.detail}) against its own sandbox"
        )
