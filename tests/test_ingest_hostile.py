"""Hostile, damaged and mislabelled files: each is one clear per-file reject, never a traceback, and the
run goes on with the other files — unless --strict."""
import gzip
import io
import os
import tarfile
import zipfile

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.ingest import IngestError, ingest
from pipeline.readers import Limits
from tests.ingest_documents import (BILLION_LAUGHS, Y9001_EN, Y9001_FR, write_docx, write_entity_attack_docx,
                                    write_pdf, write_truncated, write_zip_bomb_docx)


def corrupt_docx(tmp_path):
    return write_truncated(tmp_path / "corrupt.docx", write_docx(tmp_path / "t.docx.src", Y9001_EN))


def corrupt_pdf(tmp_path):
    return write_truncated(tmp_path / "corrupt.pdf", write_pdf(tmp_path / "t.pdf.src", Y9001_EN), keep=0.4)


def zip_bomb(tmp_path):
    return write_zip_bomb_docx(tmp_path / "bomb.docx", write_docx(tmp_path / "t.docx.src", Y9001_EN))


def entity_attack(tmp_path):
    return write_entity_attack_docx(tmp_path / "laughs.docx", write_docx(tmp_path / "t.docx.src", Y9001_EN))


def entity_attack_xlsx(tmp_path):
    from openpyxl import Workbook

    source = tmp_path / "t.xlsx.src"
    book = Workbook()
    book.active.append(["rec_id", "summary"])
    book.save(source)
    path = tmp_path / "laughs.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w") as out:
        for item in src.infolist():
            out.writestr(item, BILLION_LAUGHS if item.filename == "xl/worksheets/sheet1.xml" else src.read(item))
    return path


def huge_file(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as f:
        f.truncate(200 << 20)  # sparse: 200 MiB on paper, nothing on disk
    return path


def binary_csv(tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(2048))
    return path


def nul_csv(tmp_path):
    path = tmp_path / "dump.csv"
    path.write_bytes(b"rec_id,summary\n" + b"\x00" * 64)
    return path


def pdf_named_docx(tmp_path):
    return write_pdf(tmp_path / "misnamed.docx", Y9001_EN)


def random_pdf(tmp_path):
    path = tmp_path / "noise.pdf"
    path.write_bytes(b"%PDF-1.7\n" + os.urandom(4096))
    return path


def corrupt_parquet(tmp_path):
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1" + os.urandom(512) + b"PAR1")
    return path


def unsupported(tmp_path):
    path = tmp_path / "notes.rtf"
    path.write_text("{\\rtf1 hello}")
    return path


HOSTILE = {
    corrupt_docx: "corrupt DOCX document",
    corrupt_pdf: "corrupt PDF document",
    zip_bomb: "possible zip bomb",
    entity_attack: "XML entity attack refused",
    entity_attack_xlsx: "XML entity attack refused",
    huge_file: "file too large: 200 MiB",
    binary_csv: "binary content: this looks like a JPEG image, not a CSV table",
    nul_csv: "binary content (NUL bytes)",
    pdf_named_docx: "not a DOCX document: the content looks like a PDF document",
    random_pdf: "corrupt PDF document",
    corrupt_parquet: "corrupt Parquet file",
    unsupported: "unsupported file type .rtf",
}


@pytest.mark.parametrize("make", HOSTILE, ids=[f.__name__ for f in HOSTILE])
def test_each_bad_file_is_one_clear_reject_and_the_run_goes_on(tmp_path, make):
    bad = make(tmp_path)
    good = write_docx(tmp_path / "good.docx", Y9001_EN)
    result = ingest([bad, good])
    assert result.recommendations["source"].tolist() == [str(good)]
    assert len(result.rejects) == 1
    reject = result.rejects.iloc[0]
    assert reject["source"] == str(bad)
    assert reject["reason"] in ("unreadable file", "unsupported file type")
    assert HOSTILE[make] in reject["detail"]
    assert result.read == 2


def test_strict_stops_at_the_first_unreadable_file(tmp_path):
    bad = entity_attack(tmp_path)
    good = write_docx(tmp_path / "good.docx", Y9001_EN)
    with pytest.raises(IngestError, match="laughs.docx: unreadable file: XML entity attack"):
        ingest([good, bad], strict=True)


def test_a_gzip_bomb_in_an_archive_stops_at_the_unpacking_limit(tmp_path):
    archive = tmp_path / "bomb.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        data = b"\0" * (8 << 20)
        info = tarfile.TarInfo("data/padding.yaml")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    assert archive.stat().st_size < 64 << 10
    result = ingest([archive], limits=Limits(max_unpacked_bytes=4 << 20))
    assert result.rejects.iloc[0]["reason"] == "unreadable file"
    assert "possible decompression bomb" in result.rejects.iloc[0]["detail"]


def test_an_oversized_archive_member_is_refused_without_reading_it(tmp_path):
    archive = tmp_path / "big-member.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        data = b"a: b\n" * (300_000)
        info = tarfile.TarInfo("data/huge.yaml")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    result = ingest([archive], limits=Limits(max_member_bytes=1 << 20))
    reject = result.rejects.iloc[0]
    assert (reject["row"], reject["reason"]) == ("data/huge.yaml", "unreadable file")
    assert "over the 1 MiB limit" in reject["detail"]


def test_a_truncated_archive_keeps_the_records_before_the_damage(tmp_path):
    from tests.test_ingest_relaton import relaton

    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        for n in range(60):
            data = relaton(f"ITU-T Y.{9100 + n} (06/2024)", abstracts={"en": f"Our text {os.urandom(3000).hex()}"}).encode()
            info = tarfile.TarInfo(f"data/y-{9100 + n}.yaml")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    archive = tmp_path / "cut.tar.gz"
    packed = gzip.compress(raw.getvalue())
    archive.write_bytes(packed[: len(packed) * 2 // 3])
    result = ingest([archive])
    last = result.rejects.iloc[-1]
    assert (last["source"], last["row"], last["reason"]) == (str(archive), "", "unreadable file")
    assert "truncated archive" in last["detail"]
    assert 10 < len(result.recommendations) < 60 and len(result.rejects) == 1
    assert result.read == len(result.recommendations) + len(result.rejects)


def test_yaml_is_never_constructed_into_python_objects(tmp_path):
    record = tmp_path / "evil.yaml"
    record.write_text("!!python/object/apply:os.system ['echo pwned > pwned.txt']\n")
    result = ingest([record])
    assert result.rejects.iloc[0]["reason"] == "unreadable file"
    assert "invalid YAML: could not determine a constructor" in result.rejects.iloc[0]["detail"]
    assert not (tmp_path / "pwned.txt").exists()


def test_cli_reports_bad_files_and_goes_on_or_stops_with_strict(tmp_path):
    bad = corrupt_pdf(tmp_path)
    good = write_docx(tmp_path / "good.docx", Y9001_FR)
    out = tmp_path / "out" / "recommendations.parquet"
    runner = CliRunner()
    ran = runner.invoke(app, ["ingest", str(bad), str(good), "--out", str(out)])
    assert ran.exit_code == 0, ran.output
    assert ran.stdout.strip() == "read 2, kept 1, rejected 1 (unreadable file 1)"  # no progress bar off a terminal
    assert "corrupt PDF document" in (out.parent / "rejects.csv").read_text()
    strict_out = tmp_path / "strict" / "recommendations.parquet"
    stopped = runner.invoke(app, ["ingest", str(good), str(bad), "--out", str(strict_out), "--strict"])
    assert stopped.exit_code == 1
    assert "corrupt PDF document" in stopped.output and "Traceback" not in stopped.output
    assert not strict_out.parent.exists()


def test_an_archive_with_two_members_of_one_name_is_still_accounted_for(tmp_path):
    archive = tmp_path / "twice.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for data in (b"not: [valid", b"- still\n- not a record\n"):
            info = tarfile.TarInfo("data/same.yaml")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    result = ingest([archive])
    assert result.rejects["row"].tolist() == ["data/same.yaml", "data/same.yaml~2"]
    assert result.read == 2
