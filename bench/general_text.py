"""Development measures for general SDG text: what the goal heads are chosen on, never the SDG benchmark.

The SDG benchmark is for measuring only. Changes to the SDG heads are judged on the held-out dev set
(ITU-T summaries, bench/quality.py) and on two measures of general text, printed side by side:

- indicators: the 231 official SDG indicator titles in ../shared/data/sdg-taxonomy, English and French,
  each labelled with its goal; goal macro-F1. Short and formulaic; our target descriptions paraphrase
  the topics they measure, so they flatter the goal-description similarity.
- longer exemplars, held out: our report-style paragraphs, research abstracts and public-communication
  texts (exemplar ids after "j") split in two by alternate ids within each goal; the classifier learns from the short exemplars
  and one half and is scored on the other half, then the other way round; goal macro-F1 over both
  halves. Written by the same hands as the training half, so it flatters them: it says whether the
  heads learn from such texts, not how well they read a stranger's.

Rows: the classifier with the short exemplars only, and with the longer ones too (shipped).

    python bench/general_text.py [--shared ../shared] [--cache bench/.cache]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from quality import goal_decisions, text_frame, vectors_for  # noqa: E402

from pipeline.classify import EvidenceFinder  # noqa: E402
from pipeline.evaluate import score_sets  # noqa: E402
from pipeline.ingest import ingest  # noqa: E402
from pipeline.labels import read_gold  # noqa: E402
from pipeline.model.spaces import build_label_spaces  # noqa: E402
from pipeline.params import load_params  # noqa: E402
from pipeline.stages import make_encoder, sentence_vectors  # noqa: E402
from pipeline.taxonomy import LANGS, load_taxonomy  # noqa: E402
from pipeline.train import Exemplars, embed_exemplars, train_classifier  # noqa: E402


def goal_macro_f1(ids: list[str], goals: list[set[str]], truth: list[set[str]]) -> float:
    return score_sets(dict(zip(ids, goals)), dict(zip(ids, truth)))[0]["macro_f1"]


def subset(exemplars: Exemplars, keep: np.ndarray) -> Exemplars:
    documents = exemplars.documents[keep].reset_index(drop=True)
    ids = set(documents["rec_id"])
    return Exemplars(documents, exemplars.vectors[keep], {k: v for k, v in exemplars.gold.items() if k in ids})


def split_exemplars(rec_ids: pd.Series) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """The short exemplars (ids 1a-1j) and the longer ones (1k-1z, 1aa-...) in two halves, alternating
    in id order within each goal, so that each half has every goal and every style."""
    goal, suffix = rec_ids.str.extract(r"exemplar:(\d+)([a-z]+)$").T.to_numpy()
    short = np.array([len(x) == 1 and x <= "j" for x in suffix])
    rank = np.full(len(suffix), -1)
    for g in set(goal):
        longer = sorted({(len(x), x) for x, gg, s in zip(suffix, goal, short) if gg == g and not s})
        position = {x: i for i, (_, x) in enumerate(longer)}
        for i in np.flatnonzero((goal == g) & ~short):
            rank[i] = position[suffix[i]]
    return short, ((rank >= 0) & (rank % 2 == 0), (rank >= 0) & (rank % 2 == 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--cache", type=Path, default=ROOT / "bench" / ".cache")
    args = parser.parse_args()
    indicators_csv = args.shared / "data" / "sdg-taxonomy" / "sdg_indicators_en_fr.csv"
    if not indicators_csv.exists():
        sys.exit(f"{indicators_csv} not found: this benchmark needs ../shared")

    taxonomy = load_taxonomy()
    encoder = make_encoder(ROOT / "models" / "encoder", load_params(ROOT / "params.yaml"))
    spaces = build_label_spaces(taxonomy, encoder=encoder, store_root=args.cache)
    evidence = EvidenceFinder(taxonomy)
    sample = ingest([ROOT / "data" / "raw" / "sample" / "recommendations.csv"]).recommendations
    sample_gold = read_gold(ROOT / "data" / "labels" / "sample.jsonl", taxonomy)
    sample_vectors = vectors_for(sample, encoder, args.cache)
    exemplars = embed_exemplars(taxonomy, store_root=args.cache, encoder=encoder)
    sentences = sentence_vectors(encoder, args.cache)

    indicators = (pd.read_csv(indicators_csv, dtype=str).dropna(subset=["title_en", "title_fr"])
                  .drop_duplicates("indicator"))
    indicator_sets = {}
    for lang in LANGS:
        frame = text_frame([f"indicator-{lang}-{i}" for i in indicators["indicator"]],
                           indicators[f"title_{lang}"].tolist(), lang)
        indicator_sets[lang] = (frame, vectors_for(frame, encoder, args.cache))
    indicator_goals = [{str(g)} for g in indicators["goal"]]

    short, halves = split_exemplars(exemplars.documents["rec_id"])

    def train(keep: np.ndarray):
        return train_classifier(sample, sample_vectors, sample_gold, spaces=spaces, evidence=evidence,
                                sentence_vectors=sentences, exemplars=subset(exemplars, keep)).model

    def on_indicators(model) -> list[float]:
        return [goal_macro_f1(list(frame["rec_id"]), goal_decisions(frame, vectors, model, spaces, evidence, sentences),
                              indicator_goals) for frame, vectors in (indicator_sets[lang] for lang in LANGS)]

    def on_longer(models) -> list[float]:
        """``models[i]`` is scored on half ``i`` of the longer exemplars."""
        out = []
        for lang in LANGS:
            ids, goals, truth = [], [], []
            for model, half in zip(models, halves):
                held = subset(exemplars, half & (exemplars.documents["lang"] == lang).to_numpy())
                ids += list(held.documents["rec_id"])
                goals += goal_decisions(held.documents, held.vectors, model, spaces, evidence, sentences)
                truth += [set(held.gold[r].sdg_goals) for r in held.documents["rec_id"]]
            out.append(goal_macro_f1(ids, goals, truth))
        return out

    before = train(short)
    rows = {"short exemplars only": on_indicators(before) + on_longer([before, before]),
            "short + longer exemplars (shipped)": on_indicators(train(short | halves[0] | halves[1]))
            + on_longer([train(short | halves[1]), train(short | halves[0])])}
    print("| exemplars | indicators EN | indicators FR | longer held out EN | longer held out FR |")
    print("|---|---|---|---|---|")
    for name, figures in rows.items():
        print(f"| {name} | " + " | ".join(f"{f:.3f}" for f in figures) + " |")


if __name__ == "__main__":
    main()
