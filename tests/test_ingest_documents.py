"""Recommendation documents (DOCX, PDF, HTML) in English and French, generated in the tests."""
import datetime as dt

import pytest

from pipeline.ingest import ingest
from pipeline.readers import read_records
from pipeline.readers.frontmatter import read_front_matter
from tests.ingest_documents import (X9002_EN, Y9001_EN, Y9001_FR, Edition, blocks, write_docx, write_html,
                                    write_pdf)

WRITERS = {"docx": write_docx, "pdf": write_pdf, "html": write_html}


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@pytest.mark.parametrize("edition", [Y9001_EN, Y9001_FR], ids=["en", "fr"])
def test_each_format_gives_the_front_matter_in_both_languages(tmp_path, fmt, edition):
    path = WRITERS[fmt](tmp_path / f"rec.{fmt}", edition)
    result = ingest([path])
    assert result.rejects.empty and result.read == 1
    row = result.recommendations.iloc[0]
    assert row["rec_id"] == "ITU-T Y.9001 (06/2024)"
    assert (row["number"], row["series"], row["lang"]) == ("Y.9001", "Y", edition.lang)
    assert row["title"] == edition.title
    assert row["summary"] == " ".join(edition.summary)
    assert row["keywords"] == {"en": "broadband availability; rural access; measurement",
                               "fr": "disponibilité du large bande; accès rural; mesure"}[edition.lang]
    assert row["study_group"] == "SG13"  # from the History table's row for this edition
    assert row["approved"] == dt.date(2024, 6, 14)
    assert row["status"] == "in_force"
    assert row["source"] == str(path)


def test_french_and_english_editions_pair_under_one_rec_id(tmp_path):
    english = write_docx(tmp_path / "T-REC-Y.9001-202406-E.docx", Y9001_EN)
    french = write_pdf(tmp_path / "T-REC-Y.9001-202406-F.pdf", Y9001_FR)
    french_page = write_html(tmp_path / "Y.9001-fr.html", Y9001_FR)
    result = ingest([tmp_path])
    recs = result.recommendations
    assert list(recs["lang"]) == ["en", "fr"] and recs["rec_id"].nunique() == 1
    duplicate = result.rejects.iloc[0]
    assert (duplicate["reason"], duplicate["source"]) == ("duplicate", str(french_page))
    assert duplicate["detail"] == f"same text as {french}, which was kept"
    assert result.accounting == "read 3, kept 2, rejected 1 (duplicate 1)"
    assert english.exists()


def test_roman_numeral_study_group_and_older_editions(tmp_path):
    """A CCITT-era History row gives its study group in Roman numerals; an older edition from a table
    is superseded by the document's, which is the latest."""
    doc = write_docx(tmp_path / "x9002.docx", X9002_EN)
    older = tmp_path / "older.csv"
    older.write_text("itu_id,title_en,abstract_en,study_group,published\n"
                     "ITU-T X.9002 (11/1988),Telegraph archives,Our older summary of telegraph archive care.,"
                     "CCITT Study Group VII,1988-11-25\n")
    recs = ingest([doc, older]).recommendations.set_index("rec_id")
    assert recs.loc["ITU-T X.9002 (11/1992)", ["study_group", "status"]].tolist() == ["SG17", "in_force"]
    assert recs.loc["ITU-T X.9002 (11/1988)", ["study_group", "status"]].tolist() == ["SG7", "superseded"]


def test_html_language_comes_from_the_headings_even_without_a_lang_attribute(tmp_path):
    page = write_html(tmp_path / "page.html", Y9001_FR, lang_attribute=False)
    assert ingest([page]).recommendations.iloc[0]["lang"] == "fr"


def test_a_document_that_is_not_a_recommendation_or_has_no_summary_is_rejected_with_why(tmp_path):
    no_cover = tmp_path / "letter.docx"
    from docx import Document

    document = Document()
    document.add_paragraph("Minutes of our team meeting")
    document.add_paragraph("Summary")
    document.add_paragraph("We agreed to meet again next week.")
    document.save(no_cover)
    no_summary = Edition("Y.9003", "01/2025", "en", "A title", [], "a; b", [("1.0", "Y.9003", "2025-01-10", "20")])
    docx_without_summary = write_docx(tmp_path / "nosummary.docx", no_summary)
    result = ingest([no_cover, docx_without_summary])
    rejects = result.rejects.set_index("source")
    assert rejects.loc[str(no_cover), "reason"] == "not an ITU-T Recommendation"
    assert "identifier" in rejects.loc[str(no_cover), "detail"]
    assert rejects.loc[str(docx_without_summary), ["rec_id", "reason", "detail"]].tolist() == [
        "ITU-T Y.9003 (01/2025)", "empty summary", "no Summary or Résumé section"]


def test_front_matter_tolerates_pdf_furniture_and_split_cover_lines():
    """A PDF can split the cover date onto its own line, put page footers between Summary lines and
    break a History row into one cell per line."""
    front = read_front_matter([
        "ITU-T Y.9001", "(06/2024)", "Recommendation ITU-T Y.9001 – Framework for measuring availability",
        "Summary", "First line of our summary", "Rec. ITU-T Y.9001 (06/2024) i", "ii", "continues here.",
        "History", "Edition Recommendation Approval Study Group Unique ID*",
        "1.0", "ITU-T Y.9001", "2019-03-15", "13", "11.1002/1000/1",
        "2.0", "ITU-T Y.9001", "2024-06-14", "13", "11.1002/1000/2",
        "Keywords", "availability, measurement.", "FOREWORD", "Summary", "not this one",
    ])
    fields = front.fields()
    assert fields["rec_id"] == "ITU-T Y.9001 (06/2024)"
    assert fields["title"] == "Framework for measuring availability"
    assert fields["summary"] == "First line of our summary continues here."
    assert (fields["approved"], fields["study_group"], fields["keywords"]) == (
        "2024-06-14", "13", "availability; measurement")


def test_undated_cover_takes_its_edition_date_from_the_history_table():
    edition = Edition("Y.9001", "06/2024", "fr", "Titre", ["Résumé à nous."], "",
                      [("1.0", "Y.9001", "2019-03-15", "13"), ("2.0", "Y.9001", "2024-06-14", "13")])
    parts = blocks(edition)
    parts[0] = "UIT-T Y.9001"
    fields = read_front_matter(parts).fields()
    assert (fields["rec_id"], fields["lang"], fields["approved"]) == ("ITU-T Y.9001 (06/2024)", "fr", "2024-06-14")


def test_readers_yield_one_record_per_document(tmp_path):
    records = list(read_records(write_pdf(tmp_path / "a.pdf", Y9001_EN)))
    assert len(records) == 1 and records[0].fields["lang"] == "en" and not records[0].reason
