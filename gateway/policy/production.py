"""Production refuses to start on an unsafe configuration; each refusal names the key to set.

Called once when settings load in production mode (``gateway.mode = "production"``):

* ``auth.jwks_url`` — a production gateway needs an identity provider (with ``issuer`` and ``audience``,
  checked where ``[auth]`` is read). Without one nobody could sign in, and the demo keys are never used there.
* ``auth.subgraph_secret`` — remote subgraphs (``[subgraphs.*]``, or every subgraph of ``gateway.supergraph``)
  accept the caller's principal only when the gateway signs it (gateway.policy.signed_principal).
* ``subgraphs.<name>.url`` — the signed principal and the data travel over https, except on loopback.
* ``gateway.cors.allow_origins`` — ``"*"`` with credentials is refused in every mode where ``[gateway.cors]`` is
  read; production also refuses ``"*"`` outright: name the front-ends that may call the graph.

``silkgraph subgraph NAME`` in production refuses to start without ``auth.subgraph_secret`` (gateway.cli).
"""

from __future__ import annotations

import urllib.parse
from typing import TYPE_CHECKING

from gateway.errors import ConfigError

if TYPE_CHECKING:
    from gateway.config import Settings

__all__ = ["refuse_unsafe"]

_LOOPBACK = ("127.0.0.1", "::1", "localhost")


def refuse_unsafe(settings: Settings) -> None:
    auth = settings.auth
    if auth.jwks_url is None:
        raise ConfigError(
            "auth.jwks_url",
            "is required in production: set it (with auth.issuer and auth.audience) to your identity provider's "
            "JWKS; demo keys are never trusted in production",
        )
    remote = bool(settings.subgraphs) or settings.gateway.supergraph is not None
    if remote and auth.subgraph_secret is None:
        raise ConfigError(
            "auth.subgraph_secret",
            'is required in production with remote subgraphs: set it to { env = "SILKGRAPH_SUBGRAPH_SECRET" } '
            "(the same secret the subgraphs verify; openssl rand -base64 32)",
        )
    for name, sub in settings.subgraphs.items():
        parts = urllib.parse.urlsplit(sub.url)
        if parts.scheme != "https" and parts.hostname not in _LOOPBACK:
            raise ConfigError(f"subgraphs.{name}.url", f"must use https:// in production, got {sub.url!r}")
    if "*" in settings.gateway.cors.allow_origins:
        raise ConfigError(
            "gateway.cors.allow_origins", "'*' is refused in production: list the origins of your front-ends"
        )
