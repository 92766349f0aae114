"""Where the S3-compatible object store is and how to sign in: owned by the storage layer,
embedded by the settings model (config/settings.py)."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr


class S3Settings(BaseModel):
    """An S3-compatible object store (MinIO in production)."""

    endpoint: str = "127.0.0.1:9000"
    access_key: SecretStr = SecretStr("")
    secret_key: SecretStr = SecretStr("")
    bucket: str = "sohoa"
    secure: bool = False
    region: str | None = None
    public_endpoint: str | None = Field(
        None, description="where clients outside the stack reach this S3 server "
        "(https://files.example); the read API then redirects artifact downloads there, "
        "signed with the reader's keys. Unset: the API streams them itself")
    reader_access_key: SecretStr = Field(
        SecretStr(""), description="a user that may only read the bucket; signs public links")
    reader_secret_key: SecretStr = SecretStr("")
