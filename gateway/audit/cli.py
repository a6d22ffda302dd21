"""``silkgraph audit …``: verify, export, tail, prove, keygen.

::

    silkgraph audit verify [--store URL] [--checkpoint FILE]… [--key VKEY] [--every N]
                                                                            exit 1 naming the first bad seq
    silkgraph audit export [--store URL] [filters] [--from-seq N]           JSON Lines, oldest first
    silkgraph audit tail   [--store URL] [-n N] [--follow]
    silkgraph audit prove  --seq I [--size N] [--store URL]                inclusion proof JSON
    silkgraph audit keygen                                                  a signing key and its verifier key

The store, checkpoint directory and signing key default to ``[audit]`` in ``--config`` (``SILKGRAPH_*`` overrides
apply). ``--checkpoint`` names checkpoints held outside the gateway (an auditor's copy); they are the only
defence against a table rewritten wholesale.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import secrets
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from gateway.audit.checkpoint import CheckpointError, CheckpointSigner, CheckpointVerifier
from gateway.audit.merkle import ProofError
from gateway.audit.store import AuditStore, Row, SearchFilter
from gateway.audit.trail import open_store
from gateway.audit.verify import prove, verify_log
from gateway.config import load_settings
from gateway.demo import DEMO_AUDIT_KEY_FILE, demo_audit_key

__all__ = ["add_audit_parser", "run_audit"]


def add_audit_parser(sub: Any) -> None:
    audit = sub.add_parser("audit", help="verify, export, tail and prove the audit log")
    audit.add_argument("--config", help="silkgraph.toml with [audit]")
    audit.add_argument("--store", help="audit store URL (default: audit.store from the config)")
    cmds = audit.add_subparsers(dest="audit_command", metavar="AUDIT_COMMAND")
    verify = cmds.add_parser("verify", help="recompute leaves, chain, density, checkpoints")
    verify.add_argument("--checkpoint", action="append", default=[], help="an externally held checkpoint note")
    verify.add_argument("--checkpoints-dir", help="published checkpoints (default: audit.checkpoint_path)")
    verify.add_argument("--key", help="verifier key NAME+KEYID+KEY (default: derived from audit.signing_key)")
    verify.add_argument("--json", action="store_true", help="print the report as JSON")
    verify.add_argument(
        "--every", type=int, help="require a checkpoint at every multiple of N records (audit.checkpoint_every)"
    )
    export = cmds.add_parser("export", help="records as JSON Lines")
    _filters(export)
    export.add_argument("--from-seq", type=int, default=0)
    tail = cmds.add_parser("tail", help="the newest records")
    tail.add_argument("-n", type=int, default=10)
    tail.add_argument("--follow", action="store_true", help="keep printing new records")
    proof = cmds.add_parser("prove", help="inclusion proof of one record")
    proof.add_argument("--seq", type=int, required=True)
    proof.add_argument("--size", type=int)
    cmds.add_parser("keygen", help="print a new audit.signing_key and its verifier key")


def _filters(parser: argparse.ArgumentParser) -> None:
    for name in ("subject", "agency", "operation", "outcome", "subgraph", "legacy-system", "since", "until"):
        parser.add_argument(f"--{name}")


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@asynccontextmanager
async def _store(args: argparse.Namespace) -> AsyncIterator[AuditStore]:
    settings = load_settings(args.config)
    store = open_store(args.store or settings.audit.store, settings.stores.postgres)
    await store.open(create=False)
    try:
        yield store
    finally:
        await store.close()


def _line(row: Row) -> str:
    out: dict[str, Any] = {
        "seq": row.seq,
        "leaf_hash": base64.b64encode(row.leaf).decode(),
        "chain_hash": base64.b64encode(row.chain).decode(),
    }
    try:
        out["record"] = row.record()
    except ValueError:  # an edited body: show what is stored, `audit verify` says what is wrong with it
        out["record"] = None
        out["body_base64"] = base64.b64encode(row.body).decode()
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def _notes(args: argparse.Namespace, checkpoint_path: str | None) -> tuple[list[tuple[str, str]], list[str]]:
    """Published checkpoint notes by file name (the gateway's directory, ``latest`` included) and external ones
    (``--checkpoint`` files)."""
    folder = args.checkpoints_dir or checkpoint_path
    directory = Path(folder) if folder else None
    files = [*sorted(directory.glob("*.checkpoint")), directory / "latest"] if directory is not None else []
    published = [(p.name, p.read_text(encoding="utf-8")) for p in files if p.is_file()]
    return published, [Path(f).read_text(encoding="utf-8") for f in args.checkpoint]


async def _verify(args: argparse.Namespace) -> int:
    full = load_settings(args.config)
    settings = full.audit
    key = args.key
    signing_key = settings.signing_key
    if signing_key is None and not full.gateway.production and DEMO_AUDIT_KEY_FILE.is_file():
        signing_key = demo_audit_key()  # the key `silkgraph demo` signed its checkpoints with
    if key is None and signing_key:
        key = CheckpointSigner.from_base64(settings.origin, signing_key).verifier_key
    verifier = CheckpointVerifier(key) if key else None
    published, external = await asyncio.to_thread(_notes, args, settings.checkpoint_path)
    async with _store(args) as store:
        report = await verify_log(store, verifier=verifier, published=published, external=external, every=args.every)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    for problem in report.problems:
        _say(f"FAIL {problem.kind}: {problem.message}")
    summary = (
        f"{report.size} records, root {base64.b64encode(report.root).decode()}, "
        f"{report.checkpoints} checkpoint(s){'' if verifier else ' (signatures NOT checked: no key)'}"
    )
    if report.ok:
        _say(f"OK: {summary}")
        return 0
    first = report.first_bad
    _say(f"audit log FAILED verification: {summary}" + (f"; first bad seq: {first}" if first is not None else ""))
    return 1


async def _export(args: argparse.Namespace) -> int:
    terms = SearchFilter(
        subject=args.subject,
        agency=args.agency,
        operation=args.operation,
        outcome=args.outcome,
        service=args.subgraph,
        legacy_source=args.legacy_system,
        since=args.since,
        until=args.until,
    )
    async with _store(args) as store:
        size = await store.size()
        for start in range(args.from_seq, size, 1000):
            for row in await store.rows(start, min(start + 1000, size)):
                if terms.matches(row):
                    print(_line(row))
    return 0


async def _tail(args: argparse.Namespace) -> int:
    async with _store(args) as store:
        size = await store.size()
        for row in await store.rows(max(0, size - args.n), size):
            print(_line(row), flush=True)
        while args.follow:
            await asyncio.sleep(1)
            now = await store.size()
            for row in await store.rows(size, now):
                print(_line(row), flush=True)
            size = now
    return 0


async def _prove(args: argparse.Namespace) -> int:
    async with _store(args) as store:
        try:
            proof = await prove(store, args.seq, args.size)
        except ProofError as exc:
            _say(f"silkgraph audit prove: {exc}")
            return 1
    print(json.dumps(proof, indent=2))
    return 0


def _keygen(args: argparse.Namespace) -> int:
    settings = load_settings(args.config).audit
    seed = base64.b64encode(secrets.token_bytes(32)).decode()
    signer = CheckpointSigner.from_base64(settings.origin, seed)
    print(f"signing_key (keep secret, e.g. SILKGRAPH_AUDIT__SIGNING_KEY): {seed}")
    print(f"verifier key (give to auditors): {signer.verifier_key}")
    return 0


def run_audit(args: argparse.Namespace) -> int:
    commands = {"verify": _verify, "export": _export, "tail": _tail, "prove": _prove}
    try:
        if args.audit_command == "keygen":
            return _keygen(args)
        command = commands.get(args.audit_command)
        if command is None:
            _say("usage: silkgraph audit {verify,export,tail,prove,keygen} (see --help)")
            return 2
        return asyncio.run(command(args))
    except (CheckpointError, OSError) as exc:
        _say(f"silkgraph audit: {exc}")
        return 1
