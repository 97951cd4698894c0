"""Certificates per second: the Dask recipe on a local two-worker cluster vs the native batch.

    python bench/cluster_throughput.py [--count 5000]   (needs the origo wheel, dask[dataframe],
                                                          distributed and pyarrow)

The same synthetic corpus (bench/corpus.py, certificate lines, 20 % broken) is checked by
`origo.check_many` in this process with one and two threads, then by examples/cluster/recheck.py
on a local cluster of two worker processes (one thread each), findings written to Parquet.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import origo

ROOT = Path(__file__).resolve().parents[1]


def load(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5000)
    args = parser.parse_args()
    corpus = load("corpus", ROOT / "bench" / "corpus.py")
    sys.path.insert(0, str(ROOT / "examples" / "cluster"))
    recheck = load("recheck", ROOT / "examples" / "cluster" / "recheck.py")
    lines = list(corpus.corpus(args.count, 7, 0.2, certificates=True))
    for jobs in (1, 2):
        start = time.perf_counter()
        n = sum(1 for _ in origo.check_many(lines, jobs, today="2026-06-10"))
        elapsed = time.perf_counter() - start
        print(f"native check_many, jobs {jobs}: {n / elapsed:8.0f} certificates/s")

    from dask.distributed import Client, LocalCluster

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "certificates.jsonl"
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            with Client(cluster):
                # Warm the workers (imports, the rulebook) before timing.
                recheck.write(recheck.recheck(recheck.read(source, 2), "2026-06-10"), str(Path(tmp) / "warm"))
                start = time.perf_counter()
                recheck.write(recheck.recheck(recheck.read(source, 8), "2026-06-10"), str(Path(tmp) / "out"))
                elapsed = time.perf_counter() - start
        print(f"Dask, local cluster of 2 workers: {len(lines) / elapsed:8.0f} certificates/s (JSONL in, Parquet out)")


if __name__ == "__main__":
    main()
