//! `calendar_info`: the years, files, sources and policies of the working-day calendar.

use super::Operation;
use crate::calendar::{Policy, YearInfo};
use crate::{Result, Rulebook};
use schemars::JsonSchema;
use serde::Serialize;

/// Describes the working-day calendar: which years it covers, from which sources, which policies.
#[derive(Debug)]
pub struct CalendarInfo;

/// What the calendar holds.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CalendarDescription<'r> {
    /// The years covered.
    pub years: Vec<i32>,
    /// Each year's file, rows and sources.
    pub files: Vec<&'r YearInfo>,
    /// The policy used when none is named.
    pub default_policy: &'r str,
    /// Why that one.
    pub default_policy_source: &'r str,
    /// Every named policy.
    pub policies: Vec<NamedPolicy<'r>>,
}

/// A working-day policy with its name.
#[derive(Debug, Serialize, JsonSchema)]
pub struct NamedPolicy<'r> {
    /// Its name.
    pub name: &'r str,
    /// Its definition.
    #[serde(flatten)]
    pub policy: &'r Policy,
}

impl Operation for CalendarInfo {
    const NAME: &'static str = "calendar_info";
    const DOC: &'static str = "The years, sources and working-day policies of the calendar.";
    type Request = super::Empty;
    type Answer<'r> = CalendarDescription<'r>;

    fn run<'r>(_: super::Empty, rb: &'r Rulebook) -> Result<CalendarDescription<'r>> {
        let cal = rb.calendar();
        let files: Vec<&YearInfo> = cal.years().collect();
        Ok(CalendarDescription {
            years: files.iter().map(|y| y.year).collect(),
            files,
            default_policy: cal.default_policy(),
            default_policy_source: cal.default_policy_source(),
            policies: cal.policies().map(|(name, policy)| NamedPolicy { name, policy }).collect(),
        })
    }
}
