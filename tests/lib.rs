//! The shared test-vector harness: every JSON file under `tests/vectors/` is a list of cases that
//! Rust (here), Python and JS run through the same `api::call` operation and judge the same way.
//!
//! A case is `{name, op, input, expect}`; `expect` may hold:
//! - `error`: `{code, path?}` — the call must fail with that code (and path);
//! - `findings`: `[{code, path?, severity?}]` — each must be among the report's findings;
//! - `absent`: `[code]` — no finding may have these codes;
//! - `values`: `{json-pointer: value}` — the answer must hold these values.

use serde_json::Value;
use std::path::{Path, PathBuf};

/// The folder of the shared vectors.
pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

/// Every vector file, sorted.
pub fn vector_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&vectors_dir(), &mut out);
    out.sort();
    out
}

/// What the reader promises on any text, for the fuzz target and its smoke pass: the one-pass
/// typed read never passes what the bounded `Value` read refuses; syntax and bound errors come before field errors;
/// a field error's path, found from the text position, is the one a path-tracking reader finds.
pub fn reader_keeps_its_promises(text: &str, rb: &origo::Rulebook) -> Result<(), String> {
    use origo::json;
    let bounded = json::read_value(text, rb.limits());
    let one_pass = json::read::<Value>(text, rb.limits());
    if one_pass.as_ref().map_err(|e| &e.code) != bounded.as_ref().map_err(|e| &e.code) {
        return Err(format!("one-pass and bounded reads disagree: {one_pass:?} vs {bounded:?}"));
    }
    let typed = json::read::<origo::Certificate>(text, rb.limits()).map(|_| ());
    match (bounded, typed) {
        (Err(b), Err(t)) if b.code != t.code => Err(format!("{} came before {}", t.code, b.code)),
        (Err(b), Ok(())) => Err(format!("read past {}", b.code)),
        (Ok(_), Err(t)) if t.code != "duplicate_field" => {
            let mut de = serde_json::Deserializer::from_str(text);
            let tracked = serde_path_to_error::deserialize::<_, origo::Certificate>(&mut de).err();
            let want = tracked.map(|e| e.path().to_string()).filter(|p| p != ".").unwrap_or_default();
            if t.path == want {
                Ok(())
            } else {
                Err(format!("error path `{}`, a tracking reader says `{want}`", t.path))
            }
        }
        _ => Ok(()),
    }
}

/// Runs one operation of the JSON layer and reads its answer text.
pub fn call(op: &str, request: &str, rb: &origo::Rulebook) -> Result<Value, origo::Error> {
    let text = origo::api::call(op, request, rb)?;
    serde_json::from_str(&text)
        .map_err(|e| origo::Error::new(&origo::codes::INTERNAL_ERROR, "", e.to_string(), e.to_string()))
}

/// Judges one answer against a case's `expect`; `Err` says what differs.
pub fn judge(expect: &Value, answer: Result<Value, origo::Error>) -> Result<(), String> {
    match (expect.get("error"), answer) {
        (Some(want), Err(e)) => {
            if want.get("code").and_then(Value::as_str) != Some(e.code) {
                return Err(format!("expected error {want}, got {} at `{}`: {}", e.code, e.path, e.message.en));
            }
            if let Some(p) = want.get("path").and_then(Value::as_str) {
                if p != e.path {
                    return Err(format!("expected error path `{p}`, got `{}`", e.path));
                }
            }
            Ok(())
        }
        (Some(want), Ok(v)) => Err(format!("expected error {want}, got answer {v}")),
        (None, Err(e)) => Err(format!("unexpected error {} at `{}`: {}", e.code, e.path, e.message.en)),
        (None, Ok(v)) => judge_answer(expect, &v),
    }
}

fn judge_answer(expect: &Value, v: &Value) -> Result<(), String> {
    let findings = v.get("findings").and_then(Value::as_array).cloned().unwrap_or_default();
    let summary = || findings.iter().map(|f| format!("{}@{}", f["code"], f["path"])).collect::<Vec<_>>().join(", ");
    for want in expect.get("findings").and_then(Value::as_array).into_iter().flatten() {
        let hit = findings
            .iter()
            .any(|f| ["code", "path", "severity"].iter().all(|k| want.get(*k).is_none_or(|w| f.get(*k) == Some(w))));
        if !hit {
            return Err(format!("missing finding {want}; found: [{}]", summary()));
        }
    }
    for code in expect.get("absent").and_then(Value::as_array).into_iter().flatten() {
        if findings.iter().any(|f| f.get("code") == Some(code)) {
            return Err(format!("finding {code} must be absent; found: [{}]", summary()));
        }
    }
    if let Some(values) = expect.get("values").and_then(Value::as_object) {
        for (pointer, want) in values {
            let got = v.pointer(pointer);
            if got != Some(want) {
                return Err(format!(
                    "at {pointer}: expected {want}, got {}",
                    got.map_or("nothing".into(), Value::to_string)
                ));
            }
        }
    }
    Ok(())
}
