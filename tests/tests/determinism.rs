//! Same input, same bytes: report JSON and PDFs are deterministic, across runs, across threads,
//! and (through the golden files here, which the Python and JS tests read too) across bindings.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "test code: a failure should stop the run")]

use origo::Rulebook;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/certificates");
    // The clean examples; `findings/` holds the ones made to fail, checked by the examples test.
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
    files.sort();
    files
}

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("golden").join(name)
}

/// The `check` answer as the bindings see it: compact JSON text.
fn check_text(rb: &Rulebook, cert: &str) -> String {
    let cert: Value = serde_json::from_str(cert).unwrap();
    let request = json!({ "certificate": cert, "today": "2026-11-27" }).to_string();
    origo::api::call("check", &request, rb).unwrap()
}

fn render_pdf(rb: &Rulebook, cert: &str) -> Vec<u8> {
    let cert: Value = serde_json::from_str(cert).unwrap();
    let request = origo::json::read(&json!({ "certificate": cert }).to_string(), rb.limits()).unwrap();
    <origo::api::render::Render as origo::api::Operation>::run(request, rb).unwrap().bytes
}

fn compare_or_bless(path: &Path, bytes: &[u8]) {
    let on_disk = std::fs::read(path).unwrap_or_default();
    if on_disk != bytes {
        if std::env::var_os("ORIGO_BLESS").is_some() {
            std::fs::write(path, bytes).unwrap();
        } else {
            panic!("{} differs from this build's output: run with ORIGO_BLESS=1 after checking why", path.display());
        }
    }
}

#[test]
fn reports_match_the_golden_files() {
    let rb = Rulebook::builtin().unwrap();
    for file in examples() {
        let stem = file.file_stem().unwrap().to_string_lossy().to_string();
        let cert = std::fs::read_to_string(&file).unwrap();
        let first = check_text(&rb, &cert);
        assert_eq!(first, check_text(&rb, &cert), "{stem}: two runs differ");
        compare_or_bless(&golden(&format!("{stem}.report.json")), first.as_bytes());
    }
}

#[test]
fn pdfs_are_byte_identical() {
    let rb = Rulebook::builtin().unwrap();
    let cert = std::fs::read_to_string(examples().into_iter().find(|p| p.ends_with("asean.json")).unwrap()).unwrap();
    let a = render_pdf(&rb, &cert);
    assert_eq!(a, render_pdf(&rb, &cert), "two renders differ");
    compare_or_bless(&golden("asean.pdf"), &a);
}

#[test]
fn eight_threads_give_the_same_answers_as_one() {
    let rb = Rulebook::builtin().unwrap();
    let certs: Vec<String> = examples().iter().map(|p| std::fs::read_to_string(p).unwrap()).collect();
    let expected: Vec<(String, Vec<u8>)> = certs.iter().map(|c| (check_text(&rb, c), render_pdf(&rb, c))).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|t| {
                let (rb, certs, expected) = (rb.clone(), &certs, &expected);
                s.spawn(move || {
                    for i in 0..certs.len() {
                        let k = (i + t) % certs.len();
                        assert_eq!(check_text(&rb, &certs[k]), expected[k].0, "thread {t}: report {k} differs");
                        assert_eq!(render_pdf(&rb, &certs[k]), expected[k].1, "thread {t}: PDF {k} differs");
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    });
}
