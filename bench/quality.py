"""Quality benchmark: one run, one side-by-side table.

Systems: the zero-shot baseline, the trained classifier (trained on our own sample labels only, so
the dev set is truly held out), the same classifier cross-validated with dev labels added (5 folds
grouped by Recommendation: figures are on held-out folds only), and the open keyword peer (text2sdg's
six query systems, voted >= 2 of 6, via ../shared/peers; skipped if absent). A second table measures
each part of the classifier (prototypes, lexicon, neighbours, number blocks, goal exemplars) by
training it without that part, or with that part alone, on the same sample.

Data: ../shared/data/dev (112 English summaries, 30 also in French) and the public SDG
Classification Benchmark (goal level, scored with its own harness). Nothing is trained or tuned on
the benchmark's answers.

    python bench/quality.py [--shared ../shared] [--cache bench/.cache] [--dev-only] [--no-parts]
                            [--benchmark-only]

``--benchmark-only`` trains the shipped classifier and scores the SDG benchmark alone (minutes, where
the whole run takes most of an hour): for measuring a change once, after it has been decided on the dev
set and ``bench/general_text.py``, never for choosing between changes.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.classify import EvidenceFinder, build_inputs, classify, find_evidence  # noqa: E402
from pipeline.embed import embed_recommendations, recommendation_vectors  # noqa: E402
from pipeline.evaluate import evaluate, score_sets  # noqa: E402
from pipeline.ingest import embedding_text, ingest, text_sha256  # noqa: E402
from pipeline.labels import read_gold  # noqa: E402
from pipeline.model.classifier import ClassifierConfig  # noqa: E402
from pipeline.model.features import FEATURE_NAMES  # noqa: E402
from pipeline.model.spaces import build_label_spaces  # noqa: E402
from pipeline.model.zero_shot import ZeroShotScorer  # noqa: E402
from pipeline.params import ClassifyParams, load_params  # noqa: E402
from pipeline.stages import make_encoder, sentence_vectors  # noqa: E402
from pipeline.taxonomy import PRIORITY_LINES, load_taxonomy  # noqa: E402
from pipeline.train import embed_exemplars, train_classifier  # noqa: E402


def vectors_for(recs, encoder, cache):
    embed_recommendations(recs, store_root=cache, encoder=encoder)
    return recommendation_vectors(recs, store_root=cache, encoder_version=encoder.version)


def predict(recs, vectors, scorer, spaces, evidence, sentences):
    return classify(recs, vectors, scorer=scorer, spaces=spaces, evidence=evidence, model_version="bench",
                    sentence_vectors=sentences)


def dev_metrics(predictions, gold):
    """Per language; "en_paired" is English on the Recommendations that also have a French version, the
    like-for-like comparison with "fr" (English alone covers four times as many, and harder, ones)."""
    out = {}
    in_french = set(predictions.loc[predictions["lang"] == "fr", "rec_id"])
    for key, lang in (("all", "all"), ("en", "en"), ("fr", "fr"), ("en_paired", "en")):
        ids = set(predictions.loc[predictions["lang"] == lang, "rec_id"])
        if key == "en_paired":
            ids &= in_french
        result = evaluate(predictions, {k: v for k, v in gold.items() if k in ids}, lang=lang)
        lines = result.per_label[result.per_label["taxonomy"] == "action_line"]
        out[key] = {**result.metrics, "action_line_f1": {row.label: [round(float(row.f1), 4), int(row.support)]
                                                          for row in lines.itertuples()}}
    return out


def cross_validated(sample, sample_vectors, sample_gold, dev, dev_vectors, dev_gold, spaces, evidence, exemplars,
                    sentences):
    """Train on sample + 4/5 of dev, predict the held-out fifth; concatenate the held-out predictions."""
    dev_ids = np.array(sorted(dev_gold))
    parts = []
    for train_ids, test_ids in GroupKFold(n_splits=5).split(dev_ids, groups=dev_ids):
        train_dev = dev["rec_id"].isin(dev_ids[train_ids]).to_numpy()
        test_dev = dev["rec_id"].isin(dev_ids[test_ids]).to_numpy()
        recs = pd.concat([sample, dev[train_dev]], ignore_index=True)
        vectors = np.vstack([sample_vectors, dev_vectors[train_dev]])
        gold = {**sample_gold, **{k: dev_gold[k] for k in dev_ids[train_ids]}}
        model = train_classifier(recs, vectors, gold, spaces=spaces, evidence=evidence, sentence_vectors=sentences,
                                 exemplars=exemplars).model
        parts.append(predict(dev[test_dev].reset_index(drop=True), dev_vectors[test_dev], model, spaces, evidence,
                             sentences))
    return pd.concat(parts, ignore_index=True)


def peer_goals(texts: list[str], shared: Path) -> list[set[str]] | None:
    """text2sdg: an SDG is detected when at least 2 of the 6 query systems fire for it."""
    peers = shared / "peers"
    if not (peers / "querymatch.py").exists():
        return None
    sys.path.insert(0, str(peers))
    import querymatch  # GPL-3 peer: run from ../shared, never vendored

    systems = querymatch.load_systems(str(peers / "text2sdg-queries"))
    names = list(systems)
    out = []
    for text in texts:
        hits = querymatch.detect(text, systems, names)
        votes: dict[int, int] = {}
        for per_system in hits.values():
            for sdg in per_system:
                votes[sdg] = votes.get(sdg, 0) + 1
        out.append({str(s) for s, n in votes.items() if n >= 2})
    return out


def benchmark_macro_f1(goal_sets: dict[str, set[str]]) -> float:
    """Score with the benchmark's own harness; ``goal_sets`` maps each text to predicted goals."""
    from sdgclassification.benchmark import Benchmark

    benchmark = Benchmark(predict_sdgs=lambda text: sorted(int(g) for g in goal_sets[text]))
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        benchmark.run()
    return float(benchmark.stats.average.f1)


def text_frame(ids: list[str], texts: list[str], lang: str) -> pd.DataFrame:
    """Bare texts (no title) shaped as ingested Recommendations, to embed and classify."""
    return pd.DataFrame({"rec_id": ids, "lang": lang, "title": "", "summary": texts,
                         "text_sha256": [text_sha256("", t) for t in texts]})


def goal_decisions(frame, vectors, scorer, spaces, evidence, sentences) -> list[set[str]]:
    inputs = build_inputs(frame, vectors, find_evidence(frame, evidence), spaces, sentences)
    decided = scorer.decide(scorer.predict_proba(inputs))["sdg_goal"]
    return [{spaces.codes["sdg_goal"][j] for j in np.flatnonzero(row)} for row in decided]


def write_results(out: Path, results: dict, started: float) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    print(f"\n{time.time() - started:.0f} s; full figures in {out}")


class BenchmarkScorer:
    """scorer -> macro-F1 on the SDG benchmark's texts (``score`` takes goal sets from elsewhere)."""

    def __init__(self, texts, frame, vectors, spaces, evidence, sentences):
        self.texts, self._frame, self._vectors = texts, frame, vectors
        self._spaces, self._evidence, self._sentences = spaces, evidence, sentences

    def score(self, goals: list[set[str]]) -> float:
        return round(benchmark_macro_f1(dict(zip(self.texts, goals))), 4)

    def __call__(self, scorer) -> float:
        return self.score(goal_decisions(self._frame, self._vectors, scorer, self._spaces, self._evidence,
                                         self._sentences))


def benchmark_scorer(data: Path, encoder, spaces, evidence, sentences, cache: Path) -> BenchmarkScorer | None:
    """None when the benchmark's texts or its harness are missing."""
    bench_path = data / "sdg-benchmark" / "benchmark.csv"
    try:
        import sdgclassification.benchmark  # noqa: F401
    except ImportError:
        return None
    if not bench_path.exists():
        return None
    texts = pd.read_csv(bench_path)["text"].drop_duplicates().tolist()
    frame = text_frame([f"bench-{i}" for i in range(len(texts))], texts, "en")
    return BenchmarkScorer(texts, frame, vectors_for(frame, encoder, cache), spaces, evidence, sentences)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--cache", type=Path, default=ROOT / "bench" / ".cache")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "quality.json")
    parser.add_argument("--dev-only", action="store_true", help="skip the peer and the SDG benchmark (quick iteration)")
    parser.add_argument("--no-parts", action="store_true", help="skip the table that leaves each part out")
    parser.add_argument("--benchmark-only", action="store_true",
                        help="the trained classifier on the SDG benchmark alone (measure a decided change once)")
    args = parser.parse_args()
    if args.dev_only and args.benchmark_only:
        sys.exit("--dev-only and --benchmark-only leave nothing to run together")
    data = args.shared / "data"
    if not data.is_dir():
        sys.exit(f"{args.shared} not found: the quality benchmark needs ../shared")
    started = time.time()

    taxonomy = load_taxonomy()
    encoder = make_encoder(ROOT / "models" / "encoder", load_params(ROOT / "params.yaml"))  # the shipped setup
    spaces = build_label_spaces(taxonomy, encoder=encoder, store_root=args.cache)
    evidence = EvidenceFinder(taxonomy)
    zero_shot = ZeroShotScorer(spaces, ClassifyParams())

    sample = ingest([ROOT / "data" / "raw" / "sample" / "recommendations.csv"]).recommendations
    sample_gold = read_gold(ROOT / "data" / "labels" / "sample.jsonl", taxonomy)
    sample_vectors = vectors_for(sample, encoder, args.cache)
    exemplars = embed_exemplars(taxonomy, store_root=args.cache, encoder=encoder)  # as `wsis train` does
    sentences = sentence_vectors(encoder, args.cache)
    trained = train_classifier(sample, sample_vectors, sample_gold, spaces=spaces, evidence=evidence,
                               sentence_vectors=sentences, exemplars=exemplars).model
    sdg_benchmark = None if args.dev_only else benchmark_scorer(data, encoder, spaces, evidence, sentences, args.cache)
    if args.benchmark_only:
        if sdg_benchmark is None:
            sys.exit("the SDG benchmark needs ../shared/data/sdg-benchmark and sdgclassification-benchmark==1.0.0")
        figure = sdg_benchmark(trained)
        print(f"SDG benchmark macro-F1, trained (sample only): {figure}")
        write_results(args.out, {"trained (sample only)": {"sdg_benchmark_macro_f1": figure}}, started)
        return

    dev = ingest([data / "dev" / "dev_items.csv", data / "dev" / "dev_fr.csv"]).recommendations
    dev_gold = read_gold(data / "dev" / "dev_labels.jsonl", taxonomy)
    dev_vectors = vectors_for(dev, encoder, args.cache)

    systems = {
        "zero-shot": predict(dev, dev_vectors, zero_shot, spaces, evidence, sentences),
        "trained (sample only)": predict(dev, dev_vectors, trained, spaces, evidence, sentences),
        "trained (sample + dev, 5-fold CV)": cross_validated(sample, sample_vectors, sample_gold, dev, dev_vectors,
                                                             dev_gold, spaces, evidence, exemplars, sentences),
    }
    results = {name: {"dev": dev_metrics(p, dev_gold)} for name, p in systems.items()}

    dev_en = dev[dev["lang"] == "en"].reset_index(drop=True)
    gold_goals = {k: set(v.sdg_goals) for k, v in dev_gold.items()}
    peer = None if args.dev_only else peer_goals([embedding_text(t, s) for t, s in zip(dev_en["title"], dev_en["summary"])], args.shared)
    if peer is not None:
        summary, _ = score_sets(dict(zip(dev_en["rec_id"], peer)), gold_goals)
        results["text2sdg peer (>=2 of 6)"] = {"dev": {"en": {"sdg_goal": summary}}}

    if sdg_benchmark is not None:
        for name, scorer in (("zero-shot", zero_shot), ("trained (sample only)", trained)):
            results[name]["sdg_benchmark_macro_f1"] = sdg_benchmark(scorer)
        if peer is not None:
            results["text2sdg peer (>=2 of 6)"]["sdg_benchmark_macro_f1"] = sdg_benchmark.score(
                peer_goals(sdg_benchmark.texts, args.shared))

    print_table(results)
    print_intervals({name: results[name] for name in systems})
    print_calibration({name: results[name] for name in systems if name != "zero-shot"})
    if not args.no_parts:
        results["parts"] = {}
        for name, features, with_exemplars in PARTS:
            model = train_classifier(sample, sample_vectors, sample_gold, spaces=spaces, evidence=evidence,
                                     sentence_vectors=sentences, config=ClassifierConfig(features=features),
                                     exemplars=exemplars if with_exemplars else None).model
            predictions = predict(dev, dev_vectors, model, spaces, evidence, sentences)
            results["parts"][name] = {"dev": dev_metrics(predictions, dev_gold)}
            if sdg_benchmark is not None:
                results["parts"][name]["sdg_benchmark_macro_f1"] = sdg_benchmark(model)
        print("\nEach part of the trained classifier (sample only, held out), "
              "measured by leaving it out or keeping it alone:\n")
        print_table(results["parts"], published=False)
    write_results(args.out, results, started)


SENTENCES = ("sentence_best", "sentence_best_centered")
PROTOTYPES = ("cosine", "cosine_centered", "cosine_gap", "inverse_rank") + SENTENCES
LEXICON = ("lexicon_terms", "lexicon_any")
ALWAYS = ("label_prior", "context")  # how common a label is, and a target's goal: not parts of their own


def _without(*left_out: str) -> tuple[str, ...]:
    return tuple(f for f in FEATURE_NAMES if f not in left_out)


# (name, pair features, trained with the goal exemplars)
PARTS = (
    ("all parts (shipped)", FEATURE_NAMES, True),
    ("prototypes only", PROTOTYPES + ALWAYS, True),
    ("lexicon only", LEXICON + ALWAYS, True),
    ("neighbours only", ("neighbour_vote",) + ALWAYS, True),
    ("without prototypes", _without(*PROTOTYPES), True),
    ("without lexicon", _without(*LEXICON), True),
    ("without neighbours", _without("neighbour_vote"), True),
    ("without closest sentence", _without(*SENTENCES), True),
    ("without number blocks", _without("series"), True),
    ("without goal exemplars", FEATURE_NAMES, False),
)


def print_intervals(results: dict) -> None:
    """How far the dev set can be trusted: 95% bootstrap intervals over its Recommendations (six carry
    C5), from ``pipeline.evaluate.f1_intervals``."""
    print("\n95% bootstrap intervals over the dev Recommendations (all languages fused):\n")
    print("| system | AL micro-F1 | " + " | ".join(f"{line} F1" for line in PRIORITY_LINES) + " |")
    print("|---|---|" + "---|" * len(PRIORITY_LINES))
    for name, result in results.items():
        dev = result["dev"]["all"]
        cells = [dev["action_line"]["micro_f1_interval"],
                 *(dev["priority_lines_f1_interval"][line] for line in PRIORITY_LINES)]
        print(f"| {name} | " + " | ".join(f"{c[0]:.2f}–{c[1]:.2f}" if c else "—" for c in cells) + " |")


def print_calibration(results: dict) -> None:
    """Whether the trained classifier's scores are the probabilities DESIGN.md says they are, on the dev
    set: Brier score, expected calibration error, and the expected against the observed number of true
    (Recommendation, label) pairs (``pipeline.calibration``). The zero-shot scores are similarities,
    not probabilities, and are left out."""
    print("\nCalibration of the scores on the dev set (fused FR+EN decisions; pipeline/calibration.py):\n")
    print("| system | taxonomy | scored pairs | Brier | ECE | expected true | observed true |")
    print("|---|---|---|---|---|---|---|")
    for name, result in results.items():
        for taxonomy, c in result["dev"]["all"]["calibration"].items():
            print(f"| {name} | {taxonomy} | {c['pairs']} | {c['brier']:.3f} | {c['ece']:.3f} | "
                  f"{c['expected_true']:.1f} | {c['observed_true']} |")


def print_table(results: dict, *, published: bool = True) -> None:
    def get(result, *path):
        for key in path:
            if not isinstance(result, dict) or key not in result:
                return "—"
            result = result[key]
        return f"{result:.3f}" if isinstance(result, float) else str(result)

    columns = [
        ("AL micro-F1 all", ("dev", "all", "action_line", "micro_f1")),
        ("AL macro-F1", ("dev", "all", "action_line", "macro_f1")),
        ("C2 F1", ("dev", "all", "priority_lines_f1", "C2")),
        ("C5 F1", ("dev", "all", "priority_lines_f1", "C5")),
        ("C6 F1", ("dev", "all", "priority_lines_f1", "C6")),
        ("AL F1 EN", ("dev", "en", "action_line", "micro_f1")),
        ("AL F1 EN, Recs with FR", ("dev", "en_paired", "action_line", "micro_f1")),
        ("AL F1 FR", ("dev", "fr", "action_line", "micro_f1")),
        ("goal F1 EN", ("dev", "en", "sdg_goal", "micro_f1")),
        ("target F1 all", ("dev", "all", "sdg_target", "micro_f1")),
        ("FR=EN lines", ("dev", "all", "fr_en_agreement", "action_line", "exact")),
        ("FR/EN Jaccard", ("dev", "all", "fr_en_agreement", "action_line", "jaccard")),
        ("SDG bench macro-F1", ("sdg_benchmark_macro_f1",)),
    ]
    header = "| system | " + " | ".join(c for c, _ in columns) + " |"
    print(header)
    print("|" + "---|" * (len(columns) + 1))
    for name, result in results.items():
        print(f"| {name} | " + " | ".join(get(result, *path) for _, path in columns) + " |")
    if published:
        print("| published: GPT-4o / SDG Prospector / text2sdg (SDG bench) | " + " | ".join(
            "0.879 / 0.865 / 0.820" if c == "SDG bench macro-F1" else "" for c, _ in columns) + " |")


if __name__ == "__main__":
    main()
