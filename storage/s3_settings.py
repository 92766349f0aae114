"""Where the S3-compatible object store is and how to sign in: owned by the storage layer,
embedded by the settings model (config/settings.py)."""

from __future__ import annotations

from pydantic import BaseModel, SecretStr


class S3Settings(BaseModel):
    """An S3-compatible object store (MinIO in production)."""

    endpoint: str = "127.0.0.1:9000"
    access_key: SecretStr = SecretStr("")
    secret_key: SecretStr = SecretStr("")
    bucket: str = "sohoa"
    secure: bool = False
    region: str | None = None
