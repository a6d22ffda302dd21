"""The GraphQL-over-HTTP conformance audits of the `graphql-http` package, run against the live gateway."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest

from tests.e2e.npm import npm_install
from tests.gateway.test_http import running

AUDIT_DIR = Path(__file__).parent / "audit"

pytestmark = pytest.mark.slow


def _node_or_skip() -> str:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        if os.environ.get("SILKGRAPH_REQUIRE_SERVICES"):
            pytest.fail("node and npm are required for the GraphQL-over-HTTP audit in CI")
        pytest.skip("node/npm not installed: the graphql-http audit needs them")
    return node


async def _run(*cmd: str, cwd: Path) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        *cmd, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    out, _ = await proc.communicate()
    return proc.returncode or 0, out.decode()


@pytest.mark.timeout(300)
async def test_graphql_http_audit_passes_without_warnings() -> None:
    node = _node_or_skip()
    await npm_install(AUDIT_DIR, "graphql-http")
    async with running() as client:
        url = str(client.base_url).rstrip("/") + "/graphql"
        code, out = await _run(node, "audit.mjs", url, cwd=AUDIT_DIR)
    assert code == 0, out
    assert "0 warnings, 0 errors" in out, out
