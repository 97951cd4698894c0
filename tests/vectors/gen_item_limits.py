#!/usr/bin/env python3
"""Writes item_limits.json: item limits per certificate type (FAQ Q35, Q128), plus the
destination and country checks that share the same certificates.

The goods lists are long (up to 500 items), so they are generated rather than typed.
Run from anywhere: `python3 tests/vectors/gen_item_limits.py`; commit the output.
"""

import json
from pathlib import Path

OUT = Path(__file__).with_name("item_limits.json")

# (name, HS code, unit, quantity, gross kg, net kg, FOB USD) cycled over the items.
GOODS = [
    ("STAINLESS STEEL TABLE KNIVES", "821191", "PCS", "1200", "380", "340", "4560.00"),
    ("PORCELAIN DINNER PLATES", "691110", "PCS", "2400", "1450", "1300", "5280.00"),
    ("COTTON BATH TOWELS", "630260", "PCS", "3000", "1620", "1500", "7800.00"),
    ("LED DESK LAMPS", "940521", "PCS", "800", "960", "820", "9600.00"),
]

# A consignee in each destination used below.
CONSIGNEES = {
    "NZ": ("KIWI HOMEWARES LTD", "12 QUAY STREET, AUCKLAND 1010, NEW ZEALAND"),
    "AU": ("SOUTHERN CROSS TRADING PTY LTD", "45 GEORGE STREET, SYDNEY NSW 2000, AUSTRALIA"),
    "CL": ("COMERCIAL ANDES SPA", "AV. PROVIDENCIA 1208, SANTIAGO, CHILE"),
    "CH": ("ALPENHAUS HANDEL AG", "BAHNHOFSTRASSE 21, 8001 ZUERICH, SWITZERLAND"),
    "VN": ("SAIGON HOME SUPPLY CO., LTD.", "88 NGUYEN HUE, DISTRICT 1, HO CHI MINH CITY, VIETNAM"),
    "XX": ("NOWHERE IMPORTS", "1 UNKNOWN ROAD"),
}


def goods(n):
    items = []
    for i in range(n):
        name, hs, unit, qty, gross, net, fob = GOODS[i % len(GOODS)]
        items.append({
            "item_no": i + 1,
            "marks": "N/M",
            "package_count": 40,
            "package_kind": "CARTONS",
            "name": name,
            "hs_code": hs,
            "quantity": qty,
            "unit": unit,
            "gross_weight": gross,
            "net_weight": net,
            "fob_value": {"amount": fob, "currency": "USD"},
            "product_ref": f"HM-{hs}",
        })
    return items


def products(n):
    """The approved pre-reviews the goods use (FAQ Q84): made in China from Chinese materials."""
    out = []
    for name, hs, unit, qty, _gross, _net, fob in GOODS[: min(n, len(GOODS))]:
        out.append({
            "id": f"HM-{hs}",
            "status": "approved",
            "hs_code": f"{hs[:4]}.{hs[4:]}",
            "name_en": name,
            "unit": unit,
            "manufacturer": {"name_zh": "浙江华美家居用品有限公司", "address": "浙江省义乌市兴业路6号", "country": "CN"},
            "currency": "USD",
            "materials": [{"name": "DOMESTIC MATERIALS", "origin": "CN", "value": "1.00"}],
            "minimal_operations": [],
        })
    return out


def certificate(agreement, destination, n, consignee_country=None):
    name, address = CONSIGNEES[destination]
    return {
        "agreement": agreement,
        "destination": destination,
        "exporter": {
            "name": "ZHEJIANG HUAMEI HOUSEWARE CO., LTD.",
            "address": "NO. 6 XINGYE ROAD, YIWU, ZHEJIANG, CHINA",
            "country": "CN",
        },
        "consignee": {"name": name, "address": address, "country": consignee_country or destination},
        "transport": {
            "mode": "sea",
            "departure_date": "2026-04-20",
            "port_of_loading": "NINGBO, CHINA",
        },
        "invoice": {"number": f"HM26-{agreement.upper()}-{n}", "date": "2026-04-12", "trade_term": "FOB", "currency": "USD"},
        "goods": goods(n),
        "products": products(n),
        "customs_registration_code": "3318960243",
        "attachments": [{"kind": "commercial_invoice", "name": "invoice.pdf", "media_type": "application/pdf"}],
        "dates": {"shipment": "2026-04-20", "application": "2026-04-15"},
    }


def case(name, agreement, destination, n, expect, **kw):
    return {
        "name": name,
        "op": "check",
        "input": {"certificate": certificate(agreement, destination, n, **kw), "today": "2026-04-15"},
        "expect": expect,
    }


def exceeded(n, limit):
    return {
        "findings": [{"code": "item_limit_exceeded", "path": "goods", "severity": "error"}],
        "values": {"/ok": False, "/derived/item_count": n, "/derived/item_limit": limit},
    }


def within(n, limit):
    return {"absent": ["item_limit_exceeded"], "values": {"/derived/item_count": n, "/derived/item_limit": limit}}


CASES = [
    case("new_zealand: 21 goods exceed the limit of 20 (FAQ Q128)", "new_zealand", "NZ", 21, exceeded(21, 20)),
    case("new_zealand: 20 goods are within the limit", "new_zealand", "NZ", 20, within(20, 20)),
    case("chile: 50 goods are within the FAQ limit of 50 (the printed form says 20)", "chile", "CL", 50, within(50, 50)),
    case("chile: 51 goods exceed the limit of 50", "chile", "CL", 51, exceeded(51, 50)),
    case("switzerland: 50 goods are within the FAQ limit of 50", "switzerland", "CH", 50, within(50, 50)),
    case("switzerland: 51 goods exceed the limit of 50", "switzerland", "CH", 51, exceeded(51, 50)),
    case("asean (Form E): 500 goods pass, there is no limit", "asean", "VN", 500, within(500, None)),
    case(
        "new_zealand to Australia: destination is not a party",
        "new_zealand",
        "AU",
        3,
        {"findings": [{"code": "destination_not_party", "path": "destination", "severity": "error"}], "values": {"/ok": False}},
    ),
    case(
        "new_zealand to New Zealand: destination is a party",
        "new_zealand",
        "NZ",
        3,
        {"absent": ["destination_not_party", "unknown_country"], "values": {"/ok": True}},
    ),
    case(
        "unknown destination XX on a non-preferential certificate",
        "non_preferential",
        "XX",
        2,
        {
            "findings": [{"code": "unknown_country", "path": "destination", "severity": "error"}],
            "absent": ["destination_not_party"],
            "values": {"/ok": False},
        },
    ),
    case(
        "unknown consignee country QQ",
        "new_zealand",
        "NZ",
        2,
        {"findings": [{"code": "unknown_country", "path": "consignee.country"}], "values": {"/ok": False}},
        consignee_country="QQ",
    ),
]


def dump(doc):
    """JSON with one goods item per line, so diffs stay readable."""
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    lines, out, depth = text.split("\n"), [], None
    item = []
    for line in lines:
        stripped = line.strip()
        if depth is None and stripped == '"goods": [':
            depth = len(line) - len(line.lstrip())
            out.append(line)
            continue
        if depth is not None:
            indent = len(line) - len(line.lstrip())
            if indent == depth and stripped.startswith("]"):
                depth = None
                out.append(line)
                continue
            item.append(stripped)
            if indent == depth + 2 and stripped.startswith("}"):
                compact = " ".join(item).replace("{ ", "{").replace(" }", "}").replace("[ ", "[").replace(" ]", "]")
                out.append(" " * (depth + 2) + compact)
                item = []
            continue
        out.append(line)
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    OUT.write_text(dump({"cases": CASES}), encoding="utf-8")
    print(f"wrote {OUT.name}: {len(CASES)} cases")
