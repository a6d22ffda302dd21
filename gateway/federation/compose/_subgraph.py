"""Parse one subgraph SDL into the composer's model (:mod:`._model`).

Resolves ``@link`` names, folds ``extend`` definitions into their type, drops the federation machinery
(``_Any``, ``_Entity``, ``_Service``, ``_entities``, ``_service``, spec scalars and directive definitions) and
renames the root types to ``Query`` / ``Mutation`` / ``Subscription``.
"""

from __future__ import annotations

from graphql import GraphQLSyntaxError, parse
from graphql.language import (
    BooleanValueNode,
    ConstDirectiveNode,
    DirectiveDefinitionNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    FieldDefinitionNode,
    FieldNode,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ListTypeNode,
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    TypeNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    print_ast,
)

from ._fieldset import parse_field_set
from ._link import FEDERATION_MACHINERY_TYPES, resolve_links
from ._model import EnumValue, Field, InputValue, Key, Kind, LinkedFeature, Subgraph, TypeDef

__all__ = ["KEPT_DIRECTIVES", "parse_subgraph"]

_ROOT_NAMES = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}
_BUILT_IN_DIRECTIVES = frozenset({"deprecated", "specifiedBy", "oneOf", "include", "skip", "defer", "stream"})
#: Canonical federation directives whose applications reach the supergraph as they are.
KEPT_DIRECTIVES = frozenset({"inaccessible", "tag", "authenticated", "requiresScopes", "policy", "cost", "listSize"})
_KINDS: dict[type, Kind] = {
    ObjectTypeDefinitionNode: Kind.OBJECT,
    ObjectTypeExtensionNode: Kind.OBJECT,
    InterfaceTypeDefinitionNode: Kind.INTERFACE,
    InterfaceTypeExtensionNode: Kind.INTERFACE,
    UnionTypeDefinitionNode: Kind.UNION,
    UnionTypeExtensionNode: Kind.UNION,
    EnumTypeDefinitionNode: Kind.ENUM,
    EnumTypeExtensionNode: Kind.ENUM,
    InputObjectTypeDefinitionNode: Kind.INPUT_OBJECT,
    InputObjectTypeExtensionNode: Kind.INPUT_OBJECT,
    ScalarTypeDefinitionNode: Kind.SCALAR,
    ScalarTypeExtensionNode: Kind.SCALAR,
}


class _Reader:
    """Turns one parsed document into a :class:`Subgraph`, collecting problems instead of stopping."""

    def __init__(self, subgraph: Subgraph, document: DocumentNode) -> None:
        self.subgraph = subgraph
        self.document = document
        self.problems: list[str] = []
        self.names: dict[str, str] = {}
        self.renames: dict[str, str] = {}
        self.spec_types: set[str] = set()

    @property
    def where(self) -> str:
        return f'subgraph "{self.subgraph.name}"'

    # -- schema definition, links and roots -------------------------------------------------------------------

    def read_schema(self) -> None:
        schema_nodes = [
            d for d in self.document.definitions if isinstance(d, SchemaDefinitionNode | SchemaExtensionNode)
        ]
        directives = [d for node in schema_nodes for d in node.directives or ()]
        resolution = resolve_links(self.subgraph.name, [d for d in directives if d.name.value == "link"])
        self.problems.extend(resolution.problems)
        self.subgraph.fed1 = resolution.fed1
        if resolution.federation_version is not None:
            self.subgraph.federation_minor = resolution.federation_version[1]
        self.names = resolution.directives
        self.spec_types = resolution.spec_types
        for url, imported in resolution.custom.items():
            self.subgraph.links[url] = LinkedFeature(url=url, imports=imported)
        for directive in directives:
            if self.names.get(directive.name.value) == "composeDirective":
                name = _string_argument(directive, "name")
                if name is not None:
                    self.subgraph.composed.append(name.lstrip("@"))
        for node in schema_nodes:
            for operation_type in node.operation_types or ():
                self.subgraph.roots[operation_type.operation.value] = operation_type.type.name.value
        type_names = {d.name.value for d in self.document.definitions if isinstance(d, TypeDefinitionNode)}
        defined = type_names | {d.name.value for d in self.document.definitions if isinstance(d, TypeExtensionNode)}
        for node in schema_nodes:
            for operation_type in node.operation_types or ():
                if operation_type.type.name.value not in defined:
                    self.problems.append(
                        f"{self.where}: the schema sets the {operation_type.operation.value} root to "
                        f'"{operation_type.type.name.value}", a type the subgraph does not define; define it or '
                        "drop it from the schema definition"
                    )
        for operation, standard in _ROOT_NAMES.items():
            actual = self.subgraph.roots.get(operation, standard)
            if actual != standard:
                if standard in type_names:
                    self.problems.append(
                        f'{self.where}: the {operation} root type is "{actual}" but the subgraph also defines a type '
                        f'named "{standard}"; rename that type so the root can be normalised to "{standard}"'
                    )
                self.renames[actual] = standard
        for definition in self.document.definitions:
            if isinstance(definition, DirectiveDefinitionNode):
                name = definition.name.value
                if name not in self.names and name != "link":
                    self.subgraph.directive_definitions[name] = print_ast(definition)

    # -- directives ---------------------------------------------------------------------------------------------

    def canonical(self, directive: ConstDirectiveNode, element: str) -> str | None:
        """The canonical name of a directive application, or None (with a problem) when it is unknown."""
        local = directive.name.value
        if local in self.names:
            return self.names[local]
        if local in _BUILT_IN_DIRECTIVES or local in self.subgraph.directive_definitions:
            return local
        self.problems.append(
            f'{self.where}: unknown directive "@{local}" on {element}; import it in the federation @link '
            "or define it in the subgraph"
        )
        return None

    def kept(self, directives: tuple[ConstDirectiveNode, ...] | None, element: str) -> list[ConstDirectiveNode]:
        """Applications that reach the supergraph: security/metadata ones, @deprecated/@specifiedBy, composed ones."""
        out: list[ConstDirectiveNode] = []
        for directive in directives or ():
            name = self.canonical(directive, element)
            if name is None:
                continue
            keep = name in KEPT_DIRECTIVES or name in {"deprecated", "specifiedBy", "oneOf"}
            if not keep and name in self.subgraph.composed:
                keep = True
            if keep:
                out.append(ConstDirectiveNode(name=NameNode(value=name), arguments=directive.arguments))
        return out

    # -- types ----------------------------------------------------------------------------------------------------

    def type_ref(self, node: TypeNode) -> TypeNode:
        if isinstance(node, NonNullTypeNode):
            inner = self.type_ref(node.type)
            assert isinstance(inner, NamedTypeNode | ListTypeNode)
            return NonNullTypeNode(type=inner)
        if isinstance(node, ListTypeNode):
            return ListTypeNode(type=self.type_ref(node.type))
        assert isinstance(node, NamedTypeNode)
        name = node.name.value
        return NamedTypeNode(name=NameNode(value=self.renames.get(name, name)))

    def is_machinery(self, name: str) -> bool:
        return (
            name in FEDERATION_MACHINERY_TYPES or name in self.spec_types or name.startswith(("federation__", "link__"))
        )

    def read_types(self) -> None:
        for definition in self.document.definitions:
            if not isinstance(definition, TypeDefinitionNode | TypeExtensionNode):
                continue
            raw_name = definition.name.value
            if self.is_machinery(raw_name):
                continue
            name = self.renames.get(raw_name, raw_name)
            kind = _KINDS[type(definition)]
            existing = self.subgraph.types.get(name)
            if existing is None:
                existing = self.subgraph.types[name] = TypeDef(kind=kind, name=name)
            elif existing.kind is not kind:
                self.problems.append(
                    f'{self.where}: type "{name}" is defined as both {existing.kind.label} and {kind.label}'
                )
                continue
            self.read_type(existing, definition)

    def read_type(self, type_def: TypeDef, node: TypeDefinitionNode | TypeExtensionNode) -> None:
        description = getattr(node, "description", None)
        if description is not None and type_def.description is None:
            type_def.description = description.value
        if isinstance(node, TypeExtensionNode):
            type_def.extension = True
        element = f'type "{type_def.name}"'
        all_external = False
        for directive in node.directives or ():
            name = self.names.get(directive.name.value)
            if name == "key":
                fields = _string_argument(directive, "fields")
                resolvable = _bool_argument(directive, "resolvable")
                if fields is None:
                    self.problems.append(f"{self.where}: @key on {element} needs a fields argument")
                else:
                    type_def.keys.append(Key(fields=fields, resolvable=resolvable is not False))
            elif name == "extends":
                type_def.extension = True
            elif name == "shareable":
                type_def.shareable = True
            elif name == "interfaceObject":
                type_def.interface_object = True
            elif name == "external":
                all_external = True
            elif name == "context":
                context = _string_argument(directive, "name")
                if context is None:
                    self.problems.append(f"{self.where}: @context on {element} needs a name argument")
                elif context not in type_def.contexts:
                    type_def.contexts.append(context)
        type_def.directives.extend(self.kept(node.directives, element))
        for interface in getattr(node, "interfaces", None) or ():
            iname = interface.name.value
            if iname not in type_def.interfaces:
                type_def.interfaces.append(iname)
        for member in getattr(node, "types", None) or ():
            mname = self.renames.get(member.name.value, member.name.value)
            if mname not in type_def.members:
                type_def.members.append(mname)
        for value in getattr(node, "values", None) or ():
            type_def.values[value.name.value] = EnumValue(
                name=value.name.value,
                description=value.description.value if value.description else None,
                directives=self.kept(value.directives, f'enum value "{type_def.name}.{value.name.value}"'),
            )
        for field_node in getattr(node, "fields", None) or ():
            if type_def.name == "Query" and field_node.name.value in {"_entities", "_service"}:
                continue
            field = self.read_field(type_def, field_node)
            field.external = field.external or all_external
            type_def.fields[field.name] = field

    def read_input_value(self, node: InputValueDefinitionNode, element: str) -> InputValue:
        value = InputValue(
            name=node.name.value,
            type=self.type_ref(node.type),
            default=node.default_value,
            description=node.description.value if node.description else None,
            directives=self.kept(node.directives, element),
        )
        for directive in node.directives or ():
            if self.names.get(directive.name.value) == "fromContext":
                value.from_context = _string_argument(directive, "field")
                if value.from_context is None:
                    self.problems.append(f"{self.where}: @fromContext on {element} needs a field argument")
        return value

    def read_field(self, type_def: TypeDef, node: FieldDefinitionNode | InputValueDefinitionNode) -> Field:
        name = node.name.value
        coordinate = f"{type_def.name}.{name}"
        element = f'field "{coordinate}"'
        field = Field(
            name=name,
            type=self.type_ref(node.type),
            description=node.description.value if node.description else None,
            directives=self.kept(node.directives, element),
        )
        if isinstance(node, InputValueDefinitionNode):
            field.default = node.default_value
            return field
        field.args = [
            self.read_input_value(arg, f'argument "{coordinate}({arg.name.value}:)"') for arg in node.arguments or ()
        ]
        field.shareable = type_def.shareable or self.subgraph.fed1
        for directive in node.directives or ():
            canonical = self.names.get(directive.name.value)
            if canonical == "external":
                field.external = True
            elif canonical == "requires":
                field.requires = _string_argument(directive, "fields")
            elif canonical == "provides":
                field.provides = _string_argument(directive, "fields")
            elif canonical == "shareable":
                field.shareable = True
            elif canonical == "override":
                field.override = _string_argument(directive, "from")
                field.override_label = _string_argument(directive, "label")
        return field


def _string_argument(directive: ConstDirectiveNode, name: str) -> str | None:
    for arg in directive.arguments or ():
        if arg.name.value == name and isinstance(arg.value, StringValueNode):
            return arg.value.value
    return None


def _bool_argument(directive: ConstDirectiveNode, name: str) -> bool | None:
    for arg in directive.arguments or ():
        if arg.name.value == name and isinstance(arg.value, BooleanValueNode):
            return arg.value.value
    return None


def parse_subgraph(name: str, url: str, sdl: str) -> tuple[Subgraph, list[str]]:
    """Parse and normalise one subgraph; returns it with the problems found (empty when it is sound)."""
    subgraph = Subgraph(name=name, url=url)
    try:
        document = parse(sdl, no_location=False)
    except GraphQLSyntaxError as error:
        where = ""
        if error.locations:
            location = error.locations[0]
            where = f" at line {location.line}, column {location.column}"
        return subgraph, [f'subgraph "{name}": invalid SDL{where}: {error.message}']
    reader = _Reader(subgraph, document)
    reader.read_schema()
    reader.read_types()
    _resolve_extension_keys(subgraph)
    return subgraph, reader.problems


def _resolve_extension_keys(subgraph: Subgraph) -> None:
    """Extensions (``extend type`` or ``@extends``) may mark their key fields @external, as Fed 1 required,
    although they resolve them: those key fields are not external, in Federation 2 subgraphs too."""
    for type_def in subgraph.types.values():
        if not type_def.extension:
            continue
        for key in type_def.keys:
            selection = parse_field_set(key.fields)
            for node in selection.selections if selection is not None else ():
                field = type_def.fields.get(node.name.value) if isinstance(node, FieldNode) else None
                if field is not None:
                    field.external = False
