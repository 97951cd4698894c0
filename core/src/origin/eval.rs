//! Evaluating a parsed rule against a product, writing every step into the trace.

use super::expr::{change_name, Measure, Rule, Test, ValueTest};
use super::text::{Change, Code, Formula, Text};
use super::TraceStep;
use crate::error::{Error, Result};
use crate::model::{HsCode, Product, ValueBasis};
use crate::rulebook::DeMinimis;
use rust_decimal::Decimal;
use std::sync::Arc;

/// One material as the rules see it.
#[derive(Debug)]
pub(crate) struct MaterialFacts<'a> {
    /// Shared with the trace steps that name the material.
    pub(crate) name: Arc<str>,
    pub(crate) value: Decimal,
    pub(crate) hs: Option<&'a HsCode>,
    /// Chinese material: always originating.
    pub(crate) domestic: bool,
    /// Material of a party whose materials accumulate under the agreement.
    pub(crate) party: bool,
}

impl MaterialFacts<'_> {
    pub(crate) fn originating(&self, accumulate: bool) -> bool {
        self.domestic || (accumulate && self.party)
    }
}

/// What the rules need besides the rule itself.
#[derive(Debug)]
pub(crate) struct Facts<'a> {
    pub(crate) product: &'a Product,
    pub(crate) materials: Vec<MaterialFacts<'a>>,
    /// The agreement's valuation basis, used when a value test names none.
    pub(crate) basis: ValueBasis,
    pub(crate) de_minimis: Option<&'a DeMinimis>,
    pub(crate) de_minimis_source: &'a str,
}

/// The result of evaluating a rule or a part of it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Verdict {
    pub(crate) passed: bool,
    /// A value test (RVC/NM) was part of what passed.
    pub(crate) value_used: bool,
    /// A tariff-change test passed only through de minimis.
    pub(crate) de_minimis: bool,
    /// The tariff-change level that passed, if any.
    pub(crate) level: Option<u8>,
    /// Chemical reaction passed.
    pub(crate) chemical: bool,
    /// Value content (percent, exact) of the value test evaluated.
    pub(crate) rvc: Option<Decimal>,
    /// Non-originating share (percent, exact) of the value test evaluated.
    pub(crate) nm: Option<Decimal>,
}

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

fn overflow() -> Error {
    Error::new(
        &crate::error::codes::PRODUCT_INVALID,
        "product",
        "产品价值过大，无法精确计算",
        "the product's values are too large to compute exactly",
    )
}

/// Sums values exactly, refusing overflow.
pub(crate) fn sum(mut values: impl Iterator<Item = Decimal>) -> Result<Decimal> {
    values.try_fold(Decimal::ZERO, |a, v| a.checked_add(v).ok_or_else(overflow))
}

/// `a × 100 / b`, exact to 28 significant digits.
pub(crate) fn percent(a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_mul(HUNDRED).and_then(|x| x.checked_div(b)).ok_or_else(overflow)
}

/// Evaluates `rule`; `accumulate` = materials of cumulation parties count as originating.
pub(crate) fn eval(rule: &Rule, facts: &Facts<'_>, accumulate: bool, trace: &mut Vec<TraceStep>) -> Result<Verdict> {
    match rule {
        Rule::Or { rules } => {
            let mut first: Option<Verdict> = None;
            let mut last = Verdict::default();
            for r in rules {
                let verdict = eval(r, facts, accumulate, trace)?;
                if verdict.passed && first.is_none() {
                    first = Some(verdict.clone());
                }
                last = verdict;
            }
            let passed = first.is_some();
            trace.push(TraceStep::new("or", Some(rule), Some(passed)).fixed(
                if passed { "至少一个选择性标准满足" } else { "所有选择性标准均不满足" },
                if passed { "at least one alternative is met" } else { "no alternative is met" },
            ));
            Ok(first.unwrap_or(Verdict { passed: false, ..last }))
        }
        Rule::And { rules } => {
            let mut out = Verdict { passed: true, ..Verdict::default() };
            for r in rules {
                let verdict = eval(r, facts, accumulate, trace)?;
                out.passed &= verdict.passed;
                out.value_used |= verdict.value_used;
                out.de_minimis |= verdict.de_minimis;
                out.chemical |= verdict.chemical;
                out.level = out.level.or(verdict.level);
                out.rvc = out.rvc.or(verdict.rvc);
                out.nm = out.nm.or(verdict.nm);
            }
            trace.push(TraceStep::new("and", Some(rule), Some(out.passed)).fixed(
                if out.passed { "所有组合标准均满足" } else { "组合标准未全部满足" },
                if out.passed { "every part is met" } else { "not every part is met" },
            ));
            Ok(out)
        }
        Rule::Test { test } => test_one(test, rule, facts, accumulate, trace),
    }
}

fn test_one(test: &Test, rule: &Rule, facts: &Facts<'_>, acc: bool, trace: &mut Vec<TraceStep>) -> Result<Verdict> {
    match test {
        Test::Wo => {
            let passed = facts.product.wholly_obtained;
            trace.push(TraceStep::new("test", Some(rule), Some(passed)).fixed(
                if passed { "完全获得" } else { "产品不是完全获得" },
                if passed { "wholly obtained" } else { "the product is not wholly obtained" },
            ));
            Ok(Verdict { passed, ..Verdict::default() })
        }
        Test::Pe => {
            let n = facts.materials.iter().filter(|m| !m.originating(acc)).count();
            let passed = n == 0;
            trace.push(TraceStep::new("test", Some(rule), Some(passed)).msg(
                if passed { "全部原材料均为原产".to_string() } else { format!("{n} 种原材料非原产") },
                if passed {
                    "every material originates".to_string()
                } else {
                    format!("{n} materials do not originate")
                },
            ));
            Ok(Verdict { passed, ..Verdict::default() })
        }
        Test::Cr => {
            let passed = facts.product.chemical_reaction;
            trace.push(TraceStep::new("test", Some(rule), Some(passed)).fixed(
                if passed { "生产中发生化学反应" } else { "预审未声明化学反应" },
                if passed {
                    "production involves a chemical reaction"
                } else {
                    "the pre-review declares no chemical reaction"
                },
            ));
            Ok(Verdict { passed, chemical: passed, ..Verdict::default() })
        }
        Test::Change { level, except } => change(*level, except, rule, facts, acc, trace),
        Test::Value(v) => value(v, rule, facts, acc, trace),
    }
}

fn change(
    level: u8,
    except: &[super::expr::HsRange],
    rule: &Rule,
    facts: &Facts<'_>,
    acc: bool,
    trace: &mut Vec<TraceStep>,
) -> Result<Verdict> {
    let n = level as usize;
    let name = change_name(level);
    let product_hs = facts.product.hs_code.digits();
    let Some(product_prefix) = product_hs.get(..n) else {
        trace.push(TraceStep::new("test", Some(rule), Some(false)).msg(
            format!("产品 HS 编码 {product_hs} 不足 {n} 位，无法判断 {name}"),
            format!("the product's HS code {product_hs} has fewer than {n} digits: {name} cannot be tested"),
        ));
        return Ok(Verdict::default());
    };
    let to = Code::new(product_prefix);
    let (mut failing, mut failing_value) = (0, Decimal::ZERO);
    for (i, m) in facts.materials.iter().enumerate() {
        if m.originating(acc) {
            continue;
        }
        let found = match m.hs.map(HsCode::digits) {
            None => Change::NoHs,
            Some(d) => match d.get(..n) {
                None => Change::Short(Code::new(d)),
                Some(p) if p == product_prefix => Change::Same(Code::new(p)),
                Some(p) => match except.iter().find(|r| r.contains(d)) {
                    Some(r) => Change::Excepted(Code::new(&r.from)),
                    None => Change::Changes { from: Code::new(p), to },
                },
            },
        };
        let ok = matches!(found, Change::Changes { .. });
        trace.push(TraceStep::material(
            i,
            ok,
            m.value,
            Text::Change { name: m.name.clone(), digits: level, change: found },
        ));
        if !ok {
            failing += 1;
            failing_value = failing_value.checked_add(m.value).ok_or_else(overflow)?;
        }
    }
    if failing == 0 {
        trace.push(TraceStep::new("test", Some(rule), Some(true)).text(Text::ChangeTest { digits: level, failing }));
        return Ok(Verdict { passed: true, level: Some(level), ..Verdict::default() });
    }
    if let Some(dm) = facts.de_minimis {
        let base = price(facts.product, dm.basis);
        if let Some(base) = base {
            let limit = base.checked_mul(dm.percent).and_then(|x| x.checked_div(HUNDRED)).ok_or_else(overflow)?;
            let ok = failing_value <= limit;
            let mut step = TraceStep::new("de_minimis", Some(rule), Some(ok)).msg(
                format!(
                    "未满足 {name} 的非原产材料价值 {failing_value}，微小含量上限 {}% × {base} = {limit}",
                    dm.percent
                ),
                format!(
                    "materials failing {name} are worth {failing_value}; de minimis allows {}% × {base} = {limit} ({})",
                    dm.percent, facts.de_minimis_source
                ),
            );
            step.push("failing_value", failing_value);
            step.push("limit", limit);
            trace.push(step);
            if ok {
                return Ok(Verdict { passed: true, level: Some(level), de_minimis: true, ..Verdict::default() });
            }
        }
    }
    trace.push(TraceStep::new("test", Some(rule), Some(false)).text(Text::ChangeTest { digits: level, failing }));
    Ok(Verdict::default())
}

/// The product's unit price on a basis.
pub(crate) fn price(p: &Product, basis: ValueBasis) -> Option<Decimal> {
    match basis {
        ValueBasis::Fob => p.unit_fob,
        ValueBasis::Exw => p.unit_exw,
    }
}

fn basis_name(b: ValueBasis) -> &'static str {
    match b {
        ValueBasis::Fob => "FOB",
        ValueBasis::Exw => "EXW",
    }
}

fn value(v: &ValueTest, rule: &Rule, facts: &Facts<'_>, acc: bool, trace: &mut Vec<TraceStep>) -> Result<Verdict> {
    let basis = v.basis.unwrap_or(facts.basis);
    let bn = basis_name(basis);
    let Some(total) = price(facts.product, basis) else {
        trace.push(TraceStep::new("test", Some(rule), Some(false)).msg(
            format!("预审缺少单位 {bn} 价格，无法计算"),
            format!("the pre-review has no unit {bn} price: cannot compute"),
        ));
        return Ok(Verdict::default());
    };
    let acc = acc && !v.domestic;
    let vnm = sum(facts.materials.iter().filter(|m| !m.originating(acc)).map(|m| m.value))?;
    let vom = sum(facts.materials.iter().filter(|m| m.originating(acc)).map(|m| m.value))?;
    let nm = percent(vnm, total)?;
    let mut step = TraceStep::new("value", Some(rule), None);
    step.push("price", total);
    step.push("vnm", vnm);
    step.push("vom", vom);
    step.push("threshold", v.percent);
    let (passed, rvc, formula) = match v.measure {
        Measure::Nm => {
            let passed =
                vnm.checked_mul(HUNDRED).ok_or_else(overflow)? <= v.percent.checked_mul(total).ok_or_else(overflow)?;
            (passed, HUNDRED - nm, Formula::Nm)
        }
        Measure::Rvc if v.build_up => {
            let Some(c) = &facts.product.costs else {
                trace.push(TraceStep::new("test", Some(rule), Some(false)).fixed(
                    "累加法需要预审的成本（直接人工、直接费用、利润、其他费用），预审未填写：本规则不赋予原产资格",
                    "build-up needs the pre-review's costs (direct labour, direct overhead, profit, other costs); it has none: this rule confers no origin",
                ));
                return Ok(Verdict::default());
            };
            let added = sum([vom, c.direct_labour, c.direct_overhead, c.profit, c.other].into_iter())?;
            step.push("added", added);
            let passed = added.checked_mul(HUNDRED).ok_or_else(overflow)?
                >= v.percent.checked_mul(total).ok_or_else(overflow)?;
            (passed, percent(added, total)?, Formula::BuildUp)
        }
        Measure::Rvc => {
            let kept = total - vnm;
            let passed =
                kept.checked_mul(HUNDRED).ok_or_else(overflow)? >= v.percent.checked_mul(total).ok_or_else(overflow)?;
            (passed, percent(kept, total)?, Formula::BuildDown)
        }
    };
    step.push("rvc", rvc);
    step.push("nm", nm);
    step.passed = Some(passed);
    trace.push(step.text(Text::Value { formula, basis: bn }));
    Ok(Verdict { passed, value_used: passed, rvc: Some(rvc), nm: Some(nm), ..Verdict::default() })
}
