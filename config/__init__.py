"""Settings and document-type definitions."""
