"""The fast encoder paths against the fp32 reference, and the batching that makes them fast."""
import numpy as np
import pandas as pd
import pytest

from pipeline.encoder import openvino_runtime
from pipeline.encoder.cpu import cpu_flags, has_int8_dot_product
from pipeline.encoder.model import Encoder
from pipeline.ingest import embedding_text
from tests.conftest import ENCODER_DIR, SAMPLE

MIN_COSINE = 0.999  # the bound: a faster path may not move any vector further from fp32
# The int8 encoder runs only on a CPU with VNNI or AMX; elsewhere int8 is served as fp32 (tested below).
needs_int8 = pytest.mark.skipif(not has_int8_dot_product(),
                                reason="no VNNI or AMX on this CPU, so the int8 encoder is not used here")


@pytest.fixture(scope="module")
def sample_texts():
    """Every fourth sample summary, English and French, with its title, as the pipeline embeds it."""
    recs = pd.read_csv(SAMPLE / "recommendations.csv", dtype=str, keep_default_na=False).iloc[::4]
    return [embedding_text(t, s) for t, s in zip(recs["title"], recs["summary"])]


@pytest.fixture(scope="module")
def reference(sample_texts):
    return Encoder(ENCODER_DIR, precision="fp32", runtime="torch").encode(sample_texts)


@pytest.mark.parametrize("runtime,precision,bound", [pytest.param("openvino", "int8", MIN_COSINE, marks=needs_int8),
                                                     ("openvino", "fp32", 0.99999)])
def test_fast_runtime_stays_within_cosine_of_torch_fp32(sample_texts, reference, runtime, precision, bound):
    vectors = Encoder(ENCODER_DIR, precision=precision, runtime=runtime).encode(sample_texts)
    assert vectors.shape == reference.shape
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert (vectors * reference).sum(axis=1).min() > bound


@needs_int8
@pytest.mark.shared
def test_int8_stays_within_cosine_on_real_catalogue_summaries(shared):
    catalogue = pd.read_csv(shared / "data" / "itu-t-relaton" / "itu_t_inforce_recommendations.csv",
                            dtype=str, keep_default_na=False)
    rows = catalogue[catalogue["abstract_en"] != ""].sample(256, random_state=7)
    texts = [embedding_text(t, s) for t, s in zip(rows["title_en"], rows["abstract_en"])]
    fp32 = Encoder(ENCODER_DIR, precision="fp32", runtime="torch", batch_tokens=1 << 20).encode(texts)
    int8 = Encoder(ENCODER_DIR, precision="int8", runtime="openvino").encode(texts)
    assert (fp32 * int8).sum(axis=1).min() > MIN_COSINE


def test_vectors_do_not_depend_on_streams_or_input_order(sample_texts):
    """The Dask engine's equivalence rests on this: same batches, same vectors, whatever the threads."""
    texts = sample_texts[:12]
    one = Encoder(ENCODER_DIR, precision="int8", runtime="openvino", threads=1).encode(texts)
    two = Encoder(ENCODER_DIR, precision="int8", runtime="openvino", threads=2).encode(texts[::-1])[::-1]
    assert np.array_equal(one, two)


def test_every_numerics_has_its_own_cache_key(monkeypatch):
    monkeypatch.setattr(openvino_runtime, "has_int8_dot_product", lambda: True)
    versions = {Encoder(ENCODER_DIR, precision=p, runtime=r).version
                for r, p in [("torch", "fp32"), ("torch", "bf16"), ("openvino", "fp32"), ("openvino", "int8")]}
    assert len(versions) == 4
    legacy = Encoder(ENCODER_DIR, precision="bf16", runtime="torch")
    assert legacy.version == f"{legacy.build_info['name']}@{legacy.build_info['fingerprint']}-bf16-512-w16"
    assert Encoder(ENCODER_DIR, precision="int8", runtime="openvino", max_tokens=256).version.endswith("-256-w16")


@pytest.mark.parametrize("runtime,precision", [("torch", "int8"), ("openvino", "bf16"), ("onnx", "fp32")])
def test_unavailable_runtime_or_precision_is_refused(runtime, precision):
    with pytest.raises(ValueError, match="runtime"):
        Encoder(ENCODER_DIR, precision=precision, runtime=runtime).encode(["x"])


def test_missing_openvino_build_says_how_to_build(tmp_path):
    (tmp_path / "BUILD.json").write_text('{"name": "e5", "fingerprint": "0"}')
    with pytest.raises(FileNotFoundError, match="make encoder"):
        Encoder(tmp_path, precision="int8", runtime="openvino").version


def test_plan_sorts_by_tokens_and_keeps_each_batch_within_budget():
    encoder = Encoder(ENCODER_DIR, batch_size=4, batch_tokens=100)  # nine texts: more than MIN_BATCHES batches anyway
    lengths = [50, 10, 10, 30, 200, 10, 12, 11, 25]
    plan = encoder.plan(lengths)
    assert sorted(np.concatenate(plan).tolist()) == list(range(len(lengths)))
    widths = [max(lengths[i] for i in batch) for batch in plan]
    assert widths == sorted(widths)
    for batch in plan:
        assert len(batch) <= 4
        assert len({encoder.width(lengths[i]) for i in batch}) == 1  # one padded width per batch
        assert len(batch) == 1 or len(batch) * encoder.width(lengths[batch[0]]) <= 100
    assert [4] in [b.tolist() for b in plan]  # longer than the budget: alone
    assert [encoder.width(n) for n in (1, 16, 17, 200, 512)] == [16, 16, 32, 208, 512]


def test_a_texts_vector_does_not_depend_on_its_batch(sample_texts):
    """Padded to a width of its own, a text gets the same vector alone as among others (int8 results
    moved with the padded width, so a cache filled over several runs differed from a fresh run's)."""
    texts = sample_texts[:24]
    encoder = Encoder(ENCODER_DIR, precision="int8", runtime="openvino")
    together = encoder.encode(texts)
    alone = np.stack([encoder.encode([t])[0] for t in texts])
    assert np.array_equal(together, alone)


def test_a_small_call_is_split_for_the_streams_whatever_their_number():
    lengths = [30, 31, 29, 40, 35, 33, 30, 36]
    plan = Encoder(ENCODER_DIR, batch_size=32, batch_tokens=4096).plan(lengths)
    assert [len(b) for b in plan] == [2, 2, 2, 2]
    assert all(np.array_equal(a, b) for a, b in zip(plan, Encoder(ENCODER_DIR, threads=1).plan(lengths)))


def test_ir_fingerprint_ignores_generated_node_names_only():
    """Two builds of the same weights differ only in OpenVINO's per-process node counters; they must
    get one encoder version, or every install would have its own cache keys and model versions."""
    from pipeline.encoder.openvino_build import ir_fingerprint

    first = b'<layer id="2" name="Constant_412644" type="Const"/><layer id="3" name="input_ids" type="Parameter"/>'
    second = b'<layer id="2" name="Constant_413770" type="Const"/><layer id="3" name="input_ids" type="Parameter"/>'
    other_op = b'<layer id="2" name="Constant_413770" type="Convert"/><layer id="3" name="input_ids" type="Parameter"/>'
    assert ir_fingerprint(first, b"weights") == ir_fingerprint(second, b"weights")
    assert ir_fingerprint(first, b"weights") != ir_fingerprint(other_op, b"weights")
    assert ir_fingerprint(first, b"weights") != ir_fingerprint(first, b"weightz")


CPUINFO = """processor\t: 0
vendor_id\t: {vendor}
flags\t\t: fpu sse2 avx avx2 fma {extra}
bugs\t\t: spectre_v1

processor\t: 1
flags\t\t: fpu
"""


def test_cpu_flags_are_read_from_the_first_cpu():
    assert cpu_flags(CPUINFO.format(vendor="AuthenticAMD", extra="")) >= {"avx2", "fma"}
    assert "avx512_vnni" in cpu_flags(CPUINFO.format(vendor="GenuineIntel", extra="avx512f avx512_vnni"))
    assert cpu_flags("processor\t: 0\n") == frozenset()


def test_int8_runs_as_fp32_on_a_cpu_without_int8_dot_product(monkeypatch, sample_texts):
    """Without VNNI or AMX, int8 is slower than fp32 and further from it (pipeline/encoder/cpu.py), so
    asking for it gives the fp32 encoder, under fp32's version: its vectors and cache are fp32's."""
    monkeypatch.setattr(openvino_runtime, "has_int8_dot_product", lambda: False)
    with pytest.warns(RuntimeWarning, match="no int8 dot-product instruction"):
        asked = Encoder(ENCODER_DIR, precision="int8", runtime="openvino")
    fp32 = Encoder(ENCODER_DIR, precision="fp32", runtime="openvino")
    assert asked.precision == "fp32" and asked.version == fp32.version
    assert np.array_equal(asked.encode(sample_texts[:8]), fp32.encode(sample_texts[:8]))
    assert Encoder(ENCODER_DIR, precision="bf16", runtime="torch").precision == "bf16"  # chosen, never default


def test_an_int8_encoder_made_elsewhere_refuses_a_cpu_without_int8_dot_product(monkeypatch):
    """A Dask worker unpickles the client's Encoder: on a CPU that cannot run its int8 numerics it must
    fail, not cache other vectors under the same version."""
    monkeypatch.setattr(openvino_runtime, "has_int8_dot_product", lambda: True)
    made_on_a_vnni_client = Encoder(ENCODER_DIR, precision="int8", runtime="openvino")
    monkeypatch.setattr(openvino_runtime, "has_int8_dot_product", lambda: False)
    with pytest.warns(RuntimeWarning), pytest.raises(RuntimeError, match="cannot run the int8 encoder"):
        made_on_a_vnni_client.encode(["x"])
