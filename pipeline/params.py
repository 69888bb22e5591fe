"""Every tunable, read once from ``params.yaml`` by the CLI and passed down as frozen dataclasses.

Sections are named after the DVC stages. Core functions never open params.yaml themselves.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class EmbedParams:
    precision: str = "bf16"  # bf16 autocast on AMX CPUs; cosine to fp32 ≥ 0.9999
    batch_size: int = 32
    max_tokens: int = 512
    chunk_size: int = 512  # vectors per shard written to the store


@dataclass(frozen=True)
class ClassifyParams:
    temperature: float = 0.02  # softmax temperature over cosine similarities
    action_line_min_score: float = 0.25  # a secondary action line needs at least this score
    max_action_lines: int = 3
    goal_min_score: float = 0.30
    target_min_score: float = 0.15
    max_targets: int = 3
    targets_kept: int = 10  # target rows written per document (the rest are not scored in output)


@dataclass(frozen=True)
class CoverageParams:
    priority_lines: tuple[str, ...] = ("C2", "C5", "C6")
    statuses: tuple[str, ...] = ("in_force",)


@dataclass(frozen=True)
class ReportParams:
    lang: str = "en"


@dataclass(frozen=True)
class Params:
    embed: EmbedParams = field(default_factory=EmbedParams)
    classify: ClassifyParams = field(default_factory=ClassifyParams)
    coverage: CoverageParams = field(default_factory=CoverageParams)
    report: ReportParams = field(default_factory=ReportParams)


def _section(cls: type, values: dict[str, Any] | None, where: str) -> Any:
    values = dict(values or {})
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ValueError(f"{where}: unknown parameter(s) {unknown}")
    for name, value in values.items():
        if isinstance(value, list):
            values[name] = tuple(value)
    return cls(**values)


def load_params(path: Path | None) -> Params:
    """Read ``path`` (missing file → defaults); unknown keys are an error, not silently ignored."""
    if path is None or not Path(path).exists():
        return Params()
    doc = yaml.safe_load(Path(path).read_text()) or {}
    sections = {f.name: f.type for f in fields(Params)}
    unknown = sorted(set(doc) - set(sections))
    if unknown:
        raise ValueError(f"{path}: unknown section(s) {unknown}")
    return Params(
        embed=_section(EmbedParams, doc.get("embed"), f"{path}: embed"),
        classify=_section(ClassifyParams, doc.get("classify"), f"{path}: classify"),
        coverage=_section(CoverageParams, doc.get("coverage"), f"{path}: coverage"),
        report=_section(ReportParams, doc.get("report"), f"{path}: report"),
    )
