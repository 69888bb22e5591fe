"""Archives of Relaton YAML records: a ``.tar.gz`` as the relaton-data-itu repository is packed.

The archive is read as a stream, once, member after member, without unpacking it to disk. Every
member is accounted for: a YAML member gives its records, any other file is rejected as an unsupported
type, and a member that cannot be read is rejected on its own while the rest go on.

Decompression is metered: the archive may unpack to at most ``Limits.max_unpacked_bytes`` and no
member may exceed ``Limits.max_member_bytes``, so a gzip bomb stops at the limit instead of filling
memory or disk, and a member claiming to be huge is refused without being read.
"""
from __future__ import annotations

import gzip
import io
import tarfile
import zlib
from typing import BinaryIO, Iterator

from pipeline.readers.base import MiB, UNREADABLE, UNSUPPORTED, Limits, RawRecord, UnreadableFile
from pipeline.readers.relaton import relaton_records
from pipeline.readers.safety import require_signature

YAML_SUFFIXES = (".yaml", ".yml")


class _Metered(io.RawIOBase):
    """Counts the bytes gzip hands to tarfile and stops the stream past the limit."""

    def __init__(self, inner: BinaryIO, limit: int, packed: int):
        self.inner, self.limit, self.packed, self.count = inner, limit, packed, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.inner.read(len(buffer))
        self.count += len(data)
        if self.count > self.limit:
            raise UnreadableFile(f"possible decompression bomb: the archive unpacks to more than "
                                 f"{self.limit / MiB:.0f} MiB (it is {self.packed / MiB:.1f} MiB packed)")
        buffer[: len(data)] = data
        return len(data)


def read_tar_gz(stream: BinaryIO, limits: Limits) -> Iterator[RawRecord]:
    require_signature(stream, b"\x1f\x8b", "a gzip-compressed tar archive")
    packed = _size(stream)
    yield from _members(_Metered(gzip.GzipFile(fileobj=stream, mode="rb"), limits.max_unpacked_bytes, packed), limits)


def read_tar(stream: BinaryIO, limits: Limits) -> Iterator[RawRecord]:
    yield from _members(_Metered(stream, limits.max_unpacked_bytes, _size(stream)), limits)


def _members(stream: BinaryIO, limits: Limits) -> Iterator[RawRecord]:
    count = 0
    try:
        with tarfile.open(fileobj=stream, mode="r|") as archive:
            for member in archive:
                if not member.isfile():
                    continue
                count += 1
                if count > limits.max_members:
                    raise UnreadableFile(f"the archive has more than {limits.max_members} files")
                yield from _member_records(archive, member, limits)
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise UnreadableFile(f"corrupt or truncated archive after {count} files: {exc}") from exc


def _member_records(archive: tarfile.TarFile, member: tarfile.TarInfo, limits: Limits) -> Iterator[RawRecord]:
    name = member.name
    if not name.lower().endswith(YAML_SUFFIXES):
        yield RawRecord(row=name, reason=UNSUPPORTED, detail="only Relaton YAML records are read from an archive")
        return
    if member.size > limits.max_member_bytes:
        yield RawRecord(row=name, reason=UNREADABLE, detail=f"a {member.size / MiB:.0f} MiB member, over the "
                        f"{limits.max_member_bytes / MiB:.0f} MiB limit for one record")
        return
    content = archive.extractfile(member)
    raw = content.read() if content else b""
    try:
        records = relaton_records(raw)
    except UnreadableFile as exc:
        yield RawRecord(row=name, reason=UNREADABLE, detail=str(exc))
        return
    for record in records:
        record.row = f"{name}#{record.row}" if record.row else name
        yield record


def _size(stream: BinaryIO) -> int:
    try:
        return stream.seek(0, io.SEEK_END) or 0
    finally:
        stream.seek(0)
