"""The native batch (`origo check --jsonl`) of two or more CLI builds, side by side.

    python bench/cli_batch.py BUILD... [--lines N] [--rounds R]

    e.g. python bench/cli_batch.py before/target/release/origo target/release/origo

N lines (default 5,000) of the 20-item certificate of bench/certificates.py, `today` given, as
JSONL; each build checks them with `--jobs 1` and `--jobs 2`, answers to /dev/null. The runs of every build and job count are interleaved in each
of R rounds (default 21), so a busy minute falls on all of them alike. Prints the median and the
range of each, in checks/s. Build the CLIs with `cargo build --release -p origo-cli
--no-default-features` (no renderer, no service).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Tuple

from certificates import twenty_items

TODAY = "2026-03-05"


def request() -> str:
    return json.dumps({"certificate": twenty_items(), "today": TODAY})


def checks_per_second(build: str, jsonl: str, jobs: int, lines: int) -> float:
    start = time.perf_counter()
    subprocess.run(
        [build, "check", "--jsonl", jsonl, "--jobs", str(jobs)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,  # exit 1 says some certificate has errors; the count is what is timed
    )
    return lines / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("builds", nargs="+")
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=21)
    args = parser.parse_args()
    runs: Dict[Tuple[str, int], List[float]] = {(b, j): [] for b in args.builds for j in (1, 2)}
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = str(Path(tmp) / "requests.jsonl")
        Path(jsonl).write_text((request() + "\n") * args.lines, encoding="utf-8")
        for _ in range(args.rounds):
            for build, jobs in runs:
                runs[(build, jobs)].append(checks_per_second(build, jsonl, jobs, args.lines))
    print(f"{args.lines} lines, {args.rounds} rounds; median (lowest-highest) checks/s")
    for (build, jobs), rates in runs.items():
        print(f"{build}  --jobs {jobs}: {statistics.median(rates):,.0f} ({min(rates):,.0f}-{max(rates):,.0f})")


if __name__ == "__main__":
    main()
