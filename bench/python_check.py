"""origo.check on a 20-item certificate dict vs pydantic v2 parsing the same dict into a model.

    python bench/python_check.py      (needs the origo wheel and pydantic v2 installed)

origo reads the whole contract and runs every check; pydantic only parses (types, Decimal, date).
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import date
from decimal import Decimal
from typing import Callable, List, Literal, Optional

from pydantic import BaseModel, ConfigDict

import origo
from certificates import twenty_items


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Party(Strict):
    name: str
    address: str
    country: str
    name_zh: Optional[str] = None


class Transport(Strict):
    mode: Literal["sea", "air", "rail", "road", "multimodal", "post"]
    vessel: Optional[str] = None
    departure_date: Optional[date] = None
    port_of_loading: str
    port_of_discharge: str


class Invoice(Strict):
    number: str
    date: date
    trade_term: str
    currency: str
    amount: Decimal


class Money(Strict):
    amount: Decimal
    currency: str


class GoodsItem(Strict):
    item_no: int
    marks: str
    package_count: int
    package_kind: str
    name: str
    hs_code: str
    quantity: Decimal
    unit: str
    gross_weight: Decimal
    net_weight: Decimal
    fob_value: Money
    product_ref: Optional[str] = None


class Manufacturer(Strict):
    name_zh: str
    address: str
    country: str


class Material(Strict):
    name: str
    hs_code: str
    origin: str
    quantity: Optional[Decimal] = None
    unit: Optional[str] = None
    value: Decimal
    basis: Optional[Literal["exw", "fob", "cif"]] = None


class Product(Strict):
    id: str
    status: Literal["draft", "pending", "approved", "rejected", "voided"]
    hs_code: str
    tariff_version: str
    name_zh: str
    name_en: str
    model: Optional[str] = None
    unit: str
    manufacturer: Manufacturer
    currency: str
    unit_fob: Optional[Decimal] = None
    unit_exw: Optional[Decimal] = None
    materials: List[Material]
    processing: List[str] = []
    minimal_operations: List[str] = []


class Dates(Strict):
    shipment: date
    application: date


class Print(Strict):
    hs_digits: int


class Certificate(Strict):
    agreement: str
    destination: str
    exporter: Party
    consignee: Party
    transport: Transport
    invoice: Invoice
    goods: List[GoodsItem]
    products: List[Product] = []
    dates: Dates
    print: Print


def median_us(f: Callable[[], object], n: int) -> float:
    for _ in range(n // 10):
        f()
    times = []
    for _ in range(n):
        t = time.perf_counter_ns()
        f()
        times.append(time.perf_counter_ns() - t)
    return statistics.median(times) / 1000


def main() -> None:
    cert = twenty_items()
    assert origo.check(cert).ok
    Certificate.model_validate(cert)
    n = 5000
    text = json.dumps(cert)
    # Interleaved rounds, so that a busy moment of the machine falls on every contender alike.
    rounds = {"dict": [], "derived": [], "text": [], "pydantic": []}
    for _ in range(5):
        rounds["dict"].append(median_us(lambda: origo.check(cert), n // 5))
        # The report's derived values are built on first read; a host that reads them pays this.
        rounds["derived"].append(median_us(lambda: origo.check(cert).derived, n // 5))
        rounds["text"].append(median_us(lambda: origo.check(text), n // 5))
        rounds["pydantic"].append(median_us(lambda: Certificate.model_validate(cert), n // 5))
    o, d, t, p = (statistics.median(rounds[k]) for k in ("dict", "derived", "text", "pydantic"))
    print(f"origo.check(dict) (20 items, full check, no JSON text)  median {o:8.1f} µs")
    print(f"origo.check(dict).derived (the derived values read)   median {d:8.1f} µs")
    print(f"origo.check(JSON text of the same certificate)        median {t:8.1f} µs")
    print(f"pydantic v2 model_validate (parse only)               median {p:8.1f} µs")
    print(f"ratio origo.check(dict) / pydantic: {o / p:.2f}")


if __name__ == "__main__":
    main()
