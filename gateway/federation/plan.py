"""Query plans as data: Fetch / Flatten / Sequence / Parallel / Condition, printable like the federation peers'.

A plan is built once per (document, operation, override labels) and cached; the executor walks it. The text form
(``silkgraph plan``) follows the layout documented for Apollo's query plans, so plans can be compared side by
side with other gateways.
"""

from __future__ import annotations

import dataclasses
from typing import Any

__all__ = [
    "Condition",
    "ContextRead",
    "Fetch",
    "Flatten",
    "Parallel",
    "PlanNode",
    "QueryPlan",
    "RequiresField",
    "RequiresType",
    "Sequence",
    "count_fetches",
    "is_mutation",
]


@dataclasses.dataclass(frozen=True, slots=True)
class RequiresField:
    """One field of a representation: written as ``name``, read from the data at ``data_key``.

    ``type_condition``: the field was selected under ``... on T`` in the ``@requires`` field set, so an object
    of another type simply has no such value (it is left out instead of making the representation incomplete).
    """

    name: str
    data_key: str
    sub: tuple[RequiresField, ...] | None = None
    type_condition: str | None = None

    def text(self, indent: str) -> list[str]:
        head = indent + (f"... on {self.type_condition} {{ " if self.type_condition else "") + self.name
        tail = " }" if self.type_condition else ""
        if self.sub is None:
            return [head + tail]
        lines = [head + " {"]
        for f in self.sub:
            lines.extend(f.text(indent + "  "))
        lines.append(indent + "}" + tail)
        return lines


@dataclasses.dataclass(frozen=True, slots=True)
class RequiresType:
    """Representations for one type condition of an entity fetch.

    ``typenames`` are the runtime ``__typename`` values whose objects take part; ``typename`` is the
    ``__typename`` written into the representation (differs from the runtime type for ``@interfaceObject``
    targets: an input rewrite).
    """

    type_condition: str
    typename: str
    typenames: frozenset[str]
    fields: tuple[RequiresField, ...]
    #: names of the key fields among ``fields``: an object whose key has a null is not fetched
    key_fields: frozenset[str] = frozenset()


@dataclasses.dataclass(frozen=True, slots=True)
class ContextRead:
    """Where an entity fetch's ``@fromContext`` variable takes its value, per object fetched.

    The ancestor ``depth`` path elements from the root (the object's own path cut there) sets the context when its
    ``__typename`` is one of ``typenames``; ``field`` is the chain of fields read from it, one per level (a list
    on the way gives a list of values). No matching ancestor, or a null on the way: the value is null.
    """

    variable: str
    type: str
    depth: int
    typenames: frozenset[str]
    field: RequiresField


@dataclasses.dataclass(frozen=True, slots=True)
class Fetch:
    service: str
    operation: str
    operation_kind: str = "query"
    variable_usages: tuple[str, ...] = ()
    requires: tuple[RequiresType, ...] | None = None
    #: typename returned by the subgraph must not overwrite the runtime one (``@interfaceObject`` outputs)
    keep_typename: bool = False
    id: int = 0
    #: entity fetches only: the selection inside ``_entities { ... }`` (unindented lines) and the client
    #: variable definitions it uses, so the executor can send several entity fetches in one request
    entity_selection: tuple[str, ...] = ()
    variable_definitions: tuple[str, ...] = ()
    #: (wire key, response key): fields the subgraph answers under another key (see ``FieldSelection.wire_key``)
    renames: tuple[tuple[str, str], ...] = ()
    #: entity fetches only: the ``@fromContext`` variables and how to read them (objects are sent in one
    #: ``_entities`` call per distinct set of values)
    contexts: tuple[ContextRead, ...] = ()

    @property
    def is_entity_fetch(self) -> bool:
        return self.requires is not None


@dataclasses.dataclass(frozen=True, slots=True)
class Flatten:
    path: tuple[str, ...]
    node: Fetch


@dataclasses.dataclass(frozen=True, slots=True)
class Sequence:
    nodes: tuple[PlanNode, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Parallel:
    nodes: tuple[PlanNode, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Condition:
    condition: str  # variable name
    if_clause: PlanNode | None
    else_clause: PlanNode | None


PlanNode = Fetch | Flatten | Sequence | Parallel | Condition


@dataclasses.dataclass(frozen=True, slots=True)
class QueryPlan:
    node: PlanNode | None
    operation_kind: str = "query"

    def __str__(self) -> str:
        lines = ["QueryPlan {"]
        if self.node is not None:
            lines.extend(_text(self.node, "  "))
        lines.append("}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {"kind": "QueryPlan", "node": _json(self.node) if self.node is not None else None}

    @property
    def fetches(self) -> int:
        return count_fetches(self.node)

    def services(self) -> list[str]:
        return sorted(set(_services(self.node)))


def is_mutation(operation: str) -> bool:
    """Whether a fetch's operation text is a mutation: sent once, never shared in flight, never retried."""
    return operation.lstrip().startswith("mutation")


def count_fetches(node: PlanNode | None) -> int:
    if node is None:
        return 0
    if isinstance(node, Fetch):
        return 1
    if isinstance(node, Flatten):
        return 1
    if isinstance(node, Condition):
        return count_fetches(node.if_clause) + count_fetches(node.else_clause)
    return sum(count_fetches(n) for n in node.nodes)


def _services(node: PlanNode | None) -> list[str]:
    if node is None:
        return []
    if isinstance(node, Fetch):
        return [node.service]
    if isinstance(node, Flatten):
        return [node.node.service]
    if isinstance(node, Condition):
        return _services(node.if_clause) + _services(node.else_clause)
    return [s for n in node.nodes for s in _services(n)]


def _indent_block(text: str, indent: str) -> list[str]:
    return [indent + line for line in text.splitlines()]


def _text(node: PlanNode, indent: str) -> list[str]:
    inner = indent + "  "
    if isinstance(node, Fetch):
        lines = [f'{indent}Fetch(service: "{node.service}") {{']
        if node.requires is not None:
            lines.append(inner + "{")
            for r in node.requires:
                lines.append(f"{inner}  ... on {r.type_condition} {{")
                lines.append(f"{inner}    __typename")
                for f in r.fields:
                    lines.extend(f.text(inner + "    "))
                lines.append(inner + "  }")
            lines.append(inner + "} =>")
            lines.extend(_indent_block(_entity_selection(node.operation), inner))
        else:
            lines.extend(_indent_block(_strip_operation_header(node.operation), inner))
        lines.append(indent + "},")
        return lines
    if isinstance(node, Flatten):
        return [f'{indent}Flatten(path: "{".".join(node.path)}") {{', *_text(node.node, inner), indent + "},"]
    if isinstance(node, Sequence | Parallel):
        name = "Sequence" if isinstance(node, Sequence) else "Parallel"
        lines = [f"{indent}{name} {{"]
        for child in node.nodes:
            lines.extend(_text(child, inner))
        lines.append(indent + "},")
        return lines
    lines = [f"{indent}Condition(if: ${node.condition}) {{"]
    if node.if_clause is not None:
        lines += [f"{inner}Then {{", *_text(node.if_clause, inner + "  "), inner + "}"]
    if node.else_clause is not None:
        lines += [f"{inner}Else {{", *_text(node.else_clause, inner + "  "), inner + "}"]
    lines.append(indent + "},")
    return lines


def _strip_operation_header(operation: str) -> str:
    """``query Name($a: T) { ... }`` → ``{ ... }`` (the plan shows variables separately)."""
    start = operation.index("{")
    return operation[start:]


def _entity_selection(operation: str) -> str:
    """The selection inside ``_entities(...) { ... }`` of an entity fetch, re-indented."""
    marker = "_entities(representations: $representations)"
    body = operation[operation.index(marker) + len(marker) :].strip()
    body = body[: body.rindex("}")].rstrip()  # drop the operation's closing brace
    lines = body.splitlines()
    return "\n".join(line[2:] if line.startswith("  ") else line for line in lines)


def _json(node: PlanNode | None) -> dict[str, Any] | None:
    if node is None:
        return None
    if isinstance(node, Fetch):
        out: dict[str, Any] = {
            "kind": "Fetch",
            "serviceName": node.service,
            "operation": node.operation,
            "operationKind": node.operation_kind,
            "variableUsages": list(node.variable_usages),
        }
        if node.requires is not None:
            out["requires"] = [
                {
                    "kind": "InlineFragment",
                    "typeCondition": r.type_condition,
                    "selections": [{"kind": "Field", "name": "__typename"}] + [_req_json(f) for f in r.fields],
                }
                for r in node.requires
            ]
            rewrites = [r for r in node.requires if r.typename != r.type_condition or len(r.typenames) > 1]
            if node.contexts:
                out["contextRewrites"] = [
                    {
                        "kind": "KeyRenamer",
                        "path": ["..", *(f"... on {t}" for t in sorted(c.typenames)), *_chain(c.field)],
                        "renameKeyTo": c.variable,
                    }
                    for c in node.contexts
                ]
            if rewrites:
                out["inputRewrites"] = [
                    {
                        "kind": "ValueSetter",
                        "path": [f"... on {r.type_condition}", "__typename"],
                        "setValueTo": r.typename,
                    }
                    for r in rewrites
                ]
        return out
    if isinstance(node, Flatten):
        return {"kind": "Flatten", "path": list(node.path), "node": _json(node.node)}
    if isinstance(node, Sequence | Parallel):
        return {"kind": type(node).__name__, "nodes": [_json(n) for n in node.nodes]}
    return {
        "kind": "Condition",
        "condition": node.condition,
        "ifClause": _json(node.if_clause),
        "elseClause": _json(node.else_clause),
    }


def _chain(f: RequiresField) -> list[str]:
    return [f.data_key, *(_chain(f.sub[0]) if f.sub else ())]


def _req_json(f: RequiresField) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": "Field", "name": f.name}
    if f.sub is not None:
        out["selections"] = [_req_json(s) for s in f.sub]
    return out
