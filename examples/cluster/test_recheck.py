"""The cluster recipe on a local cluster of two worker processes, over a synthetic corpus."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any, Iterator

import pandas as pd
import pytest
from dask.distributed import Client, LocalCluster

import origo

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import recheck  # noqa: E402


def _corpus_module() -> Any:
    spec = importlib.util.spec_from_file_location("corpus", HERE.parents[1] / "bench" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


COUNT = 300
TODAY = "2026-06-10"


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as c:
            yield c


def test_the_cluster_gives_the_findings_of_the_local_check(client: Client, tmp_path: Path) -> None:
    corpus = _corpus_module()
    lines = list(corpus.corpus(COUNT, 11, 0.25, certificates=True))
    source = tmp_path / "certificates.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "findings.parquet"

    recheck.write(recheck.recheck(recheck.read(source, 6), TODAY), str(out))

    found = pd.read_parquet(out, dtype_backend="pyarrow").sort_values("line").reset_index(drop=True)
    assert list(found["line"]) == list(range(1, COUNT + 1))
    expected = list(origo.check_many(lines, 1, today=TODAY))
    for row, answer in zip(found.itertuples(), expected):
        if isinstance(answer, origo.OrigoError):
            assert pd.isna(row.ok) and row.error == answer.code and row.error_path == answer.path, row.line
        else:
            assert row.ok == answer.ok and pd.isna(row.error), row.line
            assert list(row.error_codes) == [f.code for f in answer.errors], row.line
            assert list(row.criteria) == [o.get("criterion") for o in answer.derived.get("origin", [])], row.line
    # The corpus holds every kind of item: good ones, reports with errors, unreadable ones.
    assert found["ok"].eq(True).sum() > 0
    assert found["ok"].eq(False).sum() > 0
    assert set(found["error"].dropna()) >= {"invalid_json", "unknown_agreement", "missing_field"}
    every_type = {a["code"] for a in corpus.agreements()}
    checked = {origo_agreement(line) for line in lines} - {None}
    assert every_type <= checked


def origo_agreement(line: str) -> Any:
    import json

    try:
        return json.loads(line).get("agreement")
    except ValueError:
        return None
