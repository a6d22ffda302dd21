"""Calling subgraphs: in-process (an adapter's Strawberry schema, no HTTP) and over HTTP (a shared pool).

Both return the plain GraphQL response (``{"data": ..., "errors": [...]}``) or raise a
:class:`~gateway.errors.SubgraphError`; the planner and executor do not know which one they use. In-process errors
are mapped through :func:`gateway.errors.to_graphql_extensions` here — the single mapping point — so internal
exception text never reaches a client.
"""

from __future__ import annotations

import asyncio
import inspect
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx
from graphql import DocumentNode, ExecutionResult, GraphQLError, execute, parse, subscribe, validate

from gateway import jsoncodec
from gateway.bodies import ACCEPT_ENCODING, BodyTooLarge, BodyUndecodable, read_httpx_body
from gateway.errors import (
    SubgraphError,
    UpstreamProtocolError,
    UpstreamTimeout,
    UpstreamUnavailable,
    to_graphql_extensions,
)
from gateway.federation.http_pool import HttpPool, Reply, ReplyMalformed
from gateway.federation.plan import is_mutation
from gateway.federation.ws_client import subscribe_over_ws
from gateway.policy.signed_principal import HEADER as PRINCIPAL_HEADER
from gateway.policy.signed_principal import PrincipalSigner
from gateway.resilience import GuardSettings, SourceGuard, registry, retry_attempt
from gateway.sdk.adapter import Adapter
from gateway.sdk.calls import GRANT_USED
from gateway.sdk.context import RequestContext, SubgraphContext, _reset_current, _set_current, current_request
from gateway.sdk.retry import ReadRetry, transient
from gateway.sdk.tenancy import tenancy_of

__all__ = ["HttpTransport", "InProcessTransport", "error_to_dict"]

_STATE_KEY = "subgraph_state"


def error_to_dict(error: GraphQLError, service: str) -> dict[str, Any]:
    """A subgraph execution error as a response error, masked unless it is one of Silkgraph's public errors."""
    if error.original_error is not None and not isinstance(error.original_error, GraphQLError):
        message, extensions = to_graphql_extensions(error.original_error)
    else:
        message, extensions = error.message, dict(error.extensions or {})
        inner = error.original_error
        if isinstance(inner, GraphQLError) and inner.original_error is not None:
            message, extensions = to_graphql_extensions(inner.original_error)
    extensions.setdefault("serviceName", service)
    out: dict[str, Any] = {"message": message}
    if error.path is not None:
        out["path"] = list(error.path)
    out["extensions"] = extensions
    return out


class InProcessTransport:
    """Execute a subgraph operation against an adapter's schema in this process, with a cached parse."""

    def __init__(self, adapter: Adapter, cache_size: int = 1024) -> None:
        self.adapter = adapter
        self.name = adapter.name
        self._schema = adapter.schema._schema
        self._documents: OrderedDict[str, DocumentNode] = OrderedDict()
        self._cache_size = cache_size

    def _document(self, operation: str) -> DocumentNode:
        doc = self._documents.get(operation)
        if doc is not None:
            self._documents.move_to_end(operation)
            return doc
        doc = parse(operation)
        problems = validate(self._schema, doc)
        if problems:
            raise SubgraphError(
                f"subgraph {self.name!r} rejected the planned operation: {problems[0].message}",
                service=self.name,
                code="SUBREQUEST_VALIDATION_FAILED",
            )
        self._documents[operation] = doc
        if len(self._documents) > self._cache_size:
            self._documents.popitem(last=False)
        return doc

    def _state(self, context: RequestContext) -> Any:
        states: dict[str, Any] = context.extras.setdefault(_STATE_KEY, {})
        if self.name not in states:
            states[self.name] = self.adapter.request_state(context)
        return states[self.name]

    async def fetch(
        self,
        operation: str,
        variables: Mapping[str, Any],
        context: RequestContext,
        operation_name: str | None = None,
    ) -> Mapping[str, Any]:
        document = self._document(operation)
        ctx = SubgraphContext(adapter=self.adapter, request=context, state=self._state(context))
        # the adapter's legacy calls take their tenant from the current request (gateway.sdk.tenancy)
        token = _set_current(context) if current_request() is not context else None
        try:
            result = execute(
                self._schema,
                document,
                context_value=ctx,
                variable_values=dict(variables),
                operation_name=operation_name,
            )
            if inspect.isawaitable(result):
                result = await result
        finally:
            if token is not None:
                _reset_current(token)
        out: dict[str, Any] = {"data": result.data}
        if result.errors:
            out["errors"] = [error_to_dict(e, self.name) for e in result.errors]
        return out

    async def subscribe(
        self, operation: str, variables: Mapping[str, Any], context: RequestContext
    ) -> AsyncIterator[Mapping[str, Any]]:
        """Open the subgraph's subscription (its resolver's async generator); one response per event.

        A stream that cannot start (a resolver error before the first event) yields one response with the
        errors and ends.
        """
        document = self._document(operation)
        ctx = SubgraphContext(adapter=self.adapter, request=context, state=self.adapter.request_state(context))
        stream = subscribe(self._schema, document, context_value=ctx, variable_values=dict(variables))
        if inspect.isawaitable(stream):
            stream = await stream
        if isinstance(stream, ExecutionResult):
            yield self._response(stream)
            return
        try:
            async for result in stream:
                yield self._response(result)
        finally:
            close = getattr(stream, "aclose", None)
            if close is not None:
                await close()

    def _response(self, result: ExecutionResult) -> dict[str, Any]:
        out: dict[str, Any] = {"data": result.data}
        if result.errors:
            out["errors"] = [error_to_dict(e, self.name) for e in result.errors]
        return out


class HttpTransport:
    """POST the operation to a remote subgraph over a shared keep-alive connection pool.

    ``client`` is an :class:`~gateway.federation.http_pool.HttpPool` (a served supergraph's subgraphs: a fraction
    of a general client's CPU per call, measured with bench.peers) or an ``httpx.AsyncClient``; both give the
    same results, and the same errors but for a reply that is not HTTP at all (``SUBREQUEST_HTTP_ERROR`` from the
    pool, ``UPSTREAM_UNAVAILABLE`` from httpx).

    Every call passes the subgraph's guard (breaker + bulkhead + retry budget, ``guard``). A query's fetch that
    fails transiently — unreachable, reset, timed out, or a 502/503/504 with no GraphQL body — is tried again under
    ``retry`` (:class:`gateway.sdk.retry.ReadRetry`: bounded, jittered, within the budget); a mutation's fetch is
    sent once, since a lost reply may hide a write the subgraph made.

    Every reply is read whole — however its bytes arrive — and decoded by :func:`gateway.bodies.read_body`, which
    stops at ``max_response_bytes`` decoded bytes with ``UPSTREAM_PROTOCOL_ERROR``; ``timeout`` bounds the whole
    exchange, body included.
    """

    def __init__(
        self,
        name: str,
        url: str,
        client: httpx.AsyncClient | HttpPool,
        *,
        timeout: float = 30.0,
        connect_timeout: float = 5.0,
        headers: Mapping[str, str] | None = None,
        max_response_bytes: int = 10 * 1024 * 1024,
        guard: GuardSettings | None = None,
        retry: ReadRetry | None = None,
        signer: PrincipalSigner | None = None,
    ) -> None:
        self.name = name
        self.url = url
        self.client = client
        self.timeout = timeout
        self.connect_timeout = min(connect_timeout, timeout)
        self.headers = dict(headers or {})
        self.max_response_bytes = max_response_bytes
        self.guard_settings = guard
        self.retry = retry if retry is not None else ReadRetry()
        #: signs the caller's principal for the subgraph (gateway.policy.signed_principal); None: unsigned
        self.signer = signer

    @property
    def guard(self) -> SourceGuard:
        """This subgraph's guard in the process registry (looked up per call: the registry may be reset)."""
        return registry().guard(f"subgraph {self.name}", self.guard_settings, address=self.url)

    async def fetch(
        self,
        operation: str,
        variables: Mapping[str, Any],
        context: RequestContext,
        operation_name: str | None = None,
    ) -> Mapping[str, Any]:
        headers = {
            "content-type": "application/json",
            "accept": "application/graphql-response+json, application/json;q=0.9",
            **self._principal_headers(context),
            "accept-encoding": ACCEPT_ENCODING,  # what read_body decodes
        }
        body: dict[str, Any] = {"query": operation, "variables": dict(variables)}
        if operation_name:
            body["operationName"] = operation_name
        content = jsoncodec.dumps_sorted(body)  # sorted: its own canonical form for the principal's signature
        if self.signer is not None:
            headers[PRINCIPAL_HEADER] = self.signer.sign(context.principal, content, sorted_json=True)
        grant = tenancy_of(context.principal)
        if grant.agency is None and grant.grant is not None:
            context.extras[GRANT_USED] = grant.grant  # the subgraph reads across agencies under this grant
        if is_mutation(operation):
            with retry_attempt(False):
                return await self._send(content, headers, self.guard, once=True)
        guard = self.guard
        return await self.retry.call(lambda: self._send(content, headers, guard), guard=guard, retry_on=_retryable)

    def _principal_headers(self, context: RequestContext) -> dict[str, str]:
        headers = dict(self.headers)
        if context.traceparent:
            headers["traceparent"] = context.traceparent
        if context.principal.agency:
            headers["x-agency-id"] = context.principal.agency
        return headers

    def subscribe(
        self, operation: str, variables: Mapping[str, Any], context: RequestContext
    ) -> AsyncIterator[Mapping[str, Any]]:
        """A subscription's root fetch: graphql-ws to the subgraph's URL, one response per event. The upgrade
        request carries the signed principal (over an empty body: the subscribe message follows on the socket)."""
        headers = self._principal_headers(context)
        if self.signer is not None:
            headers[PRINCIPAL_HEADER] = self.signer.sign(context.principal, b"")
        return subscribe_over_ws(
            self.name,
            self.url,
            operation,
            variables,
            headers,
            open_timeout=self.connect_timeout,
            max_message_bytes=self.max_response_bytes,
        )

    async def _send(
        self, content: bytes, headers: dict[str, str], guard: SourceGuard, *, once: bool = False
    ) -> Mapping[str, Any]:
        """One attempt; ``once``: never sent twice, not even on a connection the server had closed as idle."""
        async with guard.call(self.name):  # breaker + bulkhead for this subgraph (gateway.resilience)
            if isinstance(self.client, httpx.AsyncClient):
                status, reason, raw = await self._post_httpx(content, headers)
            else:
                status, reason, raw = await self._post_pool(content, headers, once)
            payload = _graphql_response(raw)
            if payload is None and status < 400:  # raised inside the guard: a protocol error is a failure
                raise UpstreamProtocolError(
                    f"subgraph {self.name!r} returned a body that is not a GraphQL response", service=self.name
                )
            # a 5xx that still carries a GraphQL answer is the subgraph speaking (errors for the caller's input)
            if status >= 500 and payload is None:
                guard.breaker.record_failure()
            else:
                guard.breaker.record_success()
        if payload is None:
            raise SubgraphError(
                f"HTTP fetch failed from {self.name!r}: {status} {reason}",
                service=self.name,
                code="SUBREQUEST_HTTP_ERROR",
                http={"status": status},
            )
        return payload

    def _refused(self, exc: BodyTooLarge | BodyUndecodable) -> UpstreamProtocolError:
        return UpstreamProtocolError(f"subgraph {self.name!r} response refused: {exc}", service=self.name)

    async def _post_httpx(self, content: bytes, headers: dict[str, str]) -> tuple[int, str, bytes]:
        assert isinstance(self.client, httpx.AsyncClient)
        try:
            async with (
                asyncio.timeout(self.timeout),  # the whole exchange: a reply that drips is cut at the timeout
                self.client.stream(
                    "POST",
                    self.url,
                    content=content,
                    headers=headers,
                    timeout=httpx.Timeout(self.timeout, connect=self.connect_timeout),
                ) as response,
            ):
                try:
                    raw = await read_httpx_body(response, limit=self.max_response_bytes)
                except (BodyTooLarge, BodyUndecodable) as exc:
                    raise self._refused(exc) from None
                return response.status_code, response.reason_phrase, raw
        except (httpx.TimeoutException, TimeoutError):
            raise UpstreamTimeout(f"subgraph {self.name!r} did not answer in time", service=self.name) from None
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
            raise UpstreamUnavailable(f"subgraph {self.name!r} is unreachable", service=self.name) from None
        except httpx.HTTPError:
            raise SubgraphError(
                f"HTTP request to subgraph {self.name!r} failed", service=self.name, code="SUBREQUEST_HTTP_ERROR"
            ) from None

    async def _post_pool(self, content: bytes, headers: dict[str, str], once: bool) -> Reply:
        assert isinstance(self.client, HttpPool)
        try:
            return await self.client.post(
                self.url,
                content,
                headers,
                total_timeout=self.timeout,
                connect_timeout=self.connect_timeout,
                limit=self.max_response_bytes,
                resend_stale=not once,
            )
        except (BodyTooLarge, BodyUndecodable) as exc:
            raise self._refused(exc) from None
        except TimeoutError:  # (an OSError: caught before the connection errors below)
            raise UpstreamTimeout(f"subgraph {self.name!r} did not answer in time", service=self.name) from None
        except OSError:  # refused, reset, unresolvable, TLS failure, or closed before the reply was complete
            raise UpstreamUnavailable(f"subgraph {self.name!r} is unreachable", service=self.name) from None
        except ReplyMalformed:
            raise SubgraphError(
                f"HTTP request to subgraph {self.name!r} failed", service=self.name, code="SUBREQUEST_HTTP_ERROR"
            ) from None


def _graphql_response(raw: bytes) -> dict[str, Any] | None:
    try:
        payload = jsoncodec.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(payload, dict) or ("data" not in payload and "errors" not in payload):
        return None
    return payload


def _retryable(exc: BaseException) -> bool:
    """A remote fetch worth sending again: a transient failure, or a 502/503/504 that carried no GraphQL answer."""
    if transient(exc):
        return True
    http = exc.extensions.get("http") if isinstance(exc, SubgraphError) else None
    return isinstance(http, dict) and http.get("status") in (502, 503, 504)
