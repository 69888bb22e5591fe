"""Trends (*resolves 5*): the study group × label counts again, by approval year and by study period.

Only in-force editions are counted, so a Recommendation revised in 2023 counts in 2023 however old
its first edition: recent years look busier than they were, and a decline is never overstated.
Recommendations without an approval date are left out of the trends (they stay in the grids). Every
row also exists for the whole Sector (study group "ITU-T"), and zero rows are kept so a line that
stops shows as a drop to zero rather than as a missing point.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pipeline.coverage.grids import ALL_GROUPS, study_groups
from pipeline.coverage.periods import BEFORE, periods_until
from pipeline.taxonomy import Taxonomy

TREND_TAXONOMIES = ("action_line", "sdg_goal")


def _with_sector(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([frame, frame.assign(study_group=ALL_GROUPS)], ignore_index=True)


def _trend(recs: pd.DataFrame, assigned: pd.DataFrame, taxonomy: Taxonomy, key: str,
           buckets: list) -> pd.DataFrame:
    """Counts per (taxonomy, label, study group, bucket) with every combination present."""
    groups = study_groups(recs) + [ALL_GROUPS]
    totals = _with_sector(recs).groupby(["study_group", key])["rec_id"].nunique()
    counts = _with_sector(assigned).groupby(["taxonomy", "label", "study_group", key])["rec_id"].nunique()
    pieces = []
    for name in TREND_TAXONOMIES:
        index = pd.MultiIndex.from_product(
            [[name], [l.code for l in taxonomy.labels(name)], groups, buckets],
            names=["taxonomy", "label", "study_group", key])
        pieces.append(counts.reindex(index).fillna(0).astype("int64").rename("n_recommendations").reset_index())
    table = pd.concat(pieces, ignore_index=True)
    total_index = pd.MultiIndex.from_frame(table[["study_group", key]])
    table["total"] = totals.reindex(total_index).fillna(0).astype("int64").to_numpy()
    table["share"] = (table["n_recommendations"] / table["total"].where(table["total"] > 0)).fillna(0.0).round(4)
    return table


def trends_by_year(recs: pd.DataFrame, assigned: pd.DataFrame, taxonomy: Taxonomy) -> pd.DataFrame:
    dated = recs[recs["year"].notna()]
    if dated.empty:
        years: list[int] = []
    else:
        years = list(range(int(dated["year"].min()), int(dated["year"].max()) + 1))
    table = _trend(dated, assigned[assigned["year"].notna()], taxonomy, "year", years)
    table["year"] = table["year"].astype("int64")
    return table.rename(columns={"total": "year_total"})[
        ["taxonomy", "label", "study_group", "year", "n_recommendations", "year_total", "share"]]


def trends_by_period(recs: pd.DataFrame, assigned: pd.DataFrame, taxonomy: Taxonomy,
                     as_of: dt.date | None) -> pd.DataFrame:
    """Per study period, with the period's length to ``as_of`` and Recommendations per year.

    Per-year figures are what make periods comparable: "2017–2020" ran five and a half years,
    "2022–2024" two and a half. The open-ended "before 1989" bucket has no per-year figure.
    """
    periods = periods_until(as_of) if as_of else ()
    names = [BEFORE] + [p.name for p in periods] if as_of else []
    dated = recs[recs["study_period"] != ""]
    table = _trend(dated, assigned[assigned["study_period"] != ""], taxonomy, "study_period", names)
    spans = {p.name: p for p in periods}
    table["period_start"] = table["study_period"].map(lambda n: spans[n].start if n in spans else None)
    table["period_end"] = table["study_period"].map(
        lambda n: (min(spans[n].end, as_of) if spans[n].end else as_of) if n in spans else None)
    table["running"] = table["study_period"].map(lambda n: n in spans and (spans[n].end is None
                                                                           or spans[n].end >= as_of))
    years = table["study_period"].map(lambda n: spans[n].years(as_of) if n in spans else np.nan)
    table["period_years"] = years.astype("float64").round(2)
    table["per_year"] = (table["n_recommendations"] / years).astype("float64").round(3)
    return table.rename(columns={"total": "period_total"})[
        ["taxonomy", "label", "study_group", "study_period", "period_start", "period_end", "running",
         "period_years", "n_recommendations", "period_total", "share", "per_year"]]
