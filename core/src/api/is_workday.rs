//! `is_workday`: whether a date is a working day of the certificate office calendar.

use super::Operation;
use crate::calendar::DayEntry;
use crate::check::deadlines::calendar_warning;
use crate::finding::Finding;
use crate::{Result, Rulebook};
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Says whether a date is a working day under a policy (the calendar's default without one).
#[derive(Debug)]
pub struct IsWorkday;

/// A date and optionally the working-day policy.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IsWorkdayRequest {
    /// The date.
    pub date: NaiveDate,
    /// A policy of `calendar/policies.toml`; the default policy without one.
    #[serde(default)]
    pub policy: Option<String>,
}

/// The verdict, the calendar entry of the day and whether the calendar covers its year.
#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize)]
pub struct IsWorkdayAnswer<'r> {
    /// The date asked about.
    pub date: NaiveDate,
    /// It is a working day.
    pub workday: bool,
    /// The calendar's entry for the day (holiday, make-up working day...).
    pub day: Option<&'r DayEntry>,
    /// The policy applied.
    pub policy: &'r str,
    /// The calendar covers the year.
    pub covered: bool,
    /// Why not covered.
    pub findings: Vec<Finding>,
}

impl Operation for IsWorkday {
    const NAME: &'static str = "is_workday";
    const ALIASES: &'static [&'static str] = &["calendar_is_workday"];
    const DOC: &'static str = "Whether a date is a working day of the certificate office calendar.";
    type Request = IsWorkdayRequest;
    type Answer<'r> = IsWorkdayAnswer<'r>;

    fn run<'r>(r: IsWorkdayRequest, rb: &'r Rulebook) -> Result<IsWorkdayAnswer<'r>> {
        let cal = rb.calendar();
        let wd = cal.workdays(r.policy.as_deref())?;
        let findings: Vec<Finding> = calendar_warning(cal, r.date, r.date, "date").into_iter().collect();
        Ok(IsWorkdayAnswer {
            date: r.date,
            workday: wd.is_workday(r.date),
            day: cal.day(r.date),
            policy: wd.name(),
            covered: findings.is_empty(),
            findings,
        })
    }
}
