"""The fast runtime: the encoder compiled by OpenVINO, in fp32 or in calibrated int8.

Why OpenVINO: on this project's CPUs (AVX-512 with VNNI; the VM exposes neither AMX nor AVX512-BF16)
its fused fp32 graph runs close to the GEMM peak, and its int8 kernels use VNNI at four times the fp32
rate. On a CPU without an int8 dot-product instruction int8 is slower than fp32 and further from it, so
there int8 is served as fp32 (``effective_precision``, ``pipeline.encoder.cpu``). The int8 model (built
by ``pipeline.encoder.openvino_build``) runs every matrix product in int8 except the FFN output
projection of three layers (the first and the last two): quantizing those too pulls some vectors
further than cosine 0.999 from fp32 (bench/RESULTS.md, Speed).

Each inference stream runs on one thread and gets whole batches, so a vector depends only on the batch
it was computed in, never on how many streams or workers there were (the Dask engine relies on that).
In fp32 a batch runs row by row: on an AVX2-only CPU the fp32 kernels' results moved with the number of
rows in a batch (by up to 6e-8, 2 texts of 24 alone against together), so a text's vector depended on
its companions. Row by row it depends on the text alone, at a cost of about 5% there (24.3 against 23.2
texts/s over 152 sample summaries, median of 3). int8 on a VNNI CPU did not move with the rows.
"""
from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from pipeline.encoder.cpu import has_int8_dot_product
from pipeline.encoder.runtimes import Batch, runtime

IR_FOLDER = "openvino"
# Kernels prepared per input shape are kept for this many shapes. OpenVINO's default (5000) lets a
# run that embeds each document's sentences (thousands of distinct shapes) grow past 3 GiB.
SHAPE_CACHE = 64
IR_BUILD = "BUILD.json"


def ir_dir(encoder_path: Path, precision: str) -> Path:
    return Path(encoder_path) / IR_FOLDER / precision


@runtime("openvino")
class OpenVinoRuntime:
    precisions = ("fp32", "int8")

    def __init__(self, path: Path, precision: str, threads: int | None) -> None:
        import openvino as ov

        folder = ir_dir(path, precision)
        self.tag(path, precision)
        streams = max(1, threads or len(os.sched_getaffinity(0)))
        core = ov.Core()
        compiled = core.compile_model(core.read_model(folder / "model.xml"), "CPU", {
            "PERFORMANCE_HINT": "THROUGHPUT", "NUM_STREAMS": str(streams),
            "INFERENCE_NUM_THREADS": str(streams), "INFERENCE_PRECISION_HINT": "f32",
            "CPU_RUNTIME_CACHE_CAPACITY": str(SHAPE_CACHE),
            "ENABLE_CPU_PINNING": False,  # pinned streams of two processes (Dask workers) share one core
        })
        self._queue = ov.AsyncInferQueue(compiled, streams)
        self._hidden = int(compiled.output(0).get_partial_shape()[1].get_length())
        self._row_by_row = precision == "fp32"

    @classmethod
    def effective_precision(cls, precision: str) -> str:
        """fp32 for int8 on a CPU without VNNI or AMX; the vectors' version says fp32, so they are cached
        and matched to models as fp32 vectors."""
        if precision == "int8" and not has_int8_dot_product():
            warnings.warn("this CPU has no int8 dot-product instruction (VNNI or AMX): the encoder runs in "
                          "fp32, which is faster than int8 here and matches the fp32 reference",
                          RuntimeWarning, stacklevel=2)
            return "fp32"
        return precision

    @classmethod
    def tag(cls, path: Path, precision: str) -> str:
        build = ir_dir(path, precision) / IR_BUILD
        if not build.exists():
            raise FileNotFoundError(
                f"no OpenVINO {precision} encoder at {build.parent}: build it with "
                f"`python -m pipeline.encoder.openvino_build {path}` (or `make encoder`)"
            )
        info = json.loads(build.read_text())
        return f"ov-{info['recipe']}-{info['ir_sha256'][:12]}"

    @property
    def hidden_size(self) -> int:
        return self._hidden

    def embed(self, batches: Iterable[Batch]) -> Iterator[np.ndarray]:
        """One array per batch, in order; in fp32 each batch's rows are inferred one by one (see above)."""
        if not self._row_by_row:
            yield from self._infer(batches)
            return
        sizes: list[int] = []

        def rows() -> Iterator[Batch]:
            for input_ids, attention_mask in batches:
                sizes.append(len(input_ids))
                for i in range(len(input_ids)):
                    yield input_ids[i:i + 1], attention_mask[i:i + 1]

        vectors = self._infer(rows())
        for batch, first in enumerate(vectors):  # a batch's size is known once its first row is out
            yield np.concatenate([first, *(next(vectors) for _ in range(sizes[batch] - 1))])

    def _infer(self, batches: Iterable[Batch]) -> Iterator[np.ndarray]:
        """Keep every stream busy; yield results in submission order as soon as the oldest is done."""
        done: dict[int, np.ndarray] = {}
        self._queue.set_callback(lambda request, k: done.__setitem__(k, request.get_output_tensor(0).data.copy()))
        submitted = yielded = 0
        for input_ids, attention_mask in batches:
            self._queue.start_async({"input_ids": input_ids, "attention_mask": attention_mask}, submitted)
            submitted += 1
            while yielded in done:
                yield done.pop(yielded)
                yielded += 1
        self._queue.wait_all()
        while yielded < submitted:
            yield done.pop(yielded)
            yielded += 1
