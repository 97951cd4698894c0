//! Origin determination: which criterion an agreement prints for a product, and why.
//!
//! The CCPIT system decides the origin criterion itself from the destination, the agreement and
//! the product pre-review (FAQ Q20, Q77); so does [`determine`], returning the decision with a
//! trace of every step (each material, each test, each number). Rules are data: each
//! agreement's general rule, the product-specific tables `psr/<agreement>.csv` (longest HS
//! prefix wins), the minimal operations and the printed codes live in the rulebook.

pub mod annex;
mod eval;
pub mod import;
#[cfg(test)]
mod sources;
#[cfg(test)]
pub(crate) mod tests;
mod text;
pub mod wording;

pub use crate::rulebook::{expr, psr};
pub use psr::{InForceOn, PsrTable, Tables};

use crate::error::{Error, Result};
use crate::finding::Message;
use crate::model::{Country, MaterialOrigin, Product};
use crate::rulebook::{Agreement, CertificateKind, Rulebook, Status};
use chrono::NaiveDate;
use eval::{Facts, MaterialFacts, Verdict};
use expr::{Rule, Test};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use text::Text;

/// One step of a determination's trace.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceStep {
    /// What the step is: `material`, `gate`, `rule`, `test`, `value`, `de_minimis`, `or`, `and`,
    /// `accumulation`, `criterion`, `manufacture`.
    pub kind: &'static str,
    /// The rule or test the step belongs to, as written.
    pub rule: Option<String>,
    /// Index of the material in the bill of materials.
    pub material: Option<usize>,
    /// Whether the step's test is met; absent for information.
    pub passed: Option<bool>,
    values: Values,
    text: Text,
}

/// A step's numbers: most steps have none or one, so one is kept inline.
#[derive(Debug, Clone, PartialEq)]
enum Values {
    One((&'static str, Decimal)),
    Many(Vec<(&'static str, Decimal)>),
}

impl TraceStep {
    pub(crate) fn new(kind: &'static str, rule: Option<&Rule>, passed: Option<bool>) -> TraceStep {
        TraceStep {
            kind,
            rule: rule.map(Rule::to_string),
            material: None,
            passed,
            values: Values::Many(Vec::new()),
            text: Text::Fixed("", ""),
        }
    }
    /// A message formatted now (for steps written once per determination).
    pub(crate) fn msg(self, zh: impl Into<String>, en: impl Into<String>) -> TraceStep {
        self.text(Text::Owned(Message { zh: zh.into(), en: en.into() }))
    }
    /// A fixed message.
    pub(crate) fn fixed(self, zh: &'static str, en: &'static str) -> TraceStep {
        self.text(Text::Fixed(zh, en))
    }
    pub(crate) fn text(mut self, text: Text) -> TraceStep {
        self.text = text;
        self
    }
    /// A step about material `i` worth `value`, built in one piece (there are two per material).
    pub(crate) fn material(i: usize, passed: bool, value: Decimal, text: Text) -> TraceStep {
        TraceStep {
            kind: "material",
            rule: None,
            material: Some(i),
            passed: Some(passed),
            values: Values::One(("value", value)),
            text,
        }
    }
    pub(crate) fn push(&mut self, key: &'static str, value: Decimal) {
        match &mut self.values {
            Values::Many(v) if v.is_empty() => self.values = Values::One((key, value)),
            Values::Many(v) => v.push((key, value)),
            Values::One(first) => {
                let mut v = Vec::with_capacity(8);
                v.extend([*first, (key, value)]);
                self.values = Values::Many(v);
            }
        }
    }
    /// The numbers used, in order (exact decimals).
    pub fn values(&self) -> &[(&'static str, Decimal)] {
        match &self.values {
            Values::One(v) => std::slice::from_ref(v),
            Values::Many(v) => v,
        }
    }
    /// What happened, for people.
    pub fn message(&self) -> Message {
        self.text.render(self.values())
    }
}

/// Serialised as `{kind, rule?, material?, passed?, values?, message}`, the values as a JSON
/// object in insertion order; the message is rendered here.
impl Serialize for TraceStep {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeStruct};
        struct Map<'a>(&'a [(&'static str, Decimal)]);
        impl Serialize for Map<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.0.len()))?;
                for (k, v) in self.0 {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
        let values = self.values();
        let mut st = s.serialize_struct("TraceStep", 6)?;
        st.serialize_field("kind", self.kind)?;
        match &self.rule {
            Some(r) => st.serialize_field("rule", r)?,
            None => st.skip_field("rule")?,
        }
        match &self.material {
            Some(m) => st.serialize_field("material", m)?,
            None => st.skip_field("material")?,
        }
        match &self.passed {
            Some(p) => st.serialize_field("passed", p)?,
            None => st.skip_field("passed")?,
        }
        if values.is_empty() {
            st.skip_field("values")?;
        } else {
            st.serialize_field("values", &Map(values))?;
        }
        st.serialize_field("message", &self.message())?;
        st.end()
    }
}

/// The shape [`TraceStep`]'s hand-written `Serialize` writes, for its JSON Schema.
#[derive(JsonSchema)]
#[schemars(rename = "TraceStep")]
#[allow(dead_code)]
struct TraceStepShape {
    /// What the step is: `material`, `gate`, `rule`, `test`, `value`, `de_minimis`, `or`, `and`,
    /// `accumulation`, `criterion`, `manufacture`.
    kind: String,
    /// The rule or test the step belongs to, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<String>,
    /// Index of the material in the bill of materials.
    #[serde(skip_serializing_if = "Option::is_none")]
    material: Option<usize>,
    /// Whether the step's test is met; absent for information.
    #[serde(skip_serializing_if = "Option::is_none")]
    passed: Option<bool>,
    /// The step's numbers by name (exact decimals).
    #[serde(skip_serializing_if = "Option::is_none")]
    values: Option<BTreeMap<String, Decimal>>,
    /// What the step found, in Chinese and English.
    message: Message,
}

impl JsonSchema for TraceStep {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        TraceStepShape::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        TraceStepShape::json_schema(generator)
    }
}

/// The rule a determination applied.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct AppliedRule {
    /// The rule as written.
    pub text: String,
    /// `psr` (product-specific row) or `general` (the agreement's general rule).
    pub kind: String,
    /// The PSR row's HS prefix.
    pub hs_prefix: Option<String>,
    /// Where the rule comes from.
    pub source: String,
}

/// The origin decision for one product under one agreement.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Determination {
    /// Agreement code.
    pub agreement: String,
    /// The pre-review's id.
    pub product: String,
    /// The product originates under the agreement.
    pub originating: bool,
    /// The origin criterion exactly as printed (lines joined by a space), when there is one.
    pub criterion: Option<String>,
    /// The printed criterion line by line (RCEP prints ACU/DMI on extra lines).
    pub criterion_lines: Vec<String>,
    /// How certain the printed code is: `unconfirmed` when the agreement's codes are not sourced.
    pub criterion_status: Status,
    /// Why the product originates: `wo`, `pe`, `cr`, `general_ctc`, `general_rvc`, `psr_ctc`, `psr_rvc`.
    pub outcome: Option<String>,
    /// The rule applied.
    pub rule: Option<AppliedRule>,
    /// Regional value content in percent, exact (28 significant digits), of the value test used.
    pub rvc: Option<Decimal>,
    /// Non-originating materials in percent of the price, exact.
    pub non_originating_share: Option<Decimal>,
    /// The percentage as printed in the criterion.
    pub printed_percent: Option<Decimal>,
    /// How the printed percentage was rounded, with its source.
    pub rounding: Option<String>,
    /// Materials of other parties were needed (accumulation; RCEP `ACU`, APTA `C`).
    pub accumulation: bool,
    /// De minimis was needed for a tariff-change test (RCEP `DMI`).
    pub de_minimis: bool,
    /// FOB display on the form: `auto` (shown by the system) or `required` (the exporter must tick it), FAQ Q107.
    pub fob: Option<String>,
    /// Processing certificate box 11: the country with the largest material share (FAQ Q40).
    pub manufacture_country: Option<Country>,
    /// Processing steps must be shown: the product is on the Order 122 list (FAQ Q104).
    pub processing_required: bool,
    /// What the reader should know (unanswered questions, unconfirmed codes...).
    pub notes: Vec<Message>,
    /// Every step, in order.
    pub trace: Vec<TraceStep>,
}

/// One goods item's origin as derived by `check`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemOrigin {
    /// Index of the goods item.
    pub item: usize,
    /// The item's pre-review reference.
    pub product_ref: Option<String>,
    /// The product originates; absent when no determination was possible.
    pub originating: Option<bool>,
    /// The origin criterion as printed.
    pub criterion: Option<String>,
    /// How certain the printed code is.
    pub criterion_status: Option<Status>,
    /// FOB must be shown for this item (FAQ Q107).
    pub show_fob: bool,
    /// Processing certificate box 11 country (FAQ Q40).
    pub manufacture_country: Option<Country>,
    /// Exact regional value content in percent, when a value test decided.
    pub rvc: Option<Decimal>,
}

fn bad(path: String, zh: String, en: String) -> Error {
    Error::new(&crate::error::codes::PRODUCT_INVALID, path, zh, en)
}

/// Refuses products no rule can be applied to: non-positive values, materials worth more than
/// the product, unknown minimal-operation codes, too many materials.
pub fn validate(p: &Product, rb: &Rulebook) -> Result<()> {
    let max = rb.limits().max_materials;
    if p.materials.len() > max {
        return Err(Error::new(
            &crate::error::codes::TOO_MANY_MATERIALS,
            "product.materials",
            format!("原材料有 {} 项，超过上限 {max}", p.materials.len()),
            format!("{} materials, more than the limit of {max}", p.materials.len()),
        ));
    }
    for (name, v) in [("unit_fob", p.unit_fob), ("unit_exw", p.unit_exw)] {
        if v.is_some_and(|v| v <= Decimal::ZERO) {
            return Err(bad(
                format!("product.{name}"),
                format!("{name} 必须大于零"),
                format!("{name} must be above zero"),
            ));
        }
    }
    if let Some(c) = &p.costs {
        if [c.direct_labour, c.direct_overhead, c.profit, c.other].iter().any(|v| *v < Decimal::ZERO) {
            return Err(bad("product.costs".into(), "成本不能为负".into(), "costs must not be negative".into()));
        }
    }
    for (i, m) in p.materials.iter().enumerate() {
        if m.value <= Decimal::ZERO {
            return Err(bad(
                format!("product.materials[{i}].value"),
                format!("原材料“{}”的价值必须大于零", m.name),
                format!("material `{}` must have a value above zero", m.name),
            ));
        }
    }
    let total = eval::sum(p.materials.iter().map(|m| m.value))?;
    let price = p.unit_fob.into_iter().chain(p.unit_exw).max();
    if let Some(price) = price {
        if total > price {
            return Err(bad(
                "product.materials".into(),
                format!("原材料合计 {total} 超过产品单价 {price}"),
                format!("materials total {total}, more than the product's unit price {price}"),
            ));
        }
    }
    for (i, code) in p.minimal_operations.iter().flatten().enumerate() {
        if !rb.origin().knows_operation(code) {
            return Err(bad(
                format!("product.minimal_operations[{i}]"),
                format!("未知微小加工代码 `{code}`"),
                format!("unknown minimal-operation code `{code}` (see lists/minimal_operations.csv)"),
            ));
        }
    }
    Ok(())
}

/// Whether an agreement covers a destination.
pub fn covers(a: &Agreement, destination: &Country) -> bool {
    a.parties.value.iter().any(|p| p == "*" || p == destination.as_str())
}

/// Decides the product's origin under an agreement, with the printed criterion and the trace.
/// `day` picks the agreement's product-specific-rule table in force that day (a certificate's
/// export date); without it the most recent table applies, and the determination says so.
pub fn determine(
    p: &Product,
    a: &Agreement,
    rb: &Rulebook,
    destination: Option<&Country>,
    day: Option<NaiveDate>,
) -> Result<Determination> {
    let choice = rb.origin().psr_on(&a.code, day)?;
    decide(p, a, rb, destination, choice.table(), table_message(a, choice))
}

/// Says which of an agreement's dated tables applies, and why: nothing to say when the agreement
/// has one undated table (or none).
fn table_message(a: &Agreement, choice: InForceOn<'_>) -> Option<Message> {
    let dates = |t: &PsrTable| {
        let f = t.in_force();
        let (zh, en) = match f.status {
            Status::Confirmed => (String::new(), String::new()),
            s => ("，日期依据不完整".to_string(), format!(", {}", status_word(s))),
        };
        (
            format!("{}（{}{zh}；{}）", t.name(), f.period(), f.source),
            format!("{} ({}{en}; {})", t.name(), f.period(), f.source),
        )
    };
    match choice {
        InForceOn::NoTable | InForceOn::Only(_) => None,
        InForceOn::OnDay(t, day) => {
            let (zh, en) = dates(t);
            Some(Message {
                zh: format!("{day} 适用的产品特定规则表：{zh}"),
                en: format!("product-specific table in force on {day}: {en}"),
            })
        }
        InForceOn::Latest(t) => {
            let (zh, en) = dates(t);
            Some(Message {
                zh: format!("未给出日期：适用最新的产品特定规则表 {zh}；请给出证书的出口日期以选用当时有效的规则表"),
                en: format!("no date given: the most recent product-specific table applies, {en}; give the certificate's export date to pick the table in force then"),
            })
        }
        InForceOn::NoneOnDay(day) => Some(Message {
            zh: format!("{day} 没有有效的{}产品特定规则表", a.name.value.zh),
            en: format!("no product-specific table of {} is in force on {day}", a.name.value.en),
        }),
    }
}

/// [`determine`] with `psr` as the agreement's product-specific-rule table in place of the
/// rulebook's (a host trying its own rows; `None` = the general rule only).
///
/// The steps: the materials as the rules see them, the gates that decide without a rule (wholly
/// obtained, minimal operations, produced entirely from originating materials), the rule that
/// applies (the product's row, else the general rule), and that rule's alternatives evaluated.
pub fn determine_with(
    p: &Product,
    a: &Agreement,
    rb: &Rulebook,
    destination: Option<&Country>,
    psr: Option<&PsrTable>,
) -> Result<Determination> {
    decide(p, a, rb, destination, psr, None)
}

/// The determination with `psr` as the table, `table` saying why that table applies.
fn decide(
    p: &Product,
    a: &Agreement,
    rb: &Rulebook,
    destination: Option<&Country>,
    psr: Option<&PsrTable>,
    table: Option<Message>,
) -> Result<Determination> {
    validate(p, rb)?;
    let tables = rb.origin();
    let mut d = Determination::undecided(p, a);
    if let Some(dest) = destination.filter(|c| !covers(a, c)) {
        d.notes.push(Message {
            zh: format!("{} 不是{}的进口方", dest, a.name.value.zh),
            en: format!("{dest} is not an importing party of {}", a.name.value.en),
        });
    }
    let facts = Facts {
        product: p,
        materials: material_facts(p, a, &mut d),
        basis: a.valuation_basis.value,
        de_minimis: a.de_minimis.value.as_ref(),
        de_minimis_source: &a.de_minimis.source,
    };
    if a.kind == CertificateKind::Processing {
        processing(p, tables, &mut d)?;
    }
    if decided_without_rule(p, a, tables, &facts, &mut d) {
        return Ok(d);
    }
    if let Some(m) = table {
        d.trace.push(TraceStep::new("rule", None, None).msg(m.zh.clone(), m.en.clone()));
        d.notes.push(m);
    }
    let Some((rule, applied)) = rule_for(p, a, rb, psr, &mut d)? else { return Ok(d) };
    apply(&rule, applied, a, tables, &facts, &mut d)?;
    Ok(d)
}

impl Determination {
    /// Nothing decided yet: not originating, no criterion, an empty trace.
    fn undecided(p: &Product, a: &Agreement) -> Determination {
        Determination {
            agreement: a.code.clone(),
            product: p.id.clone(),
            originating: false,
            criterion: None,
            criterion_lines: Vec::new(),
            criterion_status: a.criteria.status,
            outcome: None,
            rule: None,
            rvc: None,
            non_originating_share: None,
            printed_percent: None,
            rounding: None,
            accumulation: false,
            de_minimis: false,
            fob: None,
            manufacture_country: None,
            processing_required: false,
            notes: Vec::new(),
            trace: Vec::with_capacity(2 * p.materials.len() + 8),
        }
    }
}

/// The materials as the rules see them (Chinese, of a cumulation party, foreign or unknown), each
/// traced.
fn material_facts<'p>(p: &'p Product, a: &Agreement, d: &mut Determination) -> Vec<MaterialFacts<'p>> {
    let china = Country::china();
    p.materials
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let (status, origin) = match &m.origin {
                MaterialOrigin::Country(c) if *c == china => (text::Status::Domestic, c.as_str()),
                MaterialOrigin::Country(c) if a.cumulation.value.iter().any(|x| x == c.as_str()) => {
                    (text::Status::Party, c.as_str())
                }
                MaterialOrigin::Country(c) => (text::Status::Foreign, c.as_str()),
                MaterialOrigin::Unknown => (text::Status::Unknown, ""),
            };
            let (domestic, party) = (status == text::Status::Domestic, status == text::Status::Party);
            let name: std::sync::Arc<str> = m.name.as_str().into();
            let text = Text::Material { name: name.clone(), origin: text::Code::new(origin), status };
            d.trace.push(TraceStep::material(i, domestic || party, m.value, text));
            MaterialFacts { name, value: m.value, hs: m.hs_code.as_ref(), domestic, party }
        })
        .collect()
}

/// The gates that decide before any rule: a wholly obtained product, minimal operations on
/// foreign materials (no origin), a product produced entirely from originating materials. True
/// when one of them decided.
fn decided_without_rule(p: &Product, a: &Agreement, tables: &Tables, facts: &Facts<'_>, d: &mut Determination) -> bool {
    if p.wholly_obtained {
        d.trace.push(
            TraceStep::new("test", None, Some(true))
                .fixed("预审声明完全获得", "the pre-review declares the product wholly obtained"),
        );
        d.originating = true;
        print(d, a, tables, "wo", &Verdict { passed: true, ..Verdict::default() });
        return true;
    }
    // FAQ Q110 asks about every product with a material from outside China, whether or not
    // accumulation makes that material originating: minimal operations confer no origin either way.
    let foreign = facts.materials.iter().any(|m| !m.originating(false));
    if foreign && minimal_only(p, a, tables, d) {
        return true;
    }
    let non_originating = facts.materials.iter().any(|m| !m.originating(true));
    if !non_originating && prints(a, tables, "pe") {
        d.accumulation = foreign;
        d.trace.push(
            TraceStep::new("test", None, Some(true))
                .fixed("全部原材料均为原产", "every material originates: produced entirely"),
        );
        d.originating = true;
        print(d, a, tables, "pe", &Verdict { passed: true, ..Verdict::default() });
        return true;
    }
    false
}

/// The rule that applies: the product's row of the table when its HS edition matches, else the
/// agreement's general rule; traced. `None` (with a note) when there is neither.
fn rule_for<'t>(
    p: &Product,
    a: &Agreement,
    rb: &Rulebook,
    psr: Option<&'t PsrTable>,
    d: &mut Determination,
) -> Result<Option<(Cow<'t, Rule>, AppliedRule)>> {
    let hs = p.hs_code.digits();
    let row = psr.and_then(|t| t.lookup(hs).map(|row| (t, row)));
    if let Some((t, row)) = row {
        if !same_edition(p, t, row, d) {
            return Ok(None);
        }
    }
    let chosen = match row.map(|(_, row)| row) {
        Some(row) => {
            let applied = AppliedRule {
                text: row.text.clone(),
                kind: "psr".into(),
                hs_prefix: Some(row.hs_prefix.clone()),
                source: row.source.clone(),
            };
            (Cow::Borrowed(&row.rule), applied)
        }
        None => {
            let Some(rule) = rb.origin().general_rule(a, rb.limits().max_rule_chars)? else {
                d.notes.push(Message {
                    zh: format!("HS {hs} 没有产品特定原产地规则，协定也没有一般规则：无法判定"),
                    en: format!(
                        "no product-specific rule for HS {hs} and no general rule: origin cannot be determined"
                    ),
                });
                return Ok(None);
            };
            let applied = AppliedRule {
                text: rule.to_string(),
                kind: "general".into(),
                hs_prefix: None,
                source: a.general_rule.source.clone(),
            };
            (Cow::Owned(rule), applied)
        }
    };
    let by_psr = chosen.1.kind == "psr";
    let (zh_kind, en_kind) =
        if by_psr { ("产品特定规则", "product-specific") } else { ("一般规则", "general") };
    let applied = &chosen.1;
    let mut step = TraceStep::new("rule", None, None).msg(
        format!("适用{zh_kind}：{}（{}）", applied.text, applied.source),
        format!("applying the {en_kind} rule {} ({})", applied.text, applied.source),
    );
    step.rule = Some(applied.text.clone());
    d.trace.push(step);
    Ok(Some(chosen))
}

/// Evaluates the rule's alternatives: the first that passes decides the criterion, the value
/// figures come from the first value test met (else the first evaluated), and accumulation is
/// recorded when the alternative passes only by counting other parties' materials.
fn apply(
    rule: &Rule,
    applied: AppliedRule,
    a: &Agreement,
    tables: &Tables,
    facts: &Facts<'_>,
    d: &mut Determination,
) -> Result<()> {
    let by_psr = applied.kind == "psr";
    d.rule = Some(applied);
    let alternatives: &[Rule] = match rule {
        Rule::Or { rules } => rules,
        other => std::slice::from_ref(other),
    };
    let mut chosen: Option<(&Rule, Verdict)> = None;
    for alt in alternatives {
        let verdict = eval::eval(alt, facts, true, &mut d.trace)?;
        if d.rvc.is_none() {
            d.rvc = verdict.rvc;
            d.non_originating_share = verdict.nm;
        }
        if verdict.passed && chosen.is_none() {
            chosen = Some((alt, verdict));
        }
    }
    let Some((alt, verdict)) = chosen else {
        d.trace.push(
            TraceStep::new("rule", Some(rule), Some(false))
                .fixed("不满足原产地规则：非原产", "the rule is not met: not originating"),
        );
        return Ok(());
    };
    d.originating = true;
    if verdict.rvc.is_some() {
        d.rvc = verdict.rvc;
        d.non_originating_share = verdict.nm;
    }
    if facts.materials.iter().any(|m| m.party && !m.domestic) {
        let mut scratch = Vec::new();
        d.accumulation = !eval::eval(alt, facts, false, &mut scratch)?.passed;
        d.trace.push(TraceStep::new("accumulation", Some(alt), Some(true)).fixed(
            if d.accumulation { "须累积其他成员方原产材料方满足" } else { "不累积也满足" },
            if d.accumulation {
                "met only by counting other parties' materials (accumulation)"
            } else {
                "met without accumulation"
            },
        ));
    }
    d.de_minimis = verdict.de_minimis;
    let outcome = match alt {
        Rule::Test { test: Test::Wo } => "wo",
        Rule::Test { test: Test::Pe } => "pe",
        _ if verdict.chemical => "cr",
        _ if verdict.value_used && by_psr => "psr_rvc",
        _ if verdict.value_used => "general_rvc",
        _ if by_psr => "psr_ctc",
        _ => "general_ctc",
    };
    print(d, a, tables, outcome, &verdict);
    Ok(())
}

/// A product-specific row is read in its table's HS edition: a product code declared in another
/// edition may name other goods there, so the row is not applied (no sourced correlation is
/// shipped); an undeclared edition is assumed to be the table's, and the trace says so.
fn same_edition(p: &Product, table: &PsrTable, row: &psr::PsrRow, d: &mut Determination) -> bool {
    let Some(edition) = table.hs_edition() else { return true };
    let declared = p.tariff_version.as_deref();
    match declared.and_then(psr::hs_edition_of_tariff) {
        Some(e) if e != edition => {
            let version = declared.unwrap_or_default();
            let (zh, en) = (
                format!(
                    "产品编码按 {version} 年税则（HS {e}）申报，而产品特定规则表为 HS {edition} 版：编码 {} 在两版中的含义可能不同，且无可依据的转换对照，不适用该行；请按 HS {edition} 版申报编码",
                    row.hs_prefix
                ),
                format!(
                    "the product code is declared in the {version} tariff (HS {e}) but the product-specific table is HS {edition}: code {} may mean other goods there and no sourced correlation exists, so the row is not applied; declare the code in HS {edition}",
                    row.hs_prefix
                ),
            );
            d.trace.push(TraceStep::new("gate", None, Some(false)).msg(zh.clone(), en.clone()));
            d.notes.push(Message { zh, en });
            false
        }
        Some(_) => true,
        None => {
            d.notes.push(Message {
                zh: format!("未申报税则版本：产品编码按产品特定规则表的 HS {edition} 版理解"),
                en: format!("no tariff version declared: the product code is read as HS {edition}, the product-specific table's edition"),
            });
            true
        }
    }
}

/// FAQ Q110: with materials from outside China, production of only minimal operations confers no origin.
fn minimal_only(p: &Product, a: &Agreement, tables: &Tables, d: &mut Determination) -> bool {
    let (scope, list) = tables.minimal_operations(&a.code);
    if scope != a.code {
        d.trace.push(TraceStep::new("gate", None, None).msg(
            format!("{} 没有已核实来源的微小加工清单：适用非优惠原产地规则的清单（FAQ Q110）", a.code),
            format!("no sourced minimal-operations list for {}: the non-preferential list applies (FAQ Q110)", a.code),
        ));
    }
    match &p.minimal_operations {
        None => {
            d.trace.push(
                TraceStep::new("gate", None, None)
                    .fixed("未回答微小加工问题（FAQ Q110）", "minimal-operations question not answered (FAQ Q110)"),
            );
            d.notes.push(Message {
                zh: "产品含非国产原材料，须先确认是否仅经过微小加工（FAQ Q110）".into(),
                en: "the product has materials from outside China: confirm whether production was only minimal operations (FAQ Q110)".into(),
            });
            false
        }
        Some(codes) if codes.is_empty() => {
            d.trace.push(
                TraceStep::new("gate", None, Some(true))
                    .fixed("生产不只是微小加工（FAQ Q110）", "production went beyond minimal operations (FAQ Q110)"),
            );
            false
        }
        Some(codes) => {
            let found: Vec<_> = codes.iter().map(|c| list.iter().find(|m| &m.code == c)).collect();
            if let Some(i) = found.iter().position(Option::is_none) {
                d.trace.push(TraceStep::new("gate", None, Some(true)).msg(
                    format!("`{}` 不在 {scope} 的微小加工清单中", codes[i]),
                    format!("`{}` is not a minimal operation under the {scope} list", codes[i]),
                ));
                return false;
            }
            let ops: Vec<_> = found.into_iter().flatten().collect();
            let zh: Vec<&str> = ops.iter().map(|m| m.name_zh.as_str()).collect();
            let en: Vec<&str> = ops.iter().map(|m| m.name_en.as_str()).collect();
            let src: Vec<&str> = ops.iter().map(|m| m.source.as_str()).collect();
            d.trace.push(TraceStep::new("gate", None, Some(false)).msg(
                format!("仅经过微小加工：{}，不赋予原产资格（{}）", zh.join("、"), src.join("; ")),
                format!("only minimal operations: {}; they confer no origin ({})", en.join(", "), src.join("; ")),
            ));
            true
        }
    }
}

/// Q40 box 11 and Q104 processing steps for a processing certificate.
fn processing(p: &Product, tables: &Tables, d: &mut Determination) -> Result<()> {
    let mut shares: BTreeMap<&str, Decimal> = BTreeMap::new();
    for m in &p.materials {
        if let MaterialOrigin::Country(c) = &m.origin {
            let e = shares.entry(c.as_str()).or_default();
            *e = eval::sum([*e, m.value].into_iter())?;
        }
    }
    let best = shares.iter().fold(None::<(&str, Decimal)>, |b, (c, v)| match b {
        Some((_, bv)) if bv >= *v => b,
        _ => Some((c, *v)),
    });
    if let Some((c, v)) = best {
        d.manufacture_country = Country::parse(c).ok();
        let mut s = TraceStep::new("manufacture", None, None).msg(
            format!("第 11 栏制造国：{c}，原材料占比最高（{v}）（FAQ Q40）"),
            format!("box 11 country of manufacture: {c}, the largest material share ({v}) (FAQ Q40)"),
        );
        s.push("value", v);
        d.trace.push(s);
    }
    let listed = tables.psr("non_preferential")?.and_then(|t| t.lookup(p.hs_code.digits()));
    d.processing_required = listed.is_some();
    if let Some(row) = listed {
        d.trace.push(TraceStep::new("manufacture", None, Some(!p.processing.is_empty())).msg(
            format!("产品在海关 122 号令清单内（{}）：须填写加工工序（FAQ Q104）", row.hs_prefix),
            format!(
                "the product is on the Order 122 list ({}): processing steps must be shown (FAQ Q104)",
                row.hs_prefix
            ),
        ));
    }
    Ok(())
}

/// Whether the agreement prints a code for this outcome (its own rows, or a fallback row).
fn prints(a: &Agreement, tables: &Tables, outcome: &str) -> bool {
    let mut rows = tables.criteria(&a.code).peekable();
    if rows.peek().is_some() {
        return rows.any(|r| r.outcome == outcome);
    }
    // Codes not found in any source (e.g. ECFA box 12): every outcome is possible, none printable.
    codes_unknown(a) || tables.fallback_criterion(&a.criteria.value, outcome).is_some()
}

/// The form has a criterion box but no source gives its codes.
fn codes_unknown(a: &Agreement) -> bool {
    a.criteria.value.is_empty() && a.criteria.status == Status::Unconfirmed
}

fn fill(template: &str, verdict: &Verdict, d: &mut Determination, rounding: &str, source: &str) -> String {
    let mut out = template.to_string();
    for (key, v) in [("{rvc}", verdict.rvc), ("{nm}", verdict.nm)] {
        if out.contains(key) {
            // A ceiling figure (`up`) is never rounded down, a floor figure (`down`) never up.
            let v = v.unwrap_or(Decimal::ONE_HUNDRED);
            let (whole, how) = if rounding == "up" { (v.ceil(), "up") } else { (v.floor(), "down") };
            d.printed_percent = Some(whole);
            if matches!(rounding, "up" | "down") {
                d.rounding = Some(format!("rounded {how} to a whole number ({source})"));
            }
            out = out.replace(key, &whole.to_string());
        }
    }
    out.replace("{ctc}", expr::change_name(verdict.level.unwrap_or(4)))
}

/// Sets the printed criterion for an outcome.
fn print(d: &mut Determination, a: &Agreement, tables: &Tables, outcome: &str, verdict: &Verdict) {
    d.outcome = Some(outcome.to_string());
    let rows: Vec<_> = tables.criteria(&a.code).collect();
    if rows.is_empty() {
        if a.criteria.value.is_empty() && !codes_unknown(a) {
            d.trace.push(
                TraceStep::new("criterion", None, None)
                    .fixed("该证书没有原产地标准栏", "the form has no origin-criterion box"),
            );
            return;
        }
        match tables.fallback_criterion(&a.criteria.value, outcome) {
            Some(row) => {
                let line = fill(&row.printed, verdict, d, &row.rounding, &row.source);
                d.criterion_lines.push(line);
            }
            None => d.notes.push(Message {
                zh: format!("协定的标准代码中没有适用于 `{outcome}` 的代码"),
                en: format!("the agreement's criteria list has no code for `{outcome}`"),
            }),
        }
        d.criterion_status = Status::Unconfirmed;
        d.notes.push(Message {
            zh: format!("{}的打印代码未经确认：取自协定的标准列表（{}）", a.name.value.zh, a.criteria.source),
            en: format!(
                "the printed codes of {} are unconfirmed: taken from the agreement's criteria list ({})",
                a.name.value.en, a.criteria.source
            ),
        });
    } else {
        let cumulative = d.accumulation && verdict.value_used;
        let row = rows
            .iter()
            .find(|r| cumulative && r.outcome == "cumulative_rvc")
            .or_else(|| rows.iter().find(|r| r.outcome == outcome));
        let Some(row) = row else {
            d.notes.push(Message {
                zh: format!("lists/origin_criteria.csv 中 {} 没有 `{outcome}` 的打印代码", a.code),
                en: format!("lists/origin_criteria.csv has no printed code for `{outcome}` under {}", a.code),
            });
            return;
        };
        let line = fill(&row.printed, verdict, d, &row.rounding, &row.source);
        d.criterion_lines.push(line);
        d.criterion_status = row.status;
        if !row.fob.is_empty() {
            d.fob = Some(row.fob.clone());
        }
        for (flag, key) in [(d.accumulation, "acu"), (d.de_minimis, "dmi")] {
            if let Some(extra) = rows.iter().find(|r| flag && r.outcome == key) {
                d.criterion_lines.push(extra.printed.clone());
            }
        }
        if row.status != Status::Confirmed {
            d.notes.push(Message {
                zh: format!("打印代码 `{}` 的依据不完整（{}）", row.printed, row.source),
                en: format!("the printed code `{}` is {} ({})", row.printed, status_word(row.status), row.source),
            });
        }
    }
    d.criterion = (!d.criterion_lines.is_empty()).then(|| d.criterion_lines.join(" "));
    let mut s = TraceStep::new("criterion", None, None).msg(
        format!("打印的原产地标准：{}", d.criterion.as_deref().unwrap_or("—")),
        format!("printed criterion: {}", d.criterion.as_deref().unwrap_or("—")),
    );
    if let Some(pp) = d.printed_percent {
        s.push("printed_percent", pp);
    }
    d.trace.push(s);
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Confirmed => "confirmed",
        Status::Partial => "partially sourced",
        Status::Unconfirmed => "unconfirmed",
        Status::Conflict => "in conflict between sources",
    }
}

/// The side-by-side comparison of every agreement covering a destination.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Comparison {
    /// The destination compared for.
    pub destination: Country,
    /// Codes of the agreements under which the product originates, best first.
    pub originating: Vec<String>,
    /// Every preferential agreement covering the destination: originating ones first, then those
    /// whose printed code is confirmed, then by code.
    pub decisions: Vec<Determination>,
}

/// Evaluates every preferential agreement covering `destination` and ranks them.
pub fn compare(p: &Product, destination: &Country, rb: &Rulebook) -> Result<Comparison> {
    let mut decisions = Vec::new();
    for a in rb.agreements().filter(|a| a.kind == CertificateKind::Preferential && covers(a, destination)) {
        decisions.push(determine(p, a, rb, Some(destination), None)?);
    }
    let rank = |s: Status| match s {
        Status::Confirmed | Status::Conflict => 0,
        Status::Partial => 1,
        Status::Unconfirmed => 2,
    };
    decisions.sort_by(|x, y| {
        (!x.originating, rank(x.criterion_status), &x.agreement).cmp(&(
            !y.originating,
            rank(y.criterion_status),
            &y.agreement,
        ))
    });
    let originating = decisions.iter().filter(|d| d.originating).map(|d| d.agreement.clone()).collect();
    Ok(Comparison { destination: *destination, originating, decisions })
}
