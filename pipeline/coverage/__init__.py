"""Coverage: roll the fused predictions up into the tables a study-group chair reads.

``compute_coverage`` is the stage's one core function. It counts, among the Recommendations whose
status is counted (in force by default), those with a label assigned in the fused ``lang="all"``
decision, and returns study group × action line / SDG goal / SDG target grids, trends by approval
year and study period, the gap list, and the drill-down list behind every count.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from pipeline.coverage.gaps import GAP_KINDS, GapInputs, drill_key, find_gaps, gap_rules, pct
from pipeline.coverage.grids import ALL_GROUPS, counted_recommendations, grid, study_groups
from pipeline.coverage.trends import trends_by_period, trends_by_year
from pipeline.params import CoverageParams
from pipeline.taxonomy import Taxonomy

__all__ = ["ALL_GROUPS", "GAP_KINDS", "Coverage", "compute_coverage", "drill_key", "pct", "study_groups"]

DRILL_COLUMNS = ["study_group", "taxonomy", "label", "rec_id", "number", "title_en", "title_fr", "approved",
                 "year", "study_period", "score", "evidence"]


@dataclass(frozen=True)
class Coverage:
    by_action_line: pd.DataFrame
    by_sdg_goal: pd.DataFrame
    by_sdg_target: pd.DataFrame
    trends_by_year: pd.DataFrame
    trends_by_period: pd.DataFrame
    gaps: pd.DataFrame
    drilldown: pd.DataFrame  # one row per (rec_id, taxonomy, label) counted above
    recommendations: pd.DataFrame  # one row per counted Recommendation
    as_of: dt.date | None
    model_version: str
    params: CoverageParams
    rules: dict[str, dict[str, str]]  # gap kind → the rule in words, {"en": …, "fr": …}

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables written to coverage/ (CSV, Parquet, and one sheet each in coverage.xlsx)."""
        return {"study_group_x_action_line": self.by_action_line,
                "study_group_x_sdg_goal": self.by_sdg_goal,
                "study_group_x_sdg_target": self.by_sdg_target,
                "trends_by_year": self.trends_by_year,
                "trends_by_period": self.trends_by_period,
                "gaps": self.gaps,
                "drilldown": self.drilldown}


def _as_of(recs: pd.DataFrame, params: CoverageParams) -> dt.date | None:
    """The configured date, else the latest approval: reruns on the same data give the same report."""
    if params.as_of:
        return dt.date.fromisoformat(params.as_of)
    dates = recs["approved"].dropna()
    return max(dates) if len(dates) else None


def _drilldown(assigned: pd.DataFrame, recs: pd.DataFrame, taxonomy: Taxonomy) -> pd.DataFrame:
    """Study groups in ITU-T order, labels in taxonomy order, best-scored Recommendation first."""
    groups = {sg: i for i, sg in enumerate(study_groups(recs))}
    labels = {(name, l.code): i for name in ("action_line", "sdg_goal", "sdg_target")
              for i, l in enumerate(taxonomy.labels(name))}
    drill = assigned[DRILL_COLUMNS].copy()
    drill["_g"] = drill["study_group"].map(groups)
    drill["_t"] = drill["taxonomy"].map({"action_line": 0, "sdg_goal": 1, "sdg_target": 2})
    drill["_l"] = [labels.get((t, l), -1) for t, l in zip(drill["taxonomy"], drill["label"])]
    drill = drill.sort_values(["_g", "_t", "_l", "score", "rec_id"],
                              ascending=[True, True, True, False, True], kind="stable")
    return drill.drop(columns=["_g", "_t", "_l"]).reset_index(drop=True)


def compute_coverage(recommendations: pd.DataFrame, predictions: pd.DataFrame, *,
                     taxonomy: Taxonomy, params: CoverageParams) -> Coverage:
    recs = counted_recommendations(recommendations, params)
    fused = predictions[predictions["lang"] == "all"]
    scores = fused.drop(columns=["lang"]).merge(recs, on="rec_id", how="inner")
    scores["assigned"] = scores["assigned"].astype(bool)
    assigned = scores[scores["assigned"]]
    of = {name: assigned[assigned["taxonomy"] == name] for name in ("action_line", "sdg_goal", "sdg_target")}

    by_line = grid(recs, of["action_line"], taxonomy, "action_line", "action_line")
    by_line.insert(4, "priority", by_line["action_line"].isin(params.priority_lines))
    by_goal = grid(recs, of["sdg_goal"], taxonomy, "sdg_goal", "sdg_goal")
    by_target = grid(recs, of["sdg_target"], taxonomy, "sdg_target", "sdg_target")
    linked = {target for _, _, target in taxonomy.links if target}
    by_target.insert(2, "sdg_goal", by_target["sdg_target"].str.split(".").str[0])
    by_target.insert(5, "wsis_linked", by_target["sdg_target"].isin(linked))

    as_of = _as_of(recs, params)
    by_year = trends_by_year(recs, assigned, taxonomy)
    by_period = trends_by_period(recs, assigned, taxonomy, as_of)
    gaps = find_gaps(GapInputs(recs, assigned, scores, by_line, by_target, by_period),
                     taxonomy=taxonomy, params=params, as_of=as_of)

    drill = _drilldown(assigned, recs, taxonomy)
    versions = sorted(set(predictions["model_version"].dropna()))
    return Coverage(by_line, by_goal, by_target, by_year, by_period, gaps, drill, recs, as_of,
                    ", ".join(versions), params, gap_rules(params, as_of))
