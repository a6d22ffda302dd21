"""Merge rules for unions, enums and input objects.

Unions take every member; enums take the union of values when only output positions use them, the intersection
when only inputs do, and must agree when both do; input objects keep the fields common to all their subgraphs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graphql.language import print_ast

from ._print import SupergraphEnumValue, SupergraphField, SupergraphType
from ._specs import quote

if TYPE_CHECKING:
    from ._merge import Merger, Source

__all__ = ["merge_enum", "merge_input", "merge_union"]


def merge_union(merger: Merger, merged: SupergraphType, sources: list[Source]) -> None:
    for subgraph, type_def in sources:
        for member in type_def.members:
            merger.check_reference(subgraph, merged.name, member)
            if member not in merged.members:
                merged.members.append(member)
            merged.directives.append(
                f"@join__unionMember(graph: {merger.graphs[subgraph.name]}, member: {quote(member)})"
            )


def merge_enum(merger: Merger, merged: SupergraphType, sources: list[Source]) -> None:
    names: list[str] = []
    for _, type_def in sources:
        names.extend(v for v in type_def.values if v not in names)
    usage = merger.usage.get(merged.name, {"output"})
    partial = [v for v in names if not all(v in t.values for _, t in sources)]
    if partial and usage == {"input", "output"}:
        # a value hidden from clients (@inaccessible) cannot be sent by them nor returned to them: it may be missing
        for value in (v for v in partial if not _inaccessible(v, sources)):
            having = [sg.name for sg, t in sources if value in t.values]
            missing = [sg.name for sg, t in sources if value not in t.values]
            merger.problems.append(
                f'enum "{merged.name}" is used both as an input and an output type, so its values must be the '
                f'same in every subgraph, but value "{value}" is defined in {", ".join(having)} and not in '
                f"{', '.join(missing)}"
            )
    if usage == {"input"}:
        names = [v for v in names if v not in partial]
        if not names:
            merger.problems.append(
                f'enum "{merged.name}" is only used as an input type, so it keeps the values common to all '
                "its subgraphs, and there are none"
            )
    for value in names:
        holders = [(sg, t.values[value]) for sg, t in sources if value in t.values]
        directives = [f"@join__enumValue(graph: {merger.graphs[sg.name]})" for sg, _ in holders]
        merged.values.append(
            SupergraphEnumValue(
                value,
                next((v.description for _, v in holders if v.description), None),
                directives + merger.kept([v.directives for _, v in holders]),
            )
        )


def _inaccessible(value: str, sources: list[Source]) -> bool:
    return any(
        d.name.value == "inaccessible" for _, t in sources if value in t.values for d in t.values[value].directives
    )


def merge_input(merger: Merger, merged: SupergraphType, sources: list[Source]) -> None:
    names: list[str] = []
    for _, type_def in sources:
        names.extend(n for n in type_def.fields if n not in names)
    for name in names:
        present = [(sg, t.fields[name]) for sg, t in sources if name in t.fields]
        value = merger.merge_input_value(f"{merged.name}.{name}", present, len(sources))
        if value is None:
            continue
        directives = []
        if len({print_ast(f.type) for _, f in present}) > 1:
            directives = [
                f"@join__field(graph: {merger.graphs[sg.name]}, type: {quote(print_ast(f.type))})" for sg, f in present
            ]
        field_name, type_text, default, description, applied = value
        merged.fields.append(
            SupergraphField(field_name, type_text, description, default=default, directives=directives + applied)
        )
    if not merged.fields:
        where = ", ".join(sg.name for sg, _ in sources)
        merger.problems.append(f'input type "{merged.name}" has no field defined in all of its subgraphs ({where})')
