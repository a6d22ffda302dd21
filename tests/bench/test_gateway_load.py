"""The wrk report parser of bench.gateway_load: the numbers the benchmark prints come from these fields."""

from __future__ import annotations

from bench.gateway_load import parse_wrk

REPORT = """Running 1s test @ http://127.0.0.1:5800/graphql
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   828.69us  385.25us   6.26ms   82.09%
    Req/Sec     2.27k   114.82     2.45k    63.64%
  Latency Distribution
     50%  768.00us
     75%    0.98ms
     90%    1.22ms
     99%    1.91ms
  2492 requests in 1.10s, 1.24MB read
  Socket errors: connect 0, read 3, write 0, timeout 2
  Non-2xx or 3xx responses: 17
Requests/sec:   2265.67
"""


def test_requests_latency_percentiles_and_every_kind_of_error_are_read() -> None:
    run = parse_wrk(REPORT)
    assert (run.requests, run.seconds) == (2492, 1.10)
    assert (run.p50_ms, run.p99_ms) == (0.768, 1.91)
    assert run.errors == 3 + 2 + 17
    assert round(run.rps) == 2265


def test_a_clean_run_has_no_errors_and_seconds_in_other_units() -> None:
    clean = REPORT.replace("  Socket errors: connect 0, read 3, write 0, timeout 2\n", "").replace(
        "  Non-2xx or 3xx responses: 17\n", ""
    )
    run = parse_wrk(clean.replace("in 1.10s", "in 1.00m").replace("99%    1.91ms", "99%    1.20s"))
    assert run.errors == 0
    assert run.seconds == 60.0
    assert run.p99_ms == 1200.0
