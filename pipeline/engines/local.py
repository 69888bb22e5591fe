"""The local engine: every stage in this process, as ``pipeline.stages`` defines it."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pandas as pd

from pipeline.embed import EmbedStats
from pipeline.encoder.model import Encoder
from pipeline.engines import engine
from pipeline.engines.partition import RECOMMENDATIONS_PER_PART
from pipeline.ingest import IngestResult
from pipeline.params import Params


@engine("local")
class LocalEngine:
    def __init__(self, part_size: int = RECOMMENDATIONS_PER_PART) -> None:
        self.part_size = part_size

    def __enter__(self) -> "LocalEngine":
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def ingest(self, inputs: Iterable[str | Path], out: Path) -> IngestResult:
        from pipeline.stages import ingest_stage

        return ingest_stage(inputs, out)

    def embed(self, recommendations: Path, *, store: Path, encoder: Encoder, params: Params) -> EmbedStats:
        from pipeline.stages import embed_stage

        return embed_stage(recommendations, store=store, encoder=encoder, params=params)

    def classify(self, recommendations: Path, *, store: Path, encoder: Encoder, params: Params,
                 out: Path, model_root: Path | None = None) -> pd.DataFrame:
        from pipeline.stages import classify_stage

        return classify_stage(recommendations, store=store, encoder=encoder, params=params, out=out,
                              model_root=model_root, part_size=self.part_size)
