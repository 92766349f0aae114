"""Searchable PDFs: each page's archival PDF (the original page, or the scan in its own
encoding, with the text layer on it), merged into a PDF/A-2b document.

pages.py builds and merges pages; images.py keeps a scan's own encoding; geometry.py maps the
read image's pixels onto the original page; pdfa.py saves and checks PDF/A-2b;
textlayer.py reads a born-digital page's own text instead of OCR.
"""

from pipeline.pdf.pages import PageSource, archival_page_pdf, build_page_pdf, merge_page_pdfs

__all__ = ["PageSource", "archival_page_pdf", "build_page_pdf", "merge_page_pdfs"]
