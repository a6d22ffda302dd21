"""What ``silkgraph demo`` sets up beside the gateway: where its sandboxes listen and where its audit log lives.

Sandbox ports derive from the gateway's ``--port`` (each sandbox keeps its offset: 4101-4107 beside port 4000,
5101-5107 beside port 5000; ephemeral beside port 0, or when the derived port is taken), so two demos on one
machine do not collide. The audit log
is the embedded SQLite store under ``var/`` with checkpoints signed by a demo key kept in ``var/`` too, so
``silkgraph audit verify|tail|prove`` work after the demo (a demo on another port than 4000 keeps its own log
under ``var/demo-PORT/``: two gateways must never append to one hash chain).
"""

from __future__ import annotations

import base64
import os
import secrets
import socket
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_PORT",
    "DEMO_AUDIT_KEY_FILE",
    "demo_audit_key",
    "demo_audit_overrides",
    "sandbox_port",
]

DEFAULT_PORT = 4000
#: the demo's audit signing key (a secret only on a developer's machine; production sets audit.signing_key)
DEMO_AUDIT_KEY_FILE = Path("var/demo-audit-signing-key")


#: the partner agency the banner's token acts for: it serves the companies of every example operation
def sandbox_port(default_port: int, gateway_port: int | None, host: str = "127.0.0.1") -> int:
    """The port of a sandbox beside a gateway on ``gateway_port``: its default offset, or 0 (ephemeral) when that
    is out of range or taken (a server that fails to bind ends its event loop, so the port is probed first)."""
    if not gateway_port:
        return 0
    port = gateway_port + (default_port - DEFAULT_PORT)
    return port if 0 < port <= 65535 and port != gateway_port and _bindable(host, port) else 0


def _bindable(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


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
