"""Tamper-evident audit trail: who asked what, which legacy calls answered, and proof the log is unaltered.

Records (:mod:`~gateway.audit.record`) are canonical JSON, hash-chained and Merkle-hashed (RFC 6962,
:mod:`~gateway.audit.merkle`) in an append-only store (memory, SQLite, PostgreSQL); signed checkpoints
(:mod:`~gateway.audit.checkpoint`) are published outside the database; :mod:`~gateway.audit.verify` checks it all
and ``silkgraph audit`` (:mod:`~gateway.audit.cli`) runs it. See docs/audit.md.
"""

from gateway.audit.checkpoint import Checkpoint, CheckpointSigner, CheckpointVerifier, CheckpointWriter
from gateway.audit.log import AuditLog, AuditUnavailable
from gateway.audit.store import AuditStore, MemoryStore, SearchFilter
from gateway.audit.trail import AUDIT_UNAVAILABLE, AuditTrail, open_audit_trail, open_store
from gateway.audit.verify import Report, prove, verify_log

__all__ = [
    "AUDIT_UNAVAILABLE",
    "AuditLog",
    "AuditStore",
    "AuditTrail",
    "AuditUnavailable",
    "Checkpoint",
    "CheckpointSigner",
    "CheckpointVerifier",
    "CheckpointWriter",
    "MemoryStore",
    "Report",
    "SearchFilter",
    "open_audit_trail",
    "open_store",
    "prove",
    "verify_log",
]
