"""Composition agreement with the reference: the oracle's generated subgraph sets through Silkgraph's composer
and through ``@apollo/composition`` (bench/oracle/reference_composition, installed with ``npm ci`` there), compared on
accept / reject. ``python -m bench.oracle.reference --worlds 200``; needs node."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from bench.oracle.sdl import views
from bench.oracle.world import generate_world
from gateway.errors import CompositionError
from gateway.federation.compose import SubgraphSource, compose

HERE = Path(__file__).parent / "reference_composition"


def ensure_installed() -> None:
    """``npm ci`` the reference composition once (its node_modules stay out of the source tree's git)."""
    if not (HERE / "node_modules").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)


def reference_errors(sources: list[SubgraphSource]) -> list[str] | None:
    """The reference's composition errors, or None when it composes."""
    payload = json.dumps([{"name": s.name, "url": s.url, "sdl": s.sdl} for s in sources])
    out = subprocess.run(
        ["node", str(HERE / "compose.cjs")], input=payload, capture_output=True, text=True, check=True, cwd=HERE
    )
    result = json.loads(out.stdout)
    errors = result.get("errors")
    return list(errors) if errors else None


def our_errors(sources: list[SubgraphSource]) -> str | None:
    """Silkgraph's composition errors, or None when it composes."""
    try:
        compose(sources)
    except CompositionError as error:
        return str(error)
    return None


def disagree(label: str, ours: str | None, theirs: list[str] | None) -> bool:
    """Whether the two verdicts differ (accept / reject); when they do, print both, labelled."""
    if (ours is None) == (theirs is None):
        return False
    verdicts = ("rejects" if theirs else "accepts", "rejects" if ours else "accepts")
    print(f"{label}: reference {verdicts[0]}, Silkgraph {verdicts[1]}")
    print("  reference:", (theirs or ["-"])[0][:400])
    print("  silkgraph:", (ours or "-")[:400])
    return True


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.oracle.reference")
    parser.add_argument("--worlds", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    ensure_installed()
    disagreements = 0
    for seed in range(args.seed, args.seed + args.worlds):
        sources = [
            SubgraphSource(n, f"http://{n}.oracle/graphql", v.sdl) for n, v in views(generate_world(seed)).items()
        ]
        disagreements += disagree(f"seed {seed}", our_errors(sources), reference_errors(sources))
    print(f"composition agreement: {args.worlds - disagreements}/{args.worlds} generated subgraph sets")
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
