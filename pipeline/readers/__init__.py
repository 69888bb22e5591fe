"""Input readers, one per file format, registered by file suffix.

``READERS`` maps a suffix (".csv", ".tar.gz", ".docx" …) to the function that turns an open file into
``RawRecord``s, with the format's name for messages. Adding a format means writing one such function
and registering it here; ingest and its accounting do not change. ``read_records`` is the one door every file goes through: it enforces
the size limit, gives the reader a stream that reports progress, and turns whatever a damaged or
hostile file makes a parser raise into ``UnreadableFile`` with a message naming the problem.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO, Callable, Iterator, NamedTuple

from pipeline.readers.archives import read_tar, read_tar_gz
from pipeline.readers.base import (DUPLICATE, EMPTY_SUMMARY, INVALID_STATUS, MALFORMED, MISSING_ID, NOT_ITU_T,
                                   UNKNOWN_LANGUAGE, UNREADABLE, UNSUPPORTED, Limits, MiB, RawRecord, Reader,
                                   UnreadableFile)
from pipeline.readers.documents import read_docx, read_html, read_pdf
from pipeline.readers.relaton import read_relaton_yaml
from pipeline.readers.tables import read_csv, read_jsonl, read_parquet, read_tsv, read_xlsx

__all__ = ["READERS", "Format", "Limits", "RawRecord", "Reader", "UnreadableFile", "read_records", "reader_for",
           "DUPLICATE", "EMPTY_SUMMARY", "INVALID_STATUS", "MALFORMED", "MISSING_ID", "NOT_ITU_T",
           "UNKNOWN_LANGUAGE", "UNREADABLE", "UNSUPPORTED"]


class Format(NamedTuple):
    read: Reader
    name: str  # for messages: "corrupt DOCX document: …"


READERS: dict[str, Format] = {
    ".csv": Format(read_csv, "CSV table"), ".tsv": Format(read_tsv, "TSV table"), ".tab": Format(read_tsv, "TSV table"),
    ".jsonl": Format(read_jsonl, "JSON Lines file"), ".ndjson": Format(read_jsonl, "JSON Lines file"),
    ".parquet": Format(read_parquet, "Parquet file"), ".xlsx": Format(read_xlsx, "XLSX workbook"),
    ".yaml": Format(read_relaton_yaml, "Relaton YAML record"), ".yml": Format(read_relaton_yaml, "Relaton YAML record"),
    ".tar.gz": Format(read_tar_gz, "archive"), ".tgz": Format(read_tar_gz, "archive"), ".tar": Format(read_tar, "archive"),
    ".docx": Format(read_docx, "DOCX document"), ".pdf": Format(read_pdf, "PDF document"),
    ".html": Format(read_html, "HTML page"), ".htm": Format(read_html, "HTML page"),
}


def reader_for(path: Path) -> str | None:
    """The registered suffix for ``path`` (two-part ones like ".tar.gz" first), or None."""
    name = path.name.lower()
    return next((suffix for suffix in sorted(READERS, key=len, reverse=True) if name.endswith(suffix)), None)


def read_records(path: Path, limits: Limits = Limits(),
                 on_bytes: Callable[[int], None] | None = None) -> Iterator[RawRecord]:
    """Yield the records of one file; raise ``UnreadableFile`` when the file as a whole cannot be read.

    Records already yielded before a file turns out to be damaged (a truncated archive) stay valid.
    ``on_bytes`` is told how far into the file the reader has got, for a progress bar.
    """
    suffix = reader_for(path)
    if suffix is None:
        raise UnreadableFile(f"{UNSUPPORTED} {path.suffix or '(no suffix)'}; ingest reads "
                             + ", ".join(sorted(READERS)))
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableFile(f"cannot open: {exc.strerror or exc}") from exc
    if size > limits.max_file_bytes:
        raise UnreadableFile(f"file too large: {size / MiB:.0f} MiB, over the {limits.max_file_bytes / MiB:.0f} MiB "
                             "limit for one input file")
    try:
        with path.open("rb") as raw:
            stream = _Progress(raw, on_bytes) if on_bytes else raw
            yield from READERS[suffix].read(stream, limits)
    except UnreadableFile:
        raise
    except (OSError, MemoryError, RecursionError) as exc:
        raise UnreadableFile(f"cannot read {READERS[suffix].name}: {type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # a parser's own error on a damaged file: report it, never a traceback
        raise UnreadableFile(f"corrupt {READERS[suffix].name}: {type(exc).__name__}: {exc}") from exc


class _Progress(io.RawIOBase):
    """A read-only view of a file that reports the furthest position read, however the reader seeks."""

    def __init__(self, inner: BinaryIO, on_bytes: Callable[[int], None]):
        self.inner, self.on_bytes, self.reported = inner, on_bytes, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.inner.readinto(buffer)
        self._report()
        return n

    def read(self, size: int = -1) -> bytes:
        data = self.inner.read(size)
        self._report()
        return data

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self.inner.seek(offset, whence)

    def tell(self) -> int:
        return self.inner.tell()

    def _report(self) -> None:
        position = self.inner.tell()
        if position > self.reported:
            self.on_bytes(position - self.reported)
            self.reported = position
