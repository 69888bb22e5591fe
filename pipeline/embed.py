"""Embed: make sure every summary has a vector in the content-addressed embedding store.

Vectors are keyed by the sha256 of the text the encoder reads, under a folder named after the encoder
version (weights, precision, truncation), so an unchanged rerun embeds nothing and a changed encoder
never mixes its vectors with an old one's. New vectors are written in shards as they are computed:
a killed run keeps what it finished, and memory holds one chunk of vectors at a time.

A shard is named after the sha256 of its bytes and checked against it whenever it is read
(``pipeline.sealed``): a tampered or truncated shard is refused and its texts embedded again. Several
writers (Dask workers sharing a store, two runs at once) never overwrite each other's shards; a key
found in two shards has the same meaning in both, whichever is read.
"""
from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Protocol, Sequence

import numpy as np
import pandas as pd

from pipeline.sealed import RefusedFile, read_sealed, refuse, sealed_files, write_sealed
from pipeline.ingest import embedding_text

# The e5 role that summaries and their sentences are embedded in (label descriptions are ``query:``,
# ``pipeline.model.spaces``); the int8 encoder is calibrated on summaries in this role. e5's authors keep
# ``passage:`` for the documents of a retrieval index and prefix ``query:`` where an embedding is compared
# with texts of its own kind or used as a feature, as our neighbour votes and heads use it. ``query:`` was
# measured (bench/RESULTS.md, 2026-12-07 late) and is not shipped: it was better on the dev set (goal F1
# EN 0.845 -> 0.869, target F1 0.759 -> 0.790, FR/EN Jaccard 0.978 -> 1.000), but the int8 encoder puts
# catalogue summaries below cosine 0.999 to fp32 in that role (each of the four recipes tried),
# and the SDG benchmark, measured after, fell 0.826 -> 0.803.
DOCUMENT_ROLE = "passage"


class TextEncoder(Protocol):
    version: str

    def encode(self, texts: Sequence[str], role: str = DOCUMENT_ROLE) -> np.ndarray: ...


@dataclass(frozen=True)
class EmbedStats:
    requested: int
    cached: int
    embedded: int

    def __str__(self) -> str:
        return f"{self.requested} texts: {self.cached} from cache, {self.embedded} embedded"


class EmbeddingStore:
    """Vectors on disk, addressed by text hash, for one encoder version and one role.

    Shards are sealed (``pipeline.sealed``): each is checked against the hash in its name whenever it is
    read, and one that fails is refused, so its texts count as missing and are embedded again."""

    CACHED_SHARDS = 8  # verified shards kept in memory: the closest-sentence lookups hit a few at a time

    def __init__(self, root: Path, encoder_version: str, role: str = DOCUMENT_ROLE):
        safe = re.sub(r"[^\w.@-]", "_", encoder_version)
        self.role = role  # what its texts are prefixed with when embedded (``embed_texts``)
        self.folder = Path(root) / safe / role
        self._index: dict[str, tuple[Path, int]] | None = None
        self._loaded: dict[Path, np.ndarray] = {}

    def _read(self, shard: Path, data: bytes) -> list[str]:
        """Keys of a verified shard; its vectors are kept for ``get``."""
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            keys, vectors = arrays["keys"].tolist(), arrays["vectors"]
        if vectors.shape[0] != len(keys):
            raise RefusedFile(f"{shard}: {len(keys)} keys but {vectors.shape[0]} vectors")
        self._keep(shard, vectors)
        return keys

    def _keep(self, shard: Path, vectors: np.ndarray) -> None:
        self._loaded[shard] = vectors
        while len(self._loaded) > self.CACHED_SHARDS:
            self._loaded.pop(next(iter(self._loaded)))

    def _index_shards(self, index: dict[str, tuple[Path, int]], skip: set[Path]) -> None:
        for shard, data in sealed_files(self.folder, "shard-*.npz", skip):
            try:
                keys = self._read(shard, data)
            except (ValueError, KeyError) as reason:  # hashes right but is no shard of ours
                refuse(shard, reason)
                continue
            for row, key in enumerate(keys):
                index.setdefault(key, (shard, row))

    def index(self) -> dict[str, tuple[Path, int]]:
        """Key → (shard, row), built once per store object from every shard that passes its check."""
        if self._index is None:
            self._index = {}
            self._index_shards(self._index, skip=set())
        return self._index

    def missing(self, keys: Sequence[str]) -> list[str]:
        """Keys with no vector; before answering, shards written since by another process are indexed
        (a Dask worker whose client embedded a document's sentences finds them)."""
        index = self.index()
        todo = [k for k in dict.fromkeys(keys) if k not in index]
        if todo:
            self._index_shards(index, skip={shard for shard, _ in index.values()})
            todo = [k for k in todo if k not in index]
        return todo

    def add(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        keys = list(keys)
        if not keys:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        buffer = io.BytesIO()
        np.savez(buffer, keys=np.array(keys, dtype="U64"), vectors=vectors)
        target = write_sealed(self.folder, "shard", ".npz", buffer.getvalue())
        self._keep(target, vectors)
        index = self.index()
        for row, key in enumerate(keys):
            index[key] = (target, row)

    def _vectors(self, shard: Path) -> np.ndarray:
        if shard not in self._loaded:
            try:
                self._read(shard, read_sealed(shard))
            except FileNotFoundError as gone:
                raise RefusedFile(f"{shard}: removed while in use") from gone
        return self._loaded[shard]

    def get(self, keys: Sequence[str]) -> np.ndarray:
        """Vectors for ``keys`` in order; raises KeyError naming the first missing key, and RefusedFile
        if a shard was changed on disk after this store indexed it."""
        index = self.index()
        by_shard: dict[Path, list[tuple[int, int]]] = {}
        for position, key in enumerate(keys):
            if key not in index:
                raise KeyError(f"no vector for text {key[:12]}… in {self.folder}; run `wsis embed` first")
            shard, row = index[key]
            by_shard.setdefault(shard, []).append((position, row))
        out: np.ndarray | None = None
        for shard, pairs in by_shard.items():
            vectors = self._vectors(shard)
            if out is None:
                out = np.zeros((len(keys), vectors.shape[1]), np.float32)
            positions, rows = zip(*pairs)
            out[list(positions)] = vectors[list(rows)]
        return out if out is not None else np.zeros((0, 0), np.float32)


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


Chunk = tuple[list[str], list[str]]  # (keys, texts)
ChunkEncoder = Callable[[Iterable[Chunk], str], Iterator[tuple[list[str], np.ndarray]]]


def encode_chunks_locally(encoder: TextEncoder) -> ChunkEncoder:
    """Encode chunk after chunk in this process (the local engine)."""

    def encode(chunks: Iterable[Chunk], role: str) -> Iterator[tuple[list[str], np.ndarray]]:
        for keys, texts in chunks:
            yield keys, encoder.encode(texts, role=role)

    return encode


def embed_texts(store: EmbeddingStore, encoder: TextEncoder, keyed_texts: dict[str, str],
                *, chunk_size: int = 512, encode_chunks: ChunkEncoder | None = None) -> EmbedStats:
    """Embed the texts whose keys the store lacks, in the store's role, ``chunk_size`` at a time, one
    shard per chunk.

    The chunks (which texts, in which order) depend only on the store and the texts, never on who
    encodes them: ``encode_chunks`` (the local engine's by default, or the Dask engine's) gets the same
    chunks and the encoder batches each the same way, so every engine writes the same vectors.
    """
    todo = store.missing(list(keyed_texts))
    chunks = ((todo[s:s + chunk_size], [keyed_texts[k] for k in todo[s:s + chunk_size]])
              for s in range(0, len(todo), chunk_size))
    for keys, vectors in (encode_chunks or encode_chunks_locally(encoder))(chunks, store.role):
        store.add(keys, vectors)
    return EmbedStats(len(keyed_texts), len(keyed_texts) - len(todo), len(todo))


def recommendation_texts(recommendations: pd.DataFrame) -> dict[str, str]:
    """What the encoder reads for each row, keyed by the row's ``text_sha256``."""
    return {
        sha: embedding_text(title or "", summary)
        for sha, title, summary in recommendations[["text_sha256", "title", "summary"]].itertuples(index=False)
    }


def embed_recommendations(recommendations: pd.DataFrame, *, store_root: Path, encoder: TextEncoder,
                          chunk_size: int = 512, encode_chunks: ChunkEncoder | None = None) -> EmbedStats:
    store = EmbeddingStore(store_root, encoder.version, DOCUMENT_ROLE)
    return embed_texts(store, encoder, recommendation_texts(recommendations), chunk_size=chunk_size,
                       encode_chunks=encode_chunks)


def sentence_store(store_root: Path, encoder_version: str) -> EmbeddingStore:
    """Where the vectors of evidence sentences go: beside the summaries' store (``<store>.sentences``),
    not inside it, so that classifying (which embeds them) leaves the embed stage's output as it was."""
    root = Path(store_root)
    return EmbeddingStore(root.with_name(f"{root.name}.sentences"), encoder_version, DOCUMENT_ROLE)


def recommendation_vectors(recommendations: pd.DataFrame, *, store_root: Path,
                           encoder_version: str) -> np.ndarray:
    store = EmbeddingStore(store_root, encoder_version, DOCUMENT_ROLE)
    return store.get(recommendations["text_sha256"].tolist())
