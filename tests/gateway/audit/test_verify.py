"""Every kind of tampering is caught, at the right seq; a wholesale rewrite only by an external checkpoint."""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
from pathlib import Path

import pytest
import rfc8785

from gateway.audit.merkle import leaf_hash
from gateway.audit.store import GENESIS, chain_hash
from gateway.cli import main
from tests.gateway.audit.conftest import SIGNER, Attacker, seed, verify

COUNT = 10


@pytest.fixture
def log(tmp_path: Path) -> tuple[Path, Path, str]:
    """A 10-record SQLite log, its published checkpoints, and a copy of the latest one an auditor holds."""
    db, cps = tmp_path / "audit.sqlite3", tmp_path / "checkpoints"
    asyncio.run(seed(db, COUNT, cps))
    held = (cps / "latest").read_text()
    return db, cps, held


def test_an_untouched_log_verifies(log: tuple[Path, Path, str]) -> None:
    db, cps, held = log
    report = verify(db, published=cps, external=(held,))
    assert report.ok, report.problems
    assert report.size == COUNT
    assert report.checkpoints >= 3  # stored + published + external
    assert held.split("\n")[1] == str(COUNT)


def test_an_edited_record_is_caught_at_its_seq(log: tuple[Path, Path, str]) -> None:
    db, cps, _ = log
    attacker = Attacker(db)
    body = json.loads(next(r for r in attacker.rows() if r[0] == 3)[10])
    body["principal"]["subject"] = "mallory"
    attacker.conn.execute("UPDATE audit_event SET body_jcs = ? WHERE seq = 3", (rfc8785.dumps(body),))
    attacker.close()
    report = verify(db, published=cps)
    assert report.first_bad == 3
    assert {p.kind for p in report.problems if p.seq == 3} >= {"leaf", "columns"}
    assert any(p.kind == "checkpoint" for p in report.problems)


def test_an_edited_search_column_is_caught(log: tuple[Path, Path, str]) -> None:
    db, _, _ = log
    attacker = Attacker(db)
    attacker.conn.execute("UPDATE audit_event SET subject = 'bob' WHERE seq = 5")
    attacker.close()
    report = verify(db)
    assert [(p.kind, p.seq) for p in report.problems] == [("columns", 5)]


def test_a_deleted_record_is_a_gap(log: tuple[Path, Path, str]) -> None:
    db, _, _ = log
    attacker = Attacker(db)
    attacker.conn.execute("DELETE FROM audit_event WHERE seq = 4")
    attacker.close()
    report = verify(db)
    assert report.first_bad == 4
    assert report.problems[0].kind == "gap"


def test_reordered_records_break_the_chain(log: tuple[Path, Path, str]) -> None:
    db, _, _ = log
    attacker = Attacker(db)
    rows = {r[0]: r for r in attacker.rows()}
    for seq, other in ((6, 7), (7, 6)):
        attacker.conn.execute(
            "UPDATE audit_event SET body_jcs = ?, leaf_hash = ?, chain_hash = ?, subject = ?, trace_id = ?, "
            "operation_name = ?, services = ?, legacy_sources = ?, ts_utc = ? WHERE seq = ?",
            (*[rows[other][i] for i in (10, 11, 12, 3, 2, 6, 8, 9, 1)], seq),
        )
    attacker.close()
    report = verify(db)
    assert report.first_bad == 6
    assert {p.kind for p in report.problems if p.kind != "checkpoint"} == {"chain"}
    assert any(p.kind == "checkpoint" and p.seq == 6 for p in report.problems)  # the stored checkpoints disagree too


def test_an_inserted_record_is_caught_after_the_insertion(log: tuple[Path, Path, str]) -> None:
    db, _, _ = log
    attacker = Attacker(db)
    rows = list(attacker.rows())
    for r in reversed(rows[5:]):
        attacker.conn.execute("UPDATE audit_event SET seq = seq + 1 WHERE seq = ?", (r[0],))
    forged = rfc8785.dumps({"v": 1, "forged": True})
    leaf = leaf_hash(forged)
    chain = chain_hash(bytes(rows[4][12]), leaf)  # a well-formed link from the record before it
    attacker.conn.execute(
        "INSERT INTO audit_event VALUES (5, '', '', '', NULL, NULL, NULL, '', '', '', ?, ?, ?)", (forged, leaf, chain)
    )
    attacker.close()
    report = verify(db)
    assert report.first_bad == 6  # the displaced record no longer links to its new predecessor
    assert any(p.kind == "chain" and p.seq == 6 for p in report.problems)


def test_a_truncated_tail_contradicts_the_checkpoints(log: tuple[Path, Path, str]) -> None:
    db, cps, _ = log
    attacker = Attacker(db)
    attacker.conn.execute("DELETE FROM audit_event WHERE seq >= 7")
    attacker.close()
    report = verify(db, published=cps)
    assert any(p.kind == "truncated" for p in report.problems)
    assert report.first_bad == 7


def test_a_rechained_table_is_caught_only_by_an_external_checkpoint(log: tuple[Path, Path, str]) -> None:
    db, cps, held = log
    attacker = Attacker(db)
    prev = GENESIS
    for row in list(attacker.rows()):
        body = json.loads(row[10])
        if row[0] == 2:
            body["principal"]["subject"] = "mallory"
        data = rfc8785.dumps(body)
        leaf = leaf_hash(data)
        prev = chain_hash(prev, leaf)
        attacker.conn.execute(
            "UPDATE audit_event SET body_jcs = ?, leaf_hash = ?, chain_hash = ?, subject = ? WHERE seq = ?",
            (data, leaf, prev, body["principal"]["subject"], row[0]),
        )
    attacker.conn.execute("DELETE FROM audit_checkpoint")  # and the checkpoints the gateway kept
    attacker.close()
    shutil.rmtree(cps)  # and the gateway's published directory
    assert verify(db).ok  # every internal check passes
    report = verify(db, external=(held,))
    assert not report.ok
    assert [p.kind for p in report.problems] == ["checkpoint"]
    assert f"size {COUNT}" in report.problems[0].message
    assert report.first_bad == 0  # no other checkpoint vouches for any record below it


def test_a_forged_checkpoint_signature_is_reported(log: tuple[Path, Path, str]) -> None:
    db, _, held = log
    forged = held.replace(f"\n{COUNT}\n", f"\n{COUNT - 1}\n", 1)
    report = verify(db, external=(forged,))
    assert [p.kind for p in report.problems] == ["signature"]


def test_cli_verify_exits_non_zero_naming_the_first_bad_seq(
    log: tuple[Path, Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, cps, held = log
    external = tmp_path / "held.checkpoint"
    external.write_text(held)
    args = ["audit", "--store", f"sqlite:///{db}", "verify", "--checkpoint", str(external)]
    args += ["--checkpoints-dir", str(cps), "--key", SIGNER.verifier_key, "--every", "4"]
    assert main(args) == 0
    assert "OK: 10 records" in capsys.readouterr().err
    attacker = Attacker(db)
    attacker.conn.execute("UPDATE audit_event SET body_jcs = X'7b7d' WHERE seq = 8")
    attacker.close()
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "first bad seq: 8" in err
    assert "record 8" in err


def test_cli_prove_emits_a_proof_that_verifies_offline(
    log: tuple[Path, Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    import base64

    from gateway.audit.checkpoint import Checkpoint
    from gateway.audit.merkle import verify_inclusion

    db, _, held = log
    assert main(["audit", "--store", f"sqlite:///{db}", "prove", "--seq", "3", "--size", str(COUNT)]) == 0
    proof = json.loads(capsys.readouterr().out)
    root = Checkpoint.parse(held).root
    leaf = leaf_hash(proof["body"].encode())
    assert base64.b64encode(leaf).decode() == proof["leaf_hash"]
    verify_inclusion(3, COUNT, leaf, [base64.b64decode(h) for h in proof["path"]], root)
    assert main(["audit", "--store", f"sqlite:///{db}", "prove", "--seq", "30"]) == 1


def test_cli_export_filters_and_tail(log: tuple[Path, Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    db, _, _ = log
    assert main(["audit", "--store", f"sqlite:///{db}", "export", "--subgraph", "cargo", "--operation", "Op1"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["seq"] for line in lines] == [1, 7]
    assert all(hashlib.sha256(b"\x00" + rfc8785.dumps(x["record"])).digest() for x in lines)
    assert main(["audit", "--store", f"sqlite:///{db}", "tail", "-n", "2"]) == 0
    assert [json.loads(line)["seq"] for line in capsys.readouterr().out.splitlines()] == [8, 9]


def test_cli_export_shows_a_body_that_is_not_a_record_instead_of_failing(
    log: tuple[Path, Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    import base64

    db, _, _ = log
    attacker = Attacker(db)
    attacker.conn.execute("UPDATE audit_event SET body_jcs = X'7b7d5b' WHERE seq = 2")  # "{}[": not JSON
    attacker.close()
    assert main(["audit", "--store", f"sqlite:///{db}", "export", "--from-seq", "1"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["seq"] for line in lines] == list(range(1, COUNT))
    assert lines[1]["record"] is None and base64.b64decode(lines[1]["body_base64"]) == b"{}["
