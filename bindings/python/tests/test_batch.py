"""Many requests at once, and requests as dicts without JSON text in between."""

from __future__ import annotations

import collections
import copy
import datetime
import json
import random
import threading
from decimal import Decimal
from typing import Any, Dict, Iterator, List, Optional, Tuple, cast

import pytest

import origo
from origo import OrigoError, Report
from origo import _native
from vectors import REPO

EXAMPLES = REPO / "examples"


def load(path: str) -> Dict[str, Any]:
    data: Dict[str, Any] = json.loads((EXAMPLES / path).read_text(encoding="utf-8"))
    return data


@pytest.fixture
def cert() -> Dict[str, Any]:
    return load("certificates/non_preferential.json")


@pytest.fixture
def kettle() -> Dict[str, Any]:
    return load("products/kettle.json")


def via_json(op: str, request: Dict[str, Any]) -> Any:
    """The answer of the JSON layer: the reference the dict path must equal."""
    return json.loads(_native.call(op, json.dumps(request)))


def test_a_dict_and_its_json_text_give_the_json_layers_report(cert: Dict[str, Any]) -> None:
    expected = Report.from_dict(via_json("check", {"certificate": cert, "today": "2026-03-05"}))
    assert origo.check(cast(Any, cert), today="2026-03-05") == expected
    text = json.dumps(cert)
    assert origo.check(text, today="2026-03-05") == expected
    assert origo.check(text.encode("utf-8"), today="2026-03-05") == expected
    cert["goods"] = []
    broken = origo.check(cast(Any, cert))
    assert broken == Report.from_dict(via_json("check", {"certificate": cert}))
    assert not broken.ok


def test_errors_of_a_dict_have_the_json_layers_code_and_path(cert: Dict[str, Any]) -> None:
    cases: List[Tuple[Dict[str, Any], str, Optional[str]]] = [
        ({**cert, "colour": "red"}, "unknown_field", "certificate.colour"),
        ({k: v for k, v in cert.items() if k != "consignee"}, "missing_field", None),
        ({**cert, "goods": [{**cert["goods"][0], "hs_code": 8516}]}, "invalid_type", "certificate.goods[0].hs_code"),
    ]
    for certificate, code, path in cases:
        with pytest.raises(OrigoError) as e:
            origo.check(cast(Any, certificate))
        assert e.value.code == code and (path is None or e.value.path == path), e.value
        with pytest.raises(OrigoError) as text_error:
            origo.check(json.dumps(certificate))
        assert text_error.value.to_dict() == e.value.to_dict()


def outcome(check: Any) -> Any:
    """What a check answered: the report, or the error it raised, as JSON-shaped data."""
    try:
        return ("report", check().to_dict())
    except OrigoError as e:
        return ("error", e.to_dict())


def test_a_dict_is_read_exactly_as_strictly_as_its_json_text(cert: Dict[str, Any]) -> None:
    """The dict reader takes no liberty the JSON text would not (`True` is not the number 1, a
    number is not a string): each of a few hundred certificates, every value somewhere replaced by
    one of another kind, gives the dict and its JSON text the same report or the same error."""
    cert["goods"] = cert["goods"] * 3
    kinds: List[Any] = [
        True, False, None, 0, 1, -1, 2**70, 1.5, 1.0, float("nan"), "", "1", "2026-03-05", "x" * 600,
        [], [1], ("a", "b"), {}, {"a": 1}, {1: "a"}, Decimal("1.50"), datetime.date(2026, 3, 5),
    ]
    rng = random.Random(19)

    def places(value: Any, path: Tuple[Any, ...] = ()) -> Iterator[Tuple[Any, ...]]:
        yield path
        children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, child in children:
            yield from places(child, (*path, key))

    every = list(places(cert))[1:]
    accepted = 0
    for _ in range(400):
        broken = copy.deepcopy(cert)
        *parent_path, last = rng.choice(every)
        parent = broken
        for key in parent_path:
            parent = parent[key]
        if isinstance(parent, dict) and rng.random() < 0.1:
            del parent[last]
        else:
            parent[last] = copy.deepcopy(rng.choice(kinds))
        from_dict = outcome(lambda: origo.check(cast(Any, broken), today="2026-03-05"))
        text = outcome(lambda: origo.check(origo._encode(broken), today="2026-03-05"))
        assert from_dict == text, (parent_path, last, parent.get(last) if isinstance(parent, dict) else parent[last])
        accepted += from_dict[0] == "report"
    assert 0 < accepted < 400, "both kinds of outcome were compared"
    item = {**cert, "goods": [{**cert["goods"][0], "item_no": True}]}
    with pytest.raises(OrigoError) as e:
        origo.check(cast(Any, item))
    assert (e.value.code, e.value.path) == ("invalid_type", "certificate.goods[0].item_no")


def test_a_dict_near_the_size_bound_is_counted_as_its_compact_text(cert: Dict[str, Any]) -> None:
    """Empty strings and lists leave no slack in the count: the dict reader bounds the size of the
    compact text, and the objects it refuses are encoded compactly, so both ways agree."""
    product = {**load("products/kettle.json"), "processing": [""] * 1000, "minimal_operations": [""] * 1000}
    big = {**cert, "products": [product] * 600}
    assert len(origo._encode({"certificate": big})) < 4 * 1024 * 1024 < len(json.dumps({"certificate": big}))
    assert outcome(lambda: origo.check(cast(Any, big))) == outcome(lambda: origo.check(origo._encode(big)))


def test_text_without_a_utf8_form_is_an_origo_error_of_its_request_alone(cert: Dict[str, Any]) -> None:
    with pytest.raises(OrigoError) as e:
        origo.check("\ud800")
    assert e.value.code == "input_unreadable"
    with pytest.raises(OrigoError) as e:
        origo.check(cast(Any, {**cert, "remarks": "\ud800"}))
    assert e.value.code == "input_unreadable"
    answers = list(origo.check_many(cast(Any, ["\ud800", json.dumps(cert)]), 1))
    assert isinstance(answers[0], OrigoError) and answers[0].code == "input_unreadable"
    assert isinstance(answers[1], Report)


def test_subclasses_of_dict_and_list_are_read_as_json_dumps_reads_them(cert: Dict[str, Any]) -> None:
    class Items(dict):  # type: ignore[type-arg]
        def items(self) -> Any:
            return [(k, v) for k, v in super().items() if k != "remarks"]

    expected = origo.check(cast(Any, cert))
    assert origo.check(cast(Any, collections.OrderedDict(cert))) == expected
    assert origo.check(cast(Any, Items({**cert, "remarks": 1}))) == expected, "json.dumps calls items()"


def test_a_dict_past_the_bounds_is_refused_as_its_text_is(cert: Dict[str, Any]) -> None:
    many = {**cert, "goods": [copy.deepcopy(cert["goods"][0]) for _ in range(100_000)]}
    with pytest.raises(OrigoError) as e:
        origo.check(cast(Any, many))
    assert e.value.code in {"too_many_goods", "input_too_large"}
    for depth in (40, 200):
        nested: Dict[str, Any] = {}
        for _ in range(depth):
            nested = {"x": nested}
        deep = {**cert, "remarks": nested}
        with pytest.raises(OrigoError) as dict_error:
            origo.check(cast(Any, deep))
        with pytest.raises(OrigoError) as text_error:
            origo.check(json.dumps(deep))
        assert (dict_error.value.code, dict_error.value.path) == (text_error.value.code, text_error.value.path)


def test_determine_origin_many_yields_in_order_with_errors_in_the_middle(kettle: Dict[str, Any]) -> None:
    one = origo.determine_origin(cast(Any, kettle), "asean", "TH")
    assert one == via_json("determine_origin", {"product": kettle, "agreement": "asean", "destination": "TH"})
    broken = {**kettle, "hs_code": "not a code"}
    products = [kettle, broken, {**kettle, "materials": []}] * 50
    for jobs in (1, 2):
        answers = list(origo.determine_origin_many(iter(products), "asean", "TH", jobs))
        assert len(answers) == len(products)
        for i, answer in enumerate(answers):
            if i % 3 == 1:
                assert isinstance(answer, OrigoError) and answer.path == "product.hs_code", answer
            elif i % 3 == 0:
                assert answer == one
            else:
                assert isinstance(answer, dict)


def test_determine_origin_many_yields_an_unknown_agreement_as_an_error(kettle: Dict[str, Any]) -> None:
    (answer,) = list(origo.determine_origin_many([kettle], "atlantis"))
    assert isinstance(answer, OrigoError) and answer.code == "unknown_agreement"


def test_check_many_takes_dicts_and_json_text_and_reads_lazily(cert: Dict[str, Any]) -> None:
    text = json.dumps(cert)
    pulled: List[int] = []

    def certificates() -> Iterator[Any]:
        for i in range(1000):
            pulled.append(i)
            yield [cert, text, "{not json", text.encode("utf-8")][i % 4]

    answers = origo.check_many(certificates(), 2, today="2026-03-05")
    first = next(answers)
    assert isinstance(first, Report) and first.ok
    assert len(pulled) < 1000, "the iterable is read a window ahead, not whole"
    rest = list(answers)
    assert len(rest) == 999
    for i, answer in enumerate([first, *rest]):
        if i % 4 == 2:
            assert isinstance(answer, OrigoError) and answer.code == "invalid_json"
        else:
            assert answer == first, i


def test_an_iterable_that_fails_raises_after_the_answers_before_it(cert: Dict[str, Any]) -> None:
    def certificates() -> Iterator[Any]:
        yield cert
        raise RuntimeError("the feed broke")

    answers = origo.check_many(certificates(), 1)
    with pytest.raises(RuntimeError, match="the feed broke"):
        list(answers)


def test_render_many_yields_documents_in_order_and_errors_in_place() -> None:
    asean = load("certificates/asean.json")
    bad = {**asean, "agreement": "atlantis"}
    documents = list(origo.render_many([asean, bad, json.dumps(asean)], "svg", 2))
    assert len(documents) == 3
    first, error, third = documents
    assert isinstance(first, bytes) and first.lstrip().startswith(b"<svg")
    assert isinstance(error, OrigoError) and error.code == "unknown_agreement"
    assert third == first


def test_the_gil_is_free_while_a_batch_runs(cert: Dict[str, Any]) -> None:
    ticks = 0
    done = threading.Event()

    def tick() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1

    t = threading.Thread(target=tick)
    t.start()
    try:
        answers = list(origo.check_many([cast(Any, cert)] * 2000, 1))
    finally:
        done.set()
        t.join()
    assert len(answers) == 2000 and ticks > 0
