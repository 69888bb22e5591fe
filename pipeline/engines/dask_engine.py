"""The Dask engine: ingest, embed and classify partitioned over a Dask cluster.

``--scheduler ADDRESS`` connects to a running cluster (Kubernetes, SSH, HPC: see README); without it a
LocalCluster of one single-threaded worker process per core is started and closed with the run.

How each stage is split, and why the results are the local engine's, to the bit:

- ingest: each input file is read on a worker; the records are judged (kept, duplicate, superseded…)
  on the client in file order by ingest's own rules, which need every file's records at once;
- embed: the client chooses the chunks exactly as the local engine does (``embed_texts``), workers
  encode whole chunks, and the client writes each returned chunk as a shard as soon as it arrives,
  with at most two chunks per worker in flight, so memory stays bounded;
- classify: the documents are split into the parts of ``pipeline.engines.partition`` (whole
  Recommendations, the same parts the local engine classifies one after another), each worker
  classifies parts with the classifier it loaded once, and the client puts the rows back in order;
  Recommendations classified by an earlier run with the same model are not sent at all. The
  sentences a worker may quote as evidence are embedded first, in chunks the client chooses, as for
  summaries.

Workers read the encoder, the classifier and the inputs from the paths the client gives, so on a
remote cluster these must be on storage every worker sees at the same path. The embedding store is
shared the same way (its shard names never collide); a worker that cannot see it keeps its own.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np
import pandas as pd

from pipeline import atomic
from pipeline.embed import Chunk, EmbedStats, recommendation_vectors
from pipeline.encoder.model import Encoder
from pipeline.engines import engine, worker
from pipeline.ingest import IngestResult
from pipeline.params import Params
from pipeline.engines.partition import RECOMMENDATIONS_PER_PART, in_table_order, partition_by_recommendation
from pipeline.engines.prediction_cache import PredictionCache, classify_context, classify_incrementally

IN_FLIGHT_PER_WORKER = 2


@engine("dask")
class DaskEngine:
    def __init__(self, scheduler: str | None = None, workers: int | None = None,
                 part_size: int = RECOMMENDATIONS_PER_PART) -> None:
        self.scheduler = scheduler
        self.workers = workers
        self.part_size = part_size
        self.client = None
        self._cluster = None

    def __enter__(self) -> "DaskEngine":
        from distributed import Client, LocalCluster

        if self.scheduler:
            self.client = Client(self.scheduler)
        else:
            n = self.workers or len(os.sched_getaffinity(0))
            self._cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                         dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self._cluster)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
        if self._cluster is not None:
            self._cluster.close()
        self.client = self._cluster = None

    def _n_workers(self) -> int:
        return max(1, len(self.client.scheduler_info()["workers"]))

    def worker_loads(self) -> dict[str, dict[str, int]]:
        """What each worker has loaded so far, by kind (``encoder``, ``classifier``)."""
        return self.client.run(worker.loads)

    def ingest(self, inputs: Iterable[str | Path], out: Path) -> IngestResult:
        from pipeline.ingest import _Run, expand_inputs
        from pipeline.readers import UNREADABLE, RawRecord

        paths = expand_inputs(inputs)
        futures = self.client.map(worker.read_file, paths, pure=False)
        run = _Run(strict=False)
        for path, future in zip(paths, futures):
            records, unreadable = future.result()
            future.release()
            for raw in records:
                run.take(raw, path)
            if unreadable is not None:
                run.take(RawRecord(reason=UNREADABLE, detail=unreadable), path)
        result = run.result()
        atomic.write_parquet(out, result.recommendations)
        atomic.write_csv(out.with_name("rejects.csv"), result.rejects)
        return result

    def _encode_chunks(self, encoder: Encoder):
        from distributed import as_completed

        spec = worker.encoder_spec(encoder)

        def encode(chunks: Iterable[Chunk], role: str) -> Iterator[tuple[list[str], np.ndarray]]:
            pending = iter(chunks)
            keys_of: dict = {}
            running = as_completed()

            def submit_next() -> None:
                for keys, texts in pending:
                    future = self.client.submit(worker.encode, spec, texts, role, pure=False)
                    keys_of[future] = keys
                    running.add(future)
                    return

            for _ in range(IN_FLIGHT_PER_WORKER * self._n_workers()):
                submit_next()
            for future in running:
                vectors = future.result()
                keys = keys_of.pop(future)
                future.release()
                submit_next()
                yield keys, vectors

        return encode

    def embed(self, recommendations: Path, *, store: Path, encoder: Encoder, params: Params) -> EmbedStats:
        from pipeline.stages import embed_stage

        return embed_stage(recommendations, store=store, encoder=encoder, params=params,
                           encode_chunks=self._encode_chunks(encoder))

    def classify(self, recommendations: Path, *, store: Path, encoder: Encoder, params: Params,
                 out: Path, model_root: Path | None = None) -> pd.DataFrame:
        from pipeline.stages import embed_sentences, read_recommendations

        recs = read_recommendations(recommendations).reset_index(drop=True)
        spec = worker.encoder_spec(encoder)

        def classify_new(todo: pd.DataFrame) -> list[pd.DataFrame]:
            vectors = recommendation_vectors(todo, store_root=store, encoder_version=encoder.version)
            embed_sentences(todo, store=store, encoder=encoder, params=params,
                            encode_chunks=self._encode_chunks(encoder))
            futures = [
                self.client.submit(worker.classify_part, spec, str(store), params,
                                   str(model_root) if model_root else None, todo.iloc[rows], vectors[rows],
                                   pure=False)
                for rows in partition_by_recommendation(todo, self.part_size)
            ]
            return self.client.gather(futures)

        context = classify_context(encoder_version=encoder.version, model_root=model_root, params=params)
        predictions = in_table_order(classify_incrementally(recs, PredictionCache(store, context), classify_new), recs)
        atomic.write_csv(out, predictions)
        atomic.write_parquet(out.with_suffix(".parquet"), predictions)
        return predictions
