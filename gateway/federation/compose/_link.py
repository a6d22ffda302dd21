"""Resolve a subgraph's ``@link`` applications into a map from local directive names to canonical ones.

A Federation 2 subgraph links ``https://specs.apollo.dev/federation/v2.x``; imported directives keep their (maybe
renamed) name, the others are reachable as ``federation__name`` (or ``<as>__name``). Specs linked on their own
(``https://specs.apollo.dev/cost/v0.1`` ...) follow the same rule, their main directive being ``@<spec name>``.
A subgraph without a federation link is a Fed 1 subgraph whose directives have their plain names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graphql.language import ConstDirectiveNode, ListValueNode, ObjectValueNode, StringValueNode, ValueNode

__all__ = ["FEDERATION_MACHINERY_TYPES", "LinkResolution", "resolve_links"]

FEDERATION_URL = "https://specs.apollo.dev/federation/"

#: Federation elements by the minor version of Federation 2 that introduced them.
_FEDERATION_DIRECTIVES: dict[int, tuple[str, ...]] = {
    0: ("key", "requires", "provides", "external", "tag", "extends", "shareable", "inaccessible", "override"),
    1: ("composeDirective",),
    3: ("interfaceObject",),
    5: ("authenticated", "requiresScopes"),
    6: ("policy",),
    8: ("context", "fromContext"),
    9: ("cost", "listSize"),
    12: ("cacheTag",),
}
_FEDERATION_TYPES: dict[int, tuple[str, ...]] = {
    0: ("FieldSet",),
    5: ("Scope",),
    6: ("Policy",),
    8: ("ContextFieldValue",),
}
_LATEST_MINOR = 14

#: Stand-alone Apollo specs a subgraph may link instead of importing through the federation spec.
_SPEC_DIRECTIVES: dict[str, tuple[str, ...]] = {
    "tag": ("tag",),
    "inaccessible": ("inaccessible",),
    "authenticated": ("authenticated",),
    "requiresScopes": ("requiresScopes",),
    "policy": ("policy",),
    "cost": ("cost", "listSize"),
    "listSize": ("listSize",),
    "context": ("context", "fromContext"),
}

#: Types a subgraph adds for the federation protocol; none of them reach the supergraph.
FEDERATION_MACHINERY_TYPES = frozenset(
    {"_Any", "_Entity", "_Service", "FieldSet", "_FieldSet", "link__Import", "link__Purpose", "federation__FieldSet"}
)

_URL = re.compile(r"^(?P<base>.*/)(?P<name>[A-Za-z_][A-Za-z0-9_-]*)/v(?P<major>\d+)\.(?P<minor>\d+)/?$")


@dataclass
class LinkResolution:
    """What a subgraph's links mean."""

    #: local directive name -> canonical federation name
    directives: dict[str, str] = field(default_factory=dict)
    #: local type names that belong to linked specs (``federation__Scope``, imported ``FieldSet``...)
    spec_types: set[str] = field(default_factory=set)
    federation_version: tuple[int, int] | None = None
    #: non-Apollo links: url -> local directive names it imports
    custom: dict[str, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def fed1(self) -> bool:
        return self.federation_version is None


def _federation_elements(minor: int) -> tuple[set[str], set[str]]:
    directives = {name for since, names in _FEDERATION_DIRECTIVES.items() if since <= minor for name in names}
    types = {name for since, names in _FEDERATION_TYPES.items() if since <= minor for name in names}
    return directives, types


def _string_arg(node: ConstDirectiveNode, name: str) -> str | None:
    for arg in node.arguments or ():
        if arg.name.value == name and isinstance(arg.value, StringValueNode):
            return arg.value.value
    return None


def _imports(node: ConstDirectiveNode) -> list[tuple[str, str]]:
    """``import:`` items as (name, local name) pairs, ``@`` kept on directive names."""
    for arg in node.arguments or ():
        if arg.name.value != "import":
            continue
        value: ValueNode = arg.value
        items = value.values if isinstance(value, ListValueNode) else (value,)
        pairs: list[tuple[str, str]] = []
        for item in items:
            if isinstance(item, StringValueNode):
                pairs.append((item.value, item.value))
            elif isinstance(item, ObjectValueNode):
                fields = {f.name.value: f.value for f in item.fields}
                name, alias = fields.get("name"), fields.get("as")
                if isinstance(name, StringValueNode):
                    local = alias.value if isinstance(alias, StringValueNode) else name.value
                    pairs.append((name.value, local))
        return pairs
    return []


def resolve_links(subgraph: str, links: list[ConstDirectiveNode]) -> LinkResolution:
    """Read the ``@link`` applications of one subgraph's schema definition and extensions."""
    result = LinkResolution()
    federation_seen = False
    for node in links:
        url = _string_arg(node, "url")
        if url is None:
            result.problems.append(f'subgraph "{subgraph}": @link without a string url argument')
            continue
        match = _URL.match(url)
        if match is None:
            result.problems.append(f'subgraph "{subgraph}": @link(url: "{url}") is not a versioned spec url')
            continue
        spec, minor = match["name"], int(match["minor"])
        namespace = (_string_arg(node, "as") or spec).lstrip("@")
        imports = _imports(node)
        if url.startswith(FEDERATION_URL):
            federation_seen = True
            if int(match["major"]) != 2 or minor > _LATEST_MINOR:
                result.problems.append(
                    f'subgraph "{subgraph}": unsupported federation version in @link(url: "{url}"); '
                    f"use v2.0 to v2.{_LATEST_MINOR}"
                )
                continue
            result.federation_version = (2, minor)
            directives, types = _federation_elements(minor)
            _bind(
                result,
                subgraph=subgraph,
                url=url,
                namespace=namespace,
                directives=directives,
                types=types,
                imports=imports,
                main=None,
            )
        elif url.startswith("https://specs.apollo.dev/") and spec in _SPEC_DIRECTIVES:
            _bind(
                result,
                subgraph=subgraph,
                url=url,
                namespace=namespace,
                directives=set(_SPEC_DIRECTIVES[spec]),
                types=set(),
                imports=imports,
                main=spec,
            )
        elif url.startswith("https://specs.apollo.dev/link/"):
            continue
        else:
            result.custom[url] = [local.lstrip("@") for _, local in imports if local.startswith("@")]
    if not federation_seen:
        # Federation 1: every federation directive under its plain name.
        directives, _ = _federation_elements(0)
        for name in directives:
            result.directives.setdefault(name, name)
    return result


def _bind(
    result: LinkResolution,
    *,
    subgraph: str,
    url: str,
    namespace: str,
    directives: set[str],
    types: set[str],
    imports: list[tuple[str, str]],
    main: str | None,
) -> None:
    for name in directives:
        result.directives[f"{namespace}__{name}"] = name
    if main is not None:
        result.directives[namespace] = main
    for name in types:
        result.spec_types.add(f"{namespace}__{name}")
    for name, local in imports:
        if name.startswith("@"):
            if name[1:] not in directives:
                result.problems.append(
                    f'subgraph "{subgraph}": @link(url: "{url}") imports unknown directive "{name}"; '
                    f"this version defines {', '.join('@' + d for d in sorted(directives))}"
                )
                continue
            result.directives[local.lstrip("@")] = name[1:]
        elif name in types:
            result.spec_types.add(local)
        else:
            result.problems.append(
                f'subgraph "{subgraph}": @link(url: "{url}") imports unknown element "{name}"; '
                f"this version defines {', '.join('@' + d for d in sorted(directives))}"
                + (f" and types {', '.join(sorted(types))}" if types else "")
            )
