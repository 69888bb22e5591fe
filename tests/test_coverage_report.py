import datetime as dt

import pandas as pd

from pipeline.coverage import compute_coverage
from pipeline.params import CoverageParams
from pipeline.report import render_report
from pipeline.schemas import PREDICTIONS, RECOMMENDATIONS
from pipeline.taxonomy import load_taxonomy


def _recs():
    rows = []
    for rec_id, sg, status, title in [
        ("ITU-T X.1 (01/2020)", "SG17", "in_force", "Security <script>alert(1)</script>"),
        ("ITU-T X.2 (01/2020)", "SG17", "in_force", "Identity"),
        ("ITU-T G.1 (01/2020)", "SG15", "in_force", "Fibre"),
        ("ITU-T G.0 (01/2010)", "SG15", "superseded", "Old fibre"),
    ]:
        rows.append({"rec_id": rec_id, "number": rec_id.split()[1], "series": rec_id[6], "lang": "en",
                     "title": title, "summary": "s", "keywords": "", "study_group": sg,
                     "approved": dt.date(2020, 1, 1), "status": status, "source": "t:1",
                     "text_sha256": rec_id})
    return RECOMMENDATIONS.validate(pd.DataFrame(rows))


def _preds():
    rows = []
    for rec_id, label, score in [("ITU-T X.1 (01/2020)", "C5", 0.9), ("ITU-T X.2 (01/2020)", "C5", 0.7),
                                 ("ITU-T X.2 (01/2020)", "C2", 0.4), ("ITU-T G.1 (01/2020)", "C2", 0.8),
                                 ("ITU-T G.0 (01/2010)", "C2", 0.8)]:
        rows.append({"rec_id": rec_id, "lang": "all", "taxonomy": "action_line", "label": label,
                     "score": score, "assigned": True, "rank": 1, "evidence": "terms: x | «y»",
                     "model_version": "t"})
    rows.append({**rows[0], "label": "9", "taxonomy": "sdg_goal", "score": 0.5})
    return PREDICTIONS.validate(pd.DataFrame(rows))


def test_study_group_by_action_line_counts_in_force_only():
    coverage = compute_coverage(_recs(), _preds(), taxonomy=load_taxonomy(), params=CoverageParams())
    table = coverage.by_action_line.set_index(["study_group", "action_line"])
    assert table.loc[("SG17", "C5"), "n_recommendations"] == 2
    assert table.loc[("SG17", "C5"), "share"] == 1.0
    assert table.loc[("SG17", "C5"), "mean_score"] == 0.8
    assert table.loc[("SG17", "C2"), "share"] == 0.5
    assert table.loc[("SG15", "C2"), "n_recommendations"] == 1  # the superseded edition is not counted
    assert table.loc[("SG15", "C5"), "n_recommendations"] == 0
    assert table.loc[("SG2", "C5"), "group_total"] == 0  # every current group gets a row
    assert table.loc[("SG15", "C5"), "priority"] and not table.loc[("SG15", "C7"), "priority"]
    assert len(coverage.by_action_line) == 11 * 11
    assert set(coverage.drilldown["rec_id"]) == {"ITU-T X.1 (01/2020)", "ITU-T X.2 (01/2020)",
                                                 "ITU-T G.1 (01/2020)"}


def test_report_escapes_input_and_is_bilingual():
    taxonomy = load_taxonomy()
    coverage = compute_coverage(_recs(), _preds(), taxonomy=taxonomy, params=CoverageParams())
    html = render_report(coverage, taxonomy=taxonomy, lang="fr")
    assert "<script>alert(1)</script>" not in html
    assert "Security &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<body class="lang-fr">' in html
    assert "Commission d&#x27;études × grande orientation du SMSI" in html
    assert 'href="#d-SG17-action_line-C5"' in html and 'id="d-SG17-action_line-C5"' in html
    assert "http://" not in html and "https://" not in html  # nothing to fetch: works offline
