"""Prefect flows and tasks that wire pipeline steps to storage, and the `sohoa` command line."""

import os

# Prefect reads these when it is first imported: no analytics from an office network,
# and no phoning home from a machine that has no internet.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
# One page per core beats Tesseract's own threads on small machines.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
