"""A Strawberry schema extension that gives a subgraph's errors the platform's ``extensions.code``.

graphql-core wraps what a scalar's ``parse_value`` or a resolver raises in a :class:`GraphQLError` (sometimes two
deep, for variables) and keeps the original exception as ``original_error``. :class:`SilkgraphErrorCodes` follows
that chain to the :class:`~gateway.errors.SilkgraphError` (e.g. ``BadUserInput`` from a shared scalar,
``UpstreamTimeout`` from a legacy client) and sets the error's ``extensions`` through
:func:`gateway.errors.to_graphql_extensions`, the one mapping point. Other errors are left as they are (the
gateway masks them).

Adapters add it to their schema so a subgraph served on its own (``silkgraph subgraph NAME``) answers with the
same codes as through the gateway::

    strawberry.federation.Schema(query=Query, extensions=[SilkgraphErrorCodes], federation_version="2.11")
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from gateway.errors import SilkgraphError, is_public, to_graphql_extensions

__all__ = ["SilkgraphErrorCodes", "silkgraph_cause"]


def silkgraph_cause(error: BaseException | None) -> SilkgraphError | None:
    """The Silkgraph error behind ``error``: itself, or the first one down its ``original_error`` chain."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, SilkgraphError):
            return error
        seen.add(id(error))
        error = getattr(error, "original_error", None) or error.__cause__
    return None


def _annotate(errors: Iterable[GraphQLError]) -> None:
    for error in errors:
        cause = silkgraph_cause(error)
        if cause is None or not is_public(cause):
            continue
        _, extensions = to_graphql_extensions(cause)
        error.extensions = {**(error.extensions or {}), **extensions}


class SilkgraphErrorCodes(SchemaExtension):
    """Sets ``extensions.code`` (and ``service``, ``field``...) on errors caused by a Silkgraph error."""

    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context
        _annotate(context.pre_execution_errors or ())
        result = context.result
        errors = getattr(result, "errors", None)
        if errors:
            _annotate(errors)
