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


def rows_of(name):
    with open(PSR / f"{name}.csv", encoding="utf-8") as f:
        lines = f.read().splitlines()
    header = dict(line[2:].split(": ", 1) for line in lines if line.startswith("# "))
    rows = csv.DictReader(line for line in lines if not line.startswith("#"))
    return header, {r["hs_prefix"].replace(".", ""): r for r in rows}


def table(name):
    return {code: r["rule"] for code, r in rows_of(name)[1].items()}


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


# The day whose table applies, per agreement with dated tables (rules/psr/README.md): the ECFA
# cases of `common` read the 2009 list, in force in 2011.
DAYS = {"ecfa": ("ecfa", "2011-06-01")}


def case(agreement, row, rule, name, hs, materials, values, tariff=None):
    name_of_table, day = DAYS.get(agreement, (agreement, None))
    rows = table(name_of_table)
    assert rows.get(row) == rule, f"{agreement} {row}: the table says {rows.get(row)!r}, not {rule!r}"
    digits = hs.replace(".", "")
    own = [p for p in rows if digits.startswith(p)]
    assert max(own, key=len) == row, f"{agreement} {hs}: the most specific row is {max(own, key=len)}"
    given = {"product": product(hs, materials, tariff), "agreement": agreement}
    if day:
        given["date"] = day
    CASES.append(
        {
            "name": f"{agreement}: shipped row {row} ({rule}): {name}",
            "op": "determine_origin",
            "input": given,
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


# Not every table has every kind of row: Peru, Costa Rica and ECFA have no wholly-obtained (WO)
# row; every Peru subheading has a row of its own, ECFA's rows are 8-digit lines and Korea's are
# all subheadings, so no heading row reaches a subheading there.
for name in ("peru", "costa_rica", "ecfa"):
    assert "WO" not in table(name).values(), f"{name} has a WO row now: add its case"
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

# ECFA has two dated tables (the 2009 list from 2011-01-01, the 2012 version from 2012-01-01):
# the certificate's date picks one. Same product, two days, two tables.
def ecfa_on(name, hs, day, values, tariff=None):
    given = {"product": product(hs, [("2818.10", "50.00")], tariff), "agreement": "ecfa"}
    if day:
        given["date"] = day
    CASES.append({"name": f"ecfa: {hs} {name}", "op": "determine_origin", "input": given, "expect": {"values": values}})


H09, ECFA09 = rows_of("ecfa")
H12, ECFA12 = rows_of("ecfa.2012")
assert H09["in_force"] == "2011-01-01..2011-12-31" and H12["in_force"] == "2012-01-01..", (H09, H12)
assert "70171000" in ECFA12 and "70171000" not in ECFA09 and "70171090" in ECFA09
assert ECFA09["27101941"]["rule"] == ECFA12["27101941"]["rule"] == "CTH"
for day, rows in (("2011-06-01", ECFA09), ("2013-03-01", ECFA12)):
    ecfa_on(f"on {day}: the row of the table in force that day", "2710.19.41", day,
            {"/originating": True, "/rule/hs_prefix": "27101941", "/rule/source": rows["27101941"]["source"]})
ecfa_on("on 2013-03-01: the 2012 version lists this line (CTH or RVC(40))", "7017.10.00", "2013-03-01",
        {"/originating": True, "/rule/text": ECFA12["70171000"]["rule"], "/rule/source": ECFA12["70171000"]["source"]})
ecfa_on("on 2011-06-01: the 2009 list in force then has no such line (7017.10.90 there): no rule", "7017.10.00",
        "2011-06-01", {"/originating": False, "/rule": None})
ecfa_on("on 2010-06-01: no table is in force before the early harvest began", "2710.19.41", "2010-06-01",
        {"/originating": False, "/rule": None,
         "/notes/0/en": "no product-specific table of ECFA Certificate of Origin (Cross-Straits Economic Cooperation Framework Agreement) is in force on 2010-06-01"})
ecfa_on("without a date: the most recent table applies and the decision says so", "2710.19.41", None,
        {"/originating": True, "/rule/source": ECFA12["27101941"]["source"],
         "/notes/0/en": "no date given: the most recent product-specific table applies, psr/ecfa.2012.csv "
                        f"(2012-01-01.., unconfirmed; {H12['in_force_source']}); give the certificate's export date "
                        "to pick the table in force then"})
ecfa_on("on 2013-03-01, declared in the 2009 tariff (HS 2007): the 2012 table (HS 2012) is not matched", "2710.19.41",
        "2013-03-01", {"/originating": False, "/rule": None}, tariff="2009")

# Korea's annex states every rule at subheading level (the table has no heading row): a tariff
# line takes its subheading's row; a subheading whose row could not be read has none, and China–Korea
# has no general rule, so its origin is not decided (never guessed).
case("korea", "190110", "CC except from 04", "the 10-digit line 1901.10.00.10 takes its subheading's row", "1901.10.00.10",
     [("1001.99", "50.00")], {"/originating": True, "/rule/hs_prefix": "190110"})
assert "520710" not in table("korea") and not [p for p in table("korea") if "520710".startswith(p)]
CASES.append({
    "name": "korea: 5207.10 has no row (its annex wording was refused, IMPORT.md row 3373) and no general rule: undetermined",
    "op": "determine_origin",
    "input": {"product": product("5207.10", [("5201.00", "50.00")]), "agreement": "korea"},
    "expect": {"values": {"/originating": False, "/rule": None}},
})

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
