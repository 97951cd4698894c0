//! Text for people: every answer said in Chinese and English, in sentences and aligned tables,
//! read from the typed answers (never a JSON dump). Percentages show two decimals here; the JSON
//! answers keep the exact values.

use origo::api::add_workdays::AddWorkdaysAnswer;
use origo::api::calendar_info::CalendarDescription;
use origo::api::is_workday::IsWorkdayAnswer;
use origo::api::rules::RulesSummary;
use origo::identity::IdAnswer;
use origo::origin::{Comparison, Determination};
use origo::valuation::Conversion;
use origo::{Finding, FindingGroup, Refusal, Report, Severity};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use std::fmt::Write as _;

/// An enum's name as the JSON contract writes it.
fn name<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// A percentage to two decimals, half away from zero.
fn percent(p: Decimal) -> String {
    format!("{}%", p.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "是 / yes"
    } else {
        "否 / no"
    }
}

fn or_dash<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or("—".to_string(), |v| v.to_string())
}

/// One group of findings: the code (with how many when more than one), every place, the message.
fn group_lines(out: &mut String, i: usize, g: &FindingGroup) {
    let times = if g.count > 1 { format!(" ×{}", g.count) } else { String::new() };
    let paths: Vec<&str> = g.paths.iter().map(|p| if p.is_empty() { "—" } else { p.as_str() }).collect();
    let _ = writeln!(out, "\n{}. [{}] {}{times}  @ {}", i + 1, g.severity.as_str(), g.code, paths.join(", "));
    let _ = writeln!(out, "   {}", g.message.zh);
    let _ = writeln!(out, "   {}", g.message.en);
    let _ = writeln!(out, "   依据 / source: {}", g.source);
}

/// A check report as a reviewer's opinion, then the derived values in sentences and tables.
pub fn report(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "审核意见 / Review opinion — {} (rulebook {})", r.agreement, r.rulebook_version);
    let errors = r.errors().count();
    let others = r.findings.len() - errors;
    let _ = if r.ok {
        writeln!(out, "结论：未发现错误（{others} 条提示）/ Result: no errors found ({others} notes)")
    } else {
        writeln!(out, "结论：需要修改，{errors} 处错误 / Result: changes required, {errors} errors")
    };
    // Errors first, then warnings and notes; one line per code with every place it concerns.
    for (i, g) in r.groups.iter().enumerate() {
        group_lines(&mut out, i, g);
    }
    let d = &r.derived;
    let limit = d.item_limit.map_or("不限 / no limit".to_string(), |n| n.to_string());
    let _ = writeln!(out, "\n商品项 / Goods items: {} (上限 / limit {limit})", d.item_count);
    if let Some(v) = &d.valuation {
        let total = or_dash(v.fob_total);
        let mode = name(&v.mode);
        let _ = writeln!(out, "FOB 总值 / FOB total: {total} {} ({mode})", v.currency);
        let _ = writeln!(out, "  {:>4}  {:>18}  {:>18}", "项 / item", "FOB", "EXW");
        for item in &v.items {
            let money = |m: &Option<origo::model::Money>| {
                m.as_ref().map_or("—".to_string(), |m| format!("{} {}", m.amount, m.currency))
            };
            let _ = writeln!(out, "  {:>8}  {:>18}  {:>18}", item.item_no, money(&item.fob), money(&item.exw));
        }
    }
    if !d.origin.is_empty() {
        let _ = writeln!(out, "\n原产地标准 / Origin criteria:");
        let _ =
            writeln!(out, "  {:>4}  {:<14} {:<12} {:<22} {:>9}", "项", "pre-review", "originating", "criterion", "RVC");
        for o in &d.origin {
            let originating = match o.originating {
                Some(true) => "是 / yes",
                Some(false) => "否 / no",
                None => "—",
            };
            let _ = writeln!(
                out,
                "  {:>4}  {:<14} {:<12} {:<22} {:>9}",
                o.item + 1,
                o.product_ref.as_deref().unwrap_or("—"),
                originating,
                o.criterion.as_deref().unwrap_or("—"),
                o.rvc.map_or("—".to_string(), percent)
            );
        }
    }
    let dl = &d.deadlines;
    let _ = writeln!(out, "\n期限 / Deadlines:");
    let policy = dl.working_day_policy.as_deref().unwrap_or("—");
    let _ = writeln!(
        out,
        "  最迟签证日 / latest signing date: {} (工作日规则 / working days: {policy})",
        or_dash(dl.latest_signing)
    );
    if let Some(retro) = dl.retroactive {
        let _ = writeln!(out, "  后发 / issued retroactively: {}", yes_no(retro));
    }
    if dl.retroactive_after.is_some() || dl.retroactive_until.is_some() {
        let _ = writeln!(
            out,
            "  后发窗口 / retroactive window: {} – {}",
            or_dash(dl.retroactive_after),
            or_dash(dl.retroactive_until)
        );
    }
    let _ = writeln!(out, "  有效期至 / valid until: {}", or_dash(dl.valid_until));
    let _ = writeln!(out, "  重发截止 / reissue until: {}", or_dash(dl.reissue_until));
    let p = &d.print;
    let _ = writeln!(out, "\n打印 / Printing:");
    let _ = writeln!(out, "  本系统可打印 / printable here: {}", yes_no(p.printable));
    let _ = writeln!(out, "  背页 / back page: {}", yes_no(p.back_page));
    let _ = writeln!(out, "  须手工盖章签字 / manual stamp and signature: {}", yes_no(p.manual_stamp));
    let _ = writeln!(out, "  电子印章 / electronic seal: {}", yes_no(p.electronic_seal));
    let _ = writeln!(out, "  套打预印证书 / pre-printed form: {}", yes_no(p.preprinted_form));
    let _ = writeln!(out, "  企业印章 / company seal shown: {}", name(&p.seal));
    out
}

/// The rulebook's certificate types as a table.
pub fn rules(r: &RulesSummary<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "rulebook {}", r.version);
    let _ = writeln!(out, "{:<18} {:<10} {:>6} {:<5} {:<6} name", "code", "form", "items", "basis", "back");
    let mut conflicts = false;
    for a in &r.agreements {
        let mut limit = a.item_limit.map_or("—".to_string(), |n| n.to_string());
        if name(&a.item_limit_status) == "conflict" {
            limit.push('*');
            conflicts = true;
        }
        let _ = writeln!(
            out,
            "{:<18} {:<10} {:>6} {:<5} {:<6} {} / {}",
            a.code,
            a.form_name.unwrap_or(""),
            limit,
            name(&a.valuation_basis),
            if a.back_page { "yes" } else { "no" },
            a.name_zh,
            a.name_en
        );
        let list = |items: &[String]| {
            let items: Vec<&str> = items.iter().map(|x| if x == "*" { "any" } else { x.as_str() }).collect();
            if items.is_empty() {
                "—".to_string()
            } else {
                items.join(" ")
            }
        };
        let _ = writeln!(out, "{:<18} parties: {}; criteria: {}", "", list(a.parties), list(a.criteria));
    }
    if conflicts {
        let _ = writeln!(out, "* 常见问题（系统行为）与印制格式不一致，以常见问题为准 / the FAQ (system behaviour) and the printed form disagree; the FAQ applies");
    }
    if !r.changelog.is_empty() {
        let _ = writeln!(out, "\n数据变更 / data changelog");
        for c in r.changelog {
            let effective = c.effective.map_or(String::new(), |d| format!(", 自 / from {d}"));
            let _ = writeln!(out, "{} {} {}: {}{effective}", c.version, c.date, c.rule, c.change);
            let _ = writeln!(out, "{:<21} source: {}", "", c.source);
        }
    }
    out
}

/// A conversion: the value and the formula in both languages.
pub fn conversion(c: &Conversion) -> String {
    format!("{} {} {}\n{}\n{}\n", c.to, c.value, c.currency, c.formula.zh, c.formula.en)
}

fn reason_lines(out: &mut String, r: &Refusal) {
    let _ = writeln!(out, "  {}", r.zh);
    let _ = writeln!(out, "  {}", r.en);
    if !r.source.is_empty() {
        let _ = writeln!(out, "  依据 / source: {}", r.source);
    }
}

/// A `validate_id` answer.
pub fn id_answer(a: &IdAnswer) -> String {
    let mut out = String::new();
    let kind = name(&a.kind);
    let Some(reason) = a.reason.as_ref().filter(|_| !a.valid) else {
        let _ = writeln!(out, "有效 / valid: {kind} {}", a.value);
        return out;
    };
    let _ = writeln!(out, "无效 / invalid [{}]: {kind} {}", reason.code, a.value);
    reason_lines(&mut out, reason);
    if let Some(n) = &a.normalized {
        let _ = writeln!(out, "  建议 / did you mean: {n}");
    }
    out
}

/// An `apply_action` decision.
pub fn decision(d: &origo::lifecycle::Decision) -> String {
    let mut out = String::new();
    let state = d.state.map_or("—", |s| s.as_str());
    match (&d.refusal, d.allowed) {
        (Some(r), false) => {
            let _ = writeln!(out, "拒绝 / refused [{}] (state stays {state})", r.code);
            reason_lines(&mut out, r);
        }
        _ => {
            let _ = writeln!(out, "允许 / allowed -> {state}");
            for e in &d.effects {
                let _ = writeln!(out, "  effect: {}", serde_json::to_string(e).unwrap_or_default());
            }
        }
    }
    out
}

/// An origin decision with its trace.
pub fn origin_decision(d: &Determination) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "原产地判定 / Origin — {} — {}", d.agreement, d.product);
    let _ = writeln!(
        out,
        "{}",
        if d.originating {
            "结论：原产 / Result: originating"
        } else {
            "结论：非原产 / Result: not originating"
        }
    );
    let criterion = d.criterion.as_deref().unwrap_or("—");
    let _ = writeln!(out, "原产地标准 / Criterion: {criterion} ({})", name(&d.criterion_status));
    if let Some(r) = &d.rule {
        let _ = writeln!(out, "规则 / Rule: {} [{}] ({})", r.text, r.kind, r.source);
    }
    if let Some(rvc) = d.rvc {
        let _ = writeln!(out, "区域价值成分 / Regional value content: {}", percent(rvc));
    }
    if let Some(share) = d.non_originating_share {
        let _ = writeln!(out, "非原产材料占比 / Non-originating share: {}", percent(share));
    }
    if let Some(printed) = d.printed_percent {
        let _ = writeln!(out, "证书所印百分比 / Printed percentage: {printed}%");
    }
    if let Some(r) = &d.rounding {
        let _ = writeln!(out, "舍入 / Rounding: {r}");
    }
    if let Some(fob) = &d.fob {
        let _ = writeln!(out, "FOB 显示 / FOB display: {fob}");
    }
    for n in &d.notes {
        let _ = writeln!(out, "注意 / Note: {} / {}", n.zh, n.en);
    }
    let _ = writeln!(out, "\n过程 / Trace:");
    for (i, step) in d.trace.iter().enumerate() {
        let mark = match step.passed {
            Some(true) => "✓",
            Some(false) => "✗",
            None => "·",
        };
        let msg = step.message();
        let _ = writeln!(out, "{:>3}. {mark} [{}] {}", i + 1, step.kind, msg.en);
        let _ = writeln!(out, "        {}", msg.zh);
    }
    out
}

/// A ranked comparison of agreements.
pub fn comparison(c: &Comparison) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "可用协定 / Agreements for {}", c.destination);
    for (i, d) in c.decisions.iter().enumerate() {
        let _ = writeln!(
            out,
            "{:>2}. {:<14} {:<16} {:<22} {}",
            i + 1,
            d.agreement,
            if d.originating { "originating" } else { "not originating" },
            d.criterion.as_deref().unwrap_or("—"),
            name(&d.criterion_status)
        );
    }
    out
}

fn coverage(out: &mut String, findings: &[Finding]) {
    for f in findings.iter().filter(|f| f.severity != Severity::Info || !f.code.is_empty()) {
        let _ = writeln!(out, "[{}] {}: {} / {}", f.severity.as_str(), f.code, f.message.zh, f.message.en);
    }
}

/// An `is_workday` answer.
pub fn is_workday(a: &IsWorkdayAnswer<'_>) -> String {
    let mut out = String::new();
    let what = if a.workday { "工作日 / working day" } else { "休息日 / day off" };
    let day = a.day.map(|d| format!(" — {}", d.name)).unwrap_or_default();
    let _ = writeln!(out, "{}: {what}{day}  ({})", a.date, a.policy);
    coverage(&mut out, &a.findings);
    out
}

/// An `add_workdays` answer.
pub fn add_workdays(a: &AddWorkdaysAnswer<'_>) -> String {
    let mut out = String::new();
    let _ =
        writeln!(out, "{}  ({} 个工作日后 / {} working days after {}, {})", a.result, a.days, a.days, a.date, a.policy);
    coverage(&mut out, &a.findings);
    out
}

/// The calendar's years, sources and policies.
pub fn calendar_info(c: &CalendarDescription<'_>) -> String {
    let mut out = String::new();
    let years: Vec<String> = c.years.iter().map(i32::to_string).collect();
    let _ = writeln!(out, "years: {}", years.join(", "));
    for f in &c.files {
        let _ = writeln!(out, "  {} ({} rows): {}", f.file, f.rows, f.sources.join(" | "));
    }
    let _ = writeln!(out, "default policy: {}", c.default_policy);
    for p in &c.policies {
        let _ = writeln!(out, "  {}: {}", p.name, p.policy.description);
    }
    out
}

/// A workflow action's decision.
pub fn workflow_decision(d: &origo::lifecycle::WorkflowDecision) -> String {
    let state = d.state.as_deref().unwrap_or("—");
    let mut out = String::new();
    match (&d.refusal, d.allowed) {
        (Some(r), false) => {
            let _ = writeln!(out, "拒绝 / refused [{}] (state stays {state})", r.code);
            reason_lines(&mut out, r);
        }
        _ => {
            let _ = writeln!(out, "允许 / allowed -> {state}");
            for e in &d.effects {
                let _ = writeln!(out, "  effect: {e}");
            }
            if !d.source.is_empty() {
                let _ = writeln!(out, "  依据 / source: {}", d.source);
            }
        }
    }
    out
}

/// A workflow's transition table, one line per cell.
pub fn workflow_table(t: &origo::lifecycle::WorkflowTable<'_>) -> String {
    let mut out = String::new();
    for r in &t.rows {
        let outcome = match (&r.to, &r.refusal) {
            (Some(to), _) => format!("-> {to}"),
            (None, Some(code)) => format!("refused {code}"),
            (None, None) => String::new(),
        };
        let _ = writeln!(out, "{:<16} {:<22} {:<16} {outcome}", r.state, r.action, r.role);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example page's case: the sample certificate sent to New Zealand with 21 goods items.
    fn new_zealand_with_21_items() -> Report {
        let rb = origo::Rulebook::builtin().unwrap();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/certificates/non_preferential.json");
        let mut cert: origo::Certificate = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        cert.agreement = "new_zealand".into();
        cert.destination = origo::model::Country::parse("NZ").unwrap();
        let last = cert.goods.last().unwrap().clone();
        for item_no in cert.goods.len() + 1..=21 {
            cert.goods.push(origo::model::GoodsItem { item_no: u32::try_from(item_no).unwrap(), ..last.clone() });
        }
        origo::check_certificate(&cert, &rb, None).unwrap()
    }

    #[test]
    fn repeated_findings_make_one_line_below_the_errors() {
        let r = new_zealand_with_21_items();
        let text = report(&r);
        let repeated = r.groups.iter().find(|g| g.count > 1).expect("a code repeated over the items");
        assert_eq!(text.matches(&format!("] {} ×", repeated.code)).count(), 1, "{text}");
        let first_note = text.find("[info]").or_else(|| text.find("[warning]")).unwrap();
        assert!(text.rfind("[error]").is_some_and(|e| e < first_note), "errors first: {text}");

        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/snapshots/check-report-grouped.txt");
        let on_disk = std::fs::read_to_string(path).unwrap_or_default();
        if on_disk != text {
            if std::env::var_os("ORIGO_BLESS").is_some() {
                std::fs::write(path, &text).unwrap();
            } else {
                panic!(
                    "tests/snapshots/check-report-grouped.txt drifted: review, run with ORIGO_BLESS=1 and commit it"
                );
            }
        }
    }
}
