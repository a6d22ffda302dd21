"""A gateway process for the crash test: serves the legacy test graph with a SQLite audit log until killed.

python -m tests.gateway.audit.crash_server DB_PATH PORT
"""

from __future__ import annotations

import asyncio
import sys

from gateway.config import load_settings
from tests.gateway.audit.legacy_graph import gateway


async def main(db: str, port: int) -> None:
    settings = load_settings(
        None,
        overrides={
            "audit.store": f"sqlite:///{db}",
            "audit.checkpoint_path": db + ".cps",
            "audit.spool_path": db + ".spool",
        },
    )
    async with gateway(settings, port=port):
        print("ready", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
