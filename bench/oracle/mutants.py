"""Broken subgraph sets: a generated world with one random edit, to search for sets the composer wrongly accepts.

Each mutant is a valid world (bench.oracle.world) with one edit to one subgraph's SDL, chosen from the edits that
break federation in practice: a key dropped, made non-resolvable or pointed at a missing field; ``@shareable``
dropped from a field another subgraph also resolves; a field dropped, retyped or marked ``@external``; a
``@requires`` or ``@provides`` dropped or pointed at a missing field; a root field dropped. Many edits leave a set
that still composes (an unreachable type, say); what matters is that Silkgraph's verdict equals the reference's.

``python -m bench.oracle.mutants --mutants 300`` compares accept / reject with ``@apollo/composition``
(bench/oracle/reference_composition, ``npm ci`` there) and prints every disagreement with the edit that caused it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

from graphql import (
    ArgumentNode,
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    FieldDefinitionNode,
    NamedTypeNode,
    NameNode,
    ObjectTypeDefinitionNode,
    StringValueNode,
    parse,
    print_ast,
)

from bench.oracle.reference import HERE, disagree, ensure_installed, our_errors
from bench.oracle.sdl import views
from bench.oracle.world import generate_world
from gateway.federation.compose import SubgraphSource

__all__ = ["Mutant", "generate_mutant", "main", "reference_verdicts"]


@dataclasses.dataclass(frozen=True)
class Mutant:
    seed: int
    edit: str
    sources: list[SubgraphSource]


def _set(node: Any, attribute: str, value: Any) -> None:
    """Edit a node of this module's own parsed copy (graphql-core's AST nodes are frozen dataclasses)."""
    object.__setattr__(node, attribute, value)


def _objects(doc: DocumentNode) -> list[ObjectTypeDefinitionNode]:
    return [d for d in doc.definitions if isinstance(d, ObjectTypeDefinitionNode)]


def _entity_objects(doc: DocumentNode) -> list[ObjectTypeDefinitionNode]:
    return [d for d in _objects(doc) if d.name.value not in ("Query", "Mutation")]


def _directives(node: Any, name: str) -> list[DirectiveNode]:
    return [d for d in node.directives or () if d.name.value == name]


def _without(node: Any, directive: DirectiveNode) -> tuple[DirectiveNode, ...]:
    return tuple(d for d in node.directives or () if d is not directive)


def _fields_arg(directive: DirectiveNode) -> ArgumentNode | None:
    return next((a for a in directive.arguments or () if a.name.value == "fields"), None)


def _with_fields(directive: DirectiveNode, fields: str) -> DirectiveNode:
    args = tuple(a for a in directive.arguments or () if a.name.value != "fields")
    return DirectiveNode(
        name=directive.name,
        arguments=(ArgumentNode(name=NameNode(value="fields"), value=StringValueNode(value=fields)), *args),
    )


Edit = Callable[[random.Random, DocumentNode], "str | None"]


def _pick_field_directive(
    rng: random.Random, doc: DocumentNode, name: str
) -> tuple[FieldDefinitionNode, DirectiveNode] | None:
    found = [(f, d) for t in _objects(doc) for f in t.fields or () for d in _directives(f, name)]
    return rng.choice(found) if found else None


def _pick_key(rng: random.Random, doc: DocumentNode) -> tuple[ObjectTypeDefinitionNode, DirectiveNode] | None:
    keyed = [(t, d) for t in _entity_objects(doc) for d in _directives(t, "key")]
    return rng.choice(keyed) if keyed else None


def drop_key(rng: random.Random, doc: DocumentNode) -> str | None:
    picked = _pick_key(rng, doc)
    if picked is None:
        return None
    t, key = picked
    _set(t, "directives", _without(t, key))
    return f"drop @key on {t.name.value}"


def key_not_resolvable(rng: random.Random, doc: DocumentNode) -> str | None:
    picked = _pick_key(rng, doc)
    if picked is None:
        return None
    t, key = picked
    arg = ArgumentNode(name=NameNode(value="resolvable"), value=BooleanValueNode(value=False))
    _set(key, "arguments", (*tuple(a for a in key.arguments or () if a.name.value != "resolvable"), arg))
    return f"@key on {t.name.value} resolvable: false"


def key_on_missing_field(rng: random.Random, doc: DocumentNode) -> str | None:
    picked = _pick_key(rng, doc)
    if picked is None:
        return None
    t, key = picked
    _set(t, "directives", tuple(_with_fields(d, "missing") if d is key else d for d in t.directives))
    return f"@key on {t.name.value} names a missing field"


def drop_shareable(rng: random.Random, doc: DocumentNode) -> str | None:
    found = _pick_field_directive(rng, doc, "shareable")
    owners = [t for t in _objects(doc) if _directives(t, "shareable")]
    if found is None and not owners:
        return None
    if found is not None and (not owners or rng.random() < 0.7):
        field, directive = found
        _set(field, "directives", _without(field, directive))
        return f"drop @shareable on field {field.name.value}"
    t = rng.choice(owners)
    _set(t, "directives", tuple(d for d in t.directives if d.name.value != "shareable"))
    return f"drop @shareable on type {t.name.value}"


def drop_field(rng: random.Random, doc: DocumentNode) -> str | None:
    candidates = [(t, f) for t in _entity_objects(doc) for f in t.fields or () if len(t.fields) > 1]
    if not candidates:
        return None
    t, field = rng.choice(candidates)
    _set(t, "fields", tuple(f for f in t.fields if f is not field))
    return f"drop field {t.name.value}.{field.name.value}"


def retype_field(rng: random.Random, doc: DocumentNode) -> str | None:
    candidates = [
        f
        for t in _entity_objects(doc)
        for f in t.fields or ()
        if isinstance(f.type, NamedTypeNode) and f.type.name.value == "String"
    ]
    if not candidates:
        return None
    field = rng.choice(candidates)
    _set(field, "type", NamedTypeNode(name=NameNode(value="Int")))
    return f"retype field {field.name.value} String -> Int"


def externalize(rng: random.Random, doc: DocumentNode) -> str | None:
    candidates = [(t, f) for t in _entity_objects(doc) for f in t.fields or () if not _directives(f, "external")]
    if not candidates:
        return None
    t, field = rng.choice(candidates)
    _set(field, "directives", (*(field.directives or ()), DirectiveNode(name=NameNode(value="external"), arguments=())))
    return f"mark {t.name.value}.{field.name.value} @external"


def drop_requires_or_provides(rng: random.Random, doc: DocumentNode) -> str | None:
    found = _pick_field_directive(rng, doc, rng.choice(("requires", "provides")))
    if found is None:
        return None
    field, directive = found
    _set(field, "directives", _without(field, directive))
    return f"drop @{directive.name.value} on {field.name.value}"


def requires_missing(rng: random.Random, doc: DocumentNode) -> str | None:
    found = _pick_field_directive(rng, doc, rng.choice(("requires", "provides")))
    if found is None:
        return None
    field, directive = found
    _set(field, "directives", tuple(_with_fields(d, "missing") if d is directive else d for d in field.directives))
    return f"@{directive.name.value} on {field.name.value} names a missing field"


def drop_root_field(rng: random.Random, doc: DocumentNode) -> str | None:
    roots = [t for t in _objects(doc) if t.name.value == "Query" and t.fields and len(t.fields) > 1]
    if not roots:
        return None
    query = roots[0]
    field = rng.choice(query.fields)
    _set(query, "fields", tuple(f for f in query.fields if f is not field))
    return f"drop root field Query.{field.name.value}"


EDITS: tuple[Edit, ...] = (
    drop_key,
    key_not_resolvable,
    key_on_missing_field,
    drop_shareable,
    drop_field,
    retype_field,
    externalize,
    drop_requires_or_provides,
    requires_missing,
    drop_root_field,
)


def generate_mutant(seed: int) -> Mutant | None:
    """The world of ``seed`` with one edit to one subgraph; None when the edit chosen finds nothing to change."""
    rng = random.Random(seed)
    sources = [SubgraphSource(n, f"http://{n}.oracle/graphql", v.sdl) for n, v in views(generate_world(seed)).items()]
    index = rng.randrange(len(sources))
    doc = parse(sources[index].sdl, no_location=True)
    edit = rng.choice(EDITS)(rng, doc)
    if edit is None:
        return None
    target = sources[index]
    sources[index] = SubgraphSource(target.name, target.url, print_ast(doc))
    return Mutant(seed, f"{target.name}: {edit}", sources)


def reference_verdicts(sets: list[list[SubgraphSource]]) -> list[list[str] | None]:
    """The reference's composition errors per set (None when it composes), in one node process."""
    ensure_installed()
    payload = json.dumps({"batch": [[{"name": s.name, "url": s.url, "sdl": s.sdl} for s in set_] for set_ in sets]})
    out = subprocess.run(
        ["node", str(HERE / "compose.cjs")], input=payload, capture_output=True, text=True, check=True, cwd=HERE
    )
    return [list(r["errors"]) if r.get("errors") else None for r in json.loads(out.stdout)]


def _mutants(first: int, count: int) -> Iterator[Mutant]:
    seed = first
    made = 0
    while made < count:
        mutant = generate_mutant(seed)
        seed += 1
        if mutant is not None:
            made += 1
            yield mutant


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.oracle.mutants")
    parser.add_argument("--mutants", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    mutants = list(_mutants(args.seed, args.mutants))
    theirs = reference_verdicts([m.sources for m in mutants])
    rejected = disagreements = 0
    for mutant, reference in zip(mutants, theirs, strict=True):
        rejected += reference is not None
        disagreements += disagree(f"seed {mutant.seed} ({mutant.edit})", our_errors(mutant.sources), reference)
    print(
        f"mutant composition agreement: {len(mutants) - disagreements}/{len(mutants)} broken subgraph sets "
        f"({rejected} rejected by the reference)"
    )
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
