"""Supergraph SDL → routing model + API schema.

Accepts supergraphs composed by Silkgraph or by other tools (join spec v0.3, v0.4, v0.5). The routing model says,
for every type and field, which subgraphs can resolve it, with which keys, and what ``@requires``/``@provides``/
``@override`` apply. The API schema is what clients see: the supergraph without the join/link machinery and
without ``@inaccessible`` elements; client documents are validated against it and introspection answers from it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from graphql import (
    ConstArgumentNode,
    ConstDirectiveNode,
    DefinitionNode,
    DirectiveDefinitionNode,
    DirectiveLocation,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    GraphQLDeferDirective,
    GraphQLDeprecatedDirective,
    GraphQLDirective,
    GraphQLError,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    NamedTypeNode,
    ObjectTypeDefinitionNode,
    ScalarTypeDefinitionNode,
    SchemaDefinitionNode,
    TypeDefinitionNode,
    UnionTypeDefinitionNode,
    build_ast_schema,
    is_abstract_type,
    parse,
    value_from_ast_untyped,
)
from graphql.language import FieldDefinitionNode, InputValueDefinitionNode

from gateway.errors import BadUserInput, SupergraphError

__all__ = ["FieldRouting", "KeyInGraph", "Subgraph", "Supergraph", "TypeInGraph", "load_supergraph"]

SUPPORTED_JOIN = ("0.3", "0.4", "0.5")
_LINK_RE = re.compile(r"^https://specs\.apollo\.dev/(?P<name>[A-Za-z_]+)/v(?P<version>\d+\.\d+)$")
#: features whose semantics Silkgraph implements (or may safely ignore); others marked for EXECUTION/SECURITY
#: make the gateway refuse to start.
KNOWN_FEATURES = {
    "link",
    "join",
    "inaccessible",
    "tag",
    "authenticated",
    "requiresScopes",
    "policy",
    "cost",
    "listSize",
    "context",
    "cacheTag",
}


@dataclasses.dataclass(frozen=True, slots=True)
class Subgraph:
    enum_value: str  # e.g. PAYMENTS
    name: str  # e.g. payments
    url: str


@dataclasses.dataclass(frozen=True, slots=True)
class KeyInGraph:
    fields: str
    resolvable: bool = True


@dataclasses.dataclass(slots=True)
class TypeInGraph:
    graph: str  # subgraph name
    keys: list[KeyInGraph] = dataclasses.field(default_factory=list)
    extension: bool = False
    is_interface_object: bool = False

    @property
    def resolvable_keys(self) -> list[str]:
        return [k.fields for k in self.keys if k.resolvable]


@dataclasses.dataclass(frozen=True, slots=True)
class FieldRouting:
    """How one subgraph relates to one field."""

    graph: str
    external: bool = False
    requires: str | None = None
    provides: str | None = None
    type: str | None = None
    override: str | None = None
    override_label: str | None = None
    used_overridden: bool = False
    context_arguments: tuple[Mapping[str, Any], ...] = ()


class Supergraph:
    """The routing model and the API schema of one supergraph."""

    def __init__(
        self,
        *,
        sdl: str,
        join_version: str,
        subgraphs: dict[str, Subgraph],
        types: dict[str, dict[str, TypeInGraph]],
        fields: dict[tuple[str, str], list[FieldRouting]],
        implements: dict[str, dict[str, set[str]]],
        union_members: dict[str, dict[str, set[str]]],
        api_schema: GraphQLSchema,
        supergraph_schema: GraphQLSchema,
        api_sdl_document: DocumentNode,
        contexts: dict[str, set[str]] | None = None,
    ) -> None:
        self.sdl = sdl
        self.join_version = join_version
        self.subgraphs = subgraphs
        self.types = types
        self._fields = fields
        self.implements = implements  # type -> graph -> interfaces
        self.union_members = union_members  # union -> graph -> members
        self.api_schema = api_schema
        self.schema = supergraph_schema
        self.api_document = api_sdl_document
        #: ``@context`` name (``<subgraph>__<name>``) -> the types (objects, interfaces, unions) that set it
        self.contexts = contexts or {}
        self.hash = hashlib.sha256(sdl.encode()).hexdigest()

    # -- questions the planner asks ------------------------------------------------------------------------
    def type_graphs(self, type_name: str) -> dict[str, TypeInGraph]:
        return self.types.get(type_name, {})

    def contexts_set_by(self, type_name: str) -> frozenset[str]:
        """The contexts an object of ``type_name`` sets: its own and those of its interfaces and unions."""
        runtime = self.schema.get_type(type_name)
        out: set[str] = set()
        for context, setters in self.contexts.items():
            for setter in setters:
                abstract = self.schema.get_type(setter)
                if setter == type_name or (
                    isinstance(runtime, GraphQLObjectType)
                    and is_abstract_type(abstract)
                    and self.schema.is_sub_type(abstract, runtime)
                ):
                    out.add(context)
        return frozenset(out)

    def field_routings(self, type_name: str, field_name: str) -> list[FieldRouting]:
        """Every ``@join__field`` of the field; implicit ones when the field carries none; none for a field the
        type does not have (an implementation's own field is not the interface's)."""
        explicit = self._fields.get((type_name, field_name))
        if explicit is not None:
            return explicit
        if field_name not in getattr(self.schema.get_type(type_name), "fields", {}):
            return []
        return [FieldRouting(graph=g) for g in self.type_graphs(type_name)]

    def resolving(
        self, type_name: str, field_name: str, labels: frozenset[str] = frozenset()
    ) -> dict[str, FieldRouting]:
        """Subgraphs that can resolve ``type.field`` (not external; ``@override`` and labels applied)."""
        result: dict[str, FieldRouting] = {}
        routings = self.field_routings(type_name, field_name)
        overridden_by_label: set[str] = set()
        overridden: set[str] = set()
        for r in routings:
            if r.override is not None:
                source = self._graph_by_name_or_enum(r.override)
                if r.override_label is None:
                    overridden.add(source)
                elif r.override_label in labels:
                    overridden_by_label.add(source)
        for r in routings:
            if r.external or r.graph not in self.subgraphs:
                continue
            if r.used_overridden and r.override is None:
                continue
            if r.graph in overridden or r.graph in overridden_by_label:
                continue
            if r.override is not None and r.override_label is not None and r.override_label not in labels:
                continue
            result[r.graph] = r
        return result

    def field_routing_table(self) -> Mapping[tuple[str, str], list[FieldRouting]]:
        """Every explicit ``@join__field``, by (type, field)."""
        return self._fields

    def routing(self, type_name: str, field_name: str, graph: str) -> FieldRouting | None:
        for r in self.field_routings(type_name, field_name):
            if r.graph == graph:
                return r
        return None

    def graph_knows_type(self, graph: str, type_name: str) -> bool:
        return graph in self.type_graphs(type_name)

    def is_interface_object(self, graph: str, type_name: str) -> bool:
        t = self.type_graphs(type_name).get(graph)
        return bool(t and t.is_interface_object)

    def possible_types_in_graph(self, graph: str, abstract: str) -> list[str]:
        """Concrete types of ``abstract`` that ``graph`` can return (API schema order)."""
        api_type = self.api_schema.get_type(abstract)
        if api_type is None:
            return []
        candidates = [t.name for t in self.api_schema.get_possible_types(api_type)]  # type: ignore[arg-type]
        members = self.union_members.get(abstract, {}).get(graph, set())
        return [n for n in candidates if n in members or abstract in self.implements.get(n, {}).get(graph, set())]

    def _graph_by_name_or_enum(self, value: str) -> str:
        if value in self.subgraphs:
            return value
        for sg in self.subgraphs.values():
            if sg.enum_value == value or sg.name.lower() == value.lower():
                return sg.name
        return value

    def with_urls(self, urls: Mapping[str, str]) -> Supergraph:
        """A copy routing some subgraphs to other URLs (e.g. in-process adapters)."""
        subgraphs = {n: dataclasses.replace(s, url=urls.get(n, s.url)) for n, s in self.subgraphs.items()}
        clone = object.__new__(Supergraph)
        clone.__dict__.update(self.__dict__)
        clone.subgraphs = subgraphs
        return clone


# -----------------------------------------------------------------------------------------------------------
# loading


def _args(directive: ConstDirectiveNode) -> dict[str, Any]:
    return {a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments or ()}


def _arg_nodes(directive: ConstDirectiveNode) -> dict[str, ConstArgumentNode]:
    return {a.name.value: a for a in directive.arguments or ()}


@dataclasses.dataclass
class _Links:
    join_prefix: str = "join"
    join_version: str = ""
    link_prefix: str = "link"
    #: prefix (as used in the schema) -> feature name for every linked spec
    prefixes: dict[str, str] = dataclasses.field(default_factory=dict)
    #: imported directive names (as used) -> feature
    imported: dict[str, str] = dataclasses.field(default_factory=dict)


def _read_links(schema_def: SchemaDefinitionNode) -> _Links:
    links = _Links()
    found_join = False
    for d in schema_def.directives or ():
        if d.name.value not in ("link", "core"):
            continue
        args = _args(d)
        url = args.get("url") or args.get("feature")
        if not isinstance(url, str):
            raise SupergraphError("supergraph @link without a url")
        m = _LINK_RE.match(url)
        if not m:
            purpose = args.get("for")
            if purpose in ("EXECUTION", "SECURITY"):
                raise SupergraphError(f"unsupported feature {url} marked for {purpose}: Silkgraph cannot run it safely")
            continue
        name, version = m.group("name"), m.group("version")
        prefix = args.get("as") or name
        if name not in KNOWN_FEATURES and args.get("for") in ("EXECUTION", "SECURITY"):
            raise SupergraphError(
                f"unsupported feature {url} marked for {args.get('for')}: Silkgraph cannot run it safely"
            )
        links.prefixes[str(prefix)] = name
        for imp in args.get("import") or ():
            imported = imp if isinstance(imp, str) else imp.get("as") or imp.get("name")
            if isinstance(imported, str) and imported.startswith("@"):
                links.imported[imported[1:]] = name
        if name == "join":
            found_join = True
            links.join_prefix = str(prefix)
            links.join_version = version
        if name == "link":
            links.link_prefix = str(prefix)
    if not found_join:
        raise SupergraphError(
            "not a supergraph: the schema has no @link to https://specs.apollo.dev/join/v0.x "
            "(is this a subgraph SDL? compose it first with `silkgraph compose`)"
        )
    if links.join_version not in SUPPORTED_JOIN:
        raise SupergraphError(
            f"join spec v{links.join_version} is not supported; Silkgraph runs join "
            f"v{', v'.join(SUPPORTED_JOIN)} (Federation 2). Recompose the supergraph with Federation 2."
        )
    return links


def load_supergraph(sdl: str, *, scalar_rules: Mapping[str, Any] | None = None) -> Supergraph:
    """Parse and check a supergraph SDL. Raises :class:`SupergraphError` naming the problem."""
    try:
        document = parse(sdl)
    except GraphQLError as exc:
        raise SupergraphError(f"supergraph is not valid GraphQL SDL: {exc.message} at {_location(exc)}") from None
    schema_defs = [d for d in document.definitions if isinstance(d, SchemaDefinitionNode)]
    if len(schema_defs) != 1:
        raise SupergraphError("a supergraph must have exactly one schema definition with its @link directives")
    links = _read_links(schema_defs[0])
    try:
        supergraph_schema = build_ast_schema(document, assume_valid_sdl=True)
    except (GraphQLError, TypeError) as exc:
        raise SupergraphError(f"supergraph does not build: {exc}") from None

    j = links.join_prefix
    subgraphs: dict[str, Subgraph] = {}
    enum_to_graph: dict[str, str] = {}
    for d in document.definitions:
        if isinstance(d, EnumTypeDefinitionNode) and d.name.value == f"{j}__Graph":
            for v in d.values or ():
                for dd in v.directives or ():
                    if dd.name.value == f"{j}__graph":
                        a = _args(dd)
                        subgraphs[a["name"]] = Subgraph(enum_value=v.name.value, name=a["name"], url=a["url"])
                        enum_to_graph[v.name.value] = a["name"]
    if not subgraphs:
        raise SupergraphError(f"supergraph declares no subgraphs (enum {j}__Graph is missing or empty)")

    def graph_of(args: Mapping[str, Any], where: str) -> str | None:
        g = args.get("graph")
        if g is None:
            return None
        if g not in enum_to_graph:
            raise SupergraphError(f"{where}: unknown graph {g!r} (not a value of {j}__Graph)")
        return enum_to_graph[g]

    types: dict[str, dict[str, TypeInGraph]] = {}
    fields: dict[tuple[str, str], list[FieldRouting]] = {}
    implements: dict[str, dict[str, set[str]]] = {}
    union_members: dict[str, dict[str, set[str]]] = {}
    contexts: dict[str, set[str]] = {}
    context_directive = next((p for p, n in links.prefixes.items() if n == "context"), "context")
    for d in document.definitions:
        if not isinstance(d, TypeDefinitionNode):
            continue
        tname = d.name.value
        for dd in d.directives or ():
            name = dd.name.value
            if name == context_directive:
                contexts.setdefault(str(_args(dd).get("name")), set()).add(tname)
            elif name == f"{j}__type":
                a = _args(dd)
                g = graph_of(a, f"type {tname}")
                if g is None:
                    continue
                entry = types.setdefault(tname, {}).setdefault(g, TypeInGraph(graph=g))
                if a.get("key") is not None:
                    entry.keys.append(KeyInGraph(fields=a["key"], resolvable=a.get("resolvable", True) is not False))
                entry.extension = entry.extension or bool(a.get("extension"))
                entry.is_interface_object = entry.is_interface_object or bool(a.get("isInterfaceObject"))
            elif name == f"{j}__implements":
                a = _args(dd)
                g = graph_of(a, f"type {tname}")
                if g is not None:
                    implements.setdefault(tname, {}).setdefault(g, set()).add(a["interface"])
            elif name == f"{j}__unionMember":
                a = _args(dd)
                g = graph_of(a, f"union {tname}")
                if g is not None:
                    union_members.setdefault(tname, {}).setdefault(g, set()).add(a["member"])
        if isinstance(d, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode | InputObjectTypeDefinitionNode):
            for f in d.fields or ():
                routings = []
                for dd in f.directives or ():
                    if dd.name.value != f"{j}__field":
                        continue
                    a = _args(dd)
                    g = graph_of(a, f"field {tname}.{f.name.value}")
                    if g is None:
                        continue
                    routings.append(
                        FieldRouting(
                            graph=g,
                            external=bool(a.get("external")),
                            requires=a.get("requires"),
                            provides=a.get("provides"),
                            type=a.get("type"),
                            override=a.get("override"),
                            override_label=a.get("overrideLabel"),
                            used_overridden=bool(a.get("usedOverridden")),
                            context_arguments=tuple(a.get("contextArguments") or ()),
                        )
                    )
                has_join_field = any(dd.name.value == f"{j}__field" for dd in f.directives or ())
                if has_join_field:
                    fields[(tname, f.name.value)] = routings
        # unions / implements without explicit join directives (join v0.3 composers emit them; be lenient)
        if isinstance(d, UnionTypeDefinitionNode) and tname not in union_members:
            for g in types.get(tname, {}):
                union_members.setdefault(tname, {})[g] = {m.name.value for m in d.types or ()}
        if isinstance(d, ObjectTypeDefinitionNode) and d.interfaces and tname not in implements:
            for g in types.get(tname, {}):
                implements.setdefault(tname, {})[g] = {i.name.value for i in d.interfaces}

    api_document = _api_document(document, links)
    try:
        api_schema = build_ast_schema(api_document, assume_valid_sdl=True)
    except (GraphQLError, TypeError) as exc:
        raise SupergraphError(f"API schema does not build after removing @inaccessible elements: {exc}") from None
    if api_schema.get_directive("defer") is None:  # the gateway serves @defer (gateway.federation.incremental)
        kwargs = api_schema.to_kwargs()
        kwargs["directives"] = (*kwargs["directives"], GraphQLDeferDirective)
        api_schema = GraphQLSchema(**kwargs)
    errors = _check_api_schema(api_schema)
    if errors:
        raise SupergraphError("API schema is invalid: " + "; ".join(errors))
    api_schema.directives = tuple(_spec_directive(d) for d in api_schema.directives)
    if scalar_rules:
        attach_scalar_rules(api_schema, scalar_rules)
    return Supergraph(
        sdl=sdl,
        join_version=links.join_version,
        subgraphs=subgraphs,
        types=types,
        fields=fields,
        implements=implements,
        union_members=union_members,
        api_schema=api_schema,
        supergraph_schema=supergraph_schema,
        api_sdl_document=api_document,
        contexts=contexts,
    )


def _location(exc: GraphQLError) -> str:
    if exc.locations:
        loc = exc.locations[0]
        return f"line {loc.line}, column {loc.column}"
    return "unknown position"


def _check_api_schema(schema: GraphQLSchema) -> list[str]:
    from graphql import validate_schema

    return [e.message for e in validate_schema(schema)]


# -----------------------------------------------------------------------------------------------------------
# API schema


def _api_document(document: DocumentNode, links: _Links) -> DocumentNode:
    """The supergraph minus machinery: join/link types and directives, @inaccessible elements, feature
    directives (their definitions and applications). ``@deprecated``/``@specifiedBy`` and custom directives
    that are not part of a linked feature are kept."""
    machinery_prefixes = tuple(f"{p}__" for p in links.prefixes)
    feature_directives = set(links.imported) | {p for p, n in links.prefixes.items() if n not in ("join",)}
    feature_directives |= {"link", "core"}
    inaccessible_names = {n for n, f in links.imported.items() if f == "inaccessible"}
    inaccessible_names |= {f"{p}__inaccessible" for p, f in links.prefixes.items() if f == "inaccessible"}
    inaccessible_names |= {p for p, f in links.prefixes.items() if f == "inaccessible"}

    def is_machinery_name(name: str) -> bool:
        return name.startswith(machinery_prefixes) or name in feature_directives

    def inaccessible(node: Any) -> bool:
        return any(d.name.value in inaccessible_names for d in getattr(node, "directives", None) or ())

    def keep_directives(node_directives: Iterable[ConstDirectiveNode] | None) -> tuple[ConstDirectiveNode, ...]:
        return tuple(d for d in node_directives or () if not is_machinery_name(d.name.value))

    hidden_types = {
        d.name.value
        for d in document.definitions
        if isinstance(d, TypeDefinitionNode) and (inaccessible(d) or is_machinery_name(d.name.value))
    }

    def refers_hidden(type_node: Any) -> bool:
        while not isinstance(type_node, NamedTypeNode):
            type_node = type_node.type
        return type_node.name.value in hidden_types

    def clean_args(args: Iterable[InputValueDefinitionNode] | None) -> tuple[InputValueDefinitionNode, ...]:
        result = []
        for a in args or ():
            if inaccessible(a) or refers_hidden(a.type):
                continue
            result.append(_replace(a, directives=keep_directives(a.directives)))
        return tuple(result)

    definitions: list[DefinitionNode] = []
    for d in document.definitions:
        if isinstance(d, SchemaDefinitionNode):
            definitions.append(_replace(d, directives=()))
            continue
        if isinstance(d, DirectiveDefinitionNode):
            if is_machinery_name(d.name.value):
                continue
            definitions.append(_replace(d, arguments=clean_args(d.arguments)))
            continue
        if not isinstance(d, TypeDefinitionNode) or d.name.value in hidden_types:
            continue
        changes: dict[str, Any] = {"directives": keep_directives(d.directives)}
        if isinstance(d, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
            kept_fields: list[FieldDefinitionNode] = [
                _replace(f, directives=keep_directives(f.directives), arguments=clean_args(f.arguments))
                for f in d.fields or ()
                if not inaccessible(f) and not refers_hidden(f.type)
            ]
            changes["fields"] = tuple(kept_fields)
            changes["interfaces"] = tuple(i for i in d.interfaces or () if i.name.value not in hidden_types)
            if not kept_fields:
                continue
        elif isinstance(d, InputObjectTypeDefinitionNode):
            changes["fields"] = clean_args(d.fields)
        elif isinstance(d, EnumTypeDefinitionNode | EnumTypeExtensionNode):
            changes["values"] = tuple(
                _replace(v, directives=keep_directives(v.directives)) for v in d.values or () if not inaccessible(v)
            )
        elif isinstance(d, UnionTypeDefinitionNode):
            changes["types"] = tuple(t for t in d.types or () if t.name.value not in hidden_types)
            if not changes["types"]:
                continue
        elif isinstance(d, ScalarTypeDefinitionNode):
            pass
        definitions.append(_replace(d, **changes))
    # types that became empty (every field inaccessible) disappear, and so must references to them
    return DocumentNode(definitions=tuple(definitions))


def _replace(node: Any, **changes: Any) -> Any:
    return node.__class__(**{key: changes.get(key, getattr(node, key)) for key in node.keys})


#: @deprecated as the GraphQL specification defines it. graphql-core 3.3 adds DIRECTIVE_DEFINITION (a proposal),
#: which introspecting clients on graphql-js 16 (GraphQL Code Generator, GraphiQL's SDL export) cannot parse.
_SPEC_DEPRECATED = GraphQLDirective(
    name=GraphQLDeprecatedDirective.name,
    locations=[
        DirectiveLocation.FIELD_DEFINITION,
        DirectiveLocation.ARGUMENT_DEFINITION,
        DirectiveLocation.INPUT_FIELD_DEFINITION,
        DirectiveLocation.ENUM_VALUE,
    ],
    args=GraphQLDeprecatedDirective.args,
    description=GraphQLDeprecatedDirective.description,
)


def _spec_directive(directive: GraphQLDirective) -> GraphQLDirective:
    return _SPEC_DEPRECATED if directive is GraphQLDeprecatedDirective else directive


def attach_scalar_rules(schema: GraphQLSchema, rules: Mapping[str, Any]) -> None:
    """Make the API schema's custom scalars validate input with the platform's rules — literals and variables
    alike (one rule: a bad value is a request error, ``BAD_USER_INPUT``, before anything executes)."""
    for name, rule in rules.items():
        scalar: GraphQLNamedType | None = schema.get_type(name)
        if not isinstance(scalar, GraphQLScalarType):
            continue

        def parse_value(value: Any, _rule: Any = rule) -> Any:
            _rule(value)
            return value

        def parse_literal(node: Any, variables: Any = None, _rule: Any = rule) -> Any:
            value = value_from_ast_untyped(node, variables)
            _rule(value)
            return value

        scalar.parse_value = parse_value  # type: ignore[method-assign]
        scalar.parse_literal = parse_literal  # type: ignore[method-assign]
        # graphql-core >= 3.3 coerces variables through coerce_input_value, copied from parse_value when the
        # scalar was built: without this, a literal was checked and the same value as a variable was not
        scalar.coerce_input_value = parse_value


def is_bad_user_input(error: GraphQLError) -> bool:
    return isinstance(error.original_error, BadUserInput)
