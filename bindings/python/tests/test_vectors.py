"""Every shared vector through `origo._native.call`, judged like the Rust harness."""

from __future__ import annotations

import json
from typing import Any

import pytest

from origo import OrigoError, _native
from vectors import cases, judge, vector_files

CASES = cases()


def test_vector_files_exist() -> None:
    assert vector_files(), "no vector files found"


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[i for i, _ in CASES])
def test_vector(case: dict[str, Any]) -> None:
    answer = error = None
    try:
        answer = json.loads(_native.call(case["op"], json.dumps(case["input"], ensure_ascii=False)))
    except OrigoError as e:
        error = {"code": e.code, "path": e.path, "message_en": e.message_en}
    why = judge(case["expect"], answer, error)
    assert why is None, why


def test_the_judge_can_fail() -> None:
    answer = {"findings": [{"code": "no_goods", "path": "goods", "severity": "error"}], "ok": False}
    assert judge({"findings": [{"code": "no_goods", "path": "goods"}]}, answer, None) is None
    assert judge({"findings": [{"code": "no_goods", "path": "x"}]}, answer, None)
    assert judge({"absent": ["no_goods"]}, answer, None)
    assert judge({"values": {"/ok": 0}}, answer, None), "false must not equal 0"
    assert judge({"values": {"/findings/0/code": "no_goods"}}, answer, None) is None
    assert judge({"error": {"code": "x"}}, answer, None)
    assert judge({}, None, {"code": "x", "path": "", "message_en": ""})
