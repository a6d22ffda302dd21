"""``@defer``: incremental delivery as Apollo Client and Apollo Router speak it (``deferSpec=20220824``).

The operation is split once, on its syntax: the *primary* operation is the client's operation without its
deferred fragments; every fragment deferred (``@defer``, unless ``if: false``) becomes an operation of its own
that keeps only the path to it — its own plan, planned and run concurrently with the primary. The primary's
result goes out first (``{data, hasNext: true}``); each deferred fragment's data goes out as soon as its plan
has run (``{incremental: [{data, path, label?, errors?}], hasNext}``), the last with ``hasNext: false``.
Each part passes the same authorization, limits and audit as the operation it came from.

A client that does not accept ``multipart/mixed`` gets one complete response: the operation with every
``@defer`` removed (:func:`without_defer`).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from graphql import (
    ArgumentNode,
    BooleanValueNode,
    DefinitionNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    NamedTypeNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    VariableNode,
    Visitor,
    print_ast,
    visit,
)

if TYPE_CHECKING:
    from gateway.federation.engine import GraphQLRequest, GraphQLResponse

__all__ = ["DeferSplit", "Deferred", "incremental_payloads", "split_defer", "without_defer"]

Path = tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Deferred:
    label: str | None
    #: response keys from the root to the object the fragment applies to (lists are walked, not named)
    path: Path
    query: str


@dataclasses.dataclass(frozen=True, slots=True)
class DeferSplit:
    primary: str
    deferred: tuple[Deferred, ...]


def _deferring(directives: tuple[DirectiveNode, ...], variables: Mapping[str, Any]) -> DirectiveNode | None:
    """The fragment's ``@defer`` if it defers (its ``if`` is not false), else None."""
    for d in directives:
        if d.name.value != "defer":
            continue
        arg = next((a for a in d.arguments or () if a.name.value == "if"), None)
        if arg is None:
            return d
        value = arg.value
        if isinstance(value, BooleanValueNode):
            return d if value.value else None
        if isinstance(value, VariableNode):
            return d if variables.get(value.name.value, True) is not False else None
        return d
    return None


def _label(directive: DirectiveNode) -> str | None:
    arg: ArgumentNode | None = next((a for a in directive.arguments or () if a.name.value == "label"), None)
    value = getattr(arg.value, "value", None) if arg is not None else None
    return value if isinstance(value, str) else None


def _others(directives: tuple[DirectiveNode, ...]) -> tuple[DirectiveNode, ...]:
    return tuple(d for d in directives if d.name.value != "defer")


def _inline(sel: SelectionSetNode, fragments: Mapping[str, FragmentDefinitionNode]) -> SelectionSetNode:
    """Named fragment spreads become inline fragments (so every deferred fragment is one node we can find)."""
    out: list[SelectionNode] = []
    for s in sel.selections:
        if isinstance(s, FragmentSpreadNode):
            fragment = fragments[s.name.value]
            out.append(
                InlineFragmentNode(
                    type_condition=NamedTypeNode(name=fragment.type_condition.name),
                    directives=s.directives,
                    selection_set=_inline(fragment.selection_set, fragments),
                )
            )
        elif isinstance(s, InlineFragmentNode):
            out.append(
                InlineFragmentNode(
                    type_condition=s.type_condition,
                    directives=s.directives,
                    selection_set=_inline(s.selection_set, fragments),
                )
            )
        elif isinstance(s, FieldNode) and s.selection_set is not None:
            out.append(
                FieldNode(
                    alias=s.alias,
                    name=s.name,
                    arguments=s.arguments,
                    directives=s.directives,
                    selection_set=_inline(s.selection_set, fragments),
                )
            )
        else:
            out.append(s)
    return SelectionSetNode(selections=tuple(out))


class _Splitter:
    def __init__(self, variables: Mapping[str, Any]) -> None:
        self.variables = variables
        self.found: list[tuple[InlineFragmentNode, DirectiveNode, Path]] = []

    def find(self, sel: SelectionSetNode, path: Path) -> None:
        for s in sel.selections:
            if isinstance(s, FieldNode) and s.selection_set is not None:
                self.find(s.selection_set, (*path, (s.alias or s.name).value))
            elif isinstance(s, InlineFragmentNode):
                directive = _deferring(tuple(s.directives or ()), self.variables)
                if directive is not None:
                    self.found.append((s, directive, path))
                self.find(s.selection_set, path)

    def keep(self, sel: SelectionSetNode, target: InlineFragmentNode | None) -> SelectionSetNode | None:
        """``sel`` without deferred fragments (``target`` None: the primary), or only the chain to ``target``
        with ``target`` itself (its own deferred fragments removed)."""
        out: list[SelectionNode] = []
        for s in sel.selections:
            if s is target:
                assert isinstance(s, InlineFragmentNode)
                inner = self.keep(s.selection_set, None)
                if inner is not None:
                    out.append(
                        InlineFragmentNode(
                            type_condition=s.type_condition,
                            directives=_others(tuple(s.directives or ())),
                            selection_set=inner,
                        )
                    )
                continue
            if isinstance(s, InlineFragmentNode):
                defers = _deferring(tuple(s.directives or ()), self.variables) is not None
                if defers and (target is None or not _contains(s.selection_set, target)):
                    continue  # a deferred fragment: not part of this operation
                inner = self.keep(s.selection_set, target)
                if inner is not None:
                    out.append(
                        InlineFragmentNode(
                            type_condition=s.type_condition,
                            directives=_others(tuple(s.directives or ())),
                            selection_set=inner,
                        )
                    )
            elif isinstance(s, FieldNode):
                if target is not None and (s.selection_set is None or not _contains(s.selection_set, target)):
                    continue  # only the chain of fields down to the deferred fragment
                inner = self.keep(s.selection_set, target) if s.selection_set is not None else None
                if s.selection_set is not None and inner is None:
                    inner = SelectionSetNode(selections=(FieldNode(name=_name("__typename")),))
                out.append(
                    FieldNode(
                        alias=s.alias, name=s.name, arguments=s.arguments, directives=s.directives, selection_set=inner
                    )
                )
        return SelectionSetNode(selections=tuple(out)) if out else None


def _name(value: str) -> Any:
    from graphql import NameNode

    return NameNode(value=value)


def _contains(sel: SelectionSetNode, target: SelectionNode) -> bool:
    for s in sel.selections:
        if s is target:
            return True
        inner = getattr(s, "selection_set", None)
        if inner is not None and _contains(inner, target):
            return True
    return False


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is not None:
        return next((o for o in ops if o.name is not None and o.name.value == name), None)
    return ops[0] if len(ops) == 1 else None


def _variables_in(sel: SelectionSetNode) -> set[str]:
    found: set[str] = set()

    class Collect(Visitor):
        def enter_variable(self, node: VariableNode, *_args: Any) -> None:
            found.add(node.name.value)

    visit(sel, Collect())
    return found


def _print(op: OperationDefinitionNode, sel: SelectionSetNode) -> str:
    used = _variables_in(sel)  # a part declares only the variables it uses (validation refuses unused ones)
    definitions = tuple(v for v in op.variable_definitions or () if v.variable.name.value in used)
    return print_ast(
        DocumentNode(
            definitions=(
                OperationDefinitionNode(
                    operation=op.operation,
                    name=op.name,
                    variable_definitions=definitions,
                    directives=op.directives,
                    selection_set=sel,
                ),
            )
        )
    )


def split_defer(document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any]) -> DeferSplit | None:
    """The primary and deferred operations, or None when nothing is deferred (or the operation is not a query)."""
    op = _operation(document, operation_name)
    if op is None or op.operation.value != "query":
        return None
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    root = _inline(op.selection_set, fragments)
    splitter = _Splitter(variables)
    splitter.find(root, ())
    if not splitter.found:
        return None
    primary = splitter.keep(root, None) or SelectionSetNode(selections=(FieldNode(name=_name("__typename")),))
    deferred = []
    for fragment, directive, path in splitter.found:
        only = splitter.keep(root, fragment)
        if only is not None:
            deferred.append(Deferred(label=_label(directive), path=path, query=_print(op, only)))
    return DeferSplit(primary=_print(op, primary), deferred=tuple(deferred))


def without_defer(document: DocumentNode) -> DocumentNode:
    """The document with every ``@defer`` removed: one complete response (clients without multipart)."""

    def strip(sel: SelectionSetNode) -> SelectionSetNode:
        out: list[SelectionNode] = []
        for s in sel.selections:
            inner = getattr(s, "selection_set", None)
            if isinstance(s, InlineFragmentNode):
                out.append(
                    InlineFragmentNode(
                        type_condition=s.type_condition,
                        directives=_others(tuple(s.directives or ())),
                        selection_set=strip(s.selection_set),
                    )
                )
            elif isinstance(s, FragmentSpreadNode):
                out.append(FragmentSpreadNode(name=s.name, directives=_others(tuple(s.directives or ()))))
            elif isinstance(s, FieldNode) and inner is not None:
                out.append(
                    FieldNode(
                        alias=s.alias,
                        name=s.name,
                        arguments=s.arguments,
                        directives=s.directives,
                        selection_set=strip(inner),
                    )
                )
            else:
                out.append(s)
        return SelectionSetNode(selections=tuple(out))

    definitions: list[DefinitionNode] = []
    for d in document.definitions:
        if isinstance(d, OperationDefinitionNode):
            definitions.append(
                OperationDefinitionNode(
                    operation=d.operation,
                    name=d.name,
                    variable_definitions=d.variable_definitions,
                    directives=d.directives,
                    selection_set=strip(d.selection_set),
                )
            )
        elif isinstance(d, FragmentDefinitionNode):
            definitions.append(
                FragmentDefinitionNode(
                    name=d.name,
                    variable_definitions=d.variable_definitions,
                    type_condition=d.type_condition,
                    directives=d.directives,
                    selection_set=strip(d.selection_set),
                )
            )
        else:
            definitions.append(d)
    return DocumentNode(definitions=tuple(definitions))


def _at(data: Any, path: Path, concrete: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], Any]]:
    """Every object at ``path`` in ``data`` with its concrete path (list indices filled in)."""
    if isinstance(data, list):
        return [hit for i, item in enumerate(data) for hit in _at(item, path, (*concrete, i))]
    if not isinstance(data, dict):
        return []
    if not path:
        return [(concrete, data)]
    return _at(data.get(path[0]), path[1:], (*concrete, path[0]))


Run = Callable[["GraphQLRequest"], Awaitable["GraphQLResponse"]]


async def incremental_payloads(request: GraphQLRequest, split: DeferSplit, run: Run) -> AsyncIterator[dict[str, Any]]:
    """The parts of an incremental response: the primary first, then each deferred fragment as it is ready."""

    def sub(query: str) -> GraphQLRequest:
        return dataclasses.replace(request, query=query)

    tasks = {asyncio.ensure_future(run(sub(d.query))): d for d in split.deferred}
    try:
        primary = await run(sub(split.primary))
        first: dict[str, Any] = primary.to_json()
        if primary.request_error or primary.data is None:
            yield {**first, "hasNext": False}
            return
        yield {**first, "hasNext": bool(tasks)}
        pending = set(tasks)
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            items: list[dict[str, Any]] = []
            for task in done:
                deferred = tasks[task]
                result = task.result()
                hits = _at(result.data, deferred.path) if result.data is not None else []
                for concrete, obj in hits:
                    item: dict[str, Any] = {"data": obj, "path": list(concrete)}
                    if deferred.label is not None:
                        item["label"] = deferred.label
                    errors = [e for e in result.errors if list(e.get("path") or [])[: len(concrete)] == list(concrete)]
                    if errors:
                        item["errors"] = errors
                    items.append(item)
                if not hits and result.errors:
                    items.append({"data": None, "path": list(deferred.path), "errors": result.errors})
            if items:
                yield {"incremental": items, "hasNext": bool(pending)}
            elif not pending:
                yield {"hasNext": False}
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
