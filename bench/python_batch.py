"""`origo.check_many` against the native batch (`origo check --jsonl`) on the same certificates.

    python bench/python_batch.py [path/to/origo]   (needs the origo wheel; the CLI binary is
                                                     optional, e.g. target/release/origo)

1,024 copies of the 20-item certificate of bench/python_check.py, `today` given, checked as
dicts and as JSON text with one and two threads (and with each report's derived values read, which are built as Python
objects only then); the CLI checks the same requests as JSONL with
one and two jobs, answers to /dev/null. Five runs per row, interleaved; medians in checks/s.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List

import origo
from certificates import twenty_items

COUNT = 1024
TODAY = "2026-03-05"


def rate(run: Callable[[], int]) -> float:
    start = time.perf_counter()
    n = run()
    return n / (time.perf_counter() - start)


def main() -> None:
    cert = twenty_items()
    text = json.dumps(cert)
    dicts = [cert] * COUNT
    texts = [text] * COUNT
    runs: Dict[str, Callable[[], int]] = {}
    for jobs in (1, 2):
        runs[f"check_many, dicts in, jobs {jobs}"] = lambda j=jobs: sum(1 for _ in origo.check_many(dicts, j, today=TODAY))
        runs[f"check_many, dicts in, derived read, jobs {jobs}"] = lambda j=jobs: sum(
            1 for r in origo.check_many(dicts, j, today=TODAY) if isinstance(r, origo.Report) and r.derived
        )
        runs[f"check_many, JSON text in, jobs {jobs}"] = lambda j=jobs: sum(1 for _ in origo.check_many(texts, j, today=TODAY))
    with tempfile.TemporaryDirectory() as tmp:
        if len(sys.argv) > 1:
            lines = Path(tmp) / "requests.jsonl"
            lines.write_text((json.dumps({"certificate": cert, "today": TODAY}) + "\n") * COUNT, encoding="utf-8")
            for jobs in (1, 2):
                command = [sys.argv[1], "check", "--jsonl", str(lines), "--jobs", str(jobs)]

                def cli(command: List[str] = command) -> int:
                    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
                    return COUNT

                runs[f"CLI check --jsonl, jobs {jobs}"] = cli
        rates: Dict[str, List[float]] = {name: [] for name in runs}
        for _ in range(5):
            for name, run in runs.items():
                rates[name].append(rate(run))
    for name, values in rates.items():
        print(f"{name:48} {statistics.median(values):8.0f} checks/s ({min(values):.0f}–{max(values):.0f})")


if __name__ == "__main__":
    main()
