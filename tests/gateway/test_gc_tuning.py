"""A serving process collects young objects less often and freezes its startup heap once the lifespan started."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from gateway.gc_tuning import YOUNG_THRESHOLD, tune_for_serving


@pytest.fixture
def restored_gc() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


async def test_the_heap_is_frozen_when_startup_completes_and_http_passes_through(restored_gc: None) -> None:
    seen: list[tuple[str, int]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await send({"type": "lifespan.startup.complete"})
        else:
            await send({"type": "http.response.start", "status": 204, "headers": []})

    async def send(message: Any) -> None:
        seen.append((message["type"], gc.get_freeze_count()))

    async def receive() -> Any:
        return {}

    gc.unfreeze()
    served = tune_for_serving(app)
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD
    await served({"type": "http"}, receive, send)
    assert seen == [("http.response.start", 0)]  # nothing frozen by a request
    await served({"type": "lifespan"}, receive, send)
    kind, frozen = seen[-1]
    assert kind == "lifespan.startup.complete"
    assert frozen > 0  # frozen before the server hears that startup completed
