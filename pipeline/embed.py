"""Embed: make sure every summary has a vector in the content-addressed embedding store.

Vectors are keyed by the sha256 of the text the encoder reads, under a folder named after the encoder
version (weights, precision, truncation), so an unchanged rerun embeds nothing and a changed encoder
never mixes its vectors with an old one's. New vectors are written in shards as they are computed:
a killed run keeps what it finished.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np
import pandas as pd

from pipeline.atomic import atomic_path
from pipeline.ingest import embedding_text


class TextEncoder(Protocol):
    version: str

    def encode(self, texts: Sequence[str], role: str = "passage") -> np.ndarray: ...


@dataclass(frozen=True)
class EmbedStats:
    requested: int
    cached: int
    embedded: int

    def __str__(self) -> str:
        return f"{self.requested} texts: {self.cached} from cache, {self.embedded} embedded"


class EmbeddingStore:
    """Vectors on disk, addressed by text hash, for one encoder version and one role."""

    def __init__(self, root: Path, encoder_version: str, role: str = "passage"):
        safe = re.sub(r"[^\w.@-]", "_", encoder_version)
        self.folder = Path(root) / safe / role
        self._index: dict[str, tuple[Path, int]] | None = None

    def _shards(self) -> list[Path]:
        return sorted(self.folder.glob("shard-*.npz")) if self.folder.exists() else []

    def index(self) -> dict[str, tuple[Path, int]]:
        if self._index is None:
            self._index = {}
            for shard in self._shards():
                with np.load(shard, allow_pickle=False) as data:
                    for row, key in enumerate(data["keys"]):
                        self._index[str(key)] = (shard, row)
        return self._index

    def missing(self, keys: Sequence[str]) -> list[str]:
        index = self.index()
        return [k for k in dict.fromkeys(keys) if k not in index]

    def add(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        number = len(self._shards())
        target = self.folder / f"shard-{number:06d}.npz"
        with atomic_path(target) as tmp:
            with open(tmp, "wb") as handle:
                np.savez(handle, keys=np.array(list(keys), dtype="U64"),
                         vectors=vectors.astype(np.float32))
        index = self.index()
        for row, key in enumerate(keys):
            index[key] = (target, row)

    def get(self, keys: Sequence[str]) -> np.ndarray:
        """Vectors for ``keys`` in order; raises KeyError naming the first missing key."""
        index = self.index()
        by_shard: dict[Path, list[tuple[int, int]]] = {}
        for position, key in enumerate(keys):
            if key not in index:
                raise KeyError(f"no vector for text {key[:12]}… in {self.folder}; run `wsis embed` first")
            shard, row = index[key]
            by_shard.setdefault(shard, []).append((position, row))
        out: np.ndarray | None = None
        for shard, pairs in by_shard.items():
            with np.load(shard, allow_pickle=False) as data:
                vectors = data["vectors"]
                if out is None:
                    out = np.zeros((len(keys), vectors.shape[1]), np.float32)
                positions, rows = zip(*pairs)
                out[list(positions)] = vectors[list(rows)]
        return out if out is not None else np.zeros((0, 0), np.float32)


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def embed_texts(store: EmbeddingStore, encoder: TextEncoder, keyed_texts: dict[str, str],
                *, role: str = "passage", chunk_size: int = 512) -> EmbedStats:
    """Embed the texts whose keys the store lacks, ``chunk_size`` at a time, one shard per chunk."""
    todo = store.missing(list(keyed_texts))
    for start in range(0, len(todo), chunk_size):
        keys = todo[start : start + chunk_size]
        store.add(keys, encoder.encode([keyed_texts[k] for k in keys], role=role))
    return EmbedStats(len(keyed_texts), len(keyed_texts) - len(todo), len(todo))


def embed_recommendations(recommendations: pd.DataFrame, *, store_root: Path,
                          encoder: TextEncoder, chunk_size: int = 512) -> EmbedStats:
    store = EmbeddingStore(store_root, encoder.version, "passage")
    texts = {
        sha: embedding_text(title or "", summary)
        for sha, title, summary in recommendations[["text_sha256", "title", "summary"]].itertuples(index=False)
    }
    return embed_texts(store, encoder, texts, role="passage", chunk_size=chunk_size)


def recommendation_vectors(recommendations: pd.DataFrame, *, store_root: Path,
                           encoder_version: str) -> np.ndarray:
    store = EmbeddingStore(store_root, encoder_version, "passage")
    return store.get(recommendations["text_sha256"].tolist())
