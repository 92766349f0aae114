"""One exception hierarchy: each error says what to do and whether a retry can help."""

from __future__ import annotations


class SohoaError(Exception):
    """Base of every error sohoa raises on purpose.

    ``retryable`` tells the orchestration layer whether trying again later can help
    (a server that was down) or cannot (a corrupt file).
    """

    retryable: bool = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputFileError(SohoaError):
    """The input file itself cannot be processed; retrying will not help."""


class UnsupportedFileError(InputFileError):
    """The file is not a PDF, TIFF, JPEG or PNG."""


class CorruptFileError(InputFileError):
    """The file is damaged (truncated, broken structure, unreadable image)."""


class EncryptedPdfError(InputFileError):
    """The PDF needs a password."""


class ImageTooLargeError(InputFileError):
    """A page exceeds the configured pixel or page limits."""


class OcrError(SohoaError):
    """Tesseract failed on a page."""


class OcrTimeoutError(OcrError):
    """Tesseract took longer than the page time limit."""

    retryable = True


class ConfigurationError(SohoaError):
    """Settings or document-type definitions are wrong."""


class StorageError(SohoaError):
    """The object store or database could not be reached or refused an operation."""

    retryable = True


class IntegrityError(StorageError):
    """A stored object's checksum does not match what was written."""
