"""Golden files: every coverage table and both summaries for the bundled sample.

Inputs are frozen so the goldens move only when coverage or report code does: the recommendations are
``data/raw/sample/recommendations.csv`` read as-is (its columns are already canonical, so ingest is not
involved), and the predictions are ``tests/fixtures/coverage/sample_predictions.csv``, the fused
``lang="all"`` rows the trained classifier gave the sample (independent of encoder numerics). The
Recommendations counted are those the fixture has predictions for, so growing the sample does not move
the goldens until the fixture is refreshed.

After an intended change, regenerate and review the diff:

    WSIS_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_coverage_golden.py

To refresh the predictions fixture itself after a model change (then regenerate the goldens):

    .venv/bin/wsis run data/raw/sample --out /tmp/sample
    .venv/bin/python -c "import pandas as pd; p = pd.read_csv('/tmp/sample/predictions.csv', dtype=str, \
keep_default_na=False); p[p.lang == 'all'].to_csv('tests/fixtures/coverage/sample_predictions.csv', index=False)"

The zero-filled trend tables and the SG × target grid are compared on their non-zero rows (their full
shape is checked separately), which keeps the golden files small and their diffs readable.
"""
import io
import os

import pandas as pd
import pytest

from pipeline.atomic import defuse_formulas
from pipeline.coverage import compute_coverage
from pipeline.params import CoverageParams, ReportParams
from pipeline.report import render_summary
from pipeline.schemas import PREDICTIONS, RECOMMENDATIONS
from pipeline.taxonomy import load_taxonomy
from tests.conftest import FIXTURES, SAMPLE

GOLDEN = FIXTURES / "coverage" / "golden"
REGENERATE = os.environ.get("WSIS_REGEN_GOLDEN") == "1"
SPARSE = {"study_group_x_sdg_target", "trends_by_year", "trends_by_period"}


def sample_recommendations() -> pd.DataFrame:
    raw = pd.read_csv(SAMPLE / "recommendations.csv", dtype=str, keep_default_na=False)
    raw["source"] = "recommendations.csv"
    raw["text_sha256"] = raw["rec_id"] + "|" + raw["lang"]
    return RECOMMENDATIONS.validate(raw.replace({"": None}).fillna({"keywords": "", "study_group": ""}))


def sample_predictions() -> pd.DataFrame:
    frame = pd.read_csv(FIXTURES / "coverage" / "sample_predictions.csv", dtype={"label": str, "rec_id": str},
                        keep_default_na=False)
    return PREDICTIONS.validate(frame)


@pytest.fixture(scope="module")
def sample_coverage():
    predictions = sample_predictions()
    recommendations = sample_recommendations()
    recommendations = recommendations[recommendations["rec_id"].isin(set(predictions["rec_id"]))]
    return compute_coverage(recommendations, predictions, taxonomy=load_taxonomy(), params=CoverageParams())


def _as_csv(table: pd.DataFrame) -> str:
    buffer = io.StringIO()
    defuse_formulas(table).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def _check(name: str, text: str) -> None:
    path = GOLDEN / name
    if REGENERATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run WSIS_REGEN_GOLDEN=1 pytest {__file__}"
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        got, want = text.splitlines(), expected.splitlines()
        first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
        pytest.fail(f"{name} differs from its golden file at line {first + 1}:\n"
                    f"  golden: {want[first] if first < len(want) else '<end>'}\n"
                    f"  now:    {got[first] if first < len(got) else '<end>'}\n"
                    f"(if intended: WSIS_REGEN_GOLDEN=1 pytest {__file__})")


@pytest.mark.parametrize("name", ["study_group_x_action_line", "study_group_x_sdg_goal", "study_group_x_sdg_target",
                                  "trends_by_year", "trends_by_period", "gaps", "drilldown"])
def test_table_matches_golden(sample_coverage, name):
    table = sample_coverage.tables()[name]
    if name in SPARSE:
        table = table[table["n_recommendations"] > 0]
    _check(f"{name}.csv", _as_csv(table))


def test_zero_filled_tables_have_their_full_shape(sample_coverage):
    groups = 11  # the current study groups and TSAG, all present in the sample
    assert len(sample_coverage.by_sdg_target) == groups * 169
    years = sample_coverage.trends_by_year["year"]
    assert len(sample_coverage.trends_by_year) == (11 + 17) * (groups + 1) * (years.max() - years.min() + 1)
    assert sample_coverage.trends_by_period["study_period"].nunique() == 1 + 10  # "before 1989" and 10 periods


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_summary_matches_golden(sample_coverage, lang):
    _check(f"summary.{lang}.md", render_summary(sample_coverage, taxonomy=load_taxonomy(), params=ReportParams(),
                                                lang=lang))
