import datetime as dt
import json
from collections import Counter

import pytest

from pipeline.identifiers import NotARecommendation, parse_rec_id
from pipeline.ingest import expand_inputs, ingest, text_sha256
from pipeline.language import detect_language
from pipeline.study_groups import normalise_study_group

CANONICAL = "rec_id,number,series,lang,title,summary,keywords,study_group,approved,status\n"


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("raw, expected", [
    ("ITU-T Study Group 13", "SG13"), ("SG13", "SG13"), ("CE 13", "SG13"), ("sg 2", "SG2"),
    ("Commission d'études 17", "SG17"), ("Commission d’études 5", "SG5"), ("Study Group 05", "SG5"),
    ("Telecommunication Standardization Advisory Group", "TSAG"), ("TSAG", "TSAG"),
    ("", ""), (None, ""), ("Working Party 3", ""),
    ("13", "SG13"), ("XV", "SG15"), ("CCITT Study Group XVIII", "SG18"), ("UIT-T CE 13", "SG13"), ("CE13", "SG13"),
    ("Commission d'études 13 de l'UIT-T", "SG13"), ("GCNT", "TSAG"), ("ITU-T SG 20 – IoT", "SG20"),
    ("Question 5/13", ""), ("SG 22", ""), ("IIII", ""),
])
def test_study_group_spellings(raw, expected):
    assert normalise_study_group(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("ITU-T Y.3172 (06/2019)", ("ITU-T Y.3172 (06/2019)", "Y.3172", "Y")),
    ("UIT-T Y.3172 (6/2019)", ("ITU-T Y.3172 (06/2019)", "Y.3172", "Y")),
    ("Recommandation UIT\u2011T X.509", ("ITU-T X.509 (10/2019)", "X.509", "X")),  # dated from `approved`
    ("ITU-T G.8275.2/Y.1369.2 (11/2022)", ("ITU-T G.8275.2/Y.1369.2 (11/2022)", "G.8275.2/Y.1369.2", "G")),
    ("ITU-T Q.2931 B (12/2000)", ("ITU-T Q.2931 B (12/2000)", "Q.2931 B", "Q")),
    ("ITU-T X.509 (2019) Amd. 1 (10/2024)", "an amendment"),
    ("ITU-T Z.140 (2003) Err. 1 (10/2005)", "an erratum"),
    ("ITU-T G.711 App. I (09/1999)", "an appendix"),
    ("ITU-T Y Suppl. 9 (01/2010)", "a supplement"),
    ("ITU-R BT.500-15 (10/2023)", "ITU-R document"),
    ("Y.3172 (06/2019)", "does not start with 'ITU-T'"),
])
def test_rec_ids_are_canonical_or_refused_with_what_they_are(raw, expected):
    approved = dt.date(2019, 10, 14)
    if isinstance(expected, tuple):
        rec = parse_rec_id(raw, approved)
        assert (rec.rec_id, rec.number, rec.series) == expected
    else:
        with pytest.raises(NotARecommendation, match=expected):
            parse_rec_id(raw, approved)


@pytest.mark.parametrize("text, lang", [
    ("This Recommendation specifies the architecture of the access network.", "en"),
    ("La présente Recommandation spécifie l'architecture du réseau d'accès et de la signalisation.", "fr"),
    ("Esta Recomendación especifica la arquitectura de la red de acceso.", "es"),
    ("IPTV QoS KPI", ""),
    ("", ""),
])
def test_language_detection(text, lang):
    assert detect_language(text) == lang


def test_canonical_columns_round_trip(tmp_path):
    src = write(tmp_path / "recs.csv", CANONICAL
                + 'ITU-T X.509 (10/2019),X.509,X,en,Directory: PKI,Defines certificates.,pki,SG17,2019-10-14,in_force\n'
                + 'ITU-T X.509 (10/2019),X.509,X,fr,Annuaire: ICP,Définit des certificats.,icp,CE 17,2019-10-14,in_force\n')
    result = ingest([src])
    recs = result.recommendations
    assert len(recs) == 2 and result.rejects.empty
    assert set(recs["lang"]) == {"en", "fr"}
    assert set(recs["study_group"]) == {"SG17"}
    assert recs.loc[0, "source"] == f"{src}:2"
    assert recs.loc[0, "text_sha256"] == text_sha256("Directory: PKI", "Defines certificates.")
    assert result.accounting == "read 2, kept 2, rejected 0"


def test_relaton_columns_need_no_option(tmp_path):
    src = write(tmp_path / "relaton.csv",
                "itu_id,series,study_group,published,title_en,abstract_en,url\n"
                "ITU-T G.652 (11/2016),G,ITU-T Study Group 15,2016-11-13,Single-mode fibre,Describes a fibre.,u\n")
    recs = ingest([src]).recommendations
    row = recs.iloc[0]
    assert (row["rec_id"], row["number"], row["series"], row["lang"], row["study_group"]) == (
        "ITU-T G.652 (11/2016)", "G.652", "G", "en", "SG15")
    assert str(row["approved"]) == "2016-11-13"
    assert row["status"] == "in_force"


def test_every_row_is_kept_or_rejected_with_a_reason(tmp_path):
    rows = [
        'ITU-T Y.1 (01/2020),,,en,A title,A good summary.,,SG13,2020-01-01,',
        'ITU-T Y.2 (01/2020),,,en,Empty,,,SG13,2020-01-01,',
        'ITU-T Y Suppl. 9 (01/2010),,,en,Supplement,Some text.,,SG13,2010-01-01,',
        ',,,en,No id,Some text.,,SG13,2020-01-01,',
        'ITU-T Y.3 (01/2020),,,,,QoS KPI SLA,,SG13,2020-01-01,',
        'ITU-T Y.1 (01/2020),,,en,A title,A good summary.,,SG13,2020-01-01,',
        'ITU-T Y.4 (01/2020),,,en,Odd,Text.,,SG13,2020-01-01,frozen',
    ]
    src = write(tmp_path / "mixed.csv", CANONICAL + "\n".join(rows) + "\n")
    result = ingest([src])
    reasons = dict(zip(result.rejects["row"], result.rejects["reason"]))
    assert reasons == {"3": "empty summary", "4": "not an ITU-T Recommendation", "5": "missing rec_id",
                       "6": "unknown language", "7": "duplicate", "8": "invalid status"}
    assert len(result.recommendations) + len(result.rejects) == result.read == 7
    assert "same text" in result.rejects.set_index("row").loc["7", "detail"]


def test_unreadable_files_are_rejected_not_raised(tmp_path):
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    good = write(tmp_path / "good.csv", CANONICAL + "ITU-T E.164 (11/2010),,,en,Numbering,Plan.,,SG2,2010-11-18,\n")
    result = ingest([binary, good])
    assert len(result.recommendations) == 1
    rejected = result.rejects.iloc[0]
    assert rejected["reason"] == "unreadable file" and "looks like a PNG image" in rejected["detail"]


def test_windows_1252_and_jsonl(tmp_path):
    latin = write(tmp_path / "fr.csv", CANONICAL
                  + "ITU-T D.261 (10/2017),,,fr,Principes de taxation,Décrit les règles économiques.,,CE 3,2017-10-01,\n",
                  encoding="cp1252")
    jsonl = tmp_path / "recs.jsonl"
    jsonl.write_text(json.dumps({"itu_id": "ITU-T A.1 (09/2019)", "title_en": "Working methods",
                                 "abstract_en": "Describes work methods.", "study_groups": ["TSAG"],
                                 "published": "2019-09-27", "status": "Published"}) + "\n{broken\n")
    result = ingest([latin, jsonl])
    recs = result.recommendations.set_index("rec_id")
    assert recs.loc["ITU-T D.261 (10/2017)", "summary"] == "Décrit les règles économiques."
    assert recs.loc["ITU-T A.1 (09/2019)", "study_group"] == "TSAG"
    assert result.rejects.iloc[0]["reason"] == "malformed row"
    assert result.read == 3


def test_latest_edition_is_in_force_unless_the_source_says(tmp_path):
    src = write(tmp_path / "editions.csv", CANONICAL
                + "ITU-T G.9 (01/2010),,,en,Old,Old text.,,SG15,2010-01-01,\n"
                + "ITU-T G.9 (01/2020),,,en,New,New text.,,SG15,2020-01-01,\n"
                + "ITU-T G.8 (01/2010),,,en,Gone,Text.,,SG15,2010-01-01,withdrawn\n")
    status = ingest([src]).recommendations.set_index("rec_id")["status"].to_dict()
    assert status == {"ITU-T G.9 (01/2010)": "superseded", "ITU-T G.9 (01/2020)": "in_force",
                      "ITU-T G.8 (01/2010)": "withdrawn"}


def test_inputs_mix_files_directories_and_globs(tmp_path):
    (tmp_path / "a").mkdir()
    one = write(tmp_path / "a" / "one.csv", CANONICAL)
    two = write(tmp_path / "two.jsonl", "")
    (tmp_path / "notes.txt").write_text("ignored by directory search")
    packed = write(tmp_path / "a" / "relaton.tar.gz", "")
    assert expand_inputs([tmp_path / "a", str(tmp_path / "*.jsonl"), one]) == [one, packed, two]
    with pytest.raises(FileNotFoundError, match="nothing.csv"):
        expand_inputs([tmp_path / "nothing.csv"])


def test_real_catalogue_accounts_for_every_row(shared):
    result = ingest([shared / "data" / "itu-t-relaton" / "itu_t_inforce_recommendations.csv"])
    assert result.read == 5878
    assert len(result.recommendations) + len(result.rejects) == 5878
    # 4,464 rows have a summary; 11 of those are errata or appendices ("ITU-T A.11 (2012) Err. 1 (02/2020)",
    # "ITU-T G.711 App. I (09/1999)"), which are not Recommendation editions
    assert len(result.recommendations) == 4453
    assert Counter(result.rejects["reason"]) == {"empty summary": 1331, "not an ITU-T Recommendation": 94}
    assert set(result.recommendations["lang"]) == {"en"}
    assert set(result.recommendations["status"]) == {"in_force"}


def test_decomposed_accents_are_composed_at_ingest(tmp_path):
    """The same French summary with composed or decomposed accents is one text: same hash, same words."""
    import unicodedata

    summary = "La présente Recommandation spécifie la sécurité des réseaux électriques."
    composed = write(tmp_path / "nfc.csv", CANONICAL + f'ITU-T X.1 (01/2020),X.1,X,fr,Sécurité,"{summary}",,SG17,2020-01-01,in_force\n')
    decomposed = write(tmp_path / "nfd.csv", unicodedata.normalize("NFD", composed.read_text(encoding="utf-8")))
    a, b = ingest([composed]).recommendations, ingest([decomposed]).recommendations
    assert b.loc[0, "summary"] == summary and b.loc[0, "title"] == "Sécurité"
    assert a.loc[0, "text_sha256"] == b.loc[0, "text_sha256"]
