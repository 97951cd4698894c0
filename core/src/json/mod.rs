//! Reading untrusted JSON: size and shape bounds first, then the typed contract with field paths;
//! and writing answers ([`write`]).
//!
//! [`read`] reads the text once, typed, without tracking where it is: a field error's path is
//! found afterwards from the text position serde reports. The bounds are kept in the same read
//! ([`bounded`]), which stops at the first value past one; then, and on any other error, the
//! bounded `Value` read of [`read_value`] decides. A typed error is reported only once the text
//! has proved to be JSON within the bounds, so syntax and bound errors come before field errors
//! whatever their order in the text.

mod bounded;
mod writer;

pub use writer::write;

use crate::error::{codes, Error, Result};
use crate::finding::{push_index, push_key, Code, Message, Path};
use crate::rulebook::Limits;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::borrow::Cow;

/// Text fields that carry a whole file: CSV tables (bounded by their rows) and base64 images
/// (bounded by their decoded bytes); only the input size bounds them as one string.
const WHOLE_FILE_KEYS: &[&str] = &[
    "goods_csv",
    "materials_csv",
    "psr_csv",
    "data_base64",
    "seal_base64",
    "signature_base64",
    "fonts_base64",
    "annex_json",
    "annex_csv",
    "annex_xlsx_base64",
];

/// Reads `text` as `T` within the rulebook's input bounds. Errors carry a code and the field path.
pub fn read<T: DeserializeOwned>(text: &str, limits: &Limits) -> Result<T> {
    within_size(text, limits)?;
    let failed = match bounded::read(text, Some(limits)) {
        Ok(value) => return Ok(value),
        Err(failed) => failed,
    };
    // Syntax and bounds first: the bounded `Value` read finds them wherever they are in the text.
    read_value(text, limits)?;
    let error = if failed.past_bounds {
        // Stopped where the careful reader finds the text within the bounds.
        match bounded::read(text, None) {
            Ok(value) => return Ok(value),
            Err(failed) => failed.error,
        }
    } else {
        failed.error
    };
    Err(field_error(text, &error))
}

/// Refuses text longer than the input bound.
fn within_size(text: &str, limits: &Limits) -> Result<()> {
    if text.len() > limits.max_input_bytes {
        return Err(Error::new(
            &codes::INPUT_TOO_LARGE,
            "",
            format!("输入为 {} 字节，超过上限 {} 字节", text.len(), limits.max_input_bytes),
            format!("input is {} bytes, more than the limit of {} bytes", text.len(), limits.max_input_bytes),
        ));
    }
    Ok(())
}

/// Reads `text` as JSON within the bounds, without a type yet.
pub fn read_value(text: &str, limits: &Limits) -> Result<Value> {
    within_size(text, limits)?;
    let value: Value = serde_json::from_str(text).map_err(|e| {
        Error::new(
            &codes::INVALID_JSON,
            "",
            format!("不是有效的 JSON（第 {} 行第 {} 列）：{e}", e.line(), e.column()),
            format!("not valid JSON (line {}, column {}): {e}", e.line(), e.column()),
        )
    })?;
    check_bounds(&value, Path::ROOT, 0, KeyKind::of("", limits), limits)?;
    Ok(value)
}

/// A typed error in JSON text that is otherwise valid: the field path, a code from the kind of
/// error, and the message in both languages without the text position (the path says where).
fn field_error(text: &str, e: &serde_json::Error) -> Error {
    let msg = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    let msg = msg.strip_suffix(&position).unwrap_or(&msg);
    // In valid JSON a syntax-class error comes from the type asking for another kind of value
    // (an enum given an array); serde places it one byte past the value's first byte.
    let syntax = e.classify() == serde_json::error::Category::Syntax;
    let (zh, en) = if syntax {
        ("类型错误：该字段需要另一种值".to_string(), "invalid type: this field takes another kind of value")
    } else {
        match Message::split(msg) {
            (zh, en) if zh != en => (zh.to_string(), en),
            _ => (serde_in_chinese(code_of(msg), msg), msg),
        }
    };
    let code = code_of(en);
    let offset = offset_of(text, e.line(), e.column());
    // A key just read names a field, except in `{"variant": ...}`, where it names the value's choice.
    let path =
        path_at(text, if syntax { offset.saturating_sub(1) } else { offset }, code.code != codes::UNKNOWN_VARIANT.code);
    let (at_zh, at_en) = if path.is_empty() {
        (String::new(), String::new())
    } else {
        (format!("字段 `{path}`："), format!("`{path}`: "))
    };
    Error::new(code, path, format!("{at_zh}{zh}"), format!("{at_en}{en}"))
}

/// The error code for serde's English message, from its opening words.
fn code_of(en: &str) -> &'static Code {
    const CODES: [(&str, &Code); 5] = [
        ("unknown field", &codes::UNKNOWN_FIELD),
        ("missing field", &codes::MISSING_FIELD),
        ("duplicate field", &codes::DUPLICATE_FIELD),
        ("invalid type", &codes::INVALID_TYPE),
        ("unknown variant", &codes::UNKNOWN_VARIANT),
    ];
    CODES.iter().find(|(start, _)| en.starts_with(start)).map_or(&codes::INVALID_VALUE, |(_, code)| code)
}

/// Serde's English message, of the kind `code` names, said in Chinese. Its shapes are few and
/// stable (`missing field `x``, `invalid type: X, expected Y`, ...); the names in backticks and
/// the type descriptions stay as serde wrote them.
fn serde_in_chinese(code: &Code, en: &str) -> String {
    let quoted: Vec<&str> = en.split('`').skip(1).step_by(2).collect();
    let first = quoted.first().copied().unwrap_or("");
    let choices = || quoted.iter().skip(1).map(|q| format!("`{q}`")).collect::<Vec<_>>().join("、");
    let got_want = |prefix: &str| en.strip_prefix(prefix).and_then(|rest| rest.split_once(", expected "));
    match code.code {
        "unknown_field" => match choices() {
            c if c.is_empty() => format!("未知字段 `{first}`"),
            c => format!("未知字段 `{first}`；可用：{c}"),
        },
        "missing_field" => format!("缺少必填字段 `{first}`"),
        "duplicate_field" => format!("字段 `{first}` 重复"),
        "unknown_variant" => format!("未知选项 `{first}`；可选：{}", choices()),
        "invalid_type" => match got_want("invalid type: ") {
            Some((got, want)) => format!("类型错误：应为 {want}，实为 {got}"),
            None => format!("类型错误：{en}"),
        },
        _ => {
            if let Some((got, want)) = got_want("invalid value: ") {
                format!("值无效：应为 {want}，实为 {got}")
            } else if let Some((got, want)) = got_want("invalid length ") {
                format!("长度无效：应为 {want}，实为 {got}")
            } else {
                match en {
                    // chrono's date errors
                    "input is out of range" => "日期不存在或超出范围".to_string(),
                    "input contains invalid characters" | "premature end of input" | "trailing input" => {
                        format!("日期格式无效，应为 YYYY-MM-DD（{en}）")
                    }
                    _ => format!("值无效：{en}"),
                }
            }
        }
    }
}

/// The byte offset of serde_json's error position (line from 1, column in bytes from 0).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    match line.checked_sub(2) {
        Some(newlines_before) => text.match_indices('\n').nth(newlines_before).map_or(column, |(i, _)| i + 1 + column),
        None => column,
    }
}

/// Where a walk through JSON text is: inside an object (its current key, and whether a key comes
/// next) or an array (the current index).
enum Frame<'a> {
    Object { key: Option<Cow<'a, str>>, key_next: bool },
    Array(usize),
}

/// The field path of the value at byte `offset` of valid JSON text; a key read just before
/// `offset` (no `:` yet) is part of it when `with_pending_key`.
///
/// Serde says where in the text a typed error is (at or just after the offending value or key,
/// just after the object missing a field); this walk names that place. So the typed read tracks
/// no path while it reads, and an error still says `goods[3].hs_code`.
fn path_at(text: &str, offset: usize, with_pending_key: bool) -> String {
    let bytes = text.as_bytes();
    let mut frames: Vec<Frame<'_>> = Vec::new();
    let mut i = 0;
    while i < offset.min(bytes.len()) {
        match bytes.get(i) {
            Some(b'"') => {
                let end = string_end(bytes, i).unwrap_or(bytes.len());
                if let Some(Frame::Object { key, key_next: true }) = frames.last_mut() {
                    let raw = text.get(i..end).unwrap_or("\"\"");
                    *key = Some(match raw.get(1..raw.len() - 1) {
                        Some(plain) if !plain.contains('\\') => Cow::Borrowed(plain),
                        _ => Cow::Owned(serde_json::from_str(raw).unwrap_or_default()),
                    });
                }
                i = end;
                continue;
            }
            Some(b'{') => frames.push(Frame::Object { key: None, key_next: true }),
            Some(b'[') => frames.push(Frame::Array(0)),
            Some(b'}' | b']') => {
                frames.pop();
            }
            Some(b':') => {
                if let Some(Frame::Object { key_next, .. }) = frames.last_mut() {
                    *key_next = false;
                }
            }
            Some(b',') => match frames.last_mut() {
                Some(Frame::Array(n)) => *n += 1,
                Some(Frame::Object { key, key_next }) => (*key, *key_next) = (None, true),
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    if !with_pending_key {
        if let Some(Frame::Object { key, key_next: true }) = frames.last_mut() {
            *key = None;
        }
    }
    let mut path = String::new();
    for frame in &frames {
        match frame {
            Frame::Object { key: Some(k), .. } => push_key(&mut path, k),
            Frame::Object { key: None, .. } => {}
            Frame::Array(n) => push_index(&mut path, *n),
        }
    }
    path
}

/// The index just past the string whose opening quote is at `start` (escapes skipped, not read);
/// `None` when the text ends first.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    // Jump between quotes and backslashes (SIMD search) rather than step through every byte.
    let mut i = start + 1;
    loop {
        i += memchr::memchr2(b'"', b'\\', bytes.get(i..)?)?;
        match bytes.get(i)? {
            b'"' => return Some(i + 1),
            _ => i += 2,
        }
    }
}

/// The bounds of the value under an object key (`""` for the document itself): the most entries
/// a list there may hold, and whether a string there is bounded by `max_string_chars` (a whole
/// file carried as text is bounded only by the input's size). For hosts that hold the request as
/// their own objects and prove it within the bounds before reading it typed.
pub fn bounds_under(key: &str, limits: &Limits) -> (usize, bool) {
    match KeyKind::of(key, limits) {
        KeyKind::WholeFile => (limits.max_list_len, false),
        KeyKind::List { max, .. } => (max, true),
    }
}

/// What a key says about the bounds of the value under it, for [`check_bounds`] and the [`bounded`] read alike.
#[derive(Clone, Copy)]
enum KeyKind {
    /// A whole file carried as text (WHOLE_FILE_KEYS): no string bound.
    WholeFile,
    /// A list bounded by `max` entries, refused past it with `code`.
    List { max: usize, code: &'static Code },
}

impl KeyKind {
    fn of(key: &str, limits: &Limits) -> KeyKind {
        let list = |max, code| KeyKind::List { max, code };
        match key {
            k if WHOLE_FILE_KEYS.contains(&k) => KeyKind::WholeFile,
            "goods" => list(limits.max_goods, &codes::TOO_MANY_GOODS),
            "materials" => list(limits.max_materials, &codes::TOO_MANY_MATERIALS),
            "products" => list(limits.max_products, &codes::TOO_MANY_PRODUCTS),
            _ => list(limits.max_list_len, &codes::LIST_TOO_LONG),
        }
    }

    /// The list bound under this key (a whole-file key holding a list gets the general one).
    fn list_bound(self, limits: &Limits) -> (usize, &'static Code) {
        match self {
            KeyKind::List { max, code } => (max, code),
            KeyKind::WholeFile => (limits.max_list_len, &codes::LIST_TOO_LONG),
        }
    }
}

fn check_bounds(v: &Value, at: Path<'_>, depth: usize, kind: KeyKind, limits: &Limits) -> Result<()> {
    if depth > limits.max_depth {
        return Err(Error::new(
            &codes::INPUT_TOO_DEEP,
            at,
            format!("嵌套超过 {} 层", limits.max_depth),
            format!("nesting deeper than {} levels", limits.max_depth),
        ));
    }
    match v {
        Value::String(_) if matches!(kind, KeyKind::WholeFile) => {}
        // Bytes bound characters from above: count characters only when the bytes exceed the limit.
        Value::String(s) if s.len() > limits.max_string_chars => {
            let chars = s.chars().count();
            if chars > limits.max_string_chars {
                return Err(Error::new(
                    &codes::STRING_TOO_LONG,
                    at,
                    format!("文本有 {chars} 个字符，超过上限 {}", limits.max_string_chars),
                    format!("text has {chars} characters, more than the limit of {}", limits.max_string_chars),
                ));
            }
        }
        Value::Array(items) => {
            let (max, code) = kind.list_bound(limits);
            if items.len() > max {
                return Err(Error::new(
                    code,
                    at,
                    format!("列表有 {} 项，超过上限 {max}", items.len()),
                    format!("list has {} entries, more than the limit of {max}", items.len()),
                ));
            }
            for (i, item) in items.iter().enumerate() {
                check_bounds(item, at.index(i), depth + 1, kind, limits)?;
            }
        }
        Value::Object(map) => {
            for (k, child) in map {
                check_bounds(child, at.key(k), depth + 1, KeyKind::of(k, limits), limits)?;
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Certificate, Rulebook};
    use proptest::prelude::*;

    const EXAMPLE: &str = include_str!("../../../examples/certificates/non_preferential.json");

    fn limits() -> Limits {
        let mut l = Rulebook::builtin().map(|rb| rb.limits().clone()).expect("builtin rulebook");
        l.max_string_chars = 8;
        l.max_list_len = 3;
        l.max_goods = 2;
        l.max_depth = 4;
        l
    }

    /// The one-pass typed read must answer as the bounded `Value` read does.
    fn same(text: &str, limits: &Limits) {
        assert_eq!(read::<Value>(text, limits), read_value(text, limits), "{text}");
    }

    fn example() -> Value {
        serde_json::from_str(EXAMPLE).expect("example parses")
    }

    #[test]
    fn ordinary_requests_are_read_in_one_pass() {
        let rb = Rulebook::builtin().expect("builtin rulebook");
        assert!(bounded::read::<Certificate>(EXAMPLE, Some(rb.limits())).is_ok());
        assert!(bounded::read::<Value>(&example().to_string(), Some(rb.limits())).is_ok());
        let l = limits();
        let within = r#"{"goods": [1, 2], "a": [[["12345678"]]], "data_base64": "1234567890", "a\u0062": [1, 2, 3]}"#;
        assert!(bounded::read::<Value>(within, Some(&l)).is_ok());
        for past in
            [r#"{"a": [[[[1]]]]}"#, r#"{"a": "123456789"}"#, r#"{"a": [1, 2, 3, 4]}"#, r#"{"goods": [1, 2, 3]}"#]
        {
            assert!(bounded::read::<Value>(past, Some(&l)).is_err(), "{past}");
        }
    }

    /// An enum whose variant names are keys with bounds of their own.
    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Choice {
        PsrCsv(#[allow(dead_code)] String),
        Goods(#[allow(dead_code)] Vec<u8>),
    }

    #[test]
    fn a_variant_name_sets_the_bounds_of_what_it_holds() {
        let l = limits();
        assert!(bounded::read::<Choice>(r#"{"psr_csv": "1234567890"}"#, Some(&l)).is_ok());
        assert!(bounded::read::<Choice>(r#"{"goods": [1, 2]}"#, Some(&l)).is_ok());
        let past = bounded::read::<Choice>(r#"{"goods": [1, 2, 3]}"#, Some(&l));
        assert!(past.is_err_and(|failed| failed.past_bounds));
        assert_eq!(read::<Choice>(r#"{"goods": [1, 2, 3]}"#, &l).map_err(|e| e.code).err(), Some("too_many_goods"));
    }

    #[test]
    fn a_unit_variant_given_as_an_object_keeps_the_depth() {
        #[derive(Debug, serde::Deserialize)]
        enum Unit {
            U,
        }
        let l = limits();
        let text = r#"[[[[{"U": null}]]]]"#;
        assert_eq!(read::<Vec<Vec<Vec<Vec<Unit>>>>>(text, &l).map_err(|e| e.code).err(), Some("input_too_deep"));
    }

    /// A string some type reads as bytes.
    #[derive(Debug)]
    struct Bytes;

    impl<'de> serde::Deserialize<'de> for Bytes {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Bytes, D::Error> {
            struct Visit;
            impl serde::de::Visitor<'_> for Visit {
                type Value = Bytes;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("bytes")
                }
                fn visit_bytes<E: serde::de::Error>(self, _: &[u8]) -> std::result::Result<Bytes, E> {
                    Ok(Bytes)
                }
            }
            d.deserialize_bytes(Visit)
        }
    }

    /// A text whose type turns any error, a stop included, into nothing.
    #[derive(Debug)]
    struct Lenient;

    impl<'de> serde::Deserialize<'de> for Lenient {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Lenient, D::Error> {
            let _ = String::deserialize(d);
            Ok(Lenient)
        }
    }

    #[test]
    fn strings_read_as_bytes_or_by_a_lenient_type_keep_the_bound() {
        let l = limits();
        let text = r#"{"a": "1234567890123456"}"#;
        let as_bytes = read::<std::collections::BTreeMap<String, Bytes>>(text, &l);
        assert_eq!(as_bytes.map_err(|e| e.code).err(), Some("string_too_long"));
        let lenient = read::<std::collections::BTreeMap<String, Lenient>>(text, &l);
        assert_eq!(lenient.map_err(|e| e.code).err(), Some("string_too_long"));
        assert!(read::<std::collections::BTreeMap<String, Bytes>>(r#"{"a": "12345678"}"#, &l).is_ok());
    }

    /// Any JSON value, small enough for the bounds of [`limits`] to bite.
    fn any_json() -> impl Strategy<Value = Value> {
        let key = prop_oneof![
            Just("goods".to_string()),
            Just("psr_csv".to_string()),
            "[a-c]{1,2}",
            Just("k\\u0061".to_string())
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<i32>().prop_map(Value::from),
            "[a-z汉\\\"]{0,10}".prop_map(Value::from)
        ];
        leaf.prop_recursive(7, 48, 5, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::btree_map(key.clone(), inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// The one-pass read never lets past what the careful reader refuses, and stops nowhere
        /// it accepts (keys here are never given twice).
        #[test]
        fn the_one_pass_read_keeps_the_bounds_the_careful_reader_keeps(v in any_json(), pretty in any::<bool>()) {
            let l = limits();
            let text = if pretty { serde_json::to_string_pretty(&v) } else { serde_json::to_string(&v) }.expect("prints");
            prop_assert_eq!(bounded::read::<Value>(&text, Some(&l)).is_ok(), read_value(&text, &l).is_ok(), "{}", text);
            same(&text, &l);
        }
    }

    #[test]
    fn whole_file_fields_are_bounded_by_the_input_size_only() {
        let l = limits();
        for key in WHOLE_FILE_KEYS {
            let text = format!(r#"{{"{key}": "{}"}}"#, "x".repeat(100));
            assert!(read_value(&text, &l).is_ok(), "{key}");
            same(&text, &l);
        }
        assert_eq!(read_value(r#"{"name": "123456789"}"#, &l).map_err(|e| e.code), Err("string_too_long"));
    }

    #[test]
    fn bounds_answer_as_the_bounded_read_does() {
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
            // Past the bounds only for the one-pass read: the first of two values under one key.
            r#"{"a": "123456789", "a": 1}"#,
            "",
            "[]",
        ] {
            same(text, &l);
        }
    }

    #[test]
    fn the_example_reads_as_its_value_says() {
        let rb = Rulebook::builtin().expect("builtin rulebook");
        let cert: Certificate = read(EXAMPLE, rb.limits()).expect("the example reads");
        let again: Certificate = serde_json::from_value(example()).expect("the example converts");
        assert_eq!(cert, again);
    }

    fn edited(at: &str, v: Value) -> String {
        let mut c = example();
        let (parent, key) = at.rsplit_once('/').expect("pointer");
        match c.pointer_mut(parent).expect("parent exists") {
            Value::Object(m) => {
                m.insert(key.to_string(), v);
            }
            Value::Array(a) => a[key.parse::<usize>().expect("index")] = v,
            _ => panic!("{at}"),
        }
        c.to_string()
    }

    #[test]
    fn typed_errors_name_the_field_without_the_text_position() {
        let rb = Rulebook::builtin().expect("builtin rulebook");
        let cases: [(&str, Value, &str, &str); 6] = [
            ("/goods/0/item_no", Value::from("one"), "invalid_type", "goods[0].item_no"),
            ("/goods/0/hs_code", Value::from(12), "invalid_type", "goods[0].hs_code"),
            ("/destination", Value::from("Germany"), "invalid_value", "destination"),
            ("/invoice/date", Value::from("2026-02-30"), "invalid_value", "invoice.date"),
            ("/exporter/extra", Value::from(1), "unknown_field", "exporter.extra"),
            ("/goods/1/quantity", Value::from(-1), "invalid_type", "goods[1].quantity"),
        ];
        for (at, v, code, path) in cases {
            let e = read::<Certificate>(&edited(at, v), rb.limits()).expect_err(at);
            assert_eq!((e.code, e.path.as_str()), (code, path), "{at}: {}", e.message.en);
            assert!(!e.message.en.contains(" at line "), "{}", e.message.en);
            assert!(e.message.zh.starts_with(&format!("字段 `{path}`：")), "{}", e.message.zh);
            assert!(!e.message.zh.contains("invalid") && !e.message.zh.contains(" is not "), "{}", e.message.zh);
        }
        let mut c = example();
        c.as_object_mut().expect("object").remove("goods");
        let e = read::<Certificate>(&c.to_string(), rb.limits()).expect_err("no goods");
        assert_eq!((e.code, e.path.as_str()), ("missing_field", ""));
    }

    /// The path serde_path_to_error finds by tracking every step, as an oracle for [`path_at`].
    fn tracked_path(text: &str) -> Option<String> {
        let mut de = serde_json::Deserializer::from_str(text);
        let e = serde_path_to_error::deserialize::<_, Certificate>(&mut de).err()?;
        let path = e.path().to_string();
        Some(if path == "." { String::new() } else { path })
    }

    /// Every JSON pointer to a value inside `v`.
    fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => m.iter().for_each(|(k, c)| pointers(c, format!("{at}/{k}"), out)),
            Value::Array(a) => a.iter().enumerate().for_each(|(i, c)| pointers(c, format!("{at}/{i}"), out)),
            _ => {}
        }
        out.push(at);
    }

    #[test]
    fn error_paths_found_from_the_text_position_match_tracked_ones() {
        let rb = Rulebook::builtin().expect("builtin rulebook");
        let mut all = Vec::new();
        pointers(&example(), String::new(), &mut all);
        let wrong =
            [Value::from(true), Value::from(-1), Value::from("?"), serde_json::json!([1]), serde_json::json!({"x": 1})];
        let mut compared = 0;
        for at in all.iter().filter(|p| !p.is_empty()) {
            let mut texts: Vec<String> = wrong.iter().map(|v| edited(at, v.clone())).collect();
            let mut gone = example();
            let (parent, key) = at.rsplit_once('/').expect("pointer");
            if let Some(Value::Object(m)) = gone.pointer_mut(parent) {
                m.remove(key);
                m.insert("zz_unknown".into(), Value::from(1));
                texts.push(gone.to_string());
            }
            for text in texts {
                let pretty =
                    serde_json::to_string_pretty(&serde_json::from_str::<Value>(&text).expect("json")).expect("json");
                for t in [text, pretty] {
                    if let (Err(e), Some(want)) = (read::<Certificate>(&t, rb.limits()), tracked_path(&t)) {
                        assert_eq!(e.path, want, "{at}: {}", e.message.en);
                        compared += 1;
                    }
                }
            }
        }
        assert!(compared > 500, "only {compared} errors compared");
    }

    #[test]
    fn escaped_keys_are_named_decoded() {
        let rb = Rulebook::builtin().expect("builtin rulebook");
        let text = EXAMPLE.replacen(r#""item_no": 2"#, r#""item\u005fno": "two""#, 1);
        let e = read::<Certificate>(&text, rb.limits()).expect_err("item_no is a number");
        assert_eq!((e.code, e.path.as_str()), ("invalid_type", "goods[1].item_no"));
    }

    #[test]
    fn serde_messages_are_said_in_chinese() {
        for (en, zh) in [
            ("missing field `goods`", "缺少必填字段 `goods`"),
            ("unknown field `x`, expected one of `a`, `b`", "未知字段 `x`；可用：`a`、`b`"),
            ("unknown field `x`, there are no fields", "未知字段 `x`"),
            ("duplicate field `a`", "字段 `a` 重复"),
            ("unknown variant `boxes`, expected `fob` or `exw`", "未知选项 `boxes`；可选：`fob`、`exw`"),
            (r#"invalid type: string "one", expected u32"#, r#"类型错误：应为 u32，实为 string "one""#),
            ("invalid value: integer `-1`, expected u32", "值无效：应为 u32，实为 integer `-1`"),
            ("input is out of range", "日期不存在或超出范围"),
        ] {
            assert_eq!(serde_in_chinese(code_of(en), en), zh);
        }
    }

    #[test]
    fn a_field_given_twice_is_refused() {
        let rb = Rulebook::builtin().expect("builtin rulebook");
        let text = EXAMPLE.replacen(r#""destination": "DE","#, r#""destination": "DE", "destination": "FR","#, 1);
        let e = read::<Certificate>(&text, rb.limits()).expect_err("duplicate");
        assert_eq!((e.code, e.path.as_str()), ("duplicate_field", "destination"), "{}", e.message.en);
    }

    #[test]
    fn syntax_and_bound_errors_come_before_field_errors() {
        let rb = Rulebook::builtin().expect("builtin rulebook");
        let bad_field = edited("/goods/0/item_no", Value::from("one"));
        let broken = format!("{} x", bad_field);
        assert_eq!(read::<Certificate>(&broken, rb.limits()).map_err(|e| e.code), Err("invalid_json"));
        let long = bad_field.replacen("NINGBO HAIXING", &"N".repeat(rb.limits().max_string_chars + 1), 1);
        assert_eq!(read::<Certificate>(&long, rb.limits()).map_err(|e| e.code), Err("string_too_long"));
    }
}
