//! `codes`: the catalogue of every finding, refusal and error code.

use super::Operation;
use crate::catalogue::{self, Entry};
use crate::{Result, Rulebook};

/// Lists every code origo can emit, with its kind, severity and titles.
#[derive(Debug)]
pub struct Codes;

impl Operation for Codes {
    const NAME: &'static str = "codes";
    const DOC: &'static str = "Every finding, refusal and error code with its kind, severity and titles.";
    type Request = super::Empty;
    type Answer<'r> = Vec<Entry>;

    fn run(_: super::Empty, _: &Rulebook) -> Result<Vec<Entry>> {
        Ok(catalogue::entries())
    }
}
