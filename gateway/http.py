"""GraphQL over HTTP: request parsing, content negotiation, CSRF rule, body limits and status codes.

Follows the GraphQL-over-HTTP specification: ``application/graphql-response+json`` (used when the client asks
for it; a missing ``Accept`` or ``*/*`` gets ``application/json`` as legacy clients expect) answers request
errors with 4xx and field errors with 200;
``application/json`` answers every well-formed request with 200. Bodies are capped before and after
decompression; GET carries only queries (and only with a preflight header, or as a plain GET when the CSRF
rule is relaxed for development); mutations over GET are refused with 405.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import sys
import zlib
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from gateway import jsoncodec
from gateway.errors import LimitExceeded
from gateway.federation.engine import GraphQLRequest, GraphQLResponse
from gateway.live.http_streams import stream_kind

__all__ = ["GRAPHQL_RESPONSE_JSON", "HttpOptions", "graphql_endpoint"]

log = logging.getLogger("silkgraph.http")

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"

Handler = Callable[[GraphQLRequest, Request], Awaitable[GraphQLResponse]]


@dataclasses.dataclass(frozen=True, kw_only=True)
class HttpOptions:
    max_body_bytes: int = 2_000_000
    graphiql: bool = True
    #: headers whose presence proves the request is not a browser "simple request" (CSRF rule)
    preflight_headers: tuple[str, ...] = ("x-apollo-operation-name", "apollo-require-preflight", "graphql-preflight")
    #: allow GET queries without a preflight header (development convenience; off in production)
    allow_plain_get: bool = True
    max_batch: int = 0
    graphiql_html: str = ""
    #: streams (SSE, multipart subscriptions): called with the parsed request when the Accept header asks for one
    stream: Callable[[Request, str, Any], Awaitable[Response | None]] | None = None


class _HttpError(Exception):
    def __init__(self, status: int, message: str, code: str = "BAD_REQUEST", headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = dict(headers or {})


def _media_type(header: str | None) -> tuple[str, dict[str, str]]:
    if not header:
        return "", {}
    parts = [p.strip() for p in header.split(";")]
    params = {}
    for p in parts[1:]:
        if "=" in p:
            k, v = p.split("=", 1)
            params[k.strip().lower()] = v.strip().strip('"').lower()
    return parts[0].lower(), params


def negotiate(accept: str | None) -> str | None:
    """The response media type for an ``Accept`` header, or None when nothing acceptable is offered."""
    if not accept or not accept.strip():
        return JSON  # legacy clients send no Accept and expect application/json
    best: tuple[float, int, str] | None = None
    for order, item in enumerate(accept.split(",")):
        media, params = _media_type(item)
        try:
            q = float(params.get("q", "1"))
        except ValueError:
            q = 1.0
        if q <= 0:
            continue
        if media == GRAPHQL_RESPONSE_JSON:
            choice = GRAPHQL_RESPONSE_JSON
        elif media in (JSON, "application/*", "*/*"):
            choice = JSON
        else:
            continue
        candidate = (-q, order, choice)
        if best is None or candidate < best:
            best = candidate
    return best[2] if best else None


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, decompressed, never more than ``limit`` bytes before or after decompression."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise LimitExceeded(f"request body is larger than {limit} bytes", code="REQUEST_TOO_LARGE", limit=limit)
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "gzip", "deflate", "x-gzip"):
        raise _HttpError(415, f"unsupported Content-Encoding {encoding!r} (use gzip, deflate or none)")
    decompressor = None
    if encoding in ("gzip", "x-gzip"):
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        decompressor = zlib.decompressobj()
    raw = 0
    out = bytearray()
    async for chunk in request.stream():
        raw += len(chunk)
        if raw > limit:
            raise LimitExceeded(f"request body is larger than {limit} bytes", code="REQUEST_TOO_LARGE", limit=limit)
        if decompressor is None:
            out += chunk
        else:
            try:
                out += decompressor.decompress(chunk, limit + 1 - len(out))
            except zlib.error:
                raise _HttpError(400, "request body is not valid compressed data") from None
            if decompressor.unconsumed_tail:
                raise LimitExceeded(
                    f"decompressed request body is larger than {limit} bytes", code="REQUEST_TOO_LARGE", limit=limit
                )
        if len(out) > limit:
            raise LimitExceeded(
                f"decompressed request body is larger than {limit} bytes", code="REQUEST_TOO_LARGE", limit=limit
            )
    return bytes(out)


#: how deeply a request's JSON may nest (a GraphQL request needs a few levels; variables rarely ten)
MAX_JSON_DEPTH = 64
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]", re.IGNORECASE)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _too_deep(raw: bytes, limit: int) -> bool:
    """Whether the brackets of ``raw`` (outside strings) nest more than ``limit`` deep (linear, in C loops)."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    brackets = _JSON_STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    for _ in range(limit):  # each pass removes the innermost level
        shorter = brackets.replace(b"[]", b"").replace(b"{}", b"")
        if shorter == brackets:
            return False  # nothing left, or unbalanced: json.loads says which
        brackets = shorter
    return bool(brackets)


def load_json(raw: bytes | str, what: str) -> Any:
    """``raw`` parsed as JSON, or a 400 naming ``what``: not JSON, nested deeper than :data:`MAX_JSON_DEPTH`, or
    holding a lone UTF-16 surrogate (``"\\ud800"``: valid JSON escapes, but not Unicode text)."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if _too_deep(data, MAX_JSON_DEPTH):
        raise _HttpError(400, f"{what} nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        value = jsoncodec.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        if isinstance(exc, ValueError) and "digits" in str(exc):  # Python's int-string conversion limit
            raise _HttpError(
                400, f"{what} holds a number with more than {sys.get_int_max_str_digits()} digits"
            ) from None
        raise _HttpError(400, f"{what} is not valid JSON") from None
    if _SURROGATE_ESCAPE.search(data) and _has_lone_surrogate(value):
        raise _HttpError(400, f"{what} holds a lone UTF-16 surrogate (e.g. \\ud800), which is not Unicode text")
    return value


def _has_lone_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _LONE_SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _params(raw: Mapping[str, Any], *, from_query_string: bool) -> GraphQLRequest:
    query = raw.get("query")
    if query is None and _persisted(raw):
        query = ""  # automatic persisted query: the text comes from the store (gateway.policy.persisted)
    if query is None:
        raise _HttpError(400, "the request has no 'query' parameter")
    if not isinstance(query, str):
        raise _HttpError(400, f"'query' must be a string, got {type(query).__name__}")
    variables = raw.get("variables")
    if from_query_string and isinstance(variables, str):
        variables = load_json(variables, "'variables'") if variables else None
    if variables is not None and not isinstance(variables, dict):
        raise _HttpError(400, f"'variables' must be an object, got {type(variables).__name__}")
    operation_name = raw.get("operationName")
    if operation_name == "" and from_query_string:
        operation_name = None
    if operation_name is not None and not isinstance(operation_name, str):
        raise _HttpError(400, f"'operationName' must be a string, got {type(operation_name).__name__}")
    extensions = raw.get("extensions")
    if from_query_string and isinstance(extensions, str):
        extensions = load_json(extensions, "'extensions'") if extensions else None
    if extensions is not None and not isinstance(extensions, dict):
        raise _HttpError(400, f"'extensions' must be an object, got {type(extensions).__name__}")
    return GraphQLRequest(
        query=query,
        variables=variables,
        operation_name=operation_name,
        extensions=extensions,
        allowed_operations=frozenset({"query"}) if from_query_string else frozenset({"query", "mutation"}),
    )


def _persisted(raw: Mapping[str, Any]) -> bool:
    extensions = raw.get("extensions")
    if isinstance(extensions, str):
        return "persistedQuery" in extensions
    return isinstance(extensions, dict) and "persistedQuery" in extensions


def _error_body(message: str, code: str, **extra: Any) -> bytes:
    return jsoncodec.dumps({"errors": [{"message": message, "extensions": {"code": code, **extra}}]})


def _respond(media: str, status: int, body: bytes, headers: Mapping[str, str] | None = None) -> Response:
    return Response(body, status_code=status, media_type=f"{media}; charset=utf-8", headers=dict(headers or {}))


def _status(result: GraphQLResponse, media: str) -> int:
    if result.status is not None:
        return result.status
    if media == JSON:
        return 200
    return 400 if result.request_error else 200


def graphql_endpoint(handler: Handler, options: HttpOptions) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        try:
            return await answer(request)
        except Exception:  # last line of defence: a GraphQL error, never a traceback or a dropped connection
            log.exception("unhandled error while answering a GraphQL request")
            return _respond(JSON, 500, _error_body("Internal server error", "INTERNAL_SERVER_ERROR"))

    async def answer(request: Request) -> Response:
        accept = request.headers.get("accept")
        if request.method == "GET" and options.graphiql and _wants_html(accept) and "query" not in request.query_params:
            return HTMLResponse(options.graphiql_html)
        kind = stream_kind(accept) if options.stream is not None else None
        parsed: GraphQLRequest | list[GraphQLRequest] | None = None
        if kind is not None and options.stream is not None:
            try:
                parsed = await _read_request(request, options)
            except _HttpError as exc:
                return _respond(JSON, exc.status, _error_body(exc.message, exc.code), exc.headers)
            except LimitExceeded as exc:
                return _respond(JSON, 413, _error_body(exc.message, exc.code, limit=exc.extensions.get("limit")))
            streamed = await options.stream(request, kind, parsed)
            if streamed is not None:
                return streamed
        media = negotiate(accept)
        if media is None:
            return Response(
                _error_body(
                    "Accept must allow application/graphql-response+json or application/json", "NOT_ACCEPTABLE"
                ),
                status_code=406,
                media_type=f"{JSON}; charset=utf-8",
            )
        try:
            batch = parsed if parsed is not None else await _read_request(request, options)
        except _HttpError as exc:
            return _respond(
                media if exc.status != 415 else JSON, exc.status, _error_body(exc.message, exc.code), exc.headers
            )
        except LimitExceeded as exc:
            return _respond(media, 413, _error_body(exc.message, exc.code, limit=exc.extensions.get("limit")))
        if isinstance(batch, list):
            results = [await handler(r, request) for r in batch]
            body = jsoncodec.dumps([r.to_json() for r in results])
            return _respond(media, 200, body)
        result = await handler(batch, request)
        headers = {**({"allow": "POST"} if result.status == 405 else {}), **result.headers}
        return _respond(media, _status(result, media), jsoncodec.dumps(result.to_json()), headers)

    return endpoint


def _wants_html(accept: str | None) -> bool:
    return bool(accept) and "text/html" in (accept or "")


async def _read_request(request: Request, options: HttpOptions) -> GraphQLRequest | list[GraphQLRequest]:
    if request.method == "GET":
        preflight = any(h in request.headers for h in options.preflight_headers)
        if not (preflight or options.allow_plain_get):
            raise _HttpError(
                400,
                "GET requests need a preflight header (Apollo-Require-Preflight or X-Apollo-Operation-Name) "
                "to prove they are not cross-site requests; or use POST with Content-Type application/json",
                code="CSRF_PREVENTION",
            )
        return _params(dict(request.query_params), from_query_string=True)
    if request.method != "POST":
        raise _HttpError(
            405, f"{request.method} is not supported; use POST (or GET for queries)", headers={"allow": "GET, POST"}
        )
    media, params = _media_type(request.headers.get("content-type"))
    if not media:
        raise _HttpError(415, "POST requests need Content-Type: application/json", code="UNSUPPORTED_MEDIA_TYPE")
    if media != JSON:
        raise _HttpError(
            415,
            f"Content-Type {media!r} is not supported: send application/json (other types are refused to prevent "
            f"cross-site request forgery)",
            code="UNSUPPORTED_MEDIA_TYPE",
        )
    charset = params.get("charset", "utf-8")
    if charset not in ("utf-8", "utf8"):
        raise _HttpError(415, f"charset {charset!r} is not supported; use utf-8", code="UNSUPPORTED_MEDIA_TYPE")
    body = await read_body(request, options.max_body_bytes)
    if not body:
        raise _HttpError(400, "the POST body is empty; send a JSON object with a 'query'")
    payload = load_json(body, "the body")
    if isinstance(payload, list):
        if options.max_batch <= 0:
            raise _HttpError(400, "batched requests are disabled", code="BATCHING_NOT_ENABLED")
        if len(payload) > options.max_batch:
            raise _HttpError(
                400, f"a batch may hold at most {options.max_batch} operations", code="BATCH_LIMIT_EXCEEDED"
            )
        if not payload or not all(isinstance(p, dict) for p in payload):
            raise _HttpError(400, "a batch is a non-empty list of request objects")
        return [_params(p, from_query_string=False) for p in payload]
    if not isinstance(payload, dict):
        raise _HttpError(400, f"the body must be a JSON object, got {type(payload).__name__}")
    return _params(payload, from_query_string=False)
