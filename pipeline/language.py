"""Decide whether a summary is French or English when the source does not say.

Summaries are short, formal and full of shared technical words ("IPTV", "QoS"), so we vote on
function words, which every French or English sentence has. Returns "" when the evidence is too thin,
which ingest turns into an "unknown language" reject rather than a guess.
"""
from __future__ import annotations

import re

_EN = frozenset(
    "the of and to in for is are this that with by which be on as it an or from its these "
    "describes specifies provides defines recommendation".split()
)
_FR = frozenset(
    "le la les des du de et en pour est sont cette ce qui dans par une un sur aux au ces "
    "présente décrit spécifie définit fournit".split()
)
_WORD = re.compile(r"[a-zàâçéèêëîïôûùüÿœæ]+")


def detect_language(text: str, *, min_hits: int = 3) -> str:
    words = _WORD.findall(text.lower())
    en = sum(w in _EN for w in words)
    fr = sum(w in _FR for w in words)
    if max(en, fr) < min_hits or en == fr:
        return ""
    return "en" if en > fr else "fr"
