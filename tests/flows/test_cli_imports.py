"""The command line must not import Prefect before it has chosen the Prefect API.

Prefect reads its settings (PREFECT_API_URL among them) once, when first imported. `sohoa`
sets the URL of the local server after reading sohoa's settings; a module that imported
Prefect earlier would make every command start a throw-away ephemeral server instead, and
the watcher and workers would each talk to a server of their own.
"""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_command_line_leaves_prefect_unimported() -> None:
    code = "import sys, flows.cli; print(sorted(m for m in sys.modules if m.startswith('prefect')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=True)
    assert result.stdout.strip() == "[]"
