"""Classify: score every summary against the action lines, SDG goals and SDG targets.

This is the zero-shot classifier: each label is a prototype vector, the mean of the embeddings of its
English and French description (e5 ``query:`` role), and a summary's scores are a softmax over its
cosine similarities to the prototypes. SDG targets are scored in the context of their goal:
P(target) = P(goal) · P(target | goal). Each assigned label carries the lexicon terms found in the
text and the sentences they occur in, as evidence.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.embed import EmbeddingStore, TextEncoder, embed_texts, text_key
from pipeline.params import ClassifyParams
from pipeline.schemas import PREDICTIONS
from pipeline.taxonomy import LANGS, Taxonomy
from pipeline.text import TermMatcher

TAXONOMIES = ("action_line", "sdg_goal", "sdg_target")


@dataclass(frozen=True)
class LabelSpace:
    """The labels of one taxonomy, in order, with their prototype vectors."""

    taxonomy: str
    codes: tuple[str, ...]
    parents: tuple[str, ...]
    prototypes: np.ndarray  # (n_labels, dim), unit rows


def build_label_spaces(taxonomy: Taxonomy, *, encoder: TextEncoder, store_root: Path) -> dict[str, LabelSpace]:
    store = EmbeddingStore(store_root, encoder.version, "query")
    spaces = {}
    for name in TAXONOMIES:
        labels = taxonomy.labels(name)
        texts = {text_key(label.text(lang)): label.text(lang) for label in labels for lang in LANGS}
        embed_texts(store, encoder, texts, role="query")
        vectors = np.stack([
            store.get([text_key(label.text(lang)) for lang in LANGS]).mean(axis=0) for label in labels
        ])
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        spaces[name] = LabelSpace(name, tuple(l.code for l in labels), tuple(l.parent for l in labels), vectors)
    return spaces


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def zero_shot_scores(doc_vectors: np.ndarray, spaces: dict[str, LabelSpace],
                     temperature: float) -> dict[str, np.ndarray]:
    """Per taxonomy, an (n_docs, n_labels) matrix of scores in [0, 1]."""
    lines = _softmax(doc_vectors @ spaces["action_line"].prototypes.T / temperature)
    goals = _softmax(doc_vectors @ spaces["sdg_goal"].prototypes.T / temperature)
    target_space = spaces["sdg_target"]
    logits = doc_vectors @ target_space.prototypes.T / temperature
    targets = np.zeros_like(logits)
    goal_index = {code: i for i, code in enumerate(spaces["sdg_goal"].codes)}
    parents = np.array(target_space.parents)
    for goal, column in goal_index.items():
        members = np.flatnonzero(parents == goal)
        targets[:, members] = goals[:, [column]] * _softmax(logits[:, members])
    return {"action_line": lines, "sdg_goal": goals, "sdg_target": targets}


def decide(scores: dict[str, np.ndarray], spaces: dict[str, LabelSpace],
           params: ClassifyParams) -> dict[str, np.ndarray]:
    """Boolean assignment matrices. The top action line is always assigned (every Recommendation
    serves some line); SDG labels only when their score clears the threshold, since many serve none."""
    lines = scores["action_line"]
    order = np.argsort(-lines, axis=1)
    line_rank = np.argsort(order, axis=1)
    lines_assigned = (line_rank == 0) | (
        (lines >= params.action_line_min_score) & (line_rank < params.max_action_lines)
    )
    goals_assigned = scores["sdg_goal"] >= params.goal_min_score
    targets = scores["sdg_target"]
    target_rank = np.argsort(np.argsort(-targets, axis=1), axis=1)
    goal_of_target = np.array([spaces["sdg_goal"].codes.index(p) for p in spaces["sdg_target"].parents])
    targets_assigned = (
        goals_assigned[:, goal_of_target] & (targets >= params.target_min_score)
        & (target_rank < params.max_targets)
    )
    return {"action_line": lines_assigned, "sdg_goal": goals_assigned, "sdg_target": targets_assigned}


class EvidenceFinder:
    """Lexicon terms per label and the sentences they fall in, for both languages."""

    def __init__(self, taxonomy: Taxonomy):
        self._matchers = {}
        for lang in LANGS:
            lexicon = {}
            for name in TAXONOMIES:
                for label in taxonomy.labels(name):
                    lexicon[f"{name}:{label.code}"] = label.terms[lang]
            self._matchers[lang] = TermMatcher(lang, lexicon)

    def find(self, text: str, lang: str) -> dict[str, tuple[list[str], list[str]]]:
        """``{"action_line:C5": (terms, sentences)}`` for every label with a term in ``text``."""
        sents, hits = self._matchers[lang].find(text)
        found: dict[str, tuple[list[str], list[str]]] = {}
        for hit in hits:
            terms, chosen = found.setdefault(hit.label, ([], []))
            terms.append(hit.term)
            if sents[hit.sentence] not in chosen:
                chosen.append(sents[hit.sentence])
        return found


def format_evidence(terms: list[str], sentences: list[str], max_sentences: int = 2) -> str:
    if not terms:
        return ""
    quoted = " ".join(f"«{s}»" for s in sentences[:max_sentences])
    return f"terms: {', '.join(terms)} | {quoted}"


def classify(recommendations: pd.DataFrame, doc_vectors: np.ndarray, *,
             spaces: dict[str, LabelSpace], evidence: EvidenceFinder,
             params: ClassifyParams, model_version: str) -> pd.DataFrame:
    """The predictions table (long form) for every row of ``recommendations`` plus fused "all" rows.

    The fused decision averages the language versions' scores, so French and English count equally;
    a Recommendation in one language only gets "all" rows equal to that language's.
    """
    scores = zero_shot_scores(doc_vectors, spaces, params.temperature)
    recs = recommendations.reset_index(drop=True)
    groups = recs.groupby("rec_id", sort=True).indices
    fused = {name: np.stack([matrix[idx].mean(axis=0) for idx in groups.values()])
             for name, matrix in scores.items()}
    per_doc = decide(scores, spaces, params)
    per_rec = decide(fused, spaces, params)

    found = [evidence.find(embedding_input(row), row["lang"]) for row in recs.to_dict("records")]
    rows: list[dict] = []
    for i, row in enumerate(recs[["rec_id", "lang"]].itertuples(index=False)):
        rows += _rows(row.rec_id, row.lang, i, scores, per_doc, spaces, [found[i]], params, model_version)
    for j, (rec_id, idx) in enumerate(groups.items()):
        rows += _rows(rec_id, "all", j, fused, per_rec, spaces, [found[k] for k in idx], params, model_version)
    return PREDICTIONS.validate(pd.DataFrame.from_records(rows, columns=PREDICTIONS.names))


def embedding_input(row: dict) -> str:
    return f"{row.get('title') or ''}. {row['summary']}"


def _rows(rec_id: str, lang: str, i: int, scores: dict[str, np.ndarray], assigned: dict[str, np.ndarray],
          spaces: dict[str, LabelSpace], found: list[dict], params: ClassifyParams,
          model_version: str) -> list[dict]:
    rows = []
    for name in TAXONOMIES:
        row_scores = scores[name][i]
        order = np.argsort(-row_scores, kind="stable")
        keep = order[: params.targets_kept] if name == "sdg_target" else order
        for rank, column in enumerate(keep, start=1):
            code = spaces[name].codes[column]
            is_assigned = bool(assigned[name][i, column])
            text = ""
            if is_assigned:
                terms: list[str] = []
                sents: list[str] = []
                for per_lang in found:
                    t, s = per_lang.get(f"{name}:{code}", ([], []))
                    terms += [x for x in t if x not in terms]
                    sents += s
                text = format_evidence(terms, sents)
            rows.append({
                "rec_id": rec_id, "lang": lang, "taxonomy": name, "label": code,
                "score": round(float(row_scores[column]), 6), "assigned": is_assigned,
                "rank": rank, "evidence": text, "model_version": model_version,
            })
    return rows
