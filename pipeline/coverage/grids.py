"""Study group × label grids: how many of a group's in-force Recommendations serve each label.

Counts are of distinct Recommendations (rec_id, i.e. one edition) with the label assigned in the fused
``lang="all"`` decision. A study group with no Recommendation on a label still gets a row with a zero:
the zero *is* the finding. Shares are of the group's counted Recommendations, so a group's shares
across labels add up to more than 1 when Recommendations carry several labels.
"""
from __future__ import annotations

import pandas as pd

from pipeline.coverage.periods import study_period
from pipeline.params import CoverageParams
from pipeline.study_groups import CURRENT
from pipeline.taxonomy import Taxonomy

UNKNOWN_GROUP = "unknown"
ALL_GROUPS = "ITU-T"  # the whole Sector, in trend and gap tables


_FRENCH_GROUPS = {ALL_GROUPS: "UIT-T", "TSAG": "GCNT", UNKNOWN_GROUP: "inconnue"}


def display_group(study_group: str, lang: str) -> str:
    """How ITU writes a group in each language: SG17 is "CE17" in French, TSAG is "GCNT"."""
    if lang != "fr":
        return study_group
    if study_group.startswith("SG"):
        return "CE" + study_group[2:]
    return _FRENCH_GROUPS.get(study_group, study_group)


def counted_recommendations(recommendations: pd.DataFrame, params: CoverageParams) -> pd.DataFrame:
    """One row per counted rec_id: study group, English and French titles, approval date and period.

    A title missing in one language falls back to the other, so every row can be shown in both.
    """
    recs = recommendations[recommendations["status"].isin(params.statuses)]
    recs = recs.sort_values(["rec_id", "lang"])  # "en" before "fr"
    first = recs.groupby("rec_id", sort=True).first().reset_index()
    titles = recs.pivot_table(index="rec_id", columns="lang", values="title", aggfunc="first")
    titles = titles.reindex(columns=["en", "fr"]).reindex(first["rec_id"])
    en = titles["en"].astype("string").fillna("")
    fr = titles["fr"].astype("string").fillna("")
    first["title_en"] = en.where(en != "", fr).to_numpy()
    first["title_fr"] = fr.where(fr != "", en).to_numpy()
    first["study_group"] = first["study_group"].fillna("").replace("", UNKNOWN_GROUP)
    first["year"] = pd.array([d.year if pd.notna(d) else pd.NA for d in first["approved"]], dtype="Int64")
    first["study_period"] = [study_period(d) for d in first["approved"]]
    return first[["rec_id", "number", "study_group", "title_en", "title_fr", "approved", "year",
                  "study_period"]]


def study_groups(recs: pd.DataFrame) -> list[str]:
    """The current groups in ITU-T order (present or not), then any other group found in the data."""
    present = set(recs["study_group"])
    return list(CURRENT) + sorted(present - set(CURRENT))


def grid(recs: pd.DataFrame, assigned: pd.DataFrame, taxonomy: Taxonomy, taxonomy_name: str,
         label_column: str) -> pd.DataFrame:
    """Every (study group, label) pair: count, the group's total, share and mean score."""
    labels = taxonomy.labels(taxonomy_name)
    group_size = recs.groupby("study_group")["rec_id"].nunique()
    counts = assigned.groupby(["study_group", "label"]).agg(
        n_recommendations=("rec_id", "nunique"), mean_score=("score", "mean"))
    full = pd.MultiIndex.from_product([study_groups(recs), [l.code for l in labels]],
                                      names=["study_group", "label"])
    table = counts.reindex(full).reset_index()
    table["n_recommendations"] = table["n_recommendations"].fillna(0).astype("int64")
    table["group_total"] = table["study_group"].map(group_size).fillna(0).astype("int64")
    table["share"] = (table["n_recommendations"] / table["group_total"].where(table["group_total"] > 0))
    table["share"] = table["share"].fillna(0.0).round(4)
    table["mean_score"] = table["mean_score"].astype("float64").round(4)
    names = {l.code: l.name for l in labels}
    table["name_en"] = table["label"].map(lambda c: names[c]["en"])
    table["name_fr"] = table["label"].map(lambda c: names[c]["fr"])
    table = table.rename(columns={"label": label_column})
    return table[["study_group", label_column, "name_en", "name_fr", "n_recommendations", "group_total",
                  "share", "mean_score"]]
