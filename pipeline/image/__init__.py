"""Page images: cleaning, dot leaders, skew and the two images OCR and the PDF need."""
