"""The embedding store: incremental reruns, chunked writes, and writers that never clobber each other."""
import numpy as np

from pipeline.embed import EmbeddingStore, embed_texts, text_key


class CountingEncoder:
    """A stand-in encoder: a text's vector is derived from its hash; it counts what it was asked."""

    version = "counting-1"

    def __init__(self):
        self.calls: list[int] = []

    def encode(self, texts, role="passage"):
        self.calls.append(len(texts))
        seeds = [int(text_key(t)[:8], 16) for t in texts]
        vectors = np.stack([np.random.default_rng(s).normal(size=8) for s in seeds]).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def keyed(texts):
    return {text_key(t): t for t in texts}


def test_rerun_after_one_percent_changed_embeds_only_those(tmp_path):
    texts = [f"summary number {i}" for i in range(300)]
    encoder = CountingEncoder()
    cold = embed_texts(EmbeddingStore(tmp_path, encoder.version), encoder, keyed(texts), chunk_size=64)
    assert (cold.embedded, encoder.calls) == (300, [64, 64, 64, 64, 44])
    changed = texts[:]
    for i in (5, 105, 205):
        changed[i] += " (revised)"
    encoder.calls.clear()
    warm = embed_texts(EmbeddingStore(tmp_path, encoder.version), encoder, keyed(changed), chunk_size=64)
    assert (warm.cached, warm.embedded, encoder.calls) == (297, 3, [3])
    vectors = EmbeddingStore(tmp_path, encoder.version).get([text_key(t) for t in changed])
    assert np.allclose(vectors, encoder.encode(changed))


def test_each_chunk_is_a_shard_written_as_it_comes(tmp_path):
    encoder = CountingEncoder()
    store = EmbeddingStore(tmp_path, encoder.version)
    seen = []

    def encode_chunks(chunks, role):
        for keys, texts in chunks:
            seen.append(len(list(store.folder.glob("shard-*.npz"))) if store.folder.exists() else 0)
            yield keys, encoder.encode(texts, role)

    embed_texts(store, encoder, keyed([f"t{i}" for i in range(10)]), chunk_size=4, encode_chunks=encode_chunks)
    assert seen == [0, 1, 2]  # the previous chunk was on disk before the next was encoded
    assert len(list(store.folder.glob("shard-*.npz"))) == 3


def test_two_writers_sharing_a_store_keep_every_vector(tmp_path):
    """Two workers that each opened the store before the other wrote: no shard is overwritten."""
    encoder = CountingEncoder()
    first, second = EmbeddingStore(tmp_path, encoder.version), EmbeddingStore(tmp_path, encoder.version)
    first.index(), second.index()
    a, b = keyed(["alpha", "beta"]), keyed(["gamma", "delta"])
    first.add(list(a), encoder.encode(list(a.values())))
    second.add(list(b), encoder.encode(list(b.values())))
    fresh = EmbeddingStore(tmp_path, encoder.version)
    assert fresh.missing(list(a) + list(b)) == []
    assert np.allclose(fresh.get(list(b)), encoder.encode(list(b.values())))


def tamper_vectors(shard, scale=-1.0):
    """Rewrite a shard as a valid .npz with changed numbers, under its old name."""
    import io

    with np.load(shard, allow_pickle=False) as data:
        keys, vectors = data["keys"], data["vectors"] * scale
    buffer = io.BytesIO()
    np.savez(buffer, keys=keys, vectors=vectors)
    shard.write_bytes(buffer.getvalue())


def test_tampered_or_truncated_shards_are_refused_and_their_texts_embedded_again(tmp_path, caplog):
    encoder = CountingEncoder()
    texts = keyed([f"summary {i}" for i in range(12)])
    embed_texts(EmbeddingStore(tmp_path, encoder.version), encoder, texts, chunk_size=4)
    store = EmbeddingStore(tmp_path, encoder.version)
    first, second, third = sorted(store.folder.glob("shard-*.npz"))
    tamper_vectors(first)  # still a valid .npz: np.load alone would use these vectors
    second.write_bytes(second.read_bytes()[:-100])
    encoder.calls.clear()
    with caplog.at_level("WARNING", logger="pipeline.sealed"):
        stats = embed_texts(store, encoder, texts, chunk_size=4)
    assert (stats.cached, stats.embedded, encoder.calls) == (4, 8, [4, 4])
    assert sum("refused cache file" in r.getMessage() for r in caplog.records) == 2
    assert {p.name for p in store.folder.glob("*.refused")} == {first.name + ".refused", second.name + ".refused"}
    assert np.allclose(EmbeddingStore(tmp_path, encoder.version).get(list(texts)), encoder.encode(list(texts.values())))


def test_a_shard_changed_after_indexing_is_refused_when_read(tmp_path):
    import pytest

    from pipeline.sealed import RefusedFile

    encoder = CountingEncoder()
    texts = keyed(["alpha", "beta"])
    embed_texts(EmbeddingStore(tmp_path, encoder.version), encoder, texts)
    store = EmbeddingStore(tmp_path, encoder.version)
    store.index()
    store._loaded.clear()  # as when the shard has left the store's few in memory
    (shard,) = store.folder.glob("shard-*.npz")
    tamper_vectors(shard, scale=2.0)
    with pytest.raises(RefusedFile, match="hash to"):
        store.get(list(texts))


def test_unsealed_shards_from_before_sealing_are_refused(tmp_path):
    encoder = CountingEncoder()
    store = EmbeddingStore(tmp_path, encoder.version)
    store.folder.mkdir(parents=True)
    np.savez(store.folder / "shard-0123456789abcdef0123.npz", keys=np.array([text_key("x")], dtype="U64"),
             vectors=np.ones((1, 8), np.float32))
    assert store.missing([text_key("x")]) == [text_key("x")]
    assert [p.name for p in store.folder.iterdir()] == ["shard-0123456789abcdef0123.npz.refused"]


def test_summaries_are_stored_and_int8_calibrated_in_one_role():
    """The int8 encoder's activation ranges come from summaries prefixed as the pipeline embeds them."""
    from pipeline.embed import DOCUMENT_ROLE
    from pipeline.encoder.openvino_build import DEFAULT_CALIBRATION, calibration_texts
    from tests.conftest import ROOT

    calibration = [str(ROOT / path) for path in DEFAULT_CALIBRATION]
    assert calibration_texts(calibration)[0].startswith(f"{DOCUMENT_ROLE}: ")
    assert calibration_texts(calibration, "query")[0].startswith("query: ")
    assert EmbeddingStore(ROOT, "v").folder.name == DOCUMENT_ROLE
