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

/// A malformed line, an oversized line and an unknown agreement in the middle of a batch: coded
/// errors for those lines only, with their line numbers.
#[test]
fn bad_lines_in_the_middle_are_answered_with_their_line_numbers() {
    let (path, good) = batch("middle");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let oversized = format!("{{\"certificate\": \"{}\"}}", "x".repeat(5 * 1024 * 1024));
    lines.insert(1, oversized);
    let mut unknown: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    unknown["certificate"]["agreement"] = "atlantis".into();
    lines.insert(4, unknown.to_string());
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let out = origo(&["check", "--jsonl", path.to_str().unwrap(), "--jobs", "2"]);
    let answers: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(answers.len(), good + 4);
    let error = |i: usize| (answers[i]["line"].clone(), answers[i]["error"]["code"].clone());
    assert_eq!(error(1), (2.into(), "input_too_large".into()));
    assert_eq!(error(3), (4.into(), "invalid_json".into()));
    assert_eq!(error(4), (5.into(), "unknown_agreement".into()));
    assert_eq!(answers.iter().filter(|a| a.get("error").is_some()).count(), 4);
    std::fs::remove_file(path).unwrap();
}

/// A reader that stops after the first answer: the batch ends quietly, with what it wrote whole.
#[test]
fn a_closed_stdout_ends_the_batch_quietly() {
    let (path, _) = batch("closed");
    let text = std::fs::read_to_string(&path).unwrap();
    let many = text.repeat(200);
    std::fs::write(&path, &many).unwrap();
    first_answer_then_close(&["check", "--jsonl", path.to_str().unwrap(), "--jobs", "2"]);
    std::fs::remove_file(path).unwrap();
}

/// Runs `origo args`, reads its first answer and closes its stdout; the process must end with an
/// exit code, not a signal.
fn first_answer_then_close(args: &[&str]) -> serde_json::Value {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_origo"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let status = child.wait().unwrap();
    assert!(status.code().is_some(), "ended by a signal: {status:?}");
    serde_json::from_str(&first).unwrap_or_else(|e| panic!("{e}: {first}"))
}

/// The ASEAN example certificate (Form E), to be varied by the render batches.
#[cfg(feature = "render")]
fn asean() -> serde_json::Value {
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/certificates");
    serde_json::from_str(&std::fs::read_to_string(format!("{examples}/asean.json")).unwrap()).unwrap()
}

/// `count` render requests of the ASEAN example in `format`, numbered `E260000` on.
#[cfg(feature = "render")]
fn numbered_forms_e(count: usize, format: &str) -> Vec<String> {
    let asean = asean();
    (0..count)
        .map(|i| {
            let mut certificate = asean.clone();
            certificate["certificate_no"] = format!("E26{i:04}").into();
            serde_json::json!({ "certificate": certificate, "format": format }).to_string()
        })
        .collect()
}

/// A render batch run in a scratch directory of its own, removed afterwards.
#[cfg(feature = "render")]
struct RenderBatch {
    dir: PathBuf,
    input: PathBuf,
}

#[cfg(feature = "render")]
impl RenderBatch {
    /// Writes `lines` as the JSONL input of a batch called `name`.
    fn new(name: &str, lines: &[String]) -> Self {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let input = dir.with_extension("jsonl");
        std::fs::write(&input, lines.join("\n")).unwrap();
        RenderBatch { dir, input }
    }

    fn out_dir(&self) -> PathBuf {
        self.dir.join("out")
    }

    /// `origo render --jsonl` over the input into `out_dir()`, with `jobs` threads.
    fn run(&self, jobs: &str) -> Output {
        let (input, out_dir) = (self.input.to_str().unwrap(), self.out_dir());
        origo(&["render", "--jsonl", input, "--out-dir", out_dir.to_str().unwrap(), "--jobs", jobs])
    }
}

#[cfg(feature = "render")]
impl Drop for RenderBatch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        let _ = std::fs::remove_file(&self.input);
    }
}

/// `render --jsonl`: one file per request, named from the certificate number, errors in place,
/// and no temporary file left behind.
#[cfg(feature = "render")]
#[test]
fn render_batch_writes_one_file_per_request() {
    let asean = asean();
    let request = |number: Option<&str>, format: &str| {
        let mut certificate = asean.clone();
        if let Some(n) = number {
            certificate["certificate_no"] = n.into();
        }
        serde_json::json!({ "certificate": certificate, "format": format }).to_string()
    };
    // The PDF is drawn on a batch thread too: its export recurses deeper than a default thread
    // stack holds in an unoptimised build (`OPERATION_STACK_BYTES`).
    let batch = RenderBatch::new(
        "render",
        &[
            request(Some("E26/001"), "svg"),
            "{\"certificate\": ".to_string(),
            request(None, "svg"),
            request(Some("E26/001"), "pdf"),
        ],
    );
    let out = batch.run("2");
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let answers: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let files: Vec<&str> = answers.iter().filter_map(|a| a["file"].as_str()).collect();
    assert_eq!(files, ["E26_001.svg", "line-3.svg", "E26_001.pdf"]);
    assert_eq!(answers[1]["error"]["code"], "invalid_json");
    let mut written: Vec<String> = std::fs::read_dir(batch.out_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, ["E26_001.pdf", "E26_001.svg", "line-3.svg"], "no temporary file is left");
    let svg = std::fs::read(batch.out_dir().join("line-3.svg")).unwrap();
    assert_eq!(answers[2]["bytes"], svg.len());
    assert!(String::from_utf8_lossy(&out.stderr).contains("4 lines: 3 rendered, 1 unreadable"));
}

/// A render batch whose reader goes away after the first answer ends quietly, leaving whole named
/// documents and no temporary file.
#[cfg(feature = "render")]
#[test]
fn a_render_batch_with_a_closed_stdout_leaves_no_temporary_file() {
    let batch = RenderBatch::new("render-closed", &numbered_forms_e(200, "svg"));
    let (input, out_dir) = (batch.input.to_str().unwrap(), batch.out_dir());
    let first =
        first_answer_then_close(&["render", "--jsonl", input, "--out-dir", out_dir.to_str().unwrap(), "--jobs", "2"]);
    let names: Vec<String> =
        std::fs::read_dir(&out_dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.contains(&first["file"].as_str().unwrap().to_string()), "{names:?}");
    assert!(names.iter().all(|n| n.ends_with(".svg") && !n.starts_with('.')), "a temporary file is left: {names:?}");
}

/// A long batch of PDFs: each renders on a batch thread while Typst runs its own parallel work.
/// On a rayon pool the waiting thread ran other queued renders on its stack, nesting them until
/// the stack overflowed and the process aborted (at 64 lines, in this unoptimised build).
#[cfg(feature = "render")]
#[test]
fn a_long_pdf_batch_renders_every_line() {
    let batch = RenderBatch::new("pdfs", &numbered_forms_e(80, "pdf"));
    let out = batch.run("1");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_dir(batch.out_dir()).unwrap().count(), 80);
}
