"""Load the local multilingual-e5-small folder and turn texts into unit vectors.

e5 was trained with role prefixes: documents are embedded as ``passage: …`` and the label
descriptions we compare them with as ``query: …``. Vectors are the attention-masked mean of the last
hidden states, L2-normalised, so a dot product is a cosine similarity.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Sequence

import numpy as np

Role = Literal["passage", "query"]
Precision = Literal["fp32", "bf16"]


@dataclass
class Encoder:
    """Lazily loaded encoder; nothing heavy happens until the first ``encode``."""

    path: Path
    precision: Precision = "bf16"
    batch_size: int = 32
    max_tokens: int = 512
    threads: int | None = None
    _model: object = field(default=None, init=False, repr=False)
    _tokenizer: object = field(default=None, init=False, repr=False)

    @property
    def build_info(self) -> dict:
        build = Path(self.path) / "BUILD.json"
        if not build.exists():
            raise FileNotFoundError(
                f"no encoder at {self.path}: build it with `python -m pipeline.encoder.build` (or `make encoder`)"
            )
        return json.loads(build.read_text())

    @property
    def version(self) -> str:
        """Identifies what produced a vector: the weights, the precision and the truncation length."""
        return f"{self.build_info['name']}@{self.build_info['fingerprint']}-{self.precision}-{self.max_tokens}"

    def _load(self) -> None:
        if self._model is not None:
            return
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()

        self.build_info  # fail early with a clear message when the folder is missing
        if self.threads:
            torch.set_num_threads(self.threads)
        self._tokenizer = AutoTokenizer.from_pretrained(str(self.path), local_files_only=True)
        model = AutoModel.from_pretrained(str(self.path), local_files_only=True, dtype=torch.float32)
        self._model = model.eval()

    def encode(self, texts: Sequence[str], role: Role = "passage") -> np.ndarray:
        """Return an ``(n, dim)`` float32 array of unit vectors, in the order of ``texts``.

        Texts are sorted by length inside the call so each batch pads little; the output order is restored.
        """
        import torch

        self._load()
        if not texts:
            return np.zeros((0, self._model.config.hidden_size), np.float32)
        prefixed = [f"{role}: {t}" for t in texts]
        order = np.argsort([len(t) for t in prefixed], kind="stable")
        out = np.zeros((len(texts), self._model.config.hidden_size), np.float32)
        autocast = torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.precision == "bf16")
        with torch.inference_mode(), autocast:
            for start in range(0, len(order), self.batch_size):
                idx = order[start : start + self.batch_size]
                batch = self._tokenizer(
                    [prefixed[i] for i in idx], padding=True, truncation=True,
                    max_length=self.max_tokens, return_tensors="pt",
                )
                hidden = self._model(**batch).last_hidden_state.float()
                mask = batch["attention_mask"].unsqueeze(-1).float()
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
                pooled = torch.nn.functional.normalize(pooled, dim=-1)
                out[idx] = pooled.numpy()
        return out
