"""scripts/audit.sh cannot pass what it could not check. pip-audit is replaced by a stand-in
that answers as a given advisory service would (the real one needs pypi.org, which tests do
not reach); the script's own logic, the canary, runs for real."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Writes the JSON report pip-audit would for the canary (with or without its advisory),
# then exits 0 for the environment's audit, as pip-audit does when it finds nothing.
STAND_IN = """#!/usr/bin/env bash
for ((i = 1; i <= $#; i++)); do
  if [[ ${!i} == --output ]]; then j=$((i + 1)); out=${!j}; fi
done
if [[ -n ${out:-} ]]; then
  vulns='[]'
  [[ $ADVISORIES == yes ]] && vulns='[{"id": "PYSEC-2018-28", "fix_versions": ["2.20.0"]}]'
  echo "{\\"dependencies\\": [{\\"name\\": \\"requests\\", \\"version\\": \\"2.19.0\\",
        \\"vulns\\": $vulns}]}" > "$out"
fi
echo "audited: $*" >> "$LOG"
exit 0
"""


def run_audit(tmp_path: Path, advisories: bool) -> tuple[subprocess.CompletedProcess, str]:
    stand_in = tmp_path / "pip-audit"
    stand_in.write_text(STAND_IN)
    stand_in.chmod(0o755)
    log = tmp_path / "calls.log"
    env = {**os.environ, "PIP_AUDIT": str(stand_in), "LOG": str(log),
           "ADVISORIES": "yes" if advisories else "no"}
    result = subprocess.run(["bash", str(ROOT / "scripts" / "audit.sh")], env=env,
                            capture_output=True, text=True, timeout=60)
    return result, log.read_text() if log.exists() else ""


def test_a_service_without_advisories_is_could_not_audit(tmp_path: Path) -> None:
    """GIVEN a service that answers but reports nothing (a mirror standing in for pypi.org)
    THEN the audit fails with «could not audit» and never reports the environment clean."""
    result, calls = run_audit(tmp_path, advisories=False)

    assert result.returncode == 2
    assert "could not audit" in result.stderr
    assert "--skip-editable" not in calls  # the environment's audit never ran


def test_a_service_that_knows_the_canary_audits_the_environment_strictly(
        tmp_path: Path) -> None:
    result, calls = run_audit(tmp_path, advisories=True)

    assert result.returncode == 0, result.stderr
    assert "--strict --skip-editable" in calls.splitlines()[-1]
