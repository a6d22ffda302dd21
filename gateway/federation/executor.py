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
import time
from collections.abc import Callable, Mapping
from typing import Any

from gateway import jsoncodec
from gateway.errors import SilkgraphError, SubgraphError, to_graphql_extensions
from gateway.federation.entity_batcher import _EntityBatcher
from gateway.federation.execution_data import (
    Targets,
    _as_input_error,
    _collect,
    _context_values,
    _first_code,
    _first_entity_field,
    _merge,
    _merge_into,
    _renamed,
    _representations,
    _top_level_keys,
)
from gateway.federation.execution_types import ExecutionOutcome, FetchRecord, Path, Transport
from gateway.federation.plan import (
    Condition,
    Fetch,
    Flatten,
    Parallel,
    PlanNode,
    QueryPlan,
    RequiresType,
    Sequence,
    is_mutation,
)
from gateway.sdk.context import RequestContext
from gateway.telemetry import fetch_scope

__all__ = ["ExecutionOutcome", "FetchRecord", "PlanExecutor", "Transport"]


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
        variables = self._variables(fetch)
        if not fetch.contexts:
            await self._entity_call(path, fetch, variables, targets)
            return
        # one _entities call per distinct set of @fromContext values, each value a variable of its call
        groups: dict[bytes, tuple[dict[str, Any], Targets]] = {}
        for target in targets:
            values = _context_values(self.data, target[0], fetch.contexts)
            group = groups.setdefault(jsoncodec.dumps_sorted(values), (values, []))
            group[1].append(target)
        await asyncio.gather(
            *(self._entity_call(path, fetch, {**variables, **values}, group) for values, group in groups.values())
        )

    async def _entity_call(
        self, path: tuple[str, ...], fetch: Fetch, variables: dict[str, Any], targets: Targets
    ) -> None:
        assert fetch.requires is not None
        representations, positions = _representations(targets, fetch.requires)
        if not representations:
            return
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
                _merge_into(positions[i], entity, keep_typename=fetch.keep_typename)
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
