"""Merge the directive applications a supergraph keeps (security, metadata, composed) and the type references
of one element across subgraphs."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from graphql.language import (
    ConstDirectiveNode,
    IntValueNode,
    ListTypeNode,
    NamedTypeNode,
    NonNullTypeNode,
    StringValueNode,
    TypeNode,
    ValueNode,
    print_ast,
)

__all__ = ["merge_applied", "merge_type_refs"]


def _argument(directive: ConstDirectiveNode, name: str) -> ValueNode | None:
    for arg in directive.arguments or ():
        if arg.name.value == name:
            return arg.value
    return None


def merge_applied(applications: Sequence[Sequence[ConstDirectiveNode]]) -> list[str]:
    """One element's kept directive applications from each of its subgraphs, as supergraph text.

    ``@inaccessible``/``@authenticated`` once when any subgraph has them; ``@tag`` once per distinct name;
    ``@requiresScopes``/``@policy`` requiring what every subgraph requires (their conjunction);
    ``@cost`` with the highest weight; non-repeatable others (``@deprecated``, ``@listSize``, composed ones)
    from the first subgraph.
    """
    merged: dict[str, list[ConstDirectiveNode]] = {}
    for directives in applications:
        for directive in directives:
            merged.setdefault(directive.name.value, []).append(directive)
    out: list[str] = []
    for name, found in merged.items():
        if name in {"requiresScopes", "policy"}:
            out.append(_merge_alternatives(name, found))
        elif name == "cost":
            out.append(print_ast(max(found, key=_weight)))
        elif name == "tag":
            seen: list[str] = []
            for directive in found:
                text = print_ast(directive)
                if text not in seen:
                    seen.append(text)
            out.extend(seen)
        else:
            out.append(print_ast(found[0]))
    return out


def _weight(directive: ConstDirectiveNode) -> int:
    value = _argument(directive, "weight")
    if isinstance(value, IntValueNode):
        return int(value.value)
    if isinstance(value, StringValueNode):
        try:
            return int(float(value.value))
        except ValueError:
            return 0
    return 0


def _merge_alternatives(name: str, found: list[ConstDirectiveNode]) -> str:
    """Requirements from several subgraphs all apply: the conjunction of their alternatives (OR of ANDs)."""
    argument = "scopes" if name == "requiresScopes" else "policies"
    merged: list[list[str]] = [[]]
    for directive in found:
        value = _argument(directive, argument)
        alternatives = [[print_ast(v) for v in getattr(item, "values", ())] for item in getattr(value, "values", ())]
        if not alternatives:
            continue
        product: list[list[str]] = []
        for left in merged:
            for right in alternatives:
                combined = left + [v for v in right if v not in left]
                if not any(set(existing) == set(combined) for existing in product):
                    product.append(combined)
        # An alternative that contains another one adds nothing to an OR.
        merged = [a for a in product if not any(set(b) < set(a) for b in product)]
    rendered = ", ".join("[" + ", ".join(alternative) + "]" for alternative in merged)
    return f"@{name}({argument}: [{rendered}])"


IsSubtype = Callable[[str, str], bool]


def merge_type_refs(a: TypeNode, b: TypeNode, *, output: bool, is_subtype: IsSubtype) -> TypeNode | None:
    """The supergraph type of an element typed ``a`` in one subgraph and ``b`` in another, or None if they clash.

    Output positions take the most general type (nullable wins, an interface or union over its member);
    input positions the most restrictive one (non-null wins, named types must be equal).
    """
    a_required, b_required = isinstance(a, NonNullTypeNode), isinstance(b, NonNullTypeNode)
    if a_required or b_required:
        inner_a = a.type if isinstance(a, NonNullTypeNode) else a
        inner_b = b.type if isinstance(b, NonNullTypeNode) else b
        inner = merge_type_refs(inner_a, inner_b, output=output, is_subtype=is_subtype)
        if inner is None:
            return None
        if (a_required and b_required) or not output:
            assert isinstance(inner, NamedTypeNode | ListTypeNode)
            return NonNullTypeNode(type=inner)
        return inner
    if isinstance(a, ListTypeNode) and isinstance(b, ListTypeNode):
        inner = merge_type_refs(a.type, b.type, output=output, is_subtype=is_subtype)
        return None if inner is None else ListTypeNode(type=inner)
    if isinstance(a, NamedTypeNode) and isinstance(b, NamedTypeNode):
        if a.name.value == b.name.value:
            return a
        if output and is_subtype(a.name.value, b.name.value):
            return a
        if output and is_subtype(b.name.value, a.name.value):
            return b
    return None
