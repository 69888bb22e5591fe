"""The ``wsis`` command line: thin typer commands over the stages in ``pipeline.stages``.

This is the only module that parses arguments or reads ``params.yaml``. Exit codes: 0 ok, 1 bad
input (a clear message, nothing half-written), 2 usage.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from pipeline.params import Params, load_params

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Classify ITU-T Recommendations by WSIS action line and SDG, and report coverage.")

ParamsOption = Annotated[Path, typer.Option("--params", help="params.yaml with every tunable")]
EncoderOption = Annotated[Path, typer.Option("--encoder", help="the local encoder folder")]
StoreOption = Annotated[Path, typer.Option("--store", help="the embedding cache folder")]
ModelsOption = Annotated[Path, typer.Option("--models", help="classifier registry; its `current` is used")]


def _params(path: Path) -> Params:
    try:
        return load_params(path)
    except ValueError as exc:
        _fail(str(exc))
        raise


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


@app.command("ingest")
def ingest_command(
    inputs: Annotated[list[str], typer.Argument(help="files, directories or globs")],
    out: Annotated[Path, typer.Option("--out", help="recommendations.parquet to write")] = Path(
        "data/processed/recommendations.parquet"),
    strict: Annotated[bool, typer.Option("--strict", help="stop at the first unreadable file")] = False,
) -> None:
    """Read tables, Relaton YAML (files, folders, .tar.gz) and DOCX/PDF/HTML Recommendations into the
    recommendations table; rejects.csv goes beside it, with a reason for every record not kept."""
    from pipeline.ingest import IngestError
    from pipeline.stages import ingest_stage

    with _progress_bar("ingest") as progress:
        try:
            result = ingest_stage(inputs, out, strict=strict, progress=progress)
        except (FileNotFoundError, IngestError) as exc:
            _fail(str(exc))
    typer.echo(result.accounting)


@contextmanager
def _progress_bar(label: str):
    """A byte-counting bar on stderr, shown only when both output streams are a terminal."""
    from tqdm import tqdm

    quiet = not (sys.stdout.isatty() and sys.stderr.isatty())
    with tqdm(desc=label, unit="B", unit_scale=True, unit_divisor=1024, disable=quiet, leave=False) as bar:
        def advance(n: int, total: int) -> None:
            if bar.total != total:
                bar.total = total
            bar.update(n)

        yield advance


@app.command("embed")
def embed_command(
    recommendations: Annotated[Path, typer.Argument()] = Path("data/processed/recommendations.parquet"),
    store: StoreOption = Path("data/processed/embeddings"),
    encoder: EncoderOption = Path("models/encoder"),
    params: ParamsOption = Path("params.yaml"),
) -> None:
    """Embed every summary not already in the cache."""
    from pipeline.stages import embed_stage, make_encoder

    p = _params(params)
    typer.echo(str(embed_stage(recommendations, store=store, encoder=make_encoder(encoder, p), params=p)))


@app.command("classify")
def classify_command(
    recommendations: Annotated[Path, typer.Argument()] = Path("data/processed/recommendations.parquet"),
    out: Annotated[Path, typer.Option("--out")] = Path("data/processed/predictions.csv"),
    store: StoreOption = Path("data/processed/embeddings"),
    encoder: EncoderOption = Path("models/encoder"),
    models: ModelsOption = Path("models/classifier"),
    params: ParamsOption = Path("params.yaml"),
) -> None:
    """Score every summary by action line, SDG goal and SDG target (predictions.csv, long form)."""
    from pipeline.stages import classify_stage, make_encoder

    p = _params(params)
    try:
        predictions = classify_stage(recommendations, store=store, encoder=make_encoder(encoder, p),
                                     params=p, out=out, model_root=models)
    except ValueError as exc:  # a refused model file, or one trained for another encoder
        _fail(str(exc))
    typer.echo(f"{int(predictions['assigned'].sum())} labels assigned over "
               f"{predictions['rec_id'].nunique()} Recommendations → {out}")


@app.command("report")
def report_command(
    recommendations: Annotated[Path, typer.Argument()] = Path("data/processed/recommendations.parquet"),
    predictions: Annotated[Path, typer.Argument()] = Path("data/processed/predictions.csv"),
    coverage_dir: Annotated[Path, typer.Option("--coverage")] = Path("data/processed/coverage"),
    report: Annotated[Path, typer.Option("--report")] = Path("data/processed/report.html"),
    lang: Annotated[Optional[str], typer.Option("--lang", help="en or fr")] = None,
    params: ParamsOption = Path("params.yaml"),
) -> None:
    """Coverage tables per study group (CSV, Parquet, coverage.xlsx), report.html and summary.md."""
    from pipeline.stages import report_stage

    p = _params(params)
    if lang not in (None, "en", "fr"):
        _fail(f"--lang must be en or fr, not {lang!r}")
    paths = report_stage(recommendations, predictions, coverage_dir=coverage_dir, report=report,
                         params=p, lang=lang)
    typer.echo(f"tables: {paths.coverage_dir.resolve()} (and {paths.workbook.name})")
    typer.echo(f"summary: {paths.summary.resolve()}")
    typer.echo(f"report: {paths.report.resolve()}")


@app.command("run")
def run_command(
    ctx: typer.Context,
    inputs: Annotated[list[str], typer.Argument(help="files, directories or globs")],
    out: Annotated[Path, typer.Option("--out", help="output folder")],
    engine: Annotated[str, typer.Option("--engine", help="local, or dask to spread ingest/embed/classify")] = "local",
    scheduler: Annotated[Optional[str], typer.Option(
        "--scheduler", help="Dask scheduler address (default: a LocalCluster, one worker per core)")] = None,
    store: Annotated[Optional[Path], typer.Option("--store", help="embedding cache (default OUT/embeddings)")] = None,
    encoder: EncoderOption = Path("models/encoder"),
    models: ModelsOption = Path("models/classifier"),
    lang: Annotated[Optional[str], typer.Option("--lang", help="report language, en or fr")] = None,
    params: ParamsOption = Path("params.yaml"),
) -> None:
    """Run every stage: ingest, embed, classify, coverage and report; run.json records the accounting."""
    from dataclasses import asdict

    from pipeline.ingest import expand_inputs
    from pipeline.runlog import RunLog, file_digest
    from pipeline.stages import make_encoder, report_stage
    from pipeline.taxonomy import load_taxonomy

    from pipeline.engines import make_engine

    p = _params(params)
    if lang not in (None, "en", "fr"):
        _fail(f"--lang must be en or fr, not {lang!r}")
    if scheduler and engine != "dask":
        raise typer.BadParameter("--scheduler needs --engine dask", param_hint="--scheduler")
    try:
        stages = ctx.with_resource(make_engine(engine, **({"scheduler": scheduler} if scheduler else {})))
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--engine")
    store = store or out / "embeddings"
    log = RunLog(params=asdict(p))
    try:
        result = stages.ingest(inputs, out / "recommendations.parquet")
    except FileNotFoundError as exc:
        _fail(str(exc))
    typer.echo(f"ingest: {result.accounting}")
    log.inputs = [file_digest(path) for path in expand_inputs(inputs)]
    log.stage("ingest", read=result.read, kept=len(result.recommendations), rejected=len(result.rejects))
    log.rejects_by_reason = result.rejects["reason"].value_counts().sort_index().to_dict()
    if result.recommendations.empty:
        _fail(f"no usable Recommendation in the input; see {out / 'rejects.csv'}")
    enc = make_encoder(encoder, p)
    try:
        enc.build_info
    except FileNotFoundError as exc:
        _fail(str(exc))
    embedded = stages.embed(out / 'recommendations.parquet', store=store, encoder=enc, params=p)
    typer.echo(f"embed: {embedded}")
    log.stage("embed", texts=embedded.requested, from_cache=embedded.cached, embedded=embedded.embedded)
    try:
        predictions = stages.classify(out / "recommendations.parquet", store=store, encoder=enc, params=p,
                                      out=out / "predictions.csv", model_root=models)
    except ValueError as exc:  # a refused model file, or one trained for another encoder
        _fail(str(exc))
    typer.echo(f"classify: {int(predictions['assigned'].sum())} labels assigned "
               f"by {predictions['model_version'].iloc[0]}")
    fused = predictions[predictions["lang"] == "all"]
    log.stage("classify", documents=predictions.loc[predictions["lang"] != "all", ["rec_id", "lang"]]
              .drop_duplicates().shape[0], recommendations=fused["rec_id"].nunique(),
              rows=len(predictions), labels_assigned=int(fused["assigned"].sum()))
    log.versions = {"model": str(predictions["model_version"].iloc[0]), "encoder": enc.version,
                    "taxonomy": load_taxonomy().version}
    paths = report_stage(out / "recommendations.parquet", out / "predictions.csv",
                         coverage_dir=out / "coverage", report=out / "report.html", params=p, lang=lang)
    counted = set(result.recommendations.loc[result.recommendations["status"].isin(p.coverage.statuses), "rec_id"])
    log.stage("coverage", recommendations=fused["rec_id"].nunique(), counted=len(counted),
              not_counted_by_status=fused["rec_id"].nunique() - len(counted))
    log.write(out / "run.json")
    typer.echo(f"report: {paths.report.resolve()}")


@app.command("train")
def train_command(
    inputs: Annotated[list[str], typer.Argument(help="the labelled Recommendations' texts (files, dirs, globs)")],
    labels: Annotated[Optional[list[Path]], typer.Option(
        "--labels", help="more labels: JSON Lines, or a filled review sheet (CSV/XLSX); repeatable, later wins")] = None,
    seed_labels: Annotated[Path, typer.Option("--seed-labels", help="the seed labels, always included first")] = Path(
        "data/labels/sample.jsonl"),
    store: StoreOption = Path("data/processed/embeddings"),
    encoder: EncoderOption = Path("models/encoder"),
    models: ModelsOption = Path("models/classifier"),
    version: Annotated[Optional[str], typer.Option("--version")] = None,
    metrics_dir: Annotated[Optional[Path], typer.Option("--metrics-dir", help="write DVC metrics/plots here")] = None,
    params: ParamsOption = Path("params.yaml"),
) -> None:
    """Train the classifier heads, save them under MODELS/<version> and make that version current."""
    from pipeline.labels import LabelFileError
    from pipeline.model.registry import ModelFileError
    from pipeline.stages import make_encoder, train_stage

    p = _params(params)
    label_files = [seed_labels, *(labels or [])]
    try:
        result, folder = train_stage(inputs, label_files, store=store, encoder=make_encoder(encoder, p),
                                     model_root=models, version=version, metrics_dir=metrics_dir,
                                     params=p)
    except (LabelFileError, ModelFileError, FileNotFoundError, ValueError) as exc:
        _fail(str(exc))
    typer.echo(f"trained on {result.recommendations} Recommendations ({result.documents} texts) and, for the SDG "
               f"heads, {result.exemplar_texts} goal exemplar texts; cross-validated micro-F1 "
               f"{result.cv_metrics['cv_micro_f1']} → {folder}")


@app.command("evaluate")
def evaluate_command(
    gold: Annotated[Path, typer.Option("--gold", help="gold labels, JSON Lines (labelling guide)")],
    predictions: Annotated[Path, typer.Argument()] = Path("data/processed/predictions.csv"),
    out: Annotated[Path, typer.Option("--out", help="metrics JSON (DVC metrics)")] = Path(
        "data/processed/metrics/metrics.json"),
    lang: Annotated[str, typer.Option("--lang", help="all, en or fr")] = "all",
) -> None:
    """Micro/macro F1, per-label P/R/F1, C2/C5/C6, FR-vs-EN agreement, a confusion table and calibration."""
    from pipeline.labels import LabelFileError
    from pipeline.stages import evaluate_stage

    try:
        evaluation = evaluate_stage(predictions, gold, out=out, lang=lang)
    except (LabelFileError, FileNotFoundError) as exc:
        _fail(str(exc))
    m = evaluation.metrics

    def interval(bounds) -> str:
        return f" [{bounds[0]:.2f}–{bounds[1]:.2f}]" if bounds else ""

    for taxonomy in ("action_line", "sdg_goal", "sdg_target"):
        t = m[taxonomy]
        typer.echo(f"{taxonomy:12s} n={t['n']:4d}  micro-F1 {t['micro_f1']:.3f}{interval(t['micro_f1_interval'])}"
                   f"  macro-F1 {t['macro_f1']:.3f}")
    typer.echo("priority lines F1: " + ", ".join(f"{k} {v:.3f}{interval(m['priority_lines_f1_interval'][k])}"
                                                 for k, v in m["priority_lines_f1"].items())
               + "  (95% bootstrap intervals over the gold Recommendations)")
    agreement = m["fr_en_agreement"]["action_line"]
    typer.echo(f"FR-vs-EN agreement (action lines): {agreement['exact']} over {agreement['pairs']} pairs")
    for taxonomy, c in m["calibration"].items():
        typer.echo(f"calibration {taxonomy:12s} Brier {c['brier']:.3f}  ECE {c['ece']:.3f}  "
                   f"expected {c['expected_true']:.1f} true pairs, observed {c['observed_true']}")
    typer.echo(evaluation.per_label.to_string(index=False))
    if not evaluation.confusion.empty:
        typer.echo("confusion (gold primary × predicted top line):")
        typer.echo(evaluation.confusion.to_string())
    typer.echo(f"metrics → {out}")


@app.command("review")
def review_command(
    recommendations: Annotated[Path, typer.Argument()] = Path("data/processed/recommendations.parquet"),
    predictions: Annotated[Path, typer.Argument()] = Path("data/processed/predictions.csv"),
    out: Annotated[Path, typer.Option("--out", help="review sheet to write (.xlsx or .csv)")] = Path(
        "data/processed/review.xlsx"),
    size: Annotated[int, typer.Option("--size", help="how many Recommendations to queue")] = 50,
    labelled: Annotated[Optional[list[Path]], typer.Option(
        "--labelled", help="label files whose Recommendations need no review")] = None,
) -> None:
    """Export the Recommendations whose labels would teach the model most, for an analyst to fill."""
    from pipeline.labels import LabelFileError
    from pipeline.review import review_queue, write_review_sheet
    from pipeline.stages import merge_labels, read_predictions, read_recommendations
    from pipeline.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    try:
        known = set(merge_labels(list(labelled or []), taxonomy))
    except LabelFileError as exc:
        _fail(str(exc))
    queue = review_queue(read_predictions(predictions), read_recommendations(recommendations), taxonomy,
                         size=size, already_labelled=known)
    write_review_sheet(queue, out)
    typer.echo(f"{len(queue)} Recommendations to review → {out}")


def main() -> None:
    app()
