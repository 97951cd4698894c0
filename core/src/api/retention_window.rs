//! `retention_window`: how long certificates are kept and the default query window (FAQ Q90).

use super::Operation;
use crate::check::deadlines;
use crate::error::{codes, Error};
use crate::{Result, Rulebook};
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Deserialize;

/// The retention and default query windows of certificates on a date.
#[derive(Debug)]
pub struct RetentionWindow;

/// The host's today.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetentionRequest {
    /// Today as the host sees it.
    pub today: NaiveDate,
}

impl Operation for RetentionWindow {
    const NAME: &'static str = "retention_window";
    const DOC: &'static str = "The retention and default query windows of certificates on a date (FAQ Q90).";
    type Request = RetentionRequest;
    type Answer<'r> = deadlines::RetentionWindow;

    fn run(r: RetentionRequest, rb: &Rulebook) -> Result<deadlines::RetentionWindow> {
        deadlines::retention_window(r.today, rb.calendar().date_rules()).ok_or_else(|| {
            Error::new(&codes::DATE_OUT_OF_RANGE, "today", "日期超出范围", "the date is past the supported range")
        })
    }
}
