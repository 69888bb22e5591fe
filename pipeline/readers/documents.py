"""Recommendation documents: Word (.docx), PDF and HTML, each turned into blocks for ``frontmatter``.

A document is one record: the edition it is, in the language its headings are in. A document with no
ITU-T identifier on its cover is not a Recommendation; one without a Summary/Résumé section is kept
out as an empty summary — both with a detail saying what was missing.

DOCX is read with zipfile and defusedxml rather than python-docx: we need only the body's paragraphs
and tables in order, and this way every byte of XML we parse has gone through defusedxml and the
package through the zip-bomb checks. PDF text comes from pypdf (its own decompression limits apply),
from the first ``Limits.max_pdf_pages`` pages only. HTML is parsed with the standard library's
tokenizer, which expands no entities beyond HTML's fixed set.
"""
from __future__ import annotations

import html.parser
import logging
from typing import BinaryIO, Iterator

from pipeline.readers.base import EMPTY_SUMMARY, NOT_ITU_T, Limits, RawRecord, UnreadableFile
from pipeline.readers.frontmatter import Block, read_front_matter
from pipeline.readers.safety import open_package, parse_xml, read_part, require_signature
from pipeline.readers.tables import decode

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def document_record(blocks: list[Block], *, lang: str = "") -> RawRecord:
    front = read_front_matter(blocks)
    front.lang = front.lang or lang
    if not front.number:
        return RawRecord(reason=NOT_ITU_T, detail="no 'ITU-T X.nnn' or 'UIT-T X.nnn' identifier on the cover")
    record = RawRecord(front.fields())
    if not front.summary:
        record.reason, record.detail = EMPTY_SUMMARY, "no Summary or Résumé section"
    return record


def read_docx(stream: BinaryIO, limits: Limits) -> Iterator[RawRecord]:
    package = open_package(stream, limits, "DOCX document")
    body = parse_xml(read_part(package, "word/document.xml", "DOCX document"), "word/document.xml").find(f"{_W}body")
    if body is None:
        raise UnreadableFile("corrupt DOCX document: word/document.xml has no body")
    yield document_record(list(_docx_blocks(body)))


def _docx_blocks(parent) -> Iterator[Block]:
    for child in parent:
        if child.tag == f"{_W}p":
            yield _docx_text(child)
        elif child.tag == f"{_W}tbl":
            yield [[" ".join(_docx_text(p) for p in cell.iter(f"{_W}p")) for cell in row.iter(f"{_W}tc")]
                   for row in child.iter(f"{_W}tr")]
        elif child.tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"):
            yield from _docx_blocks(child)


def _docx_text(paragraph) -> str:
    parts = []
    for node in paragraph.iter():
        if node.tag == f"{_W}t" and node.text:
            parts.append(node.text)
        elif node.tag in (f"{_W}tab", f"{_W}br", f"{_W}cr"):
            parts.append(" ")
        elif node.tag == f"{_W}noBreakHyphen":
            parts.append("-")
    return "".join(parts)


def read_pdf(stream: BinaryIO, limits: Limits) -> Iterator[RawRecord]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    require_signature(stream, b"%PDF", "a PDF document")
    log = logging.getLogger("pypdf")
    if log.level == logging.NOTSET:  # damaged files are reported as rejects, not as warnings on stderr
        log.setLevel(logging.ERROR)
    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted:
            raise UnreadableFile("encrypted PDF: its text cannot be read")
        lines: list[Block] = []
        for page in reader.pages[: limits.max_pdf_pages]:
            lines += (page.extract_text() or "").splitlines()
    except UnreadableFile:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError) as exc:
        raise UnreadableFile(f"corrupt PDF document: {type(exc).__name__}: {exc}") from exc
    if not any(isinstance(l, str) and l.strip() for l in lines):
        raise UnreadableFile("the PDF has no extractable text (a scanned image?)")
    yield document_record(lines)


def read_html(stream: BinaryIO, limits: Limits) -> Iterator[RawRecord]:
    parser = _BlockParser()
    try:
        parser.feed(decode(stream.read(), "an HTML page"))
        parser.close()
    except (AssertionError, ValueError) as exc:
        raise UnreadableFile(f"malformed HTML: {exc}") from exc
    parser.flush()
    yield document_record(parser.blocks, lang=parser.lang if parser.lang in ("en", "fr") else "")


class _BlockParser(html.parser.HTMLParser):
    """Paragraph-level blocks and tables from HTML, skipping scripts, styles and navigation chrome.

    The page's ``lang`` attribute is used only when the headings do not say: a site's chrome may be
    English around a French summary."""

    BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "section", "article", "header",
             "footer", "title", "blockquote", "dt", "dd", "tr", "table", "ul", "ol", "main", "body"}
    SKIP = {"script", "style", "nav", "noscript", "template", "head"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.lang = ""
        self._text: list[str] = []
        self._skip = 0
        self._table: list[list[str]] | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.lang = (dict(attrs).get("lang") or "").lower()[:2]
        if tag in self.SKIP:
            self._skip += 1
        elif tag == "table" and self._table is None:
            self.flush()
            self._table = []
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag in self.BLOCK and self._cell is None:
            self.flush()

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            self._table.append(self._row)
            self._row = None
        elif tag == "table" and self._table is not None:
            self.blocks.append(self._table)
            self._table = None
        elif tag in self.BLOCK and self._cell is None:
            self.flush()

    def handle_data(self, data):
        if self._skip:
            return
        (self._cell if self._cell is not None else self._text).append(data)

    def flush(self):
        text = " ".join("".join(self._text).split())
        if text:
            self.blocks.append(text)
        self._text = []
