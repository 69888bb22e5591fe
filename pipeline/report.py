"""The bilingual HTML coverage report: one self-contained file that works offline when emailed.

Every visible label exists in English and French; the page shows one language at a time and a
button switches. All text that came from input files is HTML-escaped.
"""
from __future__ import annotations

from html import escape

import pandas as pd

from pipeline.coverage import Coverage
from pipeline.taxonomy import PRIORITY_LINES, Taxonomy

UI = {
    "title": ("ITU-T contribution to WSIS action lines and the SDGs",
              "Contribution de l'UIT-T aux grandes orientations du SMSI et aux ODD"),
    "intro": ("In-force Recommendations per study group, classified from their summaries. "
              "C2, C5 and C6 are the priority lines of WTSA Resolution 75 (resolves 4). "
              "Click a count to see the Recommendations and the evidence behind it.",
              "Recommandations en vigueur par commission d'études, classées d'après leurs résumés. "
              "C2, C5 et C6 sont les grandes orientations prioritaires de la Résolution 75 de l'AMNT "
              "(décide 4). Cliquez sur un nombre pour voir les Recommandations et les éléments qui le justifient."),
    "lines": ("Study group × WSIS action line", "Commission d'études × grande orientation du SMSI"),
    "goals": ("Study group × SDG", "Commission d'études × ODD"),
    "sg": ("Study group", "Commission d'études"),
    "total": ("Recommendations", "Recommandations"),
    "drill": ("Recommendations behind each count", "Recommandations derrière chaque nombre"),
    "priority": ("priority line (Res. 75)", "orientation prioritaire (Rés. 75)"),
    "score": ("score", "score"),
    "evidence": ("evidence", "justification"),
    "toggle": ("Français", "English"),
    "gaps": ("Priority lines with no in-force work", "Orientations prioritaires sans travaux en vigueur"),
    "none": ("none", "aucun"),
}

CSS = """
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1b1b1b}
body.lang-en .fr, body.lang-fr .en{display:none}
table{border-collapse:collapse;margin:1rem 0}
th,td{border:1px solid #ccc;padding:.25rem .45rem;text-align:center;font-size:.85rem}
th.priority{background:#ffe9a8}
td a{color:inherit;text-decoration:none;display:block}
td.zero{color:#999}
button{float:right;padding:.4rem .8rem}
details{margin:.3rem 0} summary{cursor:pointer;font-weight:600}
.evidence{color:#444;font-size:.8rem;margin-left:1rem}
"""
SCRIPT = """
document.getElementById('lang-toggle').addEventListener('click', function () {
  var b = document.body;
  var fr = b.classList.contains('lang-en');
  b.classList.toggle('lang-en', !fr); b.classList.toggle('lang-fr', fr);
  document.documentElement.lang = fr ? 'fr' : 'en';
});
"""


def _t(en: str, fr: str) -> str:
    return f'<span class="en">{escape(en)}</span><span class="fr">{escape(fr)}</span>'


def _ui(key: str) -> str:
    return _t(*UI[key])


def _colour(share: float) -> str:
    """White to deep blue with the share of the group's Recommendations."""
    level = max(0.0, min(1.0, share))
    r, g, b = (int(255 - level * (255 - c)) for c in (33, 102, 172))
    ink = "#fff" if level > 0.55 else "#1b1b1b"
    return f"background:rgb({r},{g},{b});color:{ink}"


def _anchor(sg: str, taxonomy: str, code: str) -> str:
    return f"d-{sg}-{taxonomy}-{code}".replace(".", "_").replace(" ", "_")


def _heatmap(table: pd.DataFrame, column: str, taxonomy_name: str, taxonomy: Taxonomy) -> str:
    codes = list(dict.fromkeys(table[column]))
    names = taxonomy.by_code(taxonomy_name)
    head = "".join(
        f'<th class="{"priority" if code in PRIORITY_LINES and taxonomy_name == "action_line" else ""}"'
        f' title="{escape(names[code].name["en"])}">'
        f'{_t(code, code)}</th>' for code in codes
    )
    body = []
    for sg, rows in table.groupby("study_group", sort=False):
        total = int(rows["group_total"].iloc[0])
        cells = []
        for row in rows.itertuples(index=False):
            code, n = getattr(row, column), row.n_recommendations
            if n == 0:
                cells.append('<td class="zero">0</td>')
            else:
                cells.append(f'<td style="{_colour(row.share)}" title="{row.share:.0%}">'
                             f'<a href="#{_anchor(sg, taxonomy_name, code)}">{n}</a></td>')
        body.append(f"<tr><th>{escape(sg)}</th><td>{total}</td>{''.join(cells)}</tr>")
    return (f'<table class="heatmap" data-taxonomy="{taxonomy_name}"><thead><tr><th>{_ui("sg")}</th>'
            f'<th>{_ui("total")}</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')


def _legend(taxonomy_name: str, taxonomy: Taxonomy) -> str:
    items = "".join(
        f"<li><b>{escape(l.code)}</b> {_t(l.name['en'], l.name['fr'])}</li>"
        for l in taxonomy.labels(taxonomy_name)
    )
    return f'<ul class="legend">{items}</ul>'


def _drilldown(drill: pd.DataFrame, taxonomy: Taxonomy) -> str:
    parts = []
    for (sg, taxonomy_name, code), rows in drill.groupby(["study_group", "taxonomy", "label"], sort=False):
        if taxonomy_name == "sdg_target":
            continue
        label = taxonomy.by_code(taxonomy_name)[code]
        items = "".join(
            f'<li><b>{escape(r.rec_id)}</b> {escape(r.title or "")} '
            f'<span class="score">({_ui("score")} {r.score:.2f})</span>'
            f'<div class="evidence">{escape(r.evidence or "")}</div></li>'
            for r in rows.itertuples(index=False)
        )
        parts.append(
            f'<details id="{_anchor(sg, taxonomy_name, code)}"><summary>{escape(sg)} · {escape(code)} '
            f'{_t(label.name["en"], label.name["fr"])} ({len(rows)})</summary><ul>{items}</ul></details>'
        )
    return "".join(parts)


def _gaps(coverage: Coverage) -> str:
    lines = coverage.by_action_line
    gaps = lines[lines["priority"] & (lines["n_recommendations"] == 0) & (lines["group_total"] > 0)]
    if gaps.empty:
        return f"<p>{_ui('none')}</p>"
    items = "".join(f"<li>{escape(r.study_group)}: {escape(r.action_line)}</li>"
                    for r in gaps.itertuples(index=False))
    return f"<ul class=\"gaps\">{items}</ul>"


def render_report(coverage: Coverage, *, taxonomy: Taxonomy, lang: str = "en") -> str:
    if lang not in ("en", "fr"):
        raise ValueError(f"report language must be 'en' or 'fr', not {lang!r}")
    open_drill = """
window.addEventListener('hashchange', function () {
  var el = document.getElementById(location.hash.slice(1)); if (el && el.tagName === 'DETAILS') el.open = true;
});
"""
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>WSIS coverage — ITU-T</title><style>{CSS}</style></head>
<body class="lang-{lang}">
<button id="lang-toggle" type="button">{_ui("toggle")}</button>
<h1>{_ui("title")}</h1><p>{_ui("intro")}</p>
<h2>{_ui("lines")}</h2>{_heatmap(coverage.by_action_line, "action_line", "action_line", taxonomy)}
{_legend("action_line", taxonomy)}
<h2>{_ui("gaps")}</h2>{_gaps(coverage)}
<h2>{_ui("goals")}</h2>{_heatmap(coverage.by_sdg_goal, "sdg_goal", "sdg_goal", taxonomy)}
{_legend("sdg_goal", taxonomy)}
<h2>{_ui("drill")}</h2>{_drilldown(coverage.drilldown, taxonomy)}
<script>{SCRIPT}{open_drill}</script>
</body></html>
"""
