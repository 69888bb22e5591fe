"""What every reader produces, and the limits every reader works within.

A reader turns one input file into ``RawRecord``s: the fields it found, under canonical or alias column
names, as untouched text. Judging them — is this an ITU-T Recommendation, is the summary empty, which
language — is ingest's job, so every format is held to the same rules. A reader that already knows a
record cannot be kept (an ITU-R record, a document without a Summary section, an unreadable member of an
archive) says so in ``reason``, and ingest records it with the others.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO, Callable, Iterator

MiB = 2**20

# The reasons a record is not kept; the rejects file and the accounting line use these words.
UNREADABLE = "unreadable file"
UNSUPPORTED = "unsupported file type"
MALFORMED = "malformed row"
MISSING_ID = "missing rec_id"
NOT_ITU_T = "not an ITU-T Recommendation"
EMPTY_SUMMARY = "empty summary"
UNKNOWN_LANGUAGE = "unknown language"
INVALID_STATUS = "invalid status"
DUPLICATE = "duplicate"


class UnreadableFile(ValueError):
    """The whole file (or archive member) cannot be read; the message says why, for the rejects file."""


@dataclass(frozen=True)
class Limits:
    """How much a single input may cost, so that one hostile file cannot take the run down.

    A real Recommendation document is a few MiB and the whole Relaton corpus unpacks to about 160 MiB,
    so these leave ample room for genuine inputs while refusing bombs long before memory runs out.
    """

    max_file_bytes: int = 100 * MiB  # any one input file, as stored
    max_member_bytes: int = 20 * MiB  # one Relaton record (a real one is under 1 MiB)
    max_unpacked_bytes: int = 1024 * MiB  # a whole archive or package, unpacked
    max_ratio: int = 100  # unpacked / packed, checked once a package unpacks to more than 10 MiB
    max_members: int = 200_000
    max_pdf_pages: int = 12  # the front matter (Summary, History, Keywords) is in the first pages


@dataclass
class RawRecord:
    fields: dict[str, str] = field(default_factory=dict)
    row: str = ""  # where in the file: a row or line number, a sheet row, an archive member; "" if the file is one record
    reason: str = ""  # set when the reader already knows the record is rejected
    detail: str = ""


Reader = Callable[[BinaryIO, Limits], Iterator[RawRecord]]
