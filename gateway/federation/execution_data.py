"""Data helpers of plan execution: collecting entity representations, merging results, re-pathing errors."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

from gateway import jsoncodec
from gateway.federation.execution_types import Path
from gateway.federation.plan import ContextRead, RequiresField, RequiresType


def _collect(
    value: Any,
    path: list[str],
    at: Path,
    requires: tuple[RequiresType, ...],
    out: list[tuple[Path, dict[str, Any], RequiresType]],
    depth: int = 0,
) -> None:
    """Every object at ``path`` (``@`` = each list element) whose ``__typename`` a requires type accepts."""
    # walk the plain keys without recursion; recurse only into lists (each element has its own path)
    while depth < len(path):
        if value is None:
            return
        head = path[depth]
        if head == "@":
            if isinstance(value, list):
                rest = path[depth + 1 :]
                single = requires[0] if len(requires) == 1 and "@" not in rest else None
                for i, item in enumerate(value):
                    if single is not None:
                        # the common case inline (a list of objects of one entity type, each reached by plain
                        # keys): no call per element. Anything else takes the general walk below.
                        target = item
                        for key in rest:
                            if target.__class__ is not dict:
                                break
                            target = target.get(key)
                        else:
                            if target.__class__ is dict:
                                typename = target.get("__typename")
                                if typename is None or typename in single.typenames:
                                    out.append(([*at, i, *rest], target, single))
                                continue
                    _collect(item, path, [*at, i], requires, out, depth + 1)
            return
        if not isinstance(value, dict) or head not in value:
            return
        value = value[head]
        at = [*at, head]
        depth += 1
    if value is None:
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            _collect(item, path, [*at, i], requires, out, depth)
        return
    if isinstance(value, dict):
        typename = value.get("__typename")
        for req in requires:
            if typename in req.typenames or (typename is None and len(requires) == 1):
                out.append((at, value, req))
                break


_MISSING = object()


def _representation(obj: dict[str, Any], req: RequiresType) -> dict[str, Any] | None:
    rep: dict[str, Any] = {"__typename": req.typename}
    for f in req.fields:
        value = _read(obj, f)
        if value is _MISSING or (value is None and f.name in req.key_fields):
            return None
        rep[f.name] = value
    return rep


Targets = list[tuple[Path, dict[str, Any], RequiresType]]
#: for each distinct representation, the objects (and their paths) it stands for
Positions = list[list[tuple[Path, dict[str, Any]]]]


def _flat_fields(req: RequiresType) -> tuple[tuple[str, str, bool], ...] | None:
    """(name, data key, is a key field) of each field, when no field has a selection of its own."""
    if any(f.sub is not None for f in req.fields):
        return None
    return tuple((f.name, f.data_key, f.name in req.key_fields) for f in req.fields)


def _representations(targets: Targets, requires: tuple[RequiresType, ...]) -> tuple[list[dict[str, Any]], Positions]:
    """The distinct representations of ``targets`` (objects without a complete key left out) and, for each, the
    objects it stands for.

    Representations are built field by field in the requires' order with ``__typename`` first, so within one
    entity fetch (one requires selection per type) their values alone tell them apart: a tuple of them is the
    identity (no sorting, no keys), or canonical JSON when a value is a list or an object. With one requires
    selection of plain fields (the common case) each value is read inline.
    """
    representations: list[dict[str, Any]] = []
    index: dict[Hashable, int] = {}
    positions: Positions = []
    flat = _flat_fields(requires[0]) if len(requires) == 1 else None
    for obj_path, obj, req in targets:
        if flat is None:
            rep = _representation(obj, req)
        else:
            rep = {"__typename": req.typename}
            for name, data_key, key in flat:
                value = obj.get(data_key, _MISSING)
                if value is _MISSING or (value is None and key):
                    rep = None
                    break
                rep[name] = value
        if rep is None:
            continue  # null or missing key fields: not fetched (its fields from this subgraph stay null)
        fingerprint: Hashable = tuple(rep.values())
        try:
            i = index.get(fingerprint)
        except TypeError:  # a list or object among the values
            fingerprint = jsoncodec.dumps_sorted(rep)
            i = index.get(fingerprint)
        if i is None:
            i = index[fingerprint] = len(representations)
            representations.append(rep)
            positions.append([])
        positions[i].append((obj_path, obj))
    return representations, positions


def _read(obj: Any, f: RequiresField) -> Any:
    if not isinstance(obj, dict) or f.data_key not in obj:
        return _MISSING
    value = obj[f.data_key]
    if f.sub is None or value is None:
        return value
    if isinstance(value, list):
        items = [_read_object(v, f.sub) for v in value]
        return _MISSING if any(i is _MISSING for i in items) else items
    return _read_object(value, f.sub)


def _read_object(value: Any, fields: tuple[RequiresField, ...]) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        items = [_read_object(v, fields) for v in value]
        return _MISSING if any(i is _MISSING for i in items) else items
    out: dict[str, Any] = {}
    if isinstance(value, dict) and "__typename" in value:
        out["__typename"] = value["__typename"]
    for f in fields:
        v = _read(value, f)
        if v is _MISSING:
            if f.type_condition is not None:
                continue  # selected under a fragment for another type
            return _MISSING
        out[f.name] = v
    return out


def _context_values(root: Any, obj_path: Path, reads: tuple[ContextRead, ...]) -> dict[str, Any]:
    """The ``@fromContext`` variables of one object: each from its nearest ancestor that sets the context
    (reads are tried deepest first), null when none does."""
    out: dict[str, Any] = {}
    for read in sorted(reads, key=lambda r: -r.depth):
        if read.variable in out or read.depth > len(obj_path):
            continue
        ancestor = root
        for step in obj_path[: read.depth]:
            if isinstance(ancestor, dict) and isinstance(step, str):
                ancestor = ancestor.get(step)
            elif isinstance(ancestor, list) and isinstance(step, int) and step < len(ancestor):
                ancestor = ancestor[step]
            else:
                ancestor = None
        if isinstance(ancestor, dict) and ancestor.get("__typename") in read.typenames:
            out[read.variable] = _chain_value(ancestor, read.field)
    for read in reads:
        out.setdefault(read.variable, None)
    return out


def _chain_value(value: Any, f: RequiresField) -> Any:
    """The value at the end of a one-field-per-level read (element-wise through lists)."""
    if isinstance(value, list):
        return [_chain_value(item, f) for item in value]
    if not isinstance(value, dict):
        return None
    inner = value.get(f.data_key)
    return inner if f.sub is None or inner is None else _chain_value(inner, f.sub[0])


def _renamed(value: Any, renames: tuple[tuple[str, str], ...]) -> Any:
    """``value`` with the wire keys a fetch asked for under another name put back under their response keys
    (object keys, and the elements of an error path)."""
    table = dict(renames)

    def walk(v: Any) -> Any:
        if isinstance(v, dict):
            return {table.get(k, k): walk(item) for k, item in v.items()}
        if isinstance(v, list):
            return [table.get(item, item) if isinstance(item, str) else walk(item) for item in v]
        return v

    return walk(value)


def _merge(target: dict[str, Any], source: Mapping[str, Any], *, keep_typename: bool) -> None:
    for key, value in source.items():
        if key == "__typename" and keep_typename and "__typename" in target:
            continue
        existing = target.get(key)
        if isinstance(existing, dict) and isinstance(value, dict):
            _merge(existing, value, keep_typename=keep_typename)
        elif isinstance(existing, list) and isinstance(value, list) and len(existing) == len(value):
            for i, item in enumerate(value):
                if isinstance(existing[i], dict) and isinstance(item, dict):
                    _merge(existing[i], item, keep_typename=keep_typename)
                else:
                    existing[i] = item
        else:
            target[key] = value


def _merge_into(targets: list[tuple[Path, dict[str, Any]]], source: dict[str, Any], *, keep_typename: bool) -> None:
    """:func:`_merge` of ``source`` into every target object. Into several, a flat source (no object or list among
    its values, no ``__typename`` to keep) is copied with ``dict.update``, what the merge would do key by key."""
    if (
        len(targets) > 1
        and (not keep_typename or "__typename" not in source)
        and not any(isinstance(v, (dict, list)) for v in source.values())
    ):
        for _, obj in targets:
            obj.update(source)
        return
    for _, obj in targets:
        _merge(obj, source, keep_typename=keep_typename)


def _as_input_error(err: Any) -> Any:
    """A subgraph's variable-coercion error (graphql-js/-core word it ``Variable '$x' ...``) is the client's input."""
    if not isinstance(err, dict) or not str(err.get("message", "")).startswith("Variable '$"):
        return err
    raw = err.get("extensions")
    extensions: dict[str, Any] = raw if isinstance(raw, dict) else {}
    if "code" in extensions:
        return err
    return {**err, "extensions": {**extensions, "code": "BAD_USER_INPUT"}}


def _first_code(errors: Any) -> str | None:
    for err in errors if isinstance(errors, list) else ():
        ext = err.get("extensions") if isinstance(err, dict) else None
        if isinstance(ext, dict) and isinstance(ext.get("code"), str):
            return str(ext["code"])
    return "SUBGRAPH_ERROR"


def _top_level_keys(operation: str) -> list[str]:
    """Response keys of a root fetch's top-level fields (for errors when the whole fetch fails)."""
    keys: list[str] = []
    depth = 0
    for line in operation.splitlines():
        stripped = line.strip()
        if depth == 1 and stripped and not stripped.startswith(("}", "...")):
            token = stripped.split("(")[0].split(" ")[0].split("{")[0]
            keys.append(token.rstrip(":"))
        depth += line.count("{") - line.count("}")
    return [k for k in keys if k and k != "__typename"]


def _first_entity_field(operation: str) -> str | None:
    for line in operation.splitlines()[3:]:
        stripped = line.strip()
        if stripped and not stripped.startswith(("...", "}", "__typename")):
            return stripped.split("(")[0].split(" ")[0].split("{")[0].rstrip(":")
    return None
