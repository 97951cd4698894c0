"""Rendering and byte-for-byte agreement with the Rust core (the golden files in tests/golden)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import origo
from origo import OrigoError
from origo.contract import Certificate
from vectors import REPO

EXAMPLES = sorted((REPO / "examples" / "certificates").glob("*.json"))
GOLDEN = REPO / "tests" / "golden"


def load(name: str) -> Certificate:
    data: Certificate = json.loads((REPO / "examples" / "certificates" / name).read_text(encoding="utf-8"))
    return data


def test_render_gives_a_pdf() -> None:
    pdf = origo.render(load("asean.json"))
    assert pdf.startswith(b"%PDF")


def test_render_svg_png_invoice_and_back_page() -> None:
    cert = load("asean.json")
    assert origo.render(cert, "svg").lstrip().startswith(b"<svg")
    assert origo.render(cert, "png", dpi=36).startswith(b"\x89PNG")
    assert origo.render(cert, back=True).startswith(b"%PDF")
    assert origo.render(cert, invoice=True).startswith(b"%PDF")


def test_render_errors_carry_codes() -> None:
    cert = load("new_zealand.json")
    with pytest.raises(OrigoError) as e:
        origo.render(cert, back=True)
    assert e.value.code == "no_back_page"
    with pytest.raises(OrigoError) as e:
        origo.render(cert, "gif")
    assert e.value.code == "unknown_variant"


def test_pdf_bytes_match_the_rust_core() -> None:
    assert origo.render(load("asean.json")) == (GOLDEN / "asean.pdf").read_bytes()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_report_json_matches_the_rust_core(path: Any) -> None:
    cert = json.loads(path.read_text(encoding="utf-8"))
    request = json.dumps({"certificate": cert, "today": "2026-11-27"}, ensure_ascii=False)
    assert origo._native.call("check", request) == (GOLDEN / f"{path.stem}.report.json").read_text(encoding="utf-8")


def test_eight_threads_render_and_check_like_one() -> None:
    certs = [json.loads(p.read_text(encoding="utf-8")) for p in EXAMPLES]
    expected = [(origo.check(c).to_dict(), origo.render(c)) for c in certs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda c: (origo.check(c).to_dict(), origo.render(c)), certs * 4))
    assert results == expected * 4
