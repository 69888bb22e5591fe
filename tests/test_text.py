from pipeline.text import TermMatcher, sentences


def test_sentences_in_both_languages():
    assert sentences("It defines the codec. It also defines a test.", "en") == ["It defines the codec.", "It also defines a test."]
    assert len(sentences("La présente Recommandation définit le codec. Elle spécifie un essai.", "fr")) == 2


def test_terms_match_by_lemma_and_name_their_sentence():
    matcher = TermMatcher("en", {"C5": ["encryption key", "router"], "C2": ["optical fibre"]})
    sents, hits = matcher.find("Routers are described. Encryption keys protect traffic.")
    found = {(h.label, h.term, h.sentence) for h in hits}
    assert found == {("C5", "router", 0), ("C5", "encryption key", 1)}
    assert sents[1] == "Encryption keys protect traffic."


def test_french_lemmas():
    matcher = TermMatcher("fr", {"C2": ["réseau d'accès", "signalisation"], "C5": ["chiffrer"]})
    _, hits = matcher.find("Les Réseaux d'accès utilisent la signalisation. Les données sont chiffrées.")
    assert {(h.label, h.term) for h in hits} == {("C2", "réseau d'accès"), ("C2", "signalisation"),
                                                 ("C5", "chiffrer")}


def test_derived_words_match_one_lexicon_entry():
    """A lemma stops at inflection (sécurisé → sécuriser); the stem reaches the noun as well."""
    matcher = TermMatcher("fr", {"C5": ["sécurité", "authentification"]})
    _, hits = matcher.find("Elle décrit un canal sécurisé. Les terminaux s'authentifient.")
    assert {(h.term, h.sentence) for h in hits} == {("sécurité", 0), ("authentification", 1)}
    english = TermMatcher("en", {"C5": ["security", "encryption"], "C2": ["network management"]})
    _, hits = english.find("Links are secured and traffic is encrypted. It covers network managers.")
    assert {h.term for h in hits} == {"security", "encryption", "network management"}


def test_stems_keep_unrelated_words_apart():
    from pipeline.text import derivational_stem

    assert derivational_stem("sécurité", "fr") == derivational_stem("sécuriser", "fr") == "sécur"
    assert derivational_stem("secure", "en") == derivational_stem("security", "en") == "secur"
    assert derivational_stem("réseau", "fr") == "réseau" and derivational_stem("union", "en") == "union"
    assert derivational_stem("signal", "en") != derivational_stem("sign", "en")


def test_stems_do_not_merge_false_friends():
    """Four-letter stems took "qualité" for "qualification" and "formes" for "formation"; listed
    lemma-only words keep their families apart ("format" is not "formateur", "integrated" not
    "integrity", a digital "conduit" not a "conduite")."""
    french = TermMatcher("fr", {"C4": ["qualification", "formation", "formateur"], "C2": ["conduite"],
                                "C5": ["sécurité"]})
    _, hits = french.find("La qualité des formats et des formes. Un conduit numérique sécurisé.")
    assert {(h.label, h.term) for h in hits} == {("C5", "sécurité")}
    english = TermMatcher("en", {"C5": ["integrity"], "C1": ["income"], "C4": ["qualification"]})
    _, hits = english.find("Integrated quality of incoming calls. Data integrity.")
    assert {h.term for h in hits} == {"integrity"}


def test_a_term_inside_an_exception_phrase_is_not_evidence():
    """French has one word for safety and security; "sécurité du personnel" is not C5 work."""
    matcher = TermMatcher("fr", {"C5": ["sécurité"], "C2": ["installation"]},
                          {"C5": ["sécurité du personnel", "en toute sécurité"]})
    _, hits = matcher.find("Travailler en toute sécurité dans les installations. La sécurité du personnel.")
    assert {h.label for h in hits} == {"C2"}
    _, hits = matcher.find("La sécurité du personnel. Une architecture de sécurité des réseaux.")
    assert {(h.label, h.sentence) for h in hits} == {("C5", 1)}  # the second "sécurité" still counts


def test_the_taxonomy_keeps_safety_and_food_security_out_of_c5():
    from pipeline.classify import EvidenceFinder
    from pipeline.taxonomy import load_taxonomy

    finder = EvidenceFinder(load_taxonomy())
    assert "action_line:C5" not in finder.find("Consignes pour travailler en toute sécurité sur les poteaux.", "fr").labels
    assert "action_line:C5" not in finder.find("Sensors for food security in rural areas.", "en").labels
    assert "action_line:C5" in finder.find("La sécurité des réseaux et le chiffrement.", "fr").labels


def test_trust_words_are_c5_and_a_biological_attack_is_not():
    """Trust frameworks are C5 (labelling guide), and catalogue summaries say "trustable" and
    "trustworthy", which lemmatise to themselves; termites and rodents attacking cables are not."""
    from pipeline.classify import EvidenceFinder
    from pipeline.taxonomy import load_taxonomy

    finder = EvidenceFinder(load_taxonomy())
    c5 = "action_line:C5"
    assert finder.find("Interconnection between trustable network entities.", "en").labels[c5][0] == ["trustable"]
    assert finder.find("A framework for trustworthy federated learning.", "en").labels[c5][0] == ["trustworthy"]
    assert finder.find("Des entités de réseau dignes de confiance.", "fr").labels[c5][0] == ["confiance"]
    assert c5 not in finder.find("Protection of cables from biological attack.", "en").labels
    assert c5 not in finder.find("Protection des câbles contre les attaques biologiques.", "fr").labels
    assert c5 in finder.find("Protection of servers from a denial of service attack.", "en").labels


def test_everyday_verbs_are_not_c6_domain_nouns():
    """ "addressing" (numbering and addressing) is lemmatised "address", and "This Recommendation
    addresses..." opens hundreds of summaries; "conformément à" is "in accordance with"."""
    from pipeline.classify import EvidenceFinder
    from pipeline.taxonomy import load_taxonomy

    finder = EvidenceFinder(load_taxonomy())
    c6 = "action_line:C6"
    assert c6 not in finder.find("This Recommendation addresses user needs and names the parameters.", "en").labels
    assert c6 not in finder.find("The codec is priced low; the terminal consumes little power.", "en").labels
    assert c6 not in finder.find("Le débit est conforme à la norme, conformément à la Recommandation, "
                                 "et les messages sont adressés au serveur.", "fr").labels
    assert finder.find("Naming and addressing of IoT devices.", "en").labels[c6][0] == ["naming", "addressing"]
    assert c6 in finder.find("Plan d'adressage et essais de conformité.", "fr").labels


def test_decomposed_accents_match_like_composed_ones():
    """Text exported with decomposed accents ("e" + U+0301, as macOS and some PDF tools write it) is the
    same French: before, none of its accented words matched a lexicon term."""
    import unicodedata

    matcher = TermMatcher("fr", {"C5": ["sécurité"], "C7": ["énergie renouvelable"]})
    text = "La sécurité des réseaux et l’énergie renouvelable."
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    sents, hits = matcher.find(decomposed)
    assert {h.term for h in hits} == {"sécurité", "énergie renouvelable"}
    assert sents == [text]  # evidence sentences come back composed


def test_digits_and_battery_chargers_are_not_encryption_and_charging():
    from pipeline.classify import EvidenceFinder
    from pipeline.taxonomy import load_taxonomy

    finder = EvidenceFinder(load_taxonomy())
    assert "action_line:C5" not in finder.find("Un code d'identification à trois chiffres.", "fr").labels
    assert "action_line:C5" in finder.find("Les messages sont chiffrés ; le chiffrement est obligatoire.", "fr").labels
    assert "action_line:C6" not in finder.find("A universal charger for mobile terminals.", "en").labels
    assert finder.find("Charging and charges for roaming calls.", "en").labels["action_line:C6"][0][0] == "charging"
    assert "action_line:C9" in finder.find("Profils d'accessibilité pour les systèmes de TVIP.", "fr").labels
    assert "action_line:C6" not in finder.find("La conformité aux limites d'exposition.", "fr").labels
