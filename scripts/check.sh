#!/usr/bin/env bash
# The one check command: formatting, lint, types, schema freshness, tests with a coverage floor.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin

if ! "$BIN/python" -c "import kz_customs_partner" 2>/dev/null; then
  echo "== installing the example partner package (tests/partner_example)"
  "$BIN/python" -m pip install --quiet --no-deps -e tests/partner_example
fi
echo "== ruff format --check"; "$BIN/ruff" format --check gateway adapters tests bench
echo "== ruff check";          "$BIN/ruff" check gateway adapters tests bench
echo "== mypy (strict)";       "$BIN/mypy"
if "$BIN/silkgraph" compose --help >/dev/null 2>&1; then
  echo "== schema/ is up to date"; "$BIN/silkgraph" compose --check
fi
# the tests mostly wait (sockets, sandboxes, PostgreSQL, Redis, node, chromium): more workers than cores pay.
# Each worker gets its own PostgreSQL database and Redis DB (tests/services.py), hence at most 4 workers;
# --dist loadscope keeps a module's (or class's) tests on one worker, so its module fixtures start once; the
# modules with slow tests are queued first (tests/conftest.py), which the default reordering by size would undo.
WORKERS=${SILKGRAPH_TEST_WORKERS:-4}
echo "== pytest ($WORKERS workers)"
set +e
"$BIN/python" -m pytest -n "$WORKERS" --dist loadscope --no-loadscope-reorder --cov --cov-report=term "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure for Silkgraph" >&2
  exit 1
fi
exit "$rc"
