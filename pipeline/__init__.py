"""Pure processing steps: plain functions on plain data. No Prefect, database or object store."""
