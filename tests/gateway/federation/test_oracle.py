"""A fixed-seed slice of the oracle harness (bench/oracle): generated supergraphs, the gateway's answer against
graphql-core over the merged monolith of the same data. ``make fuzz`` runs thousands of cases."""

from __future__ import annotations

import pytest

from bench.oracle.run import Tally, run_world
from bench.oracle.sdl import views
from bench.oracle.world import generate_world

WORLDS = range(30)
OPERATIONS_PER_WORLD = 4


@pytest.mark.slow
@pytest.mark.parametrize("seed", [WORLDS[i : i + 10] for i in range(0, len(WORLDS), 10)], ids=lambda r: f"{r[0]}")
async def test_generated_operations_answer_as_the_monolith(seed: range) -> None:
    tally = Tally()
    for world in seed:
        tally.add(await run_world(world, OPERATIONS_PER_WORLD))
    assert tally.cases == len(seed) * OPERATIONS_PER_WORLD, tally.rejections
    assert [d.describe() for d in tally.differences] == []


def test_the_grammar_reaches_every_feature_in_the_slice() -> None:
    """The slice is only worth its time if the generated subgraphs use what the grammar can express."""
    sdl = "\n".join(v.sdl for seed in WORLDS for v in views(generate_world(seed)).values())
    for feature in (
        "resolvable: false",
        '@key(fields: "id sku")',
        '@key(fields: "ref { code }")',
        "@shareable",
        "@override(from:",
        'label: "percent(',
        "@requires(fields:",
        '(x: 1)")',
        "@provides(",
        "@interfaceObject",
        "union U",
        "implements Node",
        "thing: Node @shareable",
    ):
        assert feature in sdl, feature
