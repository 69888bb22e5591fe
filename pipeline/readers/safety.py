"""Checks that turn hostile or mislabelled files into a clear reason instead of a crash or a hang.

Each check names the problem in words an analyst can act on ("looks like a ZIP archive, not a text
table", "unpacks 1000 times larger than it is"), because that message is what lands in rejects.csv.
"""
from __future__ import annotations

import zipfile
import zlib
from typing import BinaryIO

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from xml.etree.ElementTree import Element, ParseError

from pipeline.readers.base import MiB, Limits, UnreadableFile

_SIGNATURES = (
    (b"PK\x03\x04", "a ZIP archive (DOCX, XLSX or ZIP)"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (DOC or XLS)"),
    (b"PAR1", "a Parquet file"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "a Windows executable"),
)


def sniff(head: bytes) -> str:
    """What the first bytes say the file is, or "" when they look like text."""
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            return what
    return ""


def require_text(raw: bytes, what: str) -> None:
    """Refuse binary content given a text suffix (an image or workbook renamed to .csv, say)."""
    kind = sniff(raw[:8])
    if kind:
        raise UnreadableFile(f"binary content: this looks like {kind}, not {what}")
    if b"\x00" in raw[:8192]:
        raise UnreadableFile(f"binary content (NUL bytes), not {what}")


def require_signature(stream: BinaryIO, signature: bytes, what: str) -> None:
    head = stream.read(8)
    stream.seek(0)
    if not head.startswith(signature):
        kind = sniff(head) or "something else (text or an unknown format)"
        raise UnreadableFile(f"not {what}: the content looks like {kind}")


def open_package(stream: BinaryIO, limits: Limits, what: str) -> zipfile.ZipFile:
    """Open a ZIP-based file (DOCX, XLSX) after checking it cannot unpack into a bomb.

    The sizes checked are those the archive declares; zipfile stops at the declared size when it
    unpacks, so a member that lies about its size fails its CRC check instead of growing without end.
    """
    require_signature(stream, b"PK", f"a {what}")
    try:
        package = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise UnreadableFile(f"corrupt {what}: {exc}") from exc
    members = package.infolist()
    if len(members) > limits.max_members:
        raise UnreadableFile(f"the {what} has {len(members)} parts, over the limit of {limits.max_members}")
    unpacked = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if unpacked > limits.max_unpacked_bytes:
        raise UnreadableFile(f"possible zip bomb: the {what} unpacks to {unpacked / MiB:.0f} MiB, over the "
                             f"{limits.max_unpacked_bytes / MiB:.0f} MiB limit")
    if unpacked > 10 * MiB and unpacked / packed > limits.max_ratio:
        raise UnreadableFile(f"possible zip bomb: the {what} unpacks {unpacked / packed:.0f} times larger than it is "
                             f"({packed / MiB:.1f} MiB to {unpacked / MiB:.0f} MiB)")
    for member in members:
        if member.filename.endswith((".xml", ".rels")):
            head = _head(package, member, what)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise UnreadableFile(f"XML entity attack refused: part {member.filename} of the {what} declares a "
                                     "DTD or entities, which Office files never do")
    return package


def _head(package: zipfile.ZipFile, member: zipfile.ZipInfo, what: str) -> bytes:
    """The start of a part, where a DTD would have to be (it must come before the root element)."""
    try:
        with package.open(member) as part:
            return part.read(65536)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise UnreadableFile(f"corrupt {what}: part {member.filename}: {exc}") from exc


def read_part(package: zipfile.ZipFile, name: str, what: str) -> bytes:
    try:
        with package.open(name) as part:
            return part.read()
    except KeyError as exc:
        raise UnreadableFile(f"corrupt {what}: it has no {name}") from exc
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise UnreadableFile(f"corrupt {what}: {name}: {exc}") from exc


def parse_xml(data: bytes, where: str) -> Element:
    """Parse untrusted XML with defusedxml: no DTDs, no entity expansion, no external references."""
    try:
        return defused_fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise UnreadableFile(f"XML entity attack refused in {where}: {type(exc).__name__}") from exc
    except ParseError as exc:
        raise UnreadableFile(f"malformed XML in {where}: {exc}") from exc
