"""GraphiQL in a real headless browser (Debian's chromium, Playwright): served by the gateway alone, the schema
loads by the standard introspection query under default limits and the docs pane works."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from pathlib import Path

import pytest

from gateway.config import load_settings
from tests.e2e.npm import npm_install
from tests.e2e.test_console import HERE, _png_colours, _require, vehicles_gateway

pytestmark = pytest.mark.slow


@pytest.mark.timeout(300)
async def test_graphiql_loads_the_schema_from_the_gateway_alone_and_shows_the_docs(tmp_path: Path) -> None:
    node = _require("node")
    _require("npm")
    _require("/usr/bin/chromium")
    await npm_install(HERE, "playwright-core")
    settings = load_settings(None, overrides={"audit.store": "memory", "auth.demo_key_file": str(tmp_path / "dev.pem")})
    screenshot = tmp_path / "graphiql.png"
    async with vehicles_gateway(settings) as client:
        base = str(client.base_url).rstrip("/")
        proc = await asyncio.create_subprocess_exec(
            node,
            "graphiql.mjs",
            base,
            str(screenshot),
            cwd=HERE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()[-3000:]
    seen = json.loads(out.decode().strip().splitlines()[-1])
    origin = urllib.parse.urlsplit(base).netloc
    assert seen["requested"] and {urllib.parse.urlsplit(u).netloc for u in seen["requested"]} == {origin}
    assert seen["schemaError"] == 0
    assert "countries" in seen["docs"]  # the Query type's fields, from the introspected schema
    assert seen["tabs"] >= 2  # the welcome tab and the example operations
    assert '"countries"' in seen["result"]
    width, height, colours = _png_colours(screenshot.read_bytes())
    assert width >= 1000 and height >= 600 and colours >= 3
