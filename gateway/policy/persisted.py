"""Persisted queries: automatic persisted queries (APQ, a cache) and a safelist (a security control).

APQ (``extensions.persistedQuery = {version: 1, sha256Hash}``): a hash alone runs the stored document or answers
``PERSISTED_QUERY_NOT_FOUND`` so the client resends hash + query; hash + query is checked (the SHA-256 of the
query text must equal the hash) and stored. The store is in memory or in Redis (shared by replicas, with a TTL).

Safelist mode (production frontends): only operations listed in a manifest run — by id (the hash) or by their
exact text. The manifest uses the Apollo persisted-query-manifest JSON format::

    {"format": "apollo-persisted-query-manifest", "version": 1,
     "operations": [{"id": "<sha256 of body>", "name": "Shipment", "type": "query", "body": "query Shipment ..."}]}

Listed documents are parsed and validated the first time they run and cached by text from then on, so
validation cost is paid once per listed operation, never per request.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    OperationDefinitionNode,
    parse,
    print_ast,
    visit,
)
from graphql.language import Visitor

from gateway.errors import BadRequest, ConfigError, RequestError
from gateway.redis_store import GuardedRedis, RedisUnavailable

__all__ = [
    "MANIFEST_FORMAT",
    "MemoryQueryStore",
    "PersistedQueries",
    "QueryStore",
    "RedisQueryStore",
    "build_manifest",
    "load_manifest",
    "sha256_hex",
]

MANIFEST_FORMAT = "apollo-persisted-query-manifest"


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class QueryStore(Protocol):
    async def get(self, digest: str) -> str | None: ...

    async def put(self, digest: str, query: str) -> None: ...


class MemoryQueryStore:
    """An LRU of query texts by hash."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self.items: OrderedDict[str, str] = OrderedDict()

    async def get(self, digest: str) -> str | None:
        value = self.items.get(digest)
        if value is not None:
            self.items.move_to_end(digest)
        return value

    async def put(self, digest: str, query: str) -> None:
        self.items[digest] = query
        self.items.move_to_end(digest)
        while len(self.items) > self.size:
            self.items.popitem(last=False)


class RedisQueryStore:
    """Query texts in Redis under ``prefix + hash`` with a TTL (shared by every gateway replica).

    When Redis cannot answer (:mod:`gateway.redis_store`) a lookup is a miss — the client sends the full query
    again, as after any eviction — and a registration is dropped.
    """

    def __init__(self, redis: Any, *, ttl_seconds: int = 86_400, prefix: str = "silkgraph:apq:") -> None:
        self.redis = redis
        self.guarded = GuardedRedis(redis)
        self.ttl = ttl_seconds
        self.prefix = prefix

    async def get(self, digest: str) -> str | None:
        try:
            value = await self.guarded.run(lambda: self.redis.get(self.prefix + digest), what="persisted query")
        except RedisUnavailable:
            return None
        if value is None:
            return None
        return value.decode("utf-8") if isinstance(value, bytes) else str(value)

    async def put(self, digest: str, query: str) -> None:
        with contextlib.suppress(RedisUnavailable):
            await self.guarded.run(
                lambda: self.redis.set(self.prefix + digest, query.encode("utf-8"), ex=self.ttl),
                what="persisted query",
            )


class PersistedQueryError(RequestError):
    """An APQ / safelist refusal; HTTP 200 for a cache miss (clients retry with the query), else 400."""


@dataclasses.dataclass(frozen=True)
class ManifestOperation:
    id: str
    name: str | None
    type: str
    body: str


class PersistedQueries:
    """Resolves the query text of a request from its ``persistedQuery`` extension and enforces the safelist."""

    def __init__(
        self,
        store: QueryStore | None,
        *,
        safelist: Iterable[ManifestOperation] | None = None,
        bypass_roles: frozenset[str] = frozenset(),
    ) -> None:
        self.store = store
        self.safelist = {op.id: op.body for op in safelist} if safelist is not None else None
        self.safelisted_texts = frozenset(self.safelist.values()) if self.safelist is not None else frozenset()
        self.bypass_roles = bypass_roles

    async def resolve(
        self, query: str, extensions: Mapping[str, Any] | None, roles: frozenset[str] = frozenset()
    ) -> str:
        """The document text to run, or a :class:`RequestError` saying why there is none."""
        persisted = (extensions or {}).get("persistedQuery")
        enforce = self.safelist is not None and not (roles & self.bypass_roles)
        if persisted is None:
            if enforce and query not in self.safelisted_texts:
                raise PersistedQueryError(
                    "this gateway runs only registered operations; send a persisted query id from the manifest",
                    code="QUERY_NOT_IN_SAFELIST",
                )
            return query
        if not isinstance(persisted, dict):
            raise BadRequest("extensions.persistedQuery must be an object {version: 1, sha256Hash}")
        if persisted.get("version") != 1:
            raise PersistedQueryError("persisted query version must be 1", code="PERSISTED_QUERY_VERSION_UNSUPPORTED")
        digest = persisted.get("sha256Hash") or persisted.get("id")
        if not isinstance(digest, str) or not digest or len(digest) > 128:
            raise BadRequest("extensions.persistedQuery.sha256Hash must be a hex SHA-256 string")
        digest = digest.lower()
        if self.safelist is not None and digest in self.safelist:
            listed = self.safelist[digest]
            if query and query != listed:
                raise PersistedQueryError(
                    "the query does not match its persisted query id", code="PERSISTED_QUERY_ID_MISMATCH"
                )
            return listed
        if enforce:
            raise PersistedQueryError(
                f"operation {digest[:16]}… is not in this gateway's persisted query list",
                code="PERSISTED_QUERY_NOT_IN_LIST",
            )
        if self.store is None:
            raise PersistedQueryError("persisted queries are not supported here", code="PERSISTED_QUERY_NOT_SUPPORTED")
        if query:
            if sha256_hex(query) != digest:
                raise PersistedQueryError(
                    "the query's SHA-256 does not match extensions.persistedQuery.sha256Hash",
                    code="PERSISTED_QUERY_HASH_MISMATCH",
                )
            await self.store.put(digest, query)
            return query
        stored = await self.store.get(digest)
        if stored is None:
            error = PersistedQueryError("PersistedQueryNotFound", code="PERSISTED_QUERY_NOT_FOUND")
            error.http_status = 200
            raise error
        return stored


# ------------------------------------------------------------------------------------------------ manifest


def load_manifest(path: str | Path) -> list[ManifestOperation]:
    """Read an Apollo persisted-query manifest; every body must hash to its id."""
    file = Path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError("gateway.persisted_queries.manifest", f"cannot read {str(file)!r}: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT or data.get("version") != 1:
        raise ConfigError("gateway.persisted_queries.manifest", f"{file} is not a {MANIFEST_FORMAT} version 1")
    operations = []
    for entry in data.get("operations") or ():
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("id"), str)
            or not isinstance(entry.get("body"), str)
        ):
            raise ConfigError("gateway.persisted_queries.manifest", "every operation needs a string 'id' and 'body'")
        operations.append(
            ManifestOperation(
                id=entry["id"].lower(), name=entry.get("name"), type=str(entry.get("type", "query")), body=entry["body"]
            )
        )
    return operations


def build_manifest(documents: Mapping[str, str]) -> dict[str, Any]:
    """A manifest from GraphQL files (name → text): one entry per operation, with the fragments it uses."""
    operations = []
    for source, text in sorted(documents.items()):
        try:
            document = parse(text)
        except GraphQLError as exc:
            raise ConfigError(source, f"not valid GraphQL: {exc.message}") from None
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        for op in document.definitions:
            if not isinstance(op, OperationDefinitionNode):
                continue
            if op.name is None:
                raise ConfigError(source, "every persisted operation needs a name")
            used = _fragments_used(op, fragments)
            body = print_ast(DocumentNode(definitions=(op, *(fragments[n] for n in sorted(used)))))
            operations.append({"id": sha256_hex(body), "name": op.name.value, "type": op.operation.value, "body": body})
    operations.sort(key=lambda o: (o["name"], o["id"]))
    return {"format": MANIFEST_FORMAT, "version": 1, "operations": operations}


def _fragments_used(op: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]) -> set[str]:
    used: set[str] = set()
    pending: list[Any] = [op]
    while pending:
        collector = _Spreads()
        visit(pending.pop(), collector)
        for name in collector.names:
            if name in fragments and name not in used:
                used.add(name)
                pending.append(fragments[name])
    return used


class _Spreads(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
        self.names.append(node.name.value)
