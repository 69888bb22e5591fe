"""summary.md: a short Markdown digest in one language, to paste into a TSB report to the Council
Working Group on WSIS & SDGs. It states what was counted, the priority lines, the SDG reach, the
trend of the priority lines and the gaps, each gap rule written out once. Input text is escaped so a
title or id cannot turn into Markdown or HTML in whatever renders the report.
"""
from __future__ import annotations

import re

from pipeline.coverage import ALL_GROUPS, GAP_KINDS, Coverage, pct
from pipeline.params import ReportParams
from pipeline.report.i18n import group_name, text
from pipeline.taxonomy import Taxonomy

_SPECIAL = re.compile(r"([\\`*_\[\]#|])")

WORDS = {
    "en": {
        "title": "ITU-T standards and the WSIS action lines and SDGs: coverage summary",
        "data": "{n} in-force ITU-T Recommendations of {k} study groups, approved up to {as_of}, classified "
                "from their summaries by `{model}`. Counts are a classifier's reading; each one can be "
                "traced to its Recommendations and evidence in report.html.",
        "lines": "Action lines",
        "lines_intro": "★ marks the priority lines of WTSA Resolution 75 (resolves 4). Share: of all counted "
                       "Recommendations (one Recommendation may serve several lines).",
        "head": "| | Action line | Recommendations | Share | Leading study groups |",
        "sdgs": "SDGs",
        "sdg_text": "The Recommendations serve {goals} of 17 goals and {targets} of {all_targets} targets. "
                    "Most served goals: {top}.",
        "trends": "Trends of the priority lines (resolves 5)",
        "trend_line": "- **{line}**: {prev_rate}/year in {prev} → {cur_rate}/year in {cur} (to {as_of}), "
                      "{change}.",
        "trend_none": "Not enough dated Recommendations to compare study periods.",
        "gaps": "Gaps",
        "gap_counts": "{n} gaps under {k} stated rules (thresholds in params.yaml):",
        "more": "… and {n} more in coverage/gaps.csv.",
        "targets": "{n} SDG targets have no in-force Recommendation; {linked} of them are linked to an action "
                   "line by the WSIS–SDG matrix: {codes}.",
        "none": "none",
    },
    "fr": {
        "title": "Les normes de l'UIT-T, les grandes orientations du SMSI et les ODD : synthèse de la "
                 "couverture",
        "data": "{n} Recommandations UIT-T en vigueur de {k} commissions d'études, approuvées jusqu'au {as_of}, "
                "classées d'après leurs résumés par `{model}`. Les nombres sont la lecture d'un "
                "classificateur ; chacun renvoie à ses Recommandations et justifications dans report.html.",
        "lines": "Grandes orientations",
        "lines_intro": "★ signale les orientations prioritaires de la Résolution 75 de l'AMNT (décide 4). "
                       "Part : sur l'ensemble des Recommandations comptées (une Recommandation peut relever de "
                       "plusieurs orientations).",
        "head": "| | Grande orientation | Recommandations | Part | Principales commissions |",
        "sdgs": "ODD",
        "sdg_text": "Les Recommandations servent {goals} des 17 objectifs et {targets} des {all_targets} "
                    "cibles. Objectifs les plus servis : {top}.",
        "trends": "Tendances des orientations prioritaires (décide 5)",
        "trend_line": "- **{line}** : {prev_rate} par an en {prev} → {cur_rate} par an en {cur} (jusqu'au "
                      "{as_of}), {change}.",
        "trend_none": "Trop peu de Recommandations datées pour comparer les périodes d'études.",
        "gaps": "Lacunes",
        "gap_counts": "{n} lacunes selon {k} règles énoncées (seuils dans params.yaml) :",
        "more": "… et {n} autres dans coverage/gaps.csv.",
        "targets": "{n} cibles ODD n'ont aucune Recommandation en vigueur ; {linked} d'entre elles sont reliées "
                   "à une grande orientation par la matrice SMSI–ODD : {codes}.",
        "none": "aucune",
    },
}


def md(value: str) -> str:
    """Input text as literal Markdown: HTML metacharacters as entities, Markdown syntax backslashed."""
    value = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", value)


def _num(value: float, lang: str, digits: int = 1) -> str:
    out = f"{value:.{digits}f}"
    return out.replace(".", ",") if lang == "fr" else out


def _lines(coverage: Coverage, taxonomy: Taxonomy, lang: str, words: dict) -> list[str]:
    total = len(coverage.recommendations)
    table = coverage.by_action_line
    out = [f"## {words['lines']}", "", words["lines_intro"], "", words["head"], "|---|---|---:|---:|---|"]
    for line in taxonomy.action_lines:
        rows = table[table["action_line"] == line.code]
        n = int(rows["n_recommendations"].sum())
        leaders = rows[rows["n_recommendations"] > 0].sort_values("n_recommendations", ascending=False,
                                                                  kind="stable").head(3)  # ties: ITU-T order
        lead = ", ".join(f"{md(group_name(r.study_group, lang))} ({r.n_recommendations})"
                         for r in leaders.itertuples(index=False)) or words["none"]
        star = "★" if line.code in coverage.params.priority_lines else ""
        out.append(f"| {star} | **{line.code}** {md(line.name[lang])} | {n} | "
                   f"{pct(n / total if total else 0.0, lang)} | {lead} |")
    return out + [""]


def _sdgs(coverage: Coverage, taxonomy: Taxonomy, lang: str, words: dict) -> list[str]:
    goals = coverage.by_sdg_goal.groupby("sdg_goal", sort=False)["n_recommendations"].sum()
    targets = coverage.by_sdg_target.groupby("sdg_target", sort=False)["n_recommendations"].sum()
    names = {g.code: g.name[lang] for g in taxonomy.goals}
    top = goals[goals > 0].sort_values(ascending=False, kind="stable").head(5)
    top_text = ", ".join(f"{text('sdg', lang)} {code} {md(names[code])} ({n})" for code, n in top.items())
    return [f"## {words['sdgs']}", "",
            words["sdg_text"].format(goals=int((goals > 0).sum()), targets=int((targets > 0).sum()),
                                     all_targets=len(targets), top=top_text or words["none"]), ""]


def _trends(coverage: Coverage, lang: str, words: dict) -> list[str]:
    table = coverage.trends_by_period
    table = table[(table["taxonomy"] == "action_line") & (table["study_group"] == ALL_GROUPS)
                  & table["per_year"].notna()]
    periods = list(dict.fromkeys(table["study_period"]))
    out = [f"## {words['trends']}", ""]
    if len(periods) < 2 or coverage.as_of is None:
        return out + [words["trend_none"], ""]
    prev, cur = periods[-2], periods[-1]
    for line in coverage.params.priority_lines:
        rows = table[table["label"] == line].set_index("study_period")
        before, now = rows.loc[prev, "per_year"], rows.loc[cur, "per_year"]
        change = "–" if before == 0 else (("+" if now >= before else "−") + pct(abs(now / before - 1), lang))
        out.append(words["trend_line"].format(line=line, prev_rate=_num(before, lang), prev=prev,
                                              cur_rate=_num(now, lang), cur=cur, as_of=coverage.as_of.isoformat(),
                                              change=change))
    return out + [""]


def _gaps(coverage: Coverage, taxonomy: Taxonomy, params: ReportParams, lang: str, words: dict) -> list[str]:
    gaps = coverage.gaps
    out = [f"## {words['gaps']}", "",
           words["gap_counts"].format(n=len(gaps), k=len(coverage.rules)), ""]
    for kind in GAP_KINDS:
        if kind in coverage.rules:
            colon = ":" if lang == "en" else " :"
            out.append(f"- *{md(text('gap_' + kind, lang))}* ({int((gaps['gap'] == kind).sum())}){colon} "
                       f"{md(coverage.rules[kind][lang])}")
    out.append("")
    listed = gaps[gaps["gap"] != "uncovered_target"]
    names = {(name, l.code): l.name[lang] for name in ("action_line", "sdg_goal", "sdg_target")
             for l in taxonomy.labels(name)}
    for row in listed.head(params.summary_max_gaps).itertuples(index=False):
        where = md(group_name(row.study_group, lang))
        label = md(names[(row.taxonomy, row.label)])
        colon = ":" if lang == "en" else " :"
        out.append(f"- **{where} · {md(row.label)}** {label}{colon} {md(getattr(row, 'evidence_' + lang))}")
    if len(listed) > params.summary_max_gaps:
        out.append(f"- {words['more'].format(n=len(listed) - params.summary_max_gaps)}")
    targets = gaps[gaps["gap"] == "uncovered_target"]
    if len(targets):
        linked = {target for _, _, target in taxonomy.links if target}
        codes = [t for t in targets["label"] if t in linked]
        out += ["", words["targets"].format(n=len(targets), linked=len(codes),
                                            codes=", ".join(md(c) for c in codes) or words["none"])]
    return out + [""]


def render_summary(coverage: Coverage, *, taxonomy: Taxonomy, params: ReportParams | None = None,
                   lang: str | None = None) -> str:
    params = params or ReportParams()
    lang = lang or params.lang
    words = WORDS[lang]
    recs = coverage.recommendations
    header = [f"# {words['title']}", "",
              words["data"].format(n=len(recs), k=recs["study_group"].nunique(),
                                   as_of=coverage.as_of.isoformat() if coverage.as_of else "–",
                                   model=coverage.model_version.replace("`", "'")), ""]
    parts = (header + _lines(coverage, taxonomy, lang, words) + _sdgs(coverage, taxonomy, lang, words)
             + _trends(coverage, lang, words) + _gaps(coverage, taxonomy, params, lang, words))
    return "\n".join(parts).rstrip() + "\n"
