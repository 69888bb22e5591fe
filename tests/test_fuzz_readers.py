"""Property-based fuzzing of every input reader: whatever bytes a file holds, reading it either yields
records or raises ``UnreadableFile`` with a message — never any other exception, never a hang.

The budget is small here so the suite stays fast; `make fuzz` runs the same properties far longer
(WSIS_FUZZ_EXAMPLES).
"""
import io
import os
import tarfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.readers import READERS, Limits, UnreadableFile, read_records
from tests.ingest_documents import Y9001_EN, write_docx, write_html, write_pdf

EXAMPLES = int(os.environ.get("WSIS_FUZZ_EXAMPLES", "25"))
LIMITS = Limits(max_file_bytes=1 << 20, max_member_bytes=1 << 20, max_unpacked_bytes=8 << 20)
CSV = ("rec_id,lang,title,summary,study_group,approved\n"
       "ITU-T Y.9001 (01/2020),en,A title,A summary of the work.,SG13,2020-01-01\n").encode()
YAML = (b"docid:\n- id: ITU-T Y.9001\n  type: ITU\n  primary: true\ntitle:\n- content: A title\n  language: en\n"
        b"abstract:\n- content: A summary.\n  language: en\ndate:\n- type: published\n  value: '2020-01-01'\n")


def _tar(payload: bytes, mode: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as tar:
        info = tarfile.TarInfo("../../etc/itu-t-y-9001.yaml")  # a traversal name: must never be written
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> dict[str, bytes]:
    """One valid file per format, which the fuzzer then mutates."""
    folder = tmp_path_factory.mktemp("seeds")
    import pandas as pd

    table = pd.read_csv(io.BytesIO(CSV))
    table.to_parquet(folder / "t.parquet")
    table.to_excel(folder / "t.xlsx", index=False)
    documents = {".docx": write_docx(folder / "t.docx", Y9001_EN).read_bytes(),
                 ".pdf": write_pdf(folder / "t.pdf", Y9001_EN).read_bytes(),
                 ".html": write_html(folder / "t.html", Y9001_EN).read_bytes()}
    base = {".csv": CSV, ".tsv": CSV.replace(b",", b"\t"),
            ".jsonl": b'{"itu_id": "ITU-T Y.9001 (01/2020)", "abstract_en": "A summary."}\n',
            ".parquet": (folder / "t.parquet").read_bytes(), ".xlsx": (folder / "t.xlsx").read_bytes(),
            ".yaml": YAML, ".tar.gz": _tar(YAML, "w:gz"), ".tar": _tar(YAML, "w"), **documents}
    aliases = {".tab": ".tsv", ".ndjson": ".jsonl", ".yml": ".yaml", ".tgz": ".tar.gz", ".htm": ".html"}
    return {suffix: base[aliases.get(suffix, suffix)] for suffix in READERS}


def mutations(seed: bytes):
    """Truncations, byte flips and splices of a valid file, and plain noise."""
    flip = st.tuples(st.integers(0, max(len(seed) - 1, 0)), st.integers(0, 255)).map(
        lambda p: seed[: p[0]] + bytes([p[1]]) + seed[p[0] + 1:])
    cut = st.integers(0, len(seed)).map(lambda n: seed[:n])
    splice = st.tuples(st.integers(0, len(seed)), st.binary(max_size=64)).map(
        lambda p: seed[: p[0]] + p[1] + seed[p[0]:])
    return st.one_of(flip, cut, splice, st.binary(max_size=2048))


@pytest.mark.parametrize("suffix", sorted(READERS))
def test_any_bytes_give_records_or_a_clear_error(suffix, seeds, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / f"input{suffix}"

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(mutations(seeds[suffix]))
    def property_(data: bytes) -> None:
        path.write_bytes(data)
        try:
            records = list(read_records(path, LIMITS))
        except UnreadableFile as exc:
            assert str(exc)
            return
        for record in records:
            assert all(isinstance(v, str) for v in record.fields.values())

    property_()
    assert sorted(p.name for p in folder.iterdir()) == [path.name]  # nothing written outside, nothing extracted
