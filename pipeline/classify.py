"""Classify: score every summary against the action lines, SDG goals and SDG targets.

The scorer is either the trained ``WsisClassifier`` or, when none is installed, the zero-shot
baseline; both take the same inputs (document vectors and lexicon term counts) and give calibrated
per-label probabilities plus assignment decisions. Each assigned label carries its evidence: the
lexicon terms found and the sentences they occur in, or failing that the sentence closest to the
label's description. A Recommendation's language versions are fused into ``lang="all"`` rows by
averaging their probabilities, so French and English count equally.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from pipeline.identifiers import parse_rec_id
from pipeline.model.features import Inputs
from pipeline.model.spaces import TAXONOMIES, LabelSpaces
from pipeline.schemas import PREDICTIONS
from pipeline.taxonomy import LANGS, Label, Taxonomy
from pipeline.text import TermMatcher


@dataclass
class Found:
    """What the lexicon found in one document, and the document's sentences (for the closest one)."""

    sentences: list[str]
    labels: dict[str, tuple[list[str], list[str]]]  # "taxonomy:code" -> (terms, the sentences they are in)
    series: frozenset[str] = frozenset()  # "taxonomy:code" of the labels whose number blocks hold the Rec.


class Scorer(Protocol):
    version: str

    def predict_proba(self, inputs: Inputs) -> dict[str, np.ndarray]: ...

    def decide(self, proba: dict[str, np.ndarray]) -> dict[str, np.ndarray]: ...


class EvidenceFinder:
    """Lexicon terms per label and the sentences they fall in, for both languages. A goal's terms are
    its own and its targets'.

    Each language's matcher is built the first time a text in that language comes (building the French
    one, spaCy's French tokenizer included, takes 3 s that an English-only run need not pay)."""

    def __init__(self, taxonomy: Taxonomy):
        self._taxonomy = taxonomy
        self._matchers: dict[str, TermMatcher] = {}
        self._targets_of: dict[str, list[Label]] = {}  # goal code -> its targets
        for target in taxonomy.targets:
            self._targets_of.setdefault(target.parent, []).append(target)

    def _sources(self, name: str, label: Label) -> tuple[Label, ...]:
        """The labels whose terms are evidence for ``label``: itself, and for a goal its targets too
        ("maternal mortality" → goal 3)."""
        return (label, *self._targets_of.get(label.code, ())) if name == "sdg_goal" else (label,)

    def _matcher(self, lang: str) -> TermMatcher:
        if lang not in self._matchers:
            if lang not in LANGS:
                raise ValueError(f"no lexicon for language {lang!r} (have {', '.join(LANGS)})")
            sources = {f"{name}:{label.code}": self._sources(name, label)
                       for name in TAXONOMIES for label in self._taxonomy.labels(name)}
            lexicon = {key: tuple(dict.fromkeys(t for s in labels for t in s.terms[lang]))
                       for key, labels in sources.items()}
            exceptions = {key: tuple(dict.fromkeys(p for s in labels for p in s.except_in.get(lang, ())))
                          for key, labels in sources.items()}
            self._matchers[lang] = TermMatcher(lang, lexicon, exceptions)
        return self._matchers[lang]

    def in_series(self, rec_id: str) -> frozenset[str]:
        """Labels whose typical number blocks (taxonomy ``series``) hold this Recommendation."""
        try:
            number = parse_rec_id(rec_id).number
        except ValueError:
            return frozenset()
        return frozenset(f"{name}:{label.code}" for name in TAXONOMIES
                         for label in self._taxonomy.labels(name) if label.series and label.covers(number))

    def find(self, text: str, lang: str, rec_id: str = "") -> Found:
        sents, hits = self._matcher(lang).find(text)
        labels: dict[str, tuple[list[str], list[str]]] = {}
        for hit in hits:
            terms, chosen = labels.setdefault(hit.label, ([], []))
            terms.append(hit.term)
            if sents[hit.sentence] not in chosen:
                chosen.append(sents[hit.sentence])
        return Found(sents, labels, self.in_series(rec_id) if rec_id else frozenset())


def document_text(title: str | None, summary: str) -> str:
    return f"{title}. {summary}" if title else summary


SentenceVectors = Callable[[list[str]], np.ndarray]  # sentences -> their (n, dim) unit vectors


def build_inputs(recommendations: pd.DataFrame, vectors: np.ndarray, found: list[Found], spaces: LabelSpaces,
                 sentence_vectors: SentenceVectors | None = None) -> Inputs:
    """What the scorer reads. Without ``sentence_vectors``, no closest-sentence similarities: the
    trained classifier then takes each document for its one sentence."""
    codes = spaces.codes
    lexicon, series = {}, {}
    for name in TAXONOMIES:
        counts = np.zeros((len(found), len(codes[name])))
        blocks = np.zeros((len(found), len(codes[name])))
        for j, code in enumerate(codes[name]):
            key = f"{name}:{code}"
            counts[:, j] = [len(f.labels.get(key, ((), ()))[0]) for f in found]
            blocks[:, j] = [key in f.series for f in found]
        lexicon[name], series[name] = counts, blocks
    closest = None if sentence_vectors is None else closest_sentence_similarity(found, spaces, sentence_vectors)
    return Inputs(vectors, lexicon, recommendations["rec_id"].to_numpy(dtype=str), series,
                  recommendations["lang"].to_numpy(dtype=str), closest)


def closest_sentence_similarity(found: list[Found], spaces: LabelSpaces,
                                sentence_vectors: SentenceVectors) -> dict[str, np.ndarray]:
    """taxonomy -> (n_docs, n_labels): each label's similarity to the document's sentence closest to
    it, 0 for a document without sentences. A summary whose one sentence is about security, among
    others about transport, is near C5 there and nowhere in its average vector."""
    counts = np.array([len(f.sentences) for f in found], dtype=int)
    out = {name: np.zeros((len(found), len(spaces.codes[name]))) for name in TAXONOMIES}
    if counts.sum() == 0:
        return out
    V = sentence_vectors([s for f in found for s in f.sentences])
    has = counts > 0
    starts = (np.cumsum(counts) - counts)[has]
    for name in TAXONOMIES:
        out[name][has] = np.maximum.reduceat(spaces.similarity(name, V), starts, axis=0)
    return out


def find_evidence(recommendations: pd.DataFrame, evidence: EvidenceFinder) -> list[Found]:
    return [evidence.find(document_text(r.title, r.summary), r.lang, r.rec_id)
            for r in recommendations.itertuples(index=False)]


def classify(recommendations: pd.DataFrame, vectors: np.ndarray, *, scorer: Scorer,
             spaces: LabelSpaces, evidence: EvidenceFinder, model_version: str,
             sentence_vectors: SentenceVectors | None = None, targets_kept: int = 10) -> pd.DataFrame:
    """The predictions table (long form) for every row of ``recommendations`` plus fused "all" rows.

    A Recommendation in one language only gets "all" rows equal to that language's, so the "all" rows
    are always the one decision per Recommendation that coverage counts. ``sentence_vectors`` gives the
    classifier its closest-sentence features and a label without lexicon terms its closest sentence.
    """
    recs = recommendations.reset_index(drop=True)
    found = find_evidence(recs, evidence)
    # One BLAS thread, so that a score never depends on the engine: with two, OpenBLAS's AVX2 kernels
    # split the products otherwise than a Dask worker's one thread does, and scores moved in the sixth
    # decimal. It costs nothing measurable (4,864 texts, median of 3: 7.32 and 7.16 s with two threads,
    # 7.38 and 7.05 s with one). The closest-sentence similarities are such products too.
    with threadpool_limits(limits=1, user_api="blas"):
        inputs = build_inputs(recs, vectors, found, spaces, sentence_vectors)
        proba = scorer.predict_proba(inputs)
    groups = recs.groupby("rec_id", sort=True).indices
    fused = {name: np.stack([p[idx].mean(axis=0) for idx in groups.values()]) for name, p in proba.items()}
    per_doc, per_rec = scorer.decide(proba), scorer.decide(fused)

    def evidence_for(indices: list[int], name: str, code: str, label_index: int) -> str:
        terms: list[str] = []
        sents: list[str] = []
        for k in indices:
            t, s = found[k].labels.get(f"{name}:{code}", ([], []))
            terms += [x for x in t if x not in terms]
            sents += s
        if terms:
            return format_evidence(terms, sents)
        sents = found[indices[0]].sentences
        if sentence_vectors is None or not sents:
            return ""
        best = sents[int(np.argmax(sentence_vectors(sents) @ spaces.prototypes[name][label_index]))]
        return f"closest sentence: «{best}»"

    rows: list[dict] = []
    units = [(rec_id, lang, [i], proba, per_doc, i)
             for i, (rec_id, lang) in enumerate(recs[["rec_id", "lang"]].itertuples(index=False))]
    units += [(rec_id, "all", list(idx), fused, per_rec, j) for j, (rec_id, idx) in enumerate(groups.items())]
    for rec_id, lang, indices, scores, assigned, row in units:
        for name in TAXONOMIES:
            order = np.argsort(-scores[name][row], kind="stable")
            if name == "sdg_target":
                order = order[:targets_kept]
            for rank, column in enumerate(order, start=1):
                code = spaces.codes[name][column]
                chosen = bool(assigned[name][row, column])
                rows.append({
                    "rec_id": rec_id, "lang": lang, "taxonomy": name, "label": code,
                    "score": round(float(scores[name][row, column]), 6), "assigned": chosen, "rank": rank,
                    "evidence": evidence_for(indices, name, code, column) if chosen else "",
                    "model_version": model_version,
                })
    return PREDICTIONS.validate(pd.DataFrame.from_records(rows, columns=PREDICTIONS.names))


def format_evidence(terms: list[str], sents: list[str], max_sentences: int = 2) -> str:
    quoted = " ".join(f"«{s}»" for s in sents[:max_sentences])
    return f"terms: {', '.join(terms)} | {quoted}"
