//! `origo` over standard input past the bound: refused once the bound is passed, never read whole.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "test code: a failure should stop the run")]

use std::io::Write as _;
use std::process::{Command, Stdio};

#[test]
fn stdin_past_the_bound_is_refused_without_reading_it_whole() {
    let max = origo::Rulebook::builtin().unwrap().limits().max_input_bytes;
    let mut child = Command::new(env!("CARGO_BIN_EXE_origo"))
        .args(["check", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Up to 16 times the bound; the writes fail once origo has stopped reading and exited.
    let chunk = vec![b' '; 64 * 1024];
    let mut sent = 0;
    while sent < 16 * max && stdin.write_all(&chunk).is_ok() {
        sent += chunk.len();
    }
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("error[input_too_large]"), "{stderr}");
    // What was taken is the bound and what the pipe holds, not the whole stream.
    assert!(sent < 2 * max, "{sent} bytes were taken for a bound of {max}");
}
