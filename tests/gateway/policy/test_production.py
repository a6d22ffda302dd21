"""An unsafe production configuration refuses to start, and the error names the key to set."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.cli import main
from gateway.config import load_settings
from gateway.errors import ConfigError
from gateway.sdk.testing import PRODUCTION_AUTH

PRODUCTION = {"gateway.mode": "production", **PRODUCTION_AUTH}


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"gateway.mode": "production"}, "auth.jwks_url"),
        ({**PRODUCTION, "subgraphs.partner.url": "https://partner.example/graphql"}, "auth.subgraph_secret"),
        ({**PRODUCTION, "gateway.supergraph": "schema/supergraph.graphql"}, "auth.subgraph_secret"),
        (
            {**PRODUCTION, "auth.subgraph_secret": "x" * 40, "subgraphs.partner.url": "http://partner.example/graphql"},
            "subgraphs.partner.url",
        ),
        ({**PRODUCTION, "gateway.cors.allow_origins": ["*"]}, "gateway.cors.allow_origins"),
        (
            {**PRODUCTION, "gateway.cors.allow_origins": ["*"], "gateway.cors.allow_credentials": True},
            "gateway.cors.allow_origins",
        ),
    ],
    ids=[
        "no-identity-provider",
        "remote-unsigned",
        "supergraph-unsigned",
        "plain-http-remote",
        "cors-star",
        "cors-star-credentials",
    ],
)
def test_unsafe_production_settings_are_refused_naming_the_key(overrides: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings(None, environ={}, overrides=overrides)
    assert refused.value.key == key


def test_the_subgraph_secret_comes_from_the_environment() -> None:
    overrides = {
        **PRODUCTION,
        "auth.subgraph_secret": {"env": "SUBGRAPH_SECRET"},
        "subgraphs.p.url": "https://p.example/g",
    }
    with pytest.raises(ConfigError) as missing:
        load_settings(None, environ={}, overrides=overrides)
    assert missing.value.key == "auth.subgraph_secret" and "SUBGRAPH_SECRET" in str(missing.value)
    settings = load_settings(None, environ={"SUBGRAPH_SECRET": "s" * 40}, overrides=overrides)
    assert settings.auth.subgraph_secret == "s" * 40 and "s" * 40 not in repr(settings)


def test_a_loopback_remote_may_use_plain_http_and_a_safe_config_starts() -> None:
    overrides = {**PRODUCTION, "auth.subgraph_secret": "x" * 40, "subgraphs.p.url": "http://127.0.0.1:4999/graphql"}
    assert load_settings(None, environ={}, overrides=overrides).gateway.production


def test_a_production_subgraph_refuses_to_serve_without_the_secret(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "silkgraph.toml"
    config.write_text(
        '[gateway]\nmode = "production"\n[auth]\njwks_url = "https://idp.invalid/jwks"\n'
        'issuer = "https://idp.invalid/"\naudience = "silkgraph"\n'
    )
    assert main(["subgraph", "reference", "--config", str(config), "--port", "0"]) != 0
    assert "auth.subgraph_secret" in capsys.readouterr().err
