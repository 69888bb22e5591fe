"""Gaps: findings a chair can act on, each with the rule that found it and the evidence behind it.

Every rule is mechanical and its thresholds come from ``params.yaml`` (``coverage:``), so a reader can
check, argue with and re-tune it; ``gap_rules`` writes each rule out, with its numbers, in English and
French, and every gap row carries its rule. The rules:

- ``priority_share`` (*resolves 4*): a study group large enough to judge has a small share of its
  in-force Recommendations on a priority line (C2, C5, C6);
- ``mandate`` (*resolves 4*): the same with a higher bar where the group's mandate names the line
  (``priority_share`` is then not applied to that pair, so each pair is judged once);
- ``priority_decline`` (*resolves 4 and 5*): Recommendations per year on a priority line in the
  running study period fell sharply from the previous one;
- ``uncovered_target``: an SDG target with no (or almost no) in-force Recommendation;
- ``no_recent_work`` (*resolves 5*): an action line with (almost) nothing approved recently.

Evidence for a weak or empty cell names the closest Recommendation the classifier did *not* assign,
so "nothing found" can be told apart from "nothing looked like it".
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from pipeline.coverage.grids import ALL_GROUPS, UNKNOWN_GROUP, display_group, study_groups
from pipeline.coverage.periods import StudyPeriod, periods_until
from pipeline.params import CoverageParams
from pipeline.taxonomy import Taxonomy

GAP_KINDS = ("priority_share", "mandate", "priority_decline", "uncovered_target", "no_recent_work")
GAP_COLUMNS = ["gap", "resolves", "study_group", "taxonomy", "label", "study_period", "value", "threshold",
               "n_recommendations", "base", "rule_en", "rule_fr", "evidence_en", "evidence_fr", "drill"]
Bilingual = dict[str, str]


def drill_key(taxonomy: str, label: str, study_group: str = ALL_GROUPS, bucket: str = "") -> str:
    """The address of one drill-down list: ``taxonomy|label|study group|bucket``.

    ``bucket`` is "" (every year), ``y:2020`` (one approval year) or ``p:2022–2024`` (one study
    period). The report's links and the gap table use the same keys.
    """
    return f"{taxonomy}|{label}|{study_group}|{bucket}"


def pct(share: float, lang: str) -> str:
    """5% in English, 5 % (narrow no-break space) in French; one decimal below 10% when it matters."""
    value = share * 100
    text = f"{value:.0f}%" if value >= 10 or abs(value - round(value)) < 1e-9 else f"{value:.1f}%"
    return text.replace(".", ",").replace("%", "\u202f%") if lang == "fr" else text


def _number(value: float, lang: str, digits: int = 2) -> str:
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "fr" else text


def _compared_periods(as_of: dt.date | None) -> tuple[StudyPeriod, StudyPeriod] | None:
    periods = periods_until(as_of) if as_of else ()
    return (periods[-2], periods[-1]) if len(periods) >= 2 else None


def gap_rules(params: CoverageParams, as_of: dt.date | None) -> dict[str, Bilingual]:
    """Each rule in words, with the thresholds in force; time-based rules need ``as_of``."""
    lines = ", ".join(params.priority_lines)
    share, mandate = params.priority_min_share, params.mandate_min_share
    names = {lang: ", ".join(display_group(g, lang) for g in params.exempt_groups) for lang in ("en", "fr")}
    exempt = ({"en": f"; {names['en']} not judged", "fr": f" ; {names['fr']} non jugé(s)"}
              if params.exempt_groups else {"en": "", "fr": ""})
    rules = {
        "priority_share": {
            "en": f"Resolves 4: a study group with at least {params.min_group_size} in-force Recommendations "
                  f"has under {pct(share, 'en')} of them on a priority line ({lines})" + exempt["en"] + ".",
            "fr": f"Décide 4 : une commission d'études ayant au moins {params.min_group_size} Recommandations "
                  f"en vigueur en consacre moins de {pct(share, 'fr')} à une orientation prioritaire ({lines})"
                  + exempt["fr"] + "."},
        "mandate": {
            "en": f"Resolves 4: a study group whose mandate (its lead study group role, WTSA Resolution 2) "
                  f"names a priority line has under {pct(mandate, 'en')} of its in-force Recommendations on "
                  f"that line.",
            "fr": f"Décide 4 : une commission d'études dont le mandat (son rôle de commission directrice, "
                  f"Résolution 2 de l'AMNT) mentionne une orientation prioritaire y consacre moins de "
                  f"{pct(mandate, 'fr')} de ses Recommandations en vigueur."},
        "uncovered_target": (
            {"en": "An SDG target to which no in-force ITU-T Recommendation is assigned.",
             "fr": "Une cible ODD à laquelle aucune Recommandation UIT-T en vigueur n'est rattachée."}
            if params.target_max_count == 0 else
            {"en": f"An SDG target to which at most {params.target_max_count} in-force ITU-T Recommendations "
                   f"are assigned.",
             "fr": f"Une cible ODD à laquelle au plus {params.target_max_count} Recommandations UIT-T en "
                   f"vigueur sont rattachées."}),
    }
    compared = _compared_periods(as_of)
    if compared:
        previous, current = compared
        drop, floor, day = params.decline_max_drop, params.decline_min_previous, as_of.isoformat()
        rules["priority_decline"] = {
            "en": f"Resolves 4 and 5: in-force Recommendations per year on a priority line in the running "
                  f"study period ({current.name}, to {day}) are more than {pct(drop, 'en')} below the "
                  f"previous period ({previous.name}), which had at least {floor}.",
            "fr": f"Décide 4 et 5 : le nombre annuel de Recommandations en vigueur sur une orientation "
                  f"prioritaire pendant la période d'études en cours ({current.name}, jusqu'au {day}) est "
                  f"inférieur de plus de {pct(drop, 'fr')} à celui de la période précédente "
                  f"({previous.name}), qui en comptait au moins {floor}."}
    if as_of:
        n, years, day = params.recent_min_count, f"{params.recent_years:g}", as_of.isoformat()
        rules["no_recent_work"] = {
            "en": f"Resolves 5: an action line with fewer than {n} in-force Recommendation(s) approved in "
                  f"the {years} years to {day}.",
            "fr": f"Décide 5 : une grande orientation comptant moins de {n} Recommandation(s) en vigueur "
                  f"approuvée(s) au cours des {years} années précédant le {day}."}
    return {kind: rules[kind] for kind in GAP_KINDS if kind in rules}


@dataclass(frozen=True)
class GapInputs:
    """What the rules look at: counted Recommendations, assigned labels and every fused score."""

    recs: pd.DataFrame
    assigned: pd.DataFrame
    scores: pd.DataFrame  # all fused rows of counted Recommendations, assigned or not
    by_action_line: pd.DataFrame
    by_sdg_target: pd.DataFrame
    by_period: pd.DataFrame


def _closest_unassigned(scores: pd.DataFrame, taxonomy: str) -> pd.DataFrame:
    """Per (study group, label) and per label Sector-wide: the best-scored row that was not assigned."""
    rows = scores[(scores["taxonomy"] == taxonomy) & ~scores["assigned"]]
    rows = rows.sort_values(["score", "rec_id"], ascending=[False, True])
    per_group = rows.drop_duplicates(["study_group", "label"])
    sector = rows.drop_duplicates(["label"]).assign(study_group=ALL_GROUPS)
    return pd.concat([per_group, sector]).set_index(["study_group", "label"])[["rec_id", "score"]]


def _near(closest: pd.DataFrame, study_group: str, label: str, lang: str) -> str:
    if (study_group, label) not in closest.index:
        return ""
    row = closest.loc[(study_group, label)]
    score = _number(row["score"], lang)
    return (f"; closest unassigned: {row['rec_id']} (score {score})" if lang == "en"
            else f" ; la plus proche non retenue : {row['rec_id']} (score {score})")


def _judged(groups: pd.Series, params: CoverageParams) -> pd.Series:
    """Resolves-4 rules judge real study groups (and the Sector), not "unknown" nor exempt groups."""
    return ~groups.isin((UNKNOWN_GROUP, *params.exempt_groups))


def _share_gaps(data: GapInputs, params: CoverageParams, rules: dict[str, Bilingual]) -> list[dict]:
    closest = _closest_unassigned(data.scores, "action_line")
    table = data.by_action_line[data.by_action_line["action_line"].isin(params.priority_lines)
                                & (data.by_action_line["group_total"] >= params.min_group_size)
                                & _judged(data.by_action_line["study_group"], params)]
    out = []
    for row in table.itertuples(index=False):
        kind = "mandate" if row.action_line in params.mandated(row.study_group) else "priority_share"
        threshold = params.mandate_min_share if kind == "mandate" else params.priority_min_share
        if row.share >= threshold:
            continue
        n, total, sg, line = row.n_recommendations, row.group_total, row.study_group, row.action_line
        evidence = {
            "en": f"{sg}: {n} of {total} in-force Recommendations ({pct(row.share, 'en')}) on {line}"
                  + _near(closest, sg, line, "en"),
            "fr": f"{display_group(sg, 'fr')} : {n} sur {total} Recommandations en vigueur "
                  f"({pct(row.share, 'fr')}) relèvent de {line}" + _near(closest, sg, line, "fr"),
        }
        out.append(_gap(kind, "4", sg, "action_line", line, "", row.share, threshold, n, total, rules[kind],
                        evidence))
    return out


def _decline_evidence(sg: str, line: str, prev: pd.Series, cur: pd.Series, change: float, lang: str) -> str:
    def span(row: pd.Series) -> str:
        rate, years = _number(row["per_year"], lang, 1), _number(row["period_years"], lang, 1)
        return (f"{row['n_recommendations']} in {row['study_period']} ({rate}/year over {years} years)"
                if lang == "en" else
                f"{row['n_recommendations']} en {row['study_period']} ({rate} par an sur {years} ans)")

    tail = f"{pct(-change, lang)} fewer per year" if lang == "en" else f"{pct(-change, lang)} de moins par an"
    colon = ":" if lang == "en" else " :"
    return f"{display_group(sg, lang)}, {line}{colon} {span(prev)} → {span(cur)}{colon} {tail}"


def _decline_gaps(data: GapInputs, params: CoverageParams, as_of: dt.date,
                  rules: dict[str, Bilingual]) -> list[dict]:
    compared = _compared_periods(as_of)
    if not compared:
        return []
    previous, current = compared
    table = data.by_period[(data.by_period["taxonomy"] == "action_line")
                           & data.by_period["label"].isin(params.priority_lines)
                           & _judged(data.by_period["study_group"], params)]
    now = table[table["study_period"] == current.name].set_index(["study_group", "label"])
    before = table[table["study_period"] == previous.name].set_index(["study_group", "label"])
    out = []
    for key, prev in before.iterrows():
        cur = now.loc[key]
        if prev["n_recommendations"] < params.decline_min_previous or prev["per_year"] <= 0:
            continue
        change = cur["per_year"] / prev["per_year"] - 1
        if change >= -params.decline_max_drop:
            continue
        sg, line = key
        evidence = {lang: _decline_evidence(sg, line, prev, cur, change, lang) for lang in ("en", "fr")}
        out.append(_gap("priority_decline", "4, 5", sg, "action_line", line, current.name, change,
                        -params.decline_max_drop, int(cur["n_recommendations"]), int(prev["n_recommendations"]),
                        rules["priority_decline"], evidence,
                        drill=drill_key("action_line", line, sg, f"p:{current.name}")))
    return out


def _target_gaps(data: GapInputs, params: CoverageParams, rules: dict[str, Bilingual]) -> list[dict]:
    closest = _closest_unassigned(data.scores, "sdg_target")
    totals = data.by_sdg_target.groupby("sdg_target", sort=False)["n_recommendations"].sum()
    out = []
    for target, n in totals.items():
        if n > params.target_max_count:
            continue
        if (ALL_GROUPS, target) in closest.index:
            row = closest.loc[(ALL_GROUPS, target)]
            evidence = {"en": f"{n} assigned; best unassigned candidate: {row['rec_id']} "
                              f"(score {_number(row['score'], 'en')})",
                        "fr": f"{n} rattachée(s) ; meilleure candidate non retenue : {row['rec_id']} "
                              f"(score {_number(row['score'], 'fr')})"}
        else:
            evidence = {"en": f"{n} assigned; no Recommendation has it among its best-scored targets",
                        "fr": f"{n} rattachée(s) ; aucune Recommandation ne la compte parmi ses cibles "
                              f"les mieux notées"}
        out.append(_gap("uncovered_target", "", ALL_GROUPS, "sdg_target", target, "", n,
                        params.target_max_count, n, len(data.recs), rules["uncovered_target"], evidence))
    return out


def _recent_gaps(data: GapInputs, taxonomy: Taxonomy, params: CoverageParams, as_of: dt.date,
                 rules: dict[str, Bilingual]) -> list[dict]:
    since = as_of - dt.timedelta(days=round(params.recent_years * 365.25))
    lines = data.assigned[data.assigned["taxonomy"] == "action_line"]
    dated = lines[lines["approved"].notna()]
    recent = dated[dated["approved"] > since]
    out = []
    for line in (label.code for label in taxonomy.action_lines):
        n_recent = recent.loc[recent["label"] == line, "rec_id"].nunique()
        if n_recent >= params.recent_min_count:
            continue
        on_line = dated[dated["label"] == line].sort_values(["approved", "rec_id"], ascending=[False, True])
        n_all = lines.loc[lines["label"] == line, "rec_id"].nunique()
        latest = {"en": "", "fr": ""}
        if not on_line.empty:
            top = on_line.iloc[0]
            latest = {"en": f"; latest: {top['rec_id']} ({top['approved'].isoformat()})",
                      "fr": f" ; la plus récente : {top['rec_id']} ({top['approved'].isoformat()})"}
        evidence = {"en": f"{n_recent} approved since {since.isoformat()}; {n_all} in force in all" + latest["en"],
                    "fr": f"{n_recent} approuvée(s) depuis le {since.isoformat()} ; {n_all} en vigueur au "
                          f"total" + latest["fr"]}
        out.append(_gap("no_recent_work", "5", ALL_GROUPS, "action_line", line, "", n_recent,
                        params.recent_min_count, n_recent, n_all, rules["no_recent_work"], evidence))
    return out


def _gap(kind: str, resolves: str, study_group: str, taxonomy: str, label: str, period: str, value: float,
         threshold: float, n: int, base: int, rule: Bilingual, evidence: Bilingual,
         drill: str | None = None) -> dict:
    return {"gap": kind, "resolves": resolves, "study_group": study_group, "taxonomy": taxonomy,
            "label": label, "study_period": period, "value": round(float(value), 4),
            "threshold": round(float(threshold), 4), "n_recommendations": int(n), "base": int(base),
            "rule_en": rule["en"], "rule_fr": rule["fr"], "evidence_en": evidence["en"],
            "evidence_fr": evidence["fr"], "drill": drill or drill_key(taxonomy, label, study_group)}


def find_gaps(data: GapInputs, *, taxonomy: Taxonomy, params: CoverageParams,
              as_of: dt.date | None) -> pd.DataFrame:
    """Every gap, ordered by rule, then study group (ITU-T order), then label (taxonomy order).

    Without ``as_of`` (no approval date anywhere) the two time-based rules have nothing to judge.
    """
    rules = gap_rules(params, as_of)
    rows = _share_gaps(data, params, rules)
    if as_of:
        rows += _decline_gaps(data, params, as_of, rules)
    rows += _target_gaps(data, params, rules)
    if as_of:
        rows += _recent_gaps(data, taxonomy, params, as_of, rules)
    table = pd.DataFrame.from_records(rows, columns=GAP_COLUMNS)
    group_order = {sg: i for i, sg in enumerate(study_groups(data.recs) + [ALL_GROUPS])}
    label_order = {(name, l.code): i for name in ("action_line", "sdg_goal", "sdg_target")
                   for i, l in enumerate(taxonomy.labels(name))}
    table["_k"] = table["gap"].map(GAP_KINDS.index)
    table["_g"] = table["study_group"].map(group_order)
    table["_l"] = [label_order[(t, l)] for t, l in zip(table["taxonomy"], table["label"])]
    table = table.sort_values(["_k", "_g", "_l"], kind="stable").drop(columns=["_k", "_g", "_l"])
    table = table.astype({"n_recommendations": "int64", "base": "int64", "value": "float64",
                          "threshold": "float64"})
    return table.reset_index(drop=True)
