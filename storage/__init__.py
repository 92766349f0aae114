"""Object stores (local folder, S3/MinIO) and the record repository (SQLModel)."""
