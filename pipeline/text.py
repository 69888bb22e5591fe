"""Sentence splitting and lemmatised term matching, in English and French, with spaCy.

A blank spaCy pipeline with a sentencizer and the lookup lemmatizer (spacy-lookups-data) is enough
here: summaries are short, and lookup lemmas let "routers" match "router" and "spécifiés" match
"spécifier" without a statistical model. Text is lower-cased before lemmatising because the lookup
tables are keyed on lower-case forms.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import spacy
from spacy.matcher import PhraseMatcher


@lru_cache(maxsize=None)
def nlp_for(lang: str) -> spacy.language.Language:
    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def sentences(text: str, lang: str) -> list[str]:
    return [s.text.strip() for s in nlp_for(lang)(text).sents if s.text.strip()]


@dataclass(frozen=True)
class TermHit:
    label: str
    term: str
    sentence: int


class TermMatcher:
    """Finds lexicon terms (by lemma) in texts of one language, and the sentence each falls in."""

    def __init__(self, lang: str, lexicon: dict[str, Iterable[str]]):
        self.lang = lang
        nlp = nlp_for(lang)
        self._matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self._terms: dict[str, str] = {}
        for label, terms in lexicon.items():
            patterns = []
            for term in terms:
                key = f"{label}\x1f{term}"
                self._terms[key] = term
                patterns.append(nlp(term.lower()))
            for term, pattern in zip(terms, patterns):
                self._matcher.add(f"{label}\x1f{term}", [pattern])

    def find(self, text: str) -> tuple[list[str], list[TermHit]]:
        """Return the text's sentences (original casing) and every term hit, deduplicated per label."""
        nlp = nlp_for(self.lang)
        lowered = text.lower()
        doc = nlp(lowered if len(lowered) == len(text) else text)
        spans = list(doc.sents)
        sents = [text[s.start_char : s.end_char].strip() for s in spans]
        starts = [s.start for s in spans]
        hits, seen = [], set()
        for match_id, start, _end in self._matcher(doc):
            key = nlp.vocab.strings[match_id]
            label, term = key.split("\x1f", 1)
            if (label, term) in seen:
                continue
            seen.add((label, term))
            sentence = max(i for i, s in enumerate(starts) if s <= start)
            hits.append(TermHit(label, term, sentence))
        return sents, hits
