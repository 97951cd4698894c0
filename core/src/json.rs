//! Reading untrusted JSON: size and shape bounds first, then the typed contract with field paths.
//!
//! [`read`] takes a fast path for well-formed input: a byte scan that proves the bounds hold, then
//! one typed pass straight from the text. Anything the fast path rejects, for whatever reason, is
//! read again the careful way (a bounded `Value`, then the typed contract with field paths), so
//! accepted values and every error code, path and message are those of the careful way.

use crate::error::{Error, Result};
use crate::finding::Path;
use crate::rulebook::Limits;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Text fields that carry a whole file: CSV tables (bounded by their rows) and base64 images
/// (bounded by their decoded bytes); only the input size bounds them as one string.
const WHOLE_FILE_KEYS: &[&str] = &["goods_csv", "materials_csv", "psr_csv", "data_base64"];

/// Reads `text` as `T` within the rulebook's input bounds. Errors carry a code and the field path.
pub fn read<T: DeserializeOwned>(text: &str, limits: &Limits) -> Result<T> {
    match read_fast(text, limits) {
        Some(value) => Ok(value),
        None => from_value(read_value(text, limits)?),
    }
}

/// The fast path of [`read`]: `Some` only when the text is within the bounds and reads as `T`.
///
/// `None` says nothing about why (always `None` without the `fast-read` feature); the caller reads
/// the text the careful way to find out.
pub(crate) fn read_fast<T: DeserializeOwned>(text: &str, limits: &Limits) -> Option<T> {
    if !cfg!(feature = "fast-read")
        || text.len() > limits.max_input_bytes
        || !Scan::new(text.as_bytes(), limits).document()
    {
        return None;
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(value)
}

/// Reads `text` as JSON within the bounds, without a type yet.
pub fn read_value(text: &str, limits: &Limits) -> Result<Value> {
    if text.len() > limits.max_input_bytes {
        return Err(Error::new(
            "input_too_large",
            "",
            format!("输入为 {} 字节，超过上限 {} 字节", text.len(), limits.max_input_bytes),
            format!("input is {} bytes, more than the limit of {} bytes", text.len(), limits.max_input_bytes),
        ));
    }
    let value: Value = serde_json::from_str(text).map_err(|e| {
        Error::new(
            "invalid_json",
            "",
            format!("不是有效的 JSON（第 {} 行第 {} 列）：{e}", e.line(), e.column()),
            format!("not valid JSON (line {}, column {}): {e}", e.line(), e.column()),
        )
    })?;
    check_bounds(&value, &mut Vec::new(), "", limits)?;
    Ok(value)
}

/// Converts an already bounded JSON value into `T`, naming the field path on error.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let msg = e.into_inner().to_string();
        let code = if msg.starts_with("unknown field") {
            "unknown_field"
        } else if msg.starts_with("missing field") {
            "missing_field"
        } else if msg.starts_with("invalid type") {
            "invalid_type"
        } else if msg.starts_with("unknown variant") {
            "unknown_variant"
        } else {
            "invalid_value"
        };
        let at = if path.is_empty() { String::new() } else { format!("`{path}`: ") };
        Error::new(code, path.clone(), format!("字段{at}{msg}"), format!("{at}{msg}"))
    })
}

/// One step of the path to the value being walked; the path text is built only for an error.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn path_of(steps: &[Step<'_>]) -> Path {
    steps.iter().fold(Path::root(), |p, s| match s {
        Step::Key(k) => p.key(k),
        Step::Index(i) => p.index(*i),
    })
}

fn check_bounds<'a>(v: &'a Value, steps: &mut Vec<Step<'a>>, key: &str, limits: &Limits) -> Result<()> {
    if steps.len() > limits.max_depth {
        return Err(Error::new(
            "input_too_deep",
            path_of(steps).as_str(),
            format!("嵌套超过 {} 层", limits.max_depth),
            format!("nesting deeper than {} levels", limits.max_depth),
        ));
    }
    match v {
        Value::String(_) if WHOLE_FILE_KEYS.contains(&key) => {}
        // Bytes bound characters from above: count characters only when the bytes exceed the limit.
        Value::String(s) if s.len() > limits.max_string_chars => {
            let chars = s.chars().count();
            if chars > limits.max_string_chars {
                return Err(Error::new(
                    "string_too_long",
                    path_of(steps).as_str(),
                    format!("文本有 {chars} 个字符，超过上限 {}", limits.max_string_chars),
                    format!("text has {chars} characters, more than the limit of {}", limits.max_string_chars),
                ));
            }
        }
        Value::Array(items) => {
            let (max, code) = match key {
                "goods" => (limits.max_goods, "too_many_goods"),
                "materials" => (limits.max_materials, "too_many_materials"),
                "products" => (limits.max_products, "too_many_products"),
                _ => (limits.max_list_len, "list_too_long"),
            };
            if items.len() > max {
                return Err(Error::new(
                    code,
                    path_of(steps).as_str(),
                    format!("列表有 {} 项，超过上限 {max}", items.len()),
                    format!("list has {} entries, more than the limit of {max}", items.len()),
                ));
            }
            for (i, item) in items.iter().enumerate() {
                steps.push(Step::Index(i));
                check_bounds(item, steps, key, limits)?;
                steps.pop();
            }
        }
        Value::Object(map) => {
            for (k, child) in map {
                steps.push(Step::Key(k));
                check_bounds(child, steps, k, limits)?;
                steps.pop();
            }
        }
        _ => {}
    }
    Ok(())
}

/// What a key says about the bounds of the value under it, as [`check_bounds`] decides them.
#[derive(Clone, Copy)]
enum KeyKind {
    /// A whole file carried as text (WHOLE_FILE_KEYS): no string bound.
    WholeFile,
    /// A list bounded by this many entries.
    List(usize),
}

/// A byte scan that answers one question: does the JSON text certainly keep the bounds?
///
/// It is conservative: anything unusual (a string whose bytes exceed the character bound, an
/// escaped key, malformed text) answers "no", and the careful reader decides. It never answers
/// "yes" where [`check_bounds`] would refuse, since a string has at most as many characters as
/// bytes and every other bound is counted exactly as there.
struct Scan<'a> {
    bytes: &'a [u8],
    at: usize,
    limits: &'a Limits,
}

impl<'a> Scan<'a> {
    fn new(bytes: &'a [u8], limits: &'a Limits) -> Self {
        Scan { bytes, at: 0, limits }
    }

    fn document(mut self) -> bool {
        let list = KeyKind::List(self.limits.max_list_len);
        self.value(0, list) && {
            self.skip_ws();
            self.at == self.bytes.len()
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        self.skip_ws();
        if self.bytes.get(self.at) == Some(&b) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    /// Skips a string whose opening quote is at `self.at`; returns its raw bytes (escapes unread).
    fn string(&mut self) -> Option<&'a [u8]> {
        let start = self.at + 1;
        let mut i = start;
        loop {
            match self.bytes.get(i)? {
                b'"' => break,
                b'\\' => i += 2,
                _ => i += 1,
            }
        }
        self.at = i + 1;
        self.bytes.get(start..i)
    }

    fn kind_of(&self, key: &[u8]) -> KeyKind {
        let l = self.limits;
        match key {
            k if WHOLE_FILE_KEYS.iter().any(|w| w.as_bytes() == k) => KeyKind::WholeFile,
            b"goods" => KeyKind::List(l.max_goods),
            b"materials" => KeyKind::List(l.max_materials),
            b"products" => KeyKind::List(l.max_products),
            _ => KeyKind::List(l.max_list_len),
        }
    }

    fn value(&mut self, depth: usize, kind: KeyKind) -> bool {
        if depth > self.limits.max_depth {
            return false;
        }
        self.skip_ws();
        match self.bytes.get(self.at) {
            Some(b'"') => match self.string() {
                Some(s) => matches!(kind, KeyKind::WholeFile) || s.len() <= self.limits.max_string_chars,
                None => false,
            },
            Some(b'[') => {
                self.at += 1;
                if self.eat(b']') {
                    return true;
                }
                let max = match kind {
                    KeyKind::List(max) => max,
                    KeyKind::WholeFile => self.limits.max_list_len,
                };
                let mut len = 0;
                loop {
                    len += 1;
                    if len > max || !self.value(depth + 1, kind) {
                        return false;
                    }
                    if self.eat(b']') {
                        return true;
                    }
                    if !self.eat(b',') {
                        return false;
                    }
                }
            }
            Some(b'{') => {
                self.at += 1;
                if self.eat(b'}') {
                    return true;
                }
                loop {
                    self.skip_ws();
                    if self.bytes.get(self.at) != Some(&b'"') {
                        return false;
                    }
                    let Some(key) = self.string() else { return false };
                    if key.contains(&b'\\') || !self.eat(b':') || !self.value(depth + 1, self.kind_of(key)) {
                        return false;
                    }
                    if self.eat(b'}') {
                        return true;
                    }
                    if !self.eat(b',') {
                        return false;
                    }
                }
            }
            // A number or literal: the typed pass reads it; here it only has to end.
            Some(_) => {
                let start = self.at;
                while let Some(b) = self.bytes.get(self.at) {
                    if matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'[' | b'{') {
                        break;
                    }
                    self.at += 1;
                }
                self.at > start
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Certificate, Rulebook};

    const EXAMPLE: &str = include_str!("../../examples/certificates/non_preferential.json");

    fn limits() -> Limits {
        let mut l = Rulebook::builtin().map(|rb| rb.limits().clone()).expect("builtin rulebook");
        l.max_string_chars = 8;
        l.max_list_len = 3;
        l.max_goods = 2;
        l.max_depth = 4;
        l
    }

    /// The careful way alone: what [`read`] must answer, fast path or not.
    fn careful<T: DeserializeOwned>(text: &str, limits: &Limits) -> Result<T> {
        from_value(read_value(text, limits)?)
    }

    fn same<T: DeserializeOwned + PartialEq + std::fmt::Debug>(text: &str, limits: &Limits) {
        assert_eq!(read::<T>(text, limits), careful::<T>(text, limits), "{text}");
    }

    #[test]
    #[cfg(feature = "fast-read")]
    fn the_fast_path_reads_the_example_as_the_careful_way_does() {
        let rb = Rulebook::builtin().expect("builtin rulebook");
        let fast: Option<Certificate> = read_fast(EXAMPLE, rb.limits());
        assert!(fast.is_some(), "the example must take the fast path");
        assert_eq!(fast.map(Ok), Some(careful::<Certificate>(EXAMPLE, rb.limits())));
    }

    #[test]
    fn whole_file_fields_are_bounded_by_the_input_size_only() {
        let l = limits();
        for key in WHOLE_FILE_KEYS {
            let text = format!(r#"{{"{key}": "{}"}}"#, "x".repeat(100));
            assert!(read_value(&text, &l).is_ok(), "{key}");
            same::<Value>(&text, &l);
        }
        assert_eq!(read_value(r#"{"name": "123456789"}"#, &l).map_err(|e| e.code), Err("string_too_long".to_string()));
    }

    #[test]
    fn bounds_answer_as_the_careful_way_does() {
        let l = limits();
        for text in [
            r#"{"a": "12345678"}"#,
            r#"{"a": "123456789"}"#,
            r#"{"a": "汉字汉字汉字汉字"}"#,
            r#"{"a": "汉字汉字汉字汉字汉"}"#,
            r#"{"a": "\u0041\u0041\u0041"}"#,
            r#"{"goods_csv": "1234567890123"}"#,
            r#"{"psr_csv": "1234567890123", "data_base64": "1234567890123"}"#,
            r#"{"a": [1, 2, 3]}"#,
            r#"{"a": [1, 2, 3, 4]}"#,
            r#"{"goods": [1, 2]}"#,
            r#"{"goods": [1, 2, 3]}"#,
            r#"{"b": {"goods": [[1, 2, 3, 4]]}}"#,
            r#"{"a": [[[[1]]]]}"#,
            r#"{"a": [[[[[1]]]]]}"#,
            r#"{"a": [[[["123456789"]]]]}"#,
            r#"{"z": "123456789", "a": [1, 2, 3, 4]}"#,
            r#"{"a": 1, "a": 2}"#,
            r#"{"a": 1,}"#,
            r#"{"a": tru}"#,
            r#"{"a": "x"} x"#,
            r#"{"a\u0062": [1, 2, 3, 4]}"#,
            "",
            "[]",
        ] {
            same::<Value>(text, &l);
        }
    }

    #[test]
    fn typed_errors_answer_as_the_careful_way_does() {
        let rb = Rulebook::builtin().expect("builtin rulebook");
        let l = rb.limits();
        let cert: Value = serde_json::from_str(EXAMPLE).expect("example parses");
        let edits: [(&str, Value); 6] = [
            ("/goods/0/item_no", Value::from("one")),
            ("/goods/0/hs_code", Value::from(12)),
            ("/destination", Value::from("Germany")),
            ("/invoice/date", Value::from("2026-02-30")),
            ("/exporter/extra", Value::from(1)),
            ("/goods/1/quantity", Value::from(-1)),
        ];
        for (at, v) in edits {
            let mut c = cert.clone();
            let (parent, key) = at.rsplit_once('/').expect("pointer");
            match c.pointer_mut(parent).expect("parent exists") {
                Value::Object(m) => {
                    m.insert(key.to_string(), v);
                }
                Value::Array(a) => a[key.parse::<usize>().expect("index")] = v,
                _ => panic!("{at}"),
            }
            let text = c.to_string();
            assert!(read::<Certificate>(&text, l).is_err(), "{at}");
            same::<Certificate>(&text, l);
        }
        let mut c = cert.clone();
        c.as_object_mut().expect("object").remove("goods");
        same::<Certificate>(&c.to_string(), l);
    }
}
