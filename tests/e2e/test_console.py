"""The auditor console in a real headless browser (Debian's chromium driven by Playwright)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
import shutil
import struct
import zlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.reference import ReferenceAdapter
from adapters.vehicles import VehiclesAdapter
from gateway.app import create_app
from gateway.config import Settings, load_settings
from gateway.policy.devkeys import DevKey
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.sandbox import serve_sandbox
from gateway.sdk.testing import bearer, operator
from tests.e2e.npm import npm_install

REQUEST_ID = "support-ticket-4711"
#: who makes the recorded operations (console.mjs searches by this principal)
TRADER = "e2e-operator"
QUERY = '{ vehicle(vin: "LSVAM418XP2184847") { vin manufacturer } countries { code } }'

HERE = Path(__file__).parent / "console"

pytestmark = pytest.mark.slow


def _require(tool: str) -> str:
    path = shutil.which(tool) or (tool if Path(tool).exists() else None)
    if path is None:
        if os.environ.get("SILKGRAPH_REQUIRE_SERVICES"):
            pytest.fail(f"{tool} is required for the console browser test in CI")
        pytest.skip(f"{tool} is not installed: the console browser test needs it")
    return path


def _png_colours(png: bytes) -> tuple[int, int, int]:
    """Width, height and the number of distinct pixel values of an 8-bit RGB(A) PNG (stdlib only)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, b"", b""
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        data = png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = data
        elif kind == b"IDAT":
            chunks += data
        pos += 12 + length
    width, height, depth, colour_type = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour_type in (2, 6)
    channels = 4 if colour_type == 6 else 3
    raw = zlib.decompress(chunks)
    stride = width * channels + 1
    distinct = {
        raw[y * stride + 1 + x * channels : y * stride + 1 + (x + 1) * channels]
        for y in range(0, height, 3)
        for x in range(0, width, 3)
    }  # sampled; filters aside
    return width, height, len(distinct)


@pytest.mark.timeout(300)
async def test_an_auditor_searches_opens_a_waterfall_sees_lineage_verification_and_exports(tmp_path: Path) -> None:
    node = _require("node")
    _require("npm")
    _require("/usr/bin/chromium")
    await npm_install(HERE, "playwright-core")
    settings = load_settings(
        None,
        overrides={
            "audit.store": f"sqlite:///{tmp_path / 'audit.sqlite3'}",
            "audit.checkpoint_path": str(tmp_path / "checkpoints"),
            "audit.checkpoint_every": 2,
            "audit.signing_key": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            "auth.demo_key_file": str(tmp_path / "dev.pem"),
        },
    )
    key = DevKey.load_or_create(tmp_path / "dev.pem")
    auditor = key.token(subject="auditor-1", roles=["auditor"], scopes=["audit:read"])
    screenshot = tmp_path / "waterfall.png"
    async with vehicles_gateway(settings) as client:
        out, err, code = await _drive(client, auditor, screenshot, node, bearer(operator(TRADER), key))
    assert code == 0, err.decode()[-3000:]
    _check(json.loads(out.decode().strip().splitlines()[-1]), screenshot)


@contextlib.asynccontextmanager
async def vehicles_gateway(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway over the vehicles sandbox and the reference data, on a loopback socket; a client for it."""
    spec = VehiclesAdapter(AdapterSettings(name="vehicles")).sandboxes()[0]
    async with serve_sandbox(spec.factory) as legacy:
        vehicles = AdapterSettings(name="vehicles", url=legacy.url + spec.base_path)
        settings = dataclasses.replace(settings, adapters={"vehicles": vehicles})
        app = create_app(settings, adapters=[VehiclesAdapter(vehicles), ReferenceAdapter()])
        async with serve_sandbox(lambda _: app) as server, httpx.AsyncClient(base_url=server.url) as client:
            yield client


async def _drive(
    client: httpx.AsyncClient, auditor: str, screenshot: Path, node: str, caller: dict[str, str]
) -> tuple[bytes, bytes, int]:
    """Record three operations (made by ``caller``), then let the browser use the console; the script's output
    and exit code."""
    for _ in range(3):
        assert (await client.post("/graphql", json={"query": QUERY}, headers=caller)).status_code == 200
    for _ in range(100):  # a long result list: the opened record must still be in view
        assert (
            await client.post("/graphql", json={"query": "{ countries { code } }"}, headers=caller)
        ).status_code == 200
    quoted = await client.post("/graphql", json={"query": QUERY}, headers={**caller, "x-request-id": REQUEST_ID})
    assert quoted.headers["x-request-id"] == REQUEST_ID
    base = str(client.base_url).rstrip("/")
    proc = await asyncio.create_subprocess_exec(
        node,
        "console.mjs",
        base,
        auditor,
        str(screenshot),
        REQUEST_ID,
        cwd=HERE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    return out, err, proc.returncode or 0


def _check(seen: dict[str, Any], screenshot: Path) -> None:
    assert seen["status"].startswith("Log: ")
    assert seen["rows"] == 100  # the console asks for the newest 100
    assert seen["recordInView"] is True
    assert seen["byRequestId"] == 1
    fetch_bars = [b for b in seen["bars"] if not b["legacy"]]
    legacy_bars = [b for b in seen["bars"] if b["legacy"]]
    assert fetch_bars and all(b["width"] > 0 for b in seen["bars"])
    assert legacy_bars, seen["bars"]  # vehicles answered through a legacy call
    assert all(b["label"].startswith(("fetch", "legacy call")) for b in seen["bars"])  # accessible labels
    assert any("vehicles" in row for row in seen["lineage"])
    assert seen["verification"].startswith("Chain OK"), seen["verification"]
    exported = [json.loads(line) for line in seen["exported"].splitlines() if line.strip()]
    assert len(exported) == seen["byRequestId"] and all("seq" in r for r in exported)  # the current search
    width, height, colours = _png_colours(screenshot.read_bytes())
    assert width > 300 and height > 20
    assert colours >= 3  # background, fetch bars and legacy-call bars: the waterfall is drawn, not blank
