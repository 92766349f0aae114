"""`sohoa worker`: a Prefect process worker on sohoa's work pool.

Start one per machine (or more); they share the pool, and Prefect hands each run to exactly
one of them. Each run is a separate process that reads sohoa's settings from the worker's
environment, so every worker must be configured with the same stores and database.
"""

from __future__ import annotations

import asyncio
import os

from config.settings import Settings
from flows.deployments import apply_deployments, worker_name


def ocr_workers_per_run(settings: Settings) -> int:
    """Pages OCR'd at once inside one run, so that all runs of a worker together keep about
    one Tesseract per core (runs are separate processes and cannot share a semaphore)."""
    if settings.ocr.workers:
        return settings.ocr.workers
    cores = os.cpu_count() or 1
    return max(1, cores // settings.worker.run_limit())


def run_worker(settings: Settings, run_once: bool = False) -> None:
    """Register the deployments, then poll the work pool until stopped (Ctrl-C)."""
    from prefect.settings import PREFECT_WORKER_QUERY_SECONDS, temporary_settings
    from prefect.workers.process import ProcessWorker

    apply_deployments(settings)
    # Runs inherit this process's environment: that is how they get their settings.
    os.environ["SOHOA_OCR__WORKERS"] = str(ocr_workers_per_run(settings))

    async def work() -> None:
        async with ProcessWorker(work_pool_name=settings.worker.work_pool,
                                 name=worker_name(), limit=settings.worker.run_limit(),
                                 create_pool_if_not_found=False) as worker:
            await worker.start(run_once=run_once)

    with temporary_settings({PREFECT_WORKER_QUERY_SECONDS: settings.worker.poll_seconds}):
        asyncio.run(work())
