//! The origin tables of the rulebook: product-specific rules (`psr/<agreement>.csv`), minimal
//! operations (`lists/minimal_operations.csv`) and printed criterion codes
//! (`lists/origin_criteria.csv`). Parsed once when the rulebook loads.

use super::expr::{self, Rule};
use crate::error::Result;
use crate::rulebook::{invalid, Agreement, Limits, Status};
use chrono::NaiveDate;
use once_cell::sync::OnceCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// The columns of a derived table (with the official wording each rule was read from).
pub const TABLE_HEADER: [&str; 4] = ["hs_prefix", "rule", "wording", "source"];

/// One product-specific rule row.
#[derive(Debug, Clone, PartialEq)]
pub struct PsrRow {
    /// HS prefix (digits) the rule covers.
    pub hs_prefix: String,
    /// The rule as written.
    pub text: String,
    /// The official wording the rule was read from, for tables imported from an annex.
    pub wording: Option<String>,
    /// The parsed rule.
    pub rule: Rule,
    /// Where the row comes from.
    pub source: String,
}

/// The days a table applies, from its header (`# in_force: 2012-01-01..2022-12-31`, either end
/// may be open, with `# in_force_status:` and `# in_force_source:`): an agreement whose rules were
/// republished (a new tariff edition) has one table per period, and a certificate's date picks one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InForce {
    /// First day in force, when known.
    pub from: Option<NaiveDate>,
    /// Last day in force, when known.
    pub until: Option<NaiveDate>,
    /// How well the dates are sourced.
    pub status: Status,
    /// Where the dates come from.
    pub source: String,
}

impl InForce {
    /// Whether the table names any date.
    pub fn is_dated(&self) -> bool {
        self.from.is_some() || self.until.is_some()
    }

    /// Whether `day` lies within the period (an open end reaches as far as it goes).
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= day) && self.until.is_none_or(|u| day <= u)
    }

    /// The period as written in the header: `2012-01-01..`, `..2011-12-31`.
    pub fn period(&self) -> String {
        let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        format!("{}..{}", day(self.from), day(self.until))
    }
}

/// What a table's `#` lines say before its column header.
#[derive(Debug, Clone, Default, PartialEq)]
struct Header {
    hs_edition: Option<u16>,
    in_force: InForce,
}

impl Header {
    /// Reads the `#` lines; an unknown key is refused, so a misspelt date never passes silently.
    fn read(file: &str, text: &str) -> Result<Header> {
        let mut h = Header::default();
        for (i, line) in text.lines().take_while(|l| l.starts_with('#')).enumerate() {
            let Some((key, value)) = line.trim_start_matches('#').split_once(':') else { continue };
            let (key, value) = (key.trim(), value.trim());
            let bad = |why: String| at(file, i + 1, key, &why);
            match key {
                "hs_edition" => {
                    let ed = value.parse::<u16>().ok().filter(|e| HS_EDITIONS.contains(e));
                    h.hs_edition = Some(ed.ok_or_else(|| {
                        bad(format!("`{value}` is not an HS edition (2002, 2007, 2012, 2017, 2022)"))
                    })?);
                }
                "in_force" => {
                    let (from, until) = value
                        .split_once("..")
                        .ok_or_else(|| bad(format!("`{value}` is not a period `YYYY-MM-DD..YYYY-MM-DD`")))?;
                    let day = |d: &str| {
                        let d = d.trim();
                        if d.is_empty() {
                            return Ok(None);
                        }
                        NaiveDate::parse_from_str(d, "%Y-%m-%d")
                            .map(Some)
                            .map_err(|_| bad(format!("`{d}` is not a date YYYY-MM-DD")))
                    };
                    let (from, until) = (day(from)?, day(until)?);
                    if from.zip(until).is_some_and(|(f, u)| f > u) {
                        return Err(bad(format!("`{value}` ends before it begins")));
                    }
                    h.in_force.from = from;
                    h.in_force.until = until;
                }
                "in_force_status" => {
                    h.in_force.status = match value {
                        "confirmed" => Status::Confirmed,
                        "partial" => Status::Partial,
                        "unconfirmed" => Status::Unconfirmed,
                        _ => return Err(bad("must be confirmed, partial or unconfirmed".into())),
                    };
                }
                "in_force_source" => h.in_force.source = value.to_string(),
                _ => return Err(bad("unknown key (hs_edition, in_force, in_force_status, in_force_source)".into())),
            }
        }
        if h.in_force.is_dated() && h.in_force.source.is_empty() {
            return Err(at(file, 1, "in_force_source", "a table's dates need a source"));
        }
        Ok(h)
    }
}

/// A product-specific-rule table keyed by HS prefix: the longest matching prefix wins.
#[derive(Clone, Default, PartialEq)]
pub struct PsrTable {
    /// The file the table was read from, e.g. `psr/ecfa.2012.csv`.
    name: String,
    rows: HashMap<String, PsrRow>,
    /// The HS edition the table's codes belong to (`# hs_edition: 2012` before the header).
    hs_edition: Option<u16>,
    /// The days the table applies.
    in_force: InForce,
    /// Bit `n` set when some prefix has `n` digits: a lookup probes only those lengths.
    lengths: u16,
}

/// Rows in prefix order, so the same table always prints the same.
impl std::fmt::Debug for PsrTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rows: std::collections::BTreeMap<_, _> = self.rows.iter().collect();
        f.debug_struct("PsrTable")
            .field("name", &self.name)
            .field("in_force", &self.in_force)
            .field("rows", &rows)
            .field("lengths", &self.lengths)
            .field("hs_edition", &self.hs_edition)
            .finish()
    }
}

impl PsrTable {
    /// Parses a table (`hs_prefix,rule,source`, or `hs_prefix,rule,wording,source` as the annex
    /// importer writes it). Errors name the file, the row and the column.
    pub fn parse(file: &str, text: &str, limits: &Limits) -> Result<PsrTable> {
        let mut rows = HashMap::new();
        let mut lengths = 0;
        let Header { hs_edition, in_force } = Header::read(file, text)?;
        let header = text.lines().find(|l| !l.starts_with('#'));
        let with_wording = header.is_some_and(|h| h.split(',').any(|c| c.trim() == "wording"));
        let columns: &[&str] = if with_wording { &TABLE_HEADER } else { &["hs_prefix", "rule", "source"] };
        for rec in records(file, text, columns, limits.max_psr_rows)? {
            let (row, mut f) = rec?;
            let wording = if with_wording { Some(f.remove(2)) } else { None };
            let hs: String = f[0].chars().filter(|c| *c != '.' && *c != ' ').collect();
            if !matches!(hs.len(), 2 | 4 | 6 | 8 | 10) || !hs.bytes().all(|b| b.is_ascii_digit()) {
                return Err(at(file, row, "hs_prefix", &format!("`{}` is not an HS prefix of 2-10 digits", f[0])));
            }
            let rule = expr::parse(&f[1], limits.max_rule_chars)
                .map_err(|e| at(file, row, &format!("rule, column {}", e.column), &e.message))?;
            if f[2].trim().is_empty() {
                return Err(at(file, row, "source", "every row needs a source"));
            }
            let entry =
                PsrRow { hs_prefix: hs.clone(), text: f[1].trim().to_string(), wording, rule, source: f[2].clone() };
            lengths |= 1 << hs.len();
            if rows.insert(hs.clone(), entry).is_some() {
                return Err(at(file, row, "hs_prefix", &format!("prefix {hs} appears twice")));
            }
        }
        Ok(PsrTable { name: file.to_string(), rows, lengths, hs_edition, in_force })
    }

    /// The row with the longest prefix of `hs`: one hash probe per prefix length in the table.
    pub fn lookup(&self, hs: &str) -> Option<&PsrRow> {
        [10, 8, 6, 4, 2]
            .into_iter()
            .filter(|n| self.lengths & (1 << n) != 0)
            .find_map(|n| hs.get(..n).and_then(|p| self.rows.get(p)))
    }

    /// The HS edition of the table's codes, when the table names it.
    pub fn hs_edition(&self) -> Option<u16> {
        self.hs_edition
    }

    /// The days the table applies (empty when the table names none).
    pub fn in_force(&self) -> &InForce {
        &self.in_force
    }

    /// The file the table was read from.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// The HS editions since 2002 (each in force from 1 January of its year, WCO); China's tariff follows each.
pub const HS_EDITIONS: [u16; 5] = [2002, 2007, 2012, 2017, 2022];

/// The HS edition a Chinese tariff version (a year such as `2024`) is built on.
pub fn hs_edition_of_tariff(version: &str) -> Option<u16> {
    let year: u16 = version.trim().get(..4).filter(|y| y.bytes().all(|b| b.is_ascii_digit()))?.parse().ok()?;
    HS_EDITIONS.iter().rev().find(|e| **e <= year).copied()
}

/// One minimal operation of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinimalOperation {
    /// Agreement code whose list this is (`non_preferential` = the Chinese rules, FAQ Q110).
    pub scope: String,
    /// Stable code the pre-review's answer uses.
    pub code: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Where it comes from.
    pub source: String,
}

/// How a printed criterion is obtained for one outcome of one agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionRow {
    /// Agreement code, or [`FALLBACK`] for the candidates of agreements without rows.
    pub agreement: String,
    /// Outcome key: `wo`, `pe`, `cr`, `general_ctc`, `general_rvc`, `psr_ctc`, `psr_rvc`,
    /// `cumulative_rvc`, or the extra lines `acu`, `dmi`.
    pub outcome: String,
    /// Printed text; `{rvc}` / `{nm}` / `{ctc}` are replaced by the content, the non-originating
    /// share (whole numbers, see `rounding`) or the tariff-change level.
    pub printed: String,
    /// FOB display on the form: `auto` (the system shows it), `required` (the exporter must tick it) or empty.
    pub fob: String,
    /// Rounding of printed percentages to a whole number: `down` for a content that must reach a
    /// floor (`{rvc}`), `up` for a share that may not exceed a ceiling (`{nm}`), empty otherwise.
    pub rounding: String,
    /// How well the row is sourced.
    pub status: Status,
    /// Where it comes from.
    pub source: String,
}

impl CriterionRow {
    /// The code as an agreement's `criteria` list names it: the printed text without its
    /// placeholders (`{rvc}%` is listed as `%`).
    pub fn listed_code(&self) -> String {
        let mut out = String::new();
        let mut rest = self.printed.as_str();
        while let Some(i) = rest.find('{') {
            out.push_str(&rest[..i]);
            rest = rest[i..].find('}').map_or("", |j| &rest[i + j + 1..]);
        }
        out.push_str(rest);
        out
    }
}

/// The agreement column of the fallback rows (`lists/origin_criteria.csv`): candidate codes for
/// agreements whose printed criteria have no rows of their own.
pub const FALLBACK: &str = "*";

/// Outcome keys a criterion row may use.
pub const OUTCOMES: &[&str] =
    &["wo", "pe", "cr", "general_ctc", "general_rvc", "psr_ctc", "psr_rvc", "cumulative_rvc", "acu", "dmi"];

/// A product-specific-rule table as loaded: parsed, or embedded and parsed on first use.
pub(crate) enum PsrSlot {
    /// Parsed when the rulebook loaded.
    Parsed(PsrTable),
    /// An embedded file, parsed once when first asked for.
    Embedded { path: &'static str, text: &'static str, limits: Box<Limits>, table: OnceCell<Result<PsrTable>> },
}

/// An embedded table prints as its path, whether or not it has been parsed yet.
impl std::fmt::Debug for PsrSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PsrSlot::Parsed(t) => t.fmt(f),
            PsrSlot::Embedded { path, .. } => f.debug_tuple("Embedded").field(path).finish(),
        }
    }
}

/// One table of an agreement with its period, read from its header when the rulebook loads
/// (so choosing a table by date parses only the one chosen).
#[derive(Debug, Clone)]
pub(crate) struct Dated {
    pub(crate) in_force: InForce,
    /// Shared, so a rulebook clone does not copy thousands of rows.
    pub(crate) slot: Arc<PsrSlot>,
}

/// Which of an agreement's tables applies on a day.
#[derive(Debug, Clone, Copy)]
pub enum InForceOn<'a> {
    /// The agreement has no product-specific-rule table.
    NoTable,
    /// One undated table: it applies on every day.
    Only(&'a PsrTable),
    /// The table whose period covers the day asked for.
    OnDay(&'a PsrTable, NaiveDate),
    /// No day was given: the most recent table (the latest start) applies.
    Latest(&'a PsrTable),
    /// The agreement has dated tables but none covers the day.
    NoneOnDay(NaiveDate),
}

impl<'a> InForceOn<'a> {
    /// The table chosen, if any.
    pub fn table(&self) -> Option<&'a PsrTable> {
        match *self {
            InForceOn::Only(t) | InForceOn::OnDay(t, _) | InForceOn::Latest(t) => Some(t),
            InForceOn::NoTable | InForceOn::NoneOnDay(_) => None,
        }
    }
}

/// Every origin table of a rulebook.
#[derive(Debug, Clone, Default)]
pub struct Tables {
    /// Each agreement's tables, by first day in force (an undated table first).
    pub(crate) psr: BTreeMap<String, Vec<Dated>>,
    /// Each agreement's general rule: its text and the parsed rule.
    pub(crate) general: BTreeMap<String, (String, Rule)>,
    pub(crate) minimal: Vec<MinimalOperation>,
    pub(crate) criteria: Vec<CriterionRow>,
}

impl Tables {
    /// Loads the tables from the rulebook files; `agreements` supplies the general rules to parse.
    pub(crate) fn load<'a>(
        files: impl Iterator<Item = (&'a str, &'a str)>,
        agreements: &BTreeMap<String, Agreement>,
        limits: &Limits,
    ) -> Result<Tables> {
        let mut t = Tables::default();
        for (path, text) in files {
            if text.len() > limits.max_input_bytes {
                return Err(invalid(path, "", &format!("larger than {} bytes", limits.max_input_bytes)));
            }
            // `psr/<agreement>.csv`, or `psr/<agreement>.<period>.csv` for a further dated table.
            let stem = path.strip_prefix("psr/").and_then(|p| p.strip_suffix(".csv"));
            if let Some(code) = stem.map(|s| s.split_once('.').map_or(s, |(code, _)| code)) {
                if !agreements.contains_key(code) {
                    return Err(invalid(path, "", &format!("no agreement `{code}` for this table")));
                }
                // An embedded table (checked by the test suite) is parsed when first used, so loading
                // the rulebook does not parse thousands of rows an answer may never need; a host's
                // own table is parsed now, so its errors surface when the rulebook loads.
                let slot = match origo_rules::FILES.iter().find(|f| f.path == path && f.text == text) {
                    Some(f) => PsrSlot::Embedded {
                        path: f.path,
                        text: f.text,
                        limits: Box::new(limits.clone()),
                        table: OnceCell::new(),
                    },
                    None => PsrSlot::Parsed(PsrTable::parse(path, text, limits)?),
                };
                let in_force = Header::read(path, text)?.in_force;
                t.psr.entry(code.to_string()).or_default().push(Dated { in_force, slot: Arc::new(slot) });
            } else if path == "lists/minimal_operations.csv" {
                t.minimal = parse_minimal(path, text, limits)?;
            } else if path == "lists/origin_criteria.csv" {
                t.criteria = parse_criteria(path, text, limits)?;
            }
        }
        for (code, tables) in t.psr.iter_mut() {
            periods(code, tables)?;
        }
        for (code, a) in agreements {
            if let Some(text) = &a.general_rule.value {
                let file = format!("agreements/{code}.toml");
                let rule = expr::parse(text, limits.max_rule_chars)
                    .map_err(|e| invalid(&file, &format!("general_rule, column {}", e.column), &e.message))?;
                t.general.insert(code.clone(), (text.clone(), rule));
            }
        }
        Ok(t)
    }

    /// The most recent product-specific-rule table of an agreement, if the rulebook has one (an
    /// embedded table is parsed on its first use). [`Tables::psr_on`] picks by date.
    pub fn psr(&self, agreement: &str) -> Result<Option<&PsrTable>> {
        self.psr_on(agreement, None).map(|c| c.table())
    }

    /// The table of an agreement in force on `day`; without a day, the most recent one. Only the
    /// table chosen is parsed.
    pub fn psr_on(&self, agreement: &str, day: Option<NaiveDate>) -> Result<InForceOn<'_>> {
        let Some(tables) = self.psr.get(agreement).filter(|t| !t.is_empty()) else { return Ok(InForceOn::NoTable) };
        let dated = tables.iter().any(|t| t.in_force.is_dated());
        let chosen = match day {
            Some(day) if dated => tables.iter().rev().find(|t| t.in_force.covers(day)),
            _ => tables.last(),
        };
        let Some(chosen) = chosen else { return Ok(day.map_or(InForceOn::NoTable, InForceOn::NoneOnDay)) };
        let table = chosen.slot.table()?;
        Ok(match day {
            _ if !dated => InForceOn::Only(table),
            Some(day) => InForceOn::OnDay(table, day),
            None => InForceOn::Latest(table),
        })
    }

    /// Every table of an agreement, oldest first (each parsed now).
    pub fn psr_tables(&self, agreement: &str) -> Result<Vec<&PsrTable>> {
        self.psr.get(agreement).into_iter().flatten().map(|t| t.slot.table()).collect()
    }

    /// The minimal operations that apply under an agreement: its own list, or the Chinese
    /// non-preferential list (FAQ Q110) when it has none.
    pub fn minimal_operations<'a>(&'a self, agreement: &'a str) -> (&'a str, Vec<&'a MinimalOperation>) {
        let own: Vec<_> = self.minimal.iter().filter(|m| m.scope == agreement).collect();
        if own.is_empty() {
            ("non_preferential", self.minimal.iter().filter(|m| m.scope == "non_preferential").collect())
        } else {
            (agreement, own)
        }
    }

    /// An agreement's general rule, parsed at load; an agreement value built by the host (not
    /// from the rulebook) has its rule parsed here.
    pub(crate) fn general_rule(&self, a: &Agreement, max_chars: usize) -> Result<Option<Rule>> {
        let Some(text) = &a.general_rule.value else { return Ok(None) };
        if let Some((_, rule)) = self.general.get(&a.code).filter(|(t, _)| t == text) {
            return Ok(Some(rule.clone()));
        }
        let file = format!("agreements/{}.toml", a.code);
        expr::parse(text, max_chars)
            .map(Some)
            .map_err(|e| invalid(&file, &format!("general_rule, column {}", e.column), &e.message))
    }

    /// Whether any list knows this operation code.
    pub fn knows_operation(&self, code: &str) -> bool {
        self.minimal.iter().any(|m| m.code == code)
    }

    /// The printed-criterion rows of an agreement.
    pub fn criteria<'a>(&'a self, agreement: &'a str) -> impl Iterator<Item = &'a CriterionRow> + 'a {
        self.criteria.iter().filter(move |r| r.agreement == agreement)
    }

    /// The fallback row for an agreement without rows of its own: the first `*` row for the
    /// outcome whose code (the printed text without its `{...}` placeholders) the agreement's
    /// `criteria` list holds.
    pub fn fallback_criterion<'a>(&'a self, listed: &'a [String], outcome: &'a str) -> Option<&'a CriterionRow> {
        self.criteria(FALLBACK).filter(|r| r.outcome == outcome).find(|r| listed.contains(&r.listed_code()))
    }
}

impl PsrSlot {
    fn table(&self) -> Result<&PsrTable> {
        match self {
            PsrSlot::Parsed(t) => Ok(t),
            PsrSlot::Embedded { path, text, limits, table } => {
                table.get_or_init(|| PsrTable::parse(path, text, limits)).as_ref().map_err(Clone::clone)
            }
        }
    }
}

/// Orders an agreement's tables by first day and refuses what would make the choice by date
/// ambiguous: a second table without a period, or two periods that overlap.
fn periods(code: &str, tables: &mut [Dated]) -> Result<()> {
    if tables.len() < 2 {
        return Ok(());
    }
    tables.sort_by_key(|t| t.in_force.from);
    let file = format!("psr/{code}");
    if tables.iter().any(|t| t.in_force.from.is_none()) {
        return Err(invalid(
            &file,
            "in_force",
            "an agreement with several tables needs a first day on each (`# in_force:`)",
        ));
    }
    for pair in tables.windows(2) {
        let (a, b) = (&pair[0].in_force, &pair[1].in_force);
        if a.until.is_none_or(|u| b.from.is_some_and(|f| f <= u)) {
            return Err(invalid(
                &file,
                "in_force",
                &format!("periods {} and {} overlap: end the first before the second begins", a.period(), b.period()),
            ));
        }
    }
    Ok(())
}

type Record = Result<(usize, Vec<String>)>;

/// Reads a CSV with exactly these columns; yields (1-based line, fields).
fn records(file: &str, text: &str, columns: &[&str], max_rows: usize) -> Result<Vec<Record>> {
    let mut rdr =
        csv::ReaderBuilder::new().has_headers(true).flexible(false).comment(Some(b'#')).from_reader(text.as_bytes());
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| invalid(file, "row 1", &e.to_string()))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if header != columns {
        return Err(invalid(file, "row 1", &format!("columns must be {}", columns.join(","))));
    }
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        if i >= max_rows {
            return Err(invalid(file, &format!("row {}", i + 2), &format!("more than {max_rows} rows")));
        }
        out.push(match rec {
            Ok(r) => {
                let line = r.position().map_or(i + 2, |p| p.line() as usize);
                Ok((line, r.iter().map(|f| f.trim().to_string()).collect()))
            }
            Err(e) => Err(invalid(file, &format!("row {}", i + 2), &e.to_string())),
        });
    }
    Ok(out)
}

fn at(file: &str, row: usize, column: &str, why: &str) -> crate::Error {
    invalid(file, &format!("row {row}, {column}"), why)
}

fn parse_minimal(file: &str, text: &str, limits: &Limits) -> Result<Vec<MinimalOperation>> {
    let mut out: Vec<MinimalOperation> = Vec::new();
    for rec in records(file, text, &["scope", "code", "name_zh", "name_en", "source"], limits.max_list_len)? {
        let (row, f) = rec?;
        for (i, name) in ["scope", "code", "name_zh", "name_en", "source"].iter().enumerate() {
            if f[i].is_empty() {
                return Err(at(file, row, name, "must not be empty"));
            }
        }
        if out.iter().any(|m| m.scope == f[0] && m.code == f[1]) {
            return Err(at(file, row, "code", &format!("`{}` appears twice for `{}`", f[1], f[0])));
        }
        let [scope, code, name_zh, name_en, source] =
            <[String; 5]>::try_from(f).map_err(|_| at(file, row, "", "expected 5 columns"))?;
        out.push(MinimalOperation { scope, code, name_zh, name_en, source });
    }
    Ok(out)
}

fn parse_criteria(file: &str, text: &str, limits: &Limits) -> Result<Vec<CriterionRow>> {
    let cols = ["agreement", "outcome", "printed", "fob", "rounding", "status", "source"];
    let mut out: Vec<CriterionRow> = Vec::new();
    for rec in records(file, text, &cols, limits.max_list_len)? {
        let (row, f) = rec?;
        if !OUTCOMES.contains(&f[1].as_str()) {
            return Err(at(file, row, "outcome", &format!("must be one of {}", OUTCOMES.join(", "))));
        }
        if !matches!(f[3].as_str(), "" | "auto" | "required") {
            return Err(at(file, row, "fob", "must be empty, `auto` or `required`"));
        }
        // Printed percentages never flatter: a content (floor) is rounded down, a non-originating
        // share (ceiling) up, wherever no source fixes the rounding.
        let want = match (f[2].contains("{rvc}"), f[2].contains("{nm}")) {
            (false, false) => "",
            (true, false) => "down",
            (false, true) => "up",
            (true, true) => return Err(at(file, row, "printed", "holds either {rvc} or {nm}, not both")),
        };
        if f[4] != want {
            return Err(at(file, row, "rounding", "`down` for {rvc} (a floor), `up` for {nm} (a ceiling), else empty"));
        }
        let status = match f[5].as_str() {
            "confirmed" => Status::Confirmed,
            "partial" => Status::Partial,
            "unconfirmed" => Status::Unconfirmed,
            _ => return Err(at(file, row, "status", "must be confirmed, partial or unconfirmed")),
        };
        if f[0].is_empty() || f[2].is_empty() || f[6].is_empty() {
            return Err(at(file, row, "agreement/printed/source", "must not be empty"));
        }
        // `*` rows are ordered candidates, so only an agreement's own rows must be unique.
        if f[0] != FALLBACK && out.iter().any(|r| r.agreement == f[0] && r.outcome == f[1]) {
            return Err(at(file, row, "outcome", "appears twice for this agreement"));
        }
        let [agreement, outcome, printed, fob, rounding, _, source] =
            <[String; 7]>::try_from(f).map_err(|_| at(file, row, "", "expected 7 columns"))?;
        out.push(CriterionRow { agreement, outcome, printed, fob, rounding, status, source });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        crate::Rulebook::builtin().unwrap().limits().clone()
    }

    #[test]
    fn fallback_rows_are_ordered_candidates_by_listed_code() {
        let head = "agreement,outcome,printed,fob,rounding,status,source\n";
        let text = format!(
            "{head}*,wo,WO,,,unconfirmed,s\n*,wo,P,,,unconfirmed,s\n*,general_rvc,{{rvc}}%,,down,unconfirmed,s\n"
        );
        let t = Tables { criteria: parse_criteria("c.csv", &text, &limits()).unwrap(), ..Tables::default() };
        let listed = |codes: &[&str]| codes.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        assert_eq!(t.fallback_criterion(&listed(&["P", "WO"]), "wo").map(|r| r.printed.as_str()), Some("WO"));
        assert_eq!(t.fallback_criterion(&listed(&["P"]), "wo").map(|r| r.printed.as_str()), Some("P"));
        assert_eq!(t.fallback_criterion(&listed(&["%"]), "general_rvc").map(|r| r.printed.as_str()), Some("{rvc}%"));
        assert!(t.fallback_criterion(&listed(&["PSR"]), "wo").is_none());
        let twice = format!("{head}asean,wo,WO,,,confirmed,s\nasean,wo,P,,,confirmed,s\n");
        assert!(parse_criteria("c.csv", &twice, &limits()).is_err());
    }

    #[test]
    fn every_embedded_table_parses_when_first_used() {
        let rb = crate::Rulebook::builtin().unwrap();
        let tables: Vec<&String> = rb.origin().psr.keys().collect();
        assert!(tables.len() >= 8, "{tables:?}");
        for code in tables {
            let t = rb.origin().psr(code).unwrap().unwrap();
            assert!(!t.is_empty(), "{code}");
        }
        // A host's own table is parsed when the rulebook loads, so its errors surface then.
        let mut files = crate::rulebook::builtin_files();
        files.push(("psr/korea.csv".into(), "hs_prefix,rule,source\n01,CTH or,x\n".into()));
        let e = crate::Rulebook::from_texts(files).unwrap_err();
        assert_eq!(e.path, "psr/korea.csv: row 2, rule, column 7");
    }

    #[test]
    fn tariff_versions_map_to_their_hs_edition() {
        for (v, e) in [
            ("2006", Some(2002)),
            ("2011", Some(2007)),
            ("2012", Some(2012)),
            ("2021", Some(2017)),
            ("2024", Some(2022)),
        ] {
            assert_eq!(hs_edition_of_tariff(v), e, "{v}");
        }
        assert_eq!(hs_edition_of_tariff("1999"), None);
        assert_eq!(hs_edition_of_tariff("x"), None);
        let t =
            PsrTable::parse("psr/x.csv", "# hs_edition: 2012\nhs_prefix,rule,source\n15,CC,a\n", &limits()).unwrap();
        assert_eq!(t.hs_edition(), Some(2012));
        let e = PsrTable::parse("psr/x.csv", "# hs_edition: 2013\nhs_prefix,rule,source\n15,CC,a\n", &limits())
            .unwrap_err();
        assert_eq!(e.path, "psr/x.csv: row 1, hs_edition");
    }

    #[test]
    fn a_tables_dates_are_read_from_its_header_and_checked() {
        let t =
            |head: &str| PsrTable::parse("psr/x.csv", &format!("{head}hs_prefix,rule,source\n15,CC,a\n"), &limits());
        let dated =
            t("# hs_edition: 2012\n# in_force: 2012-01-01..\n# in_force_status: unconfirmed\n# in_force_source: s\n")
                .unwrap();
        let f = dated.in_force();
        assert_eq!((f.period().as_str(), f.status, f.source.as_str()), ("2012-01-01..", Status::Unconfirmed, "s"));
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        assert!(f.covers(day("2030-01-01")) && !f.covers(day("2011-12-31")));
        assert!(!t("").unwrap().in_force().is_dated());
        for (head, column) in [
            ("# in_force: 2012-13-01..\n# in_force_source: s\n", "in_force"),
            ("# in_force: 2012-01-01\n# in_force_source: s\n", "in_force"),
            ("# in_force: 2012-01-01..2011-01-01\n# in_force_source: s\n", "in_force"),
            ("# in_force: 2012-01-01..\n", "in_force_source"),
            ("# in_force_status: maybe\n", "in_force_status"),
            ("# in_forse: 2012-01-01..\n", "in_forse"),
        ] {
            let e = t(head).unwrap_err();
            assert!(e.path.ends_with(column), "{head}: {}", e.path);
        }
    }

    #[test]
    fn the_day_picks_the_table_in_force() {
        let with = |extra: &[(&str, &str)]| {
            let mut files = crate::rulebook::builtin_files();
            files.retain(|(p, _)| !p.starts_with("psr/ecfa"));
            files.extend(extra.iter().map(|(p, t)| (p.to_string(), t.to_string())));
            crate::Rulebook::from_texts(files)
        };
        let table = |period: &str, rule: &str| {
            format!("# in_force: {period}\n# in_force_source: s\nhs_prefix,rule,source\n27101941,{rule},{period}\n")
        };
        let (old, new) = (table("2011-01-01..2011-12-31", "CTH"), table("2012-01-01..", "CTSH"));
        let rb = with(&[("psr/ecfa.csv", &old), ("psr/ecfa.2012.csv", &new)]).unwrap();
        let day = |d: &str| Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap());
        let rule = |d: Option<NaiveDate>| {
            rb.origin().psr_on("ecfa", d).unwrap().table().and_then(|t| t.lookup("27101941")).map(|r| r.text.clone())
        };
        assert_eq!(rule(day("2011-12-31")).as_deref(), Some("CTH"));
        assert_eq!(rule(day("2012-01-01")).as_deref(), Some("CTSH"));
        assert_eq!(rule(None).as_deref(), Some("CTSH"), "without a day, the most recent table");
        assert!(matches!(rb.origin().psr_on("ecfa", None).unwrap(), InForceOn::Latest(_)));
        assert!(matches!(rb.origin().psr_on("ecfa", day("2010-06-01")).unwrap(), InForceOn::NoneOnDay(_)));
        assert!(matches!(rb.origin().psr_on("korea", day("2010-06-01")).unwrap(), InForceOn::Only(_)));
        assert!(matches!(rb.origin().psr_on("apta", None).unwrap(), InForceOn::NoTable));
        assert_eq!(rb.origin().psr_tables("ecfa").unwrap().len(), 2);
        // Two periods that overlap, or a second table without a period, make the choice ambiguous.
        let e = with(&[("psr/ecfa.csv", &table("2011-01-01..2012-06-30", "CTH")), ("psr/ecfa.2012.csv", &new)])
            .unwrap_err();
        assert!(e.message.en.contains("overlap"), "{}", e.message.en);
        let e =
            with(&[("psr/ecfa.csv", "hs_prefix,rule,source\n27,CTH,s\n"), ("psr/ecfa.2012.csv", &new)]).unwrap_err();
        assert_eq!(e.path, "psr/ecfa: in_force");
        let e = with(&[("psr/nowhere.2012.csv", &new)]).unwrap_err();
        assert!(e.message.en.contains("no agreement `nowhere`"), "{}", e.message.en);
    }

    #[test]
    fn longest_prefix_wins() {
        let t = PsrTable::parse(
            "psr/x.csv",
            "hs_prefix,rule,source\n15,CC,a\n1511,CTH except from 15.11,b\n151110,CTSH,c\n",
            &limits(),
        )
        .unwrap();
        assert_eq!(t.lookup("1511900000").unwrap().hs_prefix, "1511");
        assert_eq!(t.lookup("15111000").unwrap().hs_prefix, "151110");
        assert_eq!(t.lookup("150100").unwrap().hs_prefix, "15");
        assert!(t.lookup("8501").is_none());
    }

    #[test]
    fn errors_name_file_row_and_column() {
        let e =
            PsrTable::parse("psr/x.csv", "hs_prefix,rule,source\n15,CC,a\n16,CTH or RVC(,b\n", &limits()).unwrap_err();
        assert_eq!(e.path, "psr/x.csv: row 3, rule, column 12", "{}", e.message.en);
        let e = PsrTable::parse("psr/x.csv", "hs_prefix,rule,source\n151,CC,a\n", &limits()).unwrap_err();
        assert_eq!(e.path, "psr/x.csv: row 2, hs_prefix");
        let e = PsrTable::parse("psr/x.csv", "hs,rule\n", &limits()).unwrap_err();
        assert_eq!(e.path, "psr/x.csv: row 1");
        let e = PsrTable::parse("psr/x.csv", "hs_prefix,rule,source\n15,CC,a\n15,CTH,b\n", &limits()).unwrap_err();
        assert_eq!(e.path, "psr/x.csv: row 3, hs_prefix");
        let mut small = limits();
        small.max_psr_rows = 1;
        let e = PsrTable::parse("psr/x.csv", "hs_prefix,rule,source\n15,CC,a\n16,CC,a\n", &small).unwrap_err();
        assert!(e.message.en.contains("more than 1 rows"));
    }
}
