"""The admission gate: every security control of one gateway, built from settings and wired to the engine.

Per request, before the engine (cheapest first): authentication → rate limits → persisted-query resolution and
safelist → document character limit. Inside the engine: token limit at parse, the linear pre-validation walk
(:mod:`gateway.policy.limits`), validation (suggestions hidden in production), demand control
(:mod:`gateway.policy.cost`) and authorization (:mod:`gateway.policy.authz`) before planning.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx

from gateway import redis_store
from gateway.config import Settings
from gateway.errors import RequestError, to_graphql_extensions
from gateway.federation.engine import FederatedGraph, GraphQLRequest, GraphQLResponse
from gateway.federation.supergraph import Supergraph
from gateway.policy.authn import ClaimNames, JwksClient, KeySource, StaticKeys, TokenVerifier, authenticate
from gateway.policy.authz import DirectiveAuthorizer, load_policies
from gateway.policy.cost import CostAnalyzer
from gateway.policy.devkeys import DEMO_AUDIENCE, DEMO_ISSUER, DevKey
from gateway.policy.empty_ids import EmptyIdCheck
from gateway.policy.limits import DocumentLimits, check_document_chars
from gateway.policy.persisted import MemoryQueryStore, PersistedQueries, QueryStore, RedisQueryStore, load_manifest
from gateway.policy.ratelimit import MemoryRateLimiter, RateLimiter, RateLimits, RedisRateLimiter
from gateway.sdk.context import Principal

__all__ = ["Gate", "open_gate"]

log = logging.getLogger("silkgraph.policy")


@dataclasses.dataclass(kw_only=True)
class Gate:
    settings: Settings
    verifier: TokenVerifier | None = None
    persisted: PersistedQueries | None = None
    rate_limits: RateLimits | None = None
    #: the demo signing key's public JWKS (served at /.well-known/jwks.json in demo mode only)
    jwks: dict[str, Any] | None = None

    async def admit(
        self, request: GraphQLRequest, authorization: str | None, client: str
    ) -> tuple[GraphQLRequest, Principal]:
        """The principal and the request to run; raises :class:`RequestError` to refuse."""
        principal = await authenticate(self.verifier, authorization, required=self.settings.auth.required)
        if self.rate_limits is not None:
            await self.rate_limits.check(principal, client)
        if self.persisted is not None:
            query = await self.persisted.resolve(request.query, request.extensions, principal.roles)
            if query != request.query:
                request = dataclasses.replace(request, query=query)
        elif request.extensions and "persistedQuery" in request.extensions:
            raise RequestError("persisted queries are not enabled here", code="PERSISTED_QUERY_NOT_SUPPORTED")
        if not request.query:
            raise RequestError("the request has no 'query'")
        check_document_chars(request.query, self.settings.gateway.limits.max_document_chars)
        return request, principal

    @staticmethod
    def refusal(error: RequestError) -> GraphQLResponse:
        message, extensions = to_graphql_extensions(error)
        headers: dict[str, str] = {}
        if error.http_status == 401:
            headers["www-authenticate"] = 'Bearer realm="silkgraph"'
        if "retryAfter" in error.extensions:
            headers["retry-after"] = str(error.extensions["retryAfter"])
        return GraphQLResponse(
            errors=[{"message": message, "extensions": extensions}],
            request_error=True,
            # plain request errors keep the GraphQL-over-HTTP status rules (400, or 200 for application/json)
            status=None if error.http_status == 400 else error.http_status,
            headers=headers,
        )


def install(graph: FederatedGraph, supergraph: Supergraph, settings: Settings) -> None:
    """Wire limits, suggestions, demand control and authorization into the engine."""
    gw = settings.gateway
    lim = gw.limits
    graph.max_tokens = lim.max_tokens
    limits = DocumentLimits(
        max_fields=lim.max_fields,
        max_aliases=lim.max_aliases,
        max_depth=lim.max_depth,
        max_root_fields=lim.max_root_fields,
        max_directives=lim.max_directives,
        max_overlap_comparisons=lim.max_overlap_comparisons,
        max_introspection_depth=lim.max_introspection_depth,
        max_introspection_lists=lim.max_introspection_lists,
    )
    graph.pre_validation.append(limits.check)
    graph.operation_checks.append(EmptyIdCheck(supergraph.api_schema))
    graph.hide_suggestions = gw.production
    if gw.cost.mode != "off":
        graph.operation_checks.append(
            CostAnalyzer(supergraph, mode=gw.cost.mode, max_cost=gw.cost.max_cost, list_size=gw.cost.list_size)
        )
    graph.authorize = DirectiveAuthorizer(supergraph, load_policies(settings.auth.policies))


@contextlib.asynccontextmanager
async def open_gate(settings: Settings, graph: FederatedGraph, http: httpx.AsyncClient) -> AsyncIterator[Gate]:
    """Build the gate (and its Redis connections, closed on exit) and install the engine hooks."""
    install(graph, graph.supergraph, settings)
    auth = settings.auth
    gw = settings.gateway
    gate = Gate(settings=settings)
    async with contextlib.AsyncExitStack() as stack:
        redis_clients: dict[str, Any] = {}

        async def redis_for(url: str) -> Any:
            if url not in redis_clients:
                client = redis_store.connect(url)
                stack.push_async_callback(client.aclose)
                redis_clients[url] = client
            return redis_clients[url]

        keys: KeySource | None = None
        issuer, audience = auth.issuer, auth.audience
        if auth.jwks_url is not None:
            keys = JwksClient(
                auth.jwks_url,
                http,
                cache_seconds=auth.jwks_cache_seconds,
                min_refresh_seconds=auth.jwks_min_refresh_seconds,
            )
        elif not gw.production:
            dev = DevKey.load_or_create(auth.demo_key_file)
            gate.jwks = dev.jwks()
            keys = StaticKeys(gate.jwks)
            issuer, audience = issuer or DEMO_ISSUER, audience or DEMO_AUDIENCE
        if keys is not None:
            gate.verifier = TokenVerifier(
                keys,
                issuer=issuer,
                audience=audience,
                leeway=auth.leeway,
                algorithms=auth.algorithms,
                claims=ClaimNames(agency=auth.agency_claim, roles=auth.roles_claim),
            )
        pq = gw.persisted_queries
        if pq.apq or pq.safelist:
            store: QueryStore | None = None
            if pq.apq:
                store = (
                    MemoryQueryStore()
                    if pq.store == "memory"
                    else RedisQueryStore(await redis_for(pq.store), ttl_seconds=pq.ttl_seconds)
                )
            safelist = load_manifest(pq.manifest) if pq.safelist and pq.manifest else None
            gate.persisted = PersistedQueries(store, safelist=safelist, bypass_roles=frozenset(pq.bypass_roles))
        rl = gw.rate_limit
        if rl.enabled:
            limiter: RateLimiter = (
                MemoryRateLimiter()
                if rl.store == "memory"
                else RedisRateLimiter(await redis_for(rl.store), fail_open=rl.fail_open)
            )
            gate.rate_limits = RateLimits(
                limiter=limiter,
                per_principal=rl.per_principal,
                per_agency=rl.per_agency,
                window_seconds=rl.window_seconds,
            )
        yield gate
