"""Executable schemas over a :class:`World`'s data: each subgraph (with ``_entities``) and the monolith.

Subgraphs answer like strict real ones: a fetch that is not valid in the subgraph's own schema fails whole; a
field it holds only as ``@external`` (outside an ``@provides`` path), or that was overridden away from it, is an
error; a ``@requires`` field is computed from the value the gateway sent in the representation, never looked up.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    graphql_sync,
)

from bench.oracle.sdl import GraphView, monolith_sdl
from bench.oracle.world import World, requiring_value
from gateway.sdk.context import RequestContext

__all__ = ["OracleTransport", "monolith_schema", "subgraph_schema"]

_MACHINERY = """
scalar _Any
type _Service { sdl: String }
"""


def _object(typename: str, id_: str, **extra: Any) -> dict[str, Any]:
    return {"__typename": typename, "id": id_, **extra}


def _id_of(rep: Mapping[str, Any]) -> str | None:
    if isinstance(rep.get("id"), str):
        return str(rep["id"])
    sku = rep.get("sku")
    if isinstance(sku, str) and sku.startswith("sku:"):
        return sku[4:]
    code = rep.get("ref", {}).get("code") if isinstance(rep.get("ref"), dict) else None
    return code[5:] if isinstance(code, str) and code.startswith("code:") else None


def _root_value(world: World, graph: str | None, name: str, args: Mapping[str, Any]) -> Any:
    """Root fields as ids: the same rule in the monolith and in the subgraph that holds the field."""
    root = next(r for r in world.roots if r.name == name)
    if root.kind == "one":
        ids = world.types[root.target].ids
        return args["id"] if args["id"] in ids else None
    if root.kind == "list":
        return list(world.types[root.target].ids)
    if root.kind == "mixed":
        return world.types[str(root.member)].ids[0]
    abstract = world.abstracts[root.target]
    members = abstract.members.get(root.graph) or next(iter(abstract.members.values()))
    return [i for m in members for i in world.types[m].ids]


def monolith_schema(world: World) -> GraphQLSchema:
    schema = build_schema(monolith_sdl(world))

    def resolver(type_name: str) -> Any:
        def resolve(obj: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
            if type_name == "Query":
                return _root_value(world, None, info.field_name, args)
            return world.value(type_name, obj, info.field_name, args)

        return resolve

    for named in schema.type_map.values():
        if isinstance(named, GraphQLObjectType) and not named.name.startswith(("__", "Ref")):
            for field in named.fields.values():
                field.resolve = resolver(named.name)
        if isinstance(named, (GraphQLInterfaceType, GraphQLUnionType)):
            named.resolve_type = lambda obj, _info, _t: world.type_of_id(obj)
    return schema


def subgraph_schema(world: World, view: GraphView) -> GraphQLSchema:
    entity_members = [t for t in sorted(view.resolvable) if not _is_interface(world, view, t)]
    extra = _MACHINERY
    query_fields = "  _service: _Service!\n"
    if entity_members:
        extra += f"union _Entity = {' | '.join(entity_members)}\n"
        query_fields += "  _entities(representations: [_Any!]!): [_Entity]!\n"
    body = view.sdl.split("\n\n", 1)[1]
    if "type Query {" in body:
        body = body.replace("type Query {\n", "type Query {\n" + query_fields, 1)
    else:
        body = "type Query {\n" + query_fields + "}\n\n" + body
    schema = build_schema(body + extra, assume_valid_sdl=True)
    graph = view.graph

    def resolve_entities(_obj: Any, _info: GraphQLResolveInfo, representations: list[Any]) -> list[Any]:
        out: list[Any] = []
        for rep in representations:
            typename = rep.get("__typename")
            id_ = _id_of(rep)
            if typename not in view.resolvable or id_ is None:
                raise GraphQLError(f"subgraph {graph} cannot resolve a {typename} representation: {rep}")
            concrete = world.type_of_id(id_)
            if concrete not in world.types or id_ not in world.types[concrete].ids:
                out.append(None)
                continue
            is_object_here = (
                typename in world.abstracts
                and typename in schema.type_map
                and isinstance(schema.type_map[typename], GraphQLObjectType)
            )
            fields = {k: v for k, v in rep.items() if k != "__typename"}
            out.append(_object(typename if is_object_here else concrete, id_, **fields))
        return out

    def resolver(type_name: str) -> Any:
        roles = view.roles.get(type_name, {})

        def resolve(obj: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
            name = info.field_name
            if type_name == "Query":
                value = _root_value(world, graph, name, args)
                spec_target = next(r.target for r in world.roots if r.name == name)
                return _wrap(world, value, spec_target in world.abstracts and _is_object(schema, spec_target))
            id_ = obj["id"]
            concrete = world.type_of_id(id_)
            role = roles.get(name)
            if name in ("id", "sku", "ref", "extra"):
                return world.value(concrete, id_, name, args)
            if role == "external":
                if name in obj.get("_provided", ()):
                    return world.value(concrete, id_, name, args)
                raise GraphQLError(f"{graph} was asked for {type_name}.{name}, which is @external there")
            if role == "overridden":
                raise GraphQLError(f"{graph} was asked for {type_name}.{name}, which was overridden away from it")
            spec = world.types[concrete].field(name)
            assert spec is not None
            if spec.kind == "requires":
                if spec.needs not in obj:
                    raise GraphQLError(f"{graph}: the representation lacks {spec.needs} for @requires: {obj}")
                return requiring_value(name, obj[spec.needs], args.get("y"))
            value = world.value(concrete, id_, name, args)
            if spec.kind in ("ref", "refs"):
                provided = spec.provides
                if isinstance(value, list):
                    return [_object(world.type_of_id(v), v, _provided=provided) for v in value]
                return _object(world.type_of_id(value), value, _provided=provided)
            return value

        return resolve

    for named in schema.type_map.values():
        if isinstance(named, GraphQLObjectType) and not named.name.startswith(("_", "Ref")):
            for field in named.fields.values():
                field.resolve = resolver(named.name)
        if isinstance(named, (GraphQLInterfaceType, GraphQLUnionType)):
            named.resolve_type = lambda obj, _info, _t: obj["__typename"]
    query = schema.query_type
    assert query is not None
    if "_entities" in query.fields:
        query.fields["_entities"].resolve = resolve_entities
    query.fields["_service"].resolve = lambda *_a, **_k: {"sdl": view.sdl}
    return schema


def _is_interface(world: World, view: GraphView, name: str) -> bool:
    abstract = world.abstracts.get(name)
    return abstract is not None and abstract.owner == view.graph


def _is_object(schema: GraphQLSchema, name: str) -> bool:
    return isinstance(schema.type_map.get(name), GraphQLObjectType)


def _wrap(world: World, value: Any, as_interface_object: bool) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        return [_wrap(world, v, as_interface_object) for v in value]
    typename = "Item" if as_interface_object else world.type_of_id(value)
    return _object(typename, value)


class OracleTransport:
    """Calls a subgraph's executable schema in-process; validation errors fail the whole fetch, as over HTTP."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self.operations: list[str] = []

    async def fetch(
        self,
        operation: str,
        variables: Mapping[str, Any],
        context: RequestContext,
        operation_name: str | None = None,
    ) -> Mapping[str, Any]:
        self.operations.append(operation)
        result = graphql_sync(self.schema, operation, variable_values=dict(variables), operation_name=operation_name)
        out: dict[str, Any] = {"data": result.data}
        if result.errors:
            out["errors"] = [e.formatted for e in result.errors]
        return out
