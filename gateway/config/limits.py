"""``[gateway.limits]``: request limits checked before validation."""

from __future__ import annotations

import dataclasses

__all__ = ["LimitSettings"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class LimitSettings:
    """Request limits checked before validation."""

    max_body_bytes: int = 2_000_000
    max_document_chars: int = 15_000
    max_tokens: int = 2_000
    max_fields: int = 300
    max_aliases: int = 15
    max_depth: int = 10
    max_root_fields: int = 20
    max_directives: int = 20
    max_overlap_comparisons: int = 2_000
    #: introspection is measured by its own rule (gateway/policy/limits.py), not by max_depth
    max_introspection_depth: int = 20
    max_introspection_lists: int = 2
    max_batch: int = 0
