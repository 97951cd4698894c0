//! The shipped PSR tables, derived by the annex importer from the official annexes kept beside
//! the project (`<repo>/../shared/data/psr-sources`, never committed): each table in `rules/psr/`
//! and the import report `rules/psr/IMPORT.md` must be reproduced byte for byte.
//! `ORIGO_BLESS=1` rewrites them.

use super::annex::{import_psr, Columns, ImportPsrAnswer, ImportPsrRequest};
use crate::Rulebook;
use std::fmt::Write as _;
use std::path::PathBuf;

/// How one shipped table is derived.
struct Recipe {
    file: &'static str,
    /// The annex rows read (0-based, end excluded) where the file holds more than this table.
    rows: Option<(usize, usize)>,
    agreement: &'static str,
    /// The table written: `rules/psr/<table>.csv`.
    table: &'static str,
    /// Header lines written after the HS edition: the days the table applies.
    in_force: &'static str,
    source: &'static str,
    edition: &'static str,
    hs_edition: u16,
    columns: Option<(&'static str, &'static str, &'static str)>,
    note: &'static str,
}

/// Six-digit subheadings per HS edition (World Customs Organization figures).
fn subheadings_of(edition: &str) -> Option<usize> {
    match edition {
        "HS 2007" => Some(5052),
        "HS 2012" => Some(5205),
        _ => None,
    }
}

const RECIPES: &[Recipe] = &[
    Recipe {
        file: "korea.json",
        rows: None,
        agreement: "korea",
        table: "korea",
        in_force: "",
        source: "China–Korea FTA Annex 3-A Product-Specific Rules (《中华人民共和国政府和大韩民国政府自由贸易协定》项下产品特定原产地规则, GACC annex)",
        edition: "HS 2012",
        hs_edition: 2012,
        columns: None,
        note: "HS 2012 read from the codes: 0101.21 and 4418.71 (HS 2012) are listed, 0101.10 (HS 2007) and 4418.73 (HS 2017) are not.",
    },
    Recipe {
        file: "peru_a.json",
        rows: None,
        agreement: "peru",
        table: "peru",
        in_force: "",
        source: "China–Peru FTA product-specific rules (产品特定原产地规则（中文）, GACC annex)",
        edition: "HS 2007",
        hs_edition: 2007,
        columns: None,
        note: "Two publications exist; both list the same 5,052 HS 2007 subheadings with the same rule text on every one (compared row by row), so they are one table. This one is read because it keeps its heading codes as text (the other lost their zeros). No HS 2012 or later transposition of the China–Peru rules is among the sources: whether GACC's later transposition replaces this table is unconfirmed.",
    },
    Recipe {
        file: "costa_rica.json",
        rows: None,
        agreement: "costa_rica",
        table: "costa_rica",
        in_force: "",
        source: "China–Costa Rica FTA product-specific rules (GACC announcement 2011 No. 49, 附件)",
        edition: "HS 2007",
        hs_edition: 2007,
        columns: None,
        note: "HS edition not stated in the table; the agreement's annex dates from 2010–2011, before HS 2012 (unconfirmed).",
    },
    Recipe {
        file: "iceland.json",
        rows: None,
        agreement: "iceland",
        table: "iceland",
        in_force: "",
        source: "China–Iceland FTA product-specific rules (《中华人民共和国政府和冰岛政府自由贸易协定》项下产品特定原产地规则, GACC annex)",
        edition: "HS 2012",
        hs_edition: 2012,
        columns: None,
        note: "Chapter and heading rules only; HS edition not stated in the table (the agreement was signed in 2013, HS 2012 assumed, unconfirmed).",
    },
    Recipe {
        file: "ecfa_taiwan_side_2009.json",
        rows: None,
        agreement: "ecfa",
        table: "ecfa",
        in_force: "# in_force: 2011-01-01..2011-12-31\n# in_force_status: partial\n# in_force_source: GACC announcement 2010 No. 86 (in force from 2011-01-01); replaced by the 2012 version (GACC announcement 2011 No. 83), whose first day 2012-01-01 is assumed, unconfirmed\n",
        source: "ECFA Annex II product-specific rules of the early-harvest goods, Taiwan-side list (货物贸易早期收获产品的产品特定原产地规则_台湾方面早期收获产品清单)",
        edition: "2009 tariff (HS 2007), 8-digit lines",
        hs_edition: 2007,
        columns: None,
        note: "The Taiwan-side list covers goods exported from the mainland, which is what a mainland certificate covers (FAQ Q98).",
    },
    Recipe {
        file: "ecfa_2012.json",
        rows: Some((0, 268)),
        agreement: "ecfa",
        table: "ecfa.2012",
        in_force: "# in_force: 2012-01-01..\n# in_force_status: unconfirmed\n# in_force_source: GACC announcement 2011 No. 83 published the 2012 version; its first day is not in the sources read: 2012-01-01, when the 2012 tariff it is keyed to took effect, is assumed\n",
        source: "ECFA product-specific rules of the early-harvest goods, 2012 version, table 1: Taiwan-side list (ECFA货物贸易早期收获产品的产品特定原产地规则（2012年版）表1：台湾方面早期收获产品清单; GACC announcement 2011 No. 83)",
        edition: "2012 tariff (HS 2012), 8-digit lines",
        hs_edition: 2012,
        columns: None,
        note: "Rows 1–268 of the file are table 1 (the Taiwan side, what a mainland certificate covers, FAQ Q98); the mainland-side table 2 and the notes after it are not read (notes 2 and 3, rule changes from 2014 and 2016, concern table 2 rows only). Against the 2009 list: the same rule wording on every line kept; 7017.10.90, 8451.80.90 and 9002.11.00 are replaced by 7017.10.00, 8451.80.00, 9002.11.10 and 9002.11.90.",
    },
    Recipe {
        file: "new_zealand_2007_to_2012.json",
        rows: None,
        agreement: "new_zealand",
        table: "new_zealand",
        in_force: "",
        source: "China–New Zealand FTA product-specific rules, HS 2007 to HS 2012 transposition table (《中国—新西兰自贸协定》项下部分产品特定原产地规则2007版至2012版转版对应表, changed rows only; GACC annex)",
        edition: "HS 2012",
        hs_edition: 2012,
        columns: Some(("税号.1", "2012版品名及税目来源", "2012版产品特定规则")),
        note: "Only the rows the transposition changed: a partial table, read from its HS 2012 side.",
    },
];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn derive(dir: &std::path::Path, r: &Recipe, rb: &Rulebook) -> ImportPsrAnswer {
    let mut text = std::fs::read_to_string(dir.join(r.file)).unwrap();
    if let Some((from, to)) = r.rows {
        let rows: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        text = serde_json::to_string(&rows[from..to]).unwrap();
    }
    let req = ImportPsrRequest {
        agreement: r.agreement.into(),
        annex_json: Some(text),
        annex_csv: None,
        annex_xlsx_base64: None,
        source: r.source.into(),
        columns: r.columns.map(|(code, description, rule)| Columns {
            code: Some(code.into()),
            description: Some(description.into()),
            rule: rule.into(),
            ..Columns::default()
        }),
        hs_edition: Some(r.hs_edition),
        allow_partial: true,
    };
    import_psr(&req, rb).unwrap()
}

fn report(r: &Recipe, a: &ImportPsrAnswer, out: &mut String) {
    let rep = &a.report;
    let coverage = match subheadings_of(r.edition) {
        Some(all) => format!(
            "{} of {all} subheadings ({}.{}%)",
            rep.subheadings,
            rep.subheadings * 100 / all,
            rep.subheadings * 1000 / all % 10
        ),
        None => format!("{} lines", rep.rows_imported),
    };
    let _ = writeln!(out, "## {}.csv (from `{}`)\n", r.table, r.file);
    let _ = writeln!(out, "- Source: {}", r.source);
    let _ = writeln!(out, "- HS edition: {}. {}", r.edition, r.note);
    let _ = writeln!(
        out,
        "- Rows read {}, imported {} (of which {} placed by the code their wording names), description rows {}, \
         merged-cell rows {}, repeated rows {}, refused {}",
        rep.rows_read,
        rep.rows_imported,
        rep.codes_from_wording,
        rep.description_rows,
        rep.merged_rows,
        rep.repeated_rows,
        rep.refused.len()
    );
    for line in r.in_force.lines() {
        let _ = writeln!(out, "- {}", line.trim_start_matches("# "));
    }
    let _ = writeln!(out, "- Subheadings with a row of their own: {coverage}\n");
    if !rep.refused.is_empty() {
        let _ = writeln!(out, "| row | column | code | reason | text |\n|---|---|---|---|---|");
        for f in &rep.refused {
            let text: String = f.text.replace('\n', " ").replace('|', "/").chars().take(60).collect();
            let _ = writeln!(out, "| {} | {} | {} | {} | {} |", f.row, f.column, f.code, f.en.replace('|', "/"), text);
        }
        let _ = writeln!(out);
    }
}

#[test]
fn shipped_tables_are_derived_from_the_official_annexes() {
    let dir = repo().join("../shared/data/psr-sources");
    if !dir.is_dir() {
        eprintln!("skipped: the official annexes are not at {} (they live beside the project)", dir.display());
        return;
    }
    let rb = Rulebook::builtin().unwrap();
    let bless = std::env::var_os("ORIGO_BLESS").is_some();
    let mut md = String::from(
        "# Import report of the shipped product-specific-rule tables\n\n\
         Generated by the annex importer (`origo::origin::annex`) from the official annexes; a test \
         reproduces every table and this report byte for byte. Row numbers count the annex's data rows \
         (the first row under the header is 1).\n\n",
    );
    for r in RECIPES {
        let a = derive(&dir, r, &rb);
        report(r, &a, &mut md);
        let path = repo().join(format!("rules/psr/{}.csv", r.table));
        let csv = a.csv.unwrap();
        // The dates go after the HS edition line, before the columns.
        let csv = match csv.split_once('\n') {
            Some((edition, rest)) if edition.starts_with('#') => format!("{edition}\n{}{rest}", r.in_force),
            _ => format!("{}{csv}", r.in_force),
        };
        if bless {
            std::fs::write(&path, &csv).unwrap();
        } else {
            assert!(
                std::fs::read_to_string(&path).unwrap_or_default() == csv,
                "{} drifted: run with ORIGO_BLESS=1",
                path.display()
            );
        }
    }
    let path = repo().join("rules/psr/IMPORT.md");
    if bless {
        std::fs::write(&path, &md).unwrap();
    } else {
        assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), md, "IMPORT.md drifted: run with ORIGO_BLESS=1");
    }
}

#[test]
#[allow(clippy::disallowed_methods)] // a test bounding the time, not a result depending on it
fn every_source_file_goes_through_the_importer_in_bounded_time() {
    let dir = repo().join("../shared/data/psr-sources");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: the official annexes are not at {} (they live beside the project)", dir.display());
        return;
    };
    let rb = Rulebook::builtin().unwrap();
    for e in entries {
        let path = e.unwrap().path();
        if path.extension().and_then(|x| x.to_str()) != Some("json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let req = ImportPsrRequest {
            agreement: "korea".into(),
            annex_json: Some(text),
            annex_csv: None,
            annex_xlsx_base64: None,
            source: "test".into(),
            columns: None,
            hs_edition: None,
            allow_partial: false,
        };
        let started = std::time::Instant::now();
        // Every file is read or gets a coded error; none panics.
        match import_psr(&req, &rb) {
            Ok(a) => assert!(a.report.rows_read > 0 && (a.csv.is_some() == a.report.refused.is_empty())),
            Err(e) => assert_eq!(e.code, "annex_columns", "{}: {}", path.display(), e.message.en),
        }
        assert!(started.elapsed().as_secs() < 10, "{}", path.display());
    }
}

/// The ECFA early-harvest list (`lists/ecfa_early_harvest.csv`) holds every line of the annex's
/// Taiwan-side list in both tariff versions: the 2009 lines (rows read by hand keep their English
/// description, the others carry the annex's Chinese product name) and the 2012 lines of the
/// 2012 version's table 1.
#[test]
fn ecfa_early_harvest_list_holds_every_annex_line() {
    use super::annex::{code_of, Level};
    let dir = repo().join("../shared/data/psr-sources");
    let (Ok(text), Ok(text_2012)) = (
        std::fs::read_to_string(dir.join("ecfa_taiwan_side_2009.json")),
        std::fs::read_to_string(dir.join("ecfa_2012.json")),
    ) else {
        eprintln!("skipped: the official annexes are not at {} (they live beside the project)", dir.display());
        return;
    };
    type Rows = Vec<serde_json::Map<String, serde_json::Value>>;
    let annex: Rows = serde_json::from_str(&text).unwrap();
    let path = repo().join("rules/lists/ecfa_early_harvest.csv");
    let current = std::fs::read_to_string(&path).unwrap();
    let mut by_code = std::collections::BTreeMap::new();
    let mut rdr = csv::ReaderBuilder::new().comment(Some(b'#')).from_reader(current.as_bytes());
    for rec in rdr.records() {
        let rec = rec.unwrap();
        if &rec[2] == "2009" {
            by_code.insert(rec[1].to_string(), rec.iter().map(String::from).collect::<Vec<_>>());
        }
    }
    let cell = |row: &serde_json::Map<String, serde_json::Value>, column: &str| match &row[column] {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    w.write_record(["agreement", "hs_code", "tariff_version", "description", "source"]).unwrap();
    let mut seen = 0;
    for row in &annex {
        let n = row["序号"].to_string();
        let code = code_of(&cell(row, "2009年税则号列"), Level::Any).unwrap();
        assert_eq!(code.len(), 8, "{code}");
        match by_code.get(&code) {
            Some(kept) => {
                let numbered = kept[4].ends_with(&format!("No. {n}")) || kept[4].contains(&format!("No. {n} ("));
                assert!(numbered, "{code}: {}", kept[4]);
                seen += 1;
                w.write_record(kept).unwrap();
            }
            None => {
                let name = row["产品名称"].as_str().unwrap().trim();
                let source = format!("ECFA Annex II Taiwan-side list No. {n} (description as listed there)");
                w.write_record(["ecfa", &code, "2009", name, &source]).unwrap();
            }
        }
    }
    assert_eq!(seen, by_code.len(), "every row read by hand is a line of the annex");
    // Table 1 of the 2012 version: the numbered rows before its closing note.
    let annex_2012: Rows = serde_json::from_str(&text_2012).unwrap();
    let table_1: Vec<_> = annex_2012.iter().take_while(|row| row["序号"].is_u64()).collect();
    for row in &table_1 {
        let n = row["序号"].to_string();
        let code = code_of(&cell(row, "2012年税则号列"), Level::Any).unwrap();
        assert_eq!(code.len(), 8, "{code}");
        let name = row["产品名称"].as_str().unwrap().trim();
        let source = format!(
            "ECFA product-specific rules of the early-harvest goods, 2012 version (GACC announcement 2011 No. 83), table 1: Taiwan-side list No. {n} (description as listed there)"
        );
        w.write_record(["ecfa", &code, "2012", name, &source]).unwrap();
    }
    let body = String::from_utf8(w.into_inner().unwrap()).unwrap();
    let expected = format!(
        "# ECFA early-harvest list, Taiwan side (goods from the mainland that Taiwan grants the ECFA rate;\n\
         # FAQ Q98: only these may get an ECFA certificate; FAQ Q28: the importing side's 8-digit code).\n\
         # Complete: the {} lines of the Taiwan-side list in the 2009 tariff and the {} lines of its 2012\n\
         # version; rows without an English description carry the Chinese product name of the annex (the\n\
         # annex importer's source). A code is accepted when it is a line of either version.\n{body}",
        annex.len(),
        table_1.len()
    );
    if std::env::var_os("ORIGO_BLESS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    } else {
        assert_eq!(current, expected, "ecfa_early_harvest.csv drifted: run with ORIGO_BLESS=1");
    }
}
