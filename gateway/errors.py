"""The one error tree of Silkgraph, and its mapping to GraphQL errors.

::

    SilkgraphError                      code
    ├── ConfigError                     (start-up only; never reaches a client)
    ├── CompositionError                (start-up / compose; names subgraph, type, field)
    ├── SupergraphError                 (a supergraph file Silkgraph cannot run)
    ├── RequestError                    (the client asked for something wrong)
    │   ├── BadRequest                  BAD_REQUEST
    │   ├── BadUserInput                BAD_USER_INPUT
    │   ├── ValidationFailed            GRAPHQL_VALIDATION_FAILED
    │   ├── ParseFailed                 GRAPHQL_PARSE_FAILED
    │   ├── LimitExceeded               (code named by the limit, e.g. MAX_DEPTH_LIMIT)
    │   ├── Unauthenticated             UNAUTHENTICATED
    │   ├── Forbidden                   FORBIDDEN
    │   ├── NotFound                    NOT_FOUND
    │   └── Conflict                    CONFLICT (idempotency key reuse, duplicate submissions)
    ├── PlanningError                   QUERY_PLANNING_FAILED
    └── SubgraphError(service)          SUBREQUEST_FAILED
        ├── UpstreamTimeout             UPSTREAM_TIMEOUT
        ├── UpstreamUnavailable         UPSTREAM_UNAVAILABLE (breaker open, connection refused)
        ├── UpstreamFault               UPSTREAM_FAULT (the legacy system answered with a fault)
        └── UpstreamProtocolError       UPSTREAM_PROTOCOL_ERROR (malformed or hostile reply)

Library exceptions (httpx, zeep, lxml) never cross an adapter boundary: adapters translate them into the
classes above. :func:`to_graphql_extensions` is the one place that turns a Silkgraph error into the
``extensions`` of a GraphQL error; everything that is not a :class:`SilkgraphError` is masked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "BadRequest",
    "BadUserInput",
    "CompositionError",
    "ConfigError",
    "Conflict",
    "Forbidden",
    "LimitExceeded",
    "NotFound",
    "ParseFailed",
    "PlanningError",
    "RequestError",
    "SilkgraphError",
    "SubgraphError",
    "SupergraphError",
    "Unauthenticated",
    "UpstreamFault",
    "UpstreamProtocolError",
    "UpstreamTimeout",
    "UpstreamUnavailable",
    "ValidationFailed",
    "is_public",
    "to_graphql_extensions",
]

MASKED_MESSAGE = "Internal server error"


class SilkgraphError(Exception):
    """Root of every error Silkgraph raises on purpose."""

    code: str = "INTERNAL_SERVER_ERROR"
    #: HTTP status used when the error ends the request before execution.
    http_status: int = 500

    def __init__(self, message: str, *, code: str | None = None, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.extensions: dict[str, Any] = dict(extensions)


class ConfigError(SilkgraphError):
    """A configuration value is missing or wrong. Names the key and the reason."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"config {key}: {reason}", key=key)
        self.key = key
        self.reason = reason


class CompositionError(SilkgraphError):
    """Subgraphs do not compose. Each problem names the subgraph(s), type and field."""

    code = "INVALID_GRAPHQL"

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        listed = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"composition failed with {len(self.problems)} problem(s):\n{listed}")


class SupergraphError(SilkgraphError):
    """A supergraph SDL that Silkgraph refuses to run (malformed, unsupported join version...)."""


class RequestError(SilkgraphError):
    """The client's request is wrong; the message is safe to show."""

    code = "BAD_REQUEST"
    http_status = 400


class BadRequest(RequestError):
    code = "BAD_REQUEST"


class BadUserInput(RequestError):
    """An argument or variable value breaks a rule. Names the field and the rule."""

    code = "BAD_USER_INPUT"

    def __init__(self, message: str, *, field: str | None = None, **extensions: Any) -> None:
        if field is not None:
            extensions["field"] = field
        super().__init__(message, **extensions)
        self.field = field


class ValidationFailed(RequestError):
    code = "GRAPHQL_VALIDATION_FAILED"


class ParseFailed(RequestError):
    code = "GRAPHQL_PARSE_FAILED"


class LimitExceeded(RequestError):
    """A request limit (depth, aliases, tokens, body size, cost, rate...) was exceeded."""

    def __init__(self, message: str, *, code: str, limit: int | float | None = None, **extra: Any) -> None:
        if limit is not None:
            extra["limit"] = limit
        super().__init__(message, code=code, **extra)


class Unauthenticated(RequestError):
    code = "UNAUTHENTICATED"
    http_status = 401


class Forbidden(RequestError):
    code = "FORBIDDEN"
    http_status = 403


class NotFound(RequestError):
    code = "NOT_FOUND"
    http_status = 404


class Conflict(RequestError):
    code = "CONFLICT"
    http_status = 409


class PlanningError(SilkgraphError):
    code = "QUERY_PLANNING_FAILED"


class SubgraphError(SilkgraphError):
    """A subgraph or the legacy system behind it failed. Always names the service."""

    code = "SUBREQUEST_FAILED"
    http_status = 502

    def __init__(self, message: str, *, service: str, code: str | None = None, **extensions: Any) -> None:
        super().__init__(message, code=code, **extensions)
        self.service = service


class UpstreamTimeout(SubgraphError):
    code = "UPSTREAM_TIMEOUT"
    http_status = 504


class UpstreamUnavailable(SubgraphError):
    code = "UPSTREAM_UNAVAILABLE"
    http_status = 503


class UpstreamFault(SubgraphError):
    code = "UPSTREAM_FAULT"


class UpstreamProtocolError(SubgraphError):
    code = "UPSTREAM_PROTOCOL_ERROR"


def is_public(error: BaseException | None) -> bool:
    """Whether an exception's message may be shown to a client as it is."""
    return isinstance(error, SilkgraphError) and not isinstance(error, ConfigError | CompositionError | SupergraphError)


def to_graphql_extensions(error: BaseException | None) -> tuple[str, dict[str, Any]]:
    """The client-visible message and ``extensions`` for an exception. The one mapping point."""
    if isinstance(error, SilkgraphError) and is_public(error):
        extensions: dict[str, Any] = {"code": error.code}
        if isinstance(error, SubgraphError):
            extensions["service"] = error.service
            extensions["serviceName"] = error.service
        extensions.update(_plain(error.extensions))
        return error.message, extensions
    return MASKED_MESSAGE, {"code": "INTERNAL_SERVER_ERROR"}


def _plain(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if isinstance(v, str | int | float | bool | list | dict | None)}
