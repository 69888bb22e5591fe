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
