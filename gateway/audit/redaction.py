"""Variables in audit records: sensitive values replaced by a keyed hash, so equal values still match.

The rule, driven by the operation's declared variable types:

* ``null``, **Boolean** values and **enum** values are kept in clear (small, closed sets: ``status: SETTLED``);
* every other leaf value — strings, IDs, numbers, custom scalars (``AWB``, ``IBAN``, ``Money``…) — becomes
  ``"hmac-sha256:<hex>"``, the HMAC-SHA256 (key from ``audit.redaction_key``) of its canonical JSON. An auditor
  with the key can test whether a record involved a given value; equal values give equal digests across
  records, so "every operation that touched IBAN X" is one search;
* input objects and lists keep their shape (field names are part of the schema, not data);
* variables named in ``audit.clear_variables`` (fnmatch patterns such as ``first`` or ``page*``) are kept whole;
* values the schema does not explain (undeclared variables, unknown input fields, a document that did not
  parse) are hashed whole.
"""

from __future__ import annotations

import fnmatch
import hashlib
import hmac
from collections.abc import Collection, Mapping
from typing import Any

import rfc8785
from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    OperationDefinitionNode,
    type_from_ast,
)

__all__ = ["Redactor"]

PREFIX = "hmac-sha256:"


class Redactor:
    def __init__(self, key: bytes, clear: Collection[str] = ()) -> None:
        if len(key) < 16:
            raise ValueError("the audit redaction key must be at least 16 bytes")
        self._key = key
        self.clear = tuple(clear)

    def digest(self, value: Any) -> str:
        try:
            data = rfc8785.dumps(value)
        except (TypeError, ValueError, rfc8785.CanonicalizationError):
            data = repr(value).encode()
        return PREFIX + hmac.new(self._key, data, hashlib.sha256).hexdigest()

    def redact(
        self, schema: GraphQLSchema, operation: OperationDefinitionNode | None, variables: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        declared: dict[str, GraphQLInputType | None] = {}
        for definition in (operation.variable_definitions or ()) if operation is not None else ():
            found = type_from_ast(schema, definition.type)
            declared[definition.variable.name.value] = found  # type: ignore[assignment]
        out: dict[str, Any] = {}
        for name, value in (variables or {}).items():
            if any(fnmatch.fnmatchcase(name, pattern) for pattern in self.clear):
                out[name] = value
            else:
                out[name] = self._value(declared.get(name), value)
        return out

    def _value(self, kind: GraphQLInputType | None, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(kind, GraphQLNonNull):
            return self._value(kind.of_type, value)
        if kind is None:
            return self.digest(value)
        if isinstance(kind, GraphQLList):
            if isinstance(value, list):
                return [self._value(kind.of_type, v) for v in value]
            return self._value(kind.of_type, value)  # a single value coerced to a list
        if isinstance(kind, GraphQLInputObjectType) and isinstance(value, Mapping):
            fields = kind.fields
            return {k: self._value(fields[k].type if k in fields else None, v) for k, v in value.items()}
        if isinstance(kind, GraphQLEnumType) and isinstance(value, str) and value in kind.values:
            return value
        if kind is GraphQLBoolean and isinstance(value, bool):
            return value
        return self.digest(value)
