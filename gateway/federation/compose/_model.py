"""The composer's view of one subgraph, after @link names are resolved and federation machinery is stripped.

Directive applications are stored under their *canonical* federation names (``key``, ``shareable``...), so the
merge never has to care how a subgraph imported or renamed them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from graphql.language import ConstDirectiveNode, TypeNode, ValueNode


class Kind(Enum):
    OBJECT = "type"
    INTERFACE = "interface"
    UNION = "union"
    ENUM = "enum"
    INPUT_OBJECT = "input"
    SCALAR = "scalar"

    @property
    def label(self) -> str:
        return {
            Kind.OBJECT: "object type",
            Kind.INTERFACE: "interface type",
            Kind.UNION: "union type",
            Kind.ENUM: "enum type",
            Kind.INPUT_OBJECT: "input object type",
            Kind.SCALAR: "scalar type",
        }[self]


@dataclass
class Key:
    """One ``@key`` application on a type of a subgraph."""

    fields: str
    resolvable: bool = True


@dataclass
class InputValue:
    """A field argument or an input object field."""

    name: str
    type: TypeNode
    default: ValueNode | None = None
    description: str | None = None
    directives: list[ConstDirectiveNode] = field(default_factory=list)
    #: the ``field`` of an ``@fromContext`` on this argument (``"$name { selection }"``)
    from_context: str | None = None


@dataclass
class Field:
    """An output field (object / interface) or an input field (input object) of one subgraph."""

    name: str
    type: TypeNode
    args: list[InputValue] = field(default_factory=list)
    description: str | None = None
    default: ValueNode | None = None
    external: bool = False
    requires: str | None = None
    provides: str | None = None
    shareable: bool = False
    override: str | None = None
    override_label: str | None = None
    #: Applications kept in the supergraph (inaccessible, tag, authenticated, deprecated, composed ones...).
    directives: list[ConstDirectiveNode] = field(default_factory=list)


@dataclass
class EnumValue:
    name: str
    description: str | None = None
    directives: list[ConstDirectiveNode] = field(default_factory=list)


@dataclass
class TypeDef:
    """One named type as one subgraph defines it (definition and extensions folded together)."""

    kind: Kind
    name: str
    description: str | None = None
    fields: dict[str, Field] = field(default_factory=dict)
    interfaces: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    values: dict[str, EnumValue] = field(default_factory=dict)
    keys: list[Key] = field(default_factory=list)
    #: Declared with ``extend type`` or ``@extends``.
    extension: bool = False
    interface_object: bool = False
    shareable: bool = False
    directives: list[ConstDirectiveNode] = field(default_factory=list)
    #: names given with ``@context(name:)``, in order
    contexts: list[str] = field(default_factory=list)


@dataclass
class LinkedFeature:
    """A non-federation ``@link`` of a subgraph (kept when one of its directives is composed)."""

    url: str
    imports: list[str]


@dataclass
class Subgraph:
    """A parsed, normalised subgraph: root types renamed to Query/Mutation/Subscription."""

    name: str
    url: str
    types: dict[str, TypeDef] = field(default_factory=dict)
    #: Fed 1 subgraphs (no federation @link): every field is shareable, as Apollo treats them.
    fed1: bool = False
    #: Custom directive definitions by local name (kept only when composed).
    directive_definitions: dict[str, str] = field(default_factory=dict)
    #: Local names of directives marked with @composeDirective.
    composed: list[str] = field(default_factory=list)
    links: dict[str, LinkedFeature] = field(default_factory=dict)
    #: the minor version of its federation @link (0 for Fed 1); picks the supergraph's join spec version
    federation_minor: int = 0
    roots: dict[str, str] = field(default_factory=dict)
