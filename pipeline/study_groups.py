"""Normalise the many spellings of an ITU-T study group to "SG2" … "SG21" or "TSAG"."""
from __future__ import annotations

import re

CURRENT = ("SG2", "SG3", "SG5", "SG11", "SG12", "SG13", "SG15", "SG17", "SG20", "SG21", "TSAG")

_TSAG = re.compile(
    r"\bTSAG\b|advisory group|groupe consultatif de la normalisation", re.IGNORECASE
)
_NUMBERED = re.compile(
    r"^(?:ITU-T\s+|UIT-T\s+)?(?:SG|CE|study\s+group|commission\s+d['’]\s*[ée]tudes?)\s*0*(\d{1,2})$",
    re.IGNORECASE,
)


def normalise_study_group(raw: object) -> str:
    """Return the canonical code, or "" when the value is empty or not a study group we recognise."""
    if raw is None or not isinstance(raw, str):
        return ""
    text = " ".join(raw.split())
    if not text:
        return ""
    if _TSAG.search(text):
        return "TSAG"
    match = _NUMBERED.match(text)
    return f"SG{int(match.group(1))}" if match else ""
