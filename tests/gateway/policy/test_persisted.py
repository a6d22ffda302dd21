"""Automatic persisted queries (memory and Redis) and the safelist."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gateway.errors import ConfigError, RequestError
from gateway.policy.persisted import (
    MemoryQueryStore,
    PersistedQueries,
    RedisQueryStore,
    build_manifest,
    load_manifest,
    sha256_hex,
)

QUERY = "{ shipments { awb } }"
OPERATIONS = Path(__file__).parent / "operations"  # operations on the test graph


def ext(digest: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


async def refusal(pq: PersistedQueries, query: str, extensions: dict[str, Any] | None) -> RequestError:
    with pytest.raises(RequestError) as caught:
        await pq.resolve(query, extensions)
    return caught.value


async def apq_round_trip(pq: PersistedQueries) -> None:
    digest = sha256_hex(QUERY)
    miss = await refusal(pq, "", ext(digest))
    assert miss.code == "PERSISTED_QUERY_NOT_FOUND" and miss.http_status == 200
    assert await pq.resolve(QUERY, ext(digest)) == QUERY  # registers
    assert await pq.resolve("", ext(digest)) == QUERY  # hash alone now runs
    wrong = await refusal(pq, "{ shipment(awb: 1) { awb } }", ext(digest))
    assert wrong.code == "PERSISTED_QUERY_HASH_MISMATCH"


async def test_apq_in_memory() -> None:
    await apq_round_trip(PersistedQueries(MemoryQueryStore()))


@pytest.mark.redis
async def test_apq_in_redis_is_shared_by_replicas(redis_client: Any) -> None:
    await apq_round_trip(PersistedQueries(RedisQueryStore(redis_client)))
    digest = sha256_hex(QUERY)
    other_replica = PersistedQueries(RedisQueryStore(redis_client))
    assert await other_replica.resolve("", ext(digest)) == QUERY
    assert 0 < await redis_client.ttl("silkgraph:apq:" + digest) <= 86_400


async def test_bad_extension_shapes_are_request_errors() -> None:
    pq = PersistedQueries(MemoryQueryStore())
    assert (await refusal(pq, QUERY, {"persistedQuery": "x"})).code == "BAD_REQUEST"
    version = {"persistedQuery": {"version": 2, "sha256Hash": "ab"}}
    assert (await refusal(pq, QUERY, version)).code == "PERSISTED_QUERY_VERSION_UNSUPPORTED"
    assert (await refusal(pq, QUERY, {"persistedQuery": {"version": 1}})).code == "BAD_REQUEST"
    off = PersistedQueries(None)
    assert (await refusal(off, "", ext("ab"))).code == "PERSISTED_QUERY_NOT_SUPPORTED"


def manifest_file(tmp_path: Path) -> Path:
    manifest = build_manifest({str(p): p.read_text() for p in OPERATIONS.glob("*.graphql")})
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    return path


def test_manifest_lists_each_operation_with_its_fragments() -> None:
    manifest = build_manifest({str(p): p.read_text() for p in OPERATIONS.glob("*.graphql")})
    assert manifest["format"] == "apollo-persisted-query-manifest" and manifest["version"] == 1
    by_name = {op["name"]: op for op in manifest["operations"]}
    assert set(by_name) >= {"Shipment", "Shipments", "Clearance"}
    assert "fragment ShipmentCore" in by_name["Shipment"]["body"]
    assert "fragment" not in by_name["Clearance"]["body"]
    assert all(op["id"] == sha256_hex(op["body"]) for op in manifest["operations"])


async def test_safelist_runs_only_listed_operations(tmp_path: Path) -> None:
    operations = load_manifest(manifest_file(tmp_path))
    listed = next(op for op in operations if op.name == "Clearance")
    pq = PersistedQueries(MemoryQueryStore(), safelist=operations, bypass_roles=frozenset({"partner"}))
    assert await pq.resolve("", ext(listed.id)) == listed.body
    assert await pq.resolve(listed.body, None) == listed.body  # the exact listed text is accepted too
    free_form = await refusal(pq, QUERY, None)
    assert free_form.code == "QUERY_NOT_IN_SAFELIST"
    unknown = await refusal(pq, QUERY, ext(sha256_hex(QUERY)))  # APQ registration is no way around the list
    assert unknown.code == "PERSISTED_QUERY_NOT_IN_LIST"
    assert await pq.resolve(QUERY, None, frozenset({"partner"})) == QUERY  # partners send free-form operations


def test_a_broken_manifest_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text('{"format": "something-else"}')
    with pytest.raises(ConfigError, match="manifest"):
        load_manifest(path)
    with pytest.raises(ConfigError, match="name"):
        build_manifest({"x.graphql": "{ a }"})
