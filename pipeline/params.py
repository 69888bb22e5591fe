"""Every tunable, read once from ``params.yaml`` by the CLI and passed down as frozen dataclasses.

Sections are named after the DVC stages. Core functions never open params.yaml themselves.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class EmbedParams:
    runtime: str = "openvino"  # encoder runtime registry: openvino (fp32, int8) or torch (fp32, bf16)
    precision: str = "int8"  # calibrated int8 (VNNI, recipe v3): cosine to fp32 ≥ 0.999 (tested)
    batch_size: int = 16  # at most this many texts per batch
    batch_tokens: int = 1024  # and at most this many padded tokens, so activations stay in cache
    max_tokens: int = 512
    threads: int = 0  # cores to use; 0 = all this process may use
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


# Study groups whose mandate (WTSA Resolution 2, lead study group roles) names a priority line: a
# weak share there is a sharper resolves-4 finding than the same share elsewhere.
DEFAULT_MANDATES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("SG2", ("C6",)), ("SG3", ("C6",)), ("SG5", ("C2",)), ("SG11", ("C2",)), ("SG12", ("C2",)),
    ("SG13", ("C2",)), ("SG15", ("C2",)), ("SG17", ("C5",)),
)


@dataclass(frozen=True)
class CoverageParams:
    """What is counted, and the thresholds of every gap rule (each rule states them in the report)."""

    priority_lines: tuple[str, ...] = ("C2", "C5", "C6")
    statuses: tuple[str, ...] = ("in_force",)
    as_of: str = ""  # ISO date that "recent" and the running study period end at; "" = latest approval
    min_group_size: int = 5  # smaller study groups are not judged: one Recommendation would swing them
    exempt_groups: tuple[str, ...] = ("TSAG",)  # not judged on resolves 4: TSAG approves working methods
    priority_min_share: float = 0.05  # resolves 4: a group's share on a priority line below this is weak
    mandates: tuple[tuple[str, tuple[str, ...]], ...] = DEFAULT_MANDATES
    mandate_min_share: float = 0.25  # …and below this when the group's mandate names the line
    decline_max_drop: float = 0.5  # per-year rate in the running period fell by more than this share…
    decline_min_previous: int = 5  # …from a previous period with at least this many Recommendations
    target_max_count: int = 0  # an SDG target with at most this many Recommendations is uncovered
    recent_years: float = 4.0  # "recent" = approved within this many years before as_of
    recent_min_count: int = 1  # an action line with fewer recent Recommendations than this is a gap

    def __post_init__(self) -> None:
        mandates = self.mandates
        if isinstance(mandates, dict):
            mandates = tuple((str(sg), tuple(lines)) for sg, lines in mandates.items())
        object.__setattr__(self, "mandates", tuple((sg, tuple(lines)) for sg, lines in mandates))
        as_of = str(self.as_of) if self.as_of else ""  # YAML reads an unquoted date as a date
        if as_of:
            dt.date.fromisoformat(as_of)
        object.__setattr__(self, "as_of", as_of)

    def mandated(self, study_group: str) -> tuple[str, ...]:
        return dict(self.mandates).get(study_group, ())


@dataclass(frozen=True)
class ReportParams:
    lang: str = "en"  # the language the report opens in and summary.md is written in
    trend_from_year: int = 2001  # first approval year drawn in the trend chart (tables keep every year)
    summary_max_gaps: int = 12  # gaps listed in summary.md; the rest are counted and left to gaps.csv


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
