"""Python-specific behaviour: typed results, Decimal/date input, errors, threads, panics."""

from __future__ import annotations

import copy
import dataclasses
import datetime
import inspect
import json
import pickle
import re
import weakref
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, List, Union, cast

import pytest

import origo
from origo import Finding, OrigoError, Report, Rulebook
from origo.contract import Certificate
from vectors import REPO

SAMPLE = REPO / "examples" / "certificates" / "non_preferential.json"


@pytest.fixture
def cert() -> Certificate:
    data: Certificate = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return data


def typed_values(cert: Certificate) -> Certificate:
    """The same certificate with Decimal amounts and date objects."""
    c: Dict[str, Any] = copy.deepcopy(dict(cert))
    c["invoice"]["amount"] = Decimal(c["invoice"]["amount"])
    c["invoice"]["date"] = datetime.date.fromisoformat(c["invoice"]["date"])
    c["dates"] = {k: datetime.date.fromisoformat(v) for k, v in c["dates"].items()}
    for g in c["goods"]:
        g["fob_value"]["amount"] = Decimal(g["fob_value"]["amount"])
        g["quantity"] = Decimal(g["quantity"])
    return cast(Certificate, c)


def test_check_returns_a_typed_report(cert: Certificate) -> None:
    report = origo.check(cert, today=datetime.date(2026, 3, 5))
    assert isinstance(report, Report)
    assert report.ok and report.errors == ()
    assert report.agreement == "non_preferential"
    assert report.derived["item_count"] == 2
    assert sum(g.count for g in report.groups) == len(report.findings)
    assert Report.from_dict(report.to_dict()) == report


def test_derived_values_are_built_on_first_read_and_equal_the_json_answer(cert: Certificate) -> None:
    report = origo.check(cert, today=datetime.date(2026, 3, 5))
    assert not isinstance(report._derived, dict), "handed over unconverted"
    answer = json.loads(origo._native.call("check", json.dumps({"certificate": cert, "today": "2026-03-05"})))
    assert report.derived == answer["derived"]
    assert report.derived is report.derived, "built once"
    assert report == origo.check(cert, today=datetime.date(2026, 3, 5))
    assert "item_count" in repr(report)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.ok = False
    fresh = origo.check(cert, today=datetime.date(2026, 3, 5))
    assert pickle.loads(pickle.dumps(fresh)) == report, "pickled with its derived values, as a dataclass was"
    assert copy.deepcopy(fresh) == report and copy.copy(fresh) == report
    assert weakref.ref(report)() is report
    match report:
        case Report(ok, agreement):
            assert (ok, agreement) == (True, "non_preferential")


def test_reports_compare_their_derived_values_without_building_them(cert: Certificate) -> None:
    today = datetime.date(2026, 3, 5)
    one, two = origo.check(cert, today=today), origo.check(cert, today=today)
    assert one == two
    assert not isinstance(one._derived, dict) and not isinstance(two._derived, dict), "compared as Rust data"
    other = copy.deepcopy(cert)
    other["goods"] = other["goods"][:1]
    assert one != origo.check(other, today=today), "one item fewer: other derived values"
    built = origo.check(cert, today=today)
    assert built.derived and built == one == built, "a built side compares with an unbuilt one"
    # The same amount written otherwise: equal as numbers, not as the text the dict holds.
    written = copy.deepcopy(cert)
    value = written["goods"][0]["fob_value"]
    assert value is not None and value["amount"] == "32400.00"
    value["amount"] = "32400.0"
    three, four = origo.check(written, today=today), origo.check(written, today=today)
    assert one.findings == three.findings, "only the derived values differ"
    assert three == four and one != three
    assert one.derived != three.derived and one != three, "the same answer read or not"


def test_findings_are_typed(cert: Certificate) -> None:
    cert["goods"] = []
    report = origo.check(cert)
    assert not report.ok
    (f,) = [f for f in report.findings if f.code == "no_goods"]
    assert isinstance(f, Finding)
    assert (f.severity, f.path, f.source) == ("error", "goods", "FAQ Q35")
    assert f.message_zh and f.message_en
    assert report.errors == (f,)


def test_check_many_yields_in_order_and_a_bad_certificate_does_not_end_the_batch(cert: Certificate) -> None:
    today = datetime.date(2026, 3, 5)
    no_goods = {**cert, "goods": []}
    unknown = {**cert, "agreement": "atlantis"}
    certificates: List[Any] = [cert, no_goods, unknown, {"price": object()}, typed_values(cert)] * 300
    one_by_one: List[Union[Report, OrigoError]] = []
    for c in certificates[:5]:
        try:
            one_by_one.append(origo.check(c, today=today))
        except OrigoError as e:
            one_by_one.append(e)
    for jobs in (1, 2, None):
        answers = list(origo.check_many(iter(certificates), jobs, today=today))
        assert len(answers) == len(certificates)
        for i, answer in enumerate(answers):
            expected = one_by_one[i % 5]
            if isinstance(expected, OrigoError):
                assert isinstance(answer, OrigoError) and answer.code == expected.code, (i, answer)
            else:
                assert answer == expected, i
    assert [type(a) for a in answers[:5]] == [Report, Report, OrigoError, OrigoError, Report]
    no_goods_report, unknown_error, unencodable_error = answers[1:4]
    assert isinstance(no_goods_report, Report) and not no_goods_report.ok
    assert isinstance(unknown_error, OrigoError) and unknown_error.code == "unknown_agreement"
    assert isinstance(unencodable_error, OrigoError) and unencodable_error.code == "invalid_type"


def test_decimal_and_date_values_give_the_same_report(cert: Certificate) -> None:
    assert origo.check(typed_values(cert), today=datetime.date(2026, 3, 5)) == origo.check(cert, today="2026-03-05")


def test_decimals_keep_their_digits_and_never_become_floats(cert: Certificate) -> None:
    c = typed_values(cert)
    c["invoice"]["amount"] = Decimal("4.86E+4")  # exponent form is written out, not sent as 48600.0
    assert origo.check(c).ok
    c["invoice"]["amount"] = Decimal("NaN")
    with pytest.raises(OrigoError) as e:
        origo.check(c)
    assert e.value.path == "certificate.invoice.amount"


def test_typed_objects_are_accepted_as_input(cert: Certificate) -> None:
    class Typed:
        def to_dict(self) -> Certificate:
            return cert

    assert origo.check(cast(Certificate, Typed())) == origo.check(cert)


def test_error_attributes(cert: Certificate) -> None:
    cert["agreement"] = "atlantis"
    with pytest.raises(OrigoError) as e:
        origo.check(cert)
    err = e.value
    assert isinstance(err, ValueError)
    assert (err.code, err.path) == ("unknown_agreement", "agreement")
    assert "atlantis" in err.message_zh and "atlantis" in err.message_en
    assert err.to_dict()["code"] == "unknown_agreement"
    assert "unknown_agreement at `agreement`" in str(err)


def test_input_that_is_not_json_is_an_origo_error(cert: Certificate) -> None:
    untyped: Any = cert  # wrong on purpose
    untyped["goods"][0]["quantity"] = {1, 2}
    with pytest.raises(OrigoError) as e:
        origo.check(cert)
    assert e.value.code == "invalid_type"
    untyped["goods"][0]["quantity"] = cert  # a cycle
    with pytest.raises(OrigoError) as e:
        origo.check(cert)
    assert e.value.code == "invalid_value"


def test_oversized_input_is_refused_with_a_code(cert: Certificate) -> None:
    cert["goods"][0]["name"] = "x" * 10_000_000
    with pytest.raises(OrigoError) as e:
        origo.check(cert)
    assert e.value.code == "input_too_large"


def test_a_host_psr_table_replaces_the_agreement_rules_for_one_call() -> None:
    kettle = json.loads((REPO / "examples" / "products" / "kettle.json").read_text(encoding="utf-8"))
    assert origo.determine_origin(kettle, "asean")["originating"] is True
    wholly = "hs_prefix,rule,source\n8516,WO,host table\n"
    decision = origo.determine_origin(kettle, "asean", psr_csv=wholly)
    assert decision["originating"] is False
    rule = decision["rule"]
    assert rule is not None and rule["hs_prefix"] == "8516"
    with pytest.raises(OrigoError) as err:
        origo.determine_origin(kettle, "asean", psr_csv="hs_prefix,rule,source\n8516,CTH or,x\n")
    assert err.value.code == "rulebook_invalid"


def test_the_date_picks_the_product_specific_table_in_force() -> None:
    vectors = json.loads((REPO / "tests" / "vectors" / "origin_psr.json").read_text(encoding="utf-8"))
    case = next(c for c in vectors["cases"] if c["input"].get("date") == "2010-06-01")
    product = case["input"]["product"]
    before = origo.determine_origin(product, "ecfa", date=datetime.date(2010, 6, 1))
    assert before["rule"] is None and "in force on 2010-06-01" in before["notes"][0]["en"]
    assert origo.determine_origin(product, "ecfa", date="2010-06-01") == before
    latest = origo.determine_origin(product, "ecfa")
    assert latest["notes"][0]["en"].startswith("no date given")


def test_rulebooks() -> None:
    builtin = Rulebook.builtin()
    assert builtin.version and builtin.version in repr(builtin)
    from_dir = Rulebook.from_dir(REPO / "rules")
    assert from_dir.version == builtin.version
    assert origo.rules(rulebook=from_dir) == origo.rules()
    with pytest.raises(OrigoError) as e:
        Rulebook.from_dir(REPO / "no-such-dir")
    assert e.value.code == "rulebook_unreadable"


def test_schema_codes_rules() -> None:
    assert origo.schema()["title"] == "Certificate"
    assert origo.schema("report")["title"] == "Report"
    assert any(c["code"] == "item_limit_exceeded" for c in origo.codes())
    assert any(a["code"] == "non_preferential" for a in origo.rules()["agreements"])


def test_concurrent_checks_agree(cert: Certificate) -> None:
    bad = copy.deepcopy(cert)
    bad["goods"] = []
    inputs = [cert if i % 2 else bad for i in range(400)]
    expected = [origo.check(c) for c in inputs[:2]]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(origo.check, inputs))
    assert results == [expected[i % 2] for i in range(400)]


def test_a_panic_becomes_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(OrigoError) as e:
        origo.call("__panic__")
    assert e.value.code == "unknown_operation", "the hook is off by default"
    monkeypatch.setenv("ORIGO_TEST_HOOKS", "1")
    with pytest.raises(OrigoError) as e:
        origo.call("__panic__")
    assert e.value.code == "internal_error"
    assert "deliberate panic" in e.value.message_en
    assert origo.codes(), "the module still works after a panic"


def test_every_core_operation_has_a_python_function_of_its_name() -> None:
    """One vocabulary: each operation of the core is the Python function of the same name."""
    assert "render" in origo.OPERATIONS, "the wheel is built with rendering"
    for name in origo.OPERATIONS:
        fn = getattr(origo, name, None)
        assert callable(fn), f"the core operation `{name}` has no Python function `origo.{name}`"
        assert name in origo.__all__, f"`{name}` is missing from origo.__all__"
        if name != "render":  # render goes through the native module's byte-returning entry
            sent = re.findall(r'(?:call|run)\(\s*"(\w+)"', inspect.getsource(fn))
            assert sent == [name], f"origo.{name} sends {sent}, not `{name}`"


def test_the_package_is_typed() -> None:
    assert (Path(origo.__file__).parent / "py.typed").exists()
