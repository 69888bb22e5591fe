"""Coverage tables, study periods, gap rules, report page, workbook and summary on a tiny hand-made set.

Every expected number below is worked out by hand from ``_recs`` and ``_preds``.
"""
import datetime as dt
import json
import re
import zipfile

import pandas as pd
import pytest

from pipeline.coverage import compute_coverage
from pipeline.coverage.periods import study_period
from pipeline.params import CoverageParams, ReportParams
from pipeline.report import render_report, render_summary, write_workbook
from pipeline.schemas import PREDICTIONS, RECOMMENDATIONS
from pipeline.taxonomy import load_taxonomy

RECS = [  # rec_id, study group, status, approved, title
    ("ITU-T X.1 (05/2023)", "SG17", "in_force", "2023-05-01", "Security <script>alert(1)</script>"),
    ("ITU-T X.2 (06/2022)", "SG17", "in_force", "2022-06-01", "=HYPERLINK(\"http://x\",\"id\")"),
    ("ITU-T X.3 (03/2025)", "SG17", "in_force", "2025-03-01", "Applications"),
    ("ITU-T G.1 (01/2020)", "SG15", "in_force", "2020-01-01", "Fibre"),
    ("ITU-T G.2 (06/2024)", "SG15", "in_force", "2024-06-01", "More fibre"),
    ("ITU-T G.0 (01/2010)", "SG15", "superseded", "2010-01-01", "Old fibre"),
    ("ITU-T A.1 (02/2025)", "TSAG", "in_force", "2025-02-01", "Working methods"),
    ("ITU-T A.2 (01/2019)", "TSAG", "in_force", "2019-01-01", "More working methods"),
    ("ITU-T E.1 (01/2025)", "SG2", "in_force", "2025-01-01", "Numbering"),
]
ASSIGNED = [  # rec_id, taxonomy, label, score
    ("ITU-T X.1 (05/2023)", "action_line", "C5", 0.9), ("ITU-T X.2 (06/2022)", "action_line", "C5", 0.7),
    ("ITU-T X.2 (06/2022)", "action_line", "C2", 0.4), ("ITU-T X.3 (03/2025)", "action_line", "C7", 0.8),
    ("ITU-T G.1 (01/2020)", "action_line", "C2", 0.8), ("ITU-T G.2 (06/2024)", "action_line", "C2", 0.6),
    ("ITU-T G.0 (01/2010)", "action_line", "C2", 0.8), ("ITU-T A.1 (02/2025)", "action_line", "C11", 0.9),
    ("ITU-T A.2 (01/2019)", "action_line", "C11", 0.7), ("ITU-T E.1 (01/2025)", "action_line", "C6", 0.5),
    ("ITU-T X.1 (05/2023)", "sdg_goal", "9", 0.5), ("ITU-T X.1 (05/2023)", "sdg_target", "9.c", 0.4),
]
NOT_ASSIGNED = [("ITU-T G.1 (01/2020)", "action_line", "C5", 0.2), ("ITU-T X.3 (03/2025)", "action_line", "C6", 0.15),
                ("ITU-T X.3 (03/2025)", "sdg_target", "4.1", 0.1)]

PARAMS = CoverageParams(min_group_size=2, priority_min_share=0.3, mandate_min_share=0.7,
                        mandates=(("SG17", ("C5",)),), exempt_groups=("TSAG",), decline_max_drop=0.5,
                        decline_min_previous=2, target_max_count=0, recent_years=2, recent_min_count=1,
                        as_of="2025-06-30")


def _recs():
    rows = [{"rec_id": rec_id, "number": rec_id.split()[1], "series": rec_id[6], "lang": "en", "title": title,
             "summary": "s", "keywords": "", "study_group": sg, "approved": approved, "status": status,
             "source": "t:1", "text_sha256": rec_id} for rec_id, sg, status, approved, title in RECS]
    rows.append({**rows[0], "lang": "fr", "title": "Sécurité"})
    return RECOMMENDATIONS.validate(pd.DataFrame(rows))


def _preds():
    rows = [{"rec_id": rec_id, "lang": "all", "taxonomy": taxonomy, "label": label, "score": score,
             "assigned": assigned, "rank": 1, "evidence": "terms: x | «a <b> sentence»" if assigned else "",
             "model_version": "t"}
            for assigned, table in ((True, ASSIGNED), (False, NOT_ASSIGNED))
            for rec_id, taxonomy, label, score in table]
    rows.append({**rows[0], "lang": "en", "label": "C1"})  # a single-language row: never counted
    return PREDICTIONS.validate(pd.DataFrame(rows))


@pytest.fixture(scope="module")
def coverage():
    return compute_coverage(_recs(), _preds(), taxonomy=load_taxonomy(), params=PARAMS)


def test_study_group_by_action_line_counts_in_force_only(coverage):
    table = coverage.by_action_line.set_index(["study_group", "action_line"])
    assert table.loc[("SG17", "C5"), "n_recommendations"] == 2
    assert table.loc[("SG17", "C5"), "share"] == 0.6667
    assert table.loc[("SG17", "C5"), "mean_score"] == 0.8
    assert table.loc[("SG15", "C2"), "n_recommendations"] == 2  # the superseded edition is not counted
    assert table.loc[("SG17", "C1"), "n_recommendations"] == 0  # nor is a single-language row
    assert table.loc[("SG3", "C5"), "group_total"] == 0  # every current group gets a row
    assert table.loc[("SG15", "C5"), "priority"] and not table.loc[("SG15", "C7"), "priority"]
    assert table.loc[("SG17", "C5"), "name_fr"].startswith("Établir la confiance")
    assert len(coverage.by_action_line) == 11 * 11
    targets = coverage.by_sdg_target.set_index(["study_group", "sdg_target"])
    assert targets.loc[("SG17", "9.c"), "n_recommendations"] == 1 and targets.loc[("SG17", "9.c"), "sdg_goal"] == "9"
    assert len(coverage.by_sdg_target) == 11 * 169
    assert coverage.as_of == dt.date(2025, 6, 30)
    assert set(coverage.drilldown["rec_id"]) == {r[0] for r in RECS if r[2] == "in_force"}


@pytest.mark.parametrize("day, period", [
    ("1988-11-25", "before 1989"), ("1988-11-26", "1989–1992"), ("2016-11-03", "2013–2016"),
    ("2016-11-04", "2017–2020"), ("2022-03-09", "2017–2020"), ("2022-03-10", "2022–2024"),
    ("2024-10-24", "2022–2024"), ("2024-10-25", "2025–2028"), ("2031-01-01", "2025–2028"), (None, "")])
def test_study_periods_are_cut_at_the_assemblies_closing_days(day, period):
    assert study_period(dt.date.fromisoformat(day) if day else None) == period


def test_trends_by_period_compare_per_year(coverage):
    table = coverage.trends_by_period.set_index(["taxonomy", "label", "study_group", "study_period"])
    row = table.loc[("action_line", "C2", "ITU-T", "2017–2020")]
    assert row["n_recommendations"] == 1 and row["period_total"] == 2  # G.1 (C2) and A.2 (C11)
    assert row["period_years"] == 5.34 and row["per_year"] == 0.187  # 1952 days: Nov 2016 to Mar 2022
    running = table.loc[("action_line", "C7", "SG17", "2025–2028")]
    assert running["running"] and running["n_recommendations"] == 1
    assert running["period_end"] == dt.date(2025, 6, 30)
    by_year = coverage.trends_by_year.set_index(["taxonomy", "label", "study_group", "year"])
    assert by_year.loc[("action_line", "C5", "SG17", 2022), "n_recommendations"] == 1
    assert by_year.loc[("action_line", "C5", "SG17", 2021), "n_recommendations"] == 0  # zeros are kept


def test_gap_rules_apply_their_thresholds(coverage):
    gaps = coverage.gaps
    found = list(gaps[["gap", "study_group", "label"]].itertuples(index=False, name=None))
    assert found[:7] == [
        ("priority_share", "SG15", "C5"), ("priority_share", "SG15", "C6"), ("priority_share", "SG17", "C6"),
        ("mandate", "SG17", "C5"),
        ("priority_decline", "SG17", "C5"), ("priority_decline", "ITU-T", "C2"), ("priority_decline", "ITU-T", "C5"),
    ]  # TSAG is exempt, SG2 too small, SG17's C2 (1 in 3) clears the 30% bar
    uncovered = gaps[gaps["gap"] == "uncovered_target"]
    assert len(uncovered) == 168 and "9.c" not in set(uncovered["label"])
    assert [g for g, *_ in found[7 + 168:]] == ["no_recent_work"] * 7
    assert list(gaps.loc[gaps["gap"] == "no_recent_work", "label"]) == ["C1", "C3", "C4", "C5", "C8", "C9", "C10"]

    first = gaps.iloc[0]
    assert first["evidence_en"] == ("SG15: 0 of 2 in-force Recommendations (0%) on C5; closest unassigned: "
                                    "ITU-T G.1 (01/2020) (score 0.20)")
    assert first["evidence_fr"].startswith("CE15 : 0 sur 2 Recommandations en vigueur (0\u202f%) relèvent de C5")
    assert "under 30%" in first["rule_en"] and "TSAG not judged" in first["rule_en"]
    decline = gaps[gaps["gap"] == "priority_decline"].iloc[0]
    assert decline["drill"] == "action_line|C5|SG17|p:2025–2028" and decline["value"] == -1.0
    assert "2 in 2022–2024" in decline["evidence_en"] and "0 in 2025–2028" in decline["evidence_en"]
    target = uncovered.set_index("label").loc["4.1"]
    assert target["evidence_en"] == "0 assigned; best unassigned candidate: ITU-T X.3 (03/2025) (score 0.10)"
    recent = gaps[(gaps["gap"] == "no_recent_work") & (gaps["label"] == "C5")].iloc[0]
    assert "latest: ITU-T X.1 (05/2023) (2023-05-01)" in recent["evidence_en"]
    assert set(coverage.rules) == {"priority_share", "mandate", "priority_decline", "uncovered_target",
                                   "no_recent_work"}


def test_looser_thresholds_find_fewer_gaps():
    loose = CoverageParams(**{**PARAMS.__dict__, "priority_min_share": 0.0, "mandate_min_share": 0.5,
                              "decline_max_drop": 1.0, "target_max_count": -1, "recent_min_count": 0})
    coverage = compute_coverage(_recs(), _preds(), taxonomy=load_taxonomy(), params=loose)
    assert coverage.gaps.empty


def test_report_escapes_input_and_is_bilingual(coverage):
    taxonomy = load_taxonomy()
    html = render_report(coverage, taxonomy=taxonomy, lang="fr")
    assert "<script>alert(1)</script>" not in html
    assert "Security &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<body class="lang-fr">' in html
    assert "Commission d&#x27;études × grande orientation du SMSI" in html
    assert 'href="#drill=action_line|C5|SG17|"' in html
    # every JSON island parses, and no "<" inside it can close the script element early
    islands = re.findall(r'<script type="application/json" id="([^"]+)">(.*?)</script>', html, re.S)
    assert {name for name, _ in islands} >= {"drill-data", "fig-heat-lines", "fig-heat-goals",
                                             "fig-trend-period", "fig-trend-year"}
    for _, body in islands:
        assert "<" not in body
        json.loads(body)
    drill = json.loads(dict(islands)["drill-data"])
    assert drill["rows"]["action_line|C5|SG17|"][0][2:] == ["t", "x", "«a &lt;b&gt; sentence»"]
    for src in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', html):
        pytest.fail(f"the report loads {src}: it must be self-contained")
    with pytest.raises(ValueError):
        render_report(coverage, taxonomy=taxonomy, lang="de")


def test_workbook_has_a_sheet_per_table_and_no_formula(coverage, tmp_path):
    target = tmp_path / "coverage.xlsx"
    write_workbook(target, coverage.tables())
    with zipfile.ZipFile(target) as book:
        workbook = book.read("xl/workbook.xml").decode()
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = "".join(book.read(n).decode() for n in sheets)
    assert re.findall(r'<sheet name="([^"]+)"', workbook) == list(coverage.tables())
    assert "<f>" not in xml and "<f " not in xml
    assert "'=HYPERLINK" in xml  # defused like the CSVs, and stored as text


def test_summary_is_one_language_and_escapes_input(coverage):
    taxonomy = load_taxonomy()
    english = render_summary(coverage, taxonomy=taxonomy, params=ReportParams(summary_max_gaps=2), lang="en")
    french = render_summary(coverage, taxonomy=taxonomy, lang="fr")
    assert english.startswith("# ITU-T standards and the WSIS action lines and SDGs")
    assert "| ★ | **C5** Building confidence and security in the use of ICTs | 2 | 25% | SG17 (2) |" in english
    assert "- … and 12 more in coverage/gaps.csv." in english
    assert "**C5**: 0.8/year in 2022–2024 → 0.0/year in 2025–2028 (to 2025-06-30), −100%." in english
    assert french.startswith("# Les normes de l'UIT-T") and "CE17 (2)" in french and "Recommendations" not in french
    assert "0,8 par an en 2022–2024" in french


def test_wsis_report_writes_tables_workbook_summary_and_page(tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    _recs().to_parquet(tmp_path / "recommendations.parquet", index=False)
    _preds().to_csv(tmp_path / "predictions.csv", index=False)
    params = tmp_path / "params.yaml"
    params.write_text("coverage:\n  as_of: 2025-06-30\n  min_group_size: 2\n")
    result = CliRunner().invoke(app, ["report", str(tmp_path / "recommendations.parquet"),
                                      str(tmp_path / "predictions.csv"), "--coverage", str(tmp_path / "coverage"),
                                      "--report", str(tmp_path / "report.html"), "--lang", "fr",
                                      "--params", str(params)])
    assert result.exit_code == 0, result.output
    names = ["study_group_x_action_line", "study_group_x_sdg_goal", "study_group_x_sdg_target", "trends_by_year",
             "trends_by_period", "gaps", "drilldown"]
    for name in names:
        assert (tmp_path / "coverage" / f"{name}.csv").exists() and (tmp_path / "coverage" / f"{name}.parquet").exists()
    assert (tmp_path / "coverage" / "coverage.xlsx").exists()
    drill = pd.read_csv(tmp_path / "coverage" / "drilldown.csv")
    assert "'=HYPERLINK(\"http://x\",\"id\")" in set(drill["title_en"])  # the CSV defuses it too
    assert (tmp_path / "summary.md").read_text().startswith("# Les normes de l'UIT-T")
    assert '<body class="lang-fr">' in (tmp_path / "report.html").read_text()
    gaps = pd.read_parquet(tmp_path / "coverage" / "gaps.parquet")
    assert list(gaps.columns) == list(pd.read_csv(tmp_path / "coverage" / "gaps.csv").columns)
    assert "TSAG" not in set(gaps["study_group"]) and len(gaps) > 0
