"""The Dask engine gives the local engine's results, to the bit, and loads each model once per worker."""
import numpy as np
import pandas as pd
import pytest

from pipeline.engines import make_engine
from pipeline.engines.partition import in_table_order, partition_by_recommendation
from pipeline.params import load_params
from pipeline.stages import make_encoder
from tests.conftest import ENCODER_DIR, ROOT, SAMPLE


def test_parts_hold_whole_recommendations_and_merge_back_in_table_order():
    recs = pd.DataFrame({"rec_id": ["b", "a", "c", "a", "b", "d"], "lang": ["en", "en", "en", "fr", "fr", "en"]})
    parts = partition_by_recommendation(recs, per_part=2)
    assert [p.tolist() for p in parts] == [[0, 1, 3, 4], [2, 5]]
    rows = [pd.DataFrame({"rec_id": list(recs["rec_id"].iloc[p]) + sorted(set(recs["rec_id"].iloc[p])),
                          "lang": list(recs["lang"].iloc[p]) + ["all"] * len(set(recs["rec_id"].iloc[p])),
                          "taxonomy": "action_line", "label": "C1", "score": 0.5, "assigned": False, "rank": 1,
                          "evidence": "", "model_version": "m"}) for p in reversed(parts)]
    merged = in_table_order(rows, recs)
    assert list(zip(merged["rec_id"], merged["lang"])) == [
        *zip(recs["rec_id"], recs["lang"]), ("a", "all"), ("b", "all"), ("c", "all"), ("d", "all")]


@pytest.fixture(scope="module")
def small_sample(tmp_path_factory):
    """Ten Recommendations of the sample, both languages, in two files (ingest is split by file)."""
    recs = pd.read_csv(SAMPLE / "recommendations.csv", dtype=str, keep_default_na=False)
    chosen = recs["rec_id"].drop_duplicates().iloc[::13].head(10)
    small = recs[recs["rec_id"].isin(chosen)]
    folder = tmp_path_factory.mktemp("input")
    small[small["lang"] == "en"].to_csv(folder / "en.csv", index=False)
    small[small["lang"] == "fr"].to_csv(folder / "fr.csv", index=False)
    return folder


def run_stages(engine, inputs, out):
    params = load_params(ROOT / "params.yaml")
    encoder = make_encoder(ENCODER_DIR, params)
    recs = out / "recommendations.parquet"
    engine.ingest([inputs], recs)
    stats = engine.embed(recs, store=out / "embeddings", encoder=encoder, params=params)
    predictions = engine.classify(recs, store=out / "embeddings", encoder=encoder, params=params,
                                  out=out / "predictions.csv", model_root=ROOT / "models" / "classifier")
    return stats, predictions


def test_dask_local_cluster_matches_the_local_engine(small_sample, tmp_path):
    with make_engine("local", part_size=3) as local:
        local_stats, local_predictions = run_stages(local, small_sample, tmp_path / "local")
    with make_engine("dask", workers=2, part_size=3) as dask:
        dask_stats, dask_predictions = run_stages(dask, small_sample, tmp_path / "dask")
        loads = dask.worker_loads()
    assert len(loads) == 2
    assert all(counts.get("encoder", 0) <= 1 and counts.get("classifier", 0) <= 1 for counts in loads.values())
    assert sum(counts.get("classifier", 0) for counts in loads.values()) >= 1

    assert dask_stats == local_stats and local_stats.embedded == 20
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "dask" / "recommendations.parquet"),
                                  pd.read_parquet(tmp_path / "local" / "recommendations.parquet"))
    pd.testing.assert_frame_equal(dask_predictions, local_predictions)
    assert (tmp_path / "dask" / "predictions.csv").read_bytes() == (tmp_path / "local" / "predictions.csv").read_bytes()
    assert set(local_predictions["lang"]) == {"en", "fr", "all"}


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="unknown engine"):
        make_engine("spark")


def test_rerun_classifies_only_the_recommendations_whose_text_changed(small_sample, tmp_path, monkeypatch):
    import pipeline.stages as stages

    with make_engine("local") as local:
        _, cold = run_stages(local, small_sample, tmp_path)
        loaded = []
        real_load = stages.load_classifier
        monkeypatch.setattr(stages, "load_classifier", lambda **kw: loaded.append(1) or real_load(**kw))
        _, warm = run_stages(local, small_sample, tmp_path)
        assert loaded == []  # nothing changed: no classifier even loaded
        pd.testing.assert_frame_equal(warm, cold)

        english = pd.read_csv(small_sample / "en.csv", dtype=str, keep_default_na=False)
        changed_id = english["rec_id"].iloc[0]
        english.loc[0, "summary"] += " It also specifies the security requirements for the management interface."
        changed = tmp_path / "changed"
        changed.mkdir()
        english.to_csv(changed / "en.csv", index=False)
        (changed / "fr.csv").write_bytes((small_sample / "fr.csv").read_bytes())
        recs = tmp_path / "changed.parquet"
        local.ingest([changed], recs)
        params = load_params(ROOT / "params.yaml")
        encoder = make_encoder(ENCODER_DIR, params)
        stats = local.embed(recs, store=tmp_path / "embeddings", encoder=encoder, params=params)
        rerun = local.classify(recs, store=tmp_path / "embeddings", encoder=encoder, params=params,
                               out=tmp_path / "changed.csv", model_root=ROOT / "models" / "classifier")
    assert stats.embedded == 1 and loaded == [1]
    same = cold["rec_id"] != changed_id
    pd.testing.assert_frame_equal(rerun[rerun["rec_id"] != changed_id].reset_index(drop=True),
                                  cold[same].reset_index(drop=True))
    assert len(rerun) == len(cold)
