"""The registry of inference runtimes an ``Encoder`` can run its transformer on.

Why a registry: the tokenizer, the batching and the cache contract are the same whichever library
does the matrix products, so a runtime only turns padded token batches into pooled unit vectors.
Each runtime says which precisions it offers and tags the vectors it makes, and that tag goes into
``Encoder.version`` so vectors from different numerics never share a cache folder.

Registering is cheap: a runtime module imports its library (torch, OpenVINO) only when it loads.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Iterator, Protocol

import numpy as np

Batch = tuple[np.ndarray, np.ndarray]  # (input_ids, attention_mask), int64, shape (n, length)


class Runtime(Protocol):
    """Pooled, L2-normalised vectors for padded token batches, in the order the batches come."""

    precisions: tuple[str, ...]

    def __init__(self, path: Path, precision: str, threads: int | None) -> None: ...

    @classmethod
    def effective_precision(cls, precision: str) -> str:
        """The precision this runtime will really run on this CPU when ``precision`` is asked for."""

    @classmethod
    def tag(cls, path: Path, precision: str) -> str:
        """What distinguishes these numerics from another runtime's, for the cache key (no loading)."""

    @property
    def hidden_size(self) -> int: ...

    def embed(self, batches: Iterable[Batch]) -> Iterator[np.ndarray]: ...


RUNTIMES: dict[str, type[Runtime]] = {}


def runtime(name: str) -> Callable[[type[Runtime]], type[Runtime]]:
    def register(cls: type[Runtime]) -> type[Runtime]:
        RUNTIMES[name] = cls
        return cls

    return register


def get_runtime(name: str, precision: str) -> type[Runtime]:
    """The runtime class, after checking it offers ``precision``; raises ValueError naming the choices."""
    from pipeline.encoder import openvino_runtime, torch_runtime  # noqa: F401  (they register themselves)

    if name not in RUNTIMES:
        raise ValueError(f"unknown encoder runtime {name!r}; choose one of {sorted(RUNTIMES)}")
    cls = RUNTIMES[name]
    if precision not in cls.precisions:
        raise ValueError(f"runtime {name!r} offers precision {list(cls.precisions)}, not {precision!r}")
    return cls
