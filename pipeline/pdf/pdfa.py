"""PDF/A-2b: write a document as PDF/A-2b and check what was written.

pikepdf.pdfa (pikepdf 10.18+) does both. ``prepare`` sets one output intent with the sRGB
ICC profile pikepdf ships (pikepdf/pdfa/data/sRGB.icc), rewrites the XMP metadata with the
PDF/A identification and makes the Info dictionary agree with it, removes image
interpolation and fixes annotation flags; it never touches page content or image data.
The validator is an allowlist over veraPDF's PDF/A-2b rule catalogue: it approves a file
only if every construct it meets is known to conform (file structure, fonts embedded and
consistent, colour spaces against the output intent, metadata, filters, transparency), so
a refusal may be a false alarm but an approval should not be. veraPDF itself (Java) is on
none of the registries this project installs from, and Ghostscript and qpdf do not
validate PDF/A.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
from pikepdf import pdfa
from pikepdf.pdfa import PdfaError

FLAVOUR = "2b"
__all__ = ["FLAVOUR", "PdfaError", "pdfa_problems", "save_pdfa"]


def save_pdfa(pdf: pikepdf.Pdf, destination: Path) -> None:
    """Make ``pdf`` PDF/A-2b in memory, write it to ``destination`` and validate the bytes
    written; ``pdfa.PdfaError`` (its report says why) if they do not pass, and then
    nothing is written."""
    pdfa.save(pdf, destination, FLAVOUR, output_intent="sRGB")


def pdfa_problems(path: Path) -> list[str]:
    """What keeps the file at ``path`` from being PDF/A-2b, one line per finding; empty when
    the validator approves it."""
    report = pdfa.validate_written(path, FLAVOUR)
    if report.passed:
        return []
    return [str(finding) for finding in report.findings] or [f"verdict {report.verdict}"]
