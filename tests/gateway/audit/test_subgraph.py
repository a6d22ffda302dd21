"""The audit subgraph: auditors search and prove records; everyone else is refused."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import pytest

from gateway.audit.log import AuditLog
from gateway.audit.merkle import verify_inclusion
from gateway.audit.store import MemoryStore
from gateway.audit.subgraph import AuditSubgraph
from gateway.sdk.testing import execute, principal
from tests.gateway.audit.conftest import SIGNER, sample

AUDITOR = principal("ines", roles=["auditor"])


@pytest.fixture
async def subgraph() -> AsyncIterator[AuditSubgraph]:
    async with AuditLog(MemoryStore(), signer=SIGNER, checkpoint_every=1000) as log:
        for i in range(7):
            await log.append(
                sample(i, subject="bob" if i in (2, 5) else "alice", outcome="partial" if i == 5 else "ok")
            )
        await log.checkpoint()
        yield AuditSubgraph(log)


async def run(adapter: AuditSubgraph, query: str, who: Any = AUDITOR, **variables: Any) -> dict[str, Any]:
    result = await execute(adapter, query, variables, who=who)
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


async def test_only_auditors_see_the_trail(subgraph: AuditSubgraph) -> None:
    for who in (None, principal("bob", roles=["trader"], scopes=["audit:read"])):
        result = await execute(subgraph, "{ auditStatus { size } }", who=who)
        assert result.errors is not None
        assert result.errors[0].original_error is not None
        assert type(result.errors[0].original_error).__name__ == "Forbidden"


async def test_search_pages_newest_first(subgraph: AuditSubgraph) -> None:
    query = """query($before: Int) { auditRecords(subgraph: "cargo", first: 2, before: $before) {
        records { seq principal { subject } services legacyCalls { source fetch started } } nextBefore } }"""
    first = (await run(subgraph, query))["auditRecords"]
    assert [r["seq"] for r in first["records"]] == [5, 3]
    assert first["records"][0]["legacyCalls"][0]["started"] == "2026-11-18T11:06:40.250Z"
    second = (await run(subgraph, query, before=first["nextBefore"]))["auditRecords"]
    assert [r["seq"] for r in second["records"]] == [1]
    assert second["nextBefore"] is None
    partial = await run(subgraph, '{ auditRecords(subject: "bob", outcome: "partial") { records { seq } } }')
    assert partial["auditRecords"]["records"] == [{"seq": 5}]
    by_legacy = await run(subgraph, '{ auditRecords(legacySystem: "cargo-xml") { records { seq } } }')
    assert [r["seq"] for r in by_legacy["auditRecords"]["records"]] == [5, 3, 1]


async def test_search_by_request_id_and_a_bad_one_names_the_argument(subgraph: AuditSubgraph) -> None:
    await subgraph.log.append({**sample(7), "request_id": "ticket-7"})
    found = await run(subgraph, '{ auditRecords(requestId: "ticket-7") { records { seq requestId } } }')
    assert found["auditRecords"]["records"] == [{"seq": 7, "requestId": "ticket-7"}]
    bad = await execute(subgraph, '{ auditRecords(requestId: "") { records { seq } } }', who=AUDITOR)
    assert bad.errors is not None and bad.errors[0].extensions["field"] == "requestId"  # type: ignore[index]


async def test_one_record_and_its_inclusion_proof(subgraph: AuditSubgraph) -> None:
    data = await run(
        subgraph,
        """{ auditRecord(seq: 2) { seq traceId principal { subject } leafHash chainHash }
            auditStatus { size available checkpoint { size root } checkpointError verifierKey }
            auditInclusionProof(seq: 2) { seq size leafHash root path } }""",
    )
    assert data["auditRecord"]["principal"] == {"subject": "bob"}
    status, proof = data["auditStatus"], data["auditInclusionProof"]
    assert status["size"] == 7 and status["checkpoint"]["size"] == 7 and status["checkpointError"] is None
    assert status["verifierKey"] == SIGNER.verifier_key
    assert proof["root"] == status["checkpoint"]["root"]
    assert proof["leafHash"] == data["auditRecord"]["leafHash"]
    verify_inclusion(
        2,
        7,
        base64.b64decode(proof["leafHash"]),
        [base64.b64decode(p) for p in proof["path"]],
        base64.b64decode(proof["root"]),
    )


async def test_bad_proof_requests_are_user_errors(subgraph: AuditSubgraph) -> None:
    result = await execute(subgraph, "{ auditInclusionProof(seq: 9) { root } }", who=AUDITOR)
    assert result.errors is not None and "seq" in result.errors[0].message
    missing = await run(subgraph, "{ auditRecord(seq: 99) { seq } }")
    assert missing == {"auditRecord": None}
