"""Digitization statuses (contract §2)."""

from enum import StrEnum


class DigitizationStatus(StrEnum):
    """Where a record stands. Values are the contract's machine-readable strings."""

    RECEIVED = "received"
    PROCESSING = "processing"
    DIGITIZED = "digitized"
    NEEDS_REVIEW = "needs_review"
    VERIFIED = "verified"
    FAILED = "failed"
    DUPLICATE = "duplicate"

    @property
    def is_final(self) -> bool:
        """True once no flow run will touch the record again on its own."""
        return self not in {DigitizationStatus.RECEIVED, DigitizationStatus.PROCESSING}


class DocType(StrEnum):
    """Built-in document types. More can be added as data in config/doctypes/."""

    BIRTH_REGISTRATION = "birth_registration"
    DOSSIER_RECEIPT = "dossier_receipt"
    UNKNOWN = "unknown"
