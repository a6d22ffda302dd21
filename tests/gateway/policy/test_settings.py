"""[auth], [gateway.cors|cost|persisted_queries|rate_limit]: validated at start-up, wrong values named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gateway.cli import main
from gateway.config import load_settings
from gateway.errors import ConfigError
from gateway.policy.authn import StaticKeys, TokenVerifier
from gateway.policy.authz import load_policies
from gateway.policy.devkeys import DevKey


def settings(**overrides: Any) -> Any:
    return load_settings(None, environ={}, overrides=overrides)


def test_defaults_allow_anonymous_and_measure_cost() -> None:
    s = settings()
    assert s.auth.required is False and s.auth.jwks_url is None
    assert s.gateway.cost.mode == "measure" and not s.gateway.rate_limit.enabled
    assert s.gateway.persisted_queries.apq and not s.gateway.persisted_queries.safelist


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"auth.algorithms": ["none"]}, "auth.algorithms"),
        ({"auth.algorithms": ["HS256"]}, "auth.algorithms"),
        ({"auth.jwks_url": "ftp://idp"}, "auth.jwks_url"),
        ({"gateway.mode": "production", "auth.jwks_url": "http://idp/jwks"}, "auth.jwks_url"),
        ({"gateway.mode": "production", "auth.required": True}, "auth.jwks_url"),
        ({"gateway.mode": "production", "auth.jwks_url": "https://idp/jwks"}, "auth.issuer"),
        ({"auth.leeway": 3600}, "auth.leeway"),
        ({"auth.policies": {"p": "no-colon"}}, "auth.policies.p"),
        ({"auth.unknown": 1}, "auth.unknown"),
        ({"gateway.cost.mode": "strict"}, "gateway.cost.mode"),
        ({"gateway.persisted_queries.safelist": True}, "gateway.persisted_queries.manifest"),
        ({"gateway.persisted_queries.store": "memcached://x"}, "gateway.persisted_queries.store"),
        ({"gateway.rate_limit.per_principal": 0}, "gateway.rate_limit.per_principal"),
        ({"gateway.cors.allow_origins": ["*"], "gateway.cors.allow_credentials": True}, "gateway.cors.allow_origins"),
    ],
)
def test_wrong_security_settings_name_the_key(overrides: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        settings(**overrides)
    assert caught.value.key == key


def test_production_with_an_identity_provider() -> None:
    s = settings(
        **{
            "gateway.mode": "production",
            "auth.jwks_url": "https://idp.example/jwks",
            "auth.issuer": "https://idp.example",
            "auth.audience": "silkgraph",
            "auth.required": True,
        }
    )
    assert s.auth.required and s.auth.jwks_url == "https://idp.example/jwks"


def allow_auditors(principal: Any, coordinate: str) -> bool:
    return "auditor" in principal.roles


def test_policies_are_imported_from_config() -> None:
    policies = load_policies({"auditors": f"{__name__}:allow_auditors"})
    assert policies["auditors"].__name__ == "allow_auditors"
    with pytest.raises(ConfigError, match="cannot import"):
        load_policies({"x": "no.such.module:fn"})


async def test_token_command_prints_a_dev_token(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "silkgraph.toml"
    config.write_text(f'[auth]\ndemo_key_file = "{tmp_path / "dev.pem"}"\n')
    code = main(["token", "--config", str(config), "--role", "partner", "--agency", "AG-3", "--scope", "a:b c:d"])
    assert code == 0
    token = capsys.readouterr().out.strip()
    key = DevKey.load_or_create(tmp_path / "dev.pem")
    principal = await TokenVerifier(StaticKeys(key.jwks()), issuer="silkgraph-demo", audience="silkgraph").verify(token)
    assert principal.agency == "AG-3" and principal.scopes == {"a:b", "c:d"} and principal.roles == {"partner"}


def test_token_command_refuses_production(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "silkgraph.toml"
    config.write_text('[gateway]\nmode = "production"\n')
    assert main(["token", "--config", str(config), "--role", "x"]) == 1
    assert "production" in capsys.readouterr().err


def test_manifest_command_writes_the_apollo_format(tmp_path: Path) -> None:
    out = tmp_path / "manifest.json"
    assert main(["manifest", "--out", str(out)]) == 0  # the platform's example operations
    manifest = json.loads(out.read_text())
    assert manifest["format"] == "apollo-persisted-query-manifest"
    assert {op["name"] for op in manifest["operations"]} >= {"CompanyDossier", "SubmitDeclaration"}
