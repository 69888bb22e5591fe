"""Tables in every format, in both languages, and the property that no row is ever lost."""
import csv
import datetime as dt
import io
import json

import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.ingest import ingest
from pipeline.readers import DUPLICATE, EMPTY_SUMMARY, INVALID_STATUS, MALFORMED, MISSING_ID, NOT_ITU_T, UNKNOWN_LANGUAGE

ROWS = [
    {"rec_id": "ITU-T D.9010 (10/2017)", "lang": "fr", "title": "Principes de tarification",
     "summary": "Décrit les règles économiques que nous avons résumées nous-mêmes, à l'œuvre près.",
     "keywords": "tarification; coûts", "study_group": "Commission d'études 3", "approved": "2017-10-06"},
    {"rec_id": "ITU-T D.9010 (10/2017)", "lang": "en", "title": "Charging principles",
     "summary": "Describes the economic rules, summarised by us.", "keywords": "charging; costs",
     "study_group": "ITU-T Study Group 3", "approved": "2017-10-06"},
]


def check(result, sources):
    recs = result.recommendations.set_index("lang")
    assert result.rejects.empty and result.read == 2
    assert recs.loc["fr", "summary"] == ROWS[0]["summary"]
    assert set(recs["study_group"]) == {"SG3"} and set(recs["approved"]) == {dt.date(2017, 10, 6)}
    assert list(recs["source"]) == sources


def test_tsv_in_latin_1(tmp_path):
    path = tmp_path / "export.tsv"
    pd.DataFrame(ROWS).to_csv(path, sep="\t", index=False, encoding="cp1252")
    assert "œ".encode("cp1252") in path.read_bytes()  # really Windows-1252, not UTF-8
    check(ingest([path]), [f"{path}:3", f"{path}:2"])


def test_xlsx_with_typed_cells_and_two_sheets(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "catalogue.xlsx"
    book = Workbook()
    first = book.active
    first.title = "Français"
    columns = list(ROWS[0])
    first.append(columns)
    values = {**ROWS[0], "approved": dt.datetime(2017, 10, 6), "study_group": 3}
    first.append([values[c] for c in columns])
    second = book.create_sheet("English")
    second.append(columns)
    second.append([])
    second.append([ROWS[1][c] for c in columns])
    book.save(path)
    check(ingest([path]), [f"{path}:English!3", f"{path}:Français!2"])


def test_parquet_and_json_lines(tmp_path):
    parquet = tmp_path / "fr.parquet"
    pd.DataFrame(ROWS[:1]).to_parquet(parquet)
    jsonl = tmp_path / "en.jsonl"
    jsonl.write_text(json.dumps(ROWS[1], ensure_ascii=False) + "\n")
    check(ingest([parquet, jsonl]), [f"{jsonl}:1", f"{parquet}:1"])


def test_a_row_with_too_many_cells_is_rejected_alone(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("rec_id,lang,summary\nITU-T E.9 (01/2020),en,Fine.\nITU-T E.9 (02/2020),en,Too,many\n"
                    "ITU-T E.9 (03/2020),en\n")
    result = ingest([path])
    assert result.recommendations["rec_id"].tolist() == ["ITU-T E.9 (01/2020)"]
    assert result.rejects[["row", "reason"]].values.tolist() == [["3", "malformed row"], ["4", "empty summary"]]


def test_language_words_and_detection_for_rows_that_do_not_say(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text(
        "rec_id,lang,summary\n"
        "ITU-T F.9 (01/2020),English,This Recommendation describes a service.\n"
        "ITU-T F.9 (01/2020),français,La présente Recommandation décrit un service.\n"
        "ITU-T F.8 (01/2020),,La présente Recommandation décrit un autre service de messagerie.\n"
        "ITU-T F.7 (01/2020),,Esta Recomendación describe un servicio de mensajería.\n"
        "ITU-T F.6 (01/2020),de,Diese Empfehlung beschreibt einen Dienst.\n")
    result = ingest([path])
    assert result.recommendations[["rec_id", "lang"]].values.tolist() == [
        ["ITU-T F.8 (01/2020)", "fr"], ["ITU-T F.9 (01/2020)", "en"], ["ITU-T F.9 (01/2020)", "fr"]]
    details = result.rejects.set_index("row")["detail"].to_dict()
    assert details == {"5": "no lang given; detected 'es'", "6": "lang='de' is neither en nor fr"}


# The property: whatever the rows, each is kept or rejected, once, with a known reason. -----------

REASONS = {DUPLICATE, EMPTY_SUMMARY, INVALID_STATUS, MALFORMED, MISSING_ID, NOT_ITU_T, UNKNOWN_LANGUAGE}
text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)
row = st.fixed_dictionaries({
    "rec_id": st.one_of(st.sampled_from(["ITU-T Y.1 (01/2020)", "ITU-T Y.1 (02/2021)", "UIT-T Y.1 (01/2020)",
                                         "ITU-T Y Suppl. 1", "ITU-R M.1", "", " "]), text),
    "lang": st.sampled_from(["en", "fr", "", "EN", "xx"]),
    "title": text,
    "summary": st.one_of(st.sampled_from(["This Recommendation describes a network.",
                                          "La présente Recommandation décrit un réseau.", "", "  "]), text),
    "study_group": st.one_of(st.sampled_from(["SG13", "CE 13", "XV", "TSAG"]), text),
    "approved": st.sampled_from(["2020-01-01", "", "not a date", "01/02/2020"]),
    "status": st.sampled_from(["", "in_force", "Published", "Withdrawal", "frozen"]),
})


FIELDS = ["tag", "rec_id", "lang", "title", "summary", "study_group", "approved", "status"]
AWKWARD = {"rec_id": "ITU-T Y.1 (01/2020)", "lang": "", "title": "a\u2028b, \"quoted\"\ttab",
           "summary": "line\u2029 two\nthree", "study_group": "", "approved": "", "status": ""}


@example(rows=[AWKWARD, AWKWARD], fmt="jsonl")
@example(rows=[AWKWARD], fmt="tsv")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(row, max_size=12), fmt=st.sampled_from(["csv", "tsv", "jsonl"]))
def test_no_row_is_ever_lost(tmp_path_factory, rows, fmt):
    folder = tmp_path_factory.mktemp("property")
    path = folder / f"rows.{fmt}"
    tagged = [{"tag": f"r{i}", **r} for i, r in enumerate(rows)]  # a non-blank cell in every row
    if fmt == "jsonl":
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in tagged), encoding="utf-8")
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=FIELDS, delimiter="," if fmt == "csv" else "\t")
        writer.writeheader()
        writer.writerows(tagged)
        path.write_text(buffer.getvalue(), encoding="utf-8")
    result = ingest([path])
    assert result.read == len(rows) == len(result.recommendations) + len(result.rejects)
    located = [s.rsplit(":", 1)[1] for s in result.recommendations["source"]] + list(result.rejects["row"])
    first = 1 if fmt == "jsonl" else 2
    assert sorted(located, key=int) == [str(i + first) for i in range(len(rows))]
    assert set(result.rejects["reason"]) <= REASONS
    assert not result.recommendations.duplicated(["rec_id", "lang"]).any()
