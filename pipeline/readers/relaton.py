"""Relaton YAML records (the format of the public relaton-data-itu repository), one file per edition.

A record is mapped to the canonical fields: the primary ITU docidentifier ("ITU-T G.652 (11/2016)"),
the main title and the abstract in each language present, the published date, the responsible study
group (Relaton gives the *current* one, see ../shared/data/itu-doc-structure/STRUCTURE.md), the stage
("Published" or "Withdrawal") and the doctype, so ingest can tell a Recommendation from an amendment.
A record with abstracts in two languages gives one row per language; its language is known from the
record, never guessed.

YAML is parsed with PyYAML's safe loader only (the C build when present: same rules, about five times
faster). Before parsing, the top-level blocks we do not read are cut away — ``relation`` alone is most
of a record (G.652 lists every supplement of the G series) — which makes the whole 21,506-file corpus
three times quicker to read. If the cut text does not parse, the whole record is parsed instead.
The identifiers of related documents are still taken from that block's text (``editions``: among them
the record's other editions), so ingest can tell a "Withdrawal" that was superseded by a later edition from a true withdrawal.
"""
from __future__ import annotations

import re
from typing import BinaryIO, Iterator

import yaml

from pipeline.readers.base import MALFORMED, Limits, RawRecord, UnreadableFile
from pipeline.readers.safety import require_text

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_WANTED = frozenset({"id", "title", "docidentifier", "date", "contributor", "language", "abstract", "status",
                     "ext", "keyword", "doctype"})
_TOP_LEVEL = re.compile(r"^(?=[^\s#-])", re.MULTILINE)
# The identifiers of related documents, read from the text of the ``relation`` block without parsing it.
_RELATED_ID = re.compile(r"docidentifier:\n\s+- content: ['\"]?([^'\"\n]+)")


def read_relaton_yaml(stream: BinaryIO, limits: Limits) -> Iterator[RawRecord]:
    raw = stream.read(limits.max_member_bytes + 1)
    if len(raw) > limits.max_member_bytes:
        raise UnreadableFile(f"a Relaton record over {limits.max_member_bytes} bytes is not a real one")
    yield from relaton_records(raw)


def relaton_records(raw: bytes) -> list[RawRecord]:
    require_text(raw, "a Relaton YAML record")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"a Relaton YAML record must be UTF-8: {exc}") from exc
    blocks = _TOP_LEVEL.split(text)
    data = load_record(text, "".join(b for b in blocks if b.split(":", 1)[0].strip() in _WANTED))
    if not isinstance(data, dict):
        raise UnreadableFile(f"not a Relaton record: the YAML is a {type(data).__name__}, not a mapping")
    records = map_record(data)
    related = "; ".join(_RELATED_ID.findall("".join(b for b in blocks if b.startswith("relation:"))))
    for record in records:
        record.fields["editions"] = related
    return records


def load_record(text: str, wanted: str) -> object:
    """The record from its wanted blocks; from the whole text when those do not make a mapping."""
    try:
        data = yaml.load(wanted, Loader=_SafeLoader)  # noqa: S506 — the safe loader
        if isinstance(data, dict):
            return data
    except yaml.YAMLError:
        pass
    try:
        return yaml.load(text, Loader=_SafeLoader)  # noqa: S506 — the safe loader
    except yaml.YAMLError as exc:
        raise UnreadableFile(f"invalid YAML: {' '.join(str(exc).split())}") from exc


def map_record(data: dict) -> list[RawRecord]:
    identifier = _primary_identifier(data)
    common = {
        "rec_id": identifier,
        "study_group": _study_group(data),
        "approved": _date(data, "published") or _date(data, "issued"),
        "status": _text(_get(data, "status", "stage", "content") or _get(data, "status", "stage")),
        "doctype": _text(_get(data, "ext", "doctype", "content") or _get(data, "doctype")),
        "keywords": "; ".join(_text(k) for k in _list(data.get("keyword")) if _text(k)),
    }
    if not identifier:
        return [RawRecord(common, reason=MALFORMED, detail="the record has no docidentifier")]
    abstracts = {}
    for item in _list(data.get("abstract")):
        lang = _lang(item) or _default_lang(data)
        content = _text(item.get("content") if isinstance(item, dict) else item)
        if content and lang not in abstracts:
            abstracts[lang] = content
    titles = _titles(data)
    if not abstracts:
        lang = _default_lang(data)
        return [RawRecord({**common, "lang": lang, "title": titles.get(lang, ""), "summary": ""})]
    return [RawRecord({**common, "lang": lang, "title": titles.get(lang) or titles.get("", ""), "summary": summary},
                      row="" if len(abstracts) == 1 else lang)
            for lang, summary in abstracts.items()]


def _get(data: object, *keys: str) -> object:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _list(value: object) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: object) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def _lang(item: object) -> str:
    lang = item.get("language") if isinstance(item, dict) else None
    lang = lang[0] if isinstance(lang, list) and lang else lang
    return _text(lang).lower()[:2]


def _default_lang(data: dict) -> str:
    languages = [_text(x).lower()[:2] for x in _list(data.get("language"))]
    return languages[0] if len(languages) == 1 else ""


def _primary_identifier(data: dict) -> str:
    identifiers = [i for i in _list(data.get("docidentifier")) if isinstance(i, dict) and _text(i.get("content"))]
    for test in (lambda i: i.get("primary") and i.get("type") == "ITU", lambda i: i.get("primary"),
                 lambda i: i.get("type") == "ITU", lambda i: True):
        for item in identifiers:
            if test(item):
                return _text(item["content"])
    return ""


def _titles(data: dict) -> dict[str, str]:
    """Main title per language ("" for a title without one); a main title wins over other types."""
    titles: dict[str, str] = {}
    for item in sorted(_list(data.get("title")), key=lambda t: not (isinstance(t, dict) and t.get("type") == "main")):
        content = _text(item.get("content") if isinstance(item, dict) else item)
        lang = _lang(item) or _default_lang(data)
        if content and lang not in titles:
            titles[lang] = content
    return titles


def _date(data: dict, kind: str) -> str:
    for item in _list(data.get("date")):
        if isinstance(item, dict) and item.get("type") == kind:
            return _text(item.get("at") or item.get("value") or _get(item, "on"))
    return ""


def _study_group(data: dict) -> str:
    """The first subdivision named like a study group or TSAG among the contributors."""
    names = []
    for contributor in _list(data.get("contributor")):
        for subdivision in _list(_get(contributor, "organization", "subdivision")):
            for name in _list(_get(subdivision, "name")):
                names.append(_text(name.get("content") if isinstance(name, dict) else name))
    return next((n for n in names if n), "")
