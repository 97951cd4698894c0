//! Reading untrusted JSON: size and shape bounds first, then the typed contract with field paths.

use crate::error::{Error, Result};
use crate::finding::Path;
use crate::rulebook::Limits;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Reads `text` as `T` within the rulebook's input bounds. Errors carry a code and the field path.
pub fn read<T: DeserializeOwned>(text: &str, limits: &Limits) -> Result<T> {
    let value = read_value(text, limits)?;
    from_value(value)
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
        // CSV texts of `import_products` are bounded by their bytes and rows, not as one field.
        Value::String(_) if matches!(key, "goods_csv" | "materials_csv") => {}
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
