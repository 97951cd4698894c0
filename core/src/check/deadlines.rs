//! Dates and deadlines (FAQ Q90, Q95, Q100, Q103, Q108, Q113, Q127): the APTA signing deadline in
//! working days, retroactive issuance windows, the ECFA declaration window, validity and reissue
//! deadlines, the system-set dates and the retention and query windows.
//!
//! Certainty: a working-day count that reaches a year without calendar data is made with plain
//! weekends, reported as the warning `calendar_year_not_covered`, and any deadline it decides is
//! reported as a warning instead of an error: the library never fails a certificate on a guess.

use super::{Context, Outcome};
use crate::calendar::{Calendar, DateRules, Workdays};
use crate::finding::{Finding, Severity};
use crate::model::{Certificate, Dates};
use crate::rulebook::{Agreement, Status};
use chrono::{Days, Months, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

crate::finding::codes! {
    CODES;
    DATES_IMPLAUSIBLE = ("dates_implausible", Error, "日期相差过大，可能输入有误", "dates lie implausibly far apart (typing error?)");
    SIGNING_BEFORE_APPLICATION = ("signing_before_application", Error, "签署日期早于申请日期", "signing date before the application date");
    DECLARATION_DATE_MISSING = ("declaration_date_missing", Error, "缺少报关日期", "the customs declaration date is required");
    CALENDAR_YEAR_NOT_COVERED = ("calendar_year_not_covered", Warning, "日期所在年份不在节假日日历内", "a date falls in a year the holiday calendar does not cover");
    SIGNING_DEADLINE_PASSED = ("signing_deadline_passed", Error, "签署日期晚于最迟签署日期", "signed after the latest signing date");
    RETROACTIVE_NOT_ALLOWED = ("retroactive_not_allowed", Error, "该证书类型不允许补发", "this certificate type cannot be issued retroactively");
    RETROACTIVE_FLAG_MISSING = ("retroactive_flag_missing", Error, "该证书为补发证书，须勾选补发", "the certificate is retroactive: tick \"issued retroactively\"");
    RETROACTIVE_FLAG_FORBIDDEN = ("retroactive_flag_forbidden", Error, "尚未超过补发起始日，不得勾选补发", "\"issued retroactively\" is ticked but the certificate is not retroactive");
    RETROACTIVE_WINDOW_PASSED = ("retroactive_window_passed", Error, "已超过补发期限", "past the retroactive issuance window");
    SYSTEM_DATE_MISMATCH = ("system_date_mismatch", Warning, "申请日期、签署日期或签署地点与系统记录不同", "application date, signing date or place differs from the system's record");
}

/// Every deadline that applies to a certificate, as `check` derives it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deadlines {
    /// Latest signing date: APTA shipment + working days (Q103), ECFA declaration + days (Q113).
    #[serde(default)]
    pub latest_signing: Option<NaiveDate>,
    /// The working-day policy the latest signing date was counted with.
    #[serde(default)]
    pub working_day_policy: Option<String>,
    /// An application submitted after this day is retroactive (补发, Q108).
    #[serde(default)]
    pub retroactive_after: Option<NaiveDate>,
    /// Last day a retroactive certificate can still be issued.
    #[serde(default)]
    pub retroactive_until: Option<NaiveDate>,
    /// Whether this certificate is retroactive, judged by its application date (or today).
    #[serde(default)]
    pub retroactive: Option<bool>,
    /// Last day of validity: signing date + the agreement's validity months.
    #[serde(default)]
    pub valid_until: Option<NaiveDate>,
    /// Last day an amendment or lost-certificate reissue can be signed (Q100, Q127).
    #[serde(default)]
    pub reissue_until: Option<NaiveDate>,
}

/// What bounds a reissue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReissueBasis {
    /// The original's validity (FAQ Q100, Q127).
    Validity,
    /// The days from the customs declaration (ECFA, FAQ Q127).
    DeclarationWindow,
}

/// Until when an amendment or lost-certificate reissue of a certificate may be signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReissueDeadline {
    /// The last day (inclusive).
    pub until: NaiveDate,
    /// What the day is counted from.
    pub basis: ReissueBasis,
    /// The rule's source.
    pub source: String,
}

/// Last day of a certificate's validity: signing date + validity months, the anniversary day
/// itself included; `None` when unsigned or the agreement's validity is unknown. A certificate
/// marked retroactive counts from shipment where the agreement says so (ChAFTA).
pub fn valid_until(cert: &Certificate, agreement: &Agreement) -> Option<NaiveDate> {
    let months = agreement.validity_months.value?;
    cert.dates.signing?;
    let from = if cert.flags.issued_retroactively && agreement.retroactive.value.valid_from_shipment {
        cert.dates.shipment?
    } else {
        cert.dates.signing?
    };
    from.checked_add_months(Months::new(months))
}

/// The reissue deadline of `original` (FAQ Q100, Q127): within its validity, except agreements
/// with a declaration window (ECFA), where reissues too must be signed within that window.
pub fn reissue_deadline(original: &Certificate, agreement: &Agreement) -> Option<ReissueDeadline> {
    if let Some(days) = &agreement.declaration_window_days {
        let until = original.dates.declaration?.checked_add_days(Days::new(days.value.into()))?;
        return Some(ReissueDeadline { until, basis: ReissueBasis::DeclarationWindow, source: days.source.clone() });
    }
    Some(ReissueDeadline {
        until: valid_until(original, agreement)?,
        basis: ReissueBasis::Validity,
        source: agreement.validity_months.source.clone(),
    })
}

/// What the host's workflow recorded (FAQ Q95): the dates and place the system sets.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemEvents {
    /// Day the application was submitted.
    #[serde(default)]
    pub submitted: Option<NaiveDate>,
    /// Day the visa officer approved it.
    #[serde(default)]
    pub approved: Option<NaiveDate>,
    /// Filing location of the approving office.
    #[serde(default)]
    pub approving_office_location: Option<String>,
}

/// The system-set dates of a certificate and where the certificate's own values differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct SystemDates {
    /// Application date = submission date.
    pub application: Option<NaiveDate>,
    /// Signing date = approval date.
    pub signing: Option<NaiveDate>,
    /// Signing place = the approving office's filing location.
    pub signing_place: Option<String>,
    /// `system_date_mismatch` findings.
    pub findings: Vec<Finding>,
}

/// Derives application date, signing date and signing place from the workflow events (FAQ Q95).
///
/// Before the rule's start date (2025-01-09 in the default rulebook) the applicant typed them,
/// so the certificate's own values stand.
pub fn system_dates(cert: &Certificate, events: &SystemEvents, rules: &DateRules) -> SystemDates {
    let d = &cert.dates;
    let since = rules.system_dates_since.value;
    let applies = events.submitted.or(events.approved).is_some_and(|x| x >= since);
    if !applies {
        return SystemDates {
            application: d.application,
            signing: d.signing,
            signing_place: d.signing_place.clone(),
            findings: Vec::new(),
        };
    }
    let source = &rules.system_dates_since.source;
    let mut findings = Vec::new();
    let mut compare = |field: &str, zh: &str, ours: Option<String>, system: Option<String>| {
        if let (Some(o), Some(s)) = (&ours, &system) {
            if o != s {
                findings.push(Finding::new(
                    &SYSTEM_DATE_MISMATCH,
                    format!("dates.{field}"),
                    source,
                    format!("{zh}由系统自动记录为 {s}，证书填写的 {o} 将被替换"),
                    format!(
                        "the system records the {} as {s}; the certificate's {o} will be replaced",
                        field.replace('_', " ")
                    ),
                ));
            }
        }
    };
    let text = |x: Option<NaiveDate>| x.map(|x| x.to_string());
    compare("application", "申请日期", text(d.application), text(events.submitted));
    compare("signing", "签署日期", text(d.signing), text(events.approved));
    compare("signing_place", "签署地点", d.signing_place.clone(), events.approving_office_location.clone());
    SystemDates {
        application: events.submitted.or(d.application),
        signing: events.approved.or(d.signing),
        signing_place: events.approving_office_location.clone().or_else(|| d.signing_place.clone()),
        findings,
    }
}

/// What the system keeps and shows by default on `today` (FAQ Q90).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct RetentionWindow {
    /// Certificates from before this day are no longer kept for queries.
    pub retained_from: NaiveDate,
    /// First day a list query shows by default.
    pub query_from: NaiveDate,
    /// Last day a list query shows by default (today).
    pub query_to: NaiveDate,
    /// The rule's source.
    pub source: String,
}

/// The retention and default query windows on `today` (FAQ Q90); `None` past chrono's range.
pub fn retention_window(today: NaiveDate, rules: &DateRules) -> Option<RetentionWindow> {
    Some(RetentionWindow {
        retained_from: today.checked_sub_months(Months::new(rules.retention_years.value.checked_mul(12)?))?,
        query_from: today.checked_sub_months(Months::new(rules.query_window_months.value))?,
        query_to: today,
        source: rules.retention_years.source.clone(),
    })
}

/// The dates a certificate carries, with their field paths.
fn dated(cert: &Certificate) -> Vec<(&'static str, NaiveDate)> {
    let d: &Dates = &cert.dates;
    [
        ("invoice.date", Some(cert.invoice.date)),
        ("dates.shipment", d.shipment),
        ("dates.declaration", d.declaration),
        ("dates.application", d.application),
        ("dates.signing", d.signing),
    ]
    .into_iter()
    .filter_map(|(p, x)| x.map(|x| (p, x)))
    .collect()
}

/// The `calendar_year_not_covered` warning when `from..=to` reaches a year without calendar data.
pub(crate) fn calendar_warning(cal: &Calendar, from: NaiveDate, to: NaiveDate, path: &str) -> Option<Finding> {
    let year = cal.first_uncovered(from, to)?;
    let years: Vec<i32> = cal.years().map(|y| y.year).collect();
    let span = match (years.first(), years.last()) {
        (Some(a), Some(b)) => format!("{a}–{b}"),
        _ => String::new(),
    };
    Some(Finding::new(
        &CALENDAR_YEAR_NOT_COVERED,
        path,
        "rules/calendar",
        format!("{year} 年不在节假日日历（{span}）内：只按周末计算，结果不确定"),
        format!("{year} is not in the holiday calendar ({span}): counted with weekends only, not certain"),
    ))
}

/// `n` working days after `from`, and whether the calendar covered the count (else a warning).
fn working_days_after(
    cx: &Context<'_>,
    wd: &Workdays<'_>,
    from: NaiveDate,
    n: u32,
    path: &str,
    out: &mut Outcome,
) -> Option<(NaiveDate, bool)> {
    let to = wd.add(from, n)?;
    match calendar_warning(cx.rulebook.calendar(), from, to, path) {
        Some(f) => {
            out.push(f);
            Some((to, false))
        }
        None => Some((to, true)),
    }
}

pub(crate) fn check(cx: &Context<'_>, out: &mut Outcome) {
    let (cert, a) = (cx.cert, cx.agreement);
    let d = &cert.dates;
    let rules = cx.rulebook.calendar().date_rules();

    let all = dated(cert);
    let lo = all.iter().min_by_key(|(_, x)| *x);
    let hi = all.iter().max_by_key(|(_, x)| *x);
    if let (Some((lp, l)), Some((hp, h))) = (lo, hi) {
        let years = rules.max_date_spread_years.value;
        if l.checked_add_months(Months::new(years.saturating_mul(12))).is_none_or(|limit| *h > limit) {
            out.push(Finding::new(
                &DATES_IMPLAUSIBLE,
                *hp,
                &rules.max_date_spread_years.source,
                format!("{hp} {h} 与 {lp} {l} 相差超过 {years} 年，请检查年份"),
                format!("{hp} {h} is more than {years} years from {lp} {l}: check the year"),
            ));
            return;
        }
    }
    if let (Some(app), Some(sig)) = (d.application, d.signing) {
        if sig < app {
            out.push(Finding::new(
                &SIGNING_BEFORE_APPLICATION,
                "dates.signing",
                &rules.system_dates_since.source,
                format!("签署日期 {sig} 早于申请日期 {app}"),
                format!("signing date {sig} is before the application date {app}"),
            ));
        }
    }

    let mut deadlines = Deadlines { valid_until: valid_until(cert, a), ..Deadlines::default() };
    deadlines.reissue_until = reissue_deadline(cert, a).map(|r| r.until);
    let applied = d.application.or(cx.today);

    // ECFA: the declaration date is required and bounds signing (Q113, Q127).
    if let Some(window) = &a.declaration_window_days {
        match d.declaration {
            None => out.push(Finding::new(
                &DECLARATION_DATE_MISSING,
                "dates.declaration",
                &window.source,
                format!("{}须填写报关日期", a.name.value.zh),
                format!("{} requires the customs declaration date", a.name.value.en),
            )),
            Some(decl) => {
                if let Some(latest) = decl.checked_add_days(Days::new(window.value.into())) {
                    deadlines.latest_signing = Some(latest);
                    signing_deadline(cx, latest, true, &window.source, out);
                }
            }
        }
    }

    // APTA: before shipment or within N working days after it (Q103).
    if let (Some(rule), Some(ship)) = (&a.signing_deadline, d.shipment) {
        let n = rule.value.working_days_after_shipment;
        if let Ok(wd) = cx.rulebook.calendar().workdays(Some(&rule.value.policy)) {
            if let Some((latest, certain)) = working_days_after(cx, &wd, ship, n, "dates.shipment", out) {
                deadlines.latest_signing = Some(deadlines.latest_signing.map_or(latest, |x| x.min(latest)));
                deadlines.working_day_policy = Some(wd.name().to_string());
                signing_deadline(cx, latest, certain, &rule.source, out);
            }
        }
    }

    retroactive(cx, applied, &mut deadlines, out);
    out.derived.deadlines = deadlines;
}

fn signing_deadline(cx: &Context<'_>, latest: NaiveDate, certain: bool, source: &str, out: &mut Outcome) {
    let (signed, when) = match (cx.cert.dates.signing, cx.today) {
        (Some(s), _) => (s, "签署日期"),
        (None, Some(t)) => (t, "今天"),
        (None, None) => return,
    };
    if signed <= latest {
        return;
    }
    let name = &cx.agreement.name.value;
    let f = Finding::new(
        &SIGNING_DEADLINE_PASSED,
        "dates.signing",
        source,
        format!("{}最迟应于 {latest} 签署，{when} {signed} 已超过", name.zh),
        format!("{} must be signed by {latest}; {signed} is later", name.en),
    );
    // Unsigned (judged by today) or counted over a year without data: not certain yet.
    let certain = certain && cx.cert.dates.signing.is_some();
    out.push(if certain { f } else { f.with_severity(Severity::Warning) });
}

fn retroactive(cx: &Context<'_>, applied: Option<NaiveDate>, deadlines: &mut Deadlines, out: &mut Outcome) {
    let (a, d) = (cx.agreement, &cx.cert.dates);
    let fact = &a.retroactive;
    let flag = cx.cert.flags.issued_retroactively;
    // An unconfirmed window decides nothing (non-preferential certificates have no treaty window);
    // a partly sourced one is applied, but its findings are warnings.
    if fact.status == Status::Unconfirmed {
        return;
    }
    let r = &fact.value;
    if !r.allowed {
        if flag {
            out.push(Finding::new(
                &RETROACTIVE_NOT_ALLOWED,
                "flags.issued_retroactively",
                &fact.source,
                format!("{}不允许补发", a.name.value.zh),
                format!("{} cannot be issued retroactively", a.name.value.en),
            ));
        }
        return;
    }
    // ECFA counts from the declaration date, the others from shipment (Q108, Q113).
    let (reference, ref_path) = if a.declaration_window_days.is_some() {
        (d.declaration, "dates.declaration")
    } else {
        (d.shipment, "dates.shipment")
    };
    let Some(reference) = reference else { return };
    let mut certain = fact.is_certain();
    let after = match (r.grace_working_days, r.grace_days) {
        (Some(n), _) => {
            let Ok(wd) = cx.rulebook.calendar().workdays(None) else {
                return;
            };
            let Some((x, sure)) = working_days_after(cx, &wd, reference, n, ref_path, out) else {
                return;
            };
            certain &= sure;
            x
        }
        (None, n) => match reference.checked_add_days(Days::new(n.unwrap_or(0).into())) {
            Some(x) => x,
            None => return,
        },
    };
    deadlines.retroactive_after = Some(after);
    deadlines.retroactive_until = r.within_months.and_then(|m| reference.checked_add_months(Months::new(m)));
    let marking = r.marking.as_deref().unwrap_or("ISSUED RETROACTIVELY");
    if let Some(app) = applied {
        let is_retro = app > after;
        deadlines.retroactive = Some(is_retro);
        let severity = if certain { Severity::Error } else { Severity::Warning };
        if is_retro && !flag {
            out.push(
                Finding::new(
                    &RETROACTIVE_FLAG_MISSING,
                    "flags.issued_retroactively",
                    &fact.source,
                    format!("申请日期 {app} 晚于 {after}，该证书为补发证书，须标注“{marking}”"),
                    format!("applied on {app}, after {after}: the certificate is retroactive and must be marked \"{marking}\""),
                )
                .with_severity(severity),
            );
        }
        if !is_retro && flag {
            out.push(
                Finding::new(
                    &RETROACTIVE_FLAG_FORBIDDEN,
                    "flags.issued_retroactively",
                    &fact.source,
                    format!("申请日期 {app} 不晚于 {after}，不是补发证书，不得标注“{marking}”"),
                    format!("applied on {app}, not after {after}: the certificate is not retroactive and must not be marked \"{marking}\""),
                )
                .with_severity(severity),
            );
        }
    }
    if let (Some(until), Some(when)) = (deadlines.retroactive_until, d.signing.or(cx.today)) {
        if when > until {
            let f = Finding::new(
                &RETROACTIVE_WINDOW_PASSED,
                if d.signing.is_some() { "dates.signing" } else { ref_path },
                &fact.source,
                format!("补发期限至 {until}（自 {reference} 起），{when} 已超过"),
                format!("retroactive issuance is possible until {until} (from {reference}); {when} is later"),
            );
            out.push(if d.signing.is_some() && fact.is_certain() { f } else { f.with_severity(Severity::Warning) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rulebook::{Fact, Retroactive, SigningDeadline};
    use crate::Rulebook;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn fact<T>(value: T) -> Fact<T> {
        Fact { value, source: "test".into(), status: Status::Confirmed, note: None }
    }

    fn base() -> (Certificate, Agreement, Rulebook) {
        let rb = Rulebook::builtin().unwrap();
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/certificates/non_preferential.json"
        ))
        .unwrap();
        let cert: Certificate = serde_json::from_str(&text).unwrap();
        let a = rb.agreement("non_preferential").unwrap().clone();
        (cert, a, rb)
    }

    fn apta(a: &mut Agreement, policy: &str) {
        a.retroactive = fact(Retroactive {
            allowed: false,
            grace_days: None,
            grace_working_days: None,
            within_months: None,
            marking: None,
            placement: None,
            valid_from_shipment: false,
        });
        a.signing_deadline = Some(fact(SigningDeadline { working_days_after_shipment: 3, policy: policy.into() }));
    }

    fn run(cert: &Certificate, a: &Agreement, rb: &Rulebook, today: Option<NaiveDate>) -> crate::Report {
        crate::check::check(cert, a, rb, today)
    }

    fn codes(r: &crate::Report) -> Vec<(String, Severity)> {
        r.findings.iter().map(|f| (f.code.clone(), f.severity)).collect()
    }

    #[test]
    fn apta_both_readings_of_the_issue_example() {
        let (mut cert, mut a, rb) = base();
        cert.dates = Dates {
            shipment: Some(d("2026-09-30")),
            application: Some(d("2026-09-29")),
            signing: Some(d("2026-10-09")),
            ..Dates::default()
        };
        apta(&mut a, "statutory_holidays");
        let r = run(&cert, &a, &rb, None);
        assert_eq!(r.derived.deadlines.latest_signing, Some(d("2026-10-08")));
        assert_eq!(r.derived.deadlines.working_day_policy.as_deref(), Some("statutory_holidays"));
        assert!(codes(&r).contains(&("signing_deadline_passed".into(), Severity::Error)), "{:?}", codes(&r));
        apta(&mut a, "working_calendar");
        let r = run(&cert, &a, &rb, None);
        assert_eq!(r.derived.deadlines.latest_signing, Some(d("2026-10-10")));
        assert!(!codes(&r).iter().any(|(c, _)| c == "signing_deadline_passed"));
        cert.flags.issued_retroactively = true;
        let r = run(&cert, &a, &rb, None);
        assert!(codes(&r).iter().any(|(c, _)| c == "retroactive_not_allowed"));
    }

    #[test]
    fn apta_outside_the_calendar_warns_instead_of_failing() {
        let (mut cert, mut a, rb) = base();
        cert.invoice.date = d("2027-12-20");
        cert.dates = Dates { shipment: Some(d("2027-12-30")), signing: Some(d("2028-01-10")), ..Dates::default() };
        apta(&mut a, "statutory_holidays");
        let r = run(&cert, &a, &rb, None);
        let c = codes(&r);
        assert!(c.contains(&("calendar_year_not_covered".into(), Severity::Warning)), "{c:?}");
        assert!(c.contains(&("signing_deadline_passed".into(), Severity::Warning)), "{c:?}");
        assert!(r.ok);
    }

    #[test]
    fn retroactive_window_grace_and_flag() {
        let (mut cert, mut a, rb) = base();
        a.retroactive = fact(Retroactive {
            allowed: true,
            grace_days: Some(3),
            grace_working_days: None,
            within_months: Some(12),
            marking: Some("ISSUED RETROACTIVELY".into()),
            placement: None,
            valid_from_shipment: false,
        });
        cert.dates = Dates { shipment: Some(d("2026-03-10")), application: Some(d("2026-03-13")), ..Dates::default() };
        let r = run(&cert, &a, &rb, None);
        assert_eq!(r.derived.deadlines.retroactive_after, Some(d("2026-03-13")));
        assert_eq!(r.derived.deadlines.retroactive_until, Some(d("2027-03-10")));
        assert_eq!(r.derived.deadlines.retroactive, Some(false));
        assert!(r.findings.is_empty(), "{:?}", codes(&r));
        cert.flags.issued_retroactively = true;
        assert!(codes(&run(&cert, &a, &rb, None)).iter().any(|(c, _)| c == "retroactive_flag_forbidden"));
        cert.dates.application = Some(d("2026-03-14"));
        let r = run(&cert, &a, &rb, None);
        assert_eq!(r.derived.deadlines.retroactive, Some(true));
        assert!(r.findings.is_empty(), "{:?}", codes(&r));
        cert.flags.issued_retroactively = false;
        assert!(codes(&run(&cert, &a, &rb, None)).iter().any(|(c, _)| c == "retroactive_flag_missing"));
        cert.flags.issued_retroactively = true;
        cert.dates.signing = Some(d("2027-03-11"));
        assert!(codes(&run(&cert, &a, &rb, None)).contains(&("retroactive_window_passed".into(), Severity::Error)));
        // Without an application date, "today" stands for the submission.
        cert.dates = Dates { shipment: Some(d("2026-03-10")), ..Dates::default() };
        let r = run(&cert, &a, &rb, Some(d("2026-04-01")));
        assert_eq!(r.derived.deadlines.retroactive, Some(true));
    }

    #[test]
    fn partly_sourced_window_warns() {
        let (mut cert, mut a, rb) = base();
        a.retroactive = fact(Retroactive {
            allowed: true,
            grace_days: Some(3),
            grace_working_days: None,
            within_months: Some(12),
            marking: None,
            placement: None,
            valid_from_shipment: false,
        });
        a.retroactive.status = Status::Partial;
        cert.dates = Dates { shipment: Some(d("2026-03-10")), application: Some(d("2026-03-20")), ..Dates::default() };
        let r = run(&cert, &a, &rb, None);
        assert!(codes(&r).contains(&("retroactive_flag_missing".into(), Severity::Warning)), "{:?}", codes(&r));
        a.retroactive.status = Status::Unconfirmed;
        assert!(run(&cert, &a, &rb, None).findings.is_empty());
    }

    #[test]
    fn retroactive_grace_in_working_days_spans_spring_festival() {
        let (mut cert, mut a, rb) = base();
        a.retroactive = fact(Retroactive {
            allowed: true,
            grace_days: None,
            grace_working_days: Some(7),
            within_months: Some(12),
            marking: None,
            placement: None,
            valid_from_shipment: false,
        });
        cert.dates = Dates { shipment: Some(d("2026-02-12")), application: Some(d("2026-02-26")), ..Dates::default() };
        let r = run(&cert, &a, &rb, None);
        // 02-13, 02-14 (make-up Saturday), 02-24, 02-25, 02-26, 02-27, 02-28 (make-up Saturday).
        assert_eq!(r.derived.deadlines.retroactive_after, Some(d("2026-02-28")));
        assert_eq!(r.derived.deadlines.retroactive, Some(false));
    }

    #[test]
    fn ecfa_declaration_window_validity_and_reissue() {
        let (mut cert, mut a, rb) = base();
        a.declaration_window_days = Some(fact(90));
        a.validity_months.value = Some(12);
        a.retroactive = fact(Retroactive {
            allowed: true,
            grace_days: None,
            grace_working_days: None,
            within_months: None,
            marking: Some("补发".into()),
            placement: None,
            valid_from_shipment: false,
        });
        let r = run(&cert, &a, &rb, None);
        assert!(codes(&r).contains(&("declaration_date_missing".into(), Severity::Error)));
        cert.dates = Dates {
            declaration: Some(d("2026-01-10")),
            application: Some(d("2026-01-09")),
            signing: Some(d("2026-04-11")),
            ..Dates::default()
        };
        let r = run(&cert, &a, &rb, None);
        assert_eq!(r.derived.deadlines.latest_signing, Some(d("2026-04-10")));
        assert_eq!(r.derived.deadlines.valid_until, Some(d("2027-04-11")));
        assert_eq!(r.derived.deadlines.reissue_until, Some(d("2026-04-10")));
        assert!(codes(&r).contains(&("signing_deadline_passed".into(), Severity::Error)));
        let rd = reissue_deadline(&cert, &a).unwrap();
        assert_eq!(rd.basis, ReissueBasis::DeclarationWindow);
        a.declaration_window_days = None;
        let rd = reissue_deadline(&cert, &a).unwrap();
        assert_eq!((rd.until, rd.basis), (d("2027-04-11"), ReissueBasis::Validity));
    }

    #[test]
    fn australia_retroactive_validity_counts_from_shipment() {
        let (mut cert, _, rb) = base();
        let a = rb.agreement("australia").unwrap();
        cert.dates = Dates {
            shipment: Some(d("2026-03-10")),
            application: Some(d("2026-06-12")),
            signing: Some(d("2026-06-15")),
            ..Dates::default()
        };
        assert_eq!(valid_until(&cert, a), Some(d("2027-06-15")), "not marked retroactive: from issue");
        cert.flags.issued_retroactively = true;
        assert_eq!(valid_until(&cert, a), Some(d("2027-03-10")));
        assert_eq!(reissue_deadline(&cert, a).map(|r| r.until), Some(d("2027-03-10")));
        // Other agreements keep counting from issue.
        let nz = rb.agreement("new_zealand").unwrap();
        assert_eq!(valid_until(&cert, nz), Some(d("2027-06-15")));
    }

    #[test]
    fn implausible_and_misordered_dates() {
        let (mut cert, a, rb) = base();
        cert.dates = Dates { shipment: Some(d("2056-03-10")), application: Some(d("2026-03-05")), ..Dates::default() };
        assert!(codes(&run(&cert, &a, &rb, None)).contains(&("dates_implausible".into(), Severity::Error)));
        cert.dates = Dates { application: Some(d("2026-03-05")), signing: Some(d("2026-03-04")), ..Dates::default() };
        assert!(codes(&run(&cert, &a, &rb, None)).contains(&("signing_before_application".into(), Severity::Error)));
    }

    #[test]
    fn system_dates_follow_the_events() {
        let (mut cert, _, rb) = base();
        let rules = rb.calendar().date_rules();
        cert.dates.application = Some(d("2026-03-04"));
        let ev = SystemEvents {
            submitted: Some(d("2026-03-05")),
            approved: Some(d("2026-03-06")),
            approving_office_location: Some("宁波".into()),
        };
        let s = system_dates(&cert, &ev, rules);
        assert_eq!(
            (s.application, s.signing, s.signing_place.as_deref()),
            (Some(d("2026-03-05")), Some(d("2026-03-06")), Some("宁波"))
        );
        assert_eq!(s.findings.len(), 1);
        assert_eq!(s.findings[0].path, "dates.application");
        let old = SystemEvents { submitted: Some(d("2024-03-05")), ..SystemEvents::default() };
        assert_eq!(system_dates(&cert, &old, rules).application, Some(d("2026-03-04")));
    }

    #[test]
    fn retention_and_query_window() {
        let rb = Rulebook::builtin().unwrap();
        let w = retention_window(d("2026-05-31"), rb.calendar().date_rules()).unwrap();
        assert_eq!((w.retained_from, w.query_from, w.query_to), (d("2023-05-31"), d("2026-02-28"), d("2026-05-31")));
    }
}
