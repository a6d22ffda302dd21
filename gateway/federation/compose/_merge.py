"""Merge normalised subgraphs into supergraph types carrying ``join__`` directives.

Rules (Apollo Federation 2 composition, from its public documentation):

* every type gets one ``@join__type(graph:)`` per subgraph defining it, one per ``@key`` for entities;
* a field needs no ``@join__field`` when every subgraph defining its type resolves it plainly with the same type;
  otherwise it gets one per subgraph that has it, carrying ``external``, ``requires``, ``provides``, ``type``,
  ``override``, ``usedOverridden`` and ``overrideLabel`` as they apply;
* a field resolved by several subgraphs must be shareable there (``@shareable``, part of a key, or external);
* output types widen (nullable wins), argument and input types narrow (non-null wins).
"""

from __future__ import annotations

import re

from graphql.language import ConstDirectiveNode, NonNullTypeNode, TypeNode, print_ast

from ._applied import merge_applied, merge_type_refs
from ._context import CONTEXT_SPEC_NAME, context_arguments
from ._enum_input import merge_enum, merge_input, merge_union
from ._fieldset import FieldSetCheck, named_type
from ._model import Field, InputValue, Kind, Subgraph, TypeDef
from ._print import SupergraphArg, SupergraphField, SupergraphType
from ._specs import quote

__all__ = ["Merger"]

Source = tuple[Subgraph, TypeDef]
_BUILT_IN_SCALARS = frozenset({"Int", "Float", "String", "Boolean", "ID"})
_LABEL = re.compile(r"^(percent\((\d{1,2}(\.\d{1,8})?|100(\.0{1,8})?)\)|[A-Za-z][A-Za-z0-9_\-:.]*)$")


def _names(sources: list[Source]) -> str:
    return ", ".join(f'"{sg.name}"' for sg, _ in sources)


class Merger:
    """Merges the types of all subgraphs; problems accumulate in :attr:`problems` instead of stopping."""

    def __init__(self, subgraphs: list[Subgraph], checks: dict[str, FieldSetCheck], graphs: dict[str, str]) -> None:
        self.subgraphs = subgraphs
        self.checks = checks
        self.graphs = graphs
        self.problems: list[str] = []
        #: canonical names of the kept directives actually applied
        self.applied: set[str] = set()
        self.by_name: dict[str, list[Source]] = {}
        for subgraph in subgraphs:
            for type_def in subgraph.types.values():
                self.by_name.setdefault(type_def.name, []).append((subgraph, type_def))
        self.members: dict[str, set[str]] = {}
        self.usage: dict[str, set[str]] = {}
        for _, type_def in (s for sources in self.by_name.values() for s in sources):
            for interface in type_def.interfaces:
                self.members.setdefault(interface, set()).add(type_def.name)
            for member in type_def.members:
                self.members.setdefault(type_def.name, set()).add(member)
            for field in type_def.fields.values():
                position = "input" if type_def.kind is Kind.INPUT_OBJECT else "output"
                self.usage.setdefault(named_type(field.type), set()).add(position)
                for arg in field.args:
                    self.usage.setdefault(named_type(arg.type), set()).add("input")

    # -- helpers ------------------------------------------------------------------------------------------------

    def is_subtype(self, supertype: str, subtype: str) -> bool:
        seen: set[str] = set()
        pending = [supertype]
        while pending:
            current = pending.pop()
            direct = self.members.get(current, set())
            if subtype in direct:
                return True
            pending.extend(direct - seen)
            seen |= direct
        return False

    def kept(self, lists: list[list[ConstDirectiveNode]]) -> list[str]:
        for directives in lists:
            for directive in directives:
                self.applied.add(directive.name.value)
        return merge_applied(lists)

    def check_reference(self, subgraph: Subgraph, coordinate: str, type_name: str) -> None:
        if type_name not in _BUILT_IN_SCALARS and type_name not in self.by_name:
            self.problems.append(
                f'subgraph "{subgraph.name}": "{coordinate}" refers to type "{type_name}", which no subgraph defines'
            )

    def join_types(self, sources: list[Source]) -> list[str]:
        out: list[str] = []
        for subgraph, type_def in sources:
            graph = f"graph: {self.graphs[subgraph.name]}"
            # every subgraph has a Query (it holds _service): listed even without root fields of its own, as the
            # reference composition does
            if not type_def.keys:
                out.append(f"@join__type({graph})")
            for key in type_def.keys:
                args = [graph, f"key: {quote(key.fields)}"]
                if type_def.extension:
                    args.append("extension: true")
                if not key.resolvable:
                    args.append("resolvable: false")
                if type_def.interface_object:
                    args.append("isInterfaceObject: true")
                out.append(f"@join__type({', '.join(args)})")
        return out

    def kind_of(self, name: str, sources: list[Source]) -> Kind | None:
        kinds = {type_def.kind for _, type_def in sources if not type_def.interface_object}
        if any(type_def.interface_object for _, type_def in sources):
            if kinds != {Kind.INTERFACE}:
                self.problems.append(
                    f'type "{name}" is an @interfaceObject in subgraph(s) '
                    f"{_names([s for s in sources if s[1].interface_object])} but no subgraph defines an "
                    f'interface "{name}" with a @key'
                )
                return None
            return Kind.INTERFACE
        if len(kinds) > 1:
            described = ", ".join(f'{t.kind.label} in subgraph "{sg.name}"' for sg, t in sources)
            self.problems.append(f'type "{name}" has mismatched kinds across subgraphs: {described}')
            return None
        return kinds.pop()

    # -- types --------------------------------------------------------------------------------------------------

    def merge(self) -> list[SupergraphType]:
        out: list[SupergraphType] = []
        for name, sources in self.by_name.items():
            kind = self.kind_of(name, sources)
            if kind is None:
                continue
            description = next((t.description for _, t in sources if t.description), None)
            merged = SupergraphType(kind.value, name, description=description)
            merged.directives = self.join_types(sources)
            if kind in (Kind.OBJECT, Kind.INTERFACE):
                self.merge_composite(merged, kind, sources)
            elif kind is Kind.UNION:
                merge_union(self, merged, sources)
            elif kind is Kind.ENUM:
                merge_enum(self, merged, sources)
            elif kind is Kind.INPUT_OBJECT:
                merge_input(self, merged, sources)
            merged.directives += self.kept([t.directives for _, t in sources])
            for subgraph, type_def in sources:
                merged.directives += [f"@context(name: {quote(f'{subgraph.name}__{c}')})" for c in type_def.contexts]
                if type_def.contexts:
                    self.applied.add(CONTEXT_SPEC_NAME)
            out.append(merged)
        return out

    def merge_composite(self, merged: SupergraphType, kind: Kind, sources: list[Source]) -> None:
        implements: list[str] = []
        for subgraph, type_def in sources:
            for interface in type_def.interfaces:
                if interface not in merged.interfaces:
                    merged.interfaces.append(interface)
                implements.append(
                    f"@join__implements(graph: {self.graphs[subgraph.name]}, interface: {quote(interface)})"
                )
        # Apollo prints which subgraph knows an implementation before the type's @join__type list.
        merged.directives[:0] = implements
        names: list[str] = []
        for _, type_def in sources:
            names.extend(n for n in type_def.fields if n not in names)
        for name in names:
            field = self.merge_field(merged.name, name, kind, sources)
            if field is not None:
                merged.fields.append(field)

    def merge_field(self, type_name: str, name: str, kind: Kind, type_sources: list[Source]) -> SupergraphField | None:
        coordinate = f"{type_name}.{name}"
        sources = [(sg, t.fields[name]) for sg, t in type_sources if name in t.fields]
        for subgraph, field in sources:
            self.check_reference(subgraph, coordinate, named_type(field.type))
        typed = self.output_type(coordinate, sources)
        if typed is None:
            return None
        merged_type, all_equal = typed
        by_graph = {sg.name: f for sg, f in sources}
        dropped: set[str] = set()
        used_overridden: set[str] = set()
        labels: dict[str, str] = {}
        for subgraph, field in sources:
            if field.override is None:
                continue
            where = f'subgraph "{subgraph.name}": field "{coordinate}" has @override(from: "{field.override}"'
            if field.override == subgraph.name:
                self.problems.append(f"{where}); a subgraph cannot override its own field, remove the directive")
                continue
            label = field.override_label
            if label is not None and not _LABEL.match(label):
                self.problems.append(
                    f'{where}, label: "{label}"); the label must be "percent(N)" with 0 <= N <= 100 or an identifier'
                )
                continue
            if field.external:
                self.problems.append(f"{where}) on an @external field; remove one of the two directives")
                continue
            if field.override not in by_graph:
                continue
            if label is not None:
                labels[field.override] = label
            elif (type_name, name) in self.checks[field.override].used:
                used_overridden.add(field.override)
            else:
                dropped.add(field.override)
        remaining = [(sg, f) for sg, f in sources if sg.name not in dropped]
        if kind is Kind.OBJECT:
            self.check_shareable(type_name, name, remaining, used_overridden | set(labels))
        need_join = (
            not all_equal
            or bool(used_overridden or labels)
            or any(f.external or f.requires or f.provides or f.override for _, f in remaining)
            or any(arg.from_context is not None for _, f in remaining for arg in f.args)
            or len(remaining) != len(type_sources)
        )
        directives: list[str] = []
        if need_join:
            for subgraph, field in remaining:
                args = [f"graph: {self.graphs[subgraph.name]}"]
                if field.requires is not None:
                    args.append(f"requires: {quote(field.requires)}")
                if field.provides is not None:
                    args.append(f"provides: {quote(field.provides)}")
                if not all_equal:
                    args.append(f"type: {quote(print_ast(field.type))}")
                if field.external:
                    args.append("external: true")
                if field.override is not None:
                    args.append(f"override: {quote(field.override)}")
                if subgraph.name in used_overridden:
                    args.append("usedOverridden: true")
                # a label moves a field only from a subgraph that defines it: overriding nothing, it is dropped
                moves = field.override is not None and field.override in by_graph
                label = field.override_label if moves else labels.get(subgraph.name)
                if label is not None:
                    args.append(f"overrideLabel: {quote(label)}")
                contextual = context_arguments(subgraph, field)
                if contextual is not None:
                    args.append(f"contextArguments: {contextual}")
                directives.append(f"@join__field({', '.join(args)})")
        directives += self.kept([f.directives for _, f in sources])
        return SupergraphField(
            name,
            print_ast(merged_type),
            description=next((f.description for _, f in sources if f.description), None),
            args=self.merge_args(coordinate, sources),
            directives=directives,
        )

    def output_type(self, coordinate: str, sources: list[tuple[Subgraph, Field]]) -> tuple[TypeNode, bool] | None:
        """The supergraph type of an output field and whether all subgraphs agree on it.

        @external declarations do not shape the type (the owners do); each must be compatible with it.
        """
        owners = [(sg, f) for sg, f in sources if not f.external] or sources
        merged = owners[0][1].type
        for _, field in owners[1:]:
            widened = merge_type_refs(merged, field.type, output=True, is_subtype=self.is_subtype)
            if widened is None:
                listed = ", ".join(f'"{print_ast(f.type)}" in subgraph "{sg.name}"' for sg, f in owners)
                self.problems.append(f'field "{coordinate}" has incompatible types across subgraphs: {listed}')
                return None
            merged = widened
        for subgraph, field in sources:
            if field.external and merge_type_refs(merged, field.type, output=True, is_subtype=self.is_subtype) is None:
                self.problems.append(
                    f'field "{coordinate}" is declared @external in subgraph "{subgraph.name}" with type '
                    f'"{print_ast(field.type)}", incompatible with its type "{print_ast(merged)}" in the subgraphs '
                    "that resolve it"
                )
                return None
        return merged, len({print_ast(f.type) for _, f in owners}) == 1

    def check_shareable(
        self, type_name: str, name: str, sources: list[tuple[Subgraph, Field]], overridden: set[str]
    ) -> None:
        coordinate = f"{type_name}.{name}"
        if all(f.external for _, f in sources):
            self.problems.append(
                f'field "{coordinate}" is marked @external in every subgraph that defines it '
                f"({', '.join(sg.name for sg, _ in sources)}); one subgraph must resolve it"
            )
            return
        resolvers = [
            (sg, f)
            for sg, f in sources
            if sg.name not in overridden and (not f.external or (type_name, name) in self.checks[sg.name].provided)
        ]
        if len(resolvers) < 2:
            return
        strict = [
            sg.name
            for sg, f in resolvers
            if not (f.shareable or f.external or (type_name, name) in self.checks[sg.name].key_fields)
        ]
        if strict:
            resolved = " and ".join(f'"{sg.name}"' for sg, _ in resolvers)
            marked = ", ".join(f'"{n}"' for n in strict)
            self.problems.append(
                f'non-shareable field "{coordinate}" is resolved from several subgraphs: it is resolved from '
                f"{resolved} and defined as non-shareable in {marked}; mark it @shareable in every subgraph "
                "that resolves it, or move it to one owner (use @override to migrate it)"
            )

    def merge_args(self, coordinate: str, sources: list[tuple[Subgraph, Field]]) -> list[SupergraphArg]:
        """Contextual arguments (``@fromContext``) are the gateway's to fill: they are not in the supergraph."""
        names: list[str] = []
        for _, field in sources:
            names.extend(a.name for a in field.args if a.name not in names and a.from_context is None)
        out: list[SupergraphArg] = []
        for name in names:
            present = [(sg, a) for sg, f in sources for a in f.args if a.name == name and a.from_context is None]
            total = sum(1 for _, f in sources if not any(a.name == name and a.from_context for a in f.args))
            merged = self.merge_input_value(f"{coordinate}({name}:)", present, total)
            if merged is not None:
                out.append(SupergraphArg(merged[0], merged[1], merged[2], merged[3], merged[4]))
        return out

    def merge_input_value(
        self, coordinate: str, present: list[tuple[Subgraph, InputValue]] | list[tuple[Subgraph, Field]], total: int
    ) -> tuple[str, str, str | None, str | None, list[str]] | None:
        """(name, type, default, description, directives) of an argument or input field, or None if dropped."""
        if len(present) < total:
            required = [sg.name for sg, v in present if isinstance(v.type, NonNullTypeNode) and v.default is None]
            if required:
                self.problems.append(
                    f'"{coordinate}" is required in subgraph(s) {", ".join(map(repr, required))} but missing in '
                    "others that define its parent; add it everywhere or make it optional"
                )
            return None
        merged_type = present[0][1].type
        for subgraph, value in present:
            self.check_reference(subgraph, coordinate, named_type(value.type))
            narrowed = merge_type_refs(merged_type, value.type, output=False, is_subtype=self.is_subtype)
            if narrowed is None:
                listed = ", ".join(f'"{print_ast(v.type)}" in subgraph "{sg.name}"' for sg, v in present)
                self.problems.append(f'"{coordinate}" has incompatible types across subgraphs: {listed}')
                return None
            merged_type = narrowed
        defaults = {print_ast(v.default) for _, v in present if v.default is not None}
        if len(defaults) > 1:
            self.problems.append(
                f'"{coordinate}" has different default values across subgraphs: {", ".join(sorted(defaults))}'
            )
        return (
            present[0][1].name,
            print_ast(merged_type),
            min(defaults) if defaults else None,
            next((v.description for _, v in present if v.description), None),
            self.kept([v.directives for _, v in present]),
        )
