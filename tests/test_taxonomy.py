import pandas as pd

from pipeline.taxonomy import ACTION_LINES, LANGS, load_taxonomy
from tests.conftest import word_runs


def test_every_label_is_bilingual_and_complete():
    taxonomy = load_taxonomy()
    assert tuple(l.code for l in taxonomy.action_lines) == ACTION_LINES
    assert [g.code for g in taxonomy.goals] == [str(i) for i in range(1, 18)]
    assert len(taxonomy.targets) == 169
    assert len(taxonomy.c7_subareas) == 8
    for label in taxonomy.action_lines + taxonomy.goals + taxonomy.targets:
        for lang in LANGS:
            assert label.name[lang] and label.description[lang] and label.terms[lang], label.code


def test_targets_belong_to_their_goal_and_links_are_known():
    taxonomy = load_taxonomy()
    assert all(t.code.split(".")[0] == t.parent for t in taxonomy.targets)
    assert len(taxonomy.links) == 204
    targets = {t.code for t in taxonomy.targets}
    assert all(target in targets for _, _, target in taxonomy.links if target)


def test_number_blocks_cover_whole_series_ranges_and_co_published_numbers():
    lines = load_taxonomy().by_code("action_line")
    assert lines["C6"].covers("D.156") and lines["C6"].covers("Q.3941.4")
    assert lines["C5"].covers("X.1252") and lines["C5"].covers("X.805") and not lines["C5"].covers("X.850")
    assert lines["C5"].covers("Y.2740/X.1500") and not lines["C5"].covers("L.161/L.46")
    assert not lines["C6"].covers("DA.1") and not lines["C2"].covers("G.652")  # C2 lists no blocks


def test_malformed_number_blocks_are_refused():
    import pytest

    from pipeline.taxonomy import TaxonomyError, _label

    entry = {"code": "C5", "name": {"en": "n", "fr": "n"}, "description": {"en": "d", "fr": "d"},
             "lexicon": {"en": ["t"], "fr": ["t"]}, "series": ["X.1000-Y.1999"]}
    with pytest.raises(TaxonomyError, match="C5: series"):
        _label(entry, "action_lines.yaml", "lexicon")
    for bad in ({"en": "food security"}, {"de": ["Lebensmittelsicherheit"]}, ["food security"]):
        with pytest.raises(TaxonomyError, match="C5: except_in"):
            _label({**entry, "series": [], "except_in": bad}, "action_lines.yaml", "lexicon")


def test_a_number_block_is_evidence_the_trained_model_uses():
    from pipeline.classify import EvidenceFinder

    finder = EvidenceFinder(load_taxonomy())
    found = finder.find("Principles for charging international services.", "en", "ITU-T D.156 (10/2008)")
    assert found.series == {"action_line:C6"}
    assert finder.find("Same text.", "en").series == frozenset()


def test_descriptions_are_our_own_words(shared):
    """No description shares 8 consecutive words with the official UN target wording."""
    official = pd.read_csv(shared / "data" / "sdg-taxonomy" / "sdg_targets_en_fr.csv")
    runs = set()
    for text in pd.concat([official["title_en"], official["title_fr"]]):
        runs |= word_runs(text, 8)
    taxonomy = load_taxonomy()
    for label in taxonomy.goals + taxonomy.targets + taxonomy.action_lines:
        for lang in LANGS:
            assert not (word_runs(label.description[lang], 8) & runs), (label.code, lang)


def test_official_targets_match_ours(shared):
    official = pd.read_csv(shared / "data" / "sdg-taxonomy" / "sdg_targets_en_fr.csv", dtype=str)
    assert {t.code for t in load_taxonomy().targets} == set(official["target"])


def test_a_targets_terms_are_evidence_for_its_goal():
    from pipeline.classify import EvidenceFinder

    found = EvidenceFinder(load_taxonomy()).find("Reducing maternal mortality in rural clinics.", "en").labels
    assert "sdg_target:3.1" in found and "maternal mortality" in found["sdg_goal:3"][0]


def test_goal_terms_know_the_goals_outside_telecommunications_and_not_only_in_english():
    from pipeline.classify import EvidenceFinder

    finder = EvidenceFinder(load_taxonomy())
    assert "sdg_goal:2" in finder.find("Child malnutrition and stunting rose after the drought.", "en").labels
    assert "sdg_goal:16" in finder.find("La corruption mine l'état de droit.", "fr").labels
    # general words that mean something else in ITU-T texts were left out or made specific
    for text in ("This package of H.248 defines a minor alarm.", "Immunity of equipment to electromagnetic fields.",
                 "The vendor aids the operator.", "Une station au sol pour le satellite."):
        lang = "fr" if text.startswith("Une") else "en"
        assert not [k for k in finder.find(text, lang).labels if k.startswith("sdg_goal:")], text


def test_every_goal_has_bilingual_exemplars():
    taxonomy = load_taxonomy()
    per_goal: dict[str, int] = {}
    for exemplar in taxonomy.exemplars:
        assert exemplar.text["en"] and exemplar.text["fr"] and exemplar.text["en"] != exemplar.text["fr"]
        for goal in {t.split(".")[0] for t in exemplar.targets}:
            per_goal[goal] = per_goal.get(goal, 0) + 1
    assert per_goal == {g.code: per_goal.get(g.code, 0) for g in taxonomy.goals}
    assert min(per_goal.values()) >= 5
    assert len({e.rec_id for e in taxonomy.exemplars}) == len(taxonomy.exemplars)


def test_malformed_exemplars_are_refused():
    import pytest

    from pipeline.taxonomy import TaxonomyError, _exemplar

    good = {"id": "1a", "targets": ["1.1"], "en": "Poverty.", "fr": "Pauvreté."}
    assert _exemplar(good, "x.yaml", {"1.1"}).targets == ("1.1",)
    for bad, problem in (({**good, "targets": ["1.99"]}, "must be known"), ({**good, "targets": []}, "at least one"),
                         ({**good, "fr": " "}, "empty in \\['fr'\\]"), ({**good, "id": ""}, "without id")):
        with pytest.raises(TaxonomyError, match=problem):
            _exemplar(bad, "x.yaml", {"1.1"})


def test_exemplars_are_our_own_words(shared):
    """No exemplar shares 8 consecutive words with the official targets or indicators, nor with any
    text of the SDG benchmark (which is for measuring only)."""
    data = shared / "data"
    texts = []
    for name, columns in (("sdg-taxonomy/sdg_targets_en_fr.csv", ["title_en", "title_fr"]),
                          ("sdg-taxonomy/sdg_indicators_en_fr.csv", ["title_en", "title_fr"]),
                          ("sdg-benchmark/benchmark.csv", ["text"])):
        if (data / name).exists():
            frame = pd.read_csv(data / name, dtype=str)
            texts += [t for c in columns for t in frame[c].dropna()]
    runs = set().union(*(word_runs(t, 8) for t in texts))
    for exemplar in load_taxonomy().exemplars:
        for lang in LANGS:
            assert not (word_runs(exemplar.text[lang], 8) & runs), (exemplar.id, lang)
