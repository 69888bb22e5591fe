"""The CLI end to end, on a shrunken copy of the sample, with the real encoder."""
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.schemas import PREDICTIONS, RECOMMENDATIONS
from tests.conftest import ENCODER_DIR, SAMPLE

runner = CliRunner()


@pytest.fixture(scope="module")
def small_sample(tmp_path_factory):
    """Two Recommendations per study group (both languages) plus a hostile title."""
    recs = pd.read_csv(SAMPLE / "recommendations.csv", dtype=str, keep_default_na=False)
    chosen = recs.drop_duplicates("rec_id").groupby("study_group").head(2)["rec_id"]
    small = recs[recs["rec_id"].isin(chosen)].copy()
    small.loc[small.index[0], "title"] = "<script>alert('x')</script> title"
    folder = tmp_path_factory.mktemp("input")
    small.to_csv(folder / "sample.csv", index=False)
    (folder / "broken.csv").write_bytes(b"\x00\x01binary")
    return folder, small


@pytest.fixture(scope="module")
def run_output(small_sample, tmp_path_factory):
    folder, _ = small_sample
    out = tmp_path_factory.mktemp("out")
    result = runner.invoke(app, ["run", str(folder), "--out", str(out), "--encoder", str(ENCODER_DIR),
                                 "--models", str(out / "no-models")])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_run_writes_every_output(run_output, small_sample):
    out, output = run_output
    _, small = small_sample
    recs = RECOMMENDATIONS.validate(pd.read_parquet(out / "recommendations.parquet"))
    assert len(recs) == len(small)
    rejects = pd.read_csv(out / "rejects.csv")
    assert rejects["reason"].tolist() == ["unreadable file"]
    assert f"read {len(small) + 1}, kept {len(small)}, rejected 1" in output

    predictions = PREDICTIONS.validate(
        pd.read_csv(out / "predictions.csv", dtype={"label": str}, keep_default_na=False))
    assert set(predictions["lang"]) == {"en", "fr", "all"}
    fused_lines = predictions[(predictions["lang"] == "all") & (predictions["taxonomy"] == "action_line")]
    assert fused_lines.groupby("rec_id")["assigned"].any().all()  # every Recommendation gets a line
    assert (fused_lines.groupby("rec_id").size() == 11).all()

    table = pd.read_csv(out / "coverage" / "study_group_x_action_line.csv")
    assert table["priority"].sum() == 3 * table["study_group"].nunique()
    in_force = recs[recs["status"] == "in_force"]["rec_id"].unique()
    counted = fused_lines[fused_lines["assigned"] & fused_lines["rec_id"].isin(in_force)]
    assert table["n_recommendations"].sum() == len(counted)

    log = json.loads((out / "run.json").read_text())
    ingest, classify = log["stages"]["ingest"], log["stages"]["classify"]
    assert ingest["read"] == ingest["kept"] + ingest["rejected"] == len(small) + 1
    assert sum(log["rejects_by_reason"].values()) == ingest["rejected"]
    assert classify["documents"] == ingest["kept"] == log["stages"]["embed"]["texts"]
    coverage = log["stages"]["coverage"]
    assert coverage["counted"] + coverage["not_counted_by_status"] == coverage["recommendations"] \
        == classify["recommendations"] == small["rec_id"].nunique()
    assert sorted(len(i["sha256"]) for i in log["inputs"]) == [64, 64]
    assert log["versions"]["model"].startswith("zero-shot") and log["started"] and log["finished"]

    html = (out / "report.html").read_text()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<script>alert" not in html


def test_rerun_embeds_nothing(run_output, small_sample):
    out, _ = run_output
    folder, small = small_sample
    result = runner.invoke(app, ["run", str(folder), "--out", str(out), "--encoder", str(ENCODER_DIR),
                                 "--models", str(out / "no-models")])
    assert result.exit_code == 0, result.output
    assert f"embed: {len(small)} texts: {len(small)} from cache, 0 embedded" in result.output
    assert "by zero-shot" in result.output


def test_bad_input_exits_1_with_a_message(tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "missing.csv: no such file" in result.output
    assert not (tmp_path / "o" / "predictions.csv").exists()


def test_unknown_params_are_refused(tmp_path):
    params = tmp_path / "params.yaml"
    params.write_text("classify:\n  temprature: 0.1\n")
    result = runner.invoke(app, ["run", str(SAMPLE), "--out", str(tmp_path / "o"), "--params", str(params)])
    assert result.exit_code == 1
    assert "temprature" in result.output


def test_train_classify_evaluate(small_sample, tmp_path, embedding_store):
    folder, small = small_sample
    labels = SAMPLE.parents[1] / "labels" / "sample.jsonl"
    models, store, out = tmp_path / "models", embedding_store, tmp_path / "out"
    trained = runner.invoke(app, ["train", str(folder / "sample.csv"), "--seed-labels", str(labels),
                                  "--models", str(models), "--store", str(store), "--encoder", str(ENCODER_DIR)])
    assert trained.exit_code == 0, trained.output
    version = (models / "current").read_text().strip()
    assert {p.name for p in (models / version).iterdir()} >= {"model.json", "arrays.npz", "MANIFEST.json"}

    ran = runner.invoke(app, ["run", str(folder), "--out", str(out), "--store", str(store),
                              "--models", str(models), "--encoder", str(ENCODER_DIR)])
    assert ran.exit_code == 0, ran.output
    predictions = pd.read_csv(out / "predictions.csv", dtype={"label": str}, keep_default_na=False)
    assert set(predictions["model_version"]) == {version}

    metrics = tmp_path / "metrics" / "metrics.json"
    evaluated = runner.invoke(app, ["evaluate", str(out / "predictions.csv"), "--gold", str(labels),
                                    "--out", str(metrics)])
    assert evaluated.exit_code == 0, evaluated.output
    document = json.loads(metrics.read_text())
    assert document["action_line"]["n"] == small["rec_id"].nunique()
    assert set(document["priority_lines_f1"]) == {"C2", "C5", "C6"}
    assert document["fr_en_agreement"]["action_line"]["pairs"] == small["rec_id"].nunique()
    assert (metrics.parent / "confusion.csv").exists() and (metrics.parent / "per_label.csv").exists()
    assert "priority lines F1" in evaluated.output


def test_train_refuses_bad_labels_with_row_messages(tmp_path):
    bad = tmp_path / "labels.jsonl"
    bad.write_text('{"id": "ITU-T X.1 (01/2020)", "action_lines": ["C42"], "sdg_targets": []}\n')
    result = runner.invoke(app, ["train", str(SAMPLE), "--labels", str(bad), "--models", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert f"{bad}:1: ITU-T X.1 (01/2020) has unknown label code(s) ['C42']" in result.output
    assert not (tmp_path / "m").exists()
