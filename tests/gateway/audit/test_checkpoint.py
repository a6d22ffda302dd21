"""Checkpoints as C2SP signed notes: format, Ed25519 signatures, key ids, publication as files."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from gateway.audit.checkpoint import (
    Checkpoint,
    CheckpointError,
    CheckpointSigner,
    CheckpointVerifier,
    CheckpointWriter,
    read_checkpoint_file,
)

ORIGIN = "audit.example.test/log"
SEED = bytes(range(32))
ROOT = hashlib.sha256(b"root").digest()


def test_note_has_the_tlog_checkpoint_layout() -> None:
    cp = CheckpointSigner(ORIGIN, SEED).sign(1024, ROOT)
    lines = cp.note.split("\n")
    assert lines[:4] == [ORIGIN, "1024", base64.b64encode(ROOT).decode(), ""]
    assert lines[4].startswith(f"\u2014 {ORIGIN} ")
    assert cp.note.endswith("\n")
    blob = base64.b64decode(lines[4].split(" ")[2])
    assert len(blob) == 4 + 64  # key id + Ed25519 signature


def test_key_id_is_the_signed_note_key_hash() -> None:
    signer = CheckpointSigner(ORIGIN, SEED)
    expected = hashlib.sha256(ORIGIN.encode() + b"\n\x01" + signer.public).digest()[:4]
    assert signer.key_id == expected
    name, key_id, key = signer.verifier_key.split("+", 2)
    assert (name, key_id) == (ORIGIN, expected.hex())
    assert base64.b64decode(key) == b"\x01" + signer.public


def test_signing_is_deterministic_so_replicas_publish_identical_notes() -> None:
    assert CheckpointSigner(ORIGIN, SEED).sign(7, ROOT).note == CheckpointSigner(ORIGIN, SEED).sign(7, ROOT).note


def test_verifier_accepts_its_key_and_reads_size_and_root() -> None:
    signer = CheckpointSigner(ORIGIN, SEED)
    cp = CheckpointVerifier(signer.verifier_key).verify(signer.sign(9, ROOT).note)
    assert (cp.origin, cp.size, cp.root) == (ORIGIN, 9, ROOT)


def test_verifier_rejects_an_edited_size_or_root() -> None:
    signer = CheckpointSigner(ORIGIN, SEED)
    note = signer.sign(9, ROOT).note
    verifier = CheckpointVerifier(signer.verifier_key)
    with pytest.raises(CheckpointError, match="bad signature"):
        verifier.verify(note.replace("\n9\n", "\n10\n", 1))
    other = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    with pytest.raises(CheckpointError, match="bad signature"):
        verifier.verify(note.replace(base64.b64encode(ROOT).decode(), other))


def test_verifier_rejects_another_key() -> None:
    note = CheckpointSigner(ORIGIN, bytes(32)).sign(9, ROOT).note
    with pytest.raises(CheckpointError, match="no signature"):
        CheckpointVerifier(CheckpointSigner(ORIGIN, SEED).verifier_key).verify(note)


def test_malformed_notes_are_refused() -> None:
    for note in ("", "origin\n12\n", "o\nx\nAAAA\n\n", "o\n012\n" + base64.b64encode(ROOT).decode() + "\n\n"):
        with pytest.raises(CheckpointError):
            Checkpoint.parse(note)


def test_writer_publishes_one_file_per_checkpoint_and_latest(tmp_path: Path) -> None:
    signer = CheckpointSigner(ORIGIN, SEED)
    writer = CheckpointWriter(tmp_path / "cps")
    writer.write(signer.sign(4, ROOT))
    writer.write(signer.sign(9, ROOT))
    writer.write(signer.sign(6, ROOT))  # an older size never moves `latest` back
    assert sorted(p.name for p in (tmp_path / "cps").iterdir()) == [
        "000000000004.checkpoint",
        "000000000006.checkpoint",
        "000000000009.checkpoint",
        "latest",
    ]
    latest = read_checkpoint_file(tmp_path / "cps" / "latest")
    assert latest.size == 9
    assert [cp.size for cp in writer.all()] == [4, 6, 9]
