"""``@fromContext`` arguments: a field whose subgraph takes an argument from a context is fetched by entity, with
the argument as a variable whose value the executor reads, per object, from the nearest ancestor in the
operation that sets the context (``@context``); the planner makes sure that ancestor's selection is fetched
first, wherever it lives."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from graphql import ArgumentNode, FieldNode, NameNode, VariableNode

from gateway.errors import PlanningError

from ._entities import _EntityPlanning
from ._model import _Ancestor, _ContextBuilder, _Group, _Parent, _Target
from ._selection import SelectionSet

__all__: list[str] = []


class _ContextPlanning(_EntityPlanning):
    """Keeps the ancestors of the object being planned and wires contextual arguments to them."""

    @contextlib.contextmanager
    def below(
        self, group: _Group, sel: SelectionSet, type_name: str, path: tuple[str, ...], parent: _Parent | None
    ) -> Iterator[None]:
        """Plan what is inside with the object of ``type_name`` at ``path`` (in ``sel`` of ``group``) as the
        nearest ancestor."""
        self.ancestors.append(_Ancestor(group, sel, type_name, path, parent))
        try:
            yield
        finally:
            self.ancestors.pop()

    def add_contexts(self, child: _Group, type_name: str, field: FieldNode, target: _Target) -> FieldNode:
        """``field`` with its contextual arguments as variables of ``child`` (the entity fetch of ``type_name``
        to ``target``), each read from the nearest ancestor setting its context."""
        arguments = list(field.arguments or ())
        for spec in target.routing.context_arguments:
            context, name = str(spec["context"]), str(spec["name"])
            ancestor = next(
                (a for a in reversed(self.ancestors) if context in self.sg.contexts_set_by(a.type_name)), None
            )
            if ancestor is None:
                raise PlanningError(
                    f"{type_name}.{field.name.value} takes its argument {name} from context {context}, but no "
                    "enclosing field of the operation returns a type that sets it"
                )
            selection = str(spec["selection"]).strip()
            if selection.startswith("{"):
                selection = selection[1 : selection.rindex("}")]
            ancestor.sel.add_typename()
            read, deps = self.ensure_fields(
                ancestor.group,
                ancestor.sel,
                ancestor.type_name,
                ancestor.path,
                selection,
                0,
                avoid=(child,),
                parent=ancestor.parent,
            )
            if len(read) != 1:
                raise PlanningError(f"context {context} selects no single field of {ancestor.type_name}")
            for dep in deps:
                if dep is child or self.depends_on(dep, child):
                    raise PlanningError(f"the value of context {context} depends on the fetch that needs it")
                child.deps.add(dep.id)
            variable = self._context_variable(child, type_name, field.name.value, name)
            child.contexts.append(
                _ContextBuilder(variable, str(spec["type"]), len(ancestor.path), {ancestor.type_name}, *read.values())
            )
            arguments.append(ArgumentNode(name=NameNode(value=name), value=VariableNode(name=NameNode(value=variable))))
        return FieldNode(
            alias=field.alias,
            name=field.name,
            arguments=tuple(arguments),
            directives=field.directives,
            selection_set=field.selection_set,
        )

    def _context_variable(self, child: _Group, type_name: str, field: str, argument: str) -> str:
        key = (child.id, type_name, field, argument)
        if key not in self.context_variables:
            self.context_variables[key] = f"contextualArgument_{child.id}_{len(self.context_variables)}"
        return self.context_variables[key]
