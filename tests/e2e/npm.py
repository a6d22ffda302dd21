"""The npm side of the client tests: each client folder (package.json) is installed once, on first use."""

from __future__ import annotations

import asyncio
from pathlib import Path

__all__ = ["npm_install"]


async def npm_install(folder: Path, marker: str) -> None:
    """``npm install`` in ``folder`` unless ``node_modules/<marker>`` is already there."""
    if (folder / "node_modules" / marker).exists():
        return
    proc = await asyncio.create_subprocess_exec(
        "npm",
        "install",
        "--no-audit",
        "--no-fund",
        "--silent",
        cwd=folder,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    assert proc.returncode == 0, out.decode()
