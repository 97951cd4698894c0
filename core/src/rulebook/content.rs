//! Certificate-content data: fixed printed texts (`lists/content.toml`), the ECFA early-harvest
//! list (`lists/ecfa_early_harvest.csv`) and HS codes replaced by tariff version changes
//! (`lists/hs_migrations.csv`).

use super::fact::{Fact, OptFact};
use super::{invalid, parse_toml, Files};
use crate::error::Result;
use crate::model::HsCode;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

const TEXTS: &str = "lists/content.toml";
const EARLY_HARVEST: &str = "lists/ecfa_early_harvest.csv";
const MIGRATIONS: &str = "lists/hs_migrations.csv";

/// Fixed texts and list facts of `lists/content.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContentTexts {
    schema_version: u32,
    /// Printed in the text-marks box when the marks are an attached image (FAQ Q39).
    pub see_attachment: Fact<String>,
    /// Printed in the marks box when the goods have no marks.
    pub no_marks: Fact<String>,
    /// Appended to the goods name when "in bulk" is ticked (FAQ Q30).
    pub in_bulk: Fact<String>,
    /// Joins exporter and intermediary in a double header (FAQ Q80).
    pub double_header_joiner: Fact<String>,
    /// Joins the agent and the exporter it applies for (agent mode, FAQ Q80).
    pub on_behalf_joiner: Fact<String>,
    /// The letter of credit in the remarks (FAQ Q102): `{number}` and `{date}`, and without a date.
    pub letter_of_credit: Fact<String>,
    pub letter_of_credit_undated: Fact<String>,
    /// Whether the early-harvest list holds every line: a code absent from an incomplete list
    /// cannot be refused with certainty.
    pub ecfa_early_harvest_complete: Fact<bool>,
    /// Producer-box confidentiality wording per agreement code (FAQ Q41).
    pub manufacturer_confidential_text: BTreeMap<String, Fact<String>>,
    /// Fixed texts of the English-language forms.
    pub form_texts: FormTexts,
    /// The wordings each print language prints, by language code (`en`, `zh`).
    pub print_texts: BTreeMap<String, PrintTexts>,
}

/// Fixed texts of the English-language forms that no certificate datum decides (`[form_texts]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormTexts {
    /// The "Issued in" line.
    pub issued_in: Fact<String>,
    /// The lost-certificate endorsement; `{number}` and `{date}` are the original's.
    pub true_copy: Fact<String>,
    /// The amendment endorsement; `{number}` is the replaced certificate's.
    pub replaces: Fact<String>,
}

/// The wordings a form prints in its own language (`[print_texts.<language>]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrintTexts {
    /// How dates are printed: `{year}`, `{month}`, `{day}`, `{MON}` (JAN), `{DD}` (two digits).
    pub date: Fact<String>,
    /// The unit of the gross weight.
    pub weight_unit: Fact<String>,
    /// Printed before the gross weight in the goods rows (may be empty).
    pub gross_weight_label: Fact<String>,
    /// The foot of a sheet whose goods continue on the next one.
    pub continued: Fact<String>,
    /// The heading of a continuation sheet.
    pub continuation_sheet: Fact<String>,
    /// The label of the certificate number on continuation and attachment sheets.
    pub certificate_number: Fact<String>,
    /// The heading of an image-marks attachment sheet (FAQ Q39).
    pub marks_attachment: Fact<String>,
    /// The page numbering at each page's foot: `{page}` of `{pages}`.
    pub page: Fact<String>,
    /// The retroactive marking where the agreement names none.
    pub retroactive_marking: Fact<String>,
    /// The line printed beside the verification QR code; `{url}` is the verification address (FAQ Q47).
    pub verification: Fact<String>,
    /// The warning line printed on every page, where the form has one.
    pub warning: OptFact<String>,
    /// Printed in a box that has nothing to hold, where the form asks every box to be filled.
    pub none: OptFact<String>,
    /// Printed in the producer box when the producer is the exporter, where the form says so.
    pub same_as_exporter: OptFact<String>,
    /// The route line's parts: `{port}` of loading, of discharge, of transhipment. A part without
    /// a value is not printed (forms in this language print the transport box field by field).
    pub route_from: OptFact<String>,
    pub route_to: OptFact<String>,
    pub route_via: OptFact<String>,
    /// The route line's means of transport.
    pub transport_mode: TransportModeTexts,
    /// The HS line under a goods description, for forms without an HS column: `{hs}`.
    pub hs_line: OptFact<String>,
    /// The FOB value under a quantity, where the item shows it (FAQ Q36): `{value}`.
    pub fob_value: Fact<String>,
    /// The line closing the goods description.
    pub end_line: Fact<String>,
    /// The package total above the end line: `{count}` packages of `{kind}`.
    pub total_packages: Fact<String>,
    /// The kind in the package total when the items' kinds differ.
    pub packages: Fact<String>,
}

/// The means of transport as the route line prints them (`[print_texts.<language>.transport_mode]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransportModeTexts {
    pub sea: OptFact<String>,
    pub air: OptFact<String>,
    pub rail: OptFact<String>,
    pub road: OptFact<String>,
    pub multimodal: OptFact<String>,
    pub post: OptFact<String>,
}

impl PrintTexts {
    /// A date in this language's format.
    pub fn date(&self, d: NaiveDate) -> String {
        const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
        let mon = usize::try_from(d.month0()).ok().and_then(|m| MONTHS.get(m)).copied().unwrap_or_default();
        fill(
            &self.date.value,
            &[
                ("{year}", &d.year().to_string()),
                ("{month}", &d.month().to_string()),
                ("{day}", &d.day().to_string()),
                ("{MON}", mon),
                ("{DD}", &format!("{:02}", d.day())),
            ],
        )
    }

    /// The page numbering of page `page` of `pages`.
    pub fn page(&self, page: usize, pages: usize) -> String {
        fill(&self.page.value, &[("{page}", &page.to_string()), ("{pages}", &pages.to_string())])
    }

    /// The verification line for the address `url`.
    pub fn verification(&self, url: &str) -> String {
        fill(&self.verification.value, &[("{url}", url)])
    }

    /// A route part (`route_from`, `route_to`, `route_via`) for `port`; `None` where this
    /// language prints no route line.
    pub fn route_part(part: &OptFact<String>, port: &str) -> Option<String> {
        part.value.as_deref().map(|t| fill(t, &[("{port}", port)]))
    }

    /// The HS line for the printed digits `hs`, where this language prints one.
    pub fn hs_line(&self, hs: &str) -> Option<String> {
        self.hs_line.value.as_deref().map(|t| fill(t, &[("{hs}", hs)]))
    }

    /// The FOB line for the printed `value`.
    pub fn fob_value(&self, value: &str) -> String {
        fill(&self.fob_value.value, &[("{value}", value)])
    }

    /// The package total: `count` packages of `kind`.
    pub fn total_packages(&self, count: u64, kind: &str) -> String {
        fill(&self.total_packages.value, &[("{count}", &count.to_string()), ("{kind}", kind)])
    }
}

/// Fills each placeholder of `template` in one pass: text a value brings in is never read again.
fn fill(template: &str, holes: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        match holes.iter().find(|(h, _)| tail.starts_with(h)) {
            Some((h, v)) => {
                out.push_str(v);
                rest = &tail[h.len()..];
            }
            None => {
                out.push('{');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

impl ContentTexts {
    /// The remarks line of a letter of credit `number` opened on `date` (FAQ Q102).
    pub fn letter_of_credit(&self, number: &str, date: Option<NaiveDate>) -> String {
        match date {
            Some(d) => fill(&self.letter_of_credit.value, &[("{number}", number), ("{date}", &d.to_string())]),
            None => fill(&self.letter_of_credit_undated.value, &[("{number}", number)]),
        }
    }
}

impl FormTexts {
    /// The lost-certificate endorsement for the original `number` issued on `date`.
    pub fn true_copy(&self, number: &str, date: &str) -> String {
        // One pass: a `{date}` inside the number is printed as typed.
        self.true_copy.value.split("{number}").map(|part| part.replace("{date}", date)).collect::<Vec<_>>().join(number)
    }

    /// The amendment endorsement for the replaced certificate `number`.
    pub fn replaces(&self, number: &str) -> String {
        self.replaces.value.replace("{number}", number)
    }
}

/// One HS code replaced by a tariff version change (FAQ Q111).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HsMigration {
    /// The replaced code or code prefix (digits).
    pub hs_code: String,
    /// The tariff version (year) from which the code no longer exists.
    pub replaced_in: u16,
    /// Candidate codes in the new version.
    pub new_codes: Vec<HsCode>,
    /// Where the change is published.
    pub source: String,
}

/// Everything the content checks read from the rulebook.
#[derive(Debug, Clone)]
pub struct ContentData {
    /// Fixed texts and list facts.
    pub texts: ContentTexts,
    /// Early-harvest codes per agreement code (only ECFA has one today).
    pub early_harvest: BTreeMap<String, BTreeSet<String>>,
    /// Replaced HS codes.
    pub migrations: Vec<HsMigration>,
}

impl ContentData {
    /// The agreement's early-harvest list, if it restricts its goods to one.
    pub fn early_harvest(&self, agreement: &str) -> Option<&BTreeSet<String>> {
        self.early_harvest.get(agreement)
    }

    /// Replacements of `code` for a product of tariff version `version`.
    pub fn migrations_for<'a>(&'a self, code: &'a HsCode, version: u16) -> impl Iterator<Item = &'a HsMigration> + 'a {
        self.migrations.iter().filter(move |m| version < m.replaced_in && code.digits().starts_with(&m.hs_code))
    }
}

pub(crate) fn load(files: &Files) -> Result<ContentData> {
    let texts: ContentTexts = parse_toml(TEXTS, required(files, TEXTS)?)?;
    if texts.schema_version != 1 {
        return Err(invalid(TEXTS, "schema_version", "unsupported schema_version (expected 1)"));
    }
    let ft = &texts.form_texts;
    for (key, text, holes) in [
        ("form_texts.true_copy.value", &ft.true_copy.value, &["{number}", "{date}"][..]),
        ("form_texts.replaces.value", &ft.replaces.value, &["{number}"][..]),
        ("letter_of_credit.value", &texts.letter_of_credit.value, &["{number}", "{date}"][..]),
        ("letter_of_credit_undated.value", &texts.letter_of_credit_undated.value, &["{number}"][..]),
    ] {
        if let Some(hole) = holes.iter().find(|h| !text.contains(*h)) {
            return Err(invalid(TEXTS, key, &format!("the text must contain {hole}")));
        }
    }
    for (language, t) in &texts.print_texts {
        for (key, text, holes) in [
            ("date", Some(t.date.value.as_str()), &["{year}"][..]),
            ("page", Some(t.page.value.as_str()), &["{page}", "{pages}"][..]),
            ("verification", Some(t.verification.value.as_str()), &["{url}"][..]),
            ("fob_value", Some(t.fob_value.value.as_str()), &["{value}"][..]),
            ("total_packages", Some(t.total_packages.value.as_str()), &["{count}", "{kind}"][..]),
            ("route_from", t.route_from.value.as_deref(), &["{port}"][..]),
            ("route_to", t.route_to.value.as_deref(), &["{port}"][..]),
            ("route_via", t.route_via.value.as_deref(), &["{port}"][..]),
            ("hs_line", t.hs_line.value.as_deref(), &["{hs}"][..]),
        ] {
            if let Some(hole) = text.and_then(|text| holes.iter().find(|h| !text.contains(**h))) {
                let key = format!("print_texts.{language}.{key}.value");
                return Err(invalid(TEXTS, &key, &format!("the text must contain {hole}")));
            }
        }
    }
    let mut early_harvest: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (row, rec) in rows(EARLY_HARVEST, required(files, EARLY_HARVEST)?, &["agreement", "hs_code", "source"])? {
        let code = HsCode::parse(&rec["hs_code"]).map_err(|e| invalid(EARLY_HARVEST, &row, &e.en))?;
        if code.digits().len() != 8 {
            return Err(invalid(EARLY_HARVEST, &row, "hs_code must have 8 digits"));
        }
        early_harvest.entry(rec["agreement"].clone()).or_default().insert(code.digits().to_string());
    }
    let mut migrations = Vec::new();
    for (row, rec) in
        rows(MIGRATIONS, required(files, MIGRATIONS)?, &["hs_code", "replaced_in", "new_codes", "source"])?
    {
        let hs_code = rec["hs_code"].clone();
        if !(2..=10).contains(&hs_code.len()) || !hs_code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(MIGRATIONS, &row, "hs_code must be 2 to 10 digits"));
        }
        let replaced_in =
            rec["replaced_in"].parse().map_err(|_| invalid(MIGRATIONS, &row, "replaced_in must be a year"))?;
        let new_codes = rec["new_codes"]
            .split('|')
            .map(|c| HsCode::parse(c).map_err(|e| invalid(MIGRATIONS, &row, &e.en)))
            .collect::<Result<Vec<_>>>()?;
        migrations.push(HsMigration { hs_code, replaced_in, new_codes, source: rec["source"].clone() });
    }
    Ok(ContentData { texts, early_harvest, migrations })
}

fn required<'a>(files: &'a Files, path: &str) -> Result<&'a str> {
    files.get(path).ok_or_else(|| invalid(path, "", "file missing from the rulebook"))
}

type Row = BTreeMap<String, String>;

/// Reads a CSV with `#` comment lines; each row must fill every `needed` column, `source` included.
fn rows(file: &str, text: &str, needed: &[&str]) -> Result<Vec<(String, Row)>> {
    let mut reader = csv::ReaderBuilder::new().comment(Some(b'#')).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| invalid(file, "header", &e.to_string()))?.clone();
    for col in needed {
        if !headers.iter().any(|h| h == *col) {
            return Err(invalid(file, "header", &format!("column `{col}` missing")));
        }
    }
    let mut out = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let row = format!("row {}", i + 1);
        let rec = rec.map_err(|e| invalid(file, &row, &e.to_string()))?;
        let map: Row = headers.iter().zip(rec.iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect();
        if let Some(col) = needed.iter().find(|c| map.get(**c).is_none_or(|v| v.is_empty())) {
            return Err(invalid(file, &format!("{row}.{col}"), "empty value"));
        }
        out.push((row, map));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(early: &str, migrations: &str) -> Files {
        let texts = origo_rules::file(TEXTS).unwrap_or_default().to_string();
        Files(vec![
            (TEXTS.to_string(), texts),
            (EARLY_HARVEST.to_string(), early.to_string()),
            (MIGRATIONS.to_string(), migrations.to_string()),
        ])
    }

    #[test]
    fn builtin_lists_load() {
        let rb = crate::Rulebook::builtin().unwrap();
        let c = rb.content();
        assert!(c.early_harvest("ecfa").unwrap().contains("28030010"));
        assert!(c.early_harvest("asean").is_none());
        let old = HsCode::parse("85171200").unwrap();
        assert_eq!(c.migrations_for(&old, 2021).count(), 1);
        assert_eq!(c.migrations_for(&old, 2022).count(), 0);
    }

    #[test]
    fn form_texts_fill_their_placeholders_once() {
        let rb = crate::Rulebook::builtin().unwrap();
        let t = &rb.content().texts.form_texts;
        assert_eq!(
            t.true_copy("X{date}1", "MAR. 02, 2026"),
            "CERTIFIED TRUE COPY of the original Certificate of Origin number X{date}1 dated MAR. 02, 2026"
        );
        assert_eq!(t.replaces("C-1"), "This certificate replaces Certificate No. C-1");
    }

    #[test]
    fn a_form_text_without_its_placeholder_names_file_and_key() {
        let mut f = files("agreement,hs_code,source\n", "hs_code,replaced_in,new_codes,source\n");
        f.0[0].1 = f.0[0].1.replace("dated {date}", "dated");
        let err = load(&f).unwrap_err();
        assert_eq!(err.path, "lists/content.toml: form_texts.true_copy.value");
    }

    #[test]
    fn bad_rows_name_file_and_row() {
        let err = load(&files("agreement,hs_code,source\necfa,2803001,x\n", "hs_code,replaced_in,new_codes,source\n"))
            .unwrap_err();
        assert!(err.path.contains(EARLY_HARVEST) && err.path.contains("row 1"), "{}", err.path);
        let err =
            load(&files("agreement,hs_code,source\n", "hs_code,replaced_in,new_codes,source\n851712,soon,851713,x\n"))
                .unwrap_err();
        assert!(err.path.contains(MIGRATIONS) && err.path.contains("row 1"), "{}", err.path);
        let err = load(&files("agreement,hs_code\n", "hs_code,replaced_in,new_codes,source\n")).unwrap_err();
        assert!(err.path.contains("header"), "{}", err.path);
        let err = load(&files("agreement,hs_code,source\necfa,28030010,\n", "hs_code,replaced_in,new_codes,source\n"))
            .unwrap_err();
        assert!(err.path.contains("row 1.source"), "{}", err.path);
    }
}
