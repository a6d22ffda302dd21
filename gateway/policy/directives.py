"""Find security and cost directive applications in the supergraph, whatever names ``@link`` gave them.

A supergraph links each spec (``https://specs.apollo.dev/authenticated/v0.1``, ``requiresScopes/v0.1``,
``policy/v0.1``, ``cost/v0.1``, ``tag/v0.3``) and may import or rename its
directives. The name in use is: the imported name
(``import: [{name: "@listSize", as: "@size"}]``), else the prefix itself when the directive is named like the spec
(``@authenticated``), else ``@prefix__directive`` (``@cost__listSize``). Without a ``@link`` (a hand-written schema, or
a directive kept with ``@composeDirective``) the plain name is used.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import (
    DirectiveNode,
    GraphQLField,
    GraphQLNamedType,
    GraphQLSchema,
    value_from_ast_untyped,
)

__all__ = ["SpecDirectives"]

_SPEC_URL = re.compile(r"^https?://specs\.apollo\.dev/(?P<name>[A-Za-z_][A-Za-z0-9_]*)/v\d+\.\d+/?$")
_FEATURE_OF = {
    "authenticated": "authenticated",
    "requiresScopes": "requiresScopes",
    "policy": "policy",
    "cost": "cost",
    "listSize": "cost",
    "tag": "tag",
}


class SpecDirectives:
    """Directive applications on the types and fields of a supergraph schema, under their spec names."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        #: name used in the schema -> spec directive name
        self.names: dict[str, str] = {}
        prefixes: dict[str, str] = {}
        imported: dict[str, str] = {}
        links = list(schema.ast_node.directives or ()) if schema.ast_node else []
        for ext in schema.extension_ast_nodes or ():
            links.extend(ext.directives or ())
        for link in links:
            if link.name.value != "link":
                continue
            args = {a.name.value: value_from_ast_untyped(a.value) for a in link.arguments or ()}
            match = _SPEC_URL.match(str(args.get("url", "")))
            if not match or match.group("name") not in ("authenticated", "requiresScopes", "policy", "cost", "tag"):
                continue
            feature = match.group("name")
            prefixes[feature] = str(args.get("as") or feature)
            for item in args.get("import") or ():
                name, alias = (item, item) if isinstance(item, str) else (item.get("name"), item.get("as"))
                if isinstance(name, str) and name.startswith("@"):
                    imported[name[1:]] = str(alias or name)[1:]
        for directive, feature in _FEATURE_OF.items():
            if directive in imported:
                used = imported[directive]
            elif feature in prefixes:
                prefix = prefixes[feature]
                used = prefix if directive == feature else f"{prefix}__{directive}"
            else:
                used = directive
            self.names[used] = directive

    def _spec(self, directives: Any) -> Iterator[tuple[str, dict[str, Any]]]:
        for d in directives or ():
            spec = self.names.get(d.name.value)
            if spec is not None:
                yield spec, {a.name.value: value_from_ast_untyped(a.value) for a in d.arguments or ()}

    def on_type(self, type_name: str) -> list[tuple[str, dict[str, Any]]]:
        type_ = self.schema.get_type(type_name)
        if type_ is None:
            return []
        return list(self._spec(_type_directives(type_)))

    def on_field(self, type_name: str, field_name: str) -> list[tuple[str, dict[str, Any]]]:
        field = _field(self.schema, type_name, field_name)
        if field is None or field.ast_node is None:
            return []
        return list(self._spec(field.ast_node.directives))

    def on_argument(self, type_name: str, field_name: str, argument: str) -> list[tuple[str, dict[str, Any]]]:
        field = _field(self.schema, type_name, field_name)
        arg = field.args.get(argument) if field is not None else None
        if arg is None or arg.ast_node is None:
            return []
        return list(self._spec(arg.ast_node.directives))


def _type_directives(type_: GraphQLNamedType) -> Iterator[DirectiveNode]:
    if type_.ast_node is not None:
        yield from type_.ast_node.directives or ()
    for ext in type_.extension_ast_nodes or ():
        yield from ext.directives or ()


def _field(schema: GraphQLSchema, type_name: str, field_name: str) -> GraphQLField | None:
    type_ = schema.get_type(type_name)
    fields = getattr(type_, "fields", None)
    if not isinstance(fields, dict):
        return None
    field = fields.get(field_name)
    return field if isinstance(field, GraphQLField) else None
