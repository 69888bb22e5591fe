"""ITU-T study periods, so that trends can be read the way study groups plan their work.

A study period runs from one World Telecommunication Standardization Assembly (WTSA; before 1993 the
CCITT Plenary Assembly) to the next, and is named by the years it was planned for. The names are not
the real spans: WTSA-20 was postponed to March 2022, so "2017–2020" ran for five and a half years and
"2022–2024" for two and a half. We therefore cut at the assemblies' closing days. A Recommendation
approved *at* an assembly is counted in the period that assembly closes, since it is that period's
work. Comparisons between periods use Recommendations per year of the period, never raw counts.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

BEFORE = "before 1989"


@dataclass(frozen=True)
class StudyPeriod:
    name: str
    start: dt.date  # the day after the previous assembly closed
    end: dt.date | None  # the closing day of the assembly that ends it; None while it is running
    closed_by: str

    def years(self, as_of: dt.date) -> float:
        """How long the period ran, up to ``as_of`` for the running one (at least a quarter year)."""
        end = min(self.end, as_of) if self.end else as_of
        return max((end - self.start).days + 1, 91) / 365.25


def _period(name: str, start: str, end: str | None, closed_by: str) -> StudyPeriod:
    return StudyPeriod(name, dt.date.fromisoformat(start), dt.date.fromisoformat(end) if end else None,
                       closed_by)


# Assembly closing days: CCITT IXth Plenary, Melbourne, 14–25 Nov 1988; WTSC-93 Helsinki 1–12 Mar 1993;
# WTSC-96 Geneva 9–18 Oct 1996; WTSA-2000 Montréal 27 Sep–6 Oct 2000; WTSA-04 Florianópolis 5–14 Oct
# 2004; WTSA-08 Johannesburg 21–30 Oct 2008; WTSA-12 Dubai 20–29 Nov 2012; WTSA-16 Hammamet 25 Oct–
# 3 Nov 2016; WTSA-20 Geneva 1–9 Mar 2022; WTSA-24 New Delhi 15–24 Oct 2024; WTSA-28 not yet held.
STUDY_PERIODS: tuple[StudyPeriod, ...] = (
    _period("1989–1992", "1988-11-26", "1993-03-12", "WTSC-93"),
    _period("1993–1996", "1993-03-13", "1996-10-18", "WTSC-96"),
    _period("1997–2000", "1996-10-19", "2000-10-06", "WTSA-2000"),
    _period("2001–2004", "2000-10-07", "2004-10-14", "WTSA-04"),
    _period("2005–2008", "2004-10-15", "2008-10-30", "WTSA-08"),
    _period("2009–2012", "2008-10-31", "2012-11-29", "WTSA-12"),
    _period("2013–2016", "2012-11-30", "2016-11-03", "WTSA-16"),
    _period("2017–2020", "2016-11-04", "2022-03-09", "WTSA-20"),
    _period("2022–2024", "2022-03-10", "2024-10-24", "WTSA-24"),
    _period("2025–2028", "2024-10-25", None, "WTSA-28"),
)


def study_period(day: dt.date | None) -> str:
    """The name of the study period ``day`` falls in; "" when the date is unknown."""
    if day is None or pd.isna(day):
        return ""
    if day < STUDY_PERIODS[0].start:
        return BEFORE
    for period in reversed(STUDY_PERIODS):
        if day >= period.start:
            return period.name
    raise AssertionError("unreachable")


def periods_until(as_of: dt.date) -> tuple[StudyPeriod, ...]:
    """The study periods that had started by ``as_of``, oldest first."""
    return tuple(p for p in STUDY_PERIODS if p.start <= as_of)


def by_name() -> dict[str, StudyPeriod]:
    return {p.name: p for p in STUDY_PERIODS}
