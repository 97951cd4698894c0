//! Valuation data: currencies (`lists/currencies.csv`) and trade terms, insurance conventions,
//! rounding and the total tolerance (`valuation.toml`).

use super::fact::{Fact, OptFact, Status};
use super::{invalid, parse_toml, Names};
use crate::error::Result;
use rust_decimal::{Decimal, RoundingStrategy};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One ISO 4217 currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CurrencyInfo {
    /// Three-letter code.
    pub code: String,
    /// Decimals of the minor unit (2 for USD, 0 for JPY, 3 for KWD).
    pub minor_units: u32,
    /// English name.
    pub name: String,
    /// Where the row comes from.
    pub source: String,
}

/// How an amount is rounded to the currency's minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    /// 四舍五入: halves away from zero.
    HalfUp,
    /// Banker's rounding: halves to the even digit.
    HalfEven,
    /// Toward zero (truncate).
    Down,
    /// Away from zero.
    Up,
}

impl RoundingMode {
    /// The matching `rust_decimal` strategy.
    pub fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::Down => RoundingStrategy::ToZero,
            RoundingMode::Up => RoundingStrategy::AwayFromZero,
        }
    }
    /// The name as in the data and in answers.
    pub fn as_str(self) -> &'static str {
        match self {
            RoundingMode::HalfUp => "half_up",
            RoundingMode::HalfEven => "half_even",
            RoundingMode::Down => "down",
            RoundingMode::Up => "up",
        }
    }
    /// Chinese name for formulas.
    pub fn zh(self) -> &'static str {
        match self {
            RoundingMode::HalfUp => "四舍五入",
            RoundingMode::HalfEven => "四舍六入五成双",
            RoundingMode::Down => "舍去",
            RoundingMode::Up => "进一",
        }
    }
    /// English name for formulas.
    pub fn en(self) -> &'static str {
        match self {
            RoundingMode::HalfUp => "half up",
            RoundingMode::HalfEven => "half to even",
            RoundingMode::Down => "toward zero",
            RoundingMode::Up => "away from zero",
        }
    }
}

/// A cost component between a term's price and FOB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    /// Inland freight and charges from the factory to the port of loading (export clearance included).
    Inland,
    /// Loading and terminal charges at the place of shipment.
    Loading,
    /// Main carriage: ocean or air freight.
    Freight,
    /// Cargo insurance premium.
    Insurance,
    /// Unloading and destination charges.
    Destination,
    /// Import duties, taxes and import clearance.
    Duties,
}

impl Component {
    /// Every component, in formula order.
    pub const ALL: [Component; 6] = [
        Component::Inland,
        Component::Loading,
        Component::Freight,
        Component::Insurance,
        Component::Destination,
        Component::Duties,
    ];
    /// The request field name.
    pub fn key(self) -> &'static str {
        match self {
            Component::Inland => "inland",
            Component::Loading => "loading",
            Component::Freight => "freight",
            Component::Insurance => "insurance",
            Component::Destination => "destination",
            Component::Duties => "duties",
        }
    }
    /// Chinese label for formulas.
    pub fn zh(self) -> &'static str {
        match self {
            Component::Inland => "内陆运杂费",
            Component::Loading => "装船及港杂费",
            Component::Freight => "运费",
            Component::Insurance => "保险费",
            Component::Destination => "目的地费用",
            Component::Duties => "进口税费",
        }
    }
    /// English label for formulas.
    pub fn en(self) -> &'static str {
        match self {
            Component::Inland => "inland freight and charges",
            Component::Loading => "loading and terminal charges",
            Component::Freight => "freight",
            Component::Insurance => "insurance",
            Component::Destination => "destination charges",
            Component::Duties => "import duties and taxes",
        }
    }
}

/// A trade term (Incoterms 2020 rule) and how its price relates to FOB.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TermDef {
    /// Incoterms 2020 code, e.g. `CFR`.
    pub code: String,
    /// Names in Chinese and English.
    pub name: Names,
    /// Other spellings people type (legacy Incoterms, `C&F`, Chinese names).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// FOB costs this price does not contain: FOB = price + these.
    pub excludes: Vec<Component>,
    /// Costs beyond FOB this price contains: FOB = price − these.
    pub includes: Vec<Component>,
    /// Components of either list that may be absent (counted as zero).
    #[serde(default)]
    pub optional: Vec<Component>,
    /// Where the definition comes from.
    pub source: String,
}

impl TermDef {
    /// Whether the term's price involves the component at all.
    pub fn uses(&self, c: Component) -> bool {
        self.excludes.contains(&c) || self.includes.contains(&c)
    }
    /// Insurance may be given as a rate only where the seller must insure (CIF, CIP).
    pub fn insurance_by_rate(&self) -> bool {
        self.includes.contains(&Component::Insurance) && !self.optional.contains(&Component::Insurance)
    }
}

/// What the insurance premium is a percentage of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PremiumBasis {
    /// The insured term's own price (CIF or CIP) × mark-up.
    TermPrice,
    /// (FOB + the other costs the price includes) × mark-up.
    CostAndFreight,
}

/// A named insurance convention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Convention {
    /// Stable code, e.g. `cif_markup`.
    pub code: String,
    /// What the premium is a percentage of.
    pub basis: PremiumBasis,
    /// Names in Chinese and English.
    pub name: Names,
    /// Where it comes from.
    pub source: String,
    /// How well it is sourced.
    #[serde(default)]
    pub status: Status,
}

/// `valuation.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ValuationRules {
    /// Data-file format version (1).
    pub schema_version: u32,
    /// Rounding mode, applied once at the end.
    pub rounding: Fact<RoundingMode>,
    /// How far a manual FOB total may differ from the automatic sum (in the total's currency);
    /// absent: no published tolerance, equality after rounding.
    pub total_tolerance: OptFact<Decimal>,
    /// Convention used when a request names none.
    pub default_convention: Fact<String>,
    /// Insurance mark-up used when a request names none.
    pub default_markup: Fact<Decimal>,
    /// The selectable insurance conventions.
    pub conventions: Vec<Convention>,
    /// The trade terms.
    pub terms: Vec<TermDef>,
}

/// The parsed valuation data.
#[derive(Debug, Clone)]
pub struct ValuationData {
    /// Rules from `valuation.toml`.
    pub rules: ValuationRules,
    currencies: BTreeMap<String, CurrencyInfo>,
    aliases: BTreeMap<String, usize>,
}

impl ValuationData {
    /// The currency with this ISO code, if the list has it.
    pub fn currency(&self, code: &str) -> Option<&CurrencyInfo> {
        self.currencies.get(code)
    }
    /// Finds a term by any accepted spelling (case, spaces and dots ignored; a trailing named place allowed).
    pub fn term(&self, typed: &str) -> Option<&TermDef> {
        if let Some(&i) = self.aliases.get(typed) {
            return self.rules.terms.get(i);
        }
        let whole = normalise(typed);
        let first = typed.split_whitespace().next().map(normalise).unwrap_or_default();
        [whole, first].iter().find_map(|k| self.aliases.get(k)).and_then(|&i| self.rules.terms.get(i))
    }
    /// The accepted Incoterms 2020 codes, for error messages.
    pub fn term_codes(&self) -> Vec<&str> {
        self.rules.terms.iter().map(|t| t.code.as_str()).collect()
    }
    /// The convention with this code.
    pub fn convention(&self, code: &str) -> Option<&Convention> {
        self.rules.conventions.iter().find(|c| c.code == code)
    }
}

fn normalise(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '.').flat_map(char::to_uppercase).collect()
}

const CURRENCIES: &str = "lists/currencies.csv";
const VALUATION: &str = "valuation.toml";

/// Parses both files; errors name the file and the key or row.
pub(crate) fn parse(valuation_text: Option<&str>, currencies_text: Option<&str>) -> Result<ValuationData> {
    let text = valuation_text.ok_or_else(|| invalid(VALUATION, "", "file missing"))?;
    let rules: ValuationRules = parse_toml(VALUATION, text)?;
    if rules.schema_version != 1 {
        return Err(invalid(VALUATION, "schema_version", "unsupported schema_version (expected 1)"));
    }
    let mut aliases = BTreeMap::new();
    for (i, t) in rules.terms.iter().enumerate() {
        let key = format!("terms[{i}]");
        for c in &t.optional {
            if !t.uses(*c) {
                return Err(invalid(
                    VALUATION,
                    &format!("{key}.optional"),
                    &format!("`{}` is in neither list", c.key()),
                ));
            }
        }
        if t.includes.iter().any(|c| t.excludes.contains(c)) {
            return Err(invalid(VALUATION, &key, "a component cannot be both included and excluded"));
        }
        for spelling in std::iter::once(&t.code).chain(&t.aliases) {
            if aliases.insert(normalise(spelling), i).is_some() {
                return Err(invalid(VALUATION, &key, &format!("spelling `{spelling}` is used twice")));
            }
        }
    }
    let fob = rules.terms.iter().find(|t| t.code == "FOB");
    if !fob.is_some_and(|t| t.includes.is_empty() && t.excludes.is_empty()) {
        return Err(invalid(VALUATION, "terms", "FOB must be defined, with no components"));
    }
    if !rules.conventions.iter().any(|c| c.code == rules.default_convention.value) {
        return Err(invalid(VALUATION, "default_convention", "names no convention of `conventions`"));
    }
    if rules.default_markup.value < Decimal::ONE {
        return Err(invalid(VALUATION, "default_markup", "must be at least 1"));
    }
    if rules.total_tolerance.value.is_some_and(|t| t.is_sign_negative()) {
        return Err(invalid(VALUATION, "total_tolerance", "must not be negative"));
    }
    let csv_text = currencies_text.ok_or_else(|| invalid(CURRENCIES, "", "file missing"))?;
    let mut currencies = BTreeMap::new();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    for (i, row) in reader.deserialize::<CurrencyInfo>().enumerate() {
        let at = format!("row {}", i + 2);
        let row = row.map_err(|e| invalid(CURRENCIES, &at, &e.to_string()))?;
        let shaped = row.code.len() == 3 && row.code.bytes().all(|b| b.is_ascii_uppercase());
        if !shaped || row.minor_units > 4 || row.source.trim().is_empty() {
            return Err(invalid(CURRENCIES, &at, "needs a three-letter code, 0–4 minor units and a source"));
        }
        if currencies.insert(row.code.clone(), row).is_some() {
            return Err(invalid(CURRENCIES, &at, "duplicate code"));
        }
    }
    Ok(ValuationData { rules, currencies, aliases })
}
