"""A realistic synthetic corpus of check requests: every certificate type, valid and broken items.

    python bench/corpus.py --count 1000 --seed 7 -o corpus.jsonl [--broken 0.2]

One `check` request per line (`{"certificate": ..., "today": ...}`), the input of
`origo check --jsonl`; with `--certificates`, the certificate's JSON alone on each line, the input
of `origo.check_many` and of the cluster recipe (examples/cluster). The
certificates are built from the example certificates in `examples/certificates/`, one for each
certificate type in `rules/agreements/` (destination among the agreement's parties), with goods,
quantities, values and materials drawn from a seeded generator, so a seed always gives the same
corpus. A share of the items (`--broken`) is broken, in the ways a real feed breaks:

- `invalid_json`: the line is cut short;
- `unknown_agreement`: a certificate type the rulebook does not know;
- `missing_field`: the consignee is left out;
- `invalid_value`: an HS code that is not one;
- findings: readable, but the invoice total or the goods' values disagree, or a material is
  from a non-party (the check answers with error findings, not an error).

No package beyond the standard library is needed (Python 3.11+, for `tomllib`).
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sys
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, Iterator, List, TextIO

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "certificates"
AGREEMENTS = ROOT / "rules" / "agreements"

#: Where a certificate type names no parties (non-preferential, processing, re-export).
ANY_DESTINATION = ["DE", "US", "GB", "FR", "AE", "BR", "ZA", "JP"]

#: The kinds of broken items, each about as often as the others.
BROKEN = ["invalid_json", "unknown_agreement", "missing_field", "invalid_value", "findings"]

#: Goods a Chinese exporter ships, with their HS subheadings.
GOODS = [
    ("ELECTRIC KETTLES", "8516.71"),
    ("BAMBOO CHOPSTICKS", "4419.12"),
    ("COTTON T-SHIRTS", "6109.10"),
    ("LED LAMPS", "8539.52"),
    ("CERAMIC MUGS", "6912.00"),
    ("STEEL SCREWS", "7318.15"),
    ("PLASTIC TOYS", "9503.00"),
    ("GREEN TEA", "0902.10"),
]


def agreements() -> List[Dict[str, Any]]:
    """Every certificate type of the rulebook: its code and the parties it may go to."""
    types = []
    for path in sorted(AGREEMENTS.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        parties = data.get("parties", {}).get("value") or ANY_DESTINATION
        types.append({"code": data["code"], "parties": [p for p in parties if p not in ("CN", "*")] or ANY_DESTINATION})
    return types


def templates() -> List[Dict[str, Any]]:
    """The example certificates the corpus varies."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.json"))]


def money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def certificate(rng: random.Random, n: int, kinds: List[Dict[str, Any]], bases: List[Dict[str, Any]]) -> Dict[str, Any]:
    """A certificate of type `n % len(kinds)` whose goods, values and numbers vary with `rng`."""
    kind = kinds[n % len(kinds)]
    cert = copy.deepcopy(bases[n % len(bases)])
    cert["agreement"] = kind["code"]
    cert["destination"] = rng.choice(kind["parties"])
    cert["consignee"]["country"] = cert["destination"]
    cert["certificate_no"] = f"C{26440000000 + n}"
    cert["invoice"]["number"] = f"INV-{n:07d}"
    template_goods = cert["goods"]
    count = rng.randint(1, 8)
    goods = []
    total = Decimal(0)
    for i in range(count):
        item = copy.deepcopy(template_goods[i % len(template_goods)])
        if "product_ref" not in item:
            item["name"], item["hs_code"] = rng.choice(GOODS)
        item["item_no"] = i + 1
        quantity = rng.randint(10, 5000)
        item["quantity"] = str(quantity)
        item["package_count"] = max(1, quantity // 10)
        item["marks"] = f"N/M\nC/NO. 1-{item['package_count']}"
        value = Decimal(rng.randint(100, 500_000)) / 100
        item["fob_value"]["amount"] = money(value)
        item["fob_value"]["currency"] = cert["invoice"]["currency"]
        total += value
        goods.append(item)
    cert["goods"] = goods
    cert["invoice"]["amount"] = money(total)
    return cert


def broken(rng: random.Random, kind: str, request: Dict[str, Any], item: Dict[str, Any]) -> str:
    """The line of `item` (the request or its certificate), broken in the way `kind` names."""
    cert = request["certificate"]
    if kind == "unknown_agreement":
        cert["agreement"] = "no_such_agreement"
    elif kind == "missing_field":
        del cert["consignee"]
    elif kind == "invalid_value":
        cert["goods"][0]["hs_code"] = "85.1X"
    elif kind == "findings":
        cert["invoice"]["amount"] = money(Decimal(cert["invoice"]["amount"]) * 3)
        for product in cert.get("products", []):
            for material in product.get("materials", []):
                material["origin"] = "US"
    line = json.dumps(item, ensure_ascii=False, separators=(",", ":"))
    if kind == "invalid_json":
        return line[: rng.randint(1, len(line) - 1)]
    return line


def corpus(
    count: int, seed: int, share_broken: float, today: str = "2026-06-10", certificates: bool = False
) -> Iterator[str]:
    """`count` request lines (certificate lines with `certificates`); the same arguments always
    give the same lines."""
    rng = random.Random(seed)
    kinds = agreements()
    bases = templates()
    for n in range(count):
        request = {"certificate": certificate(rng, n, kinds, bases), "today": today}
        item: Dict[str, Any] = request["certificate"] if certificates else request
        if rng.random() < share_broken:
            yield broken(rng, BROKEN[n % len(BROKEN)], request, item)
        else:
            yield json.dumps(item, ensure_ascii=False, separators=(",", ":"))


def write(out: TextIO, count: int, seed: int, share_broken: float, certificates: bool = False) -> None:
    for line in corpus(count, seed, share_broken, certificates=certificates):
        out.write(line + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="certificates (default 1000)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the generator (default 7)")
    parser.add_argument("--broken", type=float, default=0.2, help="share of broken items (default 0.2)")
    parser.add_argument("--certificates", action="store_true", help="certificate JSON lines, not requests")
    parser.add_argument("-o", "--output", type=Path, help="JSONL file (default: stdout)")
    args = parser.parse_args()
    if args.output is None:
        write(sys.stdout, args.count, args.seed, args.broken, args.certificates)
    else:
        with args.output.open("w", encoding="utf-8") as out:
            write(out, args.count, args.seed, args.broken, args.certificates)


if __name__ == "__main__":
    main()
