//! China's working-day calendar: statutory holidays, in-lieu rest weekdays and make-up working
//! weekends, one CSV file per year under `rules/calendar/`, plus the named working-day policies.
//!
//! Years are data: a host adds next year's file (the State Council notice arrives each winter) to
//! its rulebook directory without recompiling. A date in a year without a file is never silently
//! counted as weekends-only: callers ask [`Calendar::first_uncovered`] and say so.
//!
//! Counting is O(log n): each policy keeps a prefix sum of its corrections to the plain
//! Monday-Friday week over the data's span, so "working days before day x" is a closed form.

use crate::error::{Error, Result};
use crate::rulebook::{invalid, parse_toml, Fact};
use chrono::{Datelike, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What a calendar row says about its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// Statutory holiday, or the weekday given in its place (补假): off under every policy.
    Holiday,
    /// A weekday off in exchange for a make-up working day (调休放假) or by special notice.
    Rest,
    /// A weekend day worked (调休上班).
    Workday,
}

/// One row of a calendar file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DayEntry {
    /// The day.
    pub date: NaiveDate,
    /// What the notice makes of it.
    pub kind: DayKind,
    /// Holiday name as in the notice, e.g. `国庆节（调休）`.
    pub name: String,
    /// The notice (and dataset) the row comes from.
    pub source: String,
}

/// A named way of counting working days (see `rules/calendar/policies.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// In-lieu rest weekdays (`rest` rows) are days off.
    pub rest_is_off: bool,
    /// Make-up weekend days (`workday` rows) are working days.
    pub makeup_is_working: bool,
    /// Where the reading comes from.
    pub source: String,
    /// What the policy means, for people.
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PoliciesToml {
    default: String,
    default_source: String,
    policies: BTreeMap<String, Policy>,
}

/// Dates the system sets and keeps outside any agreement (`rules/calendar/deadlines.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DateRules {
    /// Since this day the system sets application date, signing date and signing place (FAQ Q95).
    pub system_dates_since: Fact<NaiveDate>,
    /// Years certificate data is kept (FAQ Q90).
    pub retention_years: Fact<u32>,
    /// Months a list query covers by default (FAQ Q90).
    pub query_window_months: Fact<u32>,
    /// Dates of one certificate further apart than this many years are a typing error.
    pub max_date_spread_years: Fact<u32>,
}

/// Where a covered year's data came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct YearInfo {
    /// The year.
    pub year: i32,
    /// Its file, relative to the rulebook root.
    pub file: String,
    /// Number of rows.
    pub rows: usize,
    /// The distinct sources its rows cite.
    pub sources: Vec<String>,
}

#[derive(Debug)]
struct Table {
    policy: Policy,
    /// `delta[i]` = working days minus plain Monday-Friday days over the span's first `i` days.
    delta: Vec<i32>,
}

/// The working-day calendar and its policies, as loaded from the rulebook.
#[derive(Debug)]
pub struct Calendar {
    years: BTreeMap<i32, YearInfo>,
    entries: BTreeMap<NaiveDate, DayEntry>,
    /// Ordinal (see [`ordinal`]) of the span's first day; the span covers every row.
    start: i64,
    /// Row kind per day of the span.
    kinds: Vec<Option<DayKind>>,
    tables: BTreeMap<String, Table>,
    default_policy: String,
    default_source: String,
    rules: DateRules,
}

/// Days since 0001-01-01, a Monday, so `ordinal % 7` is the weekday (0 = Monday).
fn ordinal(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce()) - 1
}

fn from_ordinal(o: i64) -> Option<NaiveDate> {
    i32::try_from(o + 1).ok().and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// Monday-Friday days among ordinals `[0, o)` (negative for `o < 0`): the weekends-only count.
fn plain(o: i64) -> i64 {
    5 * o.div_euclid(7) + o.rem_euclid(7).min(5)
}

fn is_weekend(o: i64) -> bool {
    o.rem_euclid(7) >= 5
}

fn works(kind: Option<DayKind>, weekend: bool, p: &Policy) -> bool {
    match kind {
        Some(DayKind::Holiday) => false,
        Some(DayKind::Rest) => !p.rest_is_off,
        Some(DayKind::Workday) => p.makeup_is_working,
        None => !weekend,
    }
}

impl Calendar {
    /// Builds the calendar from `(path, text)` pairs of `calendar/<year>.csv` files,
    /// `calendar/policies.toml` and `calendar/deadlines.toml`. Errors name the file and the line
    /// or key. [`Rulebook`](crate::Rulebook) does this for its own files.
    pub fn load<'a>(
        year_files: impl Iterator<Item = (&'a str, &'a str)>,
        policies: (&str, &str),
        deadlines: (&str, &str),
    ) -> Result<Calendar> {
        let mut years = BTreeMap::new();
        let mut entries: BTreeMap<NaiveDate, DayEntry> = BTreeMap::new();
        let mut seen: BTreeMap<NaiveDate, (String, u64)> = BTreeMap::new();
        for (path, text) in year_files {
            let info = read_year(path, text, &mut entries, &mut seen)?;
            years.insert(info.year, info);
        }
        if years.is_empty() {
            return Err(invalid("calendar/", "", "no calendar year files (calendar/<year>.csv)"));
        }
        let p: PoliciesToml = parse_toml(policies.0, policies.1)?;
        if !p.policies.contains_key(&p.default) {
            return Err(invalid(policies.0, "default", &format!("no policy named `{}`", p.default)));
        }
        let rules: DateRules = parse_toml(deadlines.0, deadlines.1)?;

        let first_year = years.keys().next().copied().unwrap_or_default();
        let last_year = years.keys().next_back().copied().unwrap_or_default();
        let span_from = NaiveDate::from_ymd_opt(first_year, 1, 1)
            .ok_or_else(|| invalid("calendar/", "", "first year out of range"))?;
        let span_to = NaiveDate::from_ymd_opt(last_year, 12, 31)
            .ok_or_else(|| invalid("calendar/", "", "last year out of range"))?;
        let lo = entries.keys().next().map_or(span_from, |d| (*d).min(span_from));
        let hi = entries.keys().next_back().map_or(span_to, |d| (*d).max(span_to));
        let start = ordinal(lo);
        let len = usize::try_from(ordinal(hi) - start + 1).unwrap_or(0);
        let mut kinds = vec![None; len];
        for (d, e) in &entries {
            if let Some(slot) = usize::try_from(ordinal(*d) - start).ok().and_then(|i| kinds.get_mut(i)) {
                *slot = Some(e.kind);
            }
        }
        let tables = p
            .policies
            .into_iter()
            .map(|(name, policy)| {
                let mut delta = Vec::with_capacity(len + 1);
                let mut acc = 0i32;
                delta.push(acc);
                for (i, kind) in kinds.iter().enumerate() {
                    let weekend = is_weekend(start + i as i64);
                    acc += i32::from(works(*kind, weekend, &policy)) - i32::from(!weekend);
                    delta.push(acc);
                }
                (name, Table { policy, delta })
            })
            .collect();
        Ok(Calendar {
            years,
            entries,
            start,
            kinds,
            tables,
            default_policy: p.default,
            default_source: p.default_source,
            rules,
        })
    }

    /// The covered years, ascending, with their files and sources.
    pub fn years(&self) -> impl Iterator<Item = &YearInfo> {
        self.years.values()
    }

    /// Whether `date`'s year has a calendar file.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.years.contains_key(&date.year())
    }

    /// The first year from `from` to `to` (inclusive, either order) without a calendar file.
    pub fn first_uncovered(&self, from: NaiveDate, to: NaiveDate) -> Option<i32> {
        let (a, b) = if from <= to { (from.year(), to.year()) } else { (to.year(), from.year()) };
        // Ends after at most `years.len() + 1` steps: covered years are few.
        (a..=b).find(|y| !self.years.contains_key(y))
    }

    /// The row for `date`, if the notices say anything about it.
    pub fn day(&self, date: NaiveDate) -> Option<&DayEntry> {
        self.entries.get(&date)
    }

    /// Name of the policy used when none is named.
    pub fn default_policy(&self) -> &str {
        &self.default_policy
    }

    /// Why the default policy is the default.
    pub fn default_policy_source(&self) -> &str {
        &self.default_source
    }

    /// Every policy by name.
    pub fn policies(&self) -> impl Iterator<Item = (&str, &Policy)> {
        self.tables.iter().map(|(n, t)| (n.as_str(), &t.policy))
    }

    /// The system-date, retention and plausibility rules.
    pub fn date_rules(&self) -> &DateRules {
        &self.rules
    }

    /// Working-day arithmetic under the named policy (`None` = the default policy).
    pub fn workdays(&self, policy: Option<&str>) -> Result<Workdays<'_>> {
        let name = policy.unwrap_or(&self.default_policy);
        match self.tables.get_key_value(name) {
            Some((name, table)) => Ok(Workdays { cal: self, name, table }),
            None => {
                let known: Vec<&str> = self.tables.keys().map(String::as_str).collect();
                Err(Error::new(
                    &crate::error::codes::UNKNOWN_POLICY,
                    "policy",
                    format!("未知工作日规则 `{name}`；可用：{}", known.join("、")),
                    format!("unknown working-day policy `{name}`; known: {}", known.join(", ")),
                ))
            }
        }
    }
}

/// Working-day arithmetic under one policy of one calendar.
#[derive(Debug, Clone, Copy)]
pub struct Workdays<'a> {
    cal: &'a Calendar,
    name: &'a str,
    table: &'a Table,
}

impl<'a> Workdays<'a> {
    /// The policy's name.
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// The policy.
    pub fn policy(&self) -> &'a Policy {
        &self.table.policy
    }

    /// Whether `date` is a working day. Outside the covered years: Monday to Friday (check
    /// [`Calendar::covers`] and say so).
    pub fn is_workday(&self, date: NaiveDate) -> bool {
        let o = ordinal(date);
        let kind = usize::try_from(o - self.cal.start).ok().and_then(|i| self.cal.kinds.get(i)).copied().flatten();
        works(kind, is_weekend(o), &self.table.policy)
    }

    /// Working days among ordinals `[0, o)`, up to a constant: only differences are meaningful.
    fn count_before(&self, o: i64) -> i64 {
        let len = self.cal.kinds.len() as i64;
        let i = (o - self.cal.start).clamp(0, len);
        let delta = usize::try_from(i).ok().and_then(|i| self.table.delta.get(i)).copied().unwrap_or(0);
        plain(o) + i64::from(delta)
    }

    /// The `n`-th working day after `date` (`date` itself for `n = 0`); `None` past chrono's range.
    ///
    /// Strictly increasing in `n` and always a working day for `n ≥ 1`.
    pub fn add(&self, date: NaiveDate, n: u32) -> Option<NaiveDate> {
        if n == 0 {
            return Some(date);
        }
        let from = ordinal(date) + 1;
        let target = self.count_before(from) + i64::from(n);
        // Find the smallest x with count_before(x) >= target; the answer is day x - 1.
        let mut lo = from;
        let mut hi = from + 2 * i64::from(n) + 32;
        while self.count_before(hi) < target {
            lo = hi;
            hi = from + 2 * (hi - from);
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if self.count_before(mid) >= target {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        from_ordinal(hi - 1)
    }
}

/// One CSV line's fields, trimmed; a field may be quoted (`"a, b"`, `""` for a quote).
fn fields(line: &str) -> std::result::Result<Vec<String>, &'static str> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', false) if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', true) => quoted = false,
            (',', false) => out.push(std::mem::take(&mut field).trim().to_string()),
            _ => field.push(c),
        }
    }
    if quoted {
        return Err("unterminated quote");
    }
    out.push(field.trim().to_string());
    Ok(out)
}

fn read_year(
    path: &str,
    text: &str,
    entries: &mut BTreeMap<NaiveDate, DayEntry>,
    seen: &mut BTreeMap<NaiveDate, (String, u64)>,
) -> Result<YearInfo> {
    let stem = path.rsplit('/').next().unwrap_or(path).trim_end_matches(".csv");
    let year: i32 = stem
        .parse()
        .ok()
        .filter(|y| (1900..=9998).contains(y))
        .ok_or_else(|| invalid(path, "", "a calendar file is named after its year, e.g. calendar/2026.csv"))?;
    // Line by line, so errors can name the text line (the CSV reader's count skips comments).
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let header = lines.next().map(|(i, l)| (i + 1, fields(l)));
    if !matches!(&header, Some((_, Ok(h))) if h.iter().eq(["date", "kind", "name", "source"])) {
        let at = header.map_or(String::new(), |(n, _)| format!("line {n}"));
        return Err(invalid(path, &at, "the header must be `date,kind,name,source`"));
    }
    let mut rows = 0;
    let mut sources = BTreeSet::new();
    for (i, text_line) in lines {
        let line = i as u64 + 1;
        let at = format!("line {line}");
        let record = fields(text_line).map_err(|e| invalid(path, &at, e))?;
        if record.len() != 4 {
            return Err(invalid(path, &at, &format!("{} fields; a row is date,kind,name,source", record.len())));
        }
        let field = |i: usize| record.get(i).map_or("", String::as_str);
        let date = (field(0).len() == 10)
            .then(|| field(0).parse::<NaiveDate>().ok())
            .flatten()
            .ok_or(())
            .map_err(|_| invalid(path, &at, &format!("`{}` is not a date (YYYY-MM-DD)", field(0))))?;
        let kind = match field(1) {
            "holiday" => DayKind::Holiday,
            "rest" => DayKind::Rest,
            "workday" => DayKind::Workday,
            other => return Err(invalid(path, &at, &format!("kind `{other}` is not holiday, rest or workday"))),
        };
        let (name, source) = (field(2), field(3));
        if name.is_empty() || source.is_empty() {
            return Err(invalid(path, &at, "every row needs a name and a source"));
        }
        if (date.year() - year).abs() > 1 {
            return Err(invalid(path, &at, &format!("{date} is not in or next to {year}")));
        }
        let weekend = is_weekend(ordinal(date));
        if kind == DayKind::Rest && weekend {
            return Err(invalid(path, &at, &format!("{date} is a weekend day: it cannot be an in-lieu rest weekday")));
        }
        if kind == DayKind::Workday && !weekend {
            return Err(invalid(
                path,
                &at,
                &format!("{date} is a weekday: only weekend days are make-up working days"),
            ));
        }
        if let Some((f, l)) = seen.get(&date) {
            let what = if entries.get(&date).is_some_and(|e| e.kind != kind) { "contradicts" } else { "repeats" };
            return Err(invalid(path, &at, &format!("{date} {what} {f} line {l}")));
        }
        seen.insert(date, (path.to_string(), line));
        sources.insert(source.to_string());
        entries.insert(date, DayEntry { date, kind, name: name.to_string(), source: source.to_string() });
        rows += 1;
    }
    Ok(YearInfo { year, file: path.to_string(), rows, sources: sources.into_iter().collect() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rulebook;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn cal() -> &'static Calendar {
        static RB: once_cell::sync::Lazy<Rulebook> = once_cell::sync::Lazy::new(|| Rulebook::builtin().unwrap());
        RB.calendar()
    }

    fn file(path: &str) -> &'static str {
        origo_rules::file(path).unwrap()
    }

    fn load(years: &[(&str, &str)]) -> Result<Calendar> {
        Calendar::load(
            years.iter().copied(),
            ("calendar/policies.toml", file("calendar/policies.toml")),
            ("calendar/deadlines.toml", file("calendar/deadlines.toml")),
        )
    }

    #[test]
    fn issue_example_both_readings() {
        let a = cal().workdays(Some("working_calendar")).unwrap();
        let b = cal().workdays(Some("statutory_holidays")).unwrap();
        assert_eq!(a.add(d("2026-09-30"), 3), Some(d("2026-10-10")));
        assert_eq!(b.add(d("2026-09-30"), 3), Some(d("2026-10-08")));
    }

    #[test]
    fn every_tiaoxiu_day_works_under_the_literal_reading() {
        // FAQ Q103: 调休 days are no statutory holidays, so the make-up Saturday 02-14 counts.
        let a = cal().workdays(Some("working_calendar")).unwrap();
        let b = cal().workdays(Some("statutory_holidays")).unwrap();
        assert_eq!(b.add(d("2026-02-12"), 3), Some(d("2026-02-20")));
        assert_eq!(a.add(d("2026-02-12"), 3), Some(d("2026-02-24")));
        for makeup in ["2026-01-04", "2026-02-14", "2026-02-28", "2026-10-10"] {
            assert!(a.is_workday(d(makeup)) && b.is_workday(d(makeup)), "{makeup}");
        }
    }

    #[test]
    fn days_of_2026() {
        let a = cal().workdays(None).unwrap();
        assert_eq!(a.name(), "working_calendar");
        assert!(a.is_workday(d("2026-01-04")), "make-up Sunday");
        assert!(!a.is_workday(d("2026-01-02")), "in-lieu Friday");
        assert!(a.is_workday(d("2026-02-14")) && a.is_workday(d("2026-02-28")));
        assert!(!a.is_workday(d("2026-02-23")));
        let b = cal().workdays(Some("statutory_holidays")).unwrap();
        assert!(b.is_workday(d("2026-01-04")), "make-up Sunday works under every policy");
        assert!(b.is_workday(d("2026-01-02")));
        assert!(!b.is_workday(d("2026-02-17")));
    }

    #[test]
    fn years_and_coverage() {
        let years: Vec<i32> = cal().years().map(|y| y.year).collect();
        assert_eq!(years, (2019..=2026).collect::<Vec<_>>());
        assert!(cal().covers(d("2019-01-01")) && !cal().covers(d("2027-01-01")));
        assert_eq!(cal().first_uncovered(d("2026-12-30"), d("2027-01-05")), Some(2027));
        assert_eq!(cal().first_uncovered(d("2020-01-01"), d("2026-12-31")), None);
        // Outside the data the count is the plain week.
        let a = cal().workdays(None).unwrap();
        assert_eq!(a.add(d("2027-01-01"), 1), Some(d("2027-01-04")));
        assert_eq!(a.add(d("1990-01-05"), 5), Some(d("1990-01-12")));
    }

    #[test]
    fn duplicate_and_contradictory_rows_name_file_and_line() {
        let head = "date,kind,name,source\n";
        let dup = format!("{head}2026-10-01,holiday,国庆节,n\n# comment\n2026-10-01,holiday,国庆节,n\n");
        let err = load(&[("calendar/2026.csv", &dup)]).unwrap_err();
        assert_eq!(err.code, "rulebook_invalid");
        assert!(err.path.contains("calendar/2026.csv") && err.path.contains("line 4"), "{}", err.path);
        assert!(err.message.en.contains("repeats calendar/2026.csv line 2"), "{}", err.message.en);

        let other = format!("{head}2026-10-01,rest,国庆节,n\n");
        let a = format!("{head}2026-10-01,holiday,国庆节,n\n");
        let err = load(&[("calendar/2025.csv", &other), ("calendar/2026.csv", &a)]).unwrap_err();
        assert!(err.message.en.contains("contradicts calendar/2025.csv line 2"), "{}", err.message.en);

        for (bad, why) in [
            ("2026-10-03,rest,x,n", "weekend"),
            ("2026-10-05,workday,x,n", "weekday"),
            ("2026-02-30,holiday,x,n", "not a date"),
            ("2026-10-05,off,x,n", "kind"),
            ("2026-10-05,holiday,x,", "source"),
            ("2029-10-05,holiday,x,n", "not in or next to"),
        ] {
            let err = load(&[("calendar/2026.csv", &format!("{head}{bad}\n"))]).unwrap_err();
            assert!(err.path.ends_with("line 2"), "{bad}: {}", err.path);
            assert!(err.message.en.contains(why), "{bad}: {}", err.message.en);
        }
        let err = load(&[("calendar/cn.csv", head)]).unwrap_err();
        assert!(err.path.contains("calendar/cn.csv"));
    }

    proptest! {
        #[test]
        fn add_is_monotonic_and_lands_on_working_days(
            day in 0i64..(12 * 366), n in 1u32..400, policy in prop::sample::select(vec!["working_calendar", "statutory_holidays"])
        ) {
            let w = cal().workdays(Some(policy)).unwrap();
            let date = d("2018-06-01") + chrono::Days::new(day as u64);
            let r = w.add(date, n).unwrap();
            let next = w.add(date, n + 1).unwrap();
            prop_assert!(r > date && next > r);
            prop_assert!(w.is_workday(r) && w.is_workday(next));
            // Nothing skipped: exactly n working days in (date, r].
            let mut count = 0;
            let mut x = date;
            while x < r { x = x.succ_opt().unwrap(); if w.is_workday(x) { count += 1; } }
            prop_assert_eq!(count, n);
        }
    }
}
