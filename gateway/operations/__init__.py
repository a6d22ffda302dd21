"""The example operations: one named GraphQL operation per ``.graphql`` file in this package.

Each file opens with comment lines saying what the operation shows and one line ``# variables: {...}`` (JSON)
with variables that tell the seed story (``adapters/story/``). They are what ``silkgraph demo`` lists, what
GraphiQL opens as tabs, what the end-to-end tests run against every sandbox and what client tooling (GraphQL
Code Generator) is checked against.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from importlib import resources
from typing import Any

from graphql import OperationDefinitionNode, parse

__all__ = ["ExampleOperation", "example_operations", "load_operation"]

#: The order the demo lists them and GraphiQL opens them: the flagship dossier first, the mutation last.
ORDER = (
    "CompanyDossier",
    "ShipmentDossier",
    "VehicleDossier",
    "Declaration",
    "BarterContract",
    "VerifyInvoice",
    "ShipmentMilestones",
    "SubmitDeclaration",
)

_VARIABLES = "variables:"


@dataclasses.dataclass(frozen=True, kw_only=True)
class ExampleOperation:
    """One example operation: its name, kind, the whole file text, what it shows and variables to run it with."""

    name: str
    kind: str  # query | mutation | subscription
    text: str
    description: str
    variables: dict[str, Any]

    @property
    def variables_json(self) -> str:
        """The variables, pretty-printed (the GraphiQL variables editor's content)."""
        return json.dumps(self.variables, indent=2, ensure_ascii=False)


def load_operation(filename: str, text: str) -> ExampleOperation:
    """Parse one example file; raise ``ValueError`` naming the file if it breaks the one-operation convention."""
    description: list[str] = []
    variables: dict[str, Any] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        comment = stripped.lstrip("#").strip()
        if comment.startswith(_VARIABLES):
            try:
                value = json.loads(comment[len(_VARIABLES) :])
            except json.JSONDecodeError as exc:
                raise ValueError(f"{filename}: the '# variables:' line is not JSON ({exc.msg})") from None
            if not isinstance(value, dict):
                raise ValueError(f"{filename}: the '# variables:' line must be a JSON object")
            variables = value
        else:
            description.append(comment)
    operations = [d for d in parse(text).definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or operations[0].name is None:
        raise ValueError(f"{filename}: an example file holds exactly one named operation")
    operation = operations[0]
    name = operation.name.value if operation.name is not None else ""
    if f"{name}.graphql" != filename:
        raise ValueError(f"{filename}: the file is named after its operation; rename it to {name}.graphql")
    if not description:
        raise ValueError(f"{filename}: open the file with comment lines saying what the operation shows")
    return ExampleOperation(
        name=name,
        kind=operation.operation.value,
        text=text,
        description=" ".join(description),
        variables=variables,
    )


@functools.cache
def _load_all() -> tuple[ExampleOperation, ...]:
    package = resources.files(__name__)
    found = {
        entry.name: load_operation(entry.name, entry.read_text(encoding="utf-8"))
        for entry in package.iterdir()
        if entry.name.endswith(".graphql")
    }
    rank = {name: i for i, name in enumerate(ORDER)}
    return tuple(sorted(found.values(), key=lambda op: (rank.get(op.name, len(rank)), op.name)))


def example_operations() -> dict[str, ExampleOperation]:
    """Every example operation by name, in demo order."""
    return {op.name: op for op in _load_all()}
