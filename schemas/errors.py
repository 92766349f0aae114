"""One exception hierarchy: each error says what to do and whether a retry can help."""

from __future__ import annotations

import errno
from enum import IntEnum
from pathlib import Path

# A full disk, a quota, or a process file-size limit (RLIMIT_FSIZE): all mean "no room to write".
_NO_SPACE = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})


class ExitCode(IntEnum):
    """What a `sohoa` command's exit status means (README «Using it»)."""

    OK = 0
    INCOMPLETE = 1  # it ran, but not everything it was given got an answer
    CANNOT_RUN = 2  # it could not run at all: configuration, a store, a missing model


class SohoaError(Exception):
    """Base of every error sohoa raises on purpose.

    ``retryable`` tells the orchestration layer whether trying again later can help
    (a server that was down) or cannot (a corrupt file).
    """

    retryable: bool = False
    exit_code: ExitCode = ExitCode.CANNOT_RUN

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
    """A page exceeds the configured pixel or page limits, or took too long to render."""


class ImageTooSmallError(InputFileError):
    """A page has too few pixels to hold any readable text (a 1×1 image is not a scan)."""


class OcrError(SohoaError):
    """Tesseract failed on a page."""


class OcrTimeoutError(OcrError):
    """Tesseract took longer than the page time limit."""

    retryable = True


class OcrCrashError(OcrError):
    """Tesseract was killed or crashed on a page (out of memory, killed by an operator).

    Retryable: a crash under memory pressure often does not happen again; a page that
    crashes Tesseract every time fails after the task's retries.
    """

    retryable = True


class TemporarySpaceError(SohoaError):
    """The disk for temporary files is full (or a file-size limit was hit).

    Retryable: space may be freed; not the input file's fault.
    """

    retryable = True

    @classmethod
    def in_folder(cls, folder: Path | str, error: OSError) -> TemporarySpaceError:
        """The error an operator reads: which folder is full, and what to do."""
        return cls(f"no space left for temporary files in {folder} ({error.strerror}); free "
                   "space there or point SOHOA_WORK_DIR at a larger disk, then process the "
                   "file again")


def is_out_of_space(error: OSError) -> bool:
    """Whether an OSError means the disk (or a size limit) has no room for the write."""
    return error.errno in _NO_SPACE


class ConfigurationError(SohoaError):
    """Settings or document-type definitions are wrong."""


class StorageError(SohoaError):
    """The object store or database could not be reached or refused an operation."""

    retryable = True


class IntegrityError(StorageError):
    """A stored object's checksum does not match what was written."""


class DamagedObjectError(IntegrityError):
    """An object read back does not match the checksum recorded when it was written.

    Not retryable, unlike a failed write check (writing again may land intact): the stored
    bytes stay damaged until an operator restores them or the file is processed again.
    """

    retryable = False
