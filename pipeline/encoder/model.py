"""Load the local multilingual-e5-small folder and turn texts into unit vectors.

e5 was trained with role prefixes: documents are embedded as ``passage: …`` and the label
descriptions we compare them with as ``query: …``. Vectors are the attention-masked mean of the last
hidden states, L2-normalised, so a dot product is a cosine similarity.

Where the time goes, and why the batching is what it is: the matrix products cost ~45 MFLOP per
token, so a batch should carry as little padding as possible (texts are sorted by token count, not by
characters) and should stay small enough for its activations to live in cache (a budget of
``batch_tokens`` padded tokens per batch: long summaries travel in small batches, short ones in large).
The runtime (``pipeline.encoder.runtimes``) does the products; this class owns tokenization, batching
and the cache key.

Why every text is padded to a multiple of ``PAD_MULTIPLE`` tokens, and a batch holds texts of one such
width only: the padded width, although masked out, changes the int8 results slightly (up to 1e-3 in a
vector component, for about one text in thirty). With batches padded to their longest text, a text's
vector depended on the texts it happened to be batched with, so a store filled over several runs held
vectors that a fresh run did not reproduce, and the classifier trained from it differed from a fresh
clone's under the same model version. Now a text's width, and so its vector, depends on the text alone.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Literal, Sequence

import numpy as np

Role = Literal["passage", "query"]
Precision = Literal["fp32", "bf16", "int8"]
PAD_ID = 1  # XLM-R's <pad>; masked out, so only its position in the batch matters
PAD_MULTIPLE = 16  # each text is padded to the next multiple of this (see the module docstring)
MIN_BATCHES = 4  # a small call is split at least this far, to keep up to four inference streams busy


@dataclass
class Encoder:
    """Lazily loaded encoder; nothing heavy happens until the first ``encode``.

    ``runtime`` names an entry of the runtime registry (``torch``: fp32, bf16; ``openvino``: fp32, int8);
    ``threads`` caps the cores used (default: all this process may use).
    """

    path: Path
    precision: Precision = "bf16"
    batch_size: int = 16
    max_tokens: int = 512
    threads: int | None = None
    runtime: str = "torch"
    batch_tokens: int = 1024
    _model: object = field(default=None, init=False, repr=False)
    _tokenizer: object = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        """``precision`` becomes what the runtime will run on this CPU (int8 is fp32 without VNNI or AMX),
        so ``version``, the cache and the models trained on these vectors all name the real numerics."""
        from pipeline.encoder.runtimes import get_runtime

        self.precision = get_runtime(self.runtime, self.precision).effective_precision(self.precision)

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
        """Identifies what produced a vector: the weights, the runtime's numerics and the truncation length.

        Another runtime than torch adds its tag (recipe and IR hash); ``-w16`` is the padding rule
        (``PAD_MULTIPLE``), which changed the vectors when it came.
        """
        base = f"{self.build_info['name']}@{self.build_info['fingerprint']}"
        tag = self._runtime_tag()
        return f"{base}-{tag + '-' if tag else ''}{self.precision}-{self.max_tokens}-w{PAD_MULTIPLE}"

    def _runtime_tag(self) -> str:
        from pipeline.encoder.runtimes import get_runtime

        return get_runtime(self.runtime, self.precision).tag(Path(self.path), self.precision)

    def _load(self) -> None:
        if self._model is not None:
            return
        from pipeline.encoder.runtimes import get_runtime

        runtime = get_runtime(self.runtime, self.precision)
        if runtime.effective_precision(self.precision) != self.precision:  # unpickled on another machine
            raise RuntimeError(f"this CPU cannot run the {self.precision} encoder this Encoder was made for "
                               f"elsewhere: its vectors would differ from others under {self.version}; "
                               "run it on CPUs of one kind, or set `embed: precision: fp32`")
        self.build_info  # fail early with a clear message when the folder is missing
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        self._tokenizer = load_tokenizer(Path(self.path), self.max_tokens)
        self._model = runtime(Path(self.path), self.precision, self.threads)

    def tokenize(self, texts: Sequence[str], role: Role = "passage") -> list[list[int]]:
        """Token ids of the prefixed texts, truncated to ``max_tokens`` (special tokens included)."""
        self._load()
        return [encoding.ids for encoding in self._tokenizer.encode_batch([f"{role}: {t}" for t in texts])]

    def width(self, length: int) -> int:
        """The padded width of a text of ``length`` tokens: the next multiple of ``PAD_MULTIPLE``."""
        return min(-(-length // PAD_MULTIPLE) * PAD_MULTIPLE, max(self.max_tokens, length))

    def plan(self, lengths: Sequence[int]) -> list[np.ndarray]:
        """Batches of positions, shortest texts first, each of texts of one padded width (``width``),
        within ``batch_tokens`` padded tokens and ``batch_size`` texts (a text wider than the budget goes
        alone).

        A call with few texts (one document's sentences) is still cut into batches of at most
        ``ceil(n / MIN_BATCHES)`` texts so that every inference stream has work. The plan depends on the texts alone, never on the
        number of streams or workers: that is what keeps every engine's vectors the same.
        """
        order = np.argsort(np.asarray(lengths), kind="stable")
        widths = [self.width(n) for n in lengths]
        batch_size = min(self.batch_size, max(1, -(-len(order) // MIN_BATCHES)))
        batches, start = [], 0
        while start < len(order):
            stop, width = start + 1, widths[order[start]]
            while (stop < len(order) and stop - start < batch_size and widths[order[stop]] == width
                   and (stop - start + 1) * width <= self.batch_tokens):
                stop += 1
            batches.append(order[start:stop])
            start = stop
        return batches

    def encode(self, texts: Sequence[str], role: Role = "passage") -> np.ndarray:
        """Return an ``(n, dim)`` float32 array of unit vectors, in the order of ``texts``."""
        self._load()
        if not len(texts):
            return np.zeros((0, self._model.hidden_size), np.float32)
        ids = self.tokenize(texts, role)
        lengths = [len(x) for x in ids]
        plan = self.plan(lengths)
        out = np.zeros((len(texts), self._model.hidden_size), np.float32)
        batches = _padded(ids, lengths, plan, [self.width(lengths[p[0]]) for p in plan])
        for positions, vectors in zip(plan, self._model.embed(batches)):
            out[positions] = vectors
        return out


def load_tokenizer(path: Path, max_tokens: int):
    """The folder's XLM-R tokenizer, set up as transformers sets it up for this model (the
    sentencepiece normalizer alone, whitespace split before Metaspace, truncation), straight from
    ``tokenizers``: importing and loading it through transformers took 4 s of every run that embeds
    anything. ``tests/test_encoder.py`` checks that the ids are transformers' own."""
    from tokenizers import Tokenizer, normalizers, pre_tokenizers

    tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
    if isinstance(tokenizer.normalizer, normalizers.Sequence):
        tokenizer.normalizer = tokenizer.normalizer[0]
    if not isinstance(tokenizer.pre_tokenizer, pre_tokenizers.Sequence):
        tokenizer.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), tokenizer.pre_tokenizer])
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_tokens)
    return tokenizer


def _padded(ids: list[list[int]], lengths: list[int], plan: list[np.ndarray],
            widths: Sequence[int] | None = None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Each batch as (input ids, attention mask), padded to its width (default: its longest text)."""
    for k, positions in enumerate(plan):
        width = widths[k] if widths is not None else max(lengths[i] for i in positions)
        input_ids = np.full((len(positions), width), PAD_ID, np.int64)
        mask = np.zeros((len(positions), width), np.int64)
        for row, i in enumerate(positions):
            input_ids[row, :lengths[i]] = ids[i]
            mask[row, :lengths[i]] = 1
        yield input_ids, mask
