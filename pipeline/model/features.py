"""Features of a (document, label) pair.

Why pairs: we have a few dozen labelled Recommendations for 197 labels, far too few to learn one
classifier per label. A single relevance model over pair features — how close the summary is to the
label's description, where the label ranks among its siblings, which of its lexicon terms occur, how
its nearest labelled neighbours were labelled — has a handful of weights, learns from every label at
once, and still scores labels that no training example carries.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FEATURE_NAMES = (
    "cosine",            # similarity to the label (``LabelSpaces.similarity``)
    "cosine_centered",   # minus the document's mean similarity over the taxonomy's labels
    "cosine_gap",        # minus the document's best similarity (0 for its top label)
    "inverse_rank",      # 1 / rank of the label among the taxonomy's labels for this document
    "lexicon_terms",     # log(1 + distinct lexicon terms of the label found in the text)
    "lexicon_any",       # 1 if any term was found
    "neighbour_vote",    # similarity-weighted share of the k nearest labelled documents carrying the label
    "label_prior",       # log of the label's smoothed frequency in the training labels
    "context",           # the parent goal's probability (SDG targets), else 1
    "series",            # 1 if the Recommendation's number is in a block typical of the label (taxonomy)
    "sentence_best",     # similarity to the label of the text's closest sentence (``Inputs.sentences``)
    "sentence_best_centered",  # minus its mean over the taxonomy's labels
)


def neighbour_votes(doc_vectors: np.ndarray, train_vectors: np.ndarray, train_labels: np.ndarray,
                    *, k: int, exclude: np.ndarray | None = None,
                    train_langs: np.ndarray | None = None) -> np.ndarray:
    """(n_docs, n_labels) votes from the ``k`` most similar training documents.

    ``exclude[i, j]`` True hides training document j from document i — used in training so that a
    document (and its other-language version) never votes for itself.

    With ``train_langs``, each language's training documents vote apart, with their own ``k``
    nearest, and a document gets the mean of those votes. In one pool, the official English
    abstracts of the dev set took two thirds of their neighbours from our French summaries while the
    French translations kept to French ones: which language's texts crowd round a document depends on
    its style, not its subject. By language, every document hears both languages equally.
    """
    if len(train_vectors) == 0:
        return np.zeros((len(doc_vectors), train_labels.shape[1]))
    sims = doc_vectors @ train_vectors.T
    if exclude is not None:
        sims = np.where(exclude, -np.inf, sims)
    if train_langs is None:
        return _votes(sims, train_labels, k)
    total = np.zeros((len(doc_vectors), train_labels.shape[1]))
    pools = np.zeros((len(doc_vectors), 1))
    for lang in np.unique(train_langs):
        pool = train_langs == lang
        pool_sims = sims[:, pool]
        heard = np.isfinite(pool_sims).any(axis=1, keepdims=True)  # documents with a neighbour here
        total += np.where(heard, _votes(pool_sims, train_labels[pool], k), 0.0)
        pools += heard
    return total / np.maximum(pools, 1)


def _votes(sims: np.ndarray, train_labels: np.ndarray, k: int) -> np.ndarray:
    """Similarity-weighted labels of each row's ``k`` most similar columns (-inf: hidden)."""
    k = min(k, sims.shape[1])
    top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    top_sims = np.take_along_axis(sims, top, axis=1)
    weights = np.where(np.isfinite(top_sims), np.exp(top_sims / 0.05), 0.0)
    weights /= np.maximum(weights.sum(axis=1, keepdims=True), 1e-12)
    return np.einsum("nk,nkl->nl", weights, train_labels[top].astype(float))


def pair_features(cosines: np.ndarray, lexicon_counts: np.ndarray, votes: np.ndarray,
                  prior: np.ndarray, context: np.ndarray | None = None,
                  series: np.ndarray | None = None, best_sentence: np.ndarray | None = None) -> np.ndarray:
    """Stack per-pair features into an (n_docs * n_labels, n_features) matrix, documents outer.
    Without ``best_sentence``, the document counts as its own one sentence (``cosines``)."""
    best_sentence = cosines if best_sentence is None else best_sentence
    n_docs, n_labels = cosines.shape
    rank = np.argsort(np.argsort(-cosines, axis=1), axis=1) + 1
    columns = [
        cosines,
        cosines - cosines.mean(axis=1, keepdims=True),
        cosines - cosines.max(axis=1, keepdims=True),
        1.0 / rank,
        np.log1p(lexicon_counts),
        (lexicon_counts > 0).astype(float),
        votes,
        np.broadcast_to(prior, (n_docs, n_labels)),
        np.ones_like(cosines) if context is None else context,
        np.zeros_like(cosines) if series is None else series,
        best_sentence,
        best_sentence - best_sentence.mean(axis=1, keepdims=True),
    ]
    return np.stack([c.reshape(-1) for c in columns], axis=1)


def language_offsets(vectors: np.ndarray, langs: np.ndarray | None, *, min_docs: int = 10) -> dict[str, np.ndarray]:
    """Each language's mean document vector minus the mean of those means (languages with at least
    ``min_docs`` documents).

    A multilingual encoder keeps a direction per language: a French summary lies nearer every other
    French text than its own English version does. Subtracting that offset (Libovický et al., "On the
    Language Neutrality of Pre-trained Multilingual Representations", 2020) raised the cosine between
    the two versions of a dev Recommendation from 0.919 to 0.948, so a French summary's nearest labelled
    neighbours are chosen by subject rather than language (``without_language``)."""
    if langs is None:
        return {}
    means = {lang: vectors[langs == lang].mean(axis=0) for lang in np.unique(langs)
             if (langs == lang).sum() >= min_docs}
    if len(means) < 2:
        return {}
    centre = np.mean(list(means.values()), axis=0)
    return {lang: mean - centre for lang, mean in means.items()}


def without_language(vectors: np.ndarray, langs: np.ndarray | None, offsets: dict[str, np.ndarray]) -> np.ndarray:
    """Unit vectors with their language's offset removed; a language without one is left as it is."""
    if langs is None or not offsets:
        return vectors
    shifted = vectors - np.stack([offsets.get(lang, np.zeros(vectors.shape[1])) for lang in langs])
    return shifted / np.maximum(np.linalg.norm(shifted, axis=1, keepdims=True), 1e-12)


@dataclass
class Inputs:
    """What the classifier reads about a set of documents."""

    vectors: np.ndarray                 # (n, dim) unit document embeddings
    lexicon: dict[str, np.ndarray]      # taxonomy -> (n, n_labels) distinct-term counts
    groups: np.ndarray                  # (n,) rec_id: the language versions of one edition share it
    series: dict[str, np.ndarray] | None = None  # taxonomy -> (n, n_labels) 1 where the number is typical
    langs: np.ndarray | None = None     # (n,) language of each document ("en", "fr")
    # taxonomy -> (n, n_labels) each label's similarity to the document's closest sentence; without
    # it, the classifier takes the document for its one sentence
    sentences: dict[str, np.ndarray] | None = None

    def subset(self, index: np.ndarray) -> "Inputs":
        def rows(by_taxonomy):
            return None if by_taxonomy is None else {k: v[index] for k, v in by_taxonomy.items()}

        return Inputs(self.vectors[index], rows(self.lexicon), self.groups[index], rows(self.series),
                      None if self.langs is None else self.langs[index], rows(self.sentences))
