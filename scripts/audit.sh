#!/usr/bin/env bash
# Scans the dependencies installed in .venv for known vulnerabilities with pip-audit.
# It needs pypi.org's JSON API (or api.osv.dev with `-s osv`). --strict makes a package that
# could not be checked an error: without it, a mirror that serves packages but no advisories
# (as in sohoa's CI, which only reaches package registries) would pass every package silently.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x .venv/bin/pip-audit ]] || .venv/bin/python -m pip install -q "pip-audit>=2.7,<3"
exec .venv/bin/pip-audit --strict --skip-editable "$@"
