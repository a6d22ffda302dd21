"""The one shape of every list that pages: Relay cursor connections.

Every paged list of the platform is ``XConnection { edges: [XEdge!]! pageInfo: PageInfo! totalCount: Int! }`` with
``XEdge { cursor: String! node: X! }`` (https://relay.dev/graphql/connections.htm). ``PageInfo`` is this module's
one type, shared by every subgraph that pages (``@shareable``: each resolves it for its own lists), so clients
write one pagination helper for the whole graph. It needs an authenticated caller; each connection type carries its
subgraph's read scope, so nobody pages a list they may not read.
"""

from __future__ import annotations

from collections.abc import Sequence

import strawberry

__all__ = ["PageInfo", "page_info"]


@strawberry.federation.type(
    shareable=True,
    authenticated=True,  # the list fields that return a page carry their domain's scope
    description="Where a page of a Relay connection sits: cursors of its ends, and what lies beyond.",
)
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


def page_info(cursors: Sequence[str], *, has_next_page: bool, has_previous_page: bool) -> PageInfo:
    """The page info of a page whose edges carry ``cursors`` (in order)."""
    return PageInfo(
        has_next_page=has_next_page,
        has_previous_page=has_previous_page,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )
