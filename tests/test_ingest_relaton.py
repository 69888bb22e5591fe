"""Relaton YAML records: single files, directories, globs and .tar.gz archives, and the real corpus."""
import io
import tarfile
import time
from collections import Counter

import pytest
import yaml

from pipeline.ingest import ingest
from tests.conftest import ROOT

RELATON = "itu-t-relaton"


def relaton(identifier: str, *, abstracts: dict[str, str] | None = None, stage: str = "Published",
            doctype: str = "recommendation", published: str = "2024-06-14", group: str = "ITU-T Study Group 13",
            editions: tuple[str, ...] = ()) -> str:
    """A Relaton record in the shape of relaton-data-itu, with our own title and abstract text."""
    record = {
        "id": identifier.replace(" ", ""), "schema_version": "v1.5.6", "type": "standard",
        "title": [{"language": lang, "script": "Latn", "content": f"Our title ({lang})", "type": "main"}
                  for lang in (abstracts or {"en": ""})],
        "docidentifier": [{"content": identifier, "type": "ITU", "primary": True}],
        "date": [{"type": "published", "at": published}],
        "contributor": [{"role": [{"type": "author"}], "organization": {
            "name": [{"content": "International Telecommunication Union"}],
            "subdivision": [{"name": [{"content": group}], "type": "technical-committee", "subtype": "study-group"}]}}],
        "language": list(abstracts or {"en": ""}),
        "abstract": [{"language": lang, "script": "Latn", "content": text} for lang, text in (abstracts or {}).items()],
        "status": {"stage": {"content": stage}},
        "relation": [{"type": "hasEdition", "bibitem": {"docidentifier": [
            {"content": other, "type": "ITU", "primary": True}]}} for other in editions],
        "ext": {"schema_version": "v1.1.3", "doctype": {"content": doctype}, "flavor": "itu"},
    }
    return "---\n" + yaml.safe_dump(record, allow_unicode=True, sort_keys=False)


RECORDS = {
    "itu-t-y-9001-06-2024.yaml": relaton("ITU-T Y.9001 (06/2024)", abstracts={
        "en": "This Recommendation describes how to measure rural broadband.",
        "fr": "La présente Recommandation décrit la mesure du large bande rural."}),
    "itu-t-y-9001-03-2019.yaml": relaton("ITU-T Y.9001 (03/2019)", stage="Withdrawal", published="2019-03-15",
                                         abstracts={"en": "An earlier edition of our rural broadband text."},
                                         editions=("Y.9001 (06/2024)",)),
    "itu-t-g-9004-01-2001.yaml": relaton("ITU-T G.9004 (01/2001)", stage="Withdrawal", published="2001-01-10",
                                         abstracts={"en": "A cable test method that was later withdrawn."},
                                         group="ITU-T Study Group 15"),
    "itu-t-a-9005-09-2022.yaml": relaton("ITU-T A.9005 (09/2022)", group="Telecommunication Standardization "
                                         "Advisory Group", abstracts={"en": "Working methods we describe."}),
    "itu-t-y-9001-2024-amd-1.yaml": relaton("ITU-T Y.9001 (2024) Amd. 1 (01/2025)", doctype="recommendation-amendment",
                                            abstracts={"en": "An amendment adding an annex."}),
    "itu-t-y-9006-01-2025.yaml": relaton("ITU-T Y.9006 (01/2025)"),
    "itu-r-bt-9007.yaml": relaton("ITU-R BT.9007-0 (01/2020)", abstracts={"en": "A broadcasting text of ours."}),
}


def write_records(folder, records=RECORDS):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in records.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def expected_outcome(result):
    recs = result.recommendations.set_index(["rec_id", "lang"])
    assert recs.loc[("ITU-T Y.9001 (06/2024)", "fr"), "summary"].startswith("La présente Recommandation")
    assert recs.loc[("ITU-T Y.9001 (06/2024)", "fr"), "title"] == "Our title (fr)"
    assert recs["status"].to_dict() == {
        ("ITU-T A.9005 (09/2022)", "en"): "in_force",
        ("ITU-T G.9004 (01/2001)", "en"): "withdrawn",  # "Withdrawal" and no later edition known
        ("ITU-T Y.9001 (03/2019)", "en"): "superseded",  # "Withdrawal", and the record lists a later edition
        ("ITU-T Y.9001 (06/2024)", "en"): "in_force", ("ITU-T Y.9001 (06/2024)", "fr"): "in_force"}
    assert recs["study_group"].to_dict()[("ITU-T A.9005 (09/2022)", "en")] == "TSAG"
    reasons = result.rejects.set_index("rec_id")["reason"].to_dict()
    assert reasons == {"ITU-T Y.9001 (2024) Amd. 1 (01/2025)": "not an ITU-T Recommendation",
                       "ITU-T Y.9006 (01/2025)": "empty summary",
                       "ITU-R BT.9007-0 (01/2020)": "not an ITU-T Recommendation"}
    assert result.read == len(RECORDS) + 1 == len(result.recommendations) + len(result.rejects)


def test_a_directory_of_relaton_records(tmp_path):
    expected_outcome(ingest([write_records(tmp_path / "data")]))


def test_a_glob_of_relaton_records(tmp_path):
    write_records(tmp_path / "data")
    expected_outcome(ingest([str(tmp_path / "data" / "*.yaml")]))


def test_a_tarball_of_relaton_records_with_bad_members(tmp_path):
    archive = tmp_path / "relaton.tar.gz"
    members = {f"data/{name}": text.encode() for name, text in RECORDS.items()}
    members["data/README.md"] = b"# not a record"
    members["data/broken.yaml"] = b"id: [unclosed\n  title: :\n"
    members["data/a-list.yaml"] = b"- just\n- a list\n"
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    result = ingest([archive])
    bad = result.rejects[~result.rejects["row"].str.endswith(tuple(RECORDS))].set_index("row")
    assert bad.loc["data/README.md", "reason"] == "unsupported file type"
    assert bad.loc["data/broken.yaml", "reason"] == "unreadable file"
    assert "invalid YAML" in bad.loc["data/broken.yaml", "detail"]
    assert "not a mapping" in bad.loc["data/a-list.yaml", "detail"]
    kept = result.recommendations.set_index(["rec_id", "lang"])["source"]
    assert kept[("ITU-T Y.9001 (06/2024)", "fr")] == f"{archive}:data/itu-t-y-9001-06-2024.yaml#fr"
    assert result.read == len(members) + 1 == len(result.recommendations) + len(result.rejects)


def test_the_same_edition_from_two_sources_is_kept_once_and_lends_what_it_has(tmp_path):
    write_records(tmp_path / "data", {"y9001.yaml": RECORDS["itu-t-y-9001-06-2024.yaml"]})
    table = tmp_path / "catalogue.csv"
    table.write_text("rec_id,lang,title,summary,keywords\n"
                     "ITU-T Y.9001 (06/2024),en,Our title (en),This Recommendation describes how to measure rural "
                     "broadband.,rural; broadband\n"
                     "ITU-T Y.9001 (06/2024),fr,Our title (fr),Un autre résumé.,\n")
    result = ingest([tmp_path / "data", table])
    kept = result.recommendations.set_index("lang")
    assert len(kept) == 2 and kept.loc["en", "keywords"] == "rural; broadband"
    details = result.rejects.set_index("row")["detail"]
    assert details["2"] == (f"same text as {tmp_path / 'data' / 'y9001.yaml'}:en, which was kept; "
                            "it lent the kept row its keywords")
    assert details["3"].startswith("different text from")


def test_the_three_untouched_relaton_samples(shared):
    result = ingest([shared / "data" / RELATON / "raw_samples"])
    recs = result.recommendations.set_index("rec_id")
    assert result.accounting == "read 3, kept 3, rejected 0"
    assert recs["study_group"].to_dict() == {"ITU-T G.652 (11/2016)": "SG15", "ITU-T X.509 (10/2019)": "SG17",
                                             "ITU-T Y.3172 (06/2019)": "SG13"}
    assert recs.loc["ITU-T G.652 (11/2016)", "status"] == "superseded"  # G.652 (08/2024) is listed as an edition
    assert recs.loc["ITU-T X.509 (10/2019)", "status"] == "in_force"
    assert "\r" not in recs.loc["ITU-T G.652 (11/2016)", "summary"]


@pytest.mark.shared
def test_the_whole_relaton_corpus(shared):
    """All 21,506 records of relaton-data-itu: every one kept or rejected with a reason (about 15 s)."""
    started = time.perf_counter()
    result = ingest([shared / "data" / RELATON / "relaton-itu-yaml.tar.gz"])
    seconds = time.perf_counter() - started
    recs = result.recommendations
    assert result.read == 21506 == len(recs) + len(result.rejects)
    assert len(recs) == 6500 and set(recs["lang"]) == {"en"}
    assert Counter(result.rejects["reason"]) == {"not an ITU-T Recommendation": 8792, "empty summary": 6214}
    itu_r = result.rejects["detail"].str.contains("is an ITU-R document")
    assert itu_r.sum() == 5334  # every non-ITU-T file of the repository
    assert Counter(recs["status"]) == {"in_force": 4453, "superseded": 1862, "withdrawn": 185}
    assert (recs["study_group"] != "").mean() > 0.99
    assert seconds < 60
    assert f"`{result.accounting}`" in (ROOT / "README.md").read_text(encoding="utf-8")  # the README's example
    derived = ingest([shared / "data" / RELATON / "itu_t_recommendations.jsonl"]).recommendations
    same = ["rec_id", "lang", "text_sha256", "status", "study_group", "approved"]
    assert derived[same].equals(recs[same])  # the JSON Lines derived from these records says the same
