"""Batching of the entity fetches to one subgraph that become ready in the same event-loop turn."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from gateway.errors import SilkgraphError
from gateway.federation.execution_types import FetchRecord
from gateway.federation.plan import Fetch

if TYPE_CHECKING:
    from gateway.federation.executor import _Run


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
            # @fromContext variables differ per call of one fetch: each call gets its own names
            own = {c.variable for c in fetch.contexts}
            for definition in fetch.variable_definitions:
                name = definition.split(":", 1)[0]
                if name[1:] in own:
                    definitions[f"{name}_e{i}"] = f"{name}_e{i}:{definition.split(':', 1)[1]}"
                else:
                    definitions.setdefault(name, definition)
            variables.update((f"{k}_e{i}" if k in own else k, v) for k, v in fetch_variables.items())
            variables[f"r{i}"] = reps
            selection = fetch.entity_selection
            if own:
                pattern = re.compile(r"\$(" + "|".join(map(re.escape, sorted(own))) + r")\b")
                selection = tuple(pattern.sub(rf"$\g<1>_e{i}", line) for line in selection)
            body = "\n".join("    " + line for line in selection)
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
