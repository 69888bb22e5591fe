"""Write every output to a temporary file beside it, then rename: readers see the old or the new file,
never half of one, even when the run is killed mid-write."""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pandas as pd


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path in ``target``'s folder; on success it replaces ``target``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_text(target: Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_parquet(target: Path, frame: pd.DataFrame) -> None:
    with atomic_path(target) as tmp:
        frame.to_parquet(tmp, index=False)


def write_csv(target: Path, frame: pd.DataFrame) -> None:
    """CSV for people and spreadsheets: cells that a spreadsheet would run as formulas are defused."""
    with atomic_path(target) as tmp:
        defuse_formulas(frame).to_csv(tmp, index=False, encoding="utf-8")


FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def defuse_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that start like a formula with ``'`` (OWASP's CSV-injection advice)."""
    out = frame.copy()
    for name in out.columns:
        if out[name].dtype == object or isinstance(out[name].dtype, pd.StringDtype):  # pandas 3: "str" too
            out[name] = out[name].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_LEADS) else v
            )
    return out
