"""What ``silkgraph demo`` sets up beside the gateway: where its sandboxes listen and where its audit log lives.

Sandbox ports derive from the gateway's ``--port`` (each sandbox keeps its offset: 4101-4107 beside port 4000,
5101-5107 beside port 5000; ephemeral beside port 0), so two demos on one machine do not collide. The audit log
is the embedded SQLite store under ``var/`` with checkpoints signed by a demo key kept in ``var/`` too, so
``silkgraph audit verify|tail|prove`` work after the demo (a demo on another port than 4000 keeps its own log
under ``var/demo-PORT/``: two gateways must never append to one hash chain).
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_PORT", "DEMO_AUDIT_KEY_FILE", "demo_audit_key", "demo_audit_overrides", "sandbox_port"]

DEFAULT_PORT = 4000
#: the demo's audit signing key (a secret only on a developer's machine; production sets audit.signing_key)
DEMO_AUDIT_KEY_FILE = Path("var/demo-audit-signing-key")


def sandbox_port(default_port: int, gateway_port: int | None) -> int:
    """The port of a sandbox beside a gateway on ``gateway_port``: its default offset, or 0 (ephemeral)."""
    if not gateway_port:
        return 0
    port = gateway_port + (default_port - DEFAULT_PORT)
    return port if 0 < port <= 65535 and port != gateway_port else 0


def demo_audit_key(path: Path = DEMO_AUDIT_KEY_FILE) -> str:
    """The demo's checkpoint signing key (base64 seed): read from ``path``, created (mode 0600) on first use."""
    if path.is_file():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    seed = base64.b64encode(secrets.token_bytes(32)).decode()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(seed + "\n")
    return seed


def demo_audit_overrides(gateway_port: int, var: Path = Path("var")) -> dict[str, Any]:
    """Settings overrides for the demo's audit log: SQLite under ``var/``, checkpoints signed by the demo key."""
    folder = var if gateway_port == DEFAULT_PORT else var / f"demo-{gateway_port}"
    return {
        "audit.store": f"sqlite:///{folder / 'audit.sqlite3'}",
        "audit.checkpoint_path": str(folder / "checkpoints"),
        "audit.spool_path": str(folder / "audit-spool"),
        "audit.signing_key": demo_audit_key(var / DEMO_AUDIT_KEY_FILE.name),
    }
