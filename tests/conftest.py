"""Shared fixtures: the vocabulary, the shared corpus (skipped where absent), PDF rendering."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from screener.vocabulary import Vocabulary, load_vocabulary

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SCREENER_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory) -> Path:
    """Every test run gets its own cache: nothing is read from or left in the user's."""
    folder = tmp_path_factory.mktemp("screener-cache")
    os.environ["SCREENER_CACHE_DIR"] = str(folder)
    return folder


@pytest.fixture(scope="session")
def vocab() -> Vocabulary:
    return load_vocabulary()


def corpus_dir(name: str) -> Path:
    """A folder of the shared corpus, or a clean skip where ../shared is absent."""
    folder = CORPUS / name
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent: the shared corpus is not beside this checkout")
    return folder


def fidelity_module():
    """The shared parsing-fidelity measure (``../shared/tools/fidelity.py``), or a clean skip where it is absent."""
    path = SHARED / "tools" / "fidelity.py"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    spec = importlib.util.spec_from_file_location("shared_fidelity", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- Hypothesis (tests/test_properties.py) ------------------------------------------------------
# "ci" (the default) is deterministic and writes nothing into the checkout: a fixed seed per test,
# no example database, no deadline (the first example of a test pays for building matchers).
# SCREENER_HYPOTHESIS_PROFILE=thorough runs ten times the examples with fresh randomness.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, database=None, max_examples=100, deadline=None, print_blob=True)
_hypothesis_settings.register_profile("thorough", derandomize=False, database=None, max_examples=1000, deadline=None, print_blob=True)
_hypothesis_settings.load_profile(os.environ.get("SCREENER_HYPOTHESIS_PROFILE", "ci"))
