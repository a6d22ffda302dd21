"""The composed supergraph as plain values, and its SDL text in the layout Apollo's composition prints.

Layout: the schema definition with its ``@link``s; directive definitions sorted by name; then every type, the spec
types (``join__*``, ``link__*`` ...) among the subgraphs', sorted by name ignoring case. A type with directives
prints them one per line, its body's brace on a line of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql.language.block_string import print_block_string

__all__ = ["SupergraphArg", "SupergraphDocument", "SupergraphEnumValue", "SupergraphField", "SupergraphType"]


@dataclass
class SupergraphArg:
    name: str
    type: str
    default: str | None = None
    description: str | None = None
    directives: list[str] = field(default_factory=list)

    def render(self) -> str:
        text = f"{self.name}: {self.type}"
        if self.default is not None:
            text += f" = {self.default}"
        return _with_directives(text, self.directives)


@dataclass
class SupergraphField:
    name: str
    type: str
    description: str | None = None
    args: list[SupergraphArg] = field(default_factory=list)
    #: input fields only
    default: str | None = None
    directives: list[str] = field(default_factory=list)

    def render(self, indent: str = "  ") -> list[str]:
        lines = _description(self.description, indent)
        if any(arg.description for arg in self.args):
            lines.append(f"{indent}{self.name}(")
            for position, arg in enumerate(self.args):
                if position and arg.description:
                    lines.append("")
                lines.extend(_description(arg.description, indent * 2))
                lines.append(f"{indent * 2}{arg.render()}")
            head = f"{indent}): {self.type}"
        elif self.args:
            head = f"{indent}{self.name}({', '.join(arg.render() for arg in self.args)}): {self.type}"
        else:
            head = f"{indent}{self.name}: {self.type}"
        if self.default is not None:
            head += f" = {self.default}"
        lines.append(_with_directives(head, self.directives))
        return lines


@dataclass
class SupergraphEnumValue:
    name: str
    description: str | None = None
    directives: list[str] = field(default_factory=list)


@dataclass
class SupergraphType:
    #: "type", "interface", "union", "enum", "input" or "scalar"
    keyword: str
    name: str
    description: str | None = None
    directives: list[str] = field(default_factory=list)
    interfaces: list[str] = field(default_factory=list)
    fields: list[SupergraphField] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    values: list[SupergraphEnumValue] = field(default_factory=list)

    def render(self) -> str:
        lines = _description(self.description, "")
        head = f"{self.keyword} {self.name}"
        if self.interfaces:
            head += " implements " + " & ".join(self.interfaces)
        lines.append(head)
        lines.extend(f"  {directive}" for directive in self.directives)
        if self.keyword == "union":
            if self.members:
                separator = "\n " if self.directives else " "
                lines[-1] += f"{separator}= " + " | ".join(self.members)
            return "\n".join(lines)
        if self.keyword == "scalar":
            return "\n".join(lines)
        body: list[str] = []
        if self.keyword == "enum":
            for value in self.values:
                if body and value.description:
                    body.append("")
                body.extend(_description(value.description, "  "))
                body.append(_with_directives(f"  {value.name}", value.directives))
        else:
            for member in self.fields:
                if body and member.description:
                    body.append("")
                body.extend(member.render())
        if self.directives:
            lines.append("{")
        else:
            lines[-1] += " {"
        lines.extend(body)
        lines.append("}")
        return "\n".join(lines)


@dataclass
class SupergraphDocument:
    links: list[str]
    roots: dict[str, str]
    directive_definitions: dict[str, str]
    spec_types: list[SupergraphType]
    types: list[SupergraphType]

    def render(self) -> str:
        schema = ["schema"]
        schema.extend(f"  {link}" for link in self.links)
        schema.append("{")
        schema.extend(f"  {operation}: {name}" for operation, name in self.roots.items())
        schema.append("}")
        blocks = ["\n".join(schema)]
        blocks.extend(self.directive_definitions[name] for name in sorted(self.directive_definitions))
        # spec and subgraph types in one order, by name ignoring case, as the reference prints them
        blocks.extend(
            t.render() for t in sorted([*self.spec_types, *self.types], key=lambda t: (t.name.lower(), t.name))
        )
        return "\n\n".join(blocks) + "\n"


def _description(text: str | None, indent: str) -> list[str]:
    if not text:
        return []
    return [f"{indent}{line}" if line else "" for line in print_block_string(text).split("\n")]


def _with_directives(text: str, directives: list[str]) -> str:
    return " ".join([text, *directives])
