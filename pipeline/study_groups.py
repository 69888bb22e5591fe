"""Normalise the many spellings of an ITU-T study group to "SG2" … "SG21" or "TSAG".

The sources disagree: Relaton says "ITU-T Study Group 13", French documents "Commission d'études 13"
or "CE 13", catalogue exports "SG13", and a History table just "13" — or "XV" for CCITT-era rows. The
coverage tables group by this code, so every spelling must land on the same one.
"""
from __future__ import annotations

import re

CURRENT = ("SG2", "SG3", "SG5", "SG11", "SG12", "SG13", "SG15", "SG17", "SG20", "SG21", "TSAG")
HIGHEST = 21

_TSAG = re.compile(
    r"\bTSAG\b|\bGCNT\b|advisory\s+group|groupe\s+consultatif\s+de\s+la\s+normalisation", re.IGNORECASE
)
_PREFIXED = re.compile(
    r"(?:\bSG|\bCE|\bstudy\s+group|\bcommission\s+d['’]\s*[ée]tudes?|\bgroupe\s+d['’]\s*[ée]tudes?)"
    r"\s*(?:n[°o]\.?\s*)?(?P<n>0*\d{1,2}|[IVX]{1,5})\b",
    re.IGNORECASE,
)
_BARE = re.compile(r"^(?P<n>0*\d{1,2}|[IVX]{1,5})$")
_ROMAN = {"I": 1, "V": 5, "X": 10}


def normalise_study_group(raw: object) -> str:
    """Return the canonical code, or "" when the value is empty or not a study group we recognise.

    A bare number or Roman numeral is taken as a study group, because the only place one occurs is a
    study-group column or a History table's "Study Group" cell.
    """
    if raw is None or not isinstance(raw, str):
        return ""
    text = " ".join(raw.split())
    if not text:
        return ""
    if _TSAG.search(text):
        return "TSAG"
    match = _PREFIXED.search(text) or _BARE.match(text)
    if not match:
        return ""
    number = _to_int(match.group("n"))
    return f"SG{number}" if number and 1 <= number <= HIGHEST else ""


def _to_int(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    values = [_ROMAN[c] for c in token.upper()]
    total = sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return total if _from_int(total) == token.upper() else None


def _from_int(number: int) -> str:
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            out, number = out + letters, number - value
    return out
