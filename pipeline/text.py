"""Sentence splitting and lemmatised term matching, in English and French, with spaCy.

A blank spaCy pipeline with a sentencizer and the lookup lemma tables (spacy-lookups-data) is enough
here: summaries are short, and lookup lemmas let "routers" match "router" and "spécifiés" match
"spécifier" without a statistical model. Text is lower-cased before lemmatising because the lookup
tables are keyed on lower-case forms.

Lemmas stop at inflection: "sécurisé" is "sécuriser", which is not "sécurité", and "secure" is not
"security". Terms are therefore matched on the lemma's derivational stem (``derivational_stem``), so
one lexicon entry covers the noun, the verb and the participle a summary happens to use.
"""
from __future__ import annotations

import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import numpy as np
import spacy
from spacy.attrs import LOWER, NORM
from spacy.matcher import PhraseMatcher


@lru_cache(maxsize=None)
def nlp_for(lang: str) -> spacy.language.Language:
    """Tokenizer and sentencizer; lemmas come from the lookup table directly (``Stems``), which is what
    spaCy's lookup lemmatizer does, without a Python call per token."""
    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    return nlp


def split(text: str, lang: str) -> tuple[spacy.tokens.Doc, list[tuple[int, str]]]:
    """The lower-cased text parsed, and its non-empty sentences as (first token, original-case text).

    Lower-cased because the lemma tables are keyed on lower-case forms; where lower-casing changes the
    length (rare ligatures), the original text is parsed instead so that offsets still match. Accents are
    composed first (NFC): the lexicons are, and with "e" + U+0301 no accented French word matched."""
    text = unicodedata.normalize("NFC", text)
    lowered = text.lower()
    doc = nlp_for(lang)(lowered if len(lowered) == len(text) else text)
    sents = [(span.start, text[span.start_char:span.end_char].strip()) for span in doc.sents]
    return doc, [(start, sent) for start, sent in sents if sent]


def sentences(text: str, lang: str) -> list[str]:
    return [sent for _, sent in split(text, lang)[1]]


# Derivational suffixes, longest first within each language; stripped from a lemma at most twice
# ("management" -> "manage" -> "manag", as "manager" -> "manag"), never below MIN_STEM letters.
# Four-letter stems merged too much: "qualité" and "qualification" ("qual"), "forme" and "formation"
# ("form"), "plane" and "plan", "station" and "state" (bench/RESULTS.md, Classification quality).
SUFFIXES = {
    "fr": ("isations", "isation", "ification", "ications", "ication", "ations", "ation", "itions", "ition",
           "issements", "issement", "ements", "ement", "ifier", "iser", "ités", "ité", "iques", "ique",
           "isme", "iste", "euses", "euse", "eurs", "eur", "age", "er", "ir", "ée", "é", "e", "s"),
    "en": ("izations", "ization", "isations", "isation", "ifications", "ification", "ications", "ication",
           "ations", "ation", "itions", "ition", "ators", "ator", "icate", "ities", "ity", "ions", "ion",
           "ments", "ment", "ize", "ise", "ify", "ate", "ing", "ers", "er", "ors", "or", "ed", "e", "s"),
}
MIN_STEM = 5
# Lexicon words whose derivational family holds a false friend, matched by their lemma alone: the
# stem would take "integrated" for "integrity", "incoming" for "income", "customer" for "customs",
# "format" for "formateur", "conduit" (a digital path) for "conduite", "traitement" for "traite",
# "settles" for "settlement", and French "autorise" (allows) for "autorisation".
# Found by matching every word of the in-force catalogue and of our sample against the lexicons.
LEMMA_ONLY = {
    "en": frozenset({"integrity", "custom", "activity", "diversity", "community", "conversation", "income",
                     "digitization", "direct", "consumer", "settlement"}),
    "fr": frozenset({"formateur", "génération", "compteur", "traite", "activité", "conduite", "continu",
                     "conformité", "adressage", "chiffre", "autorisation"}),
}
# English domain nouns in -ing whose lookup lemma is an everyday verb, matched only as written: C6's
# "addressing" is lemmatised "address", and "This Recommendation addresses..." opens hundreds of
# summaries (of 356 in-force summaries with a word of the family, 55 say "addressing"); "naming" is
# "name", "pricing" "price" ("at the price of"), "licensing" "license". French "conformément à" (in
# accordance with) and "adressé" are the same trap for "conformité" and "adressage" (``LEMMA_ONLY``),
# as "consumes" is for "consumer". The same holds the other way round: a word spelled like a lexicon
# stem but meaning something else is kept apart by its own lemma or form, as "chiffres" (digits, in every
# numbering plan) from "chiffrement" and a battery "charger" from C6's "charging".
AS_WRITTEN = {"en": frozenset({"addressing", "naming", "pricing", "licensing", "charger", "chargers"})}


@lru_cache(maxsize=200_000)
def derivational_stem(lemma: str, lang: str) -> str:
    """The lemma without its derivational suffixes: sécurité, sécuriser and sécurisation → "sécur"."""
    suffixes = SUFFIXES.get(lang, ())
    stem = lemma
    for _ in range(2):
        for suffix in suffixes:
            if stem.endswith(suffix) and len(stem) - len(suffix) >= MIN_STEM:
                stem = stem[: -len(suffix)]
                break
        else:
            break
    return stem


class Stems:
    """Writes each token's derivational stem of its lemma into NORM, the attribute the term matcher
    compares; computed once per distinct lower-case form."""

    def __init__(self, lang: str):
        from spacy.lookups import load_lookups

        self.lang = lang
        self._lemmas = load_lookups(lang, ["lemma_lookup"]).get_table("lemma_lookup")
        self._norms: dict[int, int] = {}

    def _norm(self, lower: int, strings) -> int:
        if lower not in self._norms:
            form = strings[lower]
            lemma = self._lemmas.get(form, form)
            lemma = lemma[0] if isinstance(lemma, list) else lemma
            # "=" and "==" keep lemma-only and as-written words apart from any stem spelled like them
            if form in AS_WRITTEN.get(self.lang, ()):
                norm = f"=={form}"
            elif lemma in LEMMA_ONLY.get(self.lang, ()):
                norm = f"={lemma}"
            else:
                norm = derivational_stem(lemma, self.lang)
            self._norms[lower] = strings.add(norm)
        return self._norms[lower]

    def __call__(self, doc: spacy.tokens.Doc) -> spacy.tokens.Doc:
        if len(doc):
            values = np.array([self._norm(x, doc.vocab.strings) for x in doc.to_array([LOWER]).tolist()],
                              dtype=np.uint64)
            doc.from_array([NORM], values.reshape(-1, 1))
        return doc


@dataclass(frozen=True)
class TermHit:
    label: str
    term: str
    sentence: int


class TermMatcher:
    """Finds lexicon terms (by the derivational stem of each lemma) in texts of one language, and the
    sentence each falls in; a term inside one of its label's ``exceptions`` phrases does not count."""

    def __init__(self, lang: str, lexicon: dict[str, Iterable[str]],
                 exceptions: dict[str, Iterable[str]] | None = None):
        self.lang = lang
        nlp = nlp_for(lang)
        self._stems = Stems(lang)
        self._matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self._exceptions = PhraseMatcher(nlp.vocab, attr="NORM")
        for matcher, phrases in ((self._matcher, lexicon), (self._exceptions, exceptions or {})):
            for label, terms in phrases.items():
                for term in terms:
                    matcher.add(f"{label}\x1f{term}", [self._stems(nlp.make_doc(term.lower()))])

    def find(self, text: str) -> tuple[list[str], list[TermHit]]:
        """Return the text's non-empty sentences (original casing) and every term hit, deduplicated per
        label, with the index of the sentence it falls in."""
        doc, sents = split(text, self.lang)
        self._stems(doc)
        starts = [start for start, _ in sents]
        strings = doc.vocab.strings
        excepted: dict[str, list[tuple[int, int]]] = {}
        for match_id, start, end in self._exceptions(doc):
            excepted.setdefault(strings[match_id].split("\x1f", 1)[0], []).append((start, end))
        hits, seen = [], set()
        for match_id, start, end in self._matcher(doc):
            label, term = strings[match_id].split("\x1f", 1)
            if (label, term) in seen or any(s <= start and end <= e for s, e in excepted.get(label, ())):
                continue
            seen.add((label, term))
            hits.append(TermHit(label, term, bisect_right(starts, start) - 1))
        return [sent for _, sent in sents], hits
