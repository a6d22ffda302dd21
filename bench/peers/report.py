"""Pure helpers of bench.peers: response comparison, medians over rounds, the tables and the closing line."""

from __future__ import annotations

import dataclasses
import json
import statistics
from collections.abc import Iterable, Mapping

SILKGRAPH = "Silkgraph"
APOLLO = "@apollo/gateway"
HIVE = ("Hive Gateway", "Hive Gateway (router runtime)")
GRAFBASE = "Grafbase"


@dataclasses.dataclass(frozen=True)
class Sample:
    """One wrk run of one gateway on one shape, with the gateway's and the subgraphs' CPU over the run."""

    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int
    gateway_cpu_s: float
    subgraph_cpu_s: float

    @property
    def cpu_ms(self) -> float:
        return self.gateway_cpu_s / max(self.requests, 1) * 1000

    @property
    def subgraph_cpu_ms(self) -> float:
        return self.subgraph_cpu_s / max(self.requests, 1) * 1000


@dataclasses.dataclass(frozen=True)
class Row:
    """The median over rounds of every figure of one gateway on one shape."""

    gateway: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_ms: float
    subgraph_cpu_ms: float
    rss_mb: float


def median_row(gateway: str, samples: list[Sample], rss_mb: float) -> Row:
    return Row(
        gateway=gateway,
        rps=statistics.median(s.rps for s in samples),
        p50_ms=statistics.median(s.p50_ms for s in samples),
        p99_ms=statistics.median(s.p99_ms for s in samples),
        errors=sum(s.errors for s in samples),
        cpu_ms=statistics.median(s.cpu_ms for s in samples),
        subgraph_cpu_ms=statistics.median(s.subgraph_cpu_ms for s in samples),
        rss_mb=rss_mb,
    )


def canonical(payload: bytes) -> str:
    """A response as compared between gateways: its ``data`` and error messages, keys in the query's order.

    ``extensions`` (tracing, cost) differ by product and are left out; everything GraphQL puts in the answer
    must be equal, key order included (GraphQL orders response keys as the query does). Numbers compare by
    value: a Float ``1.0`` may be written ``1`` (JavaScript gateways do).
    """
    body = json.loads(payload, parse_int=float)
    errors = [e.get("message") for e in body.get("errors") or []]
    return json.dumps({"data": body.get("data"), "errors": errors})


def differences(answers: Mapping[str, bytes], reference: str = SILKGRAPH) -> dict[str, str]:
    """Each gateway whose answer differs from the reference's, with a short excerpt of where it starts."""
    want = canonical(answers[reference])
    found = {}
    for gateway, payload in answers.items():
        try:
            got = canonical(payload)
        except ValueError:
            found[gateway] = f"not JSON: {payload[:120]!r}"
            continue
        if got != want:
            at = next((i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b), min(len(got), len(want)))
            found[gateway] = (
                f"differs at char {at}: {got[max(0, at - 40) : at + 60]!r} vs {want[max(0, at - 40) : at + 60]!r}"
            )
    return found


def ratios(rows: Iterable[Row]) -> dict[str, float]:
    """Silkgraph's req/s over each JS gateway's, and Silkgraph's CPU per request over Grafbase's, for one shape."""
    by_name = {r.gateway: r for r in rows}
    ours = by_name[SILKGRAPH]
    out = {}
    for name, row in by_name.items():
        if name == GRAFBASE:
            out[name] = ours.cpu_ms / row.cpu_ms if row.cpu_ms else float("inf")
        elif name != SILKGRAPH:
            out[name] = ours.rps / row.rps if row.rps else float("inf")
    return out


def summary(per_shape: Mapping[str, Iterable[Row]]) -> str:
    """The closing line: the worst req/s ratio over shapes against each JS gateway, the worst CPU ratio vs Grafbase."""
    worst: dict[str, float] = {}
    for rows in per_shape.values():
        for name, value in ratios(rows).items():
            if name == GRAFBASE:
                worst[name] = max(worst.get(name, 0.0), value)
            else:
                worst[name] = min(worst.get(name, float("inf")), value)
    hive = min((worst[h] for h in HIVE if h in worst), default=float("nan"))
    return (
        f"min ratio vs @apollo/gateway: {worst.get(APOLLO, float('nan')):.2f}; vs Hive Gateway: {hive:.2f}; "
        f"max CPU per request vs Grafbase: {worst.get(GRAFBASE, float('nan')):.2f}x"
    )


def table(shape: str, rows: list[Row]) -> str:
    """A markdown table of one shape (docs/performance.md takes it as printed)."""
    r = ratios(rows)
    lines = [
        f"### {shape}",
        "",
        "| gateway | req/s | p50 ms | p99 ms | errors | CPU ms/req | subgraphs' CPU ms/req | RSS MB | Silkgraph × |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        if row.gateway == SILKGRAPH:
            vs = "—"
        elif row.gateway == GRAFBASE:
            vs = f"{r[row.gateway]:.2f}× the CPU/req"
        else:
            vs = f"{r[row.gateway]:.2f}× the req/s"
        lines.append(
            f"| {row.gateway} | {row.rps:,.0f} | {row.p50_ms:.2f} | {row.p99_ms:.2f} | {row.errors} | "
            f"{row.cpu_ms:.3f} | {row.subgraph_cpu_ms:.3f} | {row.rss_mb:.0f} | {vs} |"
        )
    return "\n".join(lines)
