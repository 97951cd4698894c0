//! Batch throughput: `check` of the 20-item certificate (as in `check.rs`) over a batch of
//! requests, with one thread and with two: checks per second, and the gain of the second core.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "test code: a failure should stop the run")]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use origo::{api, batch, Rulebook};
use serde_json::Value;

/// The allocator of the hosts that run batches (the CLI, the Python binding): a check makes a few
/// hundred small allocations, and the system allocator's cost would be measured beside origo's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Requests per batch: 16 windows' worth of one thread, so the window barrier is not what is measured.
const BATCH: usize = 1024;

fn twenty_items_request() -> String {
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
    serde_json::json!({ "certificate": cert, "today": "2026-03-05" }).to_string()
}

fn bench(c: &mut Criterion) {
    let rb = std::sync::Arc::new(Rulebook::builtin().expect("rulebook"));
    let entry = api::find("check").expect("check");
    let requests: Vec<String> = vec![twenty_items_request(); BATCH];
    let mut group = c.benchmark_group("check_batch_20_items");
    group.throughput(Throughput::Elements(BATCH as u64));
    for jobs in [1, 2] {
        group.bench_function(format!("jobs_{jobs}"), |b| {
            b.iter(|| {
                let answers =
                    batch::call_many(entry, rb.clone(), requests.iter().cloned().map(Ok), jobs).expect("threads");
                answers.filter(|a| a.outcome.is_ok()).count()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
