"""Benchmarks: each prints ratios measured in one run (no timing assertions anywhere in the tests)."""
