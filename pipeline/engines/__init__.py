"""Engines: where the ingest, embed and classify stages run. One registry, chosen by ``--engine``.

Why: one machine is the default and needs nothing; a Dask cluster, when there is one, spreads the same
stages over many. Both go through the same core functions, so they write the same tables and vectors
(tested on the sample). An engine is a context manager: entering it may start or connect to a
cluster, leaving it lets go.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Protocol

import pandas as pd

from pipeline.embed import EmbedStats
from pipeline.encoder.model import Encoder
from pipeline.ingest import IngestResult
from pipeline.params import Params


class Engine(Protocol):
    def __enter__(self) -> "Engine": ...

    def __exit__(self, *exc: object) -> None: ...

    def ingest(self, inputs: Iterable[str | Path], out: Path) -> IngestResult: ...

    def embed(self, recommendations: Path, *, store: Path, encoder: Encoder, params: Params) -> EmbedStats: ...

    def classify(self, recommendations: Path, *, store: Path, encoder: Encoder, params: Params,
                 out: Path, model_root: Path | None = None) -> pd.DataFrame: ...


ENGINES: dict[str, Callable[..., Engine]] = {}


def engine(name: str) -> Callable[[Callable[..., Engine]], Callable[..., Engine]]:
    def register(factory: Callable[..., Engine]) -> Callable[..., Engine]:
        ENGINES[name] = factory
        return factory

    return register


def make_engine(name: str, **options: object) -> Engine:
    """``make_engine("local")`` or ``make_engine("dask", scheduler="tcp://host:8786")``."""
    from pipeline.engines import dask_engine, local  # noqa: F401  (they register themselves)

    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; choose one of {sorted(ENGINES)}")
    return ENGINES[name](**options)
