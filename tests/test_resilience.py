"""Runs killed with SIGKILL at several stages leave complete outputs, and the next run resumes from
the caches and produces exactly what an uninterrupted run does. Two runs give byte-identical outputs."""
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import ENCODER_DIR, ROOT, SAMPLE

DETERMINISTIC = ["predictions.csv", "recommendations.parquet", "rejects.csv",
                 "coverage/study_group_x_action_line.csv", "coverage/study_group_x_sdg_goal.csv"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    texts = pd.read_csv(SAMPLE / "recommendations.csv", dtype=str, keep_default_na=False)
    chosen = texts.drop_duplicates("rec_id").groupby("study_group").head(2)["rec_id"]
    folder = tmp_path_factory.mktemp("corpus")
    texts[texts["rec_id"].isin(chosen)].to_csv(folder / "recommendations.csv", index=False)
    (folder / "params.yaml").write_text("embed:\n  chunk_size: 8\n")  # small shards: a kill mid-embed keeps some
    return folder


def command(corpus: Path, out: Path, store: Path) -> list[str]:
    return [sys.executable, "-m", "pipeline", "run", str(corpus / "recommendations.csv"), "--out", str(out),
            "--store", str(store), "--encoder", str(ENCODER_DIR), "--models", str(ROOT / "models" / "classifier"),
            "--params", str(corpus / "params.yaml")]


def run(corpus, out, store) -> str:
    done = subprocess.run(command(corpus, out, store), capture_output=True, text=True, timeout=900,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr
    return done.stdout


def run_and_kill(corpus, out, store, when) -> None:
    """Start a run and SIGKILL it as soon as ``when(line, store)`` says so."""
    process = subprocess.Popen(command(corpus, out, store), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True, env={**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"})
    try:
        for line in process.stdout:
            if when(line, store):
                process.send_signal(signal.SIGKILL)
                break
        process.wait(timeout=900)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL, "the run ended before the kill point"


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in DETERMINISTIC}


@pytest.fixture(scope="module")
def clean(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("clean")
    run(corpus, out, tmp_path_factory.mktemp("store"))
    return outputs(out)


def test_two_runs_are_byte_identical(corpus, clean, tmp_path):
    run(corpus, tmp_path / "again", tmp_path / "store")
    assert outputs(tmp_path / "again") == clean


@pytest.mark.parametrize("kill_point", ["after ingest", "mid embed", "after classify"])
def test_killed_run_resumes_and_completes(kill_point, corpus, clean, tmp_path):
    out, store = tmp_path / "out", tmp_path / "store"
    shards = lambda: list(store.rglob("shard-*.npz"))  # noqa: E731
    when = {
        "after ingest": lambda line, s: line.startswith("ingest:"),
        "mid embed": lambda line, s: line.startswith("ingest:") and _wait_for(shards),
        "after classify": lambda line, s: line.startswith("classify:"),
    }[kill_point]
    run_and_kill(corpus, out, store, when)
    for name in DETERMINISTIC:  # whatever exists is whole: readable, never half-written
        path = out / name
        if path.exists() and path.suffix == ".parquet":
            pd.read_parquet(path)
        elif path.exists():
            pd.read_csv(path)
    resumed = run(corpus, out, store)
    if kill_point != "after ingest":
        assert " from cache" in resumed and not resumed.split("embed:")[1].startswith(" 0 texts")
        cached = int(resumed.split("embed:")[1].split("texts:")[1].split("from cache")[0])
        assert cached > 0
    assert outputs(out) == clean


def _wait_for(found, timeout=300.0) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found():
            return True
        time.sleep(0.05)
    return False
