"""The live event bus: fan-out by topic, bounded queues (slow consumers are cut off), tenancy per event."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.sdk.events import LiveEvent, MemoryEventBus, SlowConsumer, stream_visible


def event(n: int, topic: str = "t", owner: str = "a") -> LiveEvent:
    return LiveEvent(topic=topic, key={"id": owner}, data={"n": n}, source=f"test:{n}")


async def test_every_subscriber_of_a_topic_gets_every_event_in_order() -> None:
    bus = MemoryEventBus()
    async with bus.subscribe("t") as one, bus.subscribe("t") as two, bus.subscribe("other") as other:
        for n in range(3):
            await bus.publish(event(n))
        assert [(await anext(one)).data["n"] for _ in range(3)] == [0, 1, 2]
        assert [(await anext(two)).data["n"] for _ in range(3)] == [0, 1, 2]
        await bus.publish(event(9, topic="other"))
        assert (await anext(other)).data["n"] == 9
    assert bus.subscribers() == 0


async def test_a_subscriber_that_falls_behind_is_closed_and_memory_stays_bounded() -> None:
    bus = MemoryEventBus(queue_limit=4)
    async with bus.subscribe("t") as slow:
        for n in range(100):
            await bus.publish(event(n))
        received = [(await anext(slow)).data["n"] for _ in range(4)]
        assert received == [0, 1, 2, 3]
        with pytest.raises(SlowConsumer, match="fell 4 events behind"):
            await anext(slow)


def test_an_event_survives_the_wire_and_a_malformed_one_is_refused() -> None:
    original = event(1)
    assert LiveEvent.from_json(original.to_json()) == original
    for bad in ("[]", '{"topic": 1, "key": {}}', '{"topic": "t"}', "not json"):
        with pytest.raises(ValueError):
            LiveEvent.from_json(bad)


async def test_tenancy_per_event_asks_once_per_entity_and_fails_closed() -> None:
    bus = MemoryEventBus()
    asked: list[str] = []

    async def visible(e: LiveEvent) -> bool | None:
        owner = str(e.key["id"])
        asked.append(owner)
        return None if owner == "unknown" else owner == "a"

    async def collect(agency: str | None, n: int) -> list[int]:
        out = []
        async for e in stream_visible(bus, "t", agency, visible):
            out.append(e.data["n"])
            if len(out) == n:
                break
        return out

    reader = asyncio.create_task(collect("agency-a", 2))
    silent = asyncio.create_task(collect(None, 1))
    async with asyncio.timeout(10):
        await bus.until_subscribers("t", 2)
    for n, owner in enumerate(["b", "a", "unknown", "b", "a"]):
        await bus.publish(event(n, owner=owner))
    assert await reader == [1, 4]
    assert asked == ["b", "a", "unknown"]  # one question per entity: the verdict is remembered for the stream
    for _ in range(10):
        await asyncio.sleep(0)
    assert not silent.done()  # the agency-less subscriber got none of the five events
    silent.cancel()


AGENCIES = ("agency-a", "agency-b", "agency-c")


@settings(max_examples=60, deadline=None)
@given(
    owners=st.lists(st.sampled_from((*AGENCIES, "nobody")), min_size=1, max_size=30),
    subscriber=st.sampled_from((*AGENCIES, None)),
)
def test_a_subscriber_receives_exactly_the_events_of_its_own_agency_in_order(
    owners: list[str], subscriber: str | None
) -> None:
    """Tenancy per event over generated event streams: every event of another agency is withheld, every own one
    arrives once and in order; an agency-less subscriber receives none."""

    async def run() -> list[int]:
        bus = MemoryEventBus(queue_limit=len(owners) + 1)

        async def visible(e: LiveEvent) -> bool:
            return e.key["id"] == subscriber

        received: list[int] = []
        sentinel = LiveEvent(topic="t", key={"id": "end"}, data={"n": -1})

        async def collect() -> None:
            async for e in stream_visible(bus, "t", subscriber, visible, matches=lambda e: True):
                received.append(e.data["n"])

        task = asyncio.create_task(collect())
        await bus.until_subscribers("t", 1)
        for n, owner in enumerate(owners):
            await bus.publish(event(n, owner=owner))
        await bus.publish(sentinel)
        for _ in range(len(owners) * 4 + 8):  # let the reader take every queued event
            await asyncio.sleep(0)
        task.cancel()
        return received

    received = asyncio.run(run())
    expected = [n for n, owner in enumerate(owners) if subscriber is not None and owner == subscriber]
    assert received == expected
