//! What counts as a primary source: every datum of the rulebook names the text a reviewer can
//! open (the FAQ question, the agreement's article, the GACC announcement...), or is marked
//! `unconfirmed`. A research note may follow as secondary, but never counts on its own.
//!
//! The recognised forms are a short fixed list, not a heuristic: a source passes when, with its
//! research references removed, it contains one of these citations.
//!
//! | form | examples |
//! |---|---|
//! | FAQ question (declaration side `Q`, review side `R`) | `FAQ Q128`, `FAQ Q7, Q61`, `FAQ R2` |
//! | agreement provision | `Art. 3.5`, `Article 23`, `Rule 11(1)`, `Annex 3A`, `Chapter 3`, `Attachment A`, `附件1`, `第七条`, `preamble`, `rules-of-origin chapter`, `minimal-operations article`, `Operational Certification Procedures` |
//! | GACC (or former AQSIQ) announcement, order or published annex | `GACC 2019 No. 136`, `GACC announcement 2011 No. 49`, `GACC Order 200`, `海关总署公告…`, `海关总署令…`, `AQSIQ 2011 notice`, `GACC annex` (an agreement annex as GACC published it) |
//! | State Council order or notice | `State Council Order 416`, `国务院令…`, `国务院办公厅关于…的通知` |
//! | a form's own text | `printed form`, `form specimen`, `certificate template`, `certificate format`, `filling notes`, `overleaf notes`, `back-page notes`, `填制说明`, `背页说明` |
//! | a standard | `ISO 3166-1`, `ISO 4217`, `GB 32100-2015`, `GB/T 2260`, `ICC Incoterms 2020`, `WCO HS 2022` |
//! | a ministry's document named by issuer and title | `工业和信息化部《电信网编号计划（2017年版）》` |
//! | a customs authority's handbook | `Singapore Customs CO handbook` |
//! | origo's own engineering bound (not a legal fact; see SECURITY.md) | a source starting `origo` |

/// A recognised form: its name for reports and a matcher over the source without its research
/// references.
type Form = (&'static str, fn(&str) -> bool);

/// The recognised forms.
const FORMS: &[Form] = &[
    ("FAQ question", |s| numbered(s, &["FAQ Q", "FAQ R"], false)),
    ("agreement provision", |s| {
        numbered(s, &["Art. ", "Arts. ", "Article ", "Rule ", "Annex ", "Chapter ", "Attachment ", "附件"], true)
            || s.contains("preamble")
            || s.contains("rules-of-origin chapter")
            || s.contains("minimal-operations article")
            || s.contains("Operational Certification Procedures")
            || chinese_article(s)
    }),
    ("GACC announcement or order", |s| {
        numbered(s, &["GACC Order ", "GACC announcement ", "AQSIQ "], false)
            || gacc_numbered(s)
            || s.contains("GACC annex")
            || s.contains("海关总署公告")
            || s.contains("海关总署令")
    }),
    ("State Council order or notice", |s| {
        numbered(s, &["State Council Order "], false)
            || s.contains("国务院令")
            || (s.contains("国务院办公厅") && s.contains("通知"))
    }),
    ("form text", |s| {
        [
            "printed form",
            "form specimen",
            "certificate template",
            "certificate format",
            "filling notes",
            "overleaf notes",
            "back-page notes",
            "填制说明",
            "背页说明",
        ]
        .iter()
        .any(|p| s.contains(p))
    }),
    ("standard", |s| numbered(s, &["ISO ", "GB ", "GB/T ", "ICC Incoterms ", "WCO HS "], false)),
    ("ministry document", |s| ["工业和信息化部《", "商务部《", "海关总署《", "国务院《"].iter().any(|p| s.contains(p))),
    ("customs handbook", |s| s.contains("Customs CO handbook")),
    ("origo engineering bound", |s| s.starts_with("origo")),
];

/// The recognised form a source cites, if any (research references alone cite none).
pub(crate) fn primary_form(source: &str) -> Option<&'static str> {
    let own = without_research(source);
    FORMS.iter().find(|(_, matches)| matches(&own)).map(|(name, _)| *name)
}

/// Whether a prefix occurs followed by a digit, or with `letters` also by an uppercase letter
/// (`Annex IV`, `Attachment A`).
fn numbered(s: &str, prefixes: &[&str], letters: bool) -> bool {
    prefixes.iter().any(|p| {
        s.match_indices(p).any(|(i, _)| {
            s[i + p.len()..].chars().next().is_some_and(|c| c.is_ascii_digit() || (letters && c.is_ascii_uppercase()))
        })
    })
}

/// `第<number>条`, the number in digits or Chinese numerals.
fn chinese_article(s: &str) -> bool {
    s.match_indices('第').any(|(i, _)| {
        let rest = &s[i + '第'.len_utf8()..];
        let digits = rest.chars().take_while(|c| c.is_ascii_digit() || "一二三四五六七八九十百零".contains(*c)).count();
        digits > 0 && rest.chars().nth(digits) == Some('条')
    })
}

/// `GACC <year> No. <n>`.
fn gacc_numbered(s: &str) -> bool {
    s.match_indices("GACC ").any(|(i, p)| {
        let rest = &s[i + p.len()..];
        rest.bytes().take(4).filter(u8::is_ascii_digit).count() == 4
            && rest.get(4..).is_some_and(|r| r.starts_with(" No. "))
    })
}

/// The source with `(via research/...)` parts and bare `research/<note>.md ...` references
/// (up to the next `;`) removed.
fn without_research(source: &str) -> String {
    let mut out = String::new();
    let mut rest = source;
    while let Some(i) = rest.find("research/") {
        let head = &rest[..i];
        let (keep, opened) = match head.rfind("(via ") {
            Some(j) if !head[j..].contains(')') => (&head[..j], true),
            _ => (head, false),
        };
        out.push_str(keep);
        let tail = &rest[i..];
        let end = if opened { tail.find(')').map(|k| k + 1) } else { tail.find(';') };
        rest = end.map_or("", |k| &tail[k..]);
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rulebook::builtin_files;

    #[test]
    fn recognised_forms() {
        for (source, form) in [
            ("FAQ Q128", "FAQ question"),
            ("FAQ R2: smart review", "FAQ question"),
            ("ACFTA Rules of Origin, Rule 4 (via research/agreements-gaps.md §1(c))", "agreement provision"),
            ("RCEP Art. 3.16 [S-RCEP-CH3B]: 1 year from issue", "agreement provision"),
            ("China–Korea FTA Chapter 3: 1 year (via research/agreements-gaps-2.md §1.3)", "agreement provision"),
            ("GACC 2019 No. 136", "GACC announcement or order"),
            ("国务院办公厅关于2026年部分节假日安排的通知 2025-11-04", "State Council order or notice"),
            ("China–Korea printed form, box 5 Remarks (via research/form-layouts.md §2.16)", "form text"),
            ("ISO 4217 list one", "standard"),
            ("原产地条例 第七条", "agreement provision"),
            ("origo input bounds, see SECURITY.md", "origo engineering bound"),
        ] {
            assert_eq!(primary_form(source), Some(form), "{source}");
        }
    }

    #[test]
    fn research_notes_alone_are_not_primary() {
        for source in [
            "research/agreements.md §0 [S-TYPECODES]",
            "treaty (research/agreements-gaps-2.md §1.3)",
            "research/form-layouts.md §2.16: box 5 Remarks",
            "not retrieved",
            "[S-PK-B2B]: content ≥ 40%",
            "no primary text (via research/agreements.md §1.1 Annex 3 FAQ Q45)",
            "research/agreements.md §1.4 Rule 4; research/agreements.md §7",
            "the treaty, article not given",
            "GACC measures effective 2022-01-01",
            "第二批清单",
            "FAQ Question list",
        ] {
            assert_eq!(primary_form(source), None, "{source}");
        }
    }

    /// One sourced datum: where it is, its source and its status.
    struct Datum {
        at: String,
        source: String,
        status: String,
    }

    /// Every object with a `source` (facts, conventions, terms, policies) and every
    /// `*_source` key of a TOML file.
    fn toml_data(file: &str, key: &str, v: &serde_json::Value, out: &mut Vec<Datum>) {
        match v {
            serde_json::Value::Object(map) => {
                let status = map.get("status").and_then(|s| s.as_str()).unwrap_or("confirmed").to_string();
                for (k, child) in map {
                    let child_key = if key.is_empty() { k.clone() } else { format!("{key}.{k}") };
                    match child.as_str() {
                        Some(s) if k == "source" || k.ends_with("_source") => out.push(Datum {
                            at: format!("{file}: {child_key}"),
                            source: s.to_string(),
                            status: status.clone(),
                        }),
                        _ => toml_data(file, &child_key, child, out),
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for (i, c) in items.iter().enumerate() {
                    toml_data(file, &format!("{key}[{i}]"), c, out);
                }
            }
            _ => {}
        }
    }

    /// Every row of a CSV file, with its `source` and (where the file has one) `status` column.
    fn csv_data(file: &str, text: &str, out: &mut Vec<Datum>) {
        let mut reader =
            csv::ReaderBuilder::new().comment(Some(b'#')).trim(csv::Trim::All).from_reader(text.as_bytes());
        let headers = reader.headers().unwrap().clone();
        let col = |name: &str| headers.iter().position(|h| h == name);
        let source = col("source").unwrap_or_else(|| panic!("{file} has no source column"));
        let status = col("status");
        for (i, rec) in reader.records().enumerate() {
            let rec = rec.unwrap();
            out.push(Datum {
                at: format!("{file}: row {}", i + 1),
                source: rec[source].to_string(),
                status: status.map_or("confirmed", |s| &rec[s]).to_string(),
            });
        }
    }

    fn builtin_data() -> Vec<Datum> {
        let mut out = Vec::new();
        for (file, text) in builtin_files() {
            if file.ends_with(".csv") {
                csv_data(&file, &text, &mut out);
            } else {
                let value: toml::Value = toml::from_str(&text).unwrap();
                toml_data(&file, "", &serde_json::to_value(value).unwrap(), &mut out);
            }
        }
        out
    }

    #[test]
    fn every_source_names_a_primary_text_or_is_unconfirmed() {
        let data = builtin_data();
        assert!(data.len() > 1000, "the walk found only {} data", data.len());
        let bad: Vec<String> = data
            .iter()
            .filter(|d| d.status != "unconfirmed" && primary_form(&d.source).is_none())
            .map(|d| format!("{}: `{}`", d.at, d.source))
            .collect();
        assert!(
            bad.is_empty(),
            "{} sources name no primary text and are not unconfirmed:\n{}",
            bad.len(),
            bad.join("\n")
        );
    }
}
