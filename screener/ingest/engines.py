"""The PDF engines by name, without importing them: the CLI and a cached re-run need only the names."""

#: PDFium (pypdfium2) is the default: about five times faster than pdfplumber at the same fidelity.
PDFIUM = "pdfium"
PDFPLUMBER = "pdfplumber"
ENGINE_NAMES = (PDFIUM, PDFPLUMBER)
DEFAULT_ENGINE = PDFIUM
