//! Valuation: trade-term conversions to FOB (and on to EXW or any other term), with the formula
//! shown to the user (the system's "换算" button, FAQ Q17, Q18), currency rounding and exchange.
//!
//! Every price relates to FOB through named cost components (`valuation.toml`), so a conversion
//! goes from the given term to FOB and from FOB to the target, exactly, and rounds once at the end
//! to the currency's minor units. Insurance given as a rate of the insured price is solved in
//! closed form (no iteration), so CIF → FOB → CIF returns the start.

use crate::error::{Error, Result};
use crate::finding::{Code, Message};
use crate::model::{ExchangeRate, Money, TotalMode};
use crate::rulebook::{
    Component, Convention, CurrencyInfo, PremiumBasis, RoundingMode, Rulebook, TermDef, ValuationData as Data,
};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

crate::finding::codes! {
    ERROR_CODES;
    UNKNOWN_TERM = ("unknown_term", Error, "未知贸易术语", "not a trade term origo knows");
    UNKNOWN_CURRENCY_CODE = ("unknown_currency_code", Error, "未知币种", "not an ISO 4217 currency");
    UNKNOWN_CONVENTION = ("unknown_convention", Error, "未知保险惯例", "no such insurance convention");
    INVALID_AMOUNT = ("invalid_amount", Error, "金额无效", "an amount is not a usable money value");
    INVALID_RATE = ("invalid_rate", Error, "费率无效", "a rate or mark-up is out of range");
    MISSING_COMPONENT = ("missing_component", Error, "缺少费用项", "a cost the conversion needs is missing");
    COMPONENT_NOT_APPLICABLE = ("component_not_applicable", Error, "费用项不适用", "a cost the conversion does not use");
    CONVERSION_NOT_POSITIVE = ("conversion_not_positive", Error, "换算结果不为正", "the costs exceed the price");
}

/// A `convert` request as JSON: decimals are strings.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConvertRequest {
    /// Trade term of `amount`, as typed (`CIF`, `C&F`, `FOB NINGBO`...).
    pub term: String,
    /// The price under `term`.
    pub amount: String,
    /// ISO 4217 currency of every amount.
    pub currency: String,
    /// Target term; `FOB` when absent.
    #[serde(default)]
    pub to: Option<String>,
    /// Main carriage freight (ocean or air).
    #[serde(default)]
    pub freight: Option<String>,
    /// Insurance premium as an amount.
    #[serde(default)]
    pub insurance: Option<String>,
    /// Insurance premium rate, e.g. `"0.003"` (CIF and CIP only).
    #[serde(default)]
    pub insurance_rate: Option<String>,
    /// Insured-value mark-up, e.g. `"1.1"`; the rulebook's default when absent.
    #[serde(default)]
    pub markup: Option<String>,
    /// Insurance convention code; the rulebook's default when absent.
    #[serde(default)]
    pub convention: Option<String>,
    /// Inland freight and charges from the factory to the port of loading.
    #[serde(default)]
    pub inland: Option<String>,
    /// Loading and terminal charges at the place of shipment.
    #[serde(default)]
    pub loading: Option<String>,
    /// Unloading and destination charges (D terms).
    #[serde(default)]
    pub destination: Option<String>,
    /// Import duties, taxes and clearance (DDP).
    #[serde(default)]
    pub duties: Option<String>,
}

impl ConvertRequest {
    fn component(&self, c: Component) -> Option<&str> {
        match c {
            Component::Inland => self.inland.as_deref(),
            Component::Loading => self.loading.as_deref(),
            Component::Freight => self.freight.as_deref(),
            Component::Insurance => self.insurance.as_deref(),
            Component::Destination => self.destination.as_deref(),
            Component::Duties => self.duties.as_deref(),
        }
    }
}

/// One step of a conversion: the quantity computed and its formula with the numbers filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// What the step computes (`FOB`, `EXW`...).
    pub result: String,
    /// The formula, symbols then numbers, in Chinese and English.
    pub formula: Message,
    /// The exact, unrounded value.
    pub value: Decimal,
}

/// How the result was rounded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rounding {
    /// Rounding mode.
    pub mode: RoundingMode,
    /// Decimals kept: the currency's minor units.
    pub decimals: u32,
    /// Where mode and minor units come from.
    pub source: String,
}

/// The answer of `convert`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Conversion {
    /// The converted price, rounded once to the currency's minor units.
    pub value: Decimal,
    /// Its currency.
    pub currency: String,
    /// The given term, normalised to Incoterms 2020.
    pub term: String,
    /// The target term.
    pub to: String,
    /// The whole formula with the numbers filled in, as the system's "换算" button shows it.
    pub formula: Message,
    /// The steps (given term → FOB → target), exact values.
    pub steps: Vec<Step>,
    /// How the value was rounded.
    pub rounding: Rounding,
    /// The insurance convention used, when insurance was given as a rate.
    #[serde(default)]
    pub convention: Option<String>,
}

/// Insurance given as a rate of an insured value.
#[derive(Debug, Clone, Copy)]
pub struct InsuranceRate<'a> {
    /// Premium rate, `0 < rate < 1`.
    pub rate: Decimal,
    /// Insured-value mark-up, at least 1.
    pub markup: Decimal,
    /// What the premium is a percentage of.
    pub convention: &'a Convention,
}

/// A checked conversion input: terms resolved, amounts validated.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    /// Term of `amount`.
    pub from: &'a TermDef,
    /// Target term.
    pub to: &'a TermDef,
    /// Price under `from`.
    pub amount: Decimal,
    /// Currency of every amount.
    pub currency: &'a CurrencyInfo,
    /// Cost components given, indexed like [`Component::ALL`].
    pub costs: [Option<Decimal>; 6],
    /// Insurance as a rate, where given.
    pub rate: Option<InsuranceRate<'a>>,
    /// Rounding mode of the rulebook.
    pub mode: RoundingMode,
}

fn idx(c: Component) -> usize {
    Component::ALL.iter().position(|x| *x == c).unwrap_or(0)
}

fn overflow(path: &str) -> Error {
    Error::new(&INVALID_AMOUNT, path, "数值过大，无法精确计算", "the numbers are too large to compute exactly")
}

/// Reads a decimal written as a string; a number past 28 significant digits is refused, not rounded.
pub fn parse_decimal(text: &str, path: &str, code: &Code) -> Result<Decimal> {
    Decimal::from_str_exact(text.trim()).map_err(|e| {
        Error::new(
            code,
            path,
            format!("`{text}` 不是有效的十进制数（最多 28 位有效数字）：{e}"),
            format!("`{text}` is not a decimal number of at most 28 significant digits: {e}"),
        )
    })
}

/// Refuses an amount with more decimals than the currency's minor unit.
pub fn check_decimals(value: Decimal, currency: &CurrencyInfo, path: &str) -> Result<()> {
    let scale = value.normalize().scale();
    if scale > currency.minor_units {
        return Err(Error::new(
            &INVALID_AMOUNT,
            path,
            format!("{value} 有 {scale} 位小数，{} 最多 {} 位", currency.code, currency.minor_units),
            format!("{value} has {scale} decimals; {} allows {}", currency.code, currency.minor_units),
        ));
    }
    Ok(())
}

/// Rounds once to the currency's minor units with the rulebook's mode, keeping trailing zeros.
pub fn round(value: Decimal, currency: &CurrencyInfo, mode: RoundingMode) -> Decimal {
    let mut r = value.round_dp_with_strategy(currency.minor_units, mode.strategy());
    r.rescale(currency.minor_units);
    r
}

/// Converts `amount` from one currency to another with the certificate's rates (`1 from = rate × to`);
/// the inverse rate is used when only that one is given. Exact (no rounding); `None` without a usable rate.
pub fn exchange(amount: Decimal, from: &str, to: &str, rates: &[ExchangeRate]) -> Option<Decimal> {
    if from == to {
        return Some(amount);
    }
    let usable = |r: &&ExchangeRate| r.rate > Decimal::ZERO;
    if let Some(r) = rates.iter().filter(usable).find(|r| r.from.as_str() == from && r.to.as_str() == to) {
        return amount.checked_mul(r.rate);
    }
    rates
        .iter()
        .filter(usable)
        .find(|r| r.from.as_str() == to && r.to.as_str() == from)
        .and_then(|r| amount.checked_div(r.rate))
}

/// Finds a term by any accepted spelling, or an error listing the accepted ones.
pub fn resolve_term<'a>(v: &'a Data, typed: &str, path: &str) -> Result<&'a TermDef> {
    v.term(typed).ok_or_else(|| {
        let codes = v.term_codes();
        Error::new(
            &UNKNOWN_TERM,
            path,
            format!("未知贸易术语 `{typed}`；可用（Incoterms 2020）：{}（C&F 选 CFR）", codes.join("、")),
            format!("unknown trade term `{typed}`; accepted (Incoterms 2020): {} (C&F is CFR)", codes.join(", ")),
        )
    })
}

/// Runs the `convert` operation on a JSON request.
pub fn convert_request(req: &ConvertRequest, rb: &Rulebook) -> Result<Conversion> {
    let v = rb.valuation();
    let input = prepare(req, v)?;
    let exact = compute(&input)?;
    Ok(explain(&input, &exact, v))
}

/// Validates a request into an [`Input`].
pub fn prepare<'a>(req: &ConvertRequest, v: &'a Data) -> Result<Input<'a>> {
    let from = resolve_term(v, &req.term, "term")?;
    let to = resolve_term(v, req.to.as_deref().unwrap_or("FOB"), "to")?;
    let currency = v.currency(&req.currency).or_else(|| v.currency(&req.currency.trim().to_ascii_uppercase()));
    let currency = currency.ok_or_else(|| {
        Error::new(
            &UNKNOWN_CURRENCY_CODE,
            "currency",
            format!("`{}` 不是 ISO 4217 现行币种", req.currency),
            format!("`{}` is not a current ISO 4217 currency", req.currency),
        )
    })?;
    let money = |text: &str, path: &str| -> Result<Decimal> {
        let d = parse_decimal(text, path, &INVALID_AMOUNT)?;
        check_decimals(d, currency, path)?;
        Ok(d)
    };
    let amount = money(&req.amount, "amount")?;
    if amount <= Decimal::ZERO {
        return Err(Error::new(
            &INVALID_AMOUNT,
            "amount",
            format!("金额必须大于零，实为 {amount}"),
            format!("the amount must be greater than zero, found {amount}"),
        ));
    }
    let mut costs = [None; 6];
    for c in Component::ALL {
        let used = from.uses(c) || to.uses(c);
        let Some(text) = req.component(c) else {
            let cancels = from.uses(c) && to.uses(c);
            let optional = |t: &TermDef| !t.uses(c) || t.optional.contains(&c);
            let by_rate = c == Component::Insurance && req.insurance_rate.is_some();
            let excused = cancels || by_rate || (optional(from) && optional(to));
            if used && !excused {
                return Err(missing(c, from, to));
            }
            continue;
        };
        if !used {
            return Err(not_applicable(c.key(), from, to));
        }
        let d = money(text, c.key())?;
        if d.is_sign_negative() {
            return Err(Error::new(
                &INVALID_AMOUNT,
                c.key(),
                format!("{}不能为负数，实为 {d}", c.zh()),
                format!("{} cannot be negative, found {d}", c.en()),
            ));
        }
        costs[idx(c)] = Some(d);
    }
    let rate = insurance_rate(req, v, from, to)?;
    Ok(Input { from, to, amount, currency, costs, rate, mode: v.rules.rounding.value })
}

fn missing(c: Component, from: &TermDef, to: &TermDef) -> Error {
    let extra = if c == Component::Insurance { "（或 insurance_rate）" } else { "" };
    let extra_en = if c == Component::Insurance { " (or insurance_rate)" } else { "" };
    Error::new(
        &MISSING_COMPONENT,
        c.key(),
        format!("{} → {} 需要{}：请给出 {}{extra}", from.code, to.code, c.zh(), c.key()),
        format!("{} → {} needs the {}: give `{}`{extra_en}", from.code, to.code, c.en(), c.key()),
    )
}

fn not_applicable(key: &str, from: &TermDef, to: &TermDef) -> Error {
    Error::new(
        &COMPONENT_NOT_APPLICABLE,
        key,
        format!("{} → {} 的换算不使用 {key}", from.code, to.code),
        format!("a conversion from {} to {} does not use `{key}`", from.code, to.code),
    )
}

fn insurance_rate<'a>(
    req: &ConvertRequest,
    v: &'a Data,
    from: &TermDef,
    to: &TermDef,
) -> Result<Option<InsuranceRate<'a>>> {
    let Some(rate_text) = &req.insurance_rate else {
        for (key, given) in [("markup", req.markup.is_some()), ("convention", req.convention.is_some())] {
            if given {
                return Err(Error::new(
                    &COMPONENT_NOT_APPLICABLE,
                    key,
                    format!("{key} 只与 insurance_rate 一起使用"),
                    format!("`{key}` is only used with `insurance_rate`"),
                ));
            }
        }
        return Ok(None);
    };
    if req.insurance.is_some() {
        return Err(Error::new(
            &COMPONENT_NOT_APPLICABLE,
            "insurance_rate",
            "保险费已按金额给出，不能同时给出费率",
            "insurance is given as an amount: give either `insurance` or `insurance_rate`",
        ));
    }
    let uses = [from, to].into_iter().filter(|t| t.uses(Component::Insurance));
    let mut any = false;
    for t in uses {
        any = true;
        if !t.insurance_by_rate() {
            return Err(Error::new(
                &COMPONENT_NOT_APPLICABLE,
                "insurance_rate",
                format!("{} 的保险费只能按金额给出（insurance）", t.code),
                format!("insurance under {} can only be given as an amount (`insurance`)", t.code),
            ));
        }
    }
    if !any {
        return Err(not_applicable("insurance_rate", from, to));
    }
    let rate = parse_decimal(rate_text, "insurance_rate", &INVALID_RATE)?;
    if rate <= Decimal::ZERO || rate >= Decimal::ONE {
        return Err(bad_rate(
            "insurance_rate",
            &format!("费率须大于 0 且小于 1，实为 {rate}"),
            &format!("the rate must be above 0 and below 1, found {rate}"),
        ));
    }
    let markup = match &req.markup {
        Some(t) => parse_decimal(t, "markup", &INVALID_RATE)?,
        None => v.rules.default_markup.value,
    };
    if markup < Decimal::ONE || markup > Decimal::TEN {
        return Err(bad_rate(
            "markup",
            &format!("加成须在 1 到 10 之间（1.1 = 加一成），实为 {markup}"),
            &format!("the mark-up must be between 1 and 10 (1.1 = 110%), found {markup}"),
        ));
    }
    let code = req.convention.as_deref().unwrap_or(&v.rules.default_convention.value);
    let convention = v.convention(code).ok_or_else(|| {
        let known: Vec<&str> = v.rules.conventions.iter().map(|c| c.code.as_str()).collect();
        Error::new(
            &UNKNOWN_CONVENTION,
            "convention",
            format!("未知保险惯例 `{code}`；可用：{}", known.join("、")),
            format!("unknown insurance convention `{code}`; available: {}", known.join(", ")),
        )
    })?;
    let share = markup.checked_mul(rate).ok_or_else(|| overflow("insurance_rate"))?;
    if convention.basis == PremiumBasis::TermPrice && share >= Decimal::ONE {
        return Err(bad_rate(
            "insurance_rate",
            &format!("加成 × 费率 = {share}，须小于 1"),
            &format!("mark-up × rate = {share} must be below 1"),
        ));
    }
    Ok(Some(InsuranceRate { rate, markup, convention }))
}

fn bad_rate(path: &str, zh: &str, en: &str) -> Error {
    Error::new(&INVALID_RATE, path, zh, en)
}

/// The exact values of a conversion: FOB and the target price, before rounding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exact {
    /// The FOB price.
    pub fob: Decimal,
    /// The target price.
    pub value: Decimal,
    /// The target price rounded once to the currency's minor units.
    pub rounded: Decimal,
}

impl Input<'_> {
    fn cost(&self, c: Component) -> Decimal {
        self.costs[idx(c)].unwrap_or(Decimal::ZERO)
    }
    fn by_rate(&self, t: &TermDef) -> Option<InsuranceRate<'_>> {
        self.rate.filter(|_| t.includes.contains(&Component::Insurance))
    }
    /// Sum of the costs a term adds or removes, without a premium given by rate.
    fn sum(&self, list: &[Component], t: &TermDef, at: &str) -> Result<Decimal> {
        let rated = self.by_rate(t).is_some();
        list.iter()
            .filter(|c| !(rated && **c == Component::Insurance))
            .try_fold(Decimal::ZERO, |acc, c| acc.checked_add(self.cost(*c)).ok_or_else(|| overflow(at)))
    }
    fn share(&self, r: &InsuranceRate<'_>) -> Result<Decimal> {
        r.markup.checked_mul(r.rate).ok_or_else(|| overflow("insurance_rate"))
    }
}

/// Computes FOB and the target price exactly, then rounds once.
pub fn compute(i: &Input<'_>) -> Result<Exact> {
    let bad = || overflow("amount");
    let (from, to) = (i.from, i.to);
    let fob = if !from.excludes.is_empty() {
        i.amount.checked_add(i.sum(&from.excludes, from, "amount")?).ok_or_else(bad)?
    } else {
        let others = i.sum(&from.includes, from, "amount")?;
        let gross = match i.by_rate(from) {
            None => i.amount,
            Some(r) => match r.convention.basis {
                PremiumBasis::TermPrice => i.amount.checked_mul(Decimal::ONE - i.share(&r)?).ok_or_else(bad)?,
                PremiumBasis::CostAndFreight => i.amount.checked_div(Decimal::ONE + i.share(&r)?).ok_or_else(bad)?,
            },
        };
        gross.checked_sub(others).ok_or_else(bad)?
    };
    let value = if !to.excludes.is_empty() {
        fob.checked_sub(i.sum(&to.excludes, to, "amount")?).ok_or_else(bad)?
    } else {
        let base = fob.checked_add(i.sum(&to.includes, to, "amount")?).ok_or_else(bad)?;
        match i.by_rate(to) {
            None => base,
            Some(r) => match r.convention.basis {
                PremiumBasis::TermPrice => base.checked_div(Decimal::ONE - i.share(&r)?).ok_or_else(bad)?,
                PremiumBasis::CostAndFreight => base.checked_mul(Decimal::ONE + i.share(&r)?).ok_or_else(bad)?,
            },
        }
    };
    let rounded = round(value, i.currency, i.mode);
    if fob <= Decimal::ZERO || rounded <= Decimal::ZERO {
        let (what, v) = if fob <= Decimal::ZERO { ("FOB", fob) } else { (to.code.as_str(), value) };
        return Err(Error::new(
            &CONVERSION_NOT_POSITIVE,
            "amount",
            format!("换算得出 {what} = {}：费用超过了价格，请核对金额和费用", show(v)),
            format!("the conversion gives {what} = {}: the costs exceed the price; check the amounts", show(v)),
        ));
    }
    Ok(Exact { fob, value, rounded })
}

/// An exact value for a formula: long quotients are shown to 10 decimals with "≈".
fn show(d: Decimal) -> String {
    let n = d.normalize();
    if n.scale() > 10 {
        format!("≈ {}", n.round_dp(10))
    } else {
        n.to_string()
    }
}

/// Builds one formula in both languages: symbols on the left, numbers on the right.
struct Expr {
    zh: String,
    en: String,
    nums: String,
}

impl Expr {
    fn start(zh: &str, en: &str, num: &str) -> Self {
        Expr { zh: zh.to_string(), en: en.to_string(), nums: num.to_string() }
    }
    fn op(&mut self, op: &str, zh: &str, en: &str, num: &str) {
        for (s, t) in [(&mut self.zh, zh), (&mut self.en, en), (&mut self.nums, num)] {
            s.push_str(op);
            s.push_str(t);
        }
    }
    fn wrap(&mut self) {
        for s in [&mut self.zh, &mut self.en, &mut self.nums] {
            *s = format!("({s})");
        }
    }
    fn finish(self, result: &str, value: Decimal) -> Step {
        let v = show(value);
        let eq = if v.starts_with('≈') { " " } else { " = " };
        let formula = if self.nums == v {
            Message { zh: format!("{result} = {}{eq}{v}", self.zh), en: format!("{result} = {}{eq}{v}", self.en) }
        } else {
            Message {
                zh: format!("{result} = {} = {}{eq}{v}", self.zh, self.nums),
                en: format!("{result} = {} = {}{eq}{v}", self.en, self.nums),
            }
        };
        Step { result: result.to_string(), formula, value }
    }
}

impl Input<'_> {
    /// The components of `list` that appear in the formula: given ones, and required ones.
    fn shown<'t>(&'t self, list: &'t [Component], t: &'t TermDef) -> impl Iterator<Item = Component> + 't {
        let rated = self.by_rate(t).is_some();
        list.iter().copied().filter(move |c| self.costs[idx(*c)].is_some() && !(rated && *c == Component::Insurance))
    }
    fn rate_text(&self, r: &InsuranceRate<'_>, plus: bool) -> (String, String, String) {
        let sign = if plus { "+" } else { "−" };
        (
            format!("(1 {sign} 投保加成 × 保险费率)"),
            format!("(1 {sign} mark-up × insurance rate)"),
            format!("(1 {sign} {} × {})", r.markup, r.rate),
        )
    }
}

/// The steps and the whole formula of a computed conversion.
pub fn explain(i: &Input<'_>, x: &Exact, v: &Data) -> Conversion {
    let (from, to) = (i.from, i.to);
    let mut steps = Vec::with_capacity(2);
    if from.code != "FOB" {
        let mut e = Expr::start(&from.code, &from.code, &i.amount.to_string());
        if !from.excludes.is_empty() {
            for c in i.shown(&from.excludes, from) {
                e.op(" + ", c.zh(), c.en(), &i.cost(c).to_string());
            }
        } else {
            if let Some(r) = i.by_rate(from) {
                let (op, plus) = match r.convention.basis {
                    PremiumBasis::TermPrice => (" × ", false),
                    PremiumBasis::CostAndFreight => (" ÷ ", true),
                };
                let (zh, en, num) = i.rate_text(&r, plus);
                e.op(op, &zh, &en, &num);
            }
            for c in i.shown(&from.includes, from) {
                e.op(" − ", c.zh(), c.en(), &i.cost(c).to_string());
            }
        }
        steps.push(e.finish("FOB", x.fob));
    }
    if to.code != "FOB" || steps.is_empty() {
        let mut e = Expr::start("FOB", "FOB", &show(x.fob));
        if !to.excludes.is_empty() {
            for c in i.shown(&to.excludes, to) {
                e.op(" − ", c.zh(), c.en(), &i.cost(c).to_string());
            }
        } else {
            let mut added = false;
            for c in i.shown(&to.includes, to) {
                e.op(" + ", c.zh(), c.en(), &i.cost(c).to_string());
                added = true;
            }
            if let Some(r) = i.by_rate(to) {
                if added {
                    e.wrap();
                }
                let (op, plus) = match r.convention.basis {
                    PremiumBasis::TermPrice => (" ÷ ", false),
                    PremiumBasis::CostAndFreight => (" × ", true),
                };
                let (zh, en, num) = i.rate_text(&r, plus);
                e.op(op, &zh, &en, &num);
            }
        }
        steps.push(e.finish(&to.code, x.value));
    }
    let c = i.currency;
    let dp = c.minor_units;
    let rounding_zh = format!("最后一次性{}保留 {dp} 位小数（{}）：{} = {}", i.mode.zh(), c.code, to.code, x.rounded);
    let rounding_en =
        format!("rounded once at the end, {}, to {dp} decimals ({}): {} = {}", i.mode.en(), c.code, to.code, x.rounded);
    let zh = steps.iter().map(|s| s.formula.zh.as_str()).chain([rounding_zh.as_str()]).collect::<Vec<_>>().join("；");
    let en = steps.iter().map(|s| s.formula.en.as_str()).chain([rounding_en.as_str()]).collect::<Vec<_>>().join("; ");
    Conversion {
        value: x.rounded,
        currency: c.code.clone(),
        term: from.code.clone(),
        to: to.code.clone(),
        formula: Message { zh, en },
        steps,
        rounding: Rounding { mode: i.mode, decimals: dp, source: format!("{}; {}", v.rules.rounding.source, c.source) },
        convention: i.rate.map(|r| r.convention.code.clone()),
    }
}

/// One goods item's values as the check derives them.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemValues {
    /// The item number.
    pub item_no: u32,
    /// FOB value as given.
    #[serde(default)]
    pub fob: Option<Money>,
    /// FOB value in the total's currency, rounded on its own (for display: the total is not the sum of these).
    #[serde(default)]
    pub fob_in_total_currency: Option<Decimal>,
    /// EXW value as given.
    #[serde(default)]
    pub exw: Option<Money>,
    /// EXW value in the total's currency, rounded on its own.
    #[serde(default)]
    pub exw_in_total_currency: Option<Decimal>,
}

/// What the valuation check derives: the trade term, the FOB total (FAQ Q109) and each item's values.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Valuation {
    /// The invoice's trade term normalised to Incoterms 2020, when known.
    #[serde(default)]
    pub trade_term: Option<String>,
    /// Currency of the FOB total.
    pub currency: String,
    /// `auto` or `manual` (FAQ Q109).
    pub mode: TotalMode,
    /// The items' FOB values summed at the certificate's exchange rates, rounded once;
    /// absent when a value cannot be converted.
    #[serde(default)]
    pub fob_total_auto: Option<Decimal>,
    /// The total in force: the automatic sum, or the manual amount in `manual` mode.
    #[serde(default)]
    pub fob_total: Option<Decimal>,
    /// Each goods item's values, in item order.
    pub items: Vec<ItemValues>,
    /// How totals are rounded, when the total's currency is known.
    #[serde(default)]
    pub rounding: Option<Rounding>,
}

/// Sums money in several currencies into one: each currency's exact subtotal is converted once
/// and the sum rounded once, so the result does not depend on the order of the amounts.
///
/// `Err` names the first currency without a usable rate.
pub fn total<'a>(
    amounts: impl IntoIterator<Item = (&'a str, Decimal)>,
    to: &CurrencyInfo,
    rates: &[ExchangeRate],
    mode: RoundingMode,
) -> std::result::Result<Decimal, TotalError<'a>> {
    let mut by_currency: std::collections::BTreeMap<&'a str, Decimal> = std::collections::BTreeMap::new();
    for (c, a) in amounts {
        let slot = by_currency.entry(c).or_default();
        *slot = slot.checked_add(a).ok_or(TotalError::Overflow)?;
    }
    let mut sum = Decimal::ZERO;
    for (c, subtotal) in by_currency {
        let converted = exchange(subtotal, c, &to.code, rates).ok_or(TotalError::NoRate(c))?;
        sum = sum.checked_add(converted).ok_or(TotalError::Overflow)?;
    }
    Ok(round(sum, to, mode))
}

/// Why a [`total`] could not be formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotalError<'a> {
    /// No usable exchange rate from this currency to the total's.
    NoRate(&'a str),
    /// The sum is beyond 28 significant digits.
    Overflow,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn rb() -> Rulebook {
        Rulebook::builtin().unwrap()
    }

    fn req(term: &str, amount: &str) -> ConvertRequest {
        ConvertRequest { term: term.into(), amount: amount.into(), currency: "USD".into(), ..Default::default() }
    }

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn textbook_cfr_to_cif_with_markup_and_premium() {
        // CIF = CFR ÷ (1 − 110% × 1%) = 100 ÷ 0.989 = 101.11
        let r = ConvertRequest { to: Some("CIF".into()), insurance_rate: Some("0.01".into()), ..req("CFR", "100") };
        let c = convert_request(&r, &rb()).unwrap();
        assert_eq!(c.value.to_string(), "101.11");
        assert!(c.formula.en.contains("100 ÷ (1 − 1.1 × 0.01)"), "{}", c.formula.en);
        assert!(c.formula.zh.contains("四舍五入保留 2 位小数"), "{}", c.formula.zh);
        assert_eq!(c.convention.as_deref(), Some("cif_markup"));
    }

    #[test]
    fn every_term_converts_to_fob() {
        let cases = [
            ("EXW", vec![("inland", "120"), ("loading", "30")], "1150.00"),
            ("FCA", vec![("loading", "30")], "1030.00"),
            ("FAS", vec![("loading", "30")], "1030.00"),
            ("FOB", vec![], "1000.00"),
            ("CFR", vec![("freight", "100")], "900.00"),
            ("CPT", vec![("freight", "100")], "900.00"),
            ("CIF", vec![("freight", "100"), ("insurance", "5")], "895.00"),
            ("CIP", vec![("freight", "100"), ("insurance", "5")], "895.00"),
            ("DAP", vec![("freight", "100")], "900.00"),
            ("DPU", vec![("freight", "100"), ("destination", "20")], "880.00"),
            ("DDP", vec![("freight", "100"), ("destination", "20"), ("duties", "80")], "800.00"),
        ];
        for (term, costs, want) in cases {
            let mut r = req(term, "1000");
            for (k, v) in costs {
                let v = Some(v.to_string());
                match k {
                    "inland" => r.inland = v,
                    "loading" => r.loading = v,
                    "freight" => r.freight = v,
                    "insurance" => r.insurance = v,
                    "destination" => r.destination = v,
                    _ => r.duties = v,
                }
            }
            let c = convert_request(&r, &rb()).unwrap_or_else(|e| panic!("{term}: {e}"));
            assert_eq!(c.value.to_string(), want, "{term}: {}", c.formula.en);
        }
    }

    #[test]
    fn legacy_spellings_normalise() {
        let v = rb();
        for (typed, code) in [
            ("C&F", "CFR"),
            ("cnf", "CFR"),
            ("C+F", "CFR"),
            ("c and f", "CFR"),
            ("F.O.B.", "FOB"),
            ("FOB NINGBO", "FOB"),
            ("DAT", "DPU"),
            ("DDU", "DAP"),
            ("到岸价", "CIF"),
        ] {
            assert_eq!(v.valuation().term(typed).map(|t| t.code.as_str()), Some(code), "{typed}");
        }
        let e = convert_request(&req("CNI", "1"), &v).unwrap_err();
        assert_eq!((e.code, e.path.as_str()), ("unknown_term", "term"));
        assert!(e.message.en.contains("EXW, FCA, FAS, FOB, CFR, CIF, CPT, CIP, DAP, DPU, DDP"), "{}", e.message.en);
    }

    #[test]
    fn bad_inputs_are_errors_with_paths() {
        let v = rb();
        let cases: Vec<(ConvertRequest, &str, &str)> = vec![
            (req("FOB", "10.001"), "invalid_amount", "amount"),
            (ConvertRequest { currency: "JPY".into(), ..req("FOB", "10.5") }, "invalid_amount", "amount"),
            (req("FOB", "1234567890123456789012345678901234567890"), "invalid_amount", "amount"),
            (req("FOB", "0"), "invalid_amount", "amount"),
            (req("FOB", "-5"), "invalid_amount", "amount"),
            (ConvertRequest { currency: "XYZ".into(), ..req("FOB", "1") }, "unknown_currency_code", "currency"),
            (req("CIF", "100"), "missing_component", "freight"),
            (ConvertRequest { freight: Some("1".into()), ..req("CIF", "100") }, "missing_component", "insurance"),
            (ConvertRequest { freight: Some("1".into()), ..req("FOB", "100") }, "component_not_applicable", "freight"),
            (
                ConvertRequest { freight: Some("1".into()), insurance_rate: Some("0".into()), ..req("CIF", "100") },
                "invalid_rate",
                "insurance_rate",
            ),
            (
                ConvertRequest { freight: Some("1".into()), insurance_rate: Some("-0.1".into()), ..req("CIF", "100") },
                "invalid_rate",
                "insurance_rate",
            ),
            (
                ConvertRequest {
                    freight: Some("1".into()),
                    insurance_rate: Some("0.01".into()),
                    markup: Some("0".into()),
                    ..req("CIF", "100")
                },
                "invalid_rate",
                "markup",
            ),
            (
                ConvertRequest {
                    freight: Some("1".into()),
                    insurance_rate: Some("0.01".into()),
                    convention: Some("x".into()),
                    ..req("CIF", "100")
                },
                "unknown_convention",
                "convention",
            ),
            (
                ConvertRequest {
                    freight: Some("1".into()),
                    insurance: Some("1".into()),
                    insurance_rate: Some("0.01".into()),
                    ..req("CIF", "100")
                },
                "component_not_applicable",
                "insurance_rate",
            ),
            (
                ConvertRequest { freight: Some("1".into()), insurance_rate: Some("0.01".into()), ..req("DAP", "100") },
                "component_not_applicable",
                "insurance_rate",
            ),
            (ConvertRequest { freight: Some("1.005".into()), ..req("CFR", "100") }, "invalid_amount", "freight"),
            (ConvertRequest { freight: Some("-1".into()), ..req("CFR", "100") }, "invalid_amount", "freight"),
            (ConvertRequest { freight: Some("100".into()), ..req("CFR", "100") }, "conversion_not_positive", "amount"),
            (
                ConvertRequest { to: Some("EXW".into()), inland: Some("200".into()), ..req("FOB", "100") },
                "conversion_not_positive",
                "amount",
            ),
            (
                ConvertRequest { inland: Some("1".into()), ..req("EXW", "79228162514264337593543950335") },
                "invalid_amount",
                "amount",
            ),
        ];
        for (r, code, path) in cases {
            match convert_request(&r, &v) {
                Ok(c) => panic!("{r:?} gave {}", c.value),
                Err(e) => assert_eq!((e.code, e.path.as_str()), (code, path), "{r:?}: {}", e.message.en),
            }
        }
    }

    #[test]
    fn rounding_follows_the_currency() {
        let r = ConvertRequest {
            currency: "JPY".into(),
            freight: Some("333".into()),
            insurance_rate: Some("0.003".into()),
            ..req("CIF", "100000")
        };
        assert_eq!(convert_request(&r, &rb()).unwrap().value.to_string(), "99337");
        let r = ConvertRequest { currency: "KWD".into(), ..req("FOB", "1.234") };
        assert_eq!(convert_request(&r, &rb()).unwrap().value.to_string(), "1.234");
    }

    #[test]
    fn conventions_differ_and_are_selectable() {
        let base =
            ConvertRequest { freight: Some("500".into()), insurance_rate: Some("0.003".into()), ..req("CIF", "10000") };
        let cif = convert_request(&base, &rb()).unwrap();
        let cfr = convert_request(&ConvertRequest { convention: Some("cfr_markup".into()), ..base }, &rb()).unwrap();
        assert_eq!(cif.value.to_string(), "9467.00");
        // 10000 ÷ 1.0033 − 500 = 9467.108...
        assert_eq!(cfr.value.to_string(), "9467.11");
        assert_eq!(cfr.convention.as_deref(), Some("cfr_markup"));
    }

    fn rates() -> Vec<ExchangeRate> {
        serde_json::from_str(r#"[{"from":"EUR","to":"USD","rate":"1.0832"},{"from":"USD","to":"CNY","rate":"7.1"}]"#)
            .unwrap()
    }

    #[test]
    fn exchange_uses_direct_or_inverse_rates() {
        assert_eq!(exchange(d("100"), "EUR", "USD", &rates()), Some(d("108.32")));
        assert_eq!(exchange(d("71"), "CNY", "USD", &rates()), Some(d("10")));
        assert_eq!(exchange(d("1"), "JPY", "USD", &rates()), None);
    }

    proptest! {
        #[test]
        fn cif_to_fob_to_cif_returns_within_one_minor_unit(
            cents in 10_000i64..10_000_000_000, freight_pct in 0u32..40, rate_bp in 1u32..500, markup_pct in 100u32..150,
            cfr in any::<bool>(),
        ) {
            let v = rb();
            let amount = Decimal::new(cents, 2);
            let freight = (amount * Decimal::new(freight_pct.into(), 2)).round_dp(2);
            let common = |term: &str, amount: Decimal, to: &str| ConvertRequest {
                term: term.into(), amount: amount.to_string(), currency: "USD".into(), to: Some(to.into()),
                freight: Some(freight.to_string()), insurance_rate: Some(Decimal::new(rate_bp.into(), 4).to_string()),
                markup: Some(Decimal::new(markup_pct.into(), 2).to_string()),
                convention: Some(if cfr { "cfr_markup" } else { "cif_markup" }.into()), ..Default::default()
            };
            let fob = convert_request(&common("CIF", amount, "FOB"), &v).unwrap().value;
            let back = convert_request(&common("FOB", fob, "CIF"), &v).unwrap().value;
            prop_assert!((back - amount).abs() <= Decimal::new(1, 2), "{amount} -> {fob} -> {back}");
        }

        #[test]
        fn conversions_never_go_negative(cents in 1i64..1_000_000, freight_cents in 0i64..2_000_000) {
            let r = ConvertRequest { freight: Some(Decimal::new(freight_cents, 2).to_string()), ..req("CFR", &Decimal::new(cents, 2).to_string()) };
            match convert_request(&r, &rb()) {
                Ok(c) => prop_assert!(c.value > Decimal::ZERO),
                Err(e) => prop_assert_eq!(e.code, "conversion_not_positive"),
            }
        }

        #[test]
        fn totals_do_not_depend_on_item_order(
            items in proptest::collection::vec((0usize..3, 1i64..100_000_000), 1..60), seed in any::<u64>(),
        ) {
            let v = rb();
            let usd = v.valuation().currency("USD").unwrap();
            let codes = ["USD", "EUR", "CNY"];
            let amounts: Vec<(&str, Decimal)> = items.iter().map(|(c, a)| (codes[*c], Decimal::new(*a, 2))).collect();
            let mut shuffled = amounts.clone();
            let n = shuffled.len();
            for i in (1..n).rev() {
                let j = (seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64) % (i as u64 + 1)) as usize;
                shuffled.swap(i, j);
            }
            let a = total(amounts, usd, &rates(), RoundingMode::HalfUp).unwrap();
            let b = total(shuffled, usd, &rates(), RoundingMode::HalfUp).unwrap();
            prop_assert_eq!(a, b);
        }
    }
}
