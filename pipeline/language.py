"""Decide the language of a summary when the source does not say.

The detector is lingua (lingua-language-detector), chosen over langdetect and our earlier stop-word
vote by measurement on short ITU-T titles and summaries in both languages (bench/language.py; figures
in bench/RESULTS.md, "Language detection"): it was the most accurate on titles and first sentences,
where function words are scarce, and ten times faster than langdetect.

It is built for the six ITU languages, not just French and English, so a Spanish or Russian summary is
recognised as such and rejected, instead of being forced into whichever of our two it resembles more.
When the best guess has less than ``MIN_CONFIDENCE`` (for instance "IPTV QoS KPI"), the answer is "",
which ingest turns into an "unknown language" reject rather than a guess.
"""
from __future__ import annotations

import re
from functools import lru_cache

ITU_LANGUAGES = ("en", "fr", "es", "ru", "ar", "zh")
MIN_CONFIDENCE = 0.5
_LETTERS = re.compile(r"[^\W\d_]{2}")


@lru_cache(maxsize=1)
def _detector():
    """Built on first use: the models load lazily, and nothing happens at import time."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in ITU_LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detect_language(text: str, *, min_confidence: float = MIN_CONFIDENCE) -> str:
    """ISO 639-1 code of the most likely ITU language ("en", "fr", "es", …), or "" when unsure."""
    if not _LETTERS.search(text or ""):
        return ""
    values = _detector().compute_language_confidence_values(text)
    if not values or values[0].value < min_confidence:
        return ""
    return values[0].language.iso_code_639_1.name.lower()
