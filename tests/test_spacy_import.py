"""spaCy is imported without its command line, and the command line still imports whole afterwards.

Each check runs in a fresh interpreter: the test session has imported spaCy already.
"""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
{imports}
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("spacy", "weasel", "typer"))
import spacy.cli
from spacy.cli.info import info
print(json.dumps({{
    "cli_before": [m for m in loaded if m.startswith("spacy.cli") or m.split(".")[0] in ("weasel", "typer")],
    "spacy_loaded": "spacy" in loaded,
    "download": callable(getattr(spacy.cli, "download", None)),
    "info_is_real": info.__module__ == "spacy.cli.info",
    "nlp_tokens": len(spacy.blank("en")("shipped a RAG service")),
}}))
"""


def _probe(imports: str) -> dict:
    completed = subprocess.run([sys.executable, "-c", PROBE.format(imports=imports)], capture_output=True, text=True, check=True, timeout=120)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_the_screening_pipeline_imports_spacy_without_its_command_line() -> None:
    seen = _probe("from screener.evidence import build_extractor")
    assert seen["spacy_loaded"]
    assert seen["cli_before"] == []
    assert seen["download"] and seen["info_is_real"]
    assert seen["nlp_tokens"] == 4


def test_validating_the_taxonomy_imports_spacy_without_its_command_line() -> None:
    seen = _probe("from screener.taxonomy import load_taxonomy; load_taxonomy()")
    assert seen["spacy_loaded"]
    assert seen["cli_before"] == []
    assert seen["download"] and seen["info_is_real"]


def test_spacy_info_still_answers() -> None:
    code = "from screener.spacy_import import import_spacy; spacy = import_spacy(); data = spacy.info(); print(data['spacy_version'] == spacy.__version__)"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert completed.stdout.strip().splitlines()[-1] == "True"


def test_an_already_imported_spacy_is_returned_as_it_is() -> None:
    seen = _probe("import spacy\nfrom screener.spacy_import import import_spacy\nassert import_spacy() is spacy")
    assert seen["spacy_loaded"]
    assert "spacy.cli" in seen["cli_before"]  # a plain `import spacy` loads its command line, as spaCy intends
