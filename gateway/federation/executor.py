"""Run a query plan: concurrent fetches, one deduplicated ``_entities`` call per entity fetch, merge by path.

Fetch results are merged into one data tree under the client's response keys. Errors from a subgraph are
re-pathed into client space (``["_entities", 3, "duty"]`` → ``["shipments", 7, "duty"]`` for every position that
used representation 3) and carry ``extensions.serviceName``. A failed fetch yields errors at the paths it would
have filled and leaves those fields missing; the response shaping (:mod:`gateway.federation.response`) then
applies null propagation over the merged result.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import time
from collections.abc import Callable, Hashable, Mapping
from typing import Any, Protocol

from gateway import jsoncodec
from gateway.errors import SilkgraphError, SubgraphError, to_graphql_extensions
from gateway.federation.plan import (
    Condition,
    Fetch,
    Flatten,
    Parallel,
    PlanNode,
    QueryPlan,
    RequiresField,
    RequiresType,
    Sequence,
    is_mutation,
)
from gateway.sdk.context import RequestContext
from gateway.telemetry import fetch_scope

__all__ = ["ExecutionOutcome", "FetchRecord", "PlanExecutor", "Transport"]

Path = list[str | int]


class Transport(Protocol):
    """One way of calling a subgraph (in-process or HTTP)."""

    async def fetch(
        self,
        operation: str,
        variables: Mapping[str, Any],
        context: RequestContext,
        operation_name: str | None = None,
    ) -> Mapping[str, Any]:
        """Return the GraphQL response (``data``/``errors``) or raise a :class:`SubgraphError`."""


@dataclasses.dataclass(slots=True)
class FetchRecord:
    """What one subgraph fetch did — for the audit trail, metrics and tracing."""

    service: str
    path: tuple[str, ...]
    entity: bool
    representations: int
    started: float
    duration_ms: float
    ok: bool
    error_code: str | None = None
    #: fetches sent in one request (entity fetches of one level, batched) share this number
    call: int = 0


@dataclasses.dataclass(slots=True)
class ExecutionOutcome:
    data: dict[str, Any]
    errors: list[dict[str, Any]]
    fetches: list[FetchRecord]


class PlanExecutor:
    def __init__(
        self,
        transports: Mapping[str, Transport],
        *,
        include_subgraph_errors: Callable[[str], bool] | bool = True,
        deduplicate: bool = True,
        deadline: float | None = None,
    ) -> None:
        self.transports = transports
        self._include = include_subgraph_errors
        self.deduplicate = deduplicate
        #: seconds a query may take in all (``None``: no limit beyond each fetch's own timeout)
        self.deadline = deadline
        #: identical subgraph queries in flight (any request): the later callers share the first one's answer
        self._inflight: dict[tuple[Any, ...], asyncio.Future[Any]] = {}
        self._waiters: dict[tuple[Any, ...], int] = {}
        self.deduplicated = 0

    async def fetch_shared(
        self, service: str, transport: Transport, operation: str, variables: Mapping[str, Any], context: RequestContext
    ) -> Mapping[str, Any]:
        """Fetch, sharing the answer with identical queries already in flight.

        Identical means same subgraph, operation and variables, asked with the same authorization (agency,
        roles, scopes): tenants never share answers. Mutations are never shared.
        """
        if not self.deduplicate or is_mutation(operation):
            return await transport.fetch(operation, variables, context)
        who = context.principal
        key = (
            service,
            operation,
            jsoncodec.dumps_sorted(variables),
            who.agency,
            tuple(sorted(who.roles)),
            tuple(sorted(who.scopes)),
        )
        shared = self._inflight.get(key)
        if shared is not None:
            self.deduplicated += 1
            self._waiters[key] = self._waiters.get(key, 0) + 1
            try:
                result = await asyncio.shield(shared)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if shared.cancelled() and task is not None and not task.cancelling():
                    # the request that was fetching gave up (its deadline): this one asks for itself
                    return await transport.fetch(operation, variables, context)
                raise
            return copy.deepcopy(result)  # each request merges into its own copy
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            answer = await transport.fetch(operation, variables, context)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning when nobody else waited
            raise
        else:
            # the first caller goes on to merge into ``answer``: waiters get a snapshot taken now
            future.set_result(copy.deepcopy(answer) if self._waiters.get(key) else answer)
            return answer
        finally:
            self._inflight.pop(key, None)
            self._waiters.pop(key, None)

    def _pass_messages(self, service: str) -> bool:
        return self._include(service) if callable(self._include) else bool(self._include)

    async def execute(
        self,
        plan: QueryPlan,
        variables: Mapping[str, Any],
        context: RequestContext,
        data: dict[str, Any] | None = None,
    ) -> ExecutionOutcome:
        run = _Run(self, variables, context, data if data is not None else {})
        try:
            if plan.node is None:
                pass
            elif self.deadline is None or plan.operation_kind == "mutation":
                # mutations run to the end: cutting one short could leave a write half-done upstream
                await run.node(plan.node)
            else:
                try:
                    async with asyncio.timeout(self.deadline):
                        await run.node(plan.node)
                except TimeoutError:
                    await run.abandon()
                    # merges are synchronous, so what arrived is whole: answer with it and say what is missing
                    run.errors.append(
                        {
                            "message": f"the operation did not finish within {self.deadline:g} s "
                            "(gateway.request_timeout); the data fetched by then is returned",
                            "extensions": {"code": "GATEWAY_TIMEOUT"},
                        }
                    )
        finally:
            # the batchers point back at the run: without this cycle the run's data (every fetched object)
            # is freed when the response is sent, not at the collector's next full pass
            run._batchers.clear()
        return ExecutionOutcome(data=run.data, errors=run.errors, fetches=run.fetches)


class _Run:
    def __init__(
        self, executor: PlanExecutor, variables: Mapping[str, Any], context: RequestContext, data: dict[str, Any]
    ) -> None:
        self.executor = executor
        self.variables = variables
        self.context = context
        self.data = data
        self.errors: list[dict[str, Any]] = []
        self.fetches: list[FetchRecord] = []
        self._batchers: dict[str, _EntityBatcher] = {}

    async def abandon(self) -> None:
        """Cancel the entity fetches still out (batched sends run in tasks of their own) and wait for them."""
        tasks = [t for b in self._batchers.values() for t in b._flushing if not t.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _batcher(self, service: str) -> _EntityBatcher:
        batcher = self._batchers.get(service)
        if batcher is None:
            batcher = self._batchers[service] = _EntityBatcher(self, service)
        return batcher

    async def node(self, node: PlanNode) -> None:
        if isinstance(node, Sequence):
            for child in node.nodes:
                await self.node(child)
        elif isinstance(node, Parallel):
            async with asyncio.TaskGroup() as tg:
                for child in node.nodes:
                    tg.create_task(self.node(child))
        elif isinstance(node, Flatten):
            await self.entity_fetch(node.path, node.node)
        elif isinstance(node, Fetch):
            await self.root_fetch(node)
        elif isinstance(node, Condition):
            value = bool(self.variables.get(node.condition))
            branch = node.if_clause if value else node.else_clause
            if branch is not None:
                await self.node(branch)

    # ---------------------------------------------------------------------------------------------- fetching
    async def _call(
        self,
        fetch: Fetch,
        variables: dict[str, Any],
        path: tuple[str, ...],
        count: int,
        records: list[FetchRecord] | None = None,
    ) -> Mapping[str, Any] | SilkgraphError:
        transport = self.executor.transports.get(fetch.service)
        started = time.perf_counter()
        record = FetchRecord(
            fetch.service, path, fetch.is_entity_fetch, count, time.time(), 0.0, True, call=len(self.fetches)
        )
        self.fetches.append(record)
        if records is not None:
            records.append(record)
        try:
            if transport is None:
                raise SubgraphError(f"subgraph {fetch.service!r} has no transport", service=fetch.service)
            with fetch_scope(record, self.context):  # span + lets legacy calls find their fetch
                response = await self.executor.fetch_shared(
                    fetch.service, transport, fetch.operation, variables, self.context
                )
        except SilkgraphError as exc:
            record.ok, record.error_code = False, exc.code
            return exc
        except asyncio.CancelledError:
            # the query's deadline passed while this fetch was out: the audit record says so
            record.ok, record.error_code = False, "GATEWAY_TIMEOUT"
            raise
        except Exception:  # a transport bug must not crash the request: mask it, keep the service name
            record.ok, record.error_code = False, "SUBREQUEST_FAILED"
            return SubgraphError(f"request to subgraph {fetch.service!r} failed", service=fetch.service)
        finally:
            record.duration_ms = (time.perf_counter() - started) * 1000
        if not isinstance(response, Mapping):
            record.ok, record.error_code = False, "SUBREQUEST_MALFORMED_RESPONSE"
            return SubgraphError(
                f"subgraph {fetch.service!r} returned a malformed response",
                service=fetch.service,
                code="SUBREQUEST_MALFORMED_RESPONSE",
            )
        if response.get("errors"):
            record.ok = False
            record.error_code = _first_code(response["errors"])
        return response

    def _variables(self, fetch: Fetch) -> dict[str, Any]:
        return {name: self.variables[name] for name in fetch.variable_usages if name in self.variables}

    async def root_fetch(self, fetch: Fetch) -> None:
        result = await self._call(fetch, self._variables(fetch), (), 0)
        if isinstance(result, SilkgraphError):
            keys = _top_level_keys(fetch.operation)
            for key in keys:
                self._error_from_exception(result, [key])
            return
        data = result.get("data")
        if data is not None and not isinstance(data, dict):
            keys = _top_level_keys(fetch.operation)
            self._error_from_exception(
                SubgraphError(
                    "subgraph returned non-object data", service=fetch.service, code="SUBREQUEST_MALFORMED_RESPONSE"
                ),
                [keys[0]] if keys else None,
            )
            return
        if isinstance(data, dict):
            _merge(self.data, _renamed(data, fetch.renames) if fetch.renames else data, keep_typename=False)
        # a fetch refused as a whole (no data: the subgraph could not coerce a variable, say) failed at the paths
        # of its root fields; without one, the merge would add a misleading "no subgraph supplied" NOT_FOUND
        refused: Path = list(_top_level_keys(fetch.operation)[:1]) if data is None else []
        for err in result.get("errors") or ():
            path = err.get("path") if isinstance(err, dict) else None
            if fetch.renames and isinstance(path, list):
                path = _renamed(path, fetch.renames)
            if not isinstance(path, list) and refused:
                self._subgraph_error(fetch.service, _as_input_error(err), refused)
                continue
            self._subgraph_error(fetch.service, err, list(path) if isinstance(path, list) else None)

    async def entity_fetch(self, path: tuple[str, ...], fetch: Fetch) -> None:
        assert fetch.requires is not None
        targets: list[tuple[Path, dict[str, Any], RequiresType]] = []
        _collect(self.data, list(path), [], fetch.requires, targets)
        representations: list[dict[str, Any]] = []
        index: dict[Hashable, int] = {}
        positions: list[list[tuple[Path, dict[str, Any]]]] = []
        for obj_path, obj, req in targets:
            rep = _representation(obj, req)
            if rep is None:
                continue  # null or missing key fields: not fetched (its fields from this subgraph stay null)
            fingerprint = _fingerprint(rep)
            i = index.get(fingerprint)
            if i is None:
                i = index[fingerprint] = len(representations)
                representations.append(rep)
                positions.append([])
            positions[i].append((obj_path, obj))
        if not representations:
            return
        variables = self._variables(fetch)
        result = await self._batcher(fetch.service).submit(fetch, variables, representations, path)
        if isinstance(result, SilkgraphError):
            first_field = _first_entity_field(fetch.operation)
            for group in positions:
                for obj_path, _ in group:
                    self._error_from_exception(result, [*obj_path, first_field] if first_field else obj_path)
            return
        data = result.get("data")
        entities = data.get("_entities") if isinstance(data, dict) else None
        if entities is not None and (not isinstance(entities, list) or len(entities) != len(representations)):
            self._error_from_exception(
                SubgraphError(
                    f"subgraph {fetch.service!r} returned {len(entities) if isinstance(entities, list) else 'no'} "
                    f"entities for {len(representations)} representations",
                    service=fetch.service,
                    code="SUBREQUEST_MALFORMED_RESPONSE",
                ),
                positions[0][0][0],
            )
            return
        if fetch.renames and entities:
            entities = _renamed(entities, fetch.renames)
        for i, entity in enumerate(entities or ()):
            if isinstance(entity, dict):
                for _, obj in positions[i]:
                    _merge(obj, entity, keep_typename=fetch.keep_typename)
        for err in result.get("errors") or ():
            sub_path = err.get("path") if isinstance(err, dict) else None
            if fetch.renames and isinstance(sub_path, list):
                sub_path = _renamed(sub_path, fetch.renames)
            if isinstance(sub_path, list) and len(sub_path) >= 2 and sub_path[0] == "_entities":
                i = sub_path[1]
                if isinstance(i, int) and 0 <= i < len(positions):
                    for obj_path, _ in positions[i]:
                        self._subgraph_error(fetch.service, err, [*obj_path, *sub_path[2:]])
                    continue
            # no usable path: attach to the Flatten path of the first entity
            self._subgraph_error(fetch.service, err, positions[0][0][0])

    # ------------------------------------------------------------------------------------------------ errors
    def _subgraph_error(self, service: str, err: Any, path: Path | None) -> None:
        if not isinstance(err, dict):
            err = {"message": str(err)}
        extensions = dict(err.get("extensions") or {}) if isinstance(err.get("extensions"), dict) else {}
        extensions.setdefault("serviceName", service)
        extensions.setdefault("service", service)
        extensions.setdefault("code", "SUBGRAPH_ERROR")
        message = err.get("message") if isinstance(err.get("message"), str) else "subgraph error"
        if not self.executor._pass_messages(service):
            message = "Subgraph errors redacted"
        out: dict[str, Any] = {"message": message}
        if path:
            out["path"] = path
        out["extensions"] = extensions
        self.errors.append(out)

    def _error_from_exception(self, exc: SilkgraphError, path: Path | None) -> None:
        message, extensions = to_graphql_extensions(exc)
        out: dict[str, Any] = {"message": message}
        if path:
            out["path"] = path
        out["extensions"] = extensions
        self.errors.append(out)


class _EntityBatcher:
    """Sends the entity fetches to one subgraph that become ready together as one request.

    Flatten nodes on different paths of one level (``shipper`` and ``consignee``, say) are separate plan nodes;
    when they start in the same event-loop turn they go out as one operation with aliased ``_entities`` fields
    (``e0: _entities(representations: $r0) {...} e1: ...``), so a subgraph sees one call per level and its
    DataLoaders batch across both.
    """

    def __init__(self, run: _Run, service: str) -> None:
        self.run = run
        self.service = service
        self.pending: list[
            tuple[Fetch, dict[str, Any], list[dict[str, Any]], tuple[str, ...], asyncio.Future[Any]]
        ] = []
        self._flushing: set[asyncio.Task[None]] = set()

    async def submit(
        self, fetch: Fetch, variables: dict[str, Any], representations: list[dict[str, Any]], path: tuple[str, ...]
    ) -> Mapping[str, Any] | SilkgraphError:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.pending.append((fetch, variables, representations, path, future))
        if len(self.pending) == 1:
            task = asyncio.get_running_loop().create_task(self._flush())
            self._flushing.add(task)
            task.add_done_callback(self._flushing.discard)
        result: Mapping[str, Any] | SilkgraphError = await future
        return result

    async def _flush(self) -> None:
        await asyncio.sleep(0)  # siblings started in this turn join the batch
        batch, self.pending = self.pending, []
        try:
            if len(batch) == 1 or any(not f.entity_selection for f, *_ in batch):
                for fetch, variables, reps, path, future in batch:
                    result = await self.run._call(fetch, {**variables, "representations": reps}, path, len(reps))
                    future.set_result(result)
                return
            await self._send_combined(batch)
        except BaseException as exc:  # never leave a waiter hanging
            for *_, future in batch:
                if not future.done():
                    future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise

    async def _send_combined(
        self, batch: list[tuple[Fetch, dict[str, Any], list[dict[str, Any]], tuple[str, ...], asyncio.Future[Any]]]
    ) -> None:
        definitions: dict[str, str] = {}
        variables: dict[str, Any] = {}
        fields: list[str] = []
        for i, (fetch, fetch_variables, reps, _, _) in enumerate(batch):
            for definition in fetch.variable_definitions:
                definitions.setdefault(definition.split(":", 1)[0], definition)
            variables.update(fetch_variables)
            variables[f"r{i}"] = reps
            body = "\n".join("    " + line for line in fetch.entity_selection)
            fields.append(f"  e{i}: _entities(representations: $r{i}) {{\n{body}\n  }}")
        header = ", ".join([*(f"$r{i}: [_Any!]!" for i in range(len(batch))), *definitions.values()])
        operation = f"query({header}) {{\n" + "\n".join(fields) + "\n}"
        combined = Fetch(
            service=self.service,
            operation=operation,
            variable_usages=tuple(sorted(variables)),
            requires=(),
            id=batch[0][0].id,
        )
        total = sum(len(reps) for _, _, reps, _, _ in batch)
        records: list[FetchRecord] = []
        result = await self.run._call(combined, variables, batch[0][3], total, records)
        # one record per batched fetch (lineage follows paths), all naming the one call they shared; the first
        # stays the very record the call ran under, since the legacy calls it made point at that object
        shared = records[0]
        at = next(i for i, r in enumerate(self.run.fetches) if r is shared)
        self.run.fetches[at + 1 : at + 1] = [
            dataclasses.replace(shared, path=path, representations=len(reps)) for _, _, reps, path, _ in batch[1:]
        ]
        shared.representations = len(batch[0][2])
        if isinstance(result, SilkgraphError):
            for *_, future in batch:
                future.set_result(result)
            return
        data = result.get("data")
        errors = list(result.get("errors") or ())
        for i, (*_, future) in enumerate(batch):
            alias = f"e{i}"
            mine = []
            for err in errors:
                err_path = err.get("path") if isinstance(err, dict) else None
                if isinstance(err_path, list) and err_path and err_path[0] == alias:
                    mine.append({**err, "path": ["_entities", *err_path[1:]]})
                elif i == 0 and not (isinstance(err_path, list) and err_path and str(err_path[0]).startswith("e")):
                    mine.append(err)  # errors without a batch path go to the first fetch
            entities = data.get(alias) if isinstance(data, dict) else None
            future.set_result({"data": {"_entities": entities} if isinstance(data, dict) else None, "errors": mine})


# ---------------------------------------------------------------------------------------------- data helpers


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
                last = depth + 1 == len(path)
                single = requires[0] if len(requires) == 1 else None
                for i, item in enumerate(value):
                    if last and single is not None and item.__class__ is dict:
                        # the common case inline (a list of objects of one entity type): no call per element
                        typename = item.get("__typename")
                        if typename is None or typename in single.typenames:
                            out.append(([*at, i], item, single))
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


def _fingerprint(rep: dict[str, Any]) -> Hashable:
    """An identity for deduplicating representations: a tuple for flat ones, canonical JSON for nested ones.

    Representations are built field by field in the requires' order with ``__typename`` first, so within one
    entity fetch (one requires selection per type) their values alone tell them apart: no sorting, no keys.
    """
    values = tuple(rep.values())
    try:
        hash(values)
    except TypeError:
        return jsoncodec.dumps_sorted(rep)
    return values


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
