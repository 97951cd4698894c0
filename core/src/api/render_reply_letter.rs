//! `render_reply_letter`: the bilingual reply to a foreign verification request (核查, review side Q7, Q8).

use super::render::{RenderFormat, Rendered};
use super::Operation;
use crate::render::{render_reply_letter, Format, ReplyLetter};
use crate::{Result, Rulebook};
use schemars::JsonSchema;
use serde::Deserialize;

/// Draws the reply letter of a verification task as PDF, SVG or PNG.
#[derive(Debug)]
pub struct RenderReplyLetter;

/// The letter's content and the output format.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyLetterRequest {
    /// What the letter says.
    pub letter: ReplyLetter,
    /// `pdf` (default), `svg` or `png`.
    #[serde(default)]
    pub format: RenderFormat,
}

impl Operation for RenderReplyLetter {
    const NAME: &'static str = "render_reply_letter";
    const DOC: &'static str = "Draw the bilingual reply letter to a foreign verification request as PDF, SVG or PNG.";
    type Request = ReplyLetterRequest;
    type Answer<'r> = Rendered;

    fn run(r: ReplyLetterRequest, rulebook: &Rulebook) -> Result<Rendered> {
        let format = Format::from(r.format);
        Ok(Rendered { media_type: format.media_type(), bytes: render_reply_letter(&r.letter, rulebook, format)? })
    }
}
