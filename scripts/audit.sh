#!/usr/bin/env bash
# Scans the dependencies installed in .venv for known vulnerabilities with pip-audit.
# It needs pypi.org's JSON API (or api.osv.dev with `-s osv`; extra arguments go to pip-audit).
#
# A «could not audit» is a failure, never a pass, in both ways it happens:
#   - a package the service cannot look up: pip-audit --strict stops on it;
#   - a service (or a mirror standing in for pypi.org) that answers without advisories:
#     pip-audit reads a missing «vulnerabilities» key as «none», so every package would pass.
#     A canary catches it: requests 2.19.0 (PYSEC-2018-28, CVE-2018-18074) must be reported.
# Exit: 0 nothing known, 2 could not audit (the canary), else pip-audit's non-zero status
# (vulnerabilities found, or a package it could not look up).
# PIP_AUDIT names another pip-audit (the tests give a stand-in for the service).
set -uo pipefail
cd "$(dirname "$0")/.."
pip_audit=${PIP_AUDIT:-.venv/bin/pip-audit}
[[ -x $pip_audit ]] || .venv/bin/python -m pip install -q "pip-audit>=2.7,<3" || {
  echo "audit: could not install pip-audit" >&2; exit 2; }

canary=$(mktemp -d)
trap 'rm -rf "$canary"' EXIT
echo "requests==2.19.0" > "$canary/requirements.txt"
"$pip_audit" --strict --no-deps --disable-pip -r "$canary/requirements.txt" \
  --format json --output "$canary/report.json" "$@" 2>"$canary/stderr"
if ! .venv/bin/python - "$canary/report.json" <<'PY'
import json, sys
try:
    report = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    sys.exit(1)
found = [v for d in report.get("dependencies", []) for v in d.get("vulns", [])]
sys.exit(0 if found else 1)
PY
then
  echo "audit: could not audit: the advisory service did not report the known vulnerability" \
       "of requests 2.19.0, so it cannot be trusted to report any (no network to it, or a" \
       "mirror without advisories). pip-audit said:" >&2
  tail -n 3 "$canary/stderr" >&2
  exit 2
fi

exec "$pip_audit" --strict --skip-editable "$@"
