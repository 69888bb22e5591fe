from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "sample"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
ENCODER_DIR = ROOT / "models" / "encoder"


def word_runs(text: str, n: int) -> set[tuple[str, ...]]:
    """Every run of ``n`` consecutive words, lower-cased: what "our own words" tests compare."""
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


@pytest.fixture(scope="session")
def shared() -> Path:
    """../shared is for development only; a user's clone has none, so tests that read it skip."""
    if not (SHARED / "data").is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(scope="session")
def encoder():
    from pipeline.encoder.model import Encoder

    if not (ENCODER_DIR / "BUILD.json").exists():
        pytest.fail("models/encoder is not built: run `make encoder` (make test does it first)")
    os.environ["HF_HUB_OFFLINE"] = "1"
    return Encoder(ENCODER_DIR, precision="bf16")


@pytest.fixture(scope="session")
def embedding_store(tmp_path_factory) -> Path:
    """One embedding cache for the session's end-to-end tests, so each text is embedded once."""
    return tmp_path_factory.mktemp("embeddings")
