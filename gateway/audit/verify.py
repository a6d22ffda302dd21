"""Independent verification of an audit log, and inclusion proofs for offline checking.

:func:`verify_log` reads the whole log and reports, in order of seq:

* **density** — seq must run 0, 1, 2… without gaps (a deleted row is a gap);
* **leaf** — ``SHA-256(0x00 ‖ body)`` recomputed from the stored body (an edited record);
* **canonical body** — the body is exactly the RFC 8785 form of its JSON;
* **columns** — the searchable columns agree with the body (an edited column);
* **chain** — ``SHA-256(prev ‖ leaf)`` from the 32-zero genesis (reordered, inserted or removed records);
* **checkpoints** — every stored, published and external checkpoint: signature (when a verifier key is given),
  its size within the log (a truncated log), and its root equal to the Merkle root recomputed from the bodies
  at that size. An external checkpoint is also checked with an explicit RFC 6962 consistency proof against the
  log's current root. A published file whose name gives another size than its note is a swapped checkpoint.
* **cadence** (with ``every``) — a valid checkpoint at every multiple of ``every`` (a dropped checkpoint).

Every problem names a seq (``first_bad``): a record problem its record; a checkpoint problem the first record
no good checkpoint vouches for any more.

Deleting the newest records is caught once a checkpoint covers them: the gateway signs every
``checkpoint_interval`` seconds, so only a suffix younger than that can go unnoticed.

A table rewritten wholesale (every leaf, chain hash and internal checkpoint recomputed, possibly re-signed with
a stolen key) passes every internal check; only a checkpoint held **outside** the database catches it.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Sequence
from typing import Any

import rfc8785

from gateway.audit.checkpoint import Checkpoint, CheckpointError, CheckpointVerifier
from gateway.audit.merkle import CompactRange, ProofError, consistency_proof, inclusion_proof, leaf_hash, tree_hash
from gateway.audit.merkle import verify_consistency as check_consistency
from gateway.audit.store import GENESIS, AuditStore, Row, chain_hash, columns_of

__all__ = ["Problem", "Report", "prove", "verify_log"]

_CHUNK = 5000


@dataclasses.dataclass(frozen=True, slots=True)
class Problem:
    kind: str
    message: str
    seq: int | None = None


@dataclasses.dataclass(slots=True)
class Report:
    size: int = 0
    root: bytes = b""
    checkpoints: int = 0
    signatures_checked: bool = False
    problems: list[Problem] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad(self) -> int | None:
        seqs = [p.seq for p in self.problems if p.seq is not None]
        return min(seqs) if seqs else None

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "size": self.size,
            "root": base64.b64encode(self.root).decode(),
            "checkpoints_checked": self.checkpoints,
            "signatures_checked": self.signatures_checked,
            "first_bad_seq": self.first_bad,
            "problems": [dataclasses.asdict(p) for p in self.problems],
        }


async def verify_log(
    store: AuditStore,
    *,
    verifier: CheckpointVerifier | None = None,
    published: Sequence[str | tuple[str, str]] = (),
    external: Sequence[str] = (),
    every: int | None = None,
) -> Report:
    """Check everything listed in the module docstring. ``published``/``external`` are checkpoint note texts
    (a published one may come as ``(file name, text)``); ``every`` is the cadence the log signs at."""
    report = Report(signatures_checked=verifier is not None)
    size = await store.size()
    report.size = size
    leaves: list[bytes] = []
    prev = GENESIS
    expected = 0
    for start in range(0, size, _CHUNK):
        for row in await store.rows(start, min(start + _CHUNK, size)):
            if row.seq != expected:
                report.problems.append(
                    Problem("gap", f"records {expected}..{row.seq - 1} are missing (deleted?)", expected)
                )
                expected = row.seq
            leaf = leaf_hash(row.body)
            if leaf != row.leaf:
                report.problems.append(Problem("leaf", f"record {row.seq}: body does not match its leaf hash", row.seq))
            report.problems.extend(_body_problems(row))
            prev = chain_hash(prev, leaf)
            if prev != row.chain:
                report.problems.append(Problem("chain", f"record {row.seq}: hash chain broken", row.seq))
                prev = row.chain  # resynchronise so one break is reported once
            leaves.append(leaf)
            expected += 1
    if expected < size:
        report.problems.append(Problem("gap", f"records {expected}..{size - 1} are missing", expected))
    report.root = tree_hash(leaves)

    notes: list[_Note] = [_Note(cp.note, "stored", cp.size) for cp in await store.checkpoints()]
    notes += [_Note(*_named(n)) for n in published]
    notes += [_Note(n, "external") for n in external]
    _check_checkpoints(report, leaves, notes, verifier, every)
    report.problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
    return report


@dataclasses.dataclass(frozen=True, slots=True)
class _Note:
    text: str
    where: str
    claimed: int | None = None  # the size its file name or table row gives it


def _named(note: str | tuple[str, str]) -> tuple[str, str, int | None]:
    """A published note is its text, or ``(file name, text)``: ``000000000008.checkpoint`` claims size 8."""
    if isinstance(note, str):
        return note, "published", None
    name, text = note
    stem = name.removesuffix(".checkpoint")
    return text, f"published {name}", int(stem) if stem != name and stem.isdigit() else None


def _check_checkpoints(
    report: Report, leaves: list[bytes], notes: Sequence[_Note], verifier: CheckpointVerifier | None, every: int | None
) -> None:
    """Signatures, sizes and roots of every checkpoint; then name a first bad seq for each problem found.

    A checkpoint problem names the first record it leaves unvouched for: the size of the largest *good*
    checkpoint below it (every record before that is proven by a good one), so a tamper that only a checkpoint
    catches still has a first bad seq — exact to the checkpoint cadence."""
    checked: list[tuple[Checkpoint, _Note]] = []
    bad: list[tuple[int, str, str]] = []  # (size it concerns, kind, message)
    for note in notes:
        try:
            cp = verifier.verify(note.text) if verifier is not None else Checkpoint.parse(note.text)
        except CheckpointError as exc:
            size = _claimed_size(note)
            bad.append((size, "signature", f"{note.where} checkpoint: {exc}"))
            continue
        if note.claimed is not None and note.claimed != cp.size:
            bad.append((note.claimed, "swapped", f"{note.where} holds a checkpoint of size {cp.size}"))
            continue
        checked.append((cp, note))
    report.checkpoints = len(checked)
    roots = _roots_at(leaves, {cp.size for cp, _ in checked})
    good: set[int] = {0}
    for cp, note in sorted(checked, key=lambda c: c[0].size):
        if cp.size > len(leaves):
            msg = f"{note.where} checkpoint has size {cp.size} but the log holds {len(leaves)} (records deleted?)"
            report.problems.append(Problem("truncated", msg, len(leaves)))
        elif roots[cp.size] != cp.root:
            bad.append(
                (cp.size, "checkpoint", f"log is inconsistent with the {note.where} checkpoint of size {cp.size}")
            )
        elif note.where == "external":
            try:
                proof = consistency_proof(leaves, cp.size)
                check_consistency(cp.size, len(leaves), cp.root, report.root, proof)
                good.add(cp.size)
            except ProofError as exc:
                bad.append((cp.size, "consistency", f"external checkpoint of size {cp.size}: {exc}"))
        else:
            good.add(cp.size)
    if every:
        signed = {cp.size for cp, _ in checked}
        for size in range(every, len(leaves) + 1, every):
            if size not in signed:
                bad.append((size, "missing", f"no checkpoint of size {size} (one is signed every {every} records)"))
    proven = sorted(good)
    records = sorted(p.seq for p in report.problems if p.seq is not None)
    for size, kind, message in bad:
        below = min(max((g for g in proven if g < size), default=0), len(leaves))
        # a record problem inside the unvouched range explains it; otherwise the range's start is the first
        # record a good checkpoint no longer vouches for
        first = next((seq for seq in records if below <= seq < size), below)
        report.problems.append(Problem(kind, f"{message}; records from seq {below} are not vouched for", first))


def _claimed_size(note: _Note) -> int:
    if note.claimed is not None:
        return note.claimed
    try:
        return Checkpoint.parse(note.text).size
    except CheckpointError:
        return 0


def _body_problems(row: Row) -> list[Problem]:
    """The body is canonical JSON of an audit record whose searchable columns match. An edited body can be any
    bytes — not JSON, JSON of another shape, a record missing fields: each is a problem at its seq, never a
    crash of the verifier."""
    try:
        record = json.loads(row.body)
    except ValueError:
        return [Problem("body", f"record {row.seq}: body is not JSON", row.seq)]
    try:
        canonical = rfc8785.dumps(record) == row.body
    except ValueError:  # rfc8785's domain errors (an integer or float JSON allows but I-JSON does not)
        canonical = False
    if not canonical:
        return [Problem("canonical", f"record {row.seq}: body is not RFC 8785", row.seq)]
    try:
        columns = columns_of(record)
    except (AttributeError, KeyError, TypeError):
        return [Problem("body", f"record {row.seq}: body is not an audit record (fields missing or mistyped)", row.seq)]
    if columns != row.columns:
        return [Problem("columns", f"record {row.seq}: searchable columns differ from the body", row.seq)]
    return []


def _roots_at(leaves: Sequence[bytes], sizes: set[int]) -> dict[int, bytes]:
    """Merkle roots at each wanted size in one pass."""
    compact = CompactRange()
    out = {0: compact.root()} if 0 in sizes else {}
    for leaf in leaves:
        compact.append(leaf)
        if compact.size in sizes:
            out[compact.size] = compact.root()
    return out


async def prove(store: AuditStore, seq: int, size: int | None = None) -> dict[str, Any]:
    """An inclusion proof of record ``seq`` in the tree of ``size`` records (default: the whole log)."""
    total = await store.size()
    size = total if size is None else size
    if not 0 <= seq < size <= total:
        raise ProofError(f"need 0 <= seq < size <= {total} (the log size), got seq={seq} size={size}")
    leaves = await store.leaves(0, size)
    if len(leaves) != size:
        raise ProofError(f"the log has gaps below {size}; run `silkgraph audit verify`")
    row = await store.get(seq)
    return {
        "seq": seq,
        "size": size,
        "leaf_hash": base64.b64encode(leaves[seq]).decode(),
        "body": row.body.decode() if row is not None else None,
        "root": base64.b64encode(tree_hash(leaves)).decode(),
        "path": [base64.b64encode(h).decode() for h in inclusion_proof(leaves, seq)],
    }
