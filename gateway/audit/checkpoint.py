"""Signed checkpoints in the C2SP ``tlog-checkpoint`` / ``signed-note`` format, and where they are published.

A checkpoint commits to the log's size and Merkle root::

    silkgraph.example/audit          ← origin (also the key name)
    1024                             ← tree size
    3mH0vzo1fVf5ZAwzkM2oHrpeyV2HhwqBjR/VaY/T9rs=   ← base64 root hash
                                     ← blank line ends the note body
    — silkgraph.example/audit 7Kc3ZQ…           ← Ed25519 signature line(s)

The signature line carries ``base64(key id ‖ signature)`` where the key id is the first four bytes of
``SHA-256(name ‖ "\\n" ‖ 0x01 ‖ public key)``. The verifier key is written ``name+hex(key id)+base64(0x01 ‖ key)``.
The body is deterministic (no timestamp), so two gateway processes checkpointing the same size write identical
notes. Checkpoints are written to a directory **outside the database** (one file per size plus ``latest``): an
attacker who rewrites the database cannot rewrite what auditors already hold.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

__all__ = [
    "Checkpoint",
    "CheckpointError",
    "CheckpointSigner",
    "CheckpointVerifier",
    "CheckpointWriter",
    "read_checkpoint_file",
]

_ED25519 = b"\x01"
_DASH = "\u2014 "


class CheckpointError(ValueError):
    """A checkpoint note is malformed, unsigned by the expected key, or inconsistent."""


@dataclasses.dataclass(frozen=True, slots=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    note: str = ""

    @property
    def body(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    @classmethod
    def parse(cls, note: str) -> Checkpoint:
        """Read origin, size and root from a signed note (signatures are checked by a verifier)."""
        body, sep, _ = note.partition("\n\n")
        if not sep:
            raise CheckpointError("checkpoint note has no blank line before its signatures")
        lines = body.split("\n")
        if len(lines) < 3:
            raise CheckpointError("checkpoint body needs origin, size and root lines")
        origin, size_text, root_text = lines[0], lines[1], lines[2]
        if not origin or not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
            raise CheckpointError(f"checkpoint size {size_text!r} is not a decimal number")
        try:
            root = base64.b64decode(root_text, validate=True)
        except binascii.Error:
            raise CheckpointError("checkpoint root is not base64") from None
        if len(root) != 32:
            raise CheckpointError("checkpoint root is not a SHA-256 hash")
        return cls(origin=origin, size=int(size_text), root=root, note=note)


def _key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + _ED25519 + public).digest()[:4]


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


class CheckpointSigner:
    """Signs checkpoints with one Ed25519 key (seed from ``audit.signing_key``, base64)."""

    def __init__(self, origin: str, seed: bytes) -> None:
        if len(seed) != 32:
            raise CheckpointError("an Ed25519 signing key seed is 32 bytes (base64 of 32 random bytes)")
        self.origin = origin
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        self.public = _raw_public(self._key.public_key())
        self.key_id = _key_id(origin, self.public)

    @classmethod
    def from_base64(cls, origin: str, text: str) -> CheckpointSigner:
        try:
            seed = base64.b64decode(text, validate=True)
        except binascii.Error:
            raise CheckpointError("audit.signing_key is not base64") from None
        return cls(origin, seed)

    @classmethod
    def generate(cls, origin: str) -> CheckpointSigner:
        """A throw-away key (demo and tests); production configures ``audit.signing_key``."""
        return cls(origin, secrets.token_bytes(32))

    @property
    def verifier_key(self) -> str:
        return f"{self.origin}+{self.key_id.hex()}+{base64.b64encode(_ED25519 + self.public).decode()}"

    def sign(self, size: int, root: bytes) -> Checkpoint:
        cp = Checkpoint(origin=self.origin, size=size, root=root)
        signature = self._key.sign(cp.body.encode())
        line = f"{_DASH}{self.origin} {base64.b64encode(self.key_id + signature).decode()}\n"
        return dataclasses.replace(cp, note=cp.body + "\n" + line)


class CheckpointVerifier:
    """Checks a note's Ed25519 signature against a verifier key ``name+keyid+base64(0x01‖key)``."""

    def __init__(self, verifier_key: str) -> None:
        name, _, rest = verifier_key.strip().partition("+")
        key_id_hex, _, key_b64 = rest.partition("+")  # base64 may itself contain '+'
        if not name or not key_id_hex or not key_b64:
            raise CheckpointError("a verifier key looks like NAME+KEYID+BASE64KEY")
        try:
            raw = base64.b64decode(key_b64, validate=True)
            key_id = bytes.fromhex(key_id_hex)
        except (binascii.Error, ValueError):
            raise CheckpointError("verifier key has a bad key id or key encoding") from None
        if len(raw) != 33 or raw[:1] != _ED25519:
            raise CheckpointError("verifier key is not an Ed25519 key")
        if _key_id(name, raw[1:]) != key_id:
            raise CheckpointError("verifier key id does not match its name and key")
        self.name = name
        self.key_id = key_id
        self._key = Ed25519PublicKey.from_public_bytes(raw[1:])

    def verify(self, note: str) -> Checkpoint:
        """Parse the note and check that one of its signature lines is this key's valid signature."""
        cp = Checkpoint.parse(note)
        if cp.origin != self.name:
            raise CheckpointError(f"checkpoint origin {cp.origin!r} is not the key's name {self.name!r}")
        _, _, signatures = note.partition("\n\n")
        for line in signatures.split("\n"):
            if not line.startswith(_DASH):
                continue
            name, _, sig_b64 = line[len(_DASH) :].partition(" ")
            if name != self.name:
                continue
            try:
                blob = base64.b64decode(sig_b64, validate=True)
            except binascii.Error:
                continue
            if blob[:4] != self.key_id:
                continue
            try:
                self._key.verify(blob[4:], cp.body.encode())
            except InvalidSignature:
                raise CheckpointError(f"bad signature on checkpoint of size {cp.size}") from None
            return cp
        raise CheckpointError(f"checkpoint of size {cp.size} carries no signature by {self.name}")


class CheckpointWriter:
    """Publishes checkpoints as files: ``<dir>/<size>.checkpoint`` and ``<dir>/latest`` (atomic renames)."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def write(self, cp: Checkpoint) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.directory / f"{cp.size:012d}.checkpoint"
        self._atomic(target, cp.note)
        latest = self.latest()
        if latest is None or latest.size <= cp.size:
            self._atomic(self.directory / "latest", cp.note)
        return target

    def latest(self) -> Checkpoint | None:
        path = self.directory / "latest"
        return read_checkpoint_file(path) if path.is_file() else None

    def all(self) -> list[Checkpoint]:
        if not self.directory.is_dir():
            return []
        return [read_checkpoint_file(p) for p in sorted(self.directory.glob("*.checkpoint"))]

    @staticmethod
    def _atomic(path: Path, text: str) -> None:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        fd = os.open(path.parent, os.O_RDONLY)  # the rename survives a crash once the directory is fsync'd
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def read_checkpoint_file(path: str | os.PathLike[str]) -> Checkpoint:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CheckpointError(f"cannot read checkpoint {str(path)!r}: {exc.strerror}") from None
    return Checkpoint.parse(text)
