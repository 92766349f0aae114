#!/usr/bin/env bash
# Installs sohoa with everything its tests start (PostgreSQL, SeaweedFS S3, a Prefect server)
# and runs the whole suite: lint, unit, integration and end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
.venv/bin/ruff check .
.venv/bin/lint-imports  # the layers and the Prefect-free core (pyproject.toml)
# One test process per core (pytest-xdist), a test file kept in one process: its servers
# and module fixtures are started once. SOHOA_TEST_PROCESSES=0 runs it in this process.
exec .venv/bin/python -m pytest -n "${SOHOA_TEST_PROCESSES:-auto}" --dist loadfile "$@"
