"""Security end to end: the app on a loopback socket with tokens, limits, APQ, rate limits, CORS and masking."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from gateway.policy.devkeys import DevKey
from gateway.policy.persisted import build_manifest
from tests.gateway.policy.app import running
from tests.services import redis_url

AWB = "999-12345675"
SHIPMENT = f'{{ shipment(awb: "{AWB}") {{ awb weight }} }}'


def bearer(tmp_path: Path, **claims: object) -> dict[str, str]:
    token = DevKey.load_or_create(tmp_path / "dev.pem").token(**claims)  # type: ignore[arg-type]
    return {"authorization": f"Bearer {token}"}


async def test_demo_token_unlocks_authenticated_fields_and_agency_reaches_adapters(tmp_path: Path) -> None:
    async with running(tmp_path) as gw:
        jwks = (await gw.client.get("/.well-known/jwks.json")).json()
        assert jwks["keys"][0]["kty"] == "OKP" and "d" not in jwks["keys"][0]
        anonymous = await gw.post({"query": SHIPMENT})
        assert anonymous.status_code == 200
        assert anonymous.json()["data"] == {"shipment": {"awb": AWB, "weight": None}}
        assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        signed = await gw.post({"query": SHIPMENT}, **bearer(tmp_path, roles=["partner"], agency="AG-1"))
        assert signed.json() == {"data": {"shipment": {"awb": AWB, "weight": 1840.5}}}
        principal = gw.spies["cargo"].contexts[-1].principal
        assert principal.agency == "AG-1" and principal.roles == {"partner"}


async def test_required_auth_answers_401_without_a_valid_token(tmp_path: Path) -> None:
    async with running(tmp_path, **{"auth.required": True}) as gw:
        missing = await gw.post({"query": SHIPMENT})
        assert missing.status_code == 401
        assert missing.headers["www-authenticate"].startswith("Bearer")
        assert missing.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        expired = await gw.post({"query": SHIPMENT}, **bearer(tmp_path, ttl=-120))
        assert expired.status_code == 401 and "expired" in expired.json()["errors"][0]["message"]
        garbage = await gw.post({"query": SHIPMENT}, authorization="Bearer abc.def.ghi")
        assert garbage.status_code == 401
        assert gw.spies["cargo"].contexts == []
        ok = await gw.post({"query": SHIPMENT}, **bearer(tmp_path))
        assert ok.status_code == 200 and ok.json()["data"]["shipment"]["weight"] == 1840.5


async def test_production_hides_introspection_suggestions_and_demo_keys(tmp_path: Path) -> None:
    async with running(tmp_path, "production") as gw:
        assert (await gw.client.get("/.well-known/jwks.json")).status_code == 404
        intro = await gw.post({"query": "{ __schema { types { name } } }"})
        assert intro.status_code == 400 and "introspection" in intro.text.lower()
        typo = await gw.post({"query": f'{{ shipment(awb: "{AWB}") {{ awbb }} }}'})
        assert typo.status_code == 400 and "Did you mean" not in typo.text
        assert "strict-transport-security" in typo.headers
    async with running(tmp_path, "demo") as gw:
        typo = await gw.post({"query": f'{{ shipment(awb: "{AWB}") {{ awbb }} }}'})
        assert "Did you mean" in typo.text


async def test_limits_answer_400_naming_the_limit(tmp_path: Path) -> None:
    async with running(tmp_path, **{"gateway.limits.max_aliases": 3, "gateway.limits.max_document_chars": 500}) as gw:
        aliases = await gw.post({"query": "{ " + " ".join(f"a{i}: __typename" for i in range(4)) + " }"})
        assert aliases.status_code == 400
        assert aliases.json()["errors"][0]["extensions"] == {"code": "MAX_ALIASES_LIMIT", "limit": 3}
        big = await gw.post({"query": "{ __typename }" + " " * 600})
        assert big.status_code == 400
        assert big.json()["errors"][0]["extensions"] == {"code": "DOCUMENT_TOO_LARGE", "limit": 500}


async def test_cost_enforced_over_http(tmp_path: Path) -> None:
    overrides = {"gateway.cost.mode": "enforce", "gateway.cost.max_cost": 5, "gateway.cost.list_size": 10}
    async with running(tmp_path, **overrides) as gw:
        r = await gw.post({"query": "{ shipments { awb } }"}, **bearer(tmp_path, scopes=["audit:read"]))
        assert r.status_code == 400
        assert r.json()["errors"][0]["extensions"]["code"] == "COST_ESTIMATED_TOO_EXPENSIVE"
        assert gw.spies["cargo"].contexts == []


async def test_automatic_persisted_queries_over_http(tmp_path: Path) -> None:
    digest = hashlib.sha256(SHIPMENT.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    async with running(tmp_path) as gw:
        miss = await gw.post({"extensions": extensions})
        assert miss.status_code == 200
        assert miss.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
        register = await gw.post({"query": SHIPMENT, "extensions": extensions})
        assert register.json()["data"]["shipment"]["awb"] == AWB
        hit = await gw.post({"extensions": extensions})
        assert hit.json()["data"]["shipment"]["awb"] == AWB
        params = {"extensions": json.dumps(extensions)}
        get = await gw.client.get("/graphql", params=params, headers={"apollo-require-preflight": "1"})
        assert get.json()["data"]["shipment"]["awb"] == AWB


async def test_production_safelist_runs_only_manifest_operations(tmp_path: Path) -> None:
    operations = Path(__file__).parent / "operations"  # operations on the test graph
    manifest = build_manifest({p.name: p.read_text() for p in operations.glob("*.graphql")})
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    clearance = next(op for op in manifest["operations"] if op["name"] == "Clearance")
    overrides = {"gateway.persisted_queries.safelist": True, "gateway.persisted_queries.manifest": str(path)}
    async with running(tmp_path, "production", **overrides) as gw:
        listed = await gw.post(
            {
                "extensions": {"persistedQuery": {"version": 1, "sha256Hash": clearance["id"]}},
                "variables": {"awb": AWB},
            }
        )
        assert listed.json() == {"data": {"shipment": {"awb": AWB, "cleared": True}}}
        free = await gw.post({"query": SHIPMENT})
        assert free.status_code == 400
        assert free.json()["errors"][0]["extensions"]["code"] == "QUERY_NOT_IN_SAFELIST"
        assert len(gw.spies["cargo"].contexts) == 1


async def test_rate_limit_answers_429_with_retry_after(tmp_path: Path) -> None:
    overrides = {"gateway.rate_limit.enabled": True, "gateway.rate_limit.per_principal": 2}
    async with running(tmp_path, **overrides) as gw:
        statuses = [(await gw.post({"query": "{ __typename }"})).status_code for _ in range(2)]
        limited = await gw.post({"query": "{ __typename }"})
        assert statuses == [200, 200] and limited.status_code == 429
        assert int(limited.headers["retry-after"]) >= 1
        assert limited.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        other_caller = await gw.post({"query": "{ __typename }"}, **bearer(tmp_path, subject="bob"))
        assert other_caller.status_code == 200


@pytest.mark.redis
async def test_replicas_share_rate_limits_and_persisted_queries_through_redis(
    tmp_path: Path, redis_client: Any
) -> None:
    url = redis_url("a Redis server the two replicas share")
    overrides = {
        "gateway.rate_limit.enabled": True,
        "gateway.rate_limit.per_principal": 3,
        "gateway.rate_limit.store": url,
        "gateway.persisted_queries.store": url,
        # exact counts: a loaded CI machine must not turn a slow Redis answer into a fail-open timeout
        "stores.redis_timeout": 2.0,
    }
    digest = hashlib.sha256(SHIPMENT.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    async with running(tmp_path, **overrides) as a, running(tmp_path, **overrides) as b:
        assert (await a.post({"query": SHIPMENT, "extensions": extensions})).status_code == 200
        hit = await b.post({"extensions": extensions})
        assert hit.json()["data"]["shipment"]["awb"] == AWB
        assert (await a.post({"query": "{ __typename }"})).status_code == 200
        limited = await b.post({"query": "{ __typename }"})
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1


async def test_cors_allows_only_configured_origins(tmp_path: Path) -> None:
    overrides = {"gateway.cors.allow_origins": ["https://trade.example"]}
    async with running(tmp_path, **overrides) as gw:
        preflight = {"access-control-request-method": "POST", "access-control-request-headers": "content-type"}
        allowed = await gw.client.options("/graphql", headers={"origin": "https://trade.example", **preflight})
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://trade.example"
        denied = await gw.client.options("/graphql", headers={"origin": "https://evil.example", **preflight})
        assert "access-control-allow-origin" not in denied.headers


async def test_security_headers_on_every_response(tmp_path: Path) -> None:
    async with running(tmp_path) as gw:
        r = await gw.post({"query": "{ __typename }"})
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["cache-control"] == "no-store"
        assert "default-src 'none'" in r.headers["content-security-policy"]


@pytest.mark.parametrize("mode", ["demo", "production"])
async def test_internal_exception_text_never_reaches_the_client(tmp_path: Path, mode: str) -> None:
    async with running(tmp_path, mode) as gw:
        gw.graph.cargo.fail_with = RuntimeError("connection to db.internal:5432 failed password=hunter2")
        r = await gw.post({"query": SHIPMENT}, **bearer(tmp_path) if mode == "demo" else {})
        assert r.status_code == 200
        body = r.text
        assert "hunter2" not in body and "db.internal" not in body and "Traceback" not in body
        assert r.json()["data"] == {"shipment": None}


async def test_batching_is_off_unless_enabled_and_then_capped(tmp_path: Path) -> None:
    one = {"query": "{ __typename }"}
    async with running(tmp_path) as gw:
        off = await gw.post([one, one])
        assert off.status_code == 400 and off.json()["errors"][0]["extensions"]["code"] == "BATCHING_NOT_ENABLED"
    async with running(tmp_path, **{"gateway.limits.max_batch": 5}) as gw:
        ok = await gw.post([one, one])
        assert ok.status_code == 200 and len(ok.json()) == 2
        over = await gw.post([one] * 6)
        assert over.status_code == 400 and over.json()["errors"][0]["extensions"]["code"] == "BATCH_LIMIT_EXCEEDED"


def test_suggestions_are_cut_from_variable_error_messages() -> None:
    from gateway.federation.engine import _SUGGESTION

    assert _SUGGESTION.sub("", "Value 'AIRR' does not exist in 'Mode' enum. Did you mean the enum value 'AIR'?") == (
        "Value 'AIRR' does not exist in 'Mode' enum."
    )
