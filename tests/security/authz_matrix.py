"""The authorization matrix, generated from the composed supergraph: every field × every principal kind.

The expected rule of a field is derived from *who resolves it* (the ``@join__*`` routing), not from the
directives the subgraphs declare, so the two are checked against each other:

* a field only the ``reference`` subgraph resolves is public;
* otherwise it needs a token, plus the read scope of each domain involved: the domain owning the field's type,
  the one domain resolving the field (when only one does and it is not a key), and the domain owning the type it
  returns; a mutation also needs its domain's write scope (and, at run time, an agency);
* ``Company`` is every domain's trader, and value types several domains share equally (``PageInfo``) have no
  owner either: their own fields need only a token (and the rule of whatever field led to them).

Run ``python -m tests.security.authz_matrix`` for the table by field group (what the closing note shows).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

from graphql import (
    FieldNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    NameNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
)
from graphql.language import DocumentNode

from gateway.federation.supergraph import Supergraph, load_supergraph
from gateway.policy.authz import DirectiveAuthorizer
from gateway.sdk.context import Principal, RequestContext
from gateway.sdk.testing import KINDS

ROOT = Path(__file__).resolve().parents[2]
SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"

#: the write scope of each domain with mutations
WRITES = {"customs": "customs:submit", "cargo": "cargo:book", "payments": "payments:initiate", "barter": "barter:write"}
#: entities every domain shares (no owner)
SHARED = {"Company"}
PUBLIC_GRAPHS = {"reference"}


@dataclasses.dataclass(frozen=True)
class Expected:
    coordinate: str
    group: str
    public: bool
    scopes: frozenset[str]
    mutation: bool


def _keys(sg: Supergraph, type_name: str) -> set[str]:
    keys: set[str] = set()
    for tig in sg.type_graphs(type_name).values():
        for key in tig.keys:
            keys.update(key.fields.replace("{", " ").replace("}", " ").split())
    return keys


def owner(sg: Supergraph, type_name: str) -> str | None:
    """The subgraph that resolves most of the type's non-key fields (None for roots and shared entities)."""
    if type_name in SHARED or type_name in ("Query", "Mutation", "Subscription"):
        return None
    type_ = sg.api_schema.get_type(type_name)
    if not isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
        return None
    keys = _keys(sg, type_name)
    counts: Counter[str] = Counter()
    for field in type_.fields:
        if field not in keys:
            counts.update(list(sg.resolving(type_name, field)))
    if not counts:
        graphs = list(sg.type_graphs(type_name))
        return graphs[0] if len(graphs) == 1 else None
    ranked = counts.most_common(2)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None  # a value type several domains share equally (PageInfo): nobody owns it
    return ranked[0][0]


def _read(graph: str | None) -> set[str]:
    return set() if graph is None or graph in PUBLIC_GRAPHS else {f"{graph}:read"}


def expected(sg: Supergraph) -> list[Expected]:
    out = []
    for name, type_ in sorted(sg.api_schema.type_map.items()):
        if name.startswith("__") or not isinstance(type_, GraphQLObjectType):
            continue
        keys = _keys(sg, name)
        for field_name, field in type_.fields.items():
            graphs = set(sg.resolving(name, field_name))
            returns = get_named_type(field.type).name
            scopes = _read(owner(sg, name)) | _read(owner(sg, returns))
            if len(graphs) == 1 and field_name not in keys:
                scopes |= _read(next(iter(graphs)))
            mutation = name == "Mutation"
            if mutation:
                scopes |= {WRITES[g] for g in graphs}
            public = not scopes and graphs <= PUBLIC_GRAPHS and name not in SHARED
            if name in ("Query", "Mutation"):
                group = f"{name} ({', '.join(sorted(graphs))})"
            else:
                group = f"{owner(sg, name) or 'shared'} types"
            out.append(Expected(f"{name}.{field_name}", group, public, frozenset(scopes), mutation))
    return out


def allowed(authz: DirectiveAuthorizer, sg: Supergraph, coordinate: str, who: Principal) -> bool:
    """Whether ``who`` may read ``coordinate``, as the gateway decides it (root fields through the rewrite, so
    the mutation rule applies; other fields through their requirement)."""
    type_name, field_name = coordinate.split(".")
    parent = sg.api_schema.get_type(type_name)
    assert isinstance(parent, GraphQLObjectType)
    if type_name not in ("Query", "Mutation"):
        return authz.field_requirement(parent, field_name).missing(who, coordinate, authz.policies) is None
    returns = get_named_type(parent.fields[field_name].type)
    leaf = (
        None
        if not isinstance(returns, GraphQLObjectType | GraphQLInterfaceType)
        else SelectionSetNode(selections=(FieldNode(name=NameNode(value="__typename")),))
    )
    field = FieldNode(name=NameNode(value=field_name), selection_set=leaf)
    kind = OperationType.MUTATION if type_name == "Mutation" else OperationType.QUERY
    operation = OperationDefinitionNode(operation=kind, selection_set=SelectionSetNode(selections=(field,)))
    decision = authz(DocumentNode(definitions=(operation,)), operation, RequestContext(principal=who))
    return not decision.denied


def expected_outcome(e: Expected, who: Principal) -> bool:
    if e.public:
        return True
    if not who.authenticated or not e.scopes <= who.scopes:
        return False
    return not (e.mutation and who.agency is None)


def load() -> tuple[Supergraph, DirectiveAuthorizer]:
    sg = load_supergraph(SUPERGRAPH.read_text(encoding="utf-8"))
    return sg, DirectiveAuthorizer(sg)


def table() -> str:
    sg, authz = load()
    rows: dict[str, Counter[str]] = {}
    sizes: Counter[str] = Counter()
    for e in expected(sg):
        sizes[e.group] += 1
        counts = rows.setdefault(e.group, Counter())
        for kind, who in KINDS.items():
            counts[kind] += allowed(authz, sg, e.coordinate, who)
    kinds = list(KINDS)
    lines = ["| Field group (fields) | " + " | ".join(kinds) + " |", "|---|" + "---|" * len(kinds)]
    for group in sorted(rows):
        cells = [f"{rows[group][k]}/{sizes[group]}" for k in kinds]
        lines.append(f"| {group} ({sizes[group]}) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
