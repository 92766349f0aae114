"""Prefect flows, tasks, deployments, the worker, the local server and artifacts: the
pipeline's page and document functions wired to the stores, with retries and leases."""

import os

# Prefect reads these when it is first imported: no analytics from an office network,
# and no phoning home from a machine that has no internet.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
