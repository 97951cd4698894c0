//! Valuation speed: one conversion (target ≤ 1 µs median) and the FOB total of 1,000 items in
//! 3 currencies (target ≤ 100 µs). Results are recorded in BENCHMARKS.md.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use origo::model::ExchangeRate;
use origo::rulebook::RoundingMode;
use origo::valuation::{compute, convert_request, prepare, total, ConvertRequest};
use origo::Rulebook;
use rust_decimal::Decimal;

fn request() -> ConvertRequest {
    ConvertRequest {
        term: "CIF".into(),
        amount: "10000".into(),
        currency: "USD".into(),
        to: Some("EXW".into()),
        freight: Some("500".into()),
        insurance_rate: Some("0.003".into()),
        inland: Some("120".into()),
        ..Default::default()
    }
}

fn conversion(c: &mut Criterion) {
    let Ok(rb) = Rulebook::builtin() else { return };
    let req = request();
    if let Ok(input) = prepare(&req, rb.valuation()) {
        c.bench_function("convert: CIF -> EXW, checked input, value", |b| {
            b.iter(|| compute(black_box(&input)).map(|x| x.rounded))
        });
    }
    c.bench_function("convert: CIF -> EXW, JSON strings, value", |b| {
        b.iter(|| {
            let input = prepare(black_box(&req), rb.valuation()).map_err(|e| e.code);
            input.and_then(|i| compute(&i).map_err(|e| e.code)).map(|x| x.rounded)
        })
    });
    c.bench_function("convert: CIF -> EXW, JSON strings, value and formula", |b| {
        b.iter(|| convert_request(black_box(&req), &rb).map(|c| c.value))
    });
}

fn fob_total(c: &mut Criterion) {
    let Ok(rb) = Rulebook::builtin() else { return };
    let Some(usd) = rb.valuation().currency("USD") else {
        return;
    };
    let rates: Vec<ExchangeRate> =
        serde_json::from_str(r#"[{"from":"EUR","to":"USD","rate":"1.0832"},{"from":"USD","to":"CNY","rate":"7.1"}]"#)
            .unwrap_or_default();
    let codes = ["USD", "EUR", "CNY"];
    let items: Vec<(&str, Decimal)> =
        (0..1000i64).map(|i| (codes[(i % 3) as usize], Decimal::new(100_000 + i * 137, 2))).collect();
    c.bench_function("FOB total: 1,000 items, 3 currencies", |b| {
        b.iter(|| total(black_box(items.iter().copied()), usd, &rates, RoundingMode::HalfUp))
    });
}

criterion_group!(benches, conversion, fob_total);
criterion_main!(benches);
