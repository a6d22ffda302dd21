"""Typed, checked reads from one TOML table (``_Section``) and the value checks every settings table shares."""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from typing import Any

from gateway.errors import ConfigError


class _Section:
    """Typed reads from one table, remembering which keys were used so unknown keys can be reported."""

    def __init__(self, prefix: str, table: Any) -> None:
        if not isinstance(table, dict):
            raise ConfigError(prefix, f"must be a table, got {type(table).__name__}")
        self.prefix = prefix
        self.table: dict[str, Any] = table
        self.used: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def get(self, name: str, kind: type | tuple[type, ...], default: Any) -> Any:
        self.used.add(name)
        if name not in self.table:
            return default
        value = self.table[name]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if float in kinds and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if isinstance(value, bool) and bool not in kinds:
            raise ConfigError(self.key(name), f"expected {_kind_names(kinds)}, got a boolean")
        if not isinstance(value, kinds):
            raise ConfigError(self.key(name), f"expected {_kind_names(kinds)}, got {type(value).__name__}")
        return value

    def positive(self, name: str, kind: type, default: Any) -> Any:
        value = self.get(name, kind, default)
        if value is not None and value <= 0:
            raise ConfigError(self.key(name), f"must be greater than 0, got {value}")
        return value

    def non_negative(self, name: str, kind: type, default: Any) -> Any:
        value = self.get(name, kind, default)
        if value is not None and value < 0:
            raise ConfigError(self.key(name), f"must be 0 or more, got {value}")
        return value

    def sub(self, name: str) -> _Section:
        self.used.add(name)
        return _Section(self.key(name), self.table.get(name, {}))

    def finish(self, allow_extra: bool = False) -> dict[str, Any]:
        extra = {k: v for k, v in self.table.items() if k not in self.used}
        if extra and not allow_extra:
            name = sorted(extra)[0]
            known = ", ".join(sorted(self.used))
            raise ConfigError(self.key(name), f"unknown key (known keys here: {known})")
        return extra


def _kind_names(kinds: tuple[type, ...]) -> str:
    names = {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "a boolean",
        dict: "a table",
        list: "an array",
    }
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _url(key: str, value: str) -> str:
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(key, f"must be an http(s) URL such as http://127.0.0.1:4101, got {value!r}")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number in range
    except ValueError as exc:
        raise ConfigError(key, f"has a bad port: {exc}") from None
    return value


def _secret(key: str, value: Any, env: Mapping[str, str]) -> str:
    """A secret written as ``{ env = "VAR" }`` (read from the environment) or, in demo configs, a literal."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and set(value) == {"env"} and isinstance(value["env"], str):
        var = value["env"]
        if var not in env:
            raise ConfigError(key, f"environment variable {var} is not set")
        return env[var]
    raise ConfigError(key, 'a secret is a string or { env = "VARIABLE" }')


def _strings(s: _Section, name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = s.get(name, list, list(default))
    if not all(isinstance(v, str) for v in value):
        raise ConfigError(s.key(name), "must be an array of strings")
    return tuple(value)


def _store(s: _Section, name: str) -> str:
    store: str = s.get(name, str, "memory")
    if store != "memory" and not store.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(s.key(name), f"must be 'memory' or a redis:// URL, got {store!r}")
    return store
