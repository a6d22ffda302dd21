"""The npm side of the client tests: each client folder (package.json) is installed once, on first use.

Parallel test workers may need the same folder at once (the browser tests share ``console/``): a file lock per
folder makes one of them install while the others wait, then find the install complete.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
from collections.abc import AsyncIterator
from pathlib import Path

__all__ = ["npm_install"]


async def npm_install(folder: Path, marker: str, *, ci: bool = False) -> None:
    """``npm install`` (``npm ci`` with ``ci``: exactly the lock file) in ``folder`` unless
    ``node_modules/<marker>`` is already there."""
    # the check sits inside the lock too: while another worker installs, the marker may exist before the rest does
    async with _locked(folder / "node_modules.lock"):
        if (folder / "node_modules" / marker).exists():
            return
        proc = await asyncio.create_subprocess_exec(
            "npm",
            "ci" if ci else "install",
            "--no-audit",
            "--no-fund",
            "--silent",
            cwd=folder,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await proc.communicate()
        assert proc.returncode == 0, out.decode()


@contextlib.asynccontextmanager
async def _locked(path: Path) -> AsyncIterator[None]:
    """An exclusive lock on ``path`` across processes, waited for in a thread (the event loop stays free)."""
    with path.open("a") as handle:
        await asyncio.to_thread(fcntl.flock, handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
