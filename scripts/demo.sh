#!/usr/bin/env bash
# Installs sohoa and digitizes the bundled sample scans on the embedded defaults
# (local object store and SQLite under ./demo-data), then prints the province's indicators:
# the file rate, the dossier digitization rate and the electronic-result rate (sample-0009 is
# a stack: a cover sheet, a receipt with a Code 128 of its dossier code, a form and a copy).
# The local Prefect server it starts keeps running for the UI and the next run:
# `SOHOA_DATA_DIR=demo-data .venv/bin/sohoa server stop`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export SOHOA_DATA_DIR="${SOHOA_DATA_DIR:-$PWD/demo-data}"
.venv/bin/sohoa process samples/scans --json-out demo-data/json "$@"
exec .venv/bin/sohoa report
