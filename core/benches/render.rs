//! Warm render of a one-page Form E to PDF (fonts and templates already parsed): the `render`
//! operation, which checks once and draws from that report. Once with the same certificate each
//! time (Typst's caches keep the layout), once with a new certificate number each time, as a host
//! printing a stream of certificates renders them and as the peers in `bench/` are measured.
#![allow(clippy::expect_used)]

use criterion::{criterion_group, criterion_main, Criterion};
use origo::api::render::Render;
use origo::render::RenderOptions;
use origo::{Certificate, Rulebook};

fn form_e() -> Certificate {
    let text = include_str!("../../examples/certificates/non_preferential.json");
    let mut cert: Certificate = serde_json::from_str(text).expect("example parses");
    cert.agreement = "asean".to_string();
    cert.certificate_no = Some("E263300000001".to_string());
    cert.dates.signing = cert.dates.application;
    cert
}

fn bench(c: &mut Criterion) {
    let rb = Rulebook::builtin().expect("builtin rulebook");
    let cert = form_e();
    let opts = RenderOptions::default();
    Render::draw(&cert, &opts, &rb).expect("renders");
    c.bench_function("render_form_e_pdf_warm", |b| b.iter(|| Render::draw(&cert, &opts, &rb).expect("renders")));
    let mut n = 0u32;
    c.bench_function("render_form_e_pdf_new_number", |b| {
        b.iter(|| {
            n += 1;
            let mut numbered = cert.clone();
            numbered.certificate_no = Some(format!("E2633{n:08}"));
            Render::draw(&numbered, &opts, &rb).expect("renders")
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
