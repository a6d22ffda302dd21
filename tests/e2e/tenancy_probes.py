"""Cross-tenant probes generated from the API schema: every list field and every by-id field of an entity.

For each list field the probe asks as every principal kind: anonymous callers and tokens without an agency get
no rows and an UNAUTHENTICATED / FORBIDDEN error; each agency gets a subset of what the platform operator sees;
then, for each entity with a by-id field, every record the operator lists and an agency does not is asked for by
id as that agency — and must come back null — while the agency's own records come back. Entities no root field
lists (invoices) are reached through a nested path and get the own-record probe only: a nested path shows an
agency part of what it may see. The same probes run
in-process and over standalone subgraphs (tests/e2e/test_tenancy_probes.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
)

from gateway.federation.supergraph import Supergraph
from gateway.sdk.context import Principal
from gateway.sdk.testing import KINDS

#: ``ask(query, variables, who)`` → the response body
Ask = Callable[[str, dict[str, Any], Principal], Awaitable[dict[str, Any]]]

#: by-id probes per record and agency are bounded, so the run stays short
MAX_FOREIGN = 4
MAX_OWN = 2


@dataclasses.dataclass(frozen=True)
class Source:
    """A way to list records of ``entity``: a root field and the path inside its answer to the records."""

    root: str
    path: tuple[str, ...]  # field names after the root, down to the entity
    entity: str


@dataclasses.dataclass(frozen=True)
class ById:
    field: str
    entity: str
    keys: tuple[str, ...]


def _key_fields(sg: Supergraph, entity: str) -> tuple[str, ...]:
    for tig in sg.type_graphs(entity).values():
        for key in tig.resolvable_keys:
            if "{" not in key:
                return tuple(key.split())
    return ()


def _optional_args(field: Any) -> bool:
    return all(not isinstance(a.type, GraphQLNonNull) or a.default_value is not None for a in field.args.values())


def _is_list(type_: Any) -> bool:
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


def by_id_fields(sg: Supergraph) -> list[ById]:
    out = []
    query = sg.api_schema.query_type
    assert query is not None
    for name, field in query.fields.items():
        entity = get_named_type(field.type)
        keys = _key_fields(sg, entity.name) if isinstance(entity, GraphQLObjectType) else ()
        if keys and not _is_list(field.type) and set(field.args) == set(keys):
            out.append(ById(name, entity.name, keys))
    return out


def _entities(sg: Supergraph) -> set[str]:
    return {n for n, t in sg.api_schema.type_map.items() if isinstance(t, GraphQLObjectType) and _key_fields(sg, n)}


def list_sources(sg: Supergraph, public: set[str]) -> list[Source]:
    """Root list fields of tenant entities: ``[T]``, or a connection holding ``nodes: [T]`` or ``edges { node }``."""
    out = []
    query = sg.api_schema.query_type
    assert query is not None
    entities = _entities(sg) - public
    for name, field in query.fields.items():
        if not _optional_args(field):
            continue
        named = get_named_type(field.type)
        if _is_list(field.type) and named.name in entities:
            out.append(Source(name, (), named.name))
        elif isinstance(named, GraphQLObjectType) and "nodes" in named.fields:
            inner = get_named_type(named.fields["nodes"].type)
            if inner.name in entities:
                out.append(Source(name, ("nodes",), inner.name))
        elif isinstance(named, GraphQLObjectType) and "edges" in named.fields:  # Relay: edges { node }
            edge = get_named_type(named.fields["edges"].type)
            node = get_named_type(edge.fields["node"].type) if isinstance(edge, GraphQLObjectType) else None
            if node is not None and node.name in entities:
                out.append(Source(name, ("edges", "node"), node.name))
    return out


def nested_sources(schema: GraphQLSchema, lists: list[Source], wanted: set[str]) -> list[Source]:
    """For entities no root list returns: a path from a root list to them (fields without required arguments)."""
    found: dict[str, Source] = {}
    frontier = [(s, get_named_type(schema.get_type(s.entity))) for s in lists]
    for _ in range(2):  # two hops are enough for the platform's graph
        nxt = []
        for source, type_ in frontier:
            if not isinstance(type_, GraphQLObjectType):
                continue
            for fname, field in type_.fields.items():
                target = get_named_type(field.type)
                if not _optional_args(field) or not isinstance(target, GraphQLObjectType):
                    continue
                path = Source(source.root, (*source.path, fname), target.name)
                if target.name in wanted and target.name not in found:
                    found[target.name] = path
                nxt.append((path, target))
        frontier = nxt
    return list(found.values())


def _selection(schema: GraphQLSchema, source: Source, keys: tuple[str, ...]) -> str:
    inner = " ".join(keys)
    for name in reversed(source.path):
        inner = f"{name} {{ {inner} }}"
    query = schema.query_type
    assert query is not None
    # a page large enough for the seed: a record missing from a short page is not a foreign record
    page = "(first: 100)" if "first" in query.fields[source.root].args else ""
    return f"{{ {source.root}{page} {{ {inner} }} }}"


def _walk(value: Any, path: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    if value is None:
        return
    if isinstance(value, list):
        for item in value:
            yield from _walk(item, path)
        return
    if not path:
        yield value
        return
    yield from _walk(value.get(path[0]), path[1:])


def rows(body: dict[str, Any], source: Source, keys: tuple[str, ...]) -> set[tuple[Any, ...]]:
    data = (body.get("data") or {}).get(source.root)
    return {tuple(r.get(k) for k in keys) for r in _walk(data, source.path) if r}


def codes(body: dict[str, Any]) -> set[str]:
    return {str((e.get("extensions") or {}).get("code")) for e in body.get("errors") or ()}


@dataclasses.dataclass
class Report:
    lines: list[str] = dataclasses.field(default_factory=list)
    problems: list[str] = dataclasses.field(default_factory=list)
    own_rows: dict[str, int] = dataclasses.field(default_factory=dict)

    def fail(self, text: str) -> None:
        self.problems.append(text)


async def probe(sg: Supergraph, ask: Ask, public: set[str]) -> Report:
    report = Report()
    lists = list_sources(sg, public)
    ids = [b for b in by_id_fields(sg) if b.entity not in public]
    wanted = {b.entity for b in ids} - {s.entity for s in lists} - public
    nested = nested_sources(sg.api_schema, lists, wanted)
    sources = lists + nested
    # what a nested path shows an agency is only part of what it may see (an invoice is the buyer's too, but
    # sits under the seller's rebates), so foreign-id probes run only on entities a root list returns
    listed = {s.entity for s in lists}
    seen: dict[str, dict[str, set[tuple[Any, ...]]]] = {}  # entity -> kind -> keys
    for source in sources:
        keys = _key_fields(sg, source.entity)
        query = _selection(sg.api_schema, source, keys)
        answers = {kind: await ask(query, {}, who) for kind, who in KINDS.items()}
        found = {kind: rows(body, source, keys) for kind, body in answers.items()}
        platform = found["operator"]
        for kind in ("anonymous", "agencyless"):
            expected_code = "UNAUTHENTICATED" if kind == "anonymous" else "FORBIDDEN"
            if found[kind] or expected_code not in codes(answers[kind]):
                report.fail(f"{query} as {kind}: {len(found[kind])} rows, codes {sorted(codes(answers[kind]))}")
        for kind in ("agency_a", "agency_b"):
            if not found[kind] <= platform:
                report.fail(f"{query} as {kind}: rows the platform does not list: {found[kind] - platform}")
            report.own_rows[f"{source.root}{'.' + '.'.join(source.path) if source.path else ''} ({kind})"] = len(
                found[kind]
            )
        per_kind = seen.setdefault(source.entity, {})
        for kind, keyset in found.items():
            per_kind.setdefault(kind, set()).update(keyset)
        report.lines.append(
            f"{query}: anonymous {len(found['anonymous'])}, no agency {len(found['agencyless'])}, "
            f"A {len(found['agency_a'])}, B {len(found['agency_b'])}, operator {len(platform)}, "
            f"auditor {len(found['auditor'])} rows"
        )
    for by_id in ids:
        keysets = seen.get(by_id.entity, {})
        if "operator" not in keysets:
            report.fail(f"no list reaches {by_id.entity}: {by_id.field} was not probed")
            continue
        args = ", ".join(f"{k}: ${k}" for k in by_id.keys)
        decl = ", ".join(f"${k}: {_arg_type(sg, by_id, k)}" for k in by_id.keys)
        query = f"query({decl}) {{ {by_id.field}({args}) {{ {' '.join(by_id.keys)} }} }}"
        for kind in ("agency_a", "agency_b"):
            who = KINDS[kind]
            own = sorted(keysets.get(kind, set()), key=str)[:MAX_OWN]
            foreign = sorted(keysets["operator"] - keysets.get(kind, set()), key=str)[:MAX_FOREIGN]
            if by_id.entity not in listed:
                foreign = []
            for key in foreign:
                body = await ask(query, dict(zip(by_id.keys, key, strict=True)), who)
                if (body.get("data") or {}).get(by_id.field) is not None:
                    report.fail(f"{by_id.field}{key} as {kind}: another agency's record was returned")
            for key in own:
                body = await ask(query, dict(zip(by_id.keys, key, strict=True)), who)
                if (body.get("data") or {}).get(by_id.field) is None:
                    report.fail(f"{by_id.field}{key} as {kind}: its own record came back null ({body.get('errors')})")
            report.lines.append(f"{by_id.field} as {kind}: {len(foreign)} foreign ids -> null, {len(own)} own -> found")
    return report


def _arg_type(sg: Supergraph, by_id: ById, name: str) -> str:
    query = sg.api_schema.query_type
    assert query is not None
    return str(query.fields[by_id.field].args[name].type)
