"""Entity interfaces (``@key`` on an interface, Federation 2.3): the rules that make them plannable.

A subgraph that declares an interface as an ``@interfaceObject`` sees no concrete type, so it must define none
of the interface's implementations. A subgraph that gives an interface a key answers ``_entities`` for it by
returning a concrete object, so it must know every implementation of the interface in the supergraph; and every
implementation it declares must carry the interface's keys, so the objects it returns can be fetched by them
elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._model import Kind, Subgraph

__all__ = ["check_interface_keys", "check_subgraph_implementations"]


def _normal(fieldset: str) -> str:
    return " ".join(fieldset.replace("{", " { ").replace("}", " } ").split())


def check_interface_keys(subgraphs: Sequence[Subgraph]) -> list[str]:
    problems: list[str] = []
    implementations: dict[str, set[str]] = {}
    for subgraph in subgraphs:
        for type_def in subgraph.types.values():
            if type_def.kind is Kind.OBJECT:
                for name in type_def.interfaces:
                    implementations.setdefault(name, set()).add(type_def.name)
    for subgraph in subgraphs:
        for type_def in subgraph.types.values():
            defined = sorted(n for n in implementations.get(type_def.name, ()) if n in subgraph.types)
            if type_def.interface_object and defined:
                problems.append(
                    f'subgraph "{subgraph.name}": "{type_def.name}" is an @interfaceObject there, so that subgraph '
                    f"must not define its implementations, but it defines {', '.join(repr(n) for n in defined)}; "
                    "move their fields to the subgraphs that own them, or to the interface object"
                )
    for subgraph in subgraphs:
        for iface in subgraph.types.values():
            if iface.kind is not Kind.INTERFACE or not iface.keys:
                continue
            here = {t.name: t for t in subgraph.types.values() if t.kind is Kind.OBJECT and iface.name in t.interfaces}
            for key in iface.keys:
                for name in sorted(here):
                    same = [k for k in here[name].keys if _normal(k.fields) == _normal(key.fields)]
                    if not same:
                        problems.append(
                            f'subgraph "{subgraph.name}": @key(fields: "{key.fields}") on interface "{iface.name}" '
                            f'is missing on its implementation "{name}"; add the same @key to "{name}"'
                        )
                    elif key.resolvable and not any(k.resolvable for k in same):
                        problems.append(
                            f'subgraph "{subgraph.name}": @key(fields: "{key.fields}") on interface "{iface.name}" '
                            f'is resolvable, so it must be on every implementation, but "{name}" declares it with '
                            "resolvable: false"
                        )
            if any(k.resolvable for k in iface.keys):
                missing = sorted(implementations.get(iface.name, set()) - set(here))
                if missing:
                    problems.append(
                        f'subgraph "{subgraph.name}": interface "{iface.name}" has a resolvable @key there, but '
                        f"the subgraph lacks {', '.join(repr(m) for m in missing)} of its implementations in the "
                        f'supergraph; define them there (implementing "{iface.name}"), since it answers which '
                        "object an interface key stands for"
                    )
    return problems


def check_subgraph_implementations(subgraphs: Sequence[Subgraph]) -> list[str]:
    """Within each subgraph, an object type declaring an interface has every field of it (GraphQL's own rule,
    checked per subgraph: a subgraph that breaks it is not a valid schema, whatever the others define)."""
    problems: list[str] = []
    for subgraph in subgraphs:
        for type_def in subgraph.types.values():
            if type_def.kind is not Kind.OBJECT:
                continue
            for name in type_def.interfaces:
                iface = subgraph.types.get(name)
                if iface is None or iface.kind is not Kind.INTERFACE:
                    continue
                problems.extend(
                    f'subgraph "{subgraph.name}": interface field {name}.{field} expected but {type_def.name} does '
                    "not provide it"
                    for field in iface.fields
                    if field not in type_def.fields
                )
    return problems
