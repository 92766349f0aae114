"""Open the configured stores: the one place that turns Settings into store objects."""

from __future__ import annotations

from config.settings import Settings
from storage.database import check_database, create_db_engine, init_database
from storage.local import LocalObjectStore
from storage.objects import ObjectStore
from storage.records import RecordRepository


def open_object_store(settings: Settings) -> ObjectStore:
    """The local folder store or the S3 store, as configured. Does not touch the network;
    call ``check()`` on the result to find out early whether it is usable."""
    if settings.object_store == "s3":
        # Imported only here: the MinIO client's import is a tenth of a second of every
        # `sohoa process` start on the embedded defaults, which never use it.
        from storage.s3 import S3ObjectStore

        return S3ObjectStore(settings.s3)
    return LocalObjectStore(settings.resolved_store_dir)


def open_repository(settings: Settings) -> RecordRepository:
    """The record repository on the configured database, its tables created if missing.

    Raises StorageError with one line when the database cannot be reached.
    """
    engine = create_db_engine(settings.resolved_database_url)
    check_database(engine)
    init_database(engine)
    return RecordRepository(engine)
