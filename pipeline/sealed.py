"""Cache files named after the sha256 of their bytes, checked before every use.

Why: the embedding store and the prediction cache are read back on every rerun, possibly from storage
that other people or other machines write (a shared Dask store). A vector file whose format is still
valid but whose numbers were changed would pass ``np.load`` and silently move every label of the
documents it holds. Naming each file after the hash of its bytes makes the check free of any index to
keep in step, and keeps the property the stores rely on: two writers never overwrite each other's
files (different bytes, different names; the same bytes, the same file).

A file that fails the check (edited, truncated, or written before files were sealed) is refused: it is
renamed to ``<name>.refused`` beside its old place, with a warning naming it and the reason, and the
caller recomputes what it held. Nothing is lost and nothing unchecked is used.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
from pathlib import Path
from typing import Collection, Iterator

from pipeline.atomic import atomic_path

log = logging.getLogger(__name__)

HASH = re.compile(r"-([0-9a-f]{64})$")


class RefusedFile(ValueError):
    """A sealed file whose bytes do not hash to its name."""


def write_sealed(folder: Path, prefix: str, suffix: str, data: bytes) -> Path:
    """Write ``data`` atomically as ``<prefix>-<sha256>.<suffix>`` in ``folder``; return its path."""
    target = Path(folder) / f"{prefix}-{hashlib.sha256(data).hexdigest()}{suffix}"
    if not target.exists():
        with atomic_path(target) as tmp:
            tmp.write_bytes(data)
    return target


def read_sealed(path: Path) -> bytes:
    """The bytes of a sealed file, after checking that they hash to its name."""
    path = Path(path)
    stem = path.name[: -len("".join(path.suffixes))] if path.suffixes else path.name
    expected = HASH.search(stem)
    if expected is None:
        raise RefusedFile(f"{path}: no content hash in its name (written by an older version?)")
    data = path.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected.group(1):
        raise RefusedFile(f"{path}: its bytes hash to {actual[:12]}…, not {expected.group(1)[:12]}… "
                          f"as its name says ({len(data)} bytes; edited or truncated)")
    return data


def refuse(path: Path, reason: Exception) -> None:
    """Move a file that failed its check out of the way (kept for inspection) and say so."""
    path = Path(path)
    log.warning("refused cache file, recomputing what it held: %s", reason)
    try:
        os.replace(path, path.with_name(path.name + ".refused"))
    except FileNotFoundError:
        pass


def sealed_files(folder: Path, pattern: str, skip: Collection[Path] = ()) -> Iterator[tuple[Path, bytes]]:
    """The files of ``folder`` that match ``pattern`` (but are not in ``skip``) and pass their check,
    with their bytes, in name order; the others are refused."""
    folder = Path(folder)
    if not folder.exists():
        return
    for path in sorted(p for p in folder.glob(pattern) if p not in skip):
        try:
            yield path, read_sealed(path)
        except RefusedFile as reason:
            refuse(path, reason)
