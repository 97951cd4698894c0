//! `add_workdays`: the date a number of working days after another.

use super::Operation;
use crate::check::deadlines::calendar_warning;
use crate::error::{codes, Error};
use crate::finding::Finding;
use crate::{Result, Rulebook};
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Counts working days forward under a policy (the calendar's default without one).
#[derive(Debug)]
pub struct AddWorkdays;

/// A date, a count of working days and optionally the policy.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddWorkdaysRequest {
    /// The date counted from (not itself counted).
    pub date: NaiveDate,
    /// How many working days.
    pub days: u32,
    /// A policy of `calendar/policies.toml`; the default policy without one.
    #[serde(default)]
    pub policy: Option<String>,
}

/// The result and whether the calendar covered every year counted through.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AddWorkdaysAnswer<'r> {
    /// The date counted from.
    pub date: NaiveDate,
    /// The count.
    pub days: u32,
    /// The date `days` working days after `date`.
    pub result: NaiveDate,
    /// The policy applied.
    pub policy: &'r str,
    /// The calendar covers every year counted through.
    pub covered: bool,
    /// Why not covered.
    pub findings: Vec<Finding>,
}

impl Operation for AddWorkdays {
    const NAME: &'static str = "add_workdays";
    const ALIASES: &'static [&'static str] = &["calendar_add_workdays"];
    const DOC: &'static str = "The date a number of working days after another, under a working-day policy.";
    type Request = AddWorkdaysRequest;
    type Answer<'r> = AddWorkdaysAnswer<'r>;

    fn run<'r>(r: AddWorkdaysRequest, rb: &'r Rulebook) -> Result<AddWorkdaysAnswer<'r>> {
        let cal = rb.calendar();
        let wd = cal.workdays(r.policy.as_deref())?;
        let result = wd.add(r.date, r.days).ok_or_else(|| {
            Error::new(
                &codes::DATE_OUT_OF_RANGE,
                "days",
                format!("{} 后 {} 个工作日超出可表示的日期范围", r.date, r.days),
                format!("{} working days after {} is past the supported date range", r.days, r.date),
            )
        })?;
        let findings: Vec<Finding> = calendar_warning(cal, r.date, result, "date").into_iter().collect();
        Ok(AddWorkdaysAnswer {
            date: r.date,
            days: r.days,
            result,
            policy: wd.name(),
            covered: findings.is_empty(),
            findings,
        })
    }
}
