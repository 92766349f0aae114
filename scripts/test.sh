#!/usr/bin/env bash
# Installs sohoa with everything its tests start (PostgreSQL, SeaweedFS S3, a Prefect server)
# and runs the whole suite: lint, unit, integration and end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
.venv/bin/ruff check .
.venv/bin/lint-imports  # the layers and the Prefect-free core (pyproject.toml)
exec .venv/bin/python -m pytest "$@"
