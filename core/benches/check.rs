//! `check` on a 20-item certificate through the JSON layer, and its parts: reading the JSON
//! within bounds (the typed read, and the bounded `Value` read it falls back to for unusual or
//! bad input), the rule passes on the parsed certificate, and the report written as JSON text.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "test code: a failure should stop the run")]

use criterion::{criterion_group, criterion_main, Criterion};
use origo::{api, json, Certificate, Rulebook};
use serde_json::Value;

fn twenty_items() -> Value {
    let text = include_str!("../../examples/certificates/non_preferential.json");
    let mut cert: Value = serde_json::from_str(text).expect("example parses");
    let goods = cert["goods"].as_array().cloned().expect("goods");
    let twenty: Vec<Value> = (0..20)
        .map(|i| {
            let mut g = goods[i % goods.len()].clone();
            g["item_no"] = Value::from(i + 1);
            g
        })
        .collect();
    cert["goods"] = Value::Array(twenty);
    cert
}

fn bench(c: &mut Criterion) {
    let rb = Rulebook::builtin().expect("rulebook");
    let cert = twenty_items();
    let request = serde_json::json!({ "certificate": cert, "today": "2026-03-05" }).to_string();
    let cert_text = cert.to_string();
    let parsed: Certificate = json::read(&cert_text, rb.limits()).expect("parses");
    c.bench_function("check_20_items_json", |b| b.iter(|| api::call("check", &request, &rb).expect("checks")));
    c.bench_function("read_20_items", |b| {
        b.iter(|| json::read::<Certificate>(&cert_text, rb.limits()).expect("parses"))
    });
    c.bench_function("read_20_items_bounded_value", |b| {
        b.iter(|| json::read_value(&cert_text, rb.limits()).expect("bounded"))
    });
    c.bench_function("rules_20_items", |b| b.iter(|| origo::check_certificate(&parsed, &rb, None).expect("checks")));
    let report = origo::check_certificate(&parsed, &rb, None).expect("checks");
    c.bench_function("report_20_items_to_text", |b| b.iter(|| serde_json::to_string(&report).expect("serialises")));
}

criterion_group!(benches, bench);
criterion_main!(benches);
