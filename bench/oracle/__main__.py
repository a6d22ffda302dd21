"""``python -m bench.oracle --cases N [--seed S] [--per-world K] [--show D]``: run N generated cases."""

from __future__ import annotations

import argparse
import asyncio
import collections
import sys

from bench.oracle.run import Tally, run_world


async def _main(cases: int, seed: int, per_world: int) -> Tally:
    tally = Tally()
    world_seed = seed
    while tally.cases < cases:
        tally.add(await run_world(world_seed, min(per_world, cases - tally.cases)))
        world_seed += 1
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.oracle")
    parser.add_argument("--cases", type=int, default=1000, help="operations to compare (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="first world seed")
    parser.add_argument("--per-world", type=int, default=10, help="operations per generated supergraph")
    parser.add_argument("--show", type=int, default=3, help="differences to print in full")
    args = parser.parse_args()
    tally = asyncio.run(_main(args.cases, args.seed, args.per_world))
    for difference in tally.differences[: args.show]:
        print(difference.describe(), "\n" + "=" * 100)
    kinds = collections.Counter(
        (d.errors[0].get("message", "")[:90] if d.errors else "data differs") for d in tally.differences
    )
    for text, count in kinds.most_common(15):
        print(f"{count:6d}  {text}")
    for rejection in tally.rejections[:5]:
        print("rejected:", rejection[:300])
    print(
        f"oracle: {tally.cases} cases over {tally.worlds} supergraphs ({tally.rejected} rejected by the composer): "
        f"{len(tally.differences)} differences"
    )
    return 1 if tally.differences else 0


if __name__ == "__main__":
    sys.exit(main())
