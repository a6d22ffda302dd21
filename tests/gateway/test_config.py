"""Settings: defaults, the example file, environment overrides, secrets, and a named key for every mistake."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from gateway.config import LimitSettings, Settings, load_settings
from gateway.errors import ConfigError

#: the [auth] a production gateway needs (else it refuses to start: tests/gateway/policy/test_production.py)
IDP = '[auth]\njwks_url = "https://idp.invalid/jwks.json"\nissuer = "https://idp.invalid/"\naudience = "silkgraph"\n'
EXAMPLE = Path(__file__).resolve().parents[2] / "silkgraph.example.toml"
EXAMPLE_SECRETS = {
    name: f"secret-{name.lower()}"
    for name in re.findall(r'env = "([A-Z0-9_]+)"', EXAMPLE.read_text(encoding="utf-8").split("# A partner")[0])
}


def _load(tmp_path: Path, text: str, environ: dict[str, str] | None = None) -> Settings:
    path = tmp_path / "silkgraph.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path, environ=environ or {})


def _error(tmp_path: Path, text: str, environ: dict[str, str] | None = None) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, text, environ)
    return info.value


def test_defaults_need_no_file() -> None:
    settings = load_settings(environ={})
    assert settings.source == "<defaults>"
    assert (settings.gateway.host, settings.gateway.port, settings.gateway.mode) == ("127.0.0.1", 4000, "demo")
    assert settings.gateway.limits == LimitSettings()
    assert settings.gateway.introspection_enabled and settings.gateway.graphiql_enabled
    assert settings.audit.store == "sqlite:///var/audit.sqlite3"
    assert settings.adapters == {} and settings.subgraphs == {}


def test_production_mode_turns_introspection_and_graphiql_off_by_default(tmp_path: Path) -> None:
    settings = _load(tmp_path, '[gateway]\nmode = "production"\n' + IDP)
    assert settings.gateway.production
    assert not settings.gateway.introspection_enabled and not settings.gateway.graphiql_enabled
    settings = _load(tmp_path, '[gateway]\nmode = "production"\nintrospection = true\n' + IDP)
    assert settings.gateway.introspection_enabled


def test_the_example_file_loads_with_every_builtin_adapter(tmp_path: Path) -> None:
    settings = load_settings(EXAMPLE, environ=EXAMPLE_SECRETS)
    assert set(settings.adapters) == {"reference", "tax", "customs", "payments", "cargo", "barter", "vehicles"}
    ports = {name: a.url for name, a in settings.adapters.items()}
    assert ports == {
        "reference": None,
        "payments": "http://127.0.0.1:4101",
        "customs": "http://127.0.0.1:4102",
        "tax": "http://127.0.0.1:4103",
        "cargo": "http://127.0.0.1:4104",
        "barter": "http://127.0.0.1:4106",
        "vehicles": "http://127.0.0.1:4107",
    }
    assert settings.adapters["cargo"].option("legacy_url") == "http://127.0.0.1:4105"
    assert settings.adapters["customs"].credentials["password"] == "secret-silkgraph_customs_password"
    assert settings.audit.signing_key == "secret-silkgraph_audit_signing_key"
    assert settings.gateway.limits.max_aliases == 15
    assert settings.subgraphs == {}
    assert "secret" not in repr(settings)  # secrets stay out of logs


def test_the_example_partner_subgraph_works_when_uncommented(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    partner = text.split("# A partner")[1]
    uncommented = "\n".join(line[2:] for line in partner.splitlines()[1:] if line.startswith("# "))
    env = {**EXAMPLE_SECRETS, "SILKGRAPH_PARTNER_TOKEN": "Bearer t"}
    settings = _load(tmp_path, text + "\n" + uncommented, env)
    partner_settings = settings.subgraphs["partner"]
    assert partner_settings.url == "https://subgraph.partner.example/graphql"
    assert partner_settings.headers == {"Authorization": "Bearer t"}
    assert (partner_settings.connect_timeout, partner_settings.retry.attempts) == (2.0, 3)


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    env = {
        "SILKGRAPH_GATEWAY__PORT": "8080",
        "SILKGRAPH_GATEWAY__INCLUDE_SUBGRAPH_ERRORS": "true",
        "SILKGRAPH_GATEWAY__LIMITS__MAX_DEPTH": "12",
        "SILKGRAPH_ADAPTERS__PAYMENTS__URL": "http://rail:9000",
        "SILKGRAPH_ADAPTERS__PAYMENTS__READ_TIMEOUT": "2.5",
        "SILKGRAPH_ADAPTERS__PAYMENTS__TOTAL_TIMEOUT": "5",
        "SILKGRAPH_AUDIT__STORE": "memory",
        "SILKGRAPH_UNRELATED": "ignored: no section separator",
        "OTHER__THING": "ignored: not ours",
    }
    settings = _load(tmp_path, '[gateway]\nport = 4000\n[adapters.payments]\nurl = "http://127.0.0.1:4101"\n', env)
    assert settings.gateway.port == 8080
    assert settings.gateway.include_subgraph_errors is True
    assert settings.gateway.limits.max_depth == 12
    payments = settings.adapters["payments"]
    assert (payments.url, payments.read_timeout, payments.total_timeout) == ("http://rail:9000", 2.5, 5.0)
    assert settings.audit.store == "memory"


def test_environment_values_that_are_not_toml_scalars_stay_text() -> None:
    env = {"SILKGRAPH_GATEWAY__HOST": "2026-01-01", "SILKGRAPH_GATEWAY__LOG_LEVEL": "[debug]"}
    with pytest.raises(ConfigError, match=r"gateway\.log_level"):
        load_settings(environ=env)
    assert load_settings(environ={"SILKGRAPH_GATEWAY__HOST": "2026-01-01"}).gateway.host == "2026-01-01"


def test_environment_can_add_an_adapter_and_a_subgraph() -> None:
    env = {"SILKGRAPH_ADAPTERS__VEHICLES__URL": "http://v:1", "SILKGRAPH_SUBGRAPHS__PARTNER__URL": "https://p/graphql"}
    settings = load_settings(environ=env)
    assert settings.adapters["vehicles"].url == "http://v:1"
    assert settings.subgraphs["partner"].url == "https://p/graphql"


def test_overrides_argument_wins_over_environment() -> None:
    settings = load_settings(environ={"SILKGRAPH_GATEWAY__PORT": "8080"}, overrides={"gateway.port": 9090})
    assert settings.gateway.port == 9090


def test_secret_from_environment(tmp_path: Path) -> None:
    text = '[adapters.customs]\nurl = "http://c:1"\ncredentials = { password = { env = "CUSTOMS_PASSWORD" } }\n'
    settings = _load(tmp_path, text, {"CUSTOMS_PASSWORD": "s3cret"})
    assert settings.adapters["customs"].credentials == {"password": "s3cret"}
    assert "s3cret" not in repr(settings.adapters["customs"])


def test_missing_secret_names_the_key_and_the_variable(tmp_path: Path) -> None:
    text = '[adapters.customs]\nurl = "http://c:1"\ncredentials = { password = { env = "CUSTOMS_PASSWORD" } }\n'
    error = _error(tmp_path, text)
    assert error.key == "adapters.customs.credentials.password"
    assert "CUSTOMS_PASSWORD" in str(error)
    assert "adapters.customs.credentials.password" in str(error)


BAD_CONFIGS: list[tuple[str, str, str]] = [
    ("[gateway]\nprot = 4000\n", "gateway.prot", "unknown key"),
    ("colour = 1\n", "colour", "unknown key"),
    ("[gateway.limits]\nmax_deepth = 3\n", "gateway.limits.max_deepth", "unknown key"),
    ("[audit]\nstorage = 'memory'\n", "audit.storage", "unknown key"),
    ('[gateway]\nport = "4000"\n', "gateway.port", "expected an integer, got str"),
    ("[gateway]\nport = true\n", "gateway.port", "boolean"),
    ("[gateway]\nport = 70000\n", "gateway.port", "0-65535"),
    ("[gateway]\nport = -1\n", "gateway.port", "0-65535"),
    ('[gateway]\nmode = "prod"\n', "gateway.mode", "demo, production"),
    ('[gateway]\nlog_level = "loud"\n', "gateway.log_level", "debug, info"),
    ("[gateway]\nsubgraph_timeout = 0\n", "gateway.subgraph_timeout", "greater than 0"),
    ("[gateway.limits]\nmax_depth = 0\n", "gateway.limits.max_depth", "greater than 0"),
    ("[gateway.limits]\nmax_batch = -1\n", "gateway.limits.max_batch", "0 or more"),
    ("gateway = 3\n", "gateway", "must be a table"),
    ('[audit]\nstore = "mysql://x"\n', "audit.store", "sqlite"),
    ('[audit]\nsigning_key = { file = "k" }\n', "audit.signing_key", "env"),
    ('[adapters.payments]\nurl = "ftp://rail"\n', "adapters.payments.url", "http(s) URL"),
    ('[adapters.payments]\nurl = "http://"\n', "adapters.payments.url", "http(s) URL"),
    ('[adapters.payments]\nurl = "http://rail:99999"\n', "adapters.payments.url", "port"),
    ("[adapters.payments]\nread_timeout = 10\ntotal_timeout = 5\n", "adapters.payments.total_timeout", "read_timeout"),
    ("[adapters.payments]\nread_timeout = -1\n", "adapters.payments.read_timeout", "greater than 0"),
    ('[adapters.payments]\nenabled = "yes"\n', "adapters.payments.enabled", "boolean"),
    ("[adapters]\npayments = 1\n", "adapters.payments", "must be a table"),
    ("[adapters.Payments]\n", "adapters.Payments", "lower-case"),
    ("[adapters.barter]\nretry_attempts = 0\n", "adapters.barter.retry_attempts", "from 1 to 10"),
    ("[adapters.barter]\nretry_budget_percent = 150\n", "adapters.barter.retry_budget_percent", "at most 100"),
    ("[adapters.customs]\nretry_max_delay = 0\n", "adapters.customs.retry_max_delay", "more than 0"),
    ("[adapters.tax]\nretry_min_per_second = -1\n", "adapters.tax.retry_min_per_second", "at least 0"),
    ('[adapters.cargo]\nbreaker_failures = "5"\n', "adapters.cargo.breaker_failures", "whole number"),
    ("[subgraphs.partner]\ntimeout = 5\n", "subgraphs.partner.url", "required"),
    ('[subgraphs.partner]\nurl = "partner:4000"\n', "subgraphs.partner.url", "http(s) URL"),
    ('[subgraphs.partner]\nurl = "http://p"\nretries = 3\n', "subgraphs.partner.retries", "unknown key"),
    (
        '[subgraphs.partner]\nurl = "http://p"\nmax_response_bytes = 0\n',
        "subgraphs.partner.max_response_bytes",
        "greater than 0",
    ),
    ('[subgraphs.partner]\nurl = "http://p"\nheaders = { X = 1 }\n', "subgraphs.partner.headers.X", "secret"),
    ('[adapters.tax]\n[subgraphs.tax]\nurl = "http://t"\n', "subgraphs.tax", "already used"),
    ('[subgraphs.partner]\nurl = "http://p"\nretry_attempts = 0\n', "subgraphs.partner.retry_attempts", "from 1 to 10"),
    ('[subgraphs.partner]\nurl = "http://p"\nmax_concurrent = 0\n', "subgraphs.partner.max_concurrent", "1 to"),
    (
        '[subgraphs.partner]\nurl = "http://p"\ntimeout = 2\nconnect_timeout = 3\n',
        "subgraphs.partner.connect_timeout",
        "<= timeout",
    ),
]


@pytest.mark.parametrize(("text", "key", "reason"), BAD_CONFIGS)
def test_every_bad_config_names_the_dotted_key_and_the_reason(tmp_path: Path, text: str, key: str, reason: str) -> None:
    error = _error(tmp_path, text)
    assert error.key == key
    assert reason in error.reason
    assert str(error).startswith(f"config {key}: ")


def test_a_disabled_adapter_frees_its_name_for_a_subgraph(tmp_path: Path) -> None:
    settings = _load(tmp_path, '[adapters.tax]\nenabled = false\n[subgraphs.tax]\nurl = "http://t"\n')
    assert settings.enabled_adapters() == []
    assert settings.subgraphs["tax"].url == "http://t"


def test_a_remote_subgraph_takes_the_adapters_resilience_options(tmp_path: Path) -> None:
    settings = _load(
        tmp_path,
        '[subgraphs.partner]\nurl = "http://p"\ntimeout = 8\nconnect_timeout = 1.5\nbreaker_failures = 2\n'
        "max_concurrent = 4\nretry_attempts = 2\nretry_max_delay = 0.5\nretry_budget_percent = 0\n",
    )
    partner = settings.subgraphs["partner"]
    assert (partner.timeout, partner.connect_timeout) == (8.0, 1.5)
    assert (partner.guard.failure_threshold, partner.guard.max_concurrent, partner.guard.retry_percent) == (2, 4, 0.0)
    assert (partner.retry.attempts, partner.retry.max_delay) == (2, 0.5)
    defaults = _load(tmp_path, '[subgraphs.partner]\nurl = "http://p"\ntimeout = 3\n').subgraphs["partner"]
    assert (defaults.connect_timeout, defaults.guard.failure_threshold, defaults.retry.attempts) == (3.0, 5, 3)


def test_adapter_specific_keys_become_options(tmp_path: Path) -> None:
    settings = _load(tmp_path, '[adapters.cargo]\nlegacy_url = "http://x:1"\nbatch_size = 50\n')
    assert dict(settings.adapters["cargo"].options) == {"legacy_url": "http://x:1", "batch_size": 50}


@pytest.mark.parametrize(
    ("path_text", "key", "reason"),
    [(None, "--config", "does not exist"), ("port = = 1", "silkgraph.toml", "not valid TOML")],
)
def test_unreadable_files_are_config_errors(tmp_path: Path, path_text: str | None, key: str, reason: str) -> None:
    path = tmp_path / "silkgraph.toml"
    if path_text is not None:
        path.write_text(path_text, encoding="utf-8")
    with pytest.raises(ConfigError, match=reason) as info:
        load_settings(path, environ={})
    assert info.value.key.endswith(key)


@pytest.mark.parametrize(
    ("env", "key"),
    [
        ({"SILKGRAPH_GATEWAY__PORT": "http"}, "gateway.port"),
        ({"SILKGRAPH_GATEWAY": "x", "SILKGRAPH_GATEWAY__PORT__X": "1"}, "gateway.port.x"),
        ({"SILKGRAPH_GATEWAY____PORT": "1"}, "SILKGRAPH_GATEWAY____PORT"),
    ],
)
def test_bad_environment_overrides_name_the_key(env: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(environ={"SILKGRAPH_GATEWAY__PORT": "4000", **env})
    assert info.value.key == key


def test_the_request_deadline_cannot_be_shorter_than_one_subgraph_fetch(tmp_path: Path) -> None:
    err = _error(tmp_path, "[gateway]\nsubgraph_timeout = 30\nrequest_timeout = 10\n")
    assert err.key == "gateway.request_timeout"
    assert "subgraph_timeout" in str(err)
    settings = load_settings(None, overrides={"gateway.request_timeout": 45})
    assert settings.gateway.request_timeout == 45.0
