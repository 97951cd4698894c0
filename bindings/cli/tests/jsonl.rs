//! `origo check --jsonl`: the binary over a small JSONL batch of the example certificates.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "test code: a failure should stop the run")]

use std::path::PathBuf;
use std::process::{Command, Output};

/// A JSONL batch: each example certificate as a check request, with broken lines after the
/// second one and at the end.
fn batch(name: &str) -> (PathBuf, usize) {
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/certificates");
    let mut names: Vec<PathBuf> = std::fs::read_dir(examples)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension() == Some("json".as_ref()))
        .collect();
    names.sort();
    let mut lines: Vec<String> = names
        .iter()
        .map(|p| {
            let certificate: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
            serde_json::json!({ "certificate": certificate, "today": "2026-01-05" }).to_string()
        })
        .collect();
    let good = lines.len();
    lines.insert(2, "{\"certificate\": ".into());
    lines.push("{\"certificate\": {}}".into());
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}.jsonl", std::process::id()));
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    (path, good)
}

fn origo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_origo")).args(args).output().unwrap()
}

#[test]
fn one_answer_per_line_in_order_with_bad_lines_answered_and_a_summary() {
    let (path, good) = batch("order");
    let mut outputs = Vec::new();
    for jobs in ["1", "2"] {
        let out = origo(&["check", "--jsonl", path.to_str().unwrap(), "--jobs", jobs]);
        assert_eq!(out.status.code(), Some(2), "a line was unreadable");
        let answers: Vec<serde_json::Value> =
            String::from_utf8(out.stdout.clone()).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(answers.len(), good + 2);
        assert_eq!(answers[2]["line"], 3);
        assert_eq!(answers[2]["error"]["code"], "invalid_json");
        assert_eq!(answers[good + 1]["line"], good + 2);
        assert_eq!(answers[good + 1]["error"]["code"], "missing_field");
        assert_eq!(answers[0]["agreement"], "apta");
        assert_eq!(answers[good]["agreement"], "rcep");
        let summary = String::from_utf8(out.stderr).unwrap();
        assert!(summary.contains(&format!("{} lines: {good} ok, 0 with errors, 2 unreadable", good + 2)), "{summary}");
        outputs.push(out.stdout);
    }
    assert_eq!(outputs[0], outputs[1], "the answers do not depend on the jobs");
    std::fs::remove_file(path).unwrap();
}

#[test]
fn a_report_with_errors_is_exit_1_and_a_clean_batch_exit_0() {
    let (path, good) = batch("exit");
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| !l.contains("\"certificate\": ")).collect();
    assert_eq!(lines.len(), good);
    let clean = path.with_extension("clean.jsonl");
    std::fs::write(&clean, lines.join("\n")).unwrap();
    assert_eq!(origo(&["check", "--jsonl", clean.to_str().unwrap()]).status.code(), Some(0));
    // No goods at all: a report with error findings, not an unreadable line.
    let mut request: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    request["certificate"]["goods"] = serde_json::json!([]);
    std::fs::write(&clean, format!("{}\n{request}\n", lines[0])).unwrap();
    let out = origo(&["check", "--jsonl", clean.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8(out.stderr).unwrap().contains("2 lines: 1 ok, 1 with errors, 0 unreadable"));
    std::fs::remove_file(clean).unwrap();
    std::fs::remove_file(path).unwrap();
}
