"""Find a Recommendation's identity, Summary, Keywords and History in its front matter.

Word, PDF and HTML editions share one layout (../shared/data/itu-doc-structure/STRUCTURE.md): a cover
with "ITU-T X.nnn (MM/YYYY)" and "Recommendation ITU-T X.nnn" followed by the title; then the
Summary/Résumé, History/Historique and Keywords/Mots clés sections under standalone headings. Each
format's reader only turns its file into ``Block``s — paragraphs (a PDF gives lines) and tables (rows
of cells) — and this module reads the layout once for all of them.

The language is known from the source: the headings are English or French. The History table gives,
for the edition this document is, its approval date and the study group that approved it (the
historic one; Relaton gives the current one).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

Block = str | list[list[str]]  # a paragraph (or PDF line), or a table's rows of cells

_HEADINGS = {
    "summary": ("summary", "en"), "résumé": ("summary", "fr"), "resume": ("summary", "fr"),
    "history": ("history", "en"), "historique": ("history", "fr"),
    "keywords": ("keywords", "en"), "key words": ("keywords", "en"),
    "mots clés": ("keywords", "fr"), "mots-clés": ("keywords", "fr"), "mots clefs": ("keywords", "fr"),
    "foreword": ("end", "en"), "avant-propos": ("end", "fr"), "note": ("end", ""),
    "introduction": ("end", ""), "table of contents": ("end", "en"), "table des matières": ("end", "fr"),
    "contents": ("end", "en"), "intellectual property rights": ("end", "en"),
    "droits de propriété intellectuelle": ("end", "fr"), "scope": ("end", "en"),
    "domaine d'application": ("end", "fr"), "1 scope": ("end", "en"), "1 domaine d'application": ("end", "fr"),
}
_NUMBER = r"[A-Z]{1,3}\.\d+(?:\.\d+)*(?:\s(?:bis|ter))?(?:/[A-Z]{1,3}\.\d+(?:\.\d+)*)?"
_COVER_ID = re.compile(rf"\b(?:ITU-T|UIT-T)\s+(?P<number>{_NUMBER})(?:\s*\((?P<date>\d{{1,2}}/\d{{4}})\))?")
_TITLE_LINE = re.compile(rf"^(?:Recommendation|Recommandation)\s+(?:ITU-T|UIT-T)\s+(?P<number>{_NUMBER})"
                         r"(?:\s*\(\d{1,2}/\d{4}\))?\s*(?:[-–—:]\s*(?P<title>.+))?$")
_INLINE_KEYWORDS = re.compile(r"^(Keywords|Key words|Mots[- ]cl[ée]s|Mots clefs)\s*:\s*(.+)$", re.IGNORECASE)
_DATE_ONLY = re.compile(r"^\((?P<date>\d{1,2}/\d{4})\)$")
_FOOTER_ID = r"(?:Rec\.|Recommendation|Recommandation)\s+(?:ITU|UIT)-T\s+\S+\s+\(\d{1,2}/\d{4}\)"
_FOOTER = re.compile(rf"^(?:{_FOOTER_ID}\s+(?:[ivxlc]{{1,6}}|\d{{1,4}})|(?:[ivxlc]{{1,6}}|\d{{1,4}})\s+{_FOOTER_ID})$")
_PAGE_NUMBER = re.compile(r"^(?:[ivxlc]{1,6}|\d{1,4})$")
_HISTORY_ROW = re.compile(r"(?P<edition>\b\d+\.\d+)\s+(?P<rec>(?:ITU-T|UIT-T|CCITT)\s+\S+(?:\s\S+)*?)\s+"
                          r"(?P<date>\d{4}-\d{2}-\d{2})\s+(?P<sg>\d{1,2}|[IVX]{1,5}|TSAG|GCNT)\b")
_HISTORY_COLUMNS = {
    "edition": ("edition", "édition"), "rec": ("recommendation", "recommandation"),
    "date": ("approval", "approbation", "approved", "approuvée"),
    "sg": ("study group", "commission d'études", "commission d’études", "groupe d'études"),
}


@dataclass
class HistoryRow:
    edition: str
    recommendation: str
    approved: str
    study_group: str


@dataclass
class FrontMatter:
    number: str = ""
    edition_date: str = ""  # "MM/YYYY" from the cover
    title: str = ""
    summary: str = ""
    keywords: str = ""
    lang: str = ""
    history: list[HistoryRow] = field(default_factory=list)

    def this_edition(self) -> HistoryRow | None:
        """The History row of the edition this document is: its own number, and its cover date if any."""
        own = [r for r in self.history
               if _plain(r.recommendation) in (f"ITU-T {self.number}", f"UIT-T {self.number}", f"CCITT {self.number}")]
        if self.edition_date:
            month, year = self.edition_date.split("/")
            dated = [r for r in own if r.approved[:7] == f"{year}-{int(month):02d}"]
            own = dated or own
        return own[-1] if own else None

    def fields(self) -> dict[str, str]:
        row = self.this_edition()
        approved = row.approved if row else ""
        date = self.edition_date
        if not date and approved:
            date = f"{approved[5:7]}/{approved[:4]}"
        return {
            "rec_id": f"ITU-T {self.number} ({date})" if date else f"ITU-T {self.number}",
            "lang": self.lang, "title": self.title, "summary": self.summary, "keywords": self.keywords,
            "study_group": row.study_group if row else "", "approved": approved, "doctype": "recommendation",
        }


def heading(block: Block) -> tuple[str, str] | None:
    """(section, language) when the block is a standalone heading we know, else None."""
    if not isinstance(block, str) or len(block) > 60:
        return None
    key = unicodedata.normalize("NFC", " ".join(block.replace("\u00a0", " ").split())).strip(" :.").casefold()
    key = key.replace("’", "'")
    return _HEADINGS.get(key)


def read_front_matter(blocks: list[Block]) -> FrontMatter:
    """Split the blocks into cover, Summary, History and Keywords by their headings, then read each.

    A heading met a second time (a "Summary" clause in the body) or any other known heading ends the
    section being read; reading stops once all three sections have been seen and closed.
    """
    blocks = [b for b in map(_clean, blocks) if b and not (isinstance(b, str) and _FOOTER.match(b))]
    front = FrontMatter()
    sections: dict[str, list[Block]] = {"cover": []}
    current = "cover"
    for block in blocks:
        inline = _inline_keywords(block) if isinstance(block, str) else None
        found = heading(block)
        if inline:
            sections.setdefault("keywords", []).append(inline)
            current = "end"
        elif found:
            section, lang = found
            if section == "summary":
                front.lang = front.lang or lang
            current = section if section != "end" and section not in sections else "end"
            if current != "end":
                sections[current] = []
        elif current != "end":
            sections[current].append(block)
        elif {"summary", "history", "keywords"} <= sections.keys():
            break
    _identity(front, sections["cover"])
    front.summary = _prose(sections.get("summary", []))
    front.keywords = _keywords(_prose(sections.get("keywords", [])))
    front.history = _history(sections.get("history", []))
    front.lang = front.lang or _lang_from_cover(sections["cover"])
    return front


def _clean(block: Block) -> Block:
    if isinstance(block, str):
        return " ".join(block.replace("\u00a0", " ").replace("\u2011", "-").split())
    return [[" ".join(c.replace("\u00a0", " ").replace("\u2011", "-").split()) for c in row] for row in block]


def _inline_keywords(block: str) -> str:
    """The keywords of a "Keywords: a, b" paragraph, or ""."""
    match = _INLINE_KEYWORDS.match(block)
    return match.group(2) if match else ""


def _identity(front: FrontMatter, cover: list[Block]) -> None:
    lines = [b for b in cover if isinstance(b, str)]
    for index, line in enumerate(lines):
        match = _COVER_ID.search(line)
        if match and not front.number:
            front.number = match.group("number")
        if match and match.group("number") == front.number and not front.edition_date:
            date = match.group("date")
            if not date and index + 1 < len(lines) and _DATE_ONLY.match(lines[index + 1]):
                date = _DATE_ONLY.match(lines[index + 1]).group("date")
            if date:
                month, year = date.split("/")
                front.edition_date = f"{int(month):02d}/{year}"
        title = _TITLE_LINE.match(line)
        if title and not front.title:
            front.number = front.number or title.group("number")
            if title.group("title"):
                front.title = title.group("title").strip()
            else:
                following = [l for l in lines[index + 1:] if not _COVER_ID.search(l) and not _DATE_ONLY.match(l)]
                front.title = following[0] if following else ""


def _prose(blocks: list[Block]) -> str:
    """The text of a section, without the page numbers a PDF puts between its lines."""
    return " ".join(b for b in blocks if isinstance(b, str) and not _PAGE_NUMBER.match(b))


def _lang_from_cover(cover: list[Block]) -> str:
    text = " ".join(b for b in cover if isinstance(b, str))
    if re.search(r"\bUIT-T\b|\bRecommandation\b", text):
        return "fr"
    if re.search(r"\bRecommendation ITU-T\b", text):
        return "en"
    return ""


def _keywords(text: str) -> str:
    parts = [p.strip(" .") for p in re.split(r"[;,]", text)]
    return "; ".join(p for p in parts if p)


def _history(blocks: list[Block]) -> list[HistoryRow]:
    """Rows from a real table (DOCX, HTML) or, from a PDF whose table came out as text, from the text:
    a PDF may give a row on one line or a cell per line, so the lines are joined and searched."""
    rows: list[HistoryRow] = []
    for block in blocks:
        if not isinstance(block, str):
            rows += _history_table(block)
    if not rows:
        text = " ".join(b for b in blocks if isinstance(b, str))
        rows = [HistoryRow(m["edition"], m["rec"], m["date"], m["sg"]) for m in _HISTORY_ROW.finditer(text)]
    return rows


def _history_table(table: list[list[str]]) -> list[HistoryRow]:
    if not table:
        return []
    header = [c.casefold().replace("’", "'") for c in table[0]]
    where = {}
    for key, names in _HISTORY_COLUMNS.items():
        where[key] = next((i for i, h in enumerate(header) if any(h.startswith(n) for n in names)), None)
    if where["rec"] is None or where["date"] is None:
        return []
    rows = []
    for cells in table[1:]:
        cell = lambda key: cells[where[key]] if where[key] is not None and where[key] < len(cells) else ""  # noqa: E731
        date = _iso_date(cell("date"))
        if date:
            rows.append(HistoryRow(cell("edition"), cell("rec"), date, cell("sg")))
    return rows


def _iso_date(text: str) -> str:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return ""


def _plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())
