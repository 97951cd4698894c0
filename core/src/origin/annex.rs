//! Import of product-specific-rule annexes as GACC publishes them (Chinese-language tables of
//! chapter / heading / subheading / description / rule text) into origo's PSR table.
//!
//! The reader is format-independent: a table arrives as rows of cells (the annex converted to
//! JSON objects or CSV). Each row's HS code is re-derived from its code cells and validated
//! (a heading inside its chapter, a subheading inside its heading), because converted annexes
//! lose zeros (`101.3` is `0101.30`) and repeat merged cells into the rows below them. A row
//! whose code cells only repeat the row above carries no rule of its own unless its wording names
//! the code it applies to. Every other rule is read by [`super::wording`]; a row that cannot be
//! read is refused with its row, column and reason, and a table with refused rows is written
//! only when the caller allows a partial table.

use super::expr::dotted;
use super::wording;
use crate::error::{codes, Error, Result};
use crate::finding::Code;
use crate::rulebook::Rulebook;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

crate::finding::codes! {
    CODES;
    ROW_CODE = ("psr_row_code", Error, "无法得出该行的 HS 编码", "the row's HS code cannot be derived");
    ROW_OUTSIDE = ("psr_row_outside", Error, "编码不在其所属章或品目内", "a heading outside its chapter or a subheading outside its heading");
    ROW_WORDING = ("psr_row_wording", Error, "规则措辞无法识别", "the rule's wording is not a known phrasing");
    ROW_TARGET = ("psr_row_target", Error, "规则所指编码与该行编码不符", "the wording names another code than the row's");
    ROW_DUPLICATE = ("psr_row_duplicate", Error, "同一编码有两条不同规则", "a second, different rule for the same code");
}

/// Header names recognised per column role, as they appear in GACC's annexes.
const CHAPTER: &[&str] = &["章"];
const HEADING: &[&str] = &["品目"];
const SUBHEADING: &[&str] = &["子目"];
const CODE_COL: &[&str] = &["税号", "税则号列", "商品编码", "HS编码"];
const DESCRIPTION: &[&str] = &["商品描述", "产品描述", "产品名称", "品名"];
const RULE: &[&str] = &["原产地标准", "产品特定原产地规则", "产品特定规则"];

/// `import_psr`: an annex table and where it comes from.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportPsrRequest {
    /// Agreement code of the table, e.g. `korea`.
    pub agreement: String,
    /// The annex as a JSON array of row objects (header → cell), as converted from Excel.
    #[serde(default)]
    pub annex_json: Option<String>,
    /// The annex as CSV text, the first line being the header.
    #[serde(default)]
    pub annex_csv: Option<String>,
    /// The annex as an Excel workbook (`.xlsx`), base64: the first sheet is read, its first
    /// non-empty row being the header, and a merged cell's value fills every cell it spans.
    /// Needs the `xlsx` feature.
    #[serde(default)]
    pub annex_xlsx_base64: Option<String>,
    /// The legal source every row cites: the agreement's annex and the GACC announcement.
    pub source: String,
    /// The headers to read, when the table's own are ambiguous (a table with two editions side by side).
    #[serde(default)]
    pub columns: Option<Columns>,
    /// The HS edition of the annex's codes (2007, 2012, 2017 or 2022), written into the table.
    #[serde(default)]
    pub hs_edition: Option<u16>,
    /// Write the table even when rows were refused (they are listed in the report).
    #[serde(default)]
    pub allow_partial: bool,
}

/// Which header holds which part of a row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    /// Chapter (章).
    #[serde(default)]
    pub chapter: Option<String>,
    /// Heading (品目).
    #[serde(default)]
    pub heading: Option<String>,
    /// Subheading (子目).
    #[serde(default)]
    pub subheading: Option<String>,
    /// A single code column of any level (税号, 税则号列).
    #[serde(default)]
    pub code: Option<String>,
    /// Description (商品描述, 产品描述, 产品名称).
    #[serde(default)]
    pub description: Option<String>,
    /// Rule text (原产地标准, 产品特定原产地规则).
    pub rule: String,
}

/// The derived table and the import report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ImportPsrAnswer {
    /// Agreement code.
    pub agreement: String,
    /// The PSR table (`hs_prefix,rule,wording,source`); absent when rows were refused and
    /// `allow_partial` was not set.
    pub csv: Option<String>,
    /// What was read, imported and refused.
    pub report: ImportReport,
}

/// Counts and refused rows of one import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ImportReport {
    /// The columns read.
    pub columns: Columns,
    /// Data rows read (the header excluded).
    pub rows_read: usize,
    /// Rows imported with a rule.
    pub rows_imported: usize,
    /// Of those, rows whose code was read from the wording because their code cells repeat the row above.
    pub codes_from_wording: usize,
    /// Rows without a rule (description rows such as `-鸭：`).
    pub description_rows: usize,
    /// Rows whose code cells repeat the row above (merged cells): their rule cell is not their own.
    pub merged_rows: usize,
    /// Rows repeating an imported code with the same rule.
    pub repeated_rows: usize,
    /// Distinct 6-digit subheadings named by an imported row.
    pub subheadings: usize,
    /// Rows refused, in row order.
    pub refused: Vec<RefusedRow>,
}

/// One refused row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct RefusedRow {
    /// 1-based data row (the first row under the header is 1).
    pub row: usize,
    /// The header of the cell at fault.
    pub column: String,
    /// Catalogue code.
    pub code: String,
    /// Reason in Chinese.
    pub zh: String,
    /// Reason in English.
    pub en: String,
    /// The cell's text.
    pub text: String,
}

/// Reads an annex into a PSR table (see the module documentation).
pub fn import_psr(req: &ImportPsrRequest, rb: &Rulebook) -> Result<ImportPsrAnswer> {
    let limits = rb.limits();
    rb.known_agreement(&req.agreement, "agreement")?;
    if req.source.trim().is_empty() {
        return Err(Error::new(
            &codes::MISSING_FIELD,
            "source",
            "每行都需注明法律来源",
            "every row needs a legal source",
        ));
    }
    let (field, text) = match (&req.annex_json, &req.annex_csv, &req.annex_xlsx_base64) {
        (Some(j), None, None) => ("annex_json", j),
        (None, Some(c), None) => ("annex_csv", c),
        (None, None, Some(x)) => ("annex_xlsx_base64", x),
        _ => {
            return Err(Error::new(
                &codes::MISSING_FIELD,
                "annex_json",
                "须给出 annex_json、annex_csv 或 annex_xlsx_base64 之一",
                "give exactly one of annex_json, annex_csv and annex_xlsx_base64",
            ))
        }
    };
    if text.len() > limits.max_input_bytes {
        return Err(Error::new(
            &codes::INPUT_TOO_LARGE,
            field,
            format!("附表有 {} 字节，超过上限 {}", text.len(), limits.max_input_bytes),
            format!("the annex has {} bytes, more than the limit of {}", text.len(), limits.max_input_bytes),
        ));
    }
    let (header, rows) = match field {
        "annex_json" => json_rows(text)?,
        "annex_csv" => csv_rows(text)?,
        _ => xlsx_rows(text, limits.max_psr_rows, limits.max_input_bytes.saturating_mul(XLSX_UNZIP_FACTOR))?,
    };
    if rows.len() > limits.max_psr_rows {
        return Err(Error::new(
            &codes::LIST_TOO_LONG,
            field,
            format!("附表有 {} 行，超过上限 {}", rows.len(), limits.max_psr_rows),
            format!("the annex has {} rows, more than the limit of {}", rows.len(), limits.max_psr_rows),
        ));
    }
    if rows.is_empty() {
        return Err(Error::new(&codes::ANNEX_EMPTY, field, "附表没有数据行", "the annex has no data rows"));
    }
    let columns = match &req.columns {
        Some(c) => c.clone(),
        None => detect(&header)?,
    };
    for name in [&columns.chapter, &columns.heading, &columns.subheading, &columns.code, &columns.description]
        .into_iter()
        .flatten()
        .chain(std::iter::once(&columns.rule))
    {
        if !header.contains(name) {
            return Err(columns_error(&header, &format!("没有列「{name}」"), &format!("no column `{name}`")));
        }
    }
    if let Some(e) = req.hs_edition.filter(|e| !super::psr::HS_EDITIONS.contains(e)) {
        return Err(Error::new(
            &codes::INVALID_VALUE,
            "hs_edition",
            format!("{e} 不是 HS 版本（2002、2007、2012、2017、2022）"),
            format!("{e} is not an HS edition (2002, 2007, 2012, 2017, 2022)"),
        ));
    }
    let (mut report, table) = read_rows(&columns, &rows, limits.max_rule_chars, &req.source);
    report.columns = columns;
    let csv =
        (report.refused.is_empty() || req.allow_partial).then(|| write_table(&table, req.hs_edition)).transpose()?;
    Ok(ImportPsrAnswer { agreement: req.agreement.clone(), csv, report })
}

/// One row: header → cell text (trimmed, absent when empty).
type Row = BTreeMap<String, String>;

fn cell_text(v: &Value) -> Option<String> {
    let s = match v {
        Value::Null => return None,
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    };
    (!s.is_empty()).then_some(s)
}

fn json_rows(text: &str) -> Result<(Vec<String>, Vec<Row>)> {
    let rows: Vec<Map<String, Value>> = serde_json::from_str(text).map_err(|e| {
        Error::new(
            &codes::INVALID_JSON,
            "annex_json",
            format!("附表应为 JSON 数组（每行一个对象）：{e}"),
            format!("the annex must be a JSON array of row objects: {e}"),
        )
    })?;
    let mut header: Vec<String> = Vec::new();
    let out = rows
        .into_iter()
        .map(|r| {
            r.into_iter()
                .filter_map(|(k, v)| {
                    let k = k.trim().to_string();
                    if !header.contains(&k) {
                        header.push(k.clone());
                    }
                    cell_text(&v).map(|t| (k, t))
                })
                .collect()
        })
        .collect();
    Ok((header, out))
}

fn csv_rows(text: &str) -> Result<(Vec<String>, Vec<Row>)> {
    let bad = |e: csv::Error| {
        Error::new(
            &codes::INVALID_VALUE,
            "annex_csv",
            format!("CSV 无法读取：{e}"),
            format!("the CSV cannot be read: {e}"),
        )
    };
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> = rdr.headers().map_err(bad)?.iter().map(|h| h.trim().to_string()).collect();
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(bad)?;
        out.push(
            header
                .iter()
                .zip(rec.iter())
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(h, v)| (h.clone(), v.trim().to_string()))
                .collect(),
        );
    }
    Ok((header, out))
}

/// Columns read from a workbook: annexes have five or six; anything wider is not an annex.
#[cfg(feature = "xlsx")]
const MAX_XLSX_COLUMNS: u32 = 64;

/// A workbook may unzip to this many times the input bound (`max_input_bytes`): an annex of
/// thousands of rows unzips to a few megabytes, a zip bomb to gigabytes.
const XLSX_UNZIP_FACTOR: usize = 16;

/// Refuses a workbook whose files declare more than `bound` unzipped bytes in all, before any is
/// inflated. The declared sizes bind: the zip reader stops and fails on a file inflating past its
/// declared size (an archive understating its sizes is refused as unreadable), so reading the
/// workbook costs at most `bound` bytes of inflating whatever the archive claims.
#[cfg(feature = "xlsx")]
fn unzips_within(bytes: &[u8], bound: usize) -> Result<()> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
        Error::new(
            &codes::INVALID_VALUE,
            "annex_xlsx_base64",
            format!("不是 .xlsx 工作簿：{e}"),
            format!("not an .xlsx workbook: {e}"),
        )
    })?;
    let mut declared = 0u64;
    for i in 0..archive.len() {
        // A file whose header cannot be read is left to the workbook reader, which reports it.
        declared = declared.saturating_add(archive.by_index_raw(i).map_or(0, |f| f.size()));
    }
    if declared > u64::try_from(bound).unwrap_or(u64::MAX) {
        return Err(Error::new(
            &codes::INPUT_TOO_LARGE,
            "annex_xlsx_base64",
            format!("工作簿解压后有 {declared} 字节，超过上限 {bound}"),
            format!("the workbook unzips to {declared} bytes, more than the limit of {bound}"),
        ));
    }
    Ok(())
}

/// The first sheet of a workbook as rows of cell texts. The workbook must unzip within
/// `max_unzipped` bytes; cells are streamed and kept only within `max_rows` rows and
/// [`MAX_XLSX_COLUMNS`] columns, so a sheet declaring a huge range cannot exhaust memory; merged
/// regions are filled from their first cell inside those bounds.
#[cfg(feature = "xlsx")]
fn xlsx_rows(b64: &str, max_rows: usize, max_unzipped: usize) -> Result<(Vec<String>, Vec<Row>)> {
    use base64::Engine;
    use calamine::{DataRef, Reader, Xlsx};
    let bad = |zh: String, en: String| Error::new(&codes::INVALID_VALUE, "annex_xlsx_base64", zh, en);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|e| bad(format!("不是 base64：{e}"), format!("not base64: {e}")))?;
    unzips_within(&bytes, max_unzipped)?;
    let mut book = Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| bad(format!("不是 .xlsx 工作簿：{e}"), format!("not an .xlsx workbook: {e}")))?;
    let Some(sheet) = book.sheet_names().into_iter().next() else {
        return Err(Error::new(
            &codes::ANNEX_EMPTY,
            "annex_xlsx_base64",
            "工作簿没有工作表",
            "the workbook has no sheet",
        ));
    };
    let max_rows = u32::try_from(max_rows).unwrap_or(u32::MAX).saturating_add(1);
    let mut grid: BTreeMap<(u32, u32), String> = BTreeMap::new();
    {
        let mut cells = book
            .worksheet_cells_reader(&sheet)
            .map_err(|e| bad(format!("工作表无法读取：{e}"), format!("the sheet cannot be read: {e}")))?;
        while let Some(cell) =
            cells.next_cell().map_err(|e| bad(format!("单元格无法读取：{e}"), format!("a cell cannot be read: {e}")))?
        {
            let (r, c) = cell.get_position();
            if r > max_rows {
                return Err(Error::new(
                    &codes::LIST_TOO_LONG,
                    "annex_xlsx_base64",
                    format!("工作表超过 {max_rows} 行"),
                    format!("the sheet has more than {max_rows} rows"),
                ));
            }
            let text = match cell.get_value() {
                DataRef::Empty => continue,
                DataRef::String(s) => s.trim().to_string(),
                DataRef::SharedString(s) => s.trim().to_string(),
                DataRef::Int(i) => i.to_string(),
                DataRef::Float(f) => f.to_string(),
                DataRef::Bool(b) => b.to_string(),
                DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
                // A date or an error value is no code and no rule: kept as text, it is refused where it matters.
                other => format!("{other:?}"),
            };
            if c < MAX_XLSX_COLUMNS && !text.is_empty() {
                grid.insert((r, c), text);
            }
        }
    }
    let merges = book
        .merge_cells_by_sheet_id(0)
        .map_err(|e| bad(format!("合并单元格无法读取：{e}"), format!("the merged cells cannot be read: {e}")))?;
    for m in merges {
        let Some(value) = grid.get(&m.start).cloned() else { continue };
        for r in m.start.0..=m.end.0.min(max_rows) {
            for c in m.start.1..=m.end.1.min(MAX_XLSX_COLUMNS - 1) {
                grid.entry((r, c)).or_insert_with(|| value.clone());
            }
        }
    }
    // The header is the first row of two cells or more: a title line above it is skipped.
    let mut per_row: BTreeMap<u32, usize> = BTreeMap::new();
    for (r, _) in grid.keys() {
        *per_row.entry(*r).or_default() += 1;
    }
    let Some(first) = per_row.iter().find(|(_, n)| **n >= 2).map(|(r, _)| *r) else {
        return Err(Error::new(
            &codes::ANNEX_EMPTY,
            "annex_xlsx_base64",
            "工作表没有表头和数据",
            "the sheet has no header and rows",
        ));
    };
    let header: Vec<(u32, String)> =
        grid.range((first, 0)..=(first, u32::MAX)).map(|(k, v)| (k.1, v.clone())).collect();
    let last = grid.keys().next_back().map_or(first, |k| k.0);
    let rows = (first + 1..=last)
        .map(|r| header.iter().filter_map(|(c, h)| grid.get(&(r, *c)).map(|v| (h.clone(), v.clone()))).collect())
        .collect();
    Ok((header.into_iter().map(|(_, h)| h).collect(), rows))
}

/// Without the `xlsx` feature a workbook is refused with a reason.
#[cfg(not(feature = "xlsx"))]
fn xlsx_rows(_: &str, _: usize, _: usize) -> Result<(Vec<String>, Vec<Row>)> {
    Err(Error::new(
        &codes::INVALID_VALUE,
        "annex_xlsx_base64",
        "此版本不能读取 .xlsx（需 xlsx 功能），请改用 annex_json 或 annex_csv",
        "this build cannot read .xlsx (it needs the `xlsx` feature): give annex_json or annex_csv",
    ))
}

fn columns_error(header: &[String], zh: &str, en: &str) -> Error {
    Error::new(
        &codes::ANNEX_COLUMNS,
        "columns",
        format!("{zh}；表头为：{}（可用 columns 指明各列）", header.join("、")),
        format!("{en}; the header is: {} (name the columns with `columns`)", header.join(", ")),
    )
}

/// Finds each role's column by its header; a role two headers could fill must be named.
fn detect(header: &[String]) -> Result<Columns> {
    let find = |names: &[&str], role_zh: &str, role_en: &str| -> Result<Option<String>> {
        let hits: Vec<&String> =
            header.iter().filter(|h| names.iter().any(|n| h.as_str() == *n || h.ends_with(n))).collect();
        match hits.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some((*one).clone())),
            many => Err(columns_error(
                header,
                &format!("{role_zh}列不唯一：{}", many.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("、")),
                &format!(
                    "more than one {role_en} column: {}",
                    many.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    };
    let c = Columns {
        chapter: find(CHAPTER, "章", "chapter")?,
        heading: find(HEADING, "品目", "heading")?,
        subheading: find(SUBHEADING, "子目", "subheading")?,
        code: find(CODE_COL, "税号", "code")?,
        description: find(DESCRIPTION, "描述", "description")?,
        rule: find(RULE, "规则", "rule")?.ok_or_else(|| columns_error(header, "没有规则列", "no rule column"))?,
    };
    if c.code.is_none() && c.heading.is_none() && c.subheading.is_none() {
        return Err(columns_error(header, "没有编码列（品目、子目或税号）", "no code column (品目, 子目 or 税号)"));
    }
    if c.code.is_some() && (c.heading.is_some() || c.subheading.is_some()) {
        return Err(columns_error(
            header,
            "税号列与品目/子目列并存",
            "both a code column and heading/subheading columns",
        ));
    }
    Ok(c)
}

/// HS levels a code cell is read at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Level {
    Chapter,
    Heading,
    Subheading,
    /// A code column of any level: the digit count decides.
    Any,
}

/// Re-derives a code from a cell that may have lost leading and trailing zeros (`101.3` =
/// `0101.30`, `1.01` = `01.01`, `3019999` = `03019999`). `None` when the cell is no code of
/// that level.
pub(super) fn code_of(text: &str, level: Level) -> Option<String> {
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let mut parts = text.split('.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next().unwrap_or("").trim_end_matches('0');
    if parts.next().is_some() || int.is_empty() {
        return None;
    }
    let left = |s: &str, n: usize| format!("{s:0>n$}");
    let right = |s: &str, n: usize| format!("{s:0<n$}");
    let code = match (level, int.len(), frac.len()) {
        (Level::Chapter, 1..=2, 0) => left(int, 2),
        (Level::Heading | Level::Any, 1..=2, 1..=2) => left(int, 2) + &right(frac, 2),
        (Level::Heading | Level::Any, 3..=4, 0) => left(int, 4),
        (Level::Subheading | Level::Any, 3..=4, 0..=2) => left(int, 4) + &right(frac, 2),
        (Level::Subheading | Level::Any, 5..=6, 0) => left(int, 6),
        (Level::Any, 7..=8, 0) => left(int, 8),
        (Level::Any, 9..=10, 0) => left(int, 10),
        (Level::Any, 1..=2, 0) => left(int, 2),
        _ => return None,
    };
    let chapter: u8 = code[..2].parse().ok()?;
    ((1..=97).contains(&chapter) && chapter != 77).then_some(code)
}

/// One imported row.
#[derive(Debug, Clone)]
struct Imported {
    row: usize,
    rule: String,
    wording: String,
    source: String,
}

impl ImportReport {
    fn refuse(&mut self, row: usize, column: &str, c: &Code, text: &str, zh: String, en: String) {
        self.refused.push(RefusedRow {
            row,
            column: column.to_string(),
            code: c.code.to_string(),
            zh,
            en,
            text: text.to_string(),
        });
    }
}

fn read_rows(
    cols: &Columns,
    rows: &[Row],
    max_rule_chars: usize,
    source: &str,
) -> (ImportReport, BTreeMap<String, Imported>) {
    let mut report = ImportReport { rows_read: rows.len(), ..ImportReport::default() };
    let mut table: BTreeMap<String, Imported> = BTreeMap::new();
    let empty = Row::new();
    let get = |r: &Row, c: &Option<String>| c.as_ref().and_then(|c| r.get(c)).cloned();
    // Context carried down the rows: the last chapter and heading read.
    let mut chapter: Option<String> = None;
    let mut heading: Option<String> = None;
    for (i, r) in rows.iter().enumerate() {
        let n = i + 1;
        let prev = if i == 0 { &empty } else { &rows[i - 1] };
        let changed = |c: &Option<String>| get(r, c).is_some() && get(r, c) != get(prev, c);
        let repeated = |c: &Option<String>| get(r, c).is_some() && get(r, c) == get(prev, c);
        let name = |c: &Option<String>| c.clone().unwrap_or_default();

        // The row's own code, and whether a finer code cell merely repeats the row above.
        let mut own: Option<String> = None;
        let mut stale = false;
        if cols.code.is_some() {
            if let Some(t) = get(r, &cols.code) {
                match code_of(&t, Level::Any) {
                    Some(c) => own = Some(c),
                    None => {
                        report.refuse(n, &name(&cols.code), &ROW_CODE, &t, not_hs_zh(&t), not_hs_en(&t));
                        continue;
                    }
                }
            }
        } else {
            if changed(&cols.chapter) {
                let t = get(r, &cols.chapter).unwrap_or_default();
                match code_of(&t, Level::Chapter) {
                    Some(c) => {
                        chapter = Some(c.clone());
                        heading = None;
                        if !changed(&cols.heading) && !changed(&cols.subheading) {
                            own = Some(c);
                            stale = repeated(&cols.heading) || repeated(&cols.subheading);
                        }
                    }
                    None => {
                        report.refuse(n, &name(&cols.chapter), &ROW_CODE, &t, not_hs_zh(&t), not_hs_en(&t));
                        continue;
                    }
                }
            }
            if changed(&cols.heading) {
                let t = get(r, &cols.heading).unwrap_or_default();
                let Some(h) = code_of(&t, Level::Heading) else {
                    report.refuse(n, &name(&cols.heading), &ROW_CODE, &t, not_hs_zh(&t), not_hs_en(&t));
                    continue;
                };
                if let Some(ch) = chapter.as_ref().filter(|ch| !h.starts_with(ch.as_str())) {
                    let (zh, en) = outside(&h, ch);
                    report.refuse(n, &name(&cols.heading), &ROW_OUTSIDE, &t, zh, en);
                    continue;
                }
                heading = Some(h.clone());
                if !changed(&cols.subheading) {
                    own = Some(h);
                    stale = repeated(&cols.subheading);
                }
            }
            if changed(&cols.subheading) {
                let t = get(r, &cols.subheading).unwrap_or_default();
                let Some(s) = code_of(&t, Level::Subheading) else {
                    report.refuse(n, &name(&cols.subheading), &ROW_CODE, &t, not_hs_zh(&t), not_hs_en(&t));
                    continue;
                };
                let within = heading.as_ref().or(chapter.as_ref());
                if let Some(h) = within.filter(|h| !s.starts_with(h.as_str())) {
                    let (zh, en) = outside(&s, h);
                    report.refuse(n, &name(&cols.subheading), &ROW_OUTSIDE, &t, zh, en);
                    continue;
                }
                own = Some(s);
            }
        }

        let Some(text) = get(r, &Some(cols.rule.clone())) else {
            report.description_rows += 1;
            continue;
        };
        let context = if cols.code.is_some() { own.clone() } else { heading.clone().or(chapter.clone()) };
        let own_cells = own.is_some() && !stale;
        let reading = match wording::read(&text, max_rule_chars) {
            Ok(r) => r,
            Err(e) if own_cells => {
                report.refuse(n, &cols.rule, &ROW_WORDING, &text, e.zh, e.en);
                continue;
            }
            Err(_) => {
                report.merged_rows += 1;
                continue;
            }
        };
        let code = if own_cells {
            let mut own = own.unwrap_or_default();
            // A single code cell stored as a number reads `2848.00` and `28.48`'s plain form `2848`
            // alike; a wording naming the subheading `2848.00` settles it.
            if let Some(t) = reading.target.as_ref().filter(|t| cols.code.is_some() && **t == format!("{own}00")) {
                own = t.clone();
            }
            if let Some(t) = reading.target.as_ref().filter(|t| !own.starts_with(t.as_str())) {
                report.refuse(
                    n,
                    &cols.rule,
                    &ROW_TARGET,
                    &text,
                    format!("规则所指编码 {} 不是该行编码 {} 或其上级", dotted(t), dotted(&own)),
                    format!(
                        "the wording names {}, which is neither the row's code {} nor above it",
                        dotted(t),
                        dotted(&own)
                    ),
                );
                continue;
            }
            own
        } else {
            // Merged code cells: only a wording naming a code inside the row's context places the rule.
            match (reading.target.as_ref(), context.as_ref()) {
                (Some(t), Some(ctx)) if t.starts_with(ctx.as_str()) => t.clone(),
                _ => {
                    report.merged_rows += 1;
                    continue;
                }
            }
        };
        let rule = reading.rule.to_string();
        if let Some(first) = table.get(&code) {
            if first.rule == rule {
                report.repeated_rows += 1;
            } else {
                report.refuse(
                    n,
                    &cols.rule,
                    &ROW_DUPLICATE,
                    &text,
                    format!("编码 {} 已在第 {} 行有不同规则", dotted(&code), first.row),
                    format!("code {} already has a different rule at row {}", dotted(&code), first.row),
                );
            }
            continue;
        }
        if !own_cells {
            report.codes_from_wording += 1;
        }
        table.insert(code, Imported { row: n, rule, wording: text, source: format!("{source}, row {n}") });
        report.rows_imported += 1;
    }
    let mut subheadings: Vec<&str> = table.keys().filter(|k| k.len() >= 6).map(|k| &k[..6]).collect();
    subheadings.dedup();
    report.subheadings = subheadings.len();
    (report, table)
}

fn not_hs_zh(t: &str) -> String {
    format!("「{t}」不是该级别的 HS 编码")
}

fn not_hs_en(t: &str) -> String {
    format!("`{t}` is not an HS code of this level")
}

fn outside(code: &str, parent: &str) -> (String, String) {
    (
        format!("{} 不在 {} 之内（合并单元格或错位）", dotted(code), dotted(parent)),
        format!("{} is not inside {} (merged or misaligned cells)", dotted(code), dotted(parent)),
    )
}

fn write_table(table: &BTreeMap<String, Imported>, hs_edition: Option<u16>) -> Result<String> {
    let internal = |e: &dyn std::fmt::Display| {
        Error::new(&codes::INTERNAL_ERROR, "", format!("无法写出规则表：{e}"), format!("cannot write the table: {e}"))
    };
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    w.write_record(crate::rulebook::psr::TABLE_HEADER).map_err(|e| internal(&e))?;
    for (code, r) in table {
        w.write_record([dotted(code).as_str(), &r.rule, &r.wording, &r.source]).map_err(|e| internal(&e))?;
    }
    let bytes = w.into_inner().map_err(|e| internal(&e))?;
    let body = String::from_utf8(bytes).map_err(|e| internal(&e))?;
    Ok(match hs_edition {
        Some(e) => format!("# hs_edition: {e}\n{body}"),
        None => body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rb() -> Rulebook {
        Rulebook::builtin().unwrap()
    }

    fn req(json: &str) -> ImportPsrRequest {
        ImportPsrRequest {
            agreement: "korea".into(),
            annex_json: Some(json.into()),
            annex_csv: None,
            annex_xlsx_base64: None,
            source: "Annex 3-A".into(),
            columns: None,
            hs_edition: None,
            allow_partial: false,
        }
    }

    #[test]
    fn codes_lost_zeros_are_rederived_and_checked() {
        assert_eq!(code_of("101.3", Level::Subheading).as_deref(), Some("010130"));
        assert_eq!(code_of("1.01", Level::Heading).as_deref(), Some("0101"));
        assert_eq!(code_of("5503.0", Level::Heading).as_deref(), Some("5503"));
        assert_eq!(code_of("01.01", Level::Heading).as_deref(), Some("0101"));
        assert_eq!(code_of("3019999", Level::Any).as_deref(), Some("03019999"));
        assert_eq!(code_of("481890.0", Level::Subheading).as_deref(), Some("481890"));
        assert_eq!(code_of("501.0", Level::Subheading).as_deref(), Some("050100"));
        assert_eq!(code_of("1.0", Level::Chapter).as_deref(), Some("01"));
        for (t, l) in [
            ("98.01", Level::Heading),
            ("7701", Level::Heading),
            ("abc", Level::Any),
            ("1.2.3", Level::Any),
            ("", Level::Any),
            ("101.21", Level::Heading),
        ] {
            assert_eq!(code_of(t, l), None, "{t}");
        }
    }

    #[test]
    fn merged_cells_hierarchy_and_description_rows() {
        // Korea's shape: the subheading and rule cells of heading and description rows repeat the row above.
        let json = r#"[
          {"章":1.0,"品目":1.01,"子目":101.21,"商品描述":"--改良种用","原产地标准":"完全获得"},
          {"章":1.0,"品目":1.01,"子目":101.3,"商品描述":"-驴","原产地标准":"完全获得"},
          {"章":1.0,"品目":1.02,"子目":101.3,"商品描述":"牛","原产地标准":"完全获得"},
          {"章":1.0,"品目":1.02,"子目":101.3,"商品描述":"-家牛：","原产地标准":"完全获得"},
          {"章":1.0,"品目":1.02,"子目":102.21,"商品描述":"--改良种用","原产地标准":"品目改变"},
          {"章":2.0,"品目":1.02,"子目":102.21,"商品描述":"肉及食用杂碎","原产地标准":"品目改变"},
          {"章":2.0,"品目":2.01,"子目":null,"商品描述":"鲜牛肉","原产地标准":"章改变，但从第1章转变来的除外"},
          {"章":2.0,"品目":2.01,"子目":201.1,"商品描述":"-整头","原产地标准":null}
        ]"#;
        let a = import_psr(&req(json), &rb()).unwrap();
        let r = &a.report;
        assert!(r.refused.is_empty(), "{:?}", r.refused);
        assert_eq!((r.rows_read, r.rows_imported, r.merged_rows, r.description_rows), (8, 4, 3, 1));
        let csv = a.csv.unwrap();
        assert_eq!(
            csv,
            "hs_prefix,rule,wording,source\n0101.21,WO,完全获得,\"Annex 3-A, row 1\"\n0101.30,WO,完全获得,\"Annex 3-A, row 2\"\n\
             0102.21,CTH,品目改变,\"Annex 3-A, row 5\"\n02.01,CC except from 01,章改变，但从第1章转变来的除外,\"Annex 3-A, row 7\"\n"
        );
        // The derived table loads, and the heading's rule reaches its subheading without a row.
        let t = crate::origin::PsrTable::parse("psr/korea.csv", &csv, rb().limits()).unwrap();
        assert_eq!(t.lookup("020110").unwrap().hs_prefix, "0201");
        assert_eq!(t.lookup("0201100000").unwrap().wording.as_deref(), Some("章改变，但从第1章转变来的除外"));
    }

    #[test]
    fn refused_rows_name_row_column_and_reason_and_block_the_table() {
        let json = r#"[
          {"章":1,"品目":1.01,"产品描述":"马","产品特定原产地规则":"从任何其他章改变到品目 01.01"},
          {"章":1,"品目":2.01,"产品描述":"x","产品特定原产地规则":"完全获得"},
          {"章":1,"品目":"ab","产品描述":"x","产品特定原产地规则":"完全获得"},
          {"章":1,"品目":1.03,"产品描述":"猪","产品特定原产地规则":"如果动物在中国境内出生并饲养，可赋予原产地。"},
          {"章":1,"品目":1.04,"产品描述":"羊","产品特定原产地规则":"从任何其他章改变到品目 01.05"},
          {"章":1,"品目":1.05,"产品描述":"禽","产品特定原产地规则":"完全获得"},
          {"章":1,"品目":1.05,"产品描述":"禽","产品特定原产地规则":"章改变"}
        ]"#;
        let a = import_psr(&req(json), &rb()).unwrap();
        let got: Vec<(usize, &str, &str)> =
            a.report.refused.iter().map(|r| (r.row, r.column.as_str(), r.code.as_str())).collect();
        assert_eq!(
            got,
            [
                (2, "品目", "psr_row_outside"),
                (3, "品目", "psr_row_code"),
                (4, "产品特定原产地规则", "psr_row_wording"),
                (5, "产品特定原产地规则", "psr_row_target"),
            ]
        );
        assert!(a.report.refused.iter().all(|r| !r.zh.is_empty() && !r.en.is_empty()));
        assert_eq!(a.csv, None, "no partial table without allow_partial");
        let a = import_psr(&ImportPsrRequest { allow_partial: true, ..req(json) }, &rb()).unwrap();
        assert_eq!(a.report.rows_imported, 2);
        assert!(a.csv.unwrap().contains("01.05,WO"));
    }

    #[test]
    fn a_zero_stripped_subheading_is_settled_by_its_wording() {
        let json = r#"[{"税号":2848.0,"产品特定规则":"从任何其他子目改变到子目2848.00"},{"税号":2849.0,"产品特定规则":"从任何其他子目改变到子目2850.00"}]"#;
        let a = import_psr(&req(json), &rb()).unwrap();
        assert_eq!(a.report.rows_imported, 1);
        assert_eq!(a.report.refused[0].code, "psr_row_target");
        assert!(a.csv.is_none());
        let a = import_psr(&ImportPsrRequest { allow_partial: true, ..req(json) }, &rb()).unwrap();
        assert!(a.csv.unwrap().contains("\n2848.00,CTSH,"));
    }

    #[test]
    fn bad_files_get_coded_errors() {
        let code = |r: ImportPsrRequest| import_psr(&r, &rb()).unwrap_err().code;
        assert_eq!(code(req("[]")), "annex_empty");
        assert_eq!(code(req("{\"a\":1}")), "invalid_json");
        assert_eq!(code(req(r#"[{"章":1,"名称":"x"}]"#)), "annex_columns");
        assert_eq!(
            code(req(r#"[{"税号":1,"税号.1":"x","产品特定规则":"","2012版产品特定规则":""}]"#)),
            "annex_columns"
        );
        assert_eq!(code(ImportPsrRequest { agreement: "nowhere".into(), ..req("[]") }), "unknown_agreement");
        let huge = format!("[{}]", "{\"章\":1},".repeat(600_000));
        assert_eq!(code(req(&huge)), "input_too_large");
        let csv = ImportPsrRequest {
            annex_json: None,
            annex_csv: Some("品目,子目,产品特定原产地规则\n01.01,,\n01.01,101.1,完全获得\n".into()),
            ..req("")
        };
        let a = import_psr(&csv, &rb()).unwrap();
        assert_eq!((a.report.rows_imported, a.report.description_rows), (1, 1));
    }

    fn arb_cell() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        prop_oneof![
            Just(serde_json::Value::Null),
            "[0-9.]{0,9}".prop_map(serde_json::Value::from),
            (0u32..1_000_000).prop_map(|n| serde_json::from_str(&format!("{}.{:02}", n / 100, n % 100)).unwrap()),
            proptest::sample::select(vec![
                "完全获得",
                "品目改变",
                "章改变，但从第",
                "区域价值成分40%",
                "至",
                "或",
                "-鸭：",
                "，由品目"
            ])
            .prop_map(serde_json::Value::from),
        ]
    }

    proptest::proptest! {
        /// Whatever the cells, the import answers: a table exactly when no row was refused.
        #[test]
        fn any_rows_import_without_panicking(rows in proptest::collection::vec(proptest::collection::vec(arb_cell(), 4), 0..30)) {
            let rows: Vec<serde_json::Value> = rows
                .into_iter()
                .map(|c| serde_json::json!({"章": c[0], "品目": c[1], "子目": c[2], "原产地标准": c[3]}))
                .collect();
            let json = serde_json::to_string(&rows).unwrap();
            if let Ok(a) = import_psr(&req(&json), &rb()) {
                proptest::prop_assert_eq!(a.csv.is_some(), a.report.refused.is_empty());
                let counted = a.report.rows_imported + a.report.description_rows + a.report.merged_rows
                    + a.report.repeated_rows + a.report.refused.len();
                proptest::prop_assert_eq!(counted, a.report.rows_read);
                if let Some(csv) = a.csv {
                    crate::origin::PsrTable::parse("psr/x.csv", &csv, rb().limits()).unwrap();
                }
            }
        }
    }

    /// A minimal workbook: inline strings and numbers, and merged cells.
    #[cfg(feature = "xlsx")]
    fn workbook(rows: &[&[&str]], merges: &[&str]) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(zipped(rows, merges, 0))
    }

    /// The zipped workbook, its sheet padded with `padding` spaces (which inflate, not compress).
    #[cfg(feature = "xlsx")]
    fn zipped(rows: &[&[&str]], merges: &[&str], padding: usize) -> Vec<u8> {
        use std::io::Write;
        let col = |c: usize| char::from(b'A' + c as u8);
        let mut sheet = String::from(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
        );
        for (r, cells) in rows.iter().enumerate() {
            sheet += &format!(r#"<row r="{}">"#, r + 1);
            for (c, v) in cells.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
                let at = format!("{}{}", col(c), r + 1);
                if v.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                    sheet += &format!(r#"<c r="{at}"><v>{v}</v></c>"#);
                } else {
                    sheet += &format!(r#"<c r="{at}" t="inlineStr"><is><t>{v}</t></is></c>"#);
                }
            }
            sheet += "</row>";
        }
        sheet += "</sheetData>";
        if !merges.is_empty() {
            sheet += &format!(r#"<mergeCells count="{}">"#, merges.len());
            for m in merges {
                sheet += &format!(r#"<mergeCell ref="{m}"/>"#);
            }
            sheet += "</mergeCells>";
        }
        sheet += &" ".repeat(padding);
        sheet += "</worksheet>";
        let files = [
            ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string()),
            ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
            ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="PSR" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string()),
            ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string()),
            ("xl/worksheets/sheet1.xml", sheet),
        ];
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, text) in files {
            zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[cfg(feature = "xlsx")]
    #[test]
    #[allow(clippy::disallowed_methods)] // a test bounding the time, not a result depending on it
    fn a_workbook_unzipping_past_the_bound_is_refused_in_bounded_time() {
        use base64::Engine;
        // A 128 KiB input bound lets a workbook unzip to 2 MiB; this sheet unzips to 4 MiB from a
        // few kilobytes.
        // (Without the product-specific tables, larger than that bound and not needed here.)
        let files =
            crate::rulebook::builtin_files().into_iter().filter(|(p, _)| !p.starts_with("psr/")).map(|(p, t)| {
                let t = if p == "rulebook.toml" {
                    t.replace("max_input_bytes = 4_194_304", "max_input_bytes = 131_072")
                } else {
                    t
                };
                (p, t)
            });
        let small = Rulebook::from_texts(files).unwrap();
        let rows: &[&[&str]] = &[&["章", "品目", "原产地标准"], &["1", "1.01", "完全获得"]];
        let padding = 4 << 20;
        let bomb = zipped(rows, &[], padding);
        assert!(bomb.len() < 20_000, "{} bytes zipped", bomb.len());
        let as_request = |zip: &[u8]| ImportPsrRequest {
            annex_json: None,
            annex_xlsx_base64: Some(base64::engine::general_purpose::STANDARD.encode(zip)),
            ..req("")
        };
        let started = std::time::Instant::now();
        let e = import_psr(&as_request(&bomb), &small).unwrap_err();
        assert_eq!((e.code, e.path.as_str()), ("input_too_large", "annex_xlsx_base64"), "{}", e.message.en);
        assert!(e.message.en.ends_with("more than the limit of 2097152"), "{}", e.message.en);
        // An archive understating its sheet's size is inflated only up to what it declares, then
        // refused as unreadable.
        let mut lying = bomb.clone();
        let sheet_size = lying
            .windows(4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .filter(|n| (padding as u32..padding as u32 + 4096).contains(n))
            .max()
            .unwrap();
        let mut patched = 0;
        for i in 0..lying.len() - 4 {
            if u32::from_le_bytes([lying[i], lying[i + 1], lying[i + 2], lying[i + 3]]) == sheet_size {
                lying[i..i + 4].copy_from_slice(&100u32.to_le_bytes());
                patched += 1;
            }
        }
        assert_eq!(patched, 2, "the local header and the central directory");
        let e = import_psr(&as_request(&lying), &small).unwrap_err();
        assert_eq!(e.code, "invalid_value", "{}", e.message.en);
        assert!(e.message.en.contains("larger than its declared uncompressed size"), "{}", e.message.en);
        assert!(started.elapsed().as_secs() < 10);
        // The same workbook without the padding is read.
        let a = import_psr(&as_request(&zipped(rows, &[], 0)), &small).unwrap();
        assert_eq!(a.report.rows_imported, 1);
    }

    #[cfg(feature = "xlsx")]
    #[test]
    fn a_workbook_is_read_with_its_merged_cells_filled() {
        // The rule cell of 01.01's two subheadings is one merged cell, as in GACC's annexes.
        let rows: &[&[&str]] = &[
            &["产品特定原产地规则（附件）"],
            &[],
            &["章", "品目", "子目", "商品描述", "原产地标准"],
            &["1", "1.01", "", "马、驴、骡", ""],
            &["1", "1.01", "101.21", "--改良种用", "完全获得"],
            &["1", "1.01", "101.29", "--其他", ""],
            &["1", "1.02", "", "牛", "品目改变"],
        ];
        // The title line above the header is skipped.
        let x = workbook(rows, &["E5:E6"]);
        let a =
            import_psr(&ImportPsrRequest { annex_json: None, annex_xlsx_base64: Some(x), ..req("") }, &rb()).unwrap();
        assert!(a.report.refused.is_empty(), "{:?}", a.report.refused);
        assert_eq!((a.report.rows_read, a.report.rows_imported, a.report.description_rows), (4, 3, 1));
        let csv = a.csv.unwrap();
        assert!(csv.contains("0101.29,WO,完全获得"), "{csv}");
        assert!(csv.contains("01.02,CTH,品目改变"), "{csv}");
        for bad in ["bm90IGEgemlw", "%%%"] {
            let r = ImportPsrRequest { annex_json: None, annex_xlsx_base64: Some(bad.into()), ..req("") };
            assert_eq!(import_psr(&r, &rb()).unwrap_err().code, "invalid_value");
        }
        for empty in [workbook(&[], &[]), workbook(&rows[..1], &[])] {
            let r = ImportPsrRequest { annex_json: None, annex_xlsx_base64: Some(empty), ..req("") };
            assert_eq!(import_psr(&r, &rb()).unwrap_err().code, "annex_empty");
        }
        let wide: Vec<String> = (0..3).map(|i| format!("{i}")).collect();
        let wide: Vec<&str> = wide.iter().map(String::as_str).collect();
        let r = ImportPsrRequest { annex_json: None, annex_xlsx_base64: Some(workbook(&[&wide], &[])), ..req("") };
        assert_eq!(import_psr(&r, &rb()).unwrap_err().code, "annex_empty", "a header without rows");
    }
}
