"""Finding adapters: the ``silkgraph.adapters`` entry-point group.

A partner package registers its adapter class in its own ``pyproject.toml``::

    [project.entry-points."silkgraph.adapters"]
    customs_kz = "kz_customs.adapter:KazakhCustomsAdapter"

and configures it under ``[adapters.customs_kz]``; nothing in Silkgraph changes.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

from gateway.errors import ConfigError
from gateway.sdk.adapter import Adapter, AdapterSettings

__all__ = ["ENTRY_POINT_GROUP", "available_adapters", "load_adapter_class", "make_adapter"]

ENTRY_POINT_GROUP = "silkgraph.adapters"


def _entry_points() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def available_adapters() -> list[str]:
    """Names of every installed adapter, sorted."""
    return sorted(_entry_points())


def load_adapter_class(name: str) -> type[Adapter]:
    eps = _entry_points()
    if name not in eps:
        known = ", ".join(sorted(eps)) or "none"
        raise ConfigError(
            f"adapters.{name}",
            f"no installed adapter is called {name!r} (installed: {known}); a partner adapter registers "
            f"itself in the {ENTRY_POINT_GROUP!r} entry-point group",
        )
    try:
        cls = eps[name].load()
    except Exception as exc:  # an adapter package that fails to import: say which and why
        raise ConfigError(f"adapters.{name}", f"cannot import {eps[name].value}: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, Adapter)):
        raise ConfigError(f"adapters.{name}", f"{eps[name].value} is not a gateway.sdk.Adapter subclass")
    if cls.name != name:
        raise ConfigError(f"adapters.{name}", f"{eps[name].value} calls itself {cls.name!r}, not {name!r}")
    return cls


def make_adapter(settings: AdapterSettings) -> Adapter:
    """Instantiate the adapter a config section names."""
    return load_adapter_class(settings.name)(settings)
