"""The spec definitions a supergraph carries: link v1.0, join v0.5 and the metadata specs it uses."""

from __future__ import annotations

from dataclasses import dataclass

from graphql.language import StringValueNode, print_ast

from ._print import SupergraphEnumValue, SupergraphField, SupergraphType

__all__ = [
    "JOIN_DIRECTIVES",
    "METADATA_SPECS",
    "MetadataSpec",
    "graph_enum_names",
    "join_directives",
    "join_link",
    "join_spec_types",
    "join_version",
    "quote",
]

LINK = '@link(url: "https://specs.apollo.dev/link/v1.0")'


def join_version(federation_minor: int) -> str:
    """The join spec a supergraph uses, from the highest Federation 2 minor version among its subgraphs (as the
    reference composition does): v0.3 up to 2.6, v0.4 (progressive override labels) for 2.7, v0.5 (context
    arguments) from 2.8."""
    if federation_minor >= 8:
        return "0.5"
    return "0.4" if federation_minor == 7 else "0.3"


def join_link(version: str) -> str:
    return f'@link(url: "https://specs.apollo.dev/join/v{version}", for: EXECUTION)'


def join_directives(version: str) -> dict[str, str]:
    """The join directive definitions of one join spec version."""
    out = dict(JOIN_DIRECTIVES)
    if version == "0.5":
        return out
    field = out["join__field"].replace(", contextArguments: [join__ContextArgument!]", "")
    if version == "0.3":
        field = field.replace(", overrideLabel: String", "")
        del out["join__directive"]
    out["join__field"] = field
    return out


JOIN_DIRECTIVES: dict[str, str] = {
    "join__directive": (
        "directive @join__directive(graphs: [join__Graph!], name: String!, args: join__DirectiveArguments) "
        "repeatable on SCHEMA | OBJECT | INTERFACE | FIELD_DEFINITION"
    ),
    "join__enumValue": "directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE",
    "join__field": (
        "directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, "
        "type: String, external: Boolean, override: String, usedOverridden: Boolean, overrideLabel: String, "
        "contextArguments: [join__ContextArgument!]) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION"
    ),
    "join__graph": "directive @join__graph(name: String!, url: String!) on ENUM_VALUE",
    "join__implements": (
        "directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE"
    ),
    "join__type": (
        "directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, "
        "resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) "
        "repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR"
    ),
    "join__unionMember": "directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION",
    "link": (
        "directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA"
    ),
}

_EVERYWHERE = (
    "FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | "
    "INPUT_OBJECT | INPUT_FIELD_DEFINITION"
)
_AUTH_LOCATIONS = "FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM"


@dataclass(frozen=True)
class MetadataSpec:
    """A spec whose directive applications the supergraph keeps (and so links and defines)."""

    directives: tuple[str, ...]
    link: str
    definitions: tuple[str, ...]
    scalars: tuple[str, ...] = ()


#: In the order their @link is printed.
METADATA_SPECS: tuple[MetadataSpec, ...] = (
    MetadataSpec(
        ("tag",),
        '@link(url: "https://specs.apollo.dev/tag/v0.3")',
        (f"directive @tag(name: String!) repeatable on {_EVERYWHERE} | SCHEMA",),
    ),
    MetadataSpec(
        ("inaccessible",),
        '@link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)',
        (f"directive @inaccessible on {_EVERYWHERE}",),
    ),
    MetadataSpec(
        ("authenticated",),
        '@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)',
        (f"directive @authenticated on {_AUTH_LOCATIONS}",),
    ),
    MetadataSpec(
        ("requiresScopes",),
        '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)',
        (f"directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) on {_AUTH_LOCATIONS}",),
        ("requiresScopes__Scope",),
    ),
    MetadataSpec(
        ("policy",),
        '@link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)',
        (f"directive @policy(policies: [[policy__Policy!]!]!) on {_AUTH_LOCATIONS}",),
        ("policy__Policy",),
    ),
    MetadataSpec(
        ("context",),
        '@link(url: "https://specs.apollo.dev/context/v0.1", for: SECURITY)',
        (
            "directive @context(name: String!) repeatable on INTERFACE | OBJECT | UNION",
            "directive @context__fromContext(field: context__ContextFieldValue) on ARGUMENT_DEFINITION",
        ),
        ("context__ContextFieldValue",),
    ),
)

COST_DEFINITION = (
    "directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | "
    "OBJECT | SCALAR"
)
LIST_SIZE_DEFINITION = (
    "directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], "
    "requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION"
)


def cost_link(*, cost: bool, list_size: bool) -> str:
    """The demand-control link: ``@cost`` is the spec's own directive, ``@listSize`` is imported."""
    url = '@link(url: "https://specs.apollo.dev/cost/v0.1"'
    if list_size:
        return url + ', import: ["@listSize"])'
    return url + ")" if cost else ""


def graph_enum_names(names: list[str]) -> dict[str, str]:
    """``join__Graph`` value per subgraph: upper-cased, non-alphanumerics as ``_``, made unique."""
    result: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        base = "".join(c if c.isascii() and c.isalnum() else "_" for c in name).upper() or "_"
        if base[0].isdigit():
            base = "_" + base
        candidate, n = base, 0
        while candidate in taken:
            n += 1
            candidate = f"{base}_{n}"
        taken.add(candidate)
        result[name] = candidate
    return result


def join_spec_types(graphs: list[tuple[str, str, str]], version: str = "0.5") -> list[SupergraphType]:
    """``join__*`` and ``link__*`` types; ``graphs`` holds (enum value, subgraph name, url)."""
    purpose = SupergraphType(
        "enum",
        "link__Purpose",
        values=[
            SupergraphEnumValue(
                "SECURITY", "`SECURITY` features provide metadata necessary to securely resolve fields."
            ),
            SupergraphEnumValue(
                "EXECUTION", "`EXECUTION` features provide metadata necessary for operation execution."
            ),
        ],
    )
    graph_enum = SupergraphType(
        "enum",
        "join__Graph",
        values=[
            SupergraphEnumValue(value, directives=[f"@join__graph(name: {quote(name)}, url: {quote(url)})"])
            for value, name, url in graphs
        ],
    )
    context_argument = SupergraphType(
        "input",
        "join__ContextArgument",
        fields=[
            SupergraphField("name", "String!"),
            SupergraphField("type", "String!"),
            SupergraphField("context", "String!"),
            SupergraphField("selection", "join__FieldValue!"),
        ],
    )
    names = {
        "0.3": ("join__FieldSet", "link__Import"),
        "0.4": ("join__DirectiveArguments", "join__FieldSet", "link__Import"),
    }.get(version, ("join__DirectiveArguments", "join__FieldSet", "join__FieldValue", "link__Import"))
    scalars = [SupergraphType("scalar", name) for name in names]
    return [*([context_argument] if version == "0.5" else []), graph_enum, purpose, *scalars]


def quote(value: str) -> str:
    """A GraphQL string literal."""
    return print_ast(StringValueNode(value=value))
