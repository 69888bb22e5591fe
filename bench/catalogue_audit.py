"""How often the C6 and C5 decisions on the real catalogue agree with a reading of the labelling guide.

The dev set holds 18 C6 and 6 C5 Recommendations, too few to see what a labelling decision does to the
other 4,000 in-force texts a chair reads about. Three audits judge catalogue texts one by one, from the
title and abstract, against the guide's C6 or C5 row and the sample's reading of it. Texts whose
Recommendation number is in the training sample are left out, and no draw for the sample may take an
audited text.

`bench/data/catalogue_c6_audit.jsonl`, the precision audit (2026-12-07): 190 texts, every one of them
labelled C6 by some model, judged by the sample's convention for test specifications (conformance and
interoperability test specifications and PICS proformas are C6; test notations, test management,
performance benchmarks, monitoring and subjective test methods are not):

- "changed": 140 texts that one model labelled C6 and the one before it did not (wsis-781d3b6cd1
  against wsis-0736e1f125, the relabelling of conformance test specifications);
- "stable": 50 drawn at random from those both models labelled C6.

It says how precise the C6 decisions are there, and how many of the texts it calls C6 a model keeps.

`bench/data/catalogue_c6_keyword_audit.jsonl`, the keyword audit (2026-12-07): the 676 in-force texts
(not in the sample, the dev set or the first audit) whose title or abstract names a C6 topic of the
guide (charging, accounting, tariffs, settlement, numbering, naming, addressing, identifiers, country
codes, counterfeit or stolen devices, consumers, roaming, conformance, interoperability, regulation,
policy, spectrum, IP addresses, domain names, quality of service), split by what wsis-7fd1159720 said:
40 drawn at random from the 141 it labelled C6 and 100 from the 535 it did not. Each stratum is a
random sample of its own, so for any model the figures over all 676 are estimated by weighting each
audited text by its stratum's size over the number audited in it: that gives a recall as well as a
precision, within those 676 texts.

`bench/data/catalogue_c5_keyword_audit.jsonl`, the C5 keyword audit (2026-12-07), is built the same way
for C5, the priority line the dev set holds only six of: the 529 in-force texts (not in the sample or
the dev set) whose title or abstract names a C5 topic (security, authentication, authorization,
privacy, trust, identity, spam, fraud, malware, encryption, cryptography, PKI, attacks, threats,
cyber-, vulnerabilities, intrusion, confidentiality, integrity, access control, biometrics, anonymity,
child online protection, PII, DDoS, botnets, phishing, spoofing, blockchain, distributed ledgers),
split by what wsis-cd1a70da71 said: 40 drawn at random from the 278 it labelled C5 and 100 from the
251 it did not.

The judges applied our own convention, so this measures consistency with it, not truth.

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
KEYWORD_AUDIT = ROOT / "bench" / "data" / "catalogue_c6_keyword_audit.jsonl"
C5_KEYWORD_AUDIT = ROOT / "bench" / "data" / "catalogue_c5_keyword_audit.jsonl"
AUDITS = {"C6 precision audit": AUDIT, "C6 keyword audit": KEYWORD_AUDIT, "C5 keyword audit": C5_KEYWORD_AUDIT}
SAMPLE = ROOT / "data" / "raw" / "sample" / "recommendations.csv"


def load_audit(path: Path = AUDIT, sample: Path = SAMPLE) -> pd.DataFrame:
    audit = pd.DataFrame([json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()])
    trained_on = set(pd.read_csv(sample, dtype=str)["number"])
    numbers = audit["id"].map(lambda rec_id: parse_rec_id(rec_id).number)
    return audit[~numbers.isin(trained_on)].reset_index(drop=True)


def fused_action_lines(run: Path) -> pd.DataFrame:
    """The fused (FR+EN) action-line decisions of a `wsis run` output folder."""
    predictions = read_predictions(run / "predictions.csv")
    return predictions[(predictions["taxonomy"] == "action_line") & (predictions["lang"] == "all")]


def decisions(fused: pd.DataFrame, action_line: str) -> dict[str, bool]:
    """The fused decision per Recommendation for one action line."""
    rows = fused[fused["label"] == action_line]
    return dict(zip(rows["rec_id"], rows["assigned"]))


def outcomes(audit: pd.DataFrame, assigned: dict[str, bool]) -> tuple[pd.Series, pd.Series]:
    """Per audited text: did the model assign the label, and did the judge say it applies."""
    return audit["id"].map(assigned).fillna(False).astype(bool), audit["applies"].astype(bool)


def agreement(audit: pd.DataFrame, assigned: dict[str, bool]) -> dict[str, int | float]:
    predicted, applies = outcomes(audit, assigned)
    true_positive = int((predicted & applies).sum())
    return {"texts": len(audit), "predicted": int(predicted.sum()), "agreed_true": true_positive,
            "audit_true": int(applies.sum()),
            "precision": round(true_positive / max(int(predicted.sum()), 1), 3),
            "kept": round(true_positive / max(int(applies.sum()), 1), 3),
            "agreement": round(float((predicted == applies).mean()), 3)}


def weighted(audit: pd.DataFrame, assigned: dict[str, bool]) -> dict[str, float]:
    """Precision and recall over a stratified audit's whole population: each text stands for
    stratum_size / (texts audited in its stratum) texts."""
    weight = audit["stratum_size"] / audit.groupby("drawn_from")["id"].transform("size")
    predicted, applies = outcomes(audit, assigned)
    true_positive = float(weight[predicted & applies].sum())
    return {"population": int(audit.groupby("drawn_from")["stratum_size"].first().sum()),
            "precision": round(true_positive / max(float(weight[predicted].sum()), 1e-9), 3),
            "recall": round(true_positive / max(float(weight[applies].sum()), 1e-9), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", help="NAME=FOLDER of a `wsis run` over the in-force catalogue")
    args = parser.parse_args()
    fused = [(name, fused_action_lines(Path(folder))) for name, folder in (run.split("=", 1) for run in args.runs)]
    for title, path in AUDITS.items():
        audit = load_audit(path)
        (label,) = audit["label"].unique()
        runs = [(name, decisions(run, label)) for name, run in fused]
        print(f"\n{title}: {len(audit)} texts ({int(audit['applies'].sum())} judged {label}), none in the training sample\n")
        print(f"| run | set | texts | predicted {label} | of them judged {label} (precision) | judged {label} kept | agreement |")
        print("|---|---|---|---|---|---|---|")
        for name, assigned in runs:
            for group in [*sorted(audit["drawn_from"].unique()), None]:
                part = audit if group is None else audit[audit["drawn_from"] == group]
                a = agreement(part, assigned)
                print(f"| {name} | {group or 'all'} | {a['texts']} | {a['predicted']} | {a['agreed_true']} ({a['precision']:.3f}) "
                      f"| {a['agreed_true']} of {a['audit_true']} ({a['kept']:.3f}) | {a['agreement']:.3f} |")
        if "stratum_size" in audit:
            print("\n| run | estimated over | precision | recall |\n|---|---|---|---|")
            for name, assigned in runs:
                w = weighted(audit, assigned)
                print(f"| {name} | {w['population']} keyword texts | {w['precision']:.3f} | {w['recall']:.3f} |")


if __name__ == "__main__":
    main()
