//! Readable text output: a report like a reviewer's opinion, in Chinese and English.

use serde_json::Value;
use std::fmt::Write as _;

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// A check report as a reviewer's opinion.
pub fn report(r: &Value) -> String {
    let mut out = String::new();
    let ok = r.get("ok").and_then(Value::as_bool).unwrap_or(false);
    let agreement = s(r, "agreement");
    let _ = writeln!(out, "审核意见 / Review opinion — {agreement}");
    let _ = writeln!(
        out,
        "{}",
        if ok {
            "结论：未发现错误 / Result: no errors found"
        } else {
            "结论：需要修改 / Result: changes required"
        }
    );
    let findings = r.get("findings").and_then(Value::as_array).cloned().unwrap_or_default();
    for (i, f) in findings.iter().enumerate() {
        let msg = f.get("message").cloned().unwrap_or(Value::Null);
        let _ = writeln!(out, "\n{}. [{}] {}  @ {}", i + 1, s(f, "severity"), s(f, "code"), s(f, "path"));
        let _ = writeln!(out, "   {}", s(&msg, "zh"));
        let _ = writeln!(out, "   {}", s(&msg, "en"));
        let _ = writeln!(out, "   依据 / source: {}", s(f, "source"));
    }
    if let Some(v) = r.pointer("/derived/valuation") {
        let total = v.get("fob_total").and_then(Value::as_str).unwrap_or("—");
        let _ = writeln!(out, "\nFOB 金额 / FOB total: {total} {} ({})", s(v, "currency"), s(v, "mode"));
        for item in v.get("items").and_then(Value::as_array).into_iter().flatten() {
            let fob = item.get("fob").map_or("—".to_string(), |m| format!("{} {}", s(m, "amount"), s(m, "currency")));
            let _ = writeln!(out, "  {}. FOB {fob}", item.get("item_no").and_then(Value::as_u64).unwrap_or(0));
        }
    }
    if let Some(d) = r.get("derived") {
        let _ = writeln!(out, "\n推导值 / Derived values:");
        let _ = writeln!(out, "{}", serde_json::to_string_pretty(d).unwrap_or_default());
    }
    out
}

/// The rulebook's certificate types as a table.
pub fn rules(r: &Value) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "rulebook {}", s(r, "version"));
    let _ = writeln!(out, "{:<18} {:<10} {:>6} {:<5} {:<6} name", "code", "form", "items", "basis", "back");
    let mut conflicts = false;
    for a in r.get("agreements").and_then(Value::as_array).cloned().unwrap_or_default() {
        let mut limit = a.get("item_limit").and_then(Value::as_u64).map_or("—".to_string(), |n| n.to_string());
        if s(&a, "item_limit_status") == "conflict" {
            limit.push('*');
            conflicts = true;
        }
        let back = if a.get("back_page").and_then(Value::as_bool).unwrap_or(false) { "yes" } else { "no" };
        let _ = writeln!(
            out,
            "{:<18} {:<10} {:>6} {:<5} {:<6} {} / {}",
            s(&a, "code"),
            s(&a, "form_name"),
            limit,
            s(&a, "valuation_basis"),
            back,
            s(&a, "name_zh"),
            s(&a, "name_en")
        );
        let list = |key: &str| {
            let items: Vec<String> = a
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(|x| if x == "*" { "any".to_string() } else { x.to_string() }))
                .collect();
            if items.is_empty() {
                "—".to_string()
            } else {
                items.join(" ")
            }
        };
        let _ = writeln!(out, "{:<18} parties: {}; criteria: {}", "", list("parties"), list("criteria"));
    }
    if conflicts {
        let _ = writeln!(out, "* 常见问题（系统行为）与印制格式不一致，以常见问题为准 / the FAQ (system behaviour) and the printed form disagree; the FAQ applies");
    }
    out
}

/// A conversion: the value and the formula in both languages.
pub fn conversion(c: &Value) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} {} {}", s(c, "to"), s(c, "value"), s(c, "currency"));
    if let Some(f) = c.get("formula") {
        let _ = writeln!(out, "{}", s(f, "zh"));
        let _ = writeln!(out, "{}", s(f, "en"));
    }
    out
}

fn reason_lines(out: &mut String, r: &Value) {
    let _ = writeln!(out, "  {}", s(r, "zh"));
    let _ = writeln!(out, "  {}", s(r, "en"));
    if !s(r, "source").is_empty() {
        let _ = writeln!(out, "  依据 / source: {}", s(r, "source"));
    }
}

/// A `validate_id` answer.
pub fn id_answer(a: &Value) -> String {
    let mut out = String::new();
    if a.get("valid").and_then(Value::as_bool).unwrap_or(false) {
        let _ = writeln!(out, "有效 / valid: {} {}", s(a, "kind"), s(a, "value"));
        return out;
    }
    let reason = a.get("reason").cloned().unwrap_or(Value::Null);
    let _ = writeln!(out, "无效 / invalid [{}]: {} {}", s(&reason, "code"), s(a, "kind"), s(a, "value"));
    reason_lines(&mut out, &reason);
    if let Some(n) = a.get("normalized").and_then(Value::as_str) {
        let _ = writeln!(out, "  建议 / did you mean: {n}");
    }
    out
}

/// A `lifecycle_apply` decision.
pub fn decision(d: &Value) -> String {
    let mut out = String::new();
    if d.get("allowed").and_then(Value::as_bool).unwrap_or(false) {
        let _ = writeln!(out, "允许 / allowed -> {}", s(d, "state"));
        for e in d.get("effects").and_then(Value::as_array).into_iter().flatten() {
            let _ = writeln!(out, "  effect: {e}");
        }
        return out;
    }
    let r = d.get("refusal").cloned().unwrap_or(Value::Null);
    let _ = writeln!(out, "拒绝 / refused [{}] (state stays {})", s(&r, "code"), s(d, "state"));
    reason_lines(&mut out, &r);
    out
}

/// An origin decision with its trace.
pub fn origin_decision(d: &Value) -> String {
    let mut out = String::new();
    let originating = d.get("originating").and_then(Value::as_bool).unwrap_or(false);
    let _ = writeln!(out, "原产地判定 / Origin — {} — {}", s(d, "agreement"), s(d, "product"));
    let _ = writeln!(
        out,
        "{}",
        if originating {
            "结论：原产 / Result: originating"
        } else {
            "结论：非原产 / Result: not originating"
        }
    );
    let criterion = d.get("criterion").and_then(Value::as_str).unwrap_or("—");
    let _ = writeln!(out, "原产地标准 / Criterion: {criterion} ({})", s(d, "criterion_status"));
    if let Some(r) = d.get("rule").filter(|r| !r.is_null()) {
        let _ = writeln!(out, "规则 / Rule: {} [{}] ({})", s(r, "text"), s(r, "kind"), s(r, "source"));
    }
    for key in ["rvc", "non_originating_share", "rounding", "fob"] {
        if let Some(v) = d.get(key).and_then(Value::as_str) {
            let _ = writeln!(out, "{key}: {v}");
        }
    }
    for n in d.get("notes").and_then(Value::as_array).into_iter().flatten() {
        let _ = writeln!(out, "注意 / Note: {} / {}", s(n, "zh"), s(n, "en"));
    }
    let _ = writeln!(out, "\n过程 / Trace:");
    for (i, step) in d.get("trace").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let mark = match step.get("passed").and_then(Value::as_bool) {
            Some(true) => "✓",
            Some(false) => "✗",
            None => "·",
        };
        let msg = step.get("message").cloned().unwrap_or(Value::Null);
        let _ = writeln!(out, "{:>3}. {mark} [{}] {}", i + 1, s(step, "kind"), s(&msg, "en"));
        let _ = writeln!(out, "        {}", s(&msg, "zh"));
    }
    out
}

/// A ranked comparison of agreements.
pub fn comparison(c: &Value) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "可用协定 / Agreements for {}", s(c, "destination"));
    for (i, d) in c.get("decisions").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let originating = d.get("originating").and_then(Value::as_bool).unwrap_or(false);
        let _ = writeln!(
            out,
            "{:>2}. {:<14} {:<16} {:<22} {}",
            i + 1,
            s(d, "agreement"),
            if originating { "originating" } else { "not originating" },
            d.get("criterion").and_then(Value::as_str).unwrap_or("—"),
            s(d, "criterion_status")
        );
    }
    out
}

/// A calendar answer as one or a few lines, with any coverage warning.
pub fn calendar(r: &Value) -> String {
    let mut out = String::new();
    if let Some(years) = r.get("years").and_then(Value::as_array) {
        let years: Vec<String> = years.iter().map(Value::to_string).collect();
        let _ = writeln!(out, "years: {}", years.join(", "));
        for f in r.get("files").and_then(Value::as_array).cloned().unwrap_or_default() {
            let sources: Vec<&str> =
                f.get("sources").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
            let _ = writeln!(
                out,
                "  {} ({} rows): {}",
                s(&f, "file"),
                f.get("rows").unwrap_or(&Value::Null),
                sources.join(" | ")
            );
        }
        let _ = writeln!(out, "default policy: {}", s(r, "default_policy"));
        for p in r.get("policies").and_then(Value::as_array).cloned().unwrap_or_default() {
            let _ = writeln!(out, "  {}: {}", s(&p, "name"), s(&p, "description"));
        }
        return out;
    }
    let policy = s(r, "policy");
    if let Some(result) = r.get("result").and_then(Value::as_str) {
        let days = r.get("days").unwrap_or(&Value::Null);
        let _ = writeln!(out, "{result}  ({days} working days after {}, {policy})", s(r, "date"));
    } else {
        let work = r.get("workday").and_then(Value::as_bool).unwrap_or(false);
        let what = if work { "working day / 工作日" } else { "day off / 休息日" };
        let day = r.get("day").map(|d| format!(" — {}", s(d, "name"))).unwrap_or_default();
        let _ = writeln!(out, "{}: {what}{day}  ({policy})", s(r, "date"));
    }
    for f in r.get("findings").and_then(Value::as_array).cloned().unwrap_or_default() {
        let msg = f.get("message").cloned().unwrap_or(Value::Null);
        let _ = writeln!(out, "[{}] {}: {}", s(&f, "severity"), s(&f, "code"), s(&msg, "en"));
    }
    out
}
