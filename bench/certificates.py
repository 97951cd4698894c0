"""The certificate the check benchmarks share: the example with its two items repeated to 20."""

from __future__ import annotations

import copy
import json
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "certificates" / "non_preferential.json"


def twenty_items() -> dict:
    cert = json.loads(SAMPLE.read_text(encoding="utf-8"))
    goods = []
    for i in range(20):
        g = copy.deepcopy(cert["goods"][i % 2])
        g["item_no"] = i + 1
        goods.append(g)
    cert["goods"] = goods
    return cert
