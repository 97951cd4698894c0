"""Re-check a dataset of certificates on a Dask cluster; the findings come back as columns.

    python examples/cluster/recheck.py certificates.parquet findings.parquet [--scheduler tcp://host:8786]

The input is Parquet with a `certificate` column of certificate JSON text (and any other columns,
which are kept, e.g. an id), or JSONL with one certificate per line (read on the client, so keep
JSONL for small inputs and Parquet for large ones; the line number becomes the `line` column).
Each partition is checked by `origo.check_many` on the worker, in order, with the GIL released;
a certificate that cannot be read gives its error in the row instead of ending the job.

Columns added to every row:

- `ok`: the check found no error (null when the certificate could not be read);
- `error_codes`: the codes of the error findings, in the report's order;
- `criteria`: the origin criterion of each goods item (null for an item without one);
- `item_count`: the goods items the check counted;
- `error`, `error_path`: the error code and field path of a certificate that could not be read.

Without `--scheduler` a local cluster of two worker processes is started.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import dask.dataframe as dd
import pandas as pd
import pyarrow as pa

#: The findings' columns and their types. The lists are Arrow lists of strings: read them back
#: with `pd.read_parquet(path, dtype_backend="pyarrow")`.
SCHEMA: Dict[str, Any] = {
    "ok": pd.BooleanDtype(),
    "error_codes": pd.ArrowDtype(pa.list_(pa.string())),
    "criteria": pd.ArrowDtype(pa.list_(pa.string())),
    "item_count": pd.Int64Dtype(),
    "error": pd.StringDtype(),
    "error_path": pd.StringDtype(),
}


def findings(certificates: List[str], today: Optional[str], jobs: Optional[int]) -> Dict[str, List[Any]]:
    """The findings' columns of `certificates` (JSON texts), row for row."""
    import origo

    columns: Dict[str, List[Any]] = {name: [] for name in SCHEMA}
    for answer in origo.check_many(certificates, jobs, today=today):
        if isinstance(answer, origo.OrigoError):
            row: Dict[str, Any] = {"ok": None, "error_codes": [], "criteria": [], "item_count": None}
            row.update(error=answer.code, error_path=answer.path)
        else:
            row = {
                "ok": answer.ok,
                "error_codes": [f.code for f in answer.errors],
                "criteria": [o.get("criterion") for o in answer.derived.get("origin", [])],
                "item_count": answer.derived.get("item_count"),
                "error": None,
                "error_path": None,
            }
        for name, value in row.items():
            columns[name].append(value)
    return columns


def recheck_partition(part: pd.DataFrame, today: Optional[str] = None, jobs: Optional[int] = None) -> pd.DataFrame:
    """One partition with the findings' columns added (runs on a worker)."""
    columns = findings(part["certificate"].tolist(), today, jobs)
    out = part.copy()
    for name, dtype in SCHEMA.items():
        out[name] = pd.Series(columns[name], index=part.index, dtype=dtype)
    return out


def read(path: Path, partitions: int) -> dd.DataFrame:
    """The dataset: Parquet as it is, or JSONL lines numbered from 1."""
    if path.suffix == ".parquet" or path.is_dir():
        return dd.read_parquet(str(path))
    lines = path.read_text(encoding="utf-8").splitlines()
    frame = pd.DataFrame({"line": range(1, len(lines) + 1), "certificate": pd.Series(lines, dtype="string")})
    return dd.from_pandas(frame, npartitions=max(1, min(partitions, len(lines))))


def recheck(data: dd.DataFrame, today: Optional[str] = None, jobs: Optional[int] = 1) -> dd.DataFrame:
    """The dataset with the findings' columns, computed lazily partition by partition."""
    meta = data._meta.copy()
    for name, dtype in SCHEMA.items():
        meta[name] = pd.Series([], dtype=dtype)
    return data.map_partitions(recheck_partition, today=today, jobs=jobs, meta=meta)


def write(findings: dd.DataFrame, path: str) -> None:
    """Writes the findings as Parquet (a directory of one file per partition)."""
    findings.to_parquet(path, write_index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", type=Path, help="Parquet (column `certificate`) or JSONL of certificates")
    parser.add_argument("output", type=Path, help="Parquet directory of the findings")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler (default: a local cluster)")
    parser.add_argument("--workers", type=int, default=2, help="workers of the local cluster (default 2)")
    parser.add_argument("--partitions", type=int, default=8, help="partitions of a JSONL input (default 8)")
    parser.add_argument("--today", help="today's date for the date rules (YYYY-MM-DD)")
    parser.add_argument("--jobs", type=int, default=1, help="threads per partition (default 1: one per worker)")
    args = parser.parse_args()

    from dask.distributed import Client, LocalCluster

    if args.scheduler:
        client = Client(args.scheduler)
    else:
        # One thread per worker process: origo's own threads (`--jobs`) do the parallel work.
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True)
        client = Client(cluster)
    with client:
        result = recheck(read(args.input, args.partitions), args.today, args.jobs)
        write(result, str(args.output))
    print(f"findings written to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
