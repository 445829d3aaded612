"""The PDF engines by name, without importing them: the CLI and a cached re-run need only the names."""

#: PDFium (pypdfium2) is the default: about five times faster than pdfplumber at the same fidelity.
DEFAULT_ENGINE = "pdfium"
PDFPLUMBER = "pdfplumber"
ENGINE_NAMES = (DEFAULT_ENGINE, PDFPLUMBER)
