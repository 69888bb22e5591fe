"""The prediction cache reuses the rows of unchanged Recommendations, and never rows it cannot verify."""
import pandas as pd

from pipeline.engines.prediction_cache import PredictionCache, classify_incrementally


def recs(*rec_ids):
    return pd.DataFrame({"rec_id": list(rec_ids), "lang": "en", "text_sha256": [f"sha-{r}" for r in rec_ids]})


def classify_counting(calls):
    def classify_new(todo):
        calls.append(sorted(todo["rec_id"]))
        return [pd.DataFrame({"rec_id": todo["rec_id"], "lang": "en", "taxonomy": "action_line",
                              "label": "C5", "score": 0.9})]

    return classify_new


def test_cached_rows_are_reused_and_a_tampered_part_is_classified_again(tmp_path, caplog):
    calls = []
    cache = PredictionCache(tmp_path / "embeddings", "context")
    classify_incrementally(recs("A", "B"), cache, classify_counting(calls))
    classify_incrementally(recs("A", "B"), cache, classify_counting(calls))
    assert calls == [["A", "B"]]

    (part,) = cache.folder.glob("part-*.parquet")
    rows = pd.read_parquet(part)
    rows.loc[rows["rec_id"] == "A", "label"] = "C1"  # a valid Parquet file that says something else
    rows.to_parquet(part, index=False)
    with caplog.at_level("WARNING", logger="pipeline.sealed"):
        parts = classify_incrementally(recs("A", "B"), cache, classify_counting(calls))
    assert calls[-1] == ["A", "B"] and "refused cache file" in caplog.text
    assert set(pd.concat(parts)["label"]) == {"C5"}
    assert [p.name.endswith(".refused") for p in sorted(cache.folder.iterdir())].count(True) == 1
