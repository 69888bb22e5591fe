"""Real Recommendation-shaped documents for the ingest tests, generated on the fly.

DOCX files are written with python-docx, PDFs with reportlab and HTML by hand, in the layout of
../shared/data/itu-doc-structure/STRUCTURE.md, in English and French. Every summary, title and keyword
here is our own writing about invented Recommendation numbers: no ITU text is copied.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from html import escape
from pathlib import Path


@dataclass(frozen=True)
class Edition:
    number: str
    date: str  # "MM/YYYY" on the cover
    lang: str
    title: str
    summary: list[str]
    keywords: str
    history: list[tuple[str, str, str, str]]  # edition, Recommendation, approval date, study group

    @property
    def words(self) -> dict[str, str]:
        if self.lang == "fr":
            return {"org": "UIT-T", "rec": "Recommandation UIT-T", "summary": "Résumé", "history": "Historique",
                    "keywords": "Mots clés", "foreword": "AVANT-PROPOS",
                    "columns": "Édition|Recommandation|Approbation|Commission d'études|ID unique*",
                    "sector": "SECTEUR DE LA NORMALISATION DES TÉLÉCOMMUNICATIONS DE L'UIT",
                    "boiler": "Ce texte d'avant-propos est rédigé par nos soins pour les essais."}
        return {"org": "ITU-T", "rec": "Recommendation ITU-T", "summary": "Summary", "history": "History",
                "keywords": "Keywords", "foreword": "FOREWORD",
                "columns": "Edition|Recommendation|Approval|Study Group|Unique ID*",
                "sector": "TELECOMMUNICATION STANDARDIZATION SECTOR OF ITU",
                "boiler": "This foreword text is our own, written for the tests."}

    def history_rows(self) -> list[list[str]]:
        org = self.words["org"]
        return [self.words["columns"].split("|")] + [
            [edition, f"{org} {number}", date, sg, f"11.1002/1000/{90000 + i}"]
            for i, (edition, number, date, sg) in enumerate(self.history)]


Y9001_EN = Edition(
    "Y.9001", "06/2024", "en", "Framework for measuring broadband availability in rural communities",
    ["Recommendation ITU-T Y.9001 sets out how operators and regulators can measure whether broadband service "
     "is actually available to households in rural communities.",
     "It defines the indicators to collect, how often to sample them and how to publish the results so that "
     "gaps in coverage can be found and closed."],
    "broadband availability, rural access; measurement",
    [("1.0", "Y.9001", "2019-03-15", "13"), ("2.0", "Y.9001", "2024-06-14", "13")],
)
Y9001_FR = Edition(
    "Y.9001", "06/2024", "fr", "Cadre de mesure de la disponibilité du large bande dans les communautés rurales",
    ["La Recommandation UIT-T Y.9001 indique comment les opérateurs et les régulateurs peuvent vérifier que le "
     "service large bande est réellement disponible pour les foyers des communautés rurales.",
     "Elle définit les indicateurs à recueillir, la fréquence des mesures et la manière de publier les résultats "
     "afin de repérer et de combler les lacunes de couverture."],
    "disponibilité du large bande, accès rural ; mesure",
    [("1.0", "Y.9001", "2019-03-15", "13"), ("2.0", "Y.9001", "2024-06-14", "13")],
)
X9002_EN = Edition(
    "X.9002", "11/1992", "en", "Guidelines for protecting telegraph archives",
    ["This Recommendation gives guidelines for keeping archived telegraph records confidential and intact."],
    "archives; confidentiality",
    [("1.0", "X.9002", "1988-11-25", "VII"), ("2.0", "X.9002", "1992-11-20", "XVII")],
)


def blocks(edition: Edition) -> list[str | list[list[str]]]:
    """The document, top to bottom: cover, Summary, History table, Keywords, then the foreword."""
    w = edition.words
    return [
        f"{w['org']} {edition.number} ({edition.date})", w["sector"], f"{w['rec']} {edition.number}", edition.title,
        w["summary"], *edition.summary,
        w["history"], edition.history_rows(),
        w["keywords"], edition.keywords,
        w["foreword"], w["boiler"],
    ]


def write_docx(path: Path, edition: Edition) -> Path:
    from docx import Document

    document = Document()
    for block in blocks(edition):
        if isinstance(block, list):
            table = document.add_table(rows=len(block), cols=len(block[0]))
            for r, cells in enumerate(block):
                for c, text in enumerate(cells):
                    table.cell(r, c).text = text
        else:
            document.add_paragraph(block)
    document.save(path)
    return path


def write_pdf(path: Path, edition: Edition) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

    style = getSampleStyleSheet()["Normal"]
    story = []
    for block in blocks(edition):
        if isinstance(block, list):
            story.append(Table(block))
        else:
            story.append(Paragraph(escape(block), style))
        story.append(Spacer(1, 6))
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    return path


def write_html(path: Path, edition: Edition, *, lang_attribute: bool = True) -> Path:
    parts = []
    for block in blocks(edition):
        if isinstance(block, list):
            rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>" for cells in block)
            parts.append(f"<table>{rows}</table>")
        elif block in (edition.words["summary"], edition.words["history"], edition.words["keywords"]):
            parts.append(f"<h2>{escape(block)}</h2>")
        else:
            parts.append(f"<p>{escape(block)}</p>")
    lang = f' lang="{edition.lang}"' if lang_attribute else ""
    path.write_text(f"<!DOCTYPE html><html{lang}><head><title>t</title><style>p{{}}</style>"
                    f"<script>var x = '<p>not text</p>';</script></head><body><nav>Home | Search</nav>"
                    + "".join(parts) + "</body></html>", encoding="utf-8")
    return path


# Hostile and broken files ------------------------------------------------------------------------

BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
                  + b"".join(b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b']>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                  b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>")


def write_entity_attack_docx(path: Path, template: Path) -> Path:
    """A genuine DOCX whose document.xml is replaced by a billion-laughs payload."""
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = BILLION_LAUGHS if item.filename == "word/document.xml" else source.read(item)
            out.writestr(item, data)
    return path


def write_zip_bomb_docx(path: Path, template: Path, unpacked_mib: int = 60) -> Path:
    """A genuine DOCX plus one part that inflates from a few KiB to ``unpacked_mib`` MiB."""
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(item, source.read(item))
        out.writestr("word/media/padding.bin", b"\0" * (unpacked_mib << 20))
    return path


def write_truncated(path: Path, template: Path, keep: float = 0.5) -> Path:
    data = template.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path
