"""The stores and definitions a process works with, built once from the settings."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cached_property
from importlib.metadata import PackageNotFoundError, version

from config.settings import Settings
from office.stores import open_object_store, open_repository
from pipeline.doctypes import DocTypeDefinition, load_doctypes
from storage.dossiers import DossierRepository
from storage.objects import ObjectStore
from storage.records import RecordRepository


def pipeline_version() -> str:
    """The installed sohoa version, stamped on every JSON."""
    try:
        return f"sohoa {version('sohoa')}"
    except PackageNotFoundError:
        return "sohoa (not installed)"


@dataclass
class Services:
    """Settings plus the connections built from them; shared by a process's tasks."""

    settings: Settings

    @cached_property
    def store(self) -> ObjectStore:
        return open_object_store(self.settings)

    @cached_property
    def repository(self) -> RecordRepository:
        return open_repository(self.settings)

    @cached_property
    def dossiers(self) -> DossierRepository:
        """The dossiers, on the records' database."""
        return DossierRepository(self.repository.engine)

    @cached_property
    def doctypes(self) -> list[DocTypeDefinition]:
        return load_doctypes(self.settings.doctypes_dir)

    def doctype(self, doc_type: str) -> DocTypeDefinition | None:
        return next((d for d in self.doctypes if d.id == doc_type), None)


_lock = threading.Lock()
_active: Services | None = None


def use_settings(settings: Settings) -> Services:
    """Make ``settings`` the ones this process's flows use (the CLI calls this once)."""
    global _active
    with _lock:
        _active = Services(settings)
        return _active


def active_services() -> Services:
    """The process's services; built from the environment when no entry point chose any.

    Flows run by a Prefect worker take their configuration from the worker's environment.
    """
    global _active
    with _lock:
        if _active is None:
            _active = Services(Settings())
        return _active
