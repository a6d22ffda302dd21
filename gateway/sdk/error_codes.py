"""Give subgraph errors their ``extensions.code`` (and mask internal ones) when an adapter is served on its own.

In-process, the gateway maps resolver exceptions itself (:mod:`gateway.federation.transports`). A standalone
subgraph (``silkgraph subgraph NAME``) is called by any federation router, so its errors carry the same codes:
this extension applies :func:`gateway.errors.to_graphql_extensions` to every error of a result.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from gateway.errors import BadUserInput, SilkgraphError, to_graphql_extensions

__all__ = ["ErrorCodes", "SilkgraphErrorCodes", "silkgraph_cause"]


class ErrorCodes(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [_coded(e) for e in result.errors]
        pre = self.execution_context.pre_execution_errors
        if pre:
            self.execution_context.pre_execution_errors = [_coded(e) for e in pre]


def _coded(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    while isinstance(original, GraphQLError) and original.original_error is not None:
        original = original.original_error
    if original is None or isinstance(original, GraphQLError):
        if error.extensions and "code" in error.extensions:
            return error
        return GraphQLError(
            error.message,
            error.nodes,
            error.source,
            error.positions,
            error.path,
            None,
            {
                **(error.extensions or {}),
                "code": "GRAPHQL_VALIDATION_FAILED" if error.path is None else "INTERNAL_SERVER_ERROR",
            },
        )
    message, extensions = to_graphql_extensions(original)
    if isinstance(original, BadUserInput):
        message = error.message  # graphql-core's text already names the variable or argument and the rule
    return GraphQLError(
        message,
        error.nodes,
        error.source,
        error.positions,
        error.path,
        error.original_error,
        {**(error.extensions or {}), **extensions},
    )


#: The name partner code may use; the same extension.
SilkgraphErrorCodes = ErrorCodes


def silkgraph_cause(error: BaseException | None) -> SilkgraphError | None:
    """The Silkgraph error behind ``error``: itself, or the first one down its ``original_error`` chain."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, SilkgraphError):
            return error
        seen.add(id(error))
        error = getattr(error, "original_error", None) or error.__cause__
    return None
