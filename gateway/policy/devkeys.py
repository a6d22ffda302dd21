"""Demo-mode signing keys: an Ed25519 key kept in a file under ``var/``, its JWKS, and dev tokens.

Only the demo gateway uses these (it serves the public half at ``/.well-known/jwks.json`` and trusts it); the
``silkgraph token`` command signs with the same file, so tokens it prints work against a running demo. A
production gateway takes its keys from the identity provider's JWKS URL and never reads this file.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

__all__ = ["DEMO_AUDIENCE", "DEMO_ISSUER", "DevKey"]

DEMO_ISSUER = "silkgraph-demo"
DEMO_AUDIENCE = "silkgraph"


class DevKey:
    """One Ed25519 signing key with a stable key id."""

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self.private = private
        raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.kid = "dev-" + hashlib.sha256(raw).hexdigest()[:16]

    @classmethod
    def generate(cls) -> DevKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def load_or_create(cls, path: str | os.PathLike[str]) -> DevKey:
        """Read the key file, creating it (mode 0600) on first use."""
        file = Path(path)
        if file.is_file():
            key = serialization.load_pem_private_key(file.read_bytes(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError(f"{file} does not hold an Ed25519 private key")
            return cls(key)
        dev = cls.generate()
        file.parent.mkdir(parents=True, exist_ok=True)
        pem = dev.private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
        return dev

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(self.private.public_key()))
        return {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "EdDSA"}]}

    def token(
        self,
        *,
        subject: str = "dev-user",
        roles: Iterable[str] = (),
        agency: str | None = None,
        scopes: Iterable[str] = (),
        ttl: int = 3600,
        issuer: str = DEMO_ISSUER,
        audience: str = DEMO_AUDIENCE,
        agency_claim: str = "agency",
        roles_claim: str = "roles",
        now: float | None = None,
        **extra: Any,
    ) -> str:
        issued = int(time.time() if now is None else now)
        claims: dict[str, Any] = {
            "sub": subject,
            "iss": issuer,
            "aud": audience,
            "iat": issued,
            "nbf": issued,
            "exp": issued + ttl,
            "jti": uuid.uuid4().hex,
            roles_claim: sorted(roles),
            "scope": " ".join(sorted(scopes)),
            **extra,
        }
        if agency:
            claims[agency_claim] = agency
        return jwt.encode(claims, self.private, algorithm="EdDSA", headers={"kid": self.kid})
