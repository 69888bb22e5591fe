"""MODEL_CARD.md, generated from what training measured — never written by hand, so it cannot drift."""
from __future__ import annotations

import pandas as pd


def render_model_card(metadata: dict, per_label: pd.DataFrame) -> str:
    cv = metadata.get("cv_micro_f1", {})
    lines = per_label[per_label["taxonomy"] == "action_line"]
    table = "\n".join(
        f"| {r.label} | {int(r.support)} | {r.precision:.2f} | {r.recall:.2f} | {r.f1:.2f} |"
        for r in lines.itertuples(index=False)
    )
    goals = per_label[(per_label["taxonomy"] == "sdg_goal") & (per_label["support"] > 0)]
    goal_table = "\n".join(
        f"| {r.label} | {int(r.support)} | {r.precision:.2f} | {r.recall:.2f} | {r.f1:.2f} |"
        for r in goals.itertuples(index=False)
    )
    thin = ", ".join(lines.loc[lines["support"] < 8, "label"]) or "none"
    return f"""# Model card — {metadata['version']}

## Intended use
Classifies ITU-T Recommendation summaries (English or French) by WSIS action line (C1–C11) and by SDG
goal and target, for the coverage report that TSB gives study groups (WTSA Resolution 75). Scores are
calibrated probabilities; each assigned label carries evidence. It is an aid to analysts, not a
replacement for their reading: a zero in the coverage table is a prompt to look, not a verdict.
Not for: texts other than standards summaries, languages other than English and French.

## Model
Pair-feature relevance model: cosine similarity of the summary to each label's bilingual description
(multilingual-e5-small, `{metadata.get('encoder_version', '?')}`), the label's rank, lemmatised lexicon
terms, nearest labelled neighbours and label priors, fed to one logistic-regression head per taxonomy;
neighbours and action-line prototypes are compared without each language's offset, and each language's
neighbours vote apart, with equal weight;
SDG targets are scored in the context of their goal, by a head that also reads the features' pairwise
products and squares; per-label thresholds by grouped cross-validation.
Parameters: `{metadata.get('config', {})}`.

## Data
- Trained: {metadata.get('trained', '?')} on {metadata.get('recommendations', '?')} labelled Recommendations
  ({metadata.get('documents', '?')} texts, English and French); the SDG heads also on
  {metadata.get('goal_exemplars', 0)} goal exemplars from the taxonomy (snippets, report paragraphs, research
  abstracts and news, press and project texts on each goal's subjects, English and French, weighted {metadata.get('config', {}).get('exemplar_weight', '?')} against a Recommendation).
- Label files: {', '.join(metadata.get('labels_files', [])) or '?'}
- Training data sha256: `{metadata.get('training_data_sha256', '?')}`
- Taxonomy version: {metadata.get('taxonomy_version', '?')}

## Cross-validated quality (grouped by Recommendation, {metadata.get('folds', 5)} folds)
Micro-F1: action lines {cv.get('action_line', 0):.3f}, SDG goals {cv.get('sdg_goal', 0):.3f},
SDG targets {cv.get('sdg_target', 0):.3f}.

| action line | support | precision | recall | F1 |
|---|---|---|---|---|
{table}

| SDG goal | support | precision | recall | F1 |
|---|---|---|---|---|
{goal_table}

## Known limits
- Few labels: lines with under 8 training examples ({thin}) use a shared threshold, and their figures
  above are not reliable.
- The cross-validated figures come from the training labels' own distribution (Recommendations only;
  the goal exemplars are not counted); see bench/RESULTS.md for held-out figures on the development set.
- Labels follow LABELLING-GUIDE.md; disagreements between French and English versions are listed by
  `wsis evaluate` and queued by `wsis review`.

## Languages
English and French, as equals: one multilingual encoder, bilingual label descriptions and lexicons,
and one fused decision per Recommendation edition.
"""
