"""Ingest benchmark: the whole Relaton corpus (21,506 YAML records in one .tar.gz), records/s and peak memory.

    .venv/bin/python bench/ingest.py [--runs 3] [--shared ../shared]

Each run is a fresh process (so peak memory is that run's own, and no cache is warm), reading the
packed archive directly, as `wsis ingest relaton-itu-yaml.tar.gz` does. Prints the median of the runs
and writes every run to bench/results/ingest.json. The target (issue 3) is under 60 s on the 2-core
development machine.
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ONE_RUN = """
import json, resource, sys, time
from pipeline.ingest import ingest
started = time.perf_counter()
result = ingest([sys.argv[1]])
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime,
                  "peak_rss_mib": usage.ru_maxrss / 1024, "read": result.read,
                  "kept": len(result.recommendations), "accounting": result.accounting}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    archive = args.shared / "data" / "itu-t-relaton" / "relaton-itu-yaml.tar.gz"
    if not archive.is_file():
        sys.exit(f"{archive} is not there; this benchmark needs ../shared")
    runs = []
    for number in range(1, args.runs + 1):
        out = subprocess.run([sys.executable, "-c", ONE_RUN, str(archive)], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
        print(f"run {number}: {runs[-1]['seconds']:.1f} s, {runs[-1]['peak_rss_mib']:.0f} MiB", file=sys.stderr)
    median = statistics.median(r["seconds"] for r in runs)
    summary = {
        "archive": archive.name, "runs": runs, "median_seconds": round(median, 2),
        "records_per_second": round(runs[0]["read"] / median),
        "peak_rss_mib": round(max(r["peak_rss_mib"] for r in runs)),
        "machine": f"{platform.processor() or platform.machine()}, {len(__import__('os').sched_getaffinity(0))} cores",
    }
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "ingest.json").write_text(json.dumps(summary, indent=1) + "\n")
    cpu = statistics.median(r["cpu_seconds"] for r in runs)
    print(f"| records | wall, median of {len(runs)} | CPU, median | records/s | peak memory | accounting |")
    print("|---|---|---|---|---|---|")
    print(f"| {runs[0]['read']} | {median:.1f} s | {cpu:.1f} s | {summary['records_per_second']} "
          f"| {summary['peak_rss_mib']} MiB | {runs[0]['accounting']} |")


if __name__ == "__main__":
    main()
