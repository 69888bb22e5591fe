"""The reference runtime: the transformers ``BertModel`` run by torch's own kernels.

fp32 is the reference every faster path is measured against. bf16 autocast pays off only where the
CPU has native bf16 (AMX or AVX512-BF16); on a CPU that lacks both, oneDNN emulates bf16 and it is
several times *slower* than fp32 (measured in bench/RESULTS.md), so it is not the default.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from pipeline.encoder.runtimes import Batch, runtime


@runtime("torch")
class TorchRuntime:
    precisions = ("fp32", "bf16")

    def __init__(self, path: Path, precision: str, threads: int | None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from transformers import AutoModel

        if threads:
            torch.set_num_threads(threads)
        self.precision = precision
        self._model = AutoModel.from_pretrained(str(path), local_files_only=True, dtype=torch.float32).eval()

    @classmethod
    def effective_precision(cls, precision: str) -> str:
        """As asked: bf16 is never the default, so whoever asks for it has chosen it."""
        return precision

    @classmethod
    def tag(cls, path: Path, precision: str) -> str:
        """Empty: torch fp32/bf16 vectors keep the cache keys they had before runtimes existed."""
        return ""

    @property
    def hidden_size(self) -> int:
        return int(self._model.config.hidden_size)

    def embed(self, batches: Iterable[Batch]) -> Iterator[np.ndarray]:
        import torch

        autocast = torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.precision == "bf16")
        with torch.inference_mode(), autocast:
            for input_ids, attention_mask in batches:
                ids, mask = torch.from_numpy(input_ids), torch.from_numpy(attention_mask)
                hidden = self._model(input_ids=ids, attention_mask=mask).last_hidden_state.float()
                weights = mask.unsqueeze(-1).float()
                pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
                yield torch.nn.functional.normalize(pooled, dim=-1).numpy()
