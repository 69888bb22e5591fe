"""Label spaces: each taxonomy's label codes, in order, with their prototype vectors.

A label's prototype is the mean of the embeddings (e5 ``query:`` role) of its English and its French
name-and-description, so French and English summaries are measured against the same point.

A goal is broad and its description general, while its targets name concrete subjects; a text about
one target of a goal ("maternal mortality") sits far from the goal's own description ("good health
and well-being") yet plainly serves the goal. So a document's similarity to a goal is the mean of its
similarity to the goal's prototype and to the goal's closest target.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.embed import EmbeddingStore, TextEncoder, embed_texts, text_key
from pipeline.taxonomy import LANGS, Taxonomy

TAXONOMIES = ("action_line", "sdg_goal", "sdg_target")


@dataclass
class LabelSpaces:
    codes: dict[str, tuple[str, ...]]
    prototypes: dict[str, np.ndarray]   # taxonomy -> (n_labels, dim), unit rows
    target_goal: np.ndarray             # for each target, the index of its goal in codes["sdg_goal"]

    def similarity(self, name: str, vectors: np.ndarray) -> np.ndarray:
        """(n_docs, n_labels) similarity of unit document vectors to each label of taxonomy ``name``."""
        cosines = vectors @ self.prototypes[name].T
        if name != "sdg_goal":
            return cosines
        to_targets = vectors @ self.prototypes["sdg_target"].T
        closest_target = np.stack([to_targets[:, self.target_goal == goal].max(axis=1)
                                   for goal in range(cosines.shape[1])], axis=1)
        return (cosines + closest_target) / 2


def target_goal_index(goal_codes: tuple[str, ...], target_codes: tuple[str, ...]) -> np.ndarray:
    return np.array([goal_codes.index(code.split(".")[0]) for code in target_codes])


def build_label_spaces(taxonomy: Taxonomy, *, encoder: TextEncoder, store_root: Path) -> LabelSpaces:
    store = EmbeddingStore(store_root, encoder.version, "query")
    codes, prototypes = {}, {}
    for name in TAXONOMIES:
        labels = taxonomy.labels(name)
        texts = {text_key(label.text(lang)): label.text(lang) for label in labels for lang in LANGS}
        embed_texts(store, encoder, texts)
        vectors = np.stack([
            store.get([text_key(label.text(lang)) for lang in LANGS]).mean(axis=0) for label in labels
        ])
        prototypes[name] = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        codes[name] = tuple(label.code for label in labels)
    return LabelSpaces(codes, prototypes, target_goal_index(codes["sdg_goal"], codes["sdg_target"]))
