"""How often the C6 decisions on the real catalogue agree with a reading of the labelling guide.

The dev set holds 18 C6 Recommendations, too few to see what a labelling decision does to the other
4,000 in-force texts a chair reads about. `bench/data/catalogue_c6_audit.jsonl` holds 190 of them
judged one by one against the guide's C6 row and the sample's convention for test specifications
(conformance and interoperability test specifications and PICS proformas are C6; test notations,
test management, performance benchmarks, monitoring and subjective test methods are not):

- "changed": 140 texts that one model labelled C6 and the one before it did not (wsis-781d3b6cd1
  against wsis-0736e1f125, the relabelling of conformance test specifications on 2026-12-07);
- "stable": 50 drawn at random from those both models labelled C6.

Every audited text was predicted C6 by some model, so the figures say how precise the C6 decisions are
there, and how many of the texts the audit calls C6 a model keeps; they are not a recall over the
catalogue. The judge applied our own convention, so this measures consistency with it, not truth.
Texts whose Recommendation number is in the training sample are left out.

    wsis run ../shared/data/itu-t-relaton/itu_t_inforce_recommendations.csv --out /tmp/catalogue
    python bench/catalogue_audit.py shipped=/tmp/catalogue [before=/tmp/old-run ...]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.identifiers import parse_rec_id  # noqa: E402
from pipeline.stages import read_predictions  # noqa: E402

AUDIT = ROOT / "bench" / "data" / "catalogue_c6_audit.jsonl"
SAMPLE = ROOT / "data" / "raw" / "sample" / "recommendations.csv"


def load_audit(path: Path = AUDIT, sample: Path = SAMPLE) -> pd.DataFrame:
    audit = pd.DataFrame([json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()])
    trained_on = set(pd.read_csv(sample, dtype=str)["number"])
    numbers = audit["id"].map(lambda rec_id: parse_rec_id(rec_id).number)
    return audit[~numbers.isin(trained_on)].reset_index(drop=True)


def decisions(run: Path, action_line: str) -> dict[str, bool]:
    """The fused decision per Recommendation for one action line, from a `wsis run` output folder."""
    predictions = read_predictions(run / "predictions.csv")
    rows = predictions[(predictions["taxonomy"] == "action_line") & (predictions["label"] == action_line)
                       & (predictions["lang"] == "all")]
    return dict(zip(rows["rec_id"], rows["assigned"]))


def agreement(audit: pd.DataFrame, assigned: dict[str, bool]) -> dict[str, int | float]:
    predicted = audit["id"].map(assigned).fillna(False).astype(bool)
    applies = audit["applies"].astype(bool)
    true_positive = int((predicted & applies).sum())
    return {"texts": len(audit), "predicted": int(predicted.sum()), "agreed_true": true_positive,
            "audit_true": int(applies.sum()),
            "precision": round(true_positive / max(int(predicted.sum()), 1), 3),
            "kept": round(true_positive / max(int(applies.sum()), 1), 3),
            "agreement": round(float((predicted == applies).mean()), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", help="NAME=FOLDER of a `wsis run` over the in-force catalogue")
    args = parser.parse_args()
    audit = load_audit()
    print(f"{len(audit)} audited texts ({int(audit['applies'].sum())} judged C6), none in the training sample\n")
    print("| run | set | texts | predicted C6 | of them judged C6 (precision) | judged C6 kept | agreement |")
    print("|---|---|---|---|---|---|---|")
    for name, folder in (run.split("=", 1) for run in args.runs):
        assigned = decisions(Path(folder), "C6")
        for group in ("changed", "stable", None):
            part = audit if group is None else audit[audit["drawn_from"] == group]
            a = agreement(part, assigned)
            print(f"| {name} | {group or 'all'} | {a['texts']} | {a['predicted']} | {a['agreed_true']} ({a['precision']:.3f}) "
                  f"| {a['agreed_true']} of {a['audit_true']} ({a['kept']:.3f}) | {a['agreement']:.3f} |")


if __name__ == "__main__":
    main()
