//! Origin determination speed: a product of 50 materials against a 5,000-row PSR table, and
//! loading such a table. Targets (issue 3): determination ≤ 20 µs median; loading ≤ 50 ms.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use origo::origin::{determine, PsrTable};
use origo::{Product, Rulebook};
use std::fmt::Write as _;

const RULES: &[&str] =
    &["\"CTH or RVC(40)\"", "CTSH", "CTH except from 15.11", "\"RVC(40, build-up) or CC\"", "\"NM(50, EXW)\""];

fn table() -> String {
    let mut s = String::from("hs_prefix,rule,source\n");
    for i in 0..5_000u32 {
        let chapter = 1 + i % 97;
        let _ = writeln!(s, "{chapter:02}{:04},{},bench", i / 97 * 7 % 10_000, RULES[i as usize % RULES.len()]);
    }
    s
}

fn rulebook_dir(table: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("origo-bench-{}", std::process::id()));
    for f in origo_rules::FILES {
        let p = dir.join(f.path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, f.text).unwrap();
    }
    let np = origo_rules::file("agreements/non_preferential.toml").unwrap();
    let bench = np
        .replace("code = \"non_preferential\"", "code = \"bench\"")
        .replace("kind = \"non_preferential\"", "kind = \"preferential\"");
    std::fs::write(dir.join("agreements/bench.toml"), bench).unwrap();
    std::fs::create_dir_all(dir.join("psr")).unwrap();
    std::fs::write(dir.join("psr/bench.csv"), table).unwrap();
    dir
}

fn product() -> Product {
    let materials: Vec<_> = (0..50)
        .map(|i| {
            let origin = ["CN", "JP", "US", "unknown", "VN"][i % 5];
            serde_json::json!({"name": format!("PART {i}"), "hs_code": format!("{:04}.90", 7300 + i), "origin": origin, "value": "1.10"})
        })
        .collect();
    serde_json::from_value(serde_json::json!({
        "id": "BENCH", "hs_code": "0100.00", "name_en": "BENCH", "currency": "USD", "unit_fob": "100.00", "unit_exw": "95.00",
        "materials": materials, "minimal_operations": []
    }))
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let text = table();
    let dir = rulebook_dir(&text);
    let rb = Rulebook::from_dir(&dir).unwrap();
    let limits = rb.limits().clone();
    assert_eq!(rb.origin().psr("bench").unwrap().unwrap().len(), 5_000);
    let agreement = rb.agreement("bench").unwrap();
    let p = product();
    let d = determine(&p, agreement, &rb, None, None).unwrap();
    assert!(d.rule.is_some_and(|r| r.kind == "psr"));
    c.bench_function("determine: 50 materials, 5,000-row PSR table", |b| {
        b.iter(|| determine(black_box(&p), agreement, &rb, None, None).unwrap())
    });
    c.bench_function("parse a 5,000-row PSR table", |b| {
        b.iter(|| PsrTable::parse("psr/bench.csv", black_box(&text), &limits).unwrap())
    });
    c.bench_function("load a rulebook directory with a 5,000-row PSR table", |b| {
        b.iter(|| Rulebook::from_dir(black_box(&dir)).unwrap())
    });
    let _ = std::fs::remove_dir_all(&dir);
    shipped(c);
}

/// The shipped tables: importing the largest annex, loading the built-in rulebook with every
/// table parsed, and a determination against the largest table.
fn shipped(c: &mut Criterion) {
    use origo::origin::annex::{import_psr, ImportPsrRequest};
    let builtin = origo::rulebook::builtin_files();
    let load_all = || {
        let rb = Rulebook::from_texts(builtin.clone()).unwrap();
        let codes: Vec<String> = rb.agreements().map(|a| a.code.clone()).collect();
        let rows: usize = codes.iter().flat_map(|a| rb.origin().psr_tables(a).unwrap()).map(|t| t.len()).sum();
        (rb, rows)
    };
    assert!(load_all().1 > 13_900);
    c.bench_function("load the built-in rulebook, then parse every shipped PSR table", |b| b.iter(load_all));
    c.bench_function("load the built-in rulebook (tables parsed on first use)", |b| {
        b.iter(|| Rulebook::from_texts(black_box(builtin.clone())).unwrap())
    });
    let rb = Rulebook::builtin().unwrap();
    let korea = rb.agreement("korea").unwrap();
    let mut p = product();
    p.hs_code = serde_json::from_value(serde_json::json!("8501.10")).unwrap();
    let d = determine(&p, korea, &rb, None, None).unwrap();
    assert!(d.rule.is_some_and(|r| r.kind == "psr"));
    c.bench_function("determine: 50 materials, the China–Korea table (5,167 rows)", |b| {
        b.iter(|| determine(black_box(&p), korea, &rb, None, None).unwrap())
    });
    let annex = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/psr-sources/korea.json");
    let Ok(text) = std::fs::read_to_string(&annex) else {
        eprintln!("skipped the import benchmark: no {}", annex.display());
        return;
    };
    let req = ImportPsrRequest {
        agreement: "korea".into(),
        annex_json: Some(text),
        annex_csv: None,
        annex_xlsx_base64: None,
        source: "bench".into(),
        columns: None,
        hs_edition: Some(2012),
        allow_partial: true,
    };
    c.bench_function("import the China–Korea annex (7,212 rows)", |b| {
        b.iter(|| import_psr(black_box(&req), &rb).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
