"""``@authenticated``, ``@requiresScopes`` and ``@policy``, enforced by the gateway before planning.

The directives are read from the supergraph schema (the API schema strips them), on fields and on types: a type's
requirement applies to every field that returns it and to fragments on it. For a field of an interface, the
requirements of that field on every implementing type apply too (the caller could reach any of them).

**Closed by default.** A type's rule also covers the type's own fields. A field of the API schema on which no
rule applies — none on the field, on its parent type or on the type it returns — is closed to every caller,
unless the field is marked public with ``@tag(name: "public")`` (reference data). :meth:`unruled` lists such
fields; ``silkgraph compose`` refuses to write a schema that has any. Mutations are written for an agency: a
caller without one (even with the platform grant, which is read-only) is refused every mutation field.

For each operation the gateway walks the validated document and removes every field the caller may not see. It
plans the rewritten document, so no subgraph is ever asked for a removed field; the response has ``null`` at
each removed field's path with an error coded ``UNAUTHENTICATED`` (no token) or ``FORBIDDEN`` (a token that
lacks the scope or policy), ``extensions.coordinate`` naming the field (non-null fields propagate the null as any
field error does). Everything else still answers.

Semantics (federation.md §1): ``@requiresScopes(scopes: [["a", "b"], ["c"]])`` passes with scopes a AND b, OR
with c; ``@policy(policies: [[...]])`` is the same over named policies, each a Python callable registered in
config (``[auth.policies] name = "module:function"``) and called as ``policy(principal, "Type.field")``; an
unknown policy, or one that raises, denies.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from graphql import (
    DefinitionNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    NameNode,
    Node,
    OperationDefinitionNode,
    OperationType,
    SelectionNode,
    SelectionSetNode,
    get_named_type,
)

from gateway.errors import CompositionError, ConfigError
from gateway.federation.engine import Authorization
from gateway.federation.supergraph import Supergraph
from gateway.policy.directives import SpecDirectives
from gateway.policy.scopes import PUBLIC_TAG
from gateway.sdk.context import Principal, RequestContext
from gateway.sdk.tenancy import tenancy_of

__all__ = ["PUBLIC_TAG", "DirectiveAuthorizer", "Policy", "Requirement", "load_policies", "require_rules"]

log = logging.getLogger("silkgraph.authz")

#: ``policy(principal, coordinate) -> allowed``
Policy = Callable[[Principal, str], bool]

#: why a field with no rule is refused
CLOSED = "an authorization rule (none is declared on the field, its type or the type it returns: closed by default)"
WRITE_NEEDS_AGENCY = "an agency claim (mutations are made on behalf of one agency)"

_N = TypeVar("_N", bound=Node)


@dataclasses.dataclass(frozen=True)
class Requirement:
    """Everything one field (or type) asks of the caller; all parts must hold."""

    authenticated: bool = False
    #: no rule applies and the field is not public: nobody may see it
    closed: bool = False
    #: each entry is one directive's OR-of-ANDs
    scopes: tuple[tuple[frozenset[str], ...], ...] = ()
    policies: tuple[tuple[frozenset[str], ...], ...] = ()

    def __bool__(self) -> bool:
        return self.authenticated or self.closed or bool(self.scopes) or bool(self.policies)

    def __and__(self, other: Requirement) -> Requirement:
        return Requirement(
            authenticated=self.authenticated or other.authenticated,
            closed=self.closed or other.closed,
            scopes=self.scopes + other.scopes,
            policies=self.policies + other.policies,
        )

    def missing(self, principal: Principal, coordinate: str, policies: Mapping[str, Policy]) -> str | None:
        """Why the caller fails this requirement, or None when it passes."""
        if self.closed:
            return CLOSED
        if (self.authenticated or self.scopes or self.policies) and not principal.authenticated:
            return "authentication"
        for alternatives in self.scopes:
            if not any(group <= principal.scopes for group in alternatives):
                return "scope " + " or ".join(" and ".join(sorted(g)) for g in alternatives)
        for alternatives in self.policies:
            if not any(all(_allows(policies, p, principal, coordinate) for p in group) for group in alternatives):
                return "policy " + " or ".join(" and ".join(sorted(g)) for g in alternatives)
        return None


def _allows(policies: Mapping[str, Policy], name: str, principal: Principal, coordinate: str) -> bool:
    policy = policies.get(name)
    if policy is None:
        log.warning("unknown policy denies access", extra={"fields": {"policy": name, "coordinate": coordinate}})
        return False
    try:
        return policy(principal, coordinate) is True
    except Exception:
        log.exception("policy raised; access denied", extra={"fields": {"policy": name, "coordinate": coordinate}})
        return False


def _groups(value: Any) -> tuple[frozenset[str], ...]:
    if not isinstance(value, list):
        return ()
    return tuple(frozenset(str(x) for x in group) for group in value if isinstance(group, list))


def require_rules(supergraph: Supergraph) -> None:
    """Refuse (:class:`CompositionError`) a supergraph whose API schema has a field no rule covers."""
    unruled = DirectiveAuthorizer(supergraph).unruled()
    if unruled:
        raise CompositionError(
            [
                f"{coordinate} carries no authorization rule: add @requiresScopes / @authenticated / @policy "
                '(docs/security.md), or @tag(name: "public") for reference data'
                for coordinate in unruled
            ]
        )


def load_policies(spec: Mapping[str, str]) -> dict[str, Policy]:
    """Import each ``name = "module:function"`` policy; a wrong entry is a :class:`ConfigError`."""
    loaded: dict[str, Policy] = {}
    for name, target in spec.items():
        module_name, _, attr = target.partition(":")
        if not module_name or not attr:
            raise ConfigError(f"auth.policies.{name}", f"must be 'module:function', got {target!r}")
        try:
            function = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError) as exc:
            raise ConfigError(f"auth.policies.{name}", f"cannot import {target!r}: {exc}") from None
        if not callable(function):
            raise ConfigError(f"auth.policies.{name}", f"{target!r} is not callable")
        loaded[name] = function
    return loaded


class DirectiveAuthorizer:
    """The engine's ``authorize`` hook: removes the fields the caller may not see."""

    def __init__(self, supergraph: Supergraph, policies: Mapping[str, Policy] | None = None) -> None:
        self.api: GraphQLSchema = supergraph.api_schema
        self.directives = SpecDirectives(supergraph.schema)
        self.policies = dict(policies or {})
        mutation = self.api.mutation_type
        self.mutation_type = mutation.name if mutation is not None else None
        self._types: dict[str, Requirement] = {}
        self._fields: dict[tuple[str, str], Requirement] = {}

    def unruled(self) -> list[str]:
        """Coordinates of the API schema's fields that no rule covers and no public tag opens (closed)."""
        out = []
        for name, type_ in sorted(self.api.type_map.items()):
            if name.startswith("__") or not isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
                continue
            for field in type_.fields:
                if self.field_requirement(type_, field).closed:
                    out.append(f"{name}.{field}")
        return out

    def public(self, type_name: str, field_name: str) -> bool:
        return any(
            spec == "tag" and args.get("name") == PUBLIC_TAG
            for spec, args in self.directives.on_field(type_name, field_name)
        )

    def _requirement(self, applications: list[tuple[str, dict[str, Any]]]) -> Requirement:
        req = Requirement()
        for spec, args in applications:
            if spec == "authenticated":
                req = req & Requirement(authenticated=True)
            elif spec == "requiresScopes":
                req = req & Requirement(scopes=(_groups(args.get("scopes")),))
            elif spec == "policy":
                req = req & Requirement(policies=(_groups(args.get("policies")),))
        return req

    def type_requirement(self, type_name: str) -> Requirement:
        if type_name not in self._types:
            self._types[type_name] = self._requirement(self.directives.on_type(type_name))
        return self._types[type_name]

    def _own(self, type_name: str, field_name: str) -> Requirement:
        return self._requirement(self.directives.on_field(type_name, field_name))

    def field_requirement(self, parent: GraphQLNamedType, field_name: str) -> Requirement:
        key = (parent.name, field_name)
        if key in self._fields:
            return self._fields[key]
        req = self._own(parent.name, field_name)
        if isinstance(parent, GraphQLInterfaceType):
            # the value comes from whichever implementation answers: each one's rules apply
            for impl in self.api.get_possible_types(parent):
                req = req & self._own(impl.name, field_name) & self.type_requirement(impl.name)
        # a type's rule covers its own fields as well as the fields returning it
        req = req & self.type_requirement(parent.name)
        fields = getattr(parent, "fields", {})
        if field_name in fields:
            req = req & self.type_requirement(get_named_type(fields[field_name].type).name)
        if not req and not self.public(parent.name, field_name):
            req = Requirement(closed=True)
        self._fields[key] = req
        return req

    # ----------------------------------------------------------------------------------------- the rewrite
    def __call__(
        self, document: DocumentNode, operation: OperationDefinitionNode, context: RequestContext
    ) -> Authorization:
        walk = _Walk(self, context.principal)
        if operation.operation is OperationType.MUTATION and tenancy_of(context.principal).agency is None:
            walk.writes_need_agency = True
        definitions: list[DefinitionNode] = []
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode) and definition is operation:
                root = self.api.get_root_type(operation.operation)
                assert root is not None
                definitions.append(
                    _replace(definition, selection_set=walk.selection_set(definition.selection_set, root))
                )
            elif isinstance(definition, FragmentDefinitionNode):
                definitions.append(walk.fragment(definition))
            else:
                definitions.append(definition)
        if not walk.denied:
            return Authorization(document=document)
        key = ",".join(sorted(walk.positions))
        return Authorization(document=DocumentNode(definitions=tuple(definitions)), denied=walk.denied, key=key)


class _Walk:
    def __init__(self, authz: DirectiveAuthorizer, principal: Principal) -> None:
        self.authz = authz
        self.principal = principal
        self.denied: dict[int, dict[str, Any]] = {}
        self.positions: list[str] = []
        self.writes_need_agency = False

    def _deny(self, node: FieldNode, coordinate: str, reason: str) -> None:
        code = "UNAUTHENTICATED" if not self.principal.authenticated else "FORBIDDEN"
        self.denied[id(node)] = {
            "message": f"Unauthorized field or type: {coordinate} needs {reason}",
            "extensions": {"code": code, "coordinate": coordinate},
        }
        self.positions.append(str(node.loc.start) if node.loc else coordinate)

    def _deny_all(self, selection_set: SelectionSetNode, coordinate: str, reason: str) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                self._deny(selection, coordinate, reason)
            elif isinstance(selection, InlineFragmentNode):
                self._deny_all(selection.selection_set, coordinate, reason)

    def fragment(self, fragment: FragmentDefinitionNode) -> FragmentDefinitionNode:
        type_ = self.authz.api.get_type(fragment.type_condition.name.value)
        if type_ is None:
            return fragment
        reason = self.authz.type_requirement(type_.name).missing(self.principal, type_.name, self.authz.policies)
        if reason is not None:
            self._deny_all(fragment.selection_set, type_.name, reason)
            return _replace(fragment, selection_set=_typename_only())
        return _replace(fragment, selection_set=self.selection_set(fragment.selection_set, type_))

    def selection_set(self, selection_set: SelectionSetNode, parent: GraphQLNamedType) -> SelectionSetNode:
        kept: list[SelectionNode] = []
        policies = self.authz.policies
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                fields = getattr(parent, "fields", {})
                if name.startswith("__") or name not in fields:
                    kept.append(selection)
                    continue
                coordinate = f"{parent.name}.{name}"
                reason = self.authz.field_requirement(parent, name).missing(self.principal, coordinate, policies)
                if reason is None and self.writes_need_agency and parent.name == self.authz.mutation_type:
                    reason = WRITE_NEEDS_AGENCY
                if reason is not None:
                    self._deny(selection, coordinate, reason)
                    continue
                if selection.selection_set is not None:
                    child = get_named_type(fields[name].type)
                    kept.append(_replace(selection, selection_set=self.selection_set(selection.selection_set, child)))
                else:
                    kept.append(selection)
            elif isinstance(selection, InlineFragmentNode):
                cond = (
                    self.authz.api.get_type(selection.type_condition.name.value) if selection.type_condition else None
                )
                target = cond or parent
                reason = self.authz.type_requirement(target.name).missing(self.principal, target.name, policies)
                if reason is not None and target is not parent:
                    self._deny_all(selection.selection_set, target.name, reason)
                    continue
                kept.append(_replace(selection, selection_set=self.selection_set(selection.selection_set, target)))
            else:
                assert isinstance(selection, FragmentSpreadNode)
                kept.append(selection)
        return SelectionSetNode(selections=tuple(kept)) if kept else _typename_only()


def _typename_only() -> SelectionSetNode:
    return SelectionSetNode(selections=(FieldNode(name=NameNode(value="__typename")),))


def _replace(node: _N, **changes: Any) -> _N:
    values = {k: getattr(node, k) for k in node.keys}
    values.update(changes)
    return type(node)(**values)
