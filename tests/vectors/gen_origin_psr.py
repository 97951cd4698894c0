#!/usr/bin/env python3
"""Writes origin_psr.json: products decided by the shipped product-specific-rule tables that the
annex importer derived from the official annexes (rules/psr/IMPORT.md), per agreement: an
exception hit and missed, a value threshold met exactly and missed by one cent, an and-rule, a
heading or chapter row reaching a subheading without a row of its own, and a code declared in
another HS edition than the table's.

Every row used is checked to be in the shipped table with the rule written here, so a table
that changes under these vectors fails loudly. Run: `python3 tests/vectors/gen_origin_psr.py`.
"""

import csv
import json
from pathlib import Path

HERE = Path(__file__).parent
PSR = HERE.parent.parent / "rules" / "psr"
OUT = HERE / "origin_psr.json"


def table(agreement):
    with open(PSR / f"{agreement}.csv", encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return {r["hs_prefix"].replace(".", ""): r["rule"] for r in rows}


def product(hs, materials, tariff=None):
    p = {
        "id": "P1",
        "status": "approved",
        "hs_code": hs,
        "name_en": "THING",
        "currency": "USD",
        "unit_fob": "100.00",
        "unit_exw": "100.00",
        "manufacturer": {"name_zh": "某厂", "address": "某地", "country": "CN"},
        "materials": [{"name": f"M{i}", "hs_code": h, "origin": "US", "value": v} for i, (h, v) in enumerate(materials)],
        "minimal_operations": [],
    }
    if tariff:
        p["tariff_version"] = tariff
    return p


CASES = []


def case(agreement, row, rule, name, hs, materials, values, tariff=None):
    rows = table(agreement)
    assert rows.get(row) == rule, f"{agreement} {row}: the table says {rows.get(row)!r}, not {rule!r}"
    digits = hs.replace(".", "")
    own = [p for p in rows if digits.startswith(p)]
    assert max(own, key=len) == row, f"{agreement} {hs}: the most specific row is {max(own, key=len)}"
    CASES.append(
        {
            "name": f"{agreement}: shipped row {row} ({rule}): {name}",
            "op": "determine_origin",
            "input": {"product": product(hs, materials, tariff), "agreement": agreement},
            "expect": {"values": values},
        }
    )


def common(agreement, exc, rvc, both, edition):
    """Exception hit and miss, value threshold met exactly and missed by a cent, and-rule, wrong edition."""
    if exc:
        row, rule, hs, hit, miss = exc
        case(agreement, row, rule, "a material from the excepted code fails", hs, [(hit, "50.00")],
             {"/originating": False, "/rule/hs_prefix": row})
        case(agreement, row, rule, "a material from outside the exception changes classification", hs,
             [(miss, "50.00")], {"/originating": True, "/outcome": "psr_ctc", "/rule/hs_prefix": row})
    if rvc:
        # The material shares the product's code: no change of classification, the value decides.
        row, rule, hs, pct = rvc
        case(agreement, row, rule, f"value content exactly {pct} %", hs, [(hs, f"{100 - pct}.00")],
             {"/originating": True, "/outcome": "psr_rvc", "/rvc": str(pct), "/rule/hs_prefix": row})
        case(agreement, row, rule, "value content one cent short", hs, [(hs, f"{100 - pct}.01")],
             {"/originating": False, "/rule/hs_prefix": row})
    row, rule, hs, pct, other = both
    case(agreement, row, rule, "change of heading and value content both met", hs, [(other, f"{100 - pct}.00")],
         {"/originating": True, "/rule/hs_prefix": row})
    case(agreement, row, rule, "change of heading met, value content one cent short", hs, [(other, f"{100 - pct}.01")],
         {"/originating": False, "/rule/hs_prefix": row})
    row, rule, hs, miss, tariff = edition
    case(agreement, row, rule, f"a code declared in the {tariff} tariff (another HS edition) is not matched", hs,
         [(miss, "50.00")], {"/originating": False, "/rule": None}, tariff=tariff)


def inherited(agreement, row, rule, hs, material, values):
    case(agreement, row, rule, f"{hs} has no row of its own and takes the rule of {row}", hs, [(material, "50.00")], values)


common("korea", ("190110", "CC except from 04", "1901.10", "0401.10", "1001.99"),
       ("160411", "RVC(45)", "1604.11", 45), ("846090", "CTH and RVC(45)", "8460.90", 45, "7326.90"),
       ("190110", "CC except from 04", "1901.10", "1001.99", "2022"))
case("korea", "010121", "WO", "a non-originating material fails the wholly-obtained rule", "0101.21",
     [("0101.29", "10.00")], {"/originating": False, "/rule/text": "WO"})
case("korea", "190110", "CC except from 04", "a code declared in the 2015 tariff (HS 2012) is matched", "1901.10",
     [("1001.99", "50.00")], {"/originating": True, "/rule/hs_prefix": "190110"}, tariff="2015")

common("peru", ("020110", "CC except from 01", "0201.10", "0102.90", "1001.90"),
       ("200110", "RVC(50)", "2001.10", 50), ("151620", "CTH and RVC(45)", "1516.20", 45, "1507.10"),
       ("020110", "CC except from 01", "0201.10", "1001.90", "2012"))
# Every Peru subheading has a row of its own: the most specific row wins over its heading's.
case("peru", "151311", "CC", "the subheading's row wins over the heading row 15.13", "1513.11",
     [("1207.10", "50.00")], {"/originating": True, "/rule/hs_prefix": "151311"})

common("costa_rica", ("0201", "CC except from 01", "0201.10", "0102.29", "1001.90"),
       ("220710", "RVC(40)", "2207.10", 40), ("840731", "CTH and RVC(45)", "8407.31", 45, "7326.90"),
       ("0201", "CC except from 01", "0201.20", "1001.90", "2017"))
inherited("costa_rica", "0101", "CC", "0101.21", "0102.29", {"/originating": False, "/rule/hs_prefix": "0101"})

common("iceland", ("5109", "CTH except from 51.06, 51.07, 51.08", "5109.10", "5107.10", "5101.11"),
       ("25", "RVC(40)", "2501.00", 40), ("3301", "CTH and RVC(40)", "3301.12", 40, "1211.90"),
       ("5109", "CTH except from 51.06, 51.07, 51.08", "5109.90", "5101.11", "2022"))
inherited("iceland", "01", "WO", "0101.21", "0101.29", {"/originating": False, "/rule/hs_prefix": "01"})

common("ecfa", ("32061100", "CTH except from 28.23", "3206.11.00", "2823.00", "2818.10"),
       ("34021300", "CTH or RVC(40)", "3402.13.00", 40), ("40111000", "CTH and RVC(40)", "4011.10.00", 40, "4001.22"),
       ("32061100", "CTH except from 28.23", "3206.11.00", "2818.10", "2012"))

# The New Zealand table holds only the rows the HS 2012 transposition changed: no exception or
# value-only rule among them.
common("new_zealand", None, None, ("845690", "CTH and RVC(40)", "8456.90", 40, "7326.90"),
       ("845690", "CTH and RVC(40)", "8456.90", "7326.90", "2007"))
case("new_zealand", "100111", "WO", "a non-originating material fails the wholly-obtained rule", "1001.11",
     [("1001.19", "10.00")], {"/originating": False, "/rule/text": "WO"})
inherited("new_zealand", "2528", "CC", "2528.00", "2603.00", {"/originating": True, "/rule/hs_prefix": "2528"})

# Minimal operations per agreement (research/agreements.md §3(a), agreements-gaps-2.md §1): marking
# alone confers no origin under China–Korea or China–Chile, whatever the rule.
for agreement, hs in (("korea", "1901.10"), ("chile", "8501.10"), ("serbia", "8501.10"), ("peru", "0201.10")):
    ops = ["slaughter"] if agreement == "peru" else ["marking"]
    p = product(hs, [("1001.99", "10.00")])
    p["minimal_operations"] = ops
    CASES.append({
        "name": f"{agreement}: only {ops[0]} (its own minimal-operations list) confers no origin",
        "op": "determine_origin",
        "input": {"product": p, "agreement": agreement},
        "expect": {"values": {"/originating": False, "/rule": None}},
    })

# The annex importer through the JSON layer: the report, the refusal and the atomic table.
ANNEX = [
    {"章": 1, "品目": 1.01, "子目": None, "产品描述": "马、驴、骡", "产品特定原产地规则": "从任何其他章改变到品目 01.01 "},
    {"章": 1, "品目": 1.01, "子目": 101.21, "产品描述": "--改良种用", "产品特定原产地规则": None},
    {"章": 1, "品目": 1.02, "子目": None, "产品描述": "牛", "产品特定原产地规则": "如果动物在中国境内出生并饲养，可赋予原产地。"},
    {"章": 1, "品目": 2.03, "子目": None, "产品描述": "猪肉", "产品特定原产地规则": "完全获得"},
]
annex = json.dumps(ANNEX, ensure_ascii=False)
base = {"agreement": "costa_rica", "annex_json": annex, "source": "China–Costa Rica FTA PSR annex", "hs_edition": 2007}
CASES.append({
    "name": "import_psr: a row the parser does not know and a heading outside its chapter are refused; no table without allow_partial",
    "op": "import_psr",
    "input": base,
    "expect": {"values": {"/csv": None, "/report/rows_read": 4, "/report/rows_imported": 1, "/report/description_rows": 1,
                          "/report/refused/0/row": 3, "/report/refused/0/code": "psr_row_wording",
                          "/report/refused/0/column": "产品特定原产地规则",
                          "/report/refused/1/row": 4, "/report/refused/1/code": "psr_row_outside",
                          "/report/refused/1/column": "品目"}},
})
CASES.append({
    "name": "import_psr: with allow_partial the readable rows are written with their wording and the HS edition",
    "op": "import_psr",
    "input": {**base, "allow_partial": True},
    "expect": {"values": {"/csv": "# hs_edition: 2007\nhs_prefix,rule,wording,source\n01.01,CC,从任何其他章改变到品目 01.01,\"China–Costa Rica FTA PSR annex, row 1\"\n"}},
})
for name, inp, code in (
    ("an empty sheet", {**base, "annex_json": "[]"}, "annex_empty"),
    ("a sheet without a rule column", {**base, "annex_json": json.dumps([{"章": 1, "品目": 1.01, "名称": "马"}], ensure_ascii=False)}, "annex_columns"),
    ("a table that is not rows", {**base, "annex_json": "{\"章\": 1}"}, "invalid_json"),
    ("an HS edition that does not exist", {**base, "hs_edition": 2010}, "invalid_value"),
):
    CASES.append({"name": f"import_psr: {name} is a coded error", "op": "import_psr", "input": inp, "expect": {"error": {"code": code}}})

OUT.write_text(json.dumps({"cases": CASES}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
print(f"{len(CASES)} cases")
