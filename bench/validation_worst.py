"""Search for the accepted document that costs the most validation CPU, and print its time.

"Accepted" means it passes every limit that runs before validation under the default settings (characters,
tokens, fields, aliases, depth, root fields, directives, fragment expansion, selection-set shape) against the
platform's API schema. The search tries known families of expensive documents (same-name fields nested in
each other, fragments compared pairwise, inline fragments, aliases, argument conflicts) at every size the
limits allow, then mutates the worst ones at random (seeded). Validation is graphql-core's full rule set, as
the gateway runs it, timed in thread CPU time, best of 5 per document (the machine's load does not count).

    python -m bench.validation_worst [--rounds 300] [--seed 7]

Prints the worst document's validation time (the target: under 50 ms) and its first line.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from graphql import parse, validate

from gateway.config import LimitSettings
from gateway.errors import RequestError
from gateway.federation.engine import FederatedGraph
from gateway.federation.supergraph import load_supergraph
from gateway.policy.limits import DocumentLimits, check_document_chars
from gateway.sdk.scalars import SCALAR_RULES

SUPERGRAPH = Path(__file__).parents[1] / "schema" / "supergraph.graphql"

# Country.airports -> Airport.country -> Country: a cycle, so any depth the limits allow
LEAF = "code"
NEST = ("airports", "country")


class Judge:
    def __init__(self) -> None:
        supergraph = load_supergraph(SUPERGRAPH.read_text(), scalar_rules=SCALAR_RULES)
        self.graph = FederatedGraph(supergraph, {})
        lim = LimitSettings()
        self.limits = DocumentLimits(
            max_fields=lim.max_fields,
            max_aliases=lim.max_aliases,
            max_depth=lim.max_depth,
            max_root_fields=lim.max_root_fields,
            max_directives=lim.max_directives,
            max_overlap_comparisons=lim.max_overlap_comparisons,
        )
        self.max_chars = lim.max_document_chars
        self.max_tokens = lim.max_tokens
        self.rules = self.graph._rules

    def cost(self, text: str) -> float | None:
        """Validation CPU seconds (best of 5), or None when the limits refuse the document before validation."""
        try:
            check_document_chars(text, self.max_chars)
            document = parse(text, max_tokens=self.max_tokens)
            self.limits.check(document)
        except (RequestError, Exception):
            return None
        best = float("inf")
        for _ in range(5):  # CPU time of this thread: the machine's other load does not count
            started = time.thread_time()
            validate(self.graph.schema, document, self.rules)
            best = min(best, time.thread_time() - started)
        return best


def _nested(widths: list[int], alias: bool = False) -> str:
    """``countries { airports { country { ... code } } }`` with ``widths[i]`` copies at level i."""
    if not widths:
        return LEAF
    inner = _nested(widths[1:], alias)
    name = NEST[len(widths) % 2] if len(widths) > 1 else LEAF
    if len(widths) == 1:
        return " ".join(f"a{i}: {LEAF}" if alias and i < 15 else LEAF for i in range(widths[0]))
    return " ".join(f"{name} {{ {inner} }}" for _ in range(widths[0]))


def families() -> Iterator[tuple[str, str]]:
    for n in (20, 30, 40, 44, 45, 50, 63, 100, 150, 200, 300):
        yield f"flat x{n}", "{ countries { " + " ".join([LEAF] * n) + " } }"
        yield f"args x{n}", "{ countries { " + " ".join(f'airports(iata: "{i}") {{ iata }}' for i in range(n)) + " } }"
    for widths in ([17, 17], [6, 6, 6], [4, 4, 4, 4], [3, 3, 3, 3, 3], [10, 25], [25, 10], [2] * 8, [60, 4]):
        yield f"nested {widths}", "{ countries { " + _nested(widths) + " } }"
        yield f"nested+alias {widths}", "{ countries { " + _nested(widths, alias=True) + " } }"
    for k in (5, 10, 20, 40, 80):
        body = " ".join([LEAF] * (280 // k))
        frags = " ".join(f"fragment F{i} on Country {{ {body} }}" for i in range(k))
        spreads = " ".join(f"...F{i}" for i in range(k))
        yield f"fragments x{k}", f"{{ countries {{ {spreads} }} }} {frags}"
        inline = " ".join(f"... on Country {{ {body} }}" for _ in range(k))
        yield f"inline x{k}", f"{{ countries {{ {inline} }} }}"
    for k in (3, 4, 5, 6):
        # each fragment spreads the next twice under a repeated field: comparisons multiply per level
        frags = [
            f"fragment G{i} on Country {{ "
            + f"airports {{ country {{ ...G{i + 1} }} }} airports {{ country {{ ...G{i + 1} }} }} }}"
            for i in range(k)
        ]
        frags.append(f"fragment G{k} on Country {{ code code code }}")
        yield f"fragment chain x{k}", "{ countries { ...G0 } } " + " ".join(frags)


def mutate(text: str, rng: random.Random) -> str:
    """A random edit that keeps the text a plausible document: duplicate, drop or alias a selection."""
    ops: list[Callable[[str], str]] = [
        lambda t: t.replace(f" {LEAF} ", f" {LEAF} {LEAF} ", rng.randint(1, 20)),
        lambda t: t.replace("airports {", "airports { code airports {", 1).replace("} }", "} } }", 1),
        lambda t: t.replace(f" {LEAF} ", f" x{rng.randint(0, 14)}: {LEAF} ", 1),
        lambda t: t.replace(f" {LEAF} {LEAF} ", f" {LEAF} ", rng.randint(1, 20)),
        lambda t: t.replace("country { ", "country { ... on Country { code } ", 1),
    ]
    return rng.choice(ops)(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--overlap-limit", type=int, default=None, help="max_overlap_comparisons (default: setting)")
    args = parser.parse_args()
    judge = Judge()
    if args.overlap_limit is not None:
        judge.limits = dataclasses.replace(judge.limits, max_overlap_comparisons=args.overlap_limit)
    rng = random.Random(args.seed)
    scored: list[tuple[float, str, str]] = []
    refused = 0
    for name, text in families():
        cost = judge.cost(text)
        if cost is None:
            refused += 1
            continue
        scored.append((cost, name, text))
    scored.sort(reverse=True)
    for _ in range(args.rounds):
        _, name, text = scored[min(int(rng.expovariate(0.5)), len(scored) - 1)]
        child = mutate(text, rng)
        cost = judge.cost(child)
        if cost is None:
            refused += 1
            continue
        scored.append((cost, f"{name} (mutated)", child))
        scored.sort(reverse=True)
        del scored[50:]
    print(f"documents refused by the limits before validation: {refused}")
    print("worst accepted documents (validation CPU time, best of 5):")
    for cost, name, text in scored[:5]:
        print(f"  {cost * 1000:8.1f} ms  {len(text):6d} chars  {name}")
    worst_cost, worst_name, worst_text = scored[0]
    verdict = "within" if worst_cost < 0.05 else "OVER"
    print(f"worst: {worst_cost * 1000:.1f} ms ({verdict} the 50 ms target): {worst_name}")
    print(f"  {worst_text[:160]}...")


if __name__ == "__main__":
    main()
