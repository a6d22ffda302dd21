"""Real clients from npm against the running gateway: Apollo Client as a front end uses it, and GraphQL Code
Generator pointed at the gateway's URL.

``tests/e2e/apollo/apollo.mjs`` (``@apollo/client`` pinned in its package.json) runs queries, a mutation,
automatic persisted queries over POST and GET, keeps partial data with ``errorPolicy: 'all'`` while customs is
down, and normalises the cache from ``__typename`` + ``id`` with no ``typePolicies``. The token is a demo token
carrying every scope the schema asks for, for a partner agency (``qingdao-broker``).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from gateway.policy.devkeys import DevKey
from tests.e2e.live import Platform, running_platform
from tests.e2e.npm import npm_install
from tests.e2e.test_codegen import CODEGEN_DIR, _node_or_skip
from tests.e2e.test_codegen import _run as _run_codegen

APOLLO_DIR = Path(__file__).parent / "apollo"
SUPERGRAPH = Path(__file__).resolve().parents[2] / "schema" / "supergraph.graphql"
HAIXIN = "Company:CN:91370281MA3C5R7B0C"

pytestmark = pytest.mark.slow


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def customs_down() -> AsyncIterator[Platform]:
    async with running_platform(unreachable=("customs",)) as running:
        yield running


def _token(platform: Platform) -> str:
    """A partner's demo token with every scope the schema's @requiresScopes names (whatever they are called)."""
    scopes = sorted(
        set(
            re.findall(
                r'"([a-z_]+:[a-z_]+)"', " ".join(re.findall(r"@requiresScopes\([^)]*\)", SUPERGRAPH.read_text()))
            )
        )
    )
    keys = DevKey.load_or_create(platform.runtime.settings.auth.demo_key_file)
    return keys.token(subject="apollo-e2e", roles=["partner", "frontend"], scopes=scopes, agency="qingdao-broker")


@pytest.mark.timeout(300)
@pytest.mark.asyncio(loop_scope="module")
async def test_apollo_client_queries_mutates_persists_and_keeps_partial_data(customs_down: Platform) -> None:
    _node_or_skip()
    await npm_install(APOLLO_DIR, "@apollo/client")
    url = f"{str(customs_down.client.base_url).rstrip('/')}/graphql"
    proc = await asyncio.create_subprocess_exec(
        "node",
        "apollo.mjs",
        url,
        _token(customs_down),
        cwd=APOLLO_DIR,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()[-3000:]
    seen: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])

    # partial data: the company and its name are there, declarations null with customs' error at their path
    partial = seen["partial"]
    assert partial["data"]["company"]["id"] == HAIXIN and partial["data"]["company"]["name"]
    assert partial["data"]["company"]["declarations"] is None
    assert {"path": ["company", "declarations"], "code": "UPSTREAM_UNAVAILABLE"} in partial["errors"]
    assert seen["none"]["threw"] is True  # the default errorPolicy drops the data: why docs say 'all'

    # one Company object in the cache, reached from two queries, keyed by __typename + id alone
    normalised = seen["normalised"]
    assert normalised["companyKey"] == f"Company:{HAIXIN}"
    assert normalised["companyEntry"]["name"] == partial["data"]["company"]["name"]
    assert normalised["edges"] >= 2 and normalised["vehicleKeys"] == normalised["edges"]
    assert HAIXIN in normalised["exporterRefs"]
    assert len(normalised["companyKeys"]) == len(set(normalised["companyKeys"]))
    assert set(normalised["pageInfo"]) >= {"hasNextPage", "endCursor", "__typename"}

    # a mutation's answer updates the cached contract by its id: DRAFT → SIGNED without a refetch
    mutation = seen["mutation"]
    assert mutation.get("error") is None, mutation
    assert (mutation["proposed"], mutation["before"], mutation["signed"], mutation["cached"]) == (
        "DRAFT",
        "DRAFT",
        "SIGNED",
        "SIGNED",
    )
    assert seen["emptyId"] == [{"code": "BAD_USER_INPUT", "field": "contractId"}]

    # APQ: hash only, refused as unknown, resent with the document, then hash only again
    post = seen["apqPost"]["requests"]
    assert [(r["method"], r["hasQuery"]) for r in post] == [("POST", False), ("POST", True), ("POST", False)]
    assert len({r["hash"] for r in post}) == 1 and post[0]["hash"]
    get = seen["apqGet"]["requests"]
    assert [(r["method"], r["hasQuery"]) for r in get] == [("GET", False), ("GET", False)]  # known by now
    assert seen["apqPost"]["names"] == seen["apqGet"]["names"] == [partial["data"]["company"]["name"]] * 2


@pytest.mark.timeout(300)
@pytest.mark.asyncio(loop_scope="module")
async def test_codegen_generates_from_the_gateways_url(customs_down: Platform, tmp_path: Path) -> None:
    """GraphQL Code Generator (graphql-js 16, pinned) introspects the live gateway and types every example."""
    _node_or_skip()
    await npm_install(CODEGEN_DIR, ".bin/graphql-codegen")
    generated = tmp_path / "from-url.ts"
    env = {
        "CODEGEN_OUT": str(generated),
        "CODEGEN_SCHEMA_URL": f"{str(customs_down.client.base_url).rstrip('/')}/graphql",
        "CODEGEN_TOKEN": _token(customs_down),
        "NODE_OPTIONS": os.environ.get("NODE_OPTIONS", ""),
    }
    code, out = await _run_codegen(
        str(CODEGEN_DIR / "node_modules" / ".bin" / "graphql-codegen"), "--config", "codegen-url.cjs", env=env
    )
    assert code == 0, out
    text = generated.read_text(encoding="utf-8")
    assert "export type CompanyDossierQuery = " in text
    assert "id: string" in text  # the entities' ids, typed
