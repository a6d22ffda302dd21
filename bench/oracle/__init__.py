"""Oracle harness: generated supergraphs, one shared dataset, the gateway against a graphql-core monolith.

``python -m bench.oracle --cases 10000`` (or ``make fuzz``) runs thousands of cases; a fixed-seed slice runs in
CI (tests/gateway/federation/test_oracle.py).
"""
