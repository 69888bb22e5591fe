"""Review queue: the Recommendations whose labels would teach the model most, as a sheet an analyst fills.

Three signals, each a reason shown to the analyst:
- *unsure*: action-line probabilities far from 0 and 1. The scores are calibrated, so a label at 0.5 is
  a coin toss; the queue ranks by the sum of the binary entropies over the action lines (the bits an
  analyst's answer is expected to give) and names each line scored between 0.25 and 0.75. It used to
  rank by the margin between the top two lines, which sees only which line is primary, not a doubtful
  secondary C5 or C6. Over four held-out splits of the sample the two taught the model equally well,
  within a decision or two (bench/RESULTS.md, "Review queue");
- *FR/EN disagreement*: the French and English versions of one edition got different action lines;
- *matrix conflict*: an assigned SDG goal is not linked to any assigned action line in the WSIS–SDG matrix.
The filled sheet goes back through ``wsis train --labels``; its rows are checked like any labels file.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.atomic import atomic_path, defuse_formulas
from pipeline.taxonomy import Taxonomy

FILL_COLUMNS = ["action_lines", "sdg_targets", "confidence", "comment"]
INSTRUCTIONS = [
    ("What to do", "For each row, read the summary and the predicted labels, then fill action_lines "
                   "(primary first, at most three, e.g. 'C5 C2') and sdg_targets (0-3, e.g. '9.1 16.a'). "
                   "Leave action_lines empty to skip a row."),
    ("Label meanings", "See LABELLING-GUIDE: C2 infrastructure, C5 confidence and security, C6 enabling "
                       "environment, C7 applications, C9 media, ..."),
    ("Then", "wsis train <texts> --labels <this file>  (the seed labels are always included)"),
]


UNSURE = (0.25, 0.75)  # an action-line probability in this range is named in the row's reasons


def binary_entropy(p: np.ndarray) -> np.ndarray:
    """Bits of uncertainty in a yes/no decision made with probability ``p`` (1 at 0.5, 0 at 0 and 1)."""
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return -(p * np.log2(p) + (1 - p) * np.log2(1 - p))


def _label_sets(predictions: pd.DataFrame, lang: str, taxonomy: str) -> pd.Series:
    rows = predictions[(predictions["lang"] == lang) & (predictions["taxonomy"] == taxonomy)]
    assigned = rows[rows["assigned"]].sort_values(["rec_id", "rank"])
    sets = assigned.groupby("rec_id")["label"].apply(list)
    return sets.reindex(rows["rec_id"].unique()).apply(lambda v: v if isinstance(v, list) else [])


def review_queue(predictions: pd.DataFrame, recommendations: pd.DataFrame, taxonomy: Taxonomy, *,
                 size: int = 50, already_labelled: set[str] = frozenset()) -> pd.DataFrame:
    """The ``size`` most informative unlabelled Recommendations, most informative first."""
    fused = predictions[(predictions["lang"] == "all") & (predictions["taxonomy"] == "action_line")]
    bits = fused.assign(bits=binary_entropy(fused["score"].to_numpy(dtype=float))).groupby("rec_id")["bits"].sum()
    unsure = fused[fused["score"].between(*UNSURE)].sort_values(["rec_id", "rank"]).groupby("rec_id").apply(
        lambda g: ", ".join(f"{l} {s:.2f}" for l, s in zip(g["label"], g["score"])), include_groups=False)

    lines = _label_sets(predictions, "all", "action_line")
    goals = _label_sets(predictions, "all", "sdg_goal")
    targets = _label_sets(predictions, "all", "sdg_target")
    en = _label_sets(predictions, "en", "action_line")
    fr = _label_sets(predictions, "fr", "action_line")
    linked = {(line, goal) for line, goal, _ in taxonomy.links}

    rows = []
    for rec_id in bits.index:
        if rec_id in already_labelled:
            continue
        reasons, priority = [], float(bits[rec_id])
        if rec_id in unsure.index:
            reasons.append(f"unsure of {unsure[rec_id]}")
        if rec_id in en.index and rec_id in fr.index and set(en[rec_id]) != set(fr[rec_id]):
            reasons.append(f"FR/EN disagree (en {' '.join(en[rec_id])}; fr {' '.join(fr[rec_id])})")
            priority += 1.0
        unlinked = [g for g in goals.get(rec_id, []) if not any((l, g) in linked for l in lines.get(rec_id, []))]
        if unlinked:
            reasons.append(f"goal(s) {' '.join(unlinked)} not linked to {' '.join(lines.get(rec_id, []))} in the WSIS-SDG matrix")
            priority += 0.5
        rows.append({"id": rec_id, "priority": round(priority, 4), "reasons": "; ".join(reasons) or f"uncertainty {priority:.2f} bits"})
    queue = pd.DataFrame(rows, columns=["id", "priority", "reasons"])
    queue = queue.sort_values(["priority", "id"], ascending=[False, True]).head(size)

    texts = recommendations.sort_values(["rec_id", "lang"]).groupby("rec_id").first()
    scores = fused.sort_values(["rec_id", "rank"]).groupby("rec_id").apply(
        lambda g: "; ".join(f"{l} {s:.2f}" for l, s in zip(g["label"].head(4), g["score"].head(4))),
        include_groups=False)
    evidence = fused[fused["assigned"]].groupby("rec_id")["evidence"].apply(lambda e: " / ".join(x for x in e if x))
    queue = queue.assign(
        study_group=queue["id"].map(texts["study_group"]), title=queue["id"].map(texts["title"]),
        summary=queue["id"].map(texts["summary"]),
        predicted_action_lines=queue["id"].map(lambda r: " ".join(lines.get(r, []))),
        action_line_scores=queue["id"].map(scores),
        predicted_sdg_targets=queue["id"].map(lambda r: " ".join(targets.get(r, []))),
        evidence=queue["id"].map(evidence).fillna(""),
    )
    for column in FILL_COLUMNS:
        queue[column] = ""
    return queue.reset_index(drop=True)


def write_review_sheet(queue: pd.DataFrame, target: Path) -> None:
    """XLSX (with an instructions sheet) or CSV, by suffix; cells never become live formulas."""
    safe = defuse_formulas(queue)
    with atomic_path(Path(target)) as tmp:
        if Path(target).suffix.lower() == ".xlsx":
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                safe.to_excel(writer, sheet_name="review", index=False)
                pd.DataFrame(INSTRUCTIONS, columns=["", ""]).to_excel(writer, sheet_name="instructions",
                                                                      index=False, header=False)
        else:
            safe.to_csv(tmp, index=False)
