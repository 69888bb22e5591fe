"""run.json: what one ``wsis run`` read, did and wrote — the run's accounting, end to end.

Every count a reader needs to check that nothing was lost is here: rows read, kept and rejected by
reason; texts embedded or taken from the cache; documents classified and Recommendations decided;
Recommendations counted in the coverage tables or left out by status. This is also the one file that
holds timestamps, so every other output of two runs on the same input is byte-identical.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

from pipeline.atomic import write_text


def file_digest(path: Path) -> dict:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"path": str(path), "bytes": Path(path).stat().st_size, "sha256": digest.hexdigest()}


@dataclass
class RunLog:
    inputs: list[dict] = field(default_factory=list)
    stages: dict[str, dict] = field(default_factory=dict)
    rejects_by_reason: dict[str, int] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    started: str = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    finished: str = ""

    def stage(self, name: str, **counts: int | str) -> None:
        self.stages[name] = {k: (int(v) if not isinstance(v, str) else v) for k, v in counts.items()}

    def write(self, path: Path) -> None:
        self.finished = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        self.versions.setdefault("wsis-coverage", metadata.version("wsis-coverage"))
        write_text(path, json.dumps(asdict(self), indent=1, sort_keys=True, default=str) + "\n")
