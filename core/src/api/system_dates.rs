//! `system_dates`: the dates and place the system sets from the workflow events.

use super::Operation;
use crate::check::deadlines::{self, SystemEvents};
use crate::{Certificate, Result, Rulebook};
use schemars::JsonSchema;
use serde::Deserialize;

/// Sets the application and signing dates and places the way the CCPIT system does.
#[derive(Debug)]
pub struct SystemDates;

/// A certificate and the events of its workflow.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemDatesRequest {
    /// The certificate.
    pub certificate: Certificate,
    /// When it was submitted, approved, printed...
    pub events: SystemEvents,
}

impl Operation for SystemDates {
    const NAME: &'static str = "system_dates";
    const DOC: &'static str = "The dates and place the system sets (application, signing) from the workflow events.";
    type Request = SystemDatesRequest;
    type Answer<'r> = deadlines::SystemDates;

    fn run(r: SystemDatesRequest, rb: &Rulebook) -> Result<deadlines::SystemDates> {
        Ok(deadlines::system_dates(&r.certificate, &r.events, rb.calendar().date_rules()))
    }
}
