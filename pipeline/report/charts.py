"""Plotly figures for the report: the two heatmaps and the two trend charts, once per language.

Each chart is built twice, English and French, so every axis title, hover text and taxonomy name
switches with the page; the page swaps them with ``Plotly.react``. Every point carries its drill-down
key and its count as ``customdata[0]`` and ``[1]``, so a click opens the Recommendations behind it.
Trend charts hold one trace per (study group, action line) with ``meta[0]`` = study group; the page
shows one group at a time.

Figures are plain plotly JSON dicts rather than ``plotly.graph_objects``: on the full catalogue the
trend charts have over a thousand traces, and graph_objects' validation of them alone took seconds.
"""
from __future__ import annotations

import json
from html import escape

import pandas as pd

from pipeline.coverage import ALL_GROUPS, Coverage, drill_key
from pipeline.params import ReportParams
from pipeline.report.i18n import LANGS, group_name, text
from pipeline.taxonomy import Taxonomy

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"
BLUES = [[0.0, "#f4f7fb"], [0.001, "#dbe8f5"], [0.25, "#9ecae1"], [0.5, "#4a98c9"], [0.75, "#1b64a8"],
         [1.0, "#08306b"]]
PRIORITY_INK = "#e07000"
LINE_COLOURS = {"C1": "#8c6d31", "C2": "#1f4e9c", "C3": "#17a2b8", "C4": "#a6a61d", "C5": "#c62828",
                "C6": "#ef8a00", "C7": "#2e9d44", "C8": "#d45fa8", "C9": "#6c757d", "C10": "#8256b3",
                "C11": "#5b3a29"}
CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtons": [["toImage"]],
          "toImageButtonOptions": {"format": "png", "scale": 2}}

SEPARATORS = {"en": ".,", "fr": ", "}  # plotly's decimal and thousands marks: 0,5 and 1 234 in French
Figure = dict


def _layout(**extra) -> dict:
    base = {"font": {"family": FONT, "size": 13, "color": "#1b1f24"}, "paper_bgcolor": "white",
            "plot_bgcolor": "white", "hoverlabel": {"font": {"family": FONT}}, "dragmode": False}
    base.update(extra)
    return base


def _pct(share: float, lang: str) -> str:
    value = f"{share * 100:.0f}"
    return f"{value}\u202f%" if lang == "fr" else f"{value}%"


def _score(value: float, lang: str) -> str:
    if value != value:  # NaN: nothing assigned
        return "–"
    out = f"{value:.2f}"
    return out.replace(".", ",") if lang == "fr" else out


def heatmap(table: pd.DataFrame, label_column: str, taxonomy_name: str, taxonomy: Taxonomy,
            priority: tuple[str, ...], lang: str) -> Figure:
    """Study groups (with the whole Sector on top) × labels; colour = share, number = count."""
    names = {l.code: l.name[lang] for l in taxonomy.labels(taxonomy_name)}
    codes = list(names)
    present = table[table["group_total"] > 0]
    groups = list(dict.fromkeys(present["study_group"]))
    by_cell = {(sg, code): (int(n), int(total), mean) for sg, code, n, total, mean in zip(
        present["study_group"], present[label_column], present["n_recommendations"], present["group_total"],
        present["mean_score"])}
    totals = present.groupby(label_column, sort=False)["n_recommendations"].sum()
    sector_total = int(present.drop_duplicates("study_group")["group_total"].sum())

    z, labels, custom, ticks = [], [], [], []
    for sg in [ALL_GROUPS] + groups:
        row_z, row_text, row_custom = [], [], []
        for code in codes:
            if sg == ALL_GROUPS:
                n, total, mean = int(totals.get(code, 0)), sector_total, float("nan")
            else:
                n, total, mean = by_cell[(sg, code)]
            share = n / total if total else 0.0
            row_z.append(round(share, 4))
            row_text.append(str(n) if n else "")
            row_custom.append([drill_key(taxonomy_name, code, sg), n, escape(names[code]), total,
                               _pct(share, lang), _score(mean, lang)])
        z.append(row_z)
        labels.append(row_text)
        custom.append(row_custom)
        name = escape(group_name(sg, lang))
        ticks.append(f"<b>{name}</b> ({total})" if sg == ALL_GROUPS else f"{name} ({total})")

    of, mean_score = ("of", "mean score") if lang == "en" else ("sur", "score moyen")
    hover = (f"<b>%{{y}}</b> · {text(taxonomy_name, lang)} %{{x}}<br>%{{customdata[2]}}<br>"
             f"<b>%{{customdata[1]}}</b> {of} %{{customdata[3]}} (%{{customdata[4]}})"
             f" · {mean_score} %{{customdata[5]}}<extra></extra>")
    zmax = max([max(r) for r in z[1:]] or [0.0]) or 1.0
    y = list(range(len(ticks)))
    shapes = [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": 0.5, "y1": 0.5,
               "line": {"color": "#1b1f24", "width": 1.5}}]
    highlighted = priority if taxonomy_name == "action_line" else ()
    for code in highlighted:
        if code in codes:
            i = codes.index(code)
            shapes.append({"type": "rect", "xref": "x", "yref": "y", "x0": i - 0.5, "x1": i + 0.5, "y0": -0.5,
                           "y1": len(ticks) - 0.5, "line": {"color": PRIORITY_INK, "width": 3}})
    ticktext = [f"<b style='color:{PRIORITY_INK}'>{c}</b>" if c in highlighted else c for c in codes]
    trace = {"type": "heatmap", "z": z, "x": codes, "y": y, "text": labels, "texttemplate": "%{text}",
             "customdata": custom, "hovertemplate": hover, "colorscale": BLUES, "zmin": 0, "zmax": zmax,
             "xgap": 2, "ygap": 2,
             "colorbar": {"title": {"text": "share" if lang == "en" else "part", "side": "right"},
                          "tickformat": ".0%", "thickness": 12, "len": 0.8}}
    layout = _layout(
        height=90 + 30 * len(ticks), margin={"l": 10, "r": 10, "t": 40, "b": 10}, shapes=shapes,
        separators=SEPARATORS[lang],
        xaxis={"side": "top", "tickvals": codes, "ticktext": ticktext, "fixedrange": True, "type": "category"},
        yaxis={"tickvals": y, "ticktext": ticks, "autorange": "reversed", "fixedrange": True, "automargin": True},
    )
    return {"data": [trace], "layout": layout}


def _trend_traces(frame: pd.DataFrame, key_column: str, x_of, y_column: str, bucket, lines: dict,
                  hover: str, lang: str) -> list[dict]:
    traces = []
    for (sg, code), rows in frame.groupby(["study_group", "label"], sort=False):
        main = code in lines["priority"]
        keys = rows[key_column].tolist()
        traces.append({
            "type": "scatter", "mode": "lines+markers", "name": code, "legendgroup": code,
            "x": [x_of(v) for v in keys], "y": rows[y_column].tolist(),
            "meta": [sg, escape(group_name(sg, lang)), escape(lines["names"][code])],
            "visible": sg == ALL_GROUPS,
            "line": {"color": LINE_COLOURS.get(code, "#888"), "width": 4 if main else 1.8},
            "marker": {"size": 8 if main else 5}, "opacity": 1.0 if main else 0.75,
            "customdata": [[drill_key("action_line", code, sg, bucket(v)), int(n)]
                           for v, n in zip(keys, rows["n_recommendations"])],
            "hovertemplate": hover,
        })
    return traces


def _trend_layout(title: str, x_title: str, y_title: str, lang: str, **xaxis) -> dict:
    return _layout(
        height=430, margin={"l": 10, "r": 10, "t": 50, "b": 10}, separators=SEPARATORS[lang],
        title={"text": title, "font": {"size": 15}, "x": 0.01},
        xaxis={"title": {"text": x_title, "standoff": 12}, "fixedrange": True, "gridcolor": "#f0f2f5",
               "automargin": True, **xaxis},
        yaxis={"title": {"text": y_title}, "rangemode": "tozero", "fixedrange": True, "gridcolor": "#e6e9ee",
               "automargin": True},
        legend={"orientation": "v", "x": 1.01, "y": 1}, hovermode="closest",
    )


def _lines(coverage: Coverage, taxonomy: Taxonomy, lang: str) -> dict:
    return {"priority": coverage.params.priority_lines,
            "names": {l.code: l.name[lang] for l in taxonomy.action_lines}}


def trend_by_period(coverage: Coverage, taxonomy: Taxonomy, params: ReportParams, lang: str) -> Figure:
    """Recommendations per year of each study period: the only fair way to compare unequal periods."""
    table = coverage.trends_by_period
    table = table[(table["taxonomy"] == "action_line") & table["per_year"].notna()]
    first_year = table["study_period"].str[:4].astype(int)  # "before 1989" has no per-year figure
    table = table[first_year >= params.trend_from_year - 1]
    running = set(table.loc[table["running"], "study_period"])
    suffix = f" ({text('to_date', lang)})"
    per_year, recs = text("per_year", lang), text("count", lang)
    hover = (f"<b>%{{meta[1]}} · %{{fullData.name}}</b> · %{{x}}<br>%{{meta[2]}}<br>"
             f"<b>%{{y:.1f}}</b> {per_year} (%{{customdata[1]}} {recs})<extra></extra>")
    traces = _trend_traces(table, "study_period", lambda p: p + suffix if p in running else p, "per_year",
                           lambda p: f"p:{p}", _lines(coverage, taxonomy, lang), hover, lang)
    return {"data": traces, "layout": _trend_layout(text("trend_period", lang), text("period", lang),
                                                    per_year, lang, type="category")}


def trend_by_year(coverage: Coverage, taxonomy: Taxonomy, params: ReportParams, lang: str) -> Figure:
    table = coverage.trends_by_year
    table = table[(table["taxonomy"] == "action_line") & (table["year"] >= params.trend_from_year)]
    recs = text("count", lang)
    hover = (f"<b>%{{meta[1]}} · %{{fullData.name}}</b> · %{{x}}<br>%{{meta[2]}}<br>"
             f"<b>%{{y}}</b> {recs}<extra></extra>")
    traces = _trend_traces(table, "year", int, "n_recommendations", lambda y: f"y:{int(y)}",
                           _lines(coverage, taxonomy, lang), hover, lang)
    return {"data": traces, "layout": _trend_layout(text("trend_year", lang), text("year", lang), recs, lang,
                                                    dtick=2)}


def figures(coverage: Coverage, taxonomy: Taxonomy, params: ReportParams) -> dict[str, str]:
    """Chart id → ``{"en": figure, "fr": figure}`` as JSON text, ready to embed."""
    priority = coverage.params.priority_lines
    builders = {
        "heat-lines": lambda lang: heatmap(coverage.by_action_line, "action_line", "action_line", taxonomy,
                                           priority, lang),
        "heat-goals": lambda lang: heatmap(coverage.by_sdg_goal, "sdg_goal", "sdg_goal", taxonomy, priority,
                                           lang),
        "trend-period": lambda lang: trend_by_period(coverage, taxonomy, params, lang),
        "trend-year": lambda lang: trend_by_year(coverage, taxonomy, params, lang),
    }
    return {chart: json.dumps({lang: build(lang) for lang in LANGS}, ensure_ascii=False, separators=(",", ":"),
                              allow_nan=False)
            for chart, build in builders.items()}
