"""Recognise an ITU-T Recommendation edition from the way a source spells its identifier.

``rec_id`` is the key that pairs the French and English versions of one edition and that finds the
same edition in two sources, so every spelling must come out the same: "UIT-T G.652 (11/2016)" from a
French document, "Recommendation ITU-T G.652 (11/2016)" from a cover page and "ITU-T G.652 (11/2016)"
from Relaton are one edition. Amendments, corrigenda, errata, supplements and annexes have identifiers
that look alike but are not Recommendation editions; they are refused with what they are, so the
rejects file can say so.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass


class NotARecommendation(ValueError):
    """The identifier is well formed but names something other than an ITU-T Recommendation edition."""


@dataclass(frozen=True)
class RecId:
    rec_id: str  # "ITU-T Y.3172 (06/2019)"
    number: str  # "Y.3172"
    series: str  # "Y"


_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u00a0": " "})
_PREFIX = re.compile(r"^(?:(?:Recommendation|Recommandation|Rec\.)\s+)?(?P<org>ITU-T|UIT-T|ITU-R|UIT-R|ITU-D|UIT-D|"
                     r"ISO/IEC|ISO|IEC|CCITT|CCIR)\b\s*", re.IGNORECASE)
# A number, with the " bis" or single-letter variant ("Q.2931 B", "E.292 R") that makes it a distinct
# Recommendation, and any joint number ("G.8275.2/Y.1369.2").
_NUMBER = re.compile(r"^(?P<number>(?P<series>[A-Z]{1,3})\s?\.\s?[0-9][0-9A-Za-z.\-]*"
                     r"(?:\s(?:bis|ter|quater|[A-Z](?=\s*\(|$)))?"
                     r"(?:/[A-Z]{1,3}\.[0-9][0-9A-Za-z.\-]*(?:\s(?:bis|ter))?)*)")
_PARTS = (
    ("an amendment", re.compile(r"\b(?:Amd|Amendment|Amendement)\b", re.IGNORECASE)),
    ("a corrigendum", re.compile(r"\b(?:Cor|Corr|Corrigendum)\b", re.IGNORECASE)),
    ("an erratum", re.compile(r"\b(?:Err|Erratum|Errata)\b", re.IGNORECASE)),
    ("a supplement", re.compile(r"\b(?:Suppl|Supplement|Supplément)\b", re.IGNORECASE)),
    ("an annex", re.compile(r"\b(?:Annex|Annexe)\b", re.IGNORECASE)),
    ("an appendix", re.compile(r"\b(?:App|Appendix|Appendice)\b", re.IGNORECASE)),
    ("an addendum", re.compile(r"\b(?:Add|Addendum)\b\.?", re.IGNORECASE)),
    ("an implementers' guide", re.compile(r"\bImplementers?['’]? Guide\b", re.IGNORECASE)),
)
_EDITION_DATE = re.compile(r"\((?P<month>\d{1,2})/(?P<year>\d{4})\)\s*$")


def parse_rec_id(raw: str, approved: dt.date | None = None) -> RecId:
    """Return the canonical identifier of a Recommendation edition.

    ``approved`` supplies the "(MM/YYYY)" edition date when the source's identifier has none, so that an
    undated "ITU-T X.509" from a document still pairs with the dated one from a catalogue.
    Raises ``NotARecommendation`` saying what the identifier names instead.
    """
    text = " ".join(str(raw).translate(_DASHES).split())
    prefix = _PREFIX.match(text)
    if not prefix:
        raise NotARecommendation(f"{text!r} does not start with 'ITU-T' (expected e.g. 'ITU-T Y.3172 (06/2019)')")
    org = prefix.group("org").upper().replace("UIT", "ITU")
    if org != "ITU-T":
        raise NotARecommendation(f"{text!r} is an {org} document, not ITU-T")
    rest = text[prefix.end():]
    for what, pattern in _PARTS:
        if pattern.search(rest):
            raise NotARecommendation(f"{text!r} is {what}, not a Recommendation edition")
    match = _NUMBER.match(rest)
    if not match:
        raise NotARecommendation(f"{text!r} has no Recommendation number like 'Y.3172'")
    number = re.sub(r"\s?\.\s?", ".", match.group("number"), count=1)
    date = _EDITION_DATE.search(rest)
    if date:
        rest = rest[: date.start()] + f"({int(date['month']):02d}/{date['year']})"
    elif approved is not None:
        rest = f"{rest} ({approved.month:02d}/{approved.year})"
    rest = number + rest[match.end():]
    return RecId(rec_id=f"ITU-T {' '.join(rest.split())}", number=number, series=match.group("series"))
