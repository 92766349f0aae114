"""Data models shared by every sohoa package: statuses, OCR results, records, the extracted JSON."""
