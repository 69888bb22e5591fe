"""The report page: one self-contained HTML file (CSS, data, plotly.js and our script inline).

Nothing is fetched when the file is opened, so it works offline when emailed. Every string that came
from an input file — titles, Recommendation ids, evidence sentences, study group names — is escaped
with ``html.escape`` before it reaches the page, including inside the JSON the drill-down panel reads;
the panel inserts those already-escaped strings as markup, so a title containing ``<script>`` shows
as text. JSON embedded in ``<script>`` also has every ``<`` written as ``\\u003c``.
"""
from __future__ import annotations

import json
from html import escape
from importlib import resources

import pandas as pd
from plotly.offline import get_plotlyjs

from pipeline.coverage import ALL_GROUPS, GAP_KINDS, Coverage, drill_key, pct, study_groups
from pipeline.params import ReportParams
from pipeline.report.charts import CONFIG, figures
from pipeline.report.i18n import LANGS, UI, group, group_name, t, ui
from pipeline.taxonomy import Taxonomy


def _asset(name: str) -> str:
    return resources.files("pipeline.report").joinpath(name).read_text(encoding="utf-8")


def _script_json(value) -> str:
    """JSON safe to place inside a <script> element."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _link(key: str, content: str, cls: str = "") -> str:
    extra = f' class="{cls}"' if cls else ""
    return f'<a href="#drill={escape(key)}" data-drill="{escape(key)}"{extra}>{content}</a>'


def _num(value: float, lang: str, digits: int = 2) -> str:
    if value != value:
        return "–"
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "fr" else text


def _both_num(value: float, digits: int = 2) -> str:
    return t(_num(value, "en", digits), _num(value, "fr", digits))


def _both_pct(share: float) -> str:
    return t(pct(share, "en"), pct(share, "fr"))


# --- header and key figures -------------------------------------------------------------------------

def _header(coverage: Coverage) -> str:
    recs = coverage.recommendations
    n_groups = recs["study_group"].nunique()
    as_of = coverage.as_of.isoformat() if coverage.as_of else "–"
    facts = (f'<b>{len(recs)}</b> {ui("counted")} · <b>{n_groups}</b> {ui("groups")} · {ui("as_of")} '
             f'<b>{as_of}</b> · {ui("model")} <code>{escape(coverage.model_version)}</code>')
    nav = "".join(f'<a href="#{anchor}">{ui(key)}</a>' for anchor, key in (
        ("s-lines", "nav_lines"), ("s-goals", "nav_goals"), ("s-trends", "nav_trends"), ("s-gaps", "nav_gaps"),
        ("s-tables", "nav_tables")))
    return f"""<header class="top">
<div class="brand"><h1>{ui("title")}</h1><p class="sub">{ui("subtitle")}</p><p class="facts">{facts}</p></div>
<div class="controls"><span class="lang-label">{ui("lang_label")}</span>
<div class="seg" role="group"><button type="button" id="lang-en" data-lang="en">EN</button><button type="button"
 id="lang-fr" data-lang="fr">FR</button></div></div>
<nav>{nav}</nav></header>"""


def _cards(coverage: Coverage, taxonomy: Taxonomy) -> str:
    lines = coverage.by_action_line
    total = len(coverage.recommendations)
    names = taxonomy.by_code("action_line")
    cards = []
    for code in coverage.params.priority_lines:
        n = int(lines.loc[lines["action_line"] == code, "n_recommendations"].sum())
        share = n / total if total else 0.0
        name = names[code].name
        cards.append(f'<div class="card priority">{_link(drill_key("action_line", code), f"<b>{n}</b>")}'
                     f'<span class="code">{escape(code)}</span><span class="pct">{_both_pct(share)} '
                     f'{ui("of_all")}</span><span class="nm">{t(name["en"], name["fr"])}</span></div>')
    covered = int((coverage.by_sdg_target.groupby("sdg_target")["n_recommendations"].sum() > 0).sum())
    n_targets = coverage.by_sdg_target["sdg_target"].nunique()
    cards.append(f'<div class="card"><b>{covered}</b><span class="code">/ {n_targets}</span>'
                 f'<span class="nm">{ui("targets_covered")}</span></div>')
    on_lines = int((coverage.gaps["taxonomy"] == "action_line").sum())
    on_targets = len(coverage.gaps) - on_lines
    cards.append(f'<div class="card gapcard"><a href="#s-gaps"><b>{on_lines}</b></a>'
                 f'<span class="nm">{ui("gaps_found")}</span>'
                 f'<span class="pct">+ {on_targets} {ui("targets_uncovered")}</span></div>')
    return (f'<section class="cards"><h2 class="cards-title">{ui("priority_cards")}</h2>'
            f'<div class="card-row">{"".join(cards)}</div></section>')


# --- charts -----------------------------------------------------------------------------------------

def _legend(taxonomy_name: str, taxonomy: Taxonomy, priority: tuple[str, ...]) -> str:
    items = "".join(
        f'<li class="{"priority" if taxonomy_name == "action_line" and l.code in priority else ""}">'
        f'<b>{escape(l.code)}</b> {t(l.name["en"], l.name["fr"])}</li>'
        for l in taxonomy.labels(taxonomy_name))
    return f'<ul class="legend legend-{taxonomy_name}">{items}</ul>'


def _chart(chart_id: str, extra_class: str = "") -> str:
    return (f'<div class="chart {extra_class}" id="{chart_id}" data-fig="fig-{chart_id}"'
            f' role="img"></div>')


def _trend_controls(coverage: Coverage) -> str:
    present = [sg for sg in study_groups(coverage.recommendations)
               if sg in set(coverage.recommendations["study_group"])]
    options = "".join(
        f'<option value="{escape(sg)}" data-en="{escape(group_name(sg, "en"))}" '
        f'data-fr="{escape(group_name(sg, "fr"))}">{escape(group_name(sg, "en"))}</option>'
        for sg in [ALL_GROUPS] + present)
    return (f'<label class="picker">{ui("trend_group")} <select id="trend-group">{options}</select></label>')


# --- gaps -------------------------------------------------------------------------------------------

def _gap_item(row, taxonomy: Taxonomy) -> str:
    label = taxonomy.by_code(row.taxonomy)[row.label].name
    where = f"{group(row.study_group)} · " if row.gap != "no_recent_work" else ""  # that rule is Sector-wide
    link = _link(row.drill, ui("show_list"), "more") if row.n_recommendations > 0 else ""
    return (f'<li><span class="where">{where}<b>{escape(row.label)}</b> {t(label["en"], label["fr"])}</span>'
            f'<span class="ev">{t(row.evidence_en, row.evidence_fr)}</span> {link}</li>')


def _target_gaps(rows: pd.DataFrame, taxonomy: Taxonomy) -> str:
    targets = taxonomy.by_code("sdg_target")
    goals = taxonomy.by_code("sdg_goal")
    linked = {target for _, _, target in taxonomy.links if target}
    per_goal = {}
    for row in rows.itertuples(index=False):
        per_goal.setdefault(targets[row.label].parent, []).append(row)
    items = []
    for goal, goal_rows in per_goal.items():
        n_targets = sum(1 for l in taxonomy.targets if l.parent == goal)
        chips = "".join(
            f'<span class="chip{" linked" if r.label in linked else ""}" tabindex="0">{escape(r.label)}'
            f'<span class="tip"><b>{escape(r.label)}</b> {t(targets[r.label].name["en"], targets[r.label].name["fr"])}'
            f'<br>{t(r.evidence_en, r.evidence_fr)}</span></span>' for r in goal_rows)
        name = goals[goal].name
        items.append(f'<li><span class="where">{ui("sdg")} {escape(goal)} {t(name["en"], name["fr"])} '
                     f'<small>({len(goal_rows)}/{n_targets})</small></span><span class="chips">{chips}</span></li>')
    return (f'<ul class="gap-list targets">{"".join(items)}</ul><p class="note">{ui("linked_note")}</p>')


def _gaps(coverage: Coverage, taxonomy: Taxonomy) -> str:
    parts = []
    for kind in GAP_KINDS:
        if kind not in coverage.rules:
            continue
        rows = coverage.gaps[coverage.gaps["gap"] == kind]
        rule = coverage.rules[kind]
        if rows.empty:
            body = f'<p class="none">{ui("no_gaps")}</p>'
        elif kind == "uncovered_target":
            body = _target_gaps(rows, taxonomy)
        else:
            body = f'<ul class="gap-list">{"".join(_gap_item(r, taxonomy) for r in rows.itertuples(index=False))}</ul>'
        parts.append(f'<div class="gap-kind" id="gap-{kind}"><h3>{ui("gap_" + kind)} <span class="badge">'
                     f'{len(rows)}</span></h3><p class="rule"><b>{ui("rule")}</b> · {t(rule["en"], rule["fr"])}'
                     f'</p>{body}</div>')
    return "".join(parts)


# --- sortable, filterable tables --------------------------------------------------------------------

def _table(table: pd.DataFrame, label_column: str, taxonomy_name: str, taxonomy: Taxonomy,
           groups: list[str], hide_zero: bool) -> str:
    order = {l.code: i for i, l in enumerate(taxonomy.labels(taxonomy_name))}
    group_order = {sg: i for i, sg in enumerate(groups)}
    extra_head = {"action_line": f'<th data-type="num">{ui("priority")}</th>',
                  "sdg_target": f'<th data-type="num">{ui("linked")}</th>'}.get(taxonomy_name, "")
    head = (f'<tr><th data-type="num">{ui("sg")}</th><th data-type="num">{ui("code")}</th>'
            f'<th data-type="text">{ui("name")}</th>{extra_head}<th data-type="num" class="n">{ui("n")}</th>'
            f'<th data-type="num" class="n">{ui("total")}</th><th data-type="num" class="n">{ui("share")}</th>'
            f'<th data-type="num" class="n">{ui("mean_score")}</th></tr>')
    rows = []
    present = table[table["group_total"] > 0]
    for row in present.itertuples(index=False):
        code = getattr(row, label_column)
        n = row.n_recommendations
        count = _link(drill_key(taxonomy_name, code, row.study_group), str(n)) if n else "0"
        flag = ""
        if taxonomy_name == "action_line":
            flag = f'<td data-v="{int(row.priority)}">{"★" if row.priority else ""}</td>'
        elif taxonomy_name == "sdg_target":
            flag = f'<td data-v="{int(row.wsis_linked)}">{ui("yes") if row.wsis_linked else ""}</td>'
        mean = row.mean_score
        rows.append(
            f'<tr data-sg="{escape(row.study_group)}" data-n="{n}"{" class=zero" if n == 0 else ""}>'
            f'<td data-v="{group_order.get(row.study_group, 999)}">{group(row.study_group)}</td>'
            f'<td data-v="{order[code]}"><b>{escape(code)}</b></td>'
            f'<td>{t(row.name_en, row.name_fr)}</td>{flag}'
            f'<td class="n" data-v="{n}">{count}</td><td class="n" data-v="{row.group_total}">{row.group_total}</td>'
            f'<td class="n" data-v="{row.share}">{_both_pct(row.share)}</td>'
            f'<td class="n" data-v="{-1 if mean != mean else mean}">{_both_num(mean)}</td></tr>')
    checked = " checked" if hide_zero else ""
    options = "".join(f'<option value="{escape(sg)}" data-en="{escape(group_name(sg, "en"))}" '
                      f'data-fr="{escape(group_name(sg, "fr"))}">{escape(group_name(sg, "en"))}</option>'
                      for sg in groups if sg in set(present["study_group"]))
    return f"""<div class="table-tools">
<input type="search" class="filter" data-en="{escape(UI['filter'][0])}" data-fr="{escape(UI['filter'][1])}"
 placeholder="{escape(UI['filter'][0])}" aria-label="filter">
<select class="group-filter"><option value="" data-en="{escape(UI['all_groups'][0])}"
 data-fr="{escape(UI['all_groups'][1])}">{escape(UI['all_groups'][0])}</option>{options}</select>
<label><input type="checkbox" class="hide-zero"{checked}> {ui("hide_zero")}</label>
<span class="shown"></span></div>
<div class="table-wrap"><table class="data sortable" data-taxonomy="{taxonomy_name}"><thead>{head}</thead>
<tbody>{"".join(rows)}</tbody></table></div>"""


def _tables(coverage: Coverage, taxonomy: Taxonomy) -> str:
    groups = study_groups(coverage.recommendations)
    tabs = (("t-lines", "tab_lines", coverage.by_action_line, "action_line", False),
            ("t-goals", "tab_goals", coverage.by_sdg_goal, "sdg_goal", False),
            ("t-targets", "tab_targets", coverage.by_sdg_target, "sdg_target", True))
    buttons = "".join(f'<button type="button" role="tab" data-tab="{tab_id}"{" class=active" if i == 0 else ""}>'
                      f'{ui(key)}</button>' for i, (tab_id, key, *_rest) in enumerate(tabs))
    panels = "".join(
        f'<div class="tab-panel" id="{tab_id}"{"" if i == 0 else " hidden"}>'
        f'{_table(table, name, name, taxonomy, groups, hide_zero)}</div>'
        for i, (tab_id, _key, table, name, hide_zero) in enumerate(tabs))
    return f'<div class="tabs" role="tablist">{buttons}</div>{panels}'


# --- drill-down data --------------------------------------------------------------------------------

def _split_evidence(evidence: str) -> tuple[str, str, str]:
    """("t", terms, quoted sentences) | ("c", "", closest sentence) | ("", "", text), all escaped."""
    if evidence.startswith("terms: "):
        terms, _, quotes = evidence[len("terms: "):].partition(" | ")
        return "t", escape(terms), escape(quotes)
    if evidence.startswith("closest sentence: "):
        return "c", "", escape(evidence[len("closest sentence: "):])
    return "", "", escape(evidence)


def _drill_data(coverage: Coverage, taxonomy: Taxonomy) -> dict:
    recs = coverage.recommendations.reset_index(drop=True)
    index = {rec_id: i for i, rec_id in enumerate(recs["rec_id"])}
    rec_rows = [[escape(rec_id), escape(title_en or ""), escape(title_fr or ""),
                 approved.isoformat() if pd.notna(approved) else "", int(year) if pd.notna(year) else None,
                 escape(period), escape(sg)]
                for rec_id, title_en, title_fr, approved, year, period, sg in zip(
                    recs["rec_id"], recs["title_en"], recs["title_fr"], recs["approved"], recs["year"],
                    recs["study_period"], recs["study_group"])]
    rows: dict[str, list] = {}
    drill = coverage.drilldown
    for sg, name, code, rec_id, score, evidence in zip(drill["study_group"], drill["taxonomy"], drill["label"],
                                                       drill["rec_id"], drill["score"],
                                                       drill["evidence"].fillna("")):
        rows.setdefault(drill_key(name, code, sg), []).append(
            [index[rec_id], round(float(score), 3), *_split_evidence(evidence)])
    labels = {name: {l.code: [escape(l.name["en"]), escape(l.name["fr"])] for l in taxonomy.labels(name)}
              for name in ("action_line", "sdg_goal", "sdg_target")}
    groups = study_groups(coverage.recommendations) + [ALL_GROUPS]
    return {"recs": rec_rows, "rows": rows, "labels": labels,
            "groups": {sg: [escape(group_name(sg, "en")), escape(group_name(sg, "fr"))] for sg in groups},
            "order": groups,
            "ui": {key: [escape(UI[key][0]), escape(UI[key][1])] for key in (
                "score", "approved", "terms", "closest", "no_recs", "count", "action_line", "sdg_goal",
                "sdg_target", "year", "period", "close")}}


# --- the page ---------------------------------------------------------------------------------------

def render_report(coverage: Coverage, *, taxonomy: Taxonomy, params: ReportParams | None = None,
                  lang: str | None = None) -> str:
    """The whole report as one HTML string, opening in ``lang`` (default ``params.lang``)."""
    params = params or ReportParams()
    lang = lang or params.lang
    if lang not in LANGS:
        raise ValueError(f"report language must be 'en' or 'fr', not {lang!r}")
    priority = coverage.params.priority_lines
    figs = figures(coverage, taxonomy, params)
    fig_scripts = "".join(f'<script type="application/json" id="fig-{chart}">{_script_json(doc)}</script>'
                          for chart, doc in figs.items())
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ITU-T · WSIS &amp; SDG coverage</title>
<style>{_asset("report.css")}</style></head>
<body class="lang-{lang}">
{_header(coverage)}
<main>
{_cards(coverage, taxonomy)}
<section id="s-lines"><h2>{ui("lines")}</h2><p class="note">{ui("lines_note")}</p>
{_chart("heat-lines", "heatmap")}{_legend("action_line", taxonomy, priority)}</section>
<section id="s-goals"><h2>{ui("goals")}</h2><p class="note">{ui("goals_note")}</p>
{_chart("heat-goals", "heatmap")}{_legend("sdg_goal", taxonomy, priority)}</section>
<section id="s-trends"><h2>{ui("trends")}</h2><p class="note">{ui("trends_note")}</p>
{_trend_controls(coverage)}
<div class="trend-grid">{_chart("trend-period", "trend")}{_chart("trend-year", "trend")}</div>
</section>
<section id="s-gaps"><h2>{ui("gaps")}</h2><p class="note">{ui("gaps_note")}</p>{_gaps(coverage, taxonomy)}</section>
<section id="s-tables"><h2>{ui("tables")}</h2><p class="note">{ui("tables_note")}</p>{_tables(coverage, taxonomy)}
</section>
<footer><p>{ui("footer")}</p></footer>
</main>
<aside id="drill" hidden aria-live="polite"><div class="drill-head"><div><p class="kicker">{ui("drill")}</p>
<h2 id="drill-title"></h2><p id="drill-count"></p></div>
<button type="button" id="drill-close" aria-label="close">×</button></div><ol id="drill-list"></ol></aside>
<div id="scrim" hidden></div>
{fig_scripts}
<script type="application/json" id="plot-config">{_script_json(CONFIG)}</script>
<script type="application/json" id="drill-data">{_script_json(_drill_data(coverage, taxonomy))}</script>
<script>{get_plotlyjs()}</script>
<script>{_asset("report.js")}</script>
</body></html>
"""
