"""Coverage: roll the fused predictions up into study group × label tables that show the gaps.

Counts are of distinct Recommendations (rec_id, i.e. one edition) with the label assigned in the fused
``lang="all"`` decision, among those whose status is counted (in force by default). A study group
with no Recommendation on a line still gets a row with a zero: the zero *is* the finding.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipeline.params import CoverageParams
from pipeline.study_groups import CURRENT
from pipeline.taxonomy import Taxonomy


@dataclass(frozen=True)
class Coverage:
    by_action_line: pd.DataFrame
    by_sdg_goal: pd.DataFrame
    drilldown: pd.DataFrame  # one row per (rec_id, taxonomy, label) counted above

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"study_group_x_action_line": self.by_action_line,
                "study_group_x_sdg_goal": self.by_sdg_goal,
                "drilldown": self.drilldown}


def counted_recommendations(recommendations: pd.DataFrame, params: CoverageParams) -> pd.DataFrame:
    """One row per counted rec_id, with its study group, title (English preferred) and approval date."""
    recs = recommendations[recommendations["status"].isin(params.statuses)]
    recs = recs.sort_values(["rec_id", "lang"])  # "en" before "fr": English title when both exist
    first = recs.groupby("rec_id", sort=True).first().reset_index()
    first["study_group"] = first["study_group"].fillna("").replace("", "unknown")
    return first[["rec_id", "number", "study_group", "title", "approved"]]


def _study_groups(recs: pd.DataFrame) -> list[str]:
    present = set(recs["study_group"])
    return [sg for sg in CURRENT] + sorted(present - set(CURRENT))


def _grid(recs: pd.DataFrame, assigned: pd.DataFrame, codes: list[str], label_column: str) -> pd.DataFrame:
    groups = _study_groups(recs)
    group_size = recs.groupby("study_group")["rec_id"].nunique()
    counts = assigned.groupby(["study_group", "label"]).agg(
        n_recommendations=("rec_id", "nunique"), mean_score=("score", "mean")
    )
    full = pd.MultiIndex.from_product([groups, codes], names=["study_group", "label"])
    table = counts.reindex(full).reset_index()
    table["n_recommendations"] = table["n_recommendations"].fillna(0).astype("int64")
    table["group_total"] = table["study_group"].map(group_size).fillna(0).astype("int64")
    table["share"] = (table["n_recommendations"] / table["group_total"].where(table["group_total"] > 0)).fillna(0.0)
    table["share"] = table["share"].round(4)
    table["mean_score"] = table["mean_score"].round(4)
    return table.rename(columns={"label": label_column})


def compute_coverage(recommendations: pd.DataFrame, predictions: pd.DataFrame, *,
                     taxonomy: Taxonomy, params: CoverageParams) -> Coverage:
    recs = counted_recommendations(recommendations, params)
    fused = predictions[(predictions["lang"] == "all") & predictions["assigned"]]
    assigned = fused.merge(recs, on="rec_id", how="inner")

    lines = assigned[assigned["taxonomy"] == "action_line"]
    by_line = _grid(recs, lines, [l.code for l in taxonomy.action_lines], "action_line")
    by_line["priority"] = by_line["action_line"].isin(params.priority_lines)

    goals = assigned[assigned["taxonomy"] == "sdg_goal"]
    by_goal = _grid(recs, goals, [g.code for g in taxonomy.goals], "sdg_goal")

    drill = assigned[["study_group", "taxonomy", "label", "rec_id", "number", "title", "approved",
                      "score", "evidence"]]
    drill = drill.sort_values(["study_group", "taxonomy", "label", "score", "rec_id"],
                              ascending=[True, True, True, False, True]).reset_index(drop=True)
    return Coverage(by_line, by_goal, drill)
