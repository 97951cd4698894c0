//! The reply letter to a foreign verification request (核查回函, 审核端 FAQ Q8), rendered
//! bilingually in the same sandboxed Typst world as the certificates: the letter reaches the
//! template only as `/data.json`.

use super::{compile_error, export, internal, world, Format, RenderOptions};
use crate::{Error, Result, Rulebook};
use chrono::{Datelike, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use typst::foundations::{Bytes, Datetime};
use typst_layout::PagedDocument;

/// What the reply letter says; the creator institution writes it once the issuer concluded.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyLetter {
    /// The requesting body (来函机构).
    pub requester: String,
    /// The requesting body's reference of its letter.
    #[serde(default)]
    pub reference: String,
    /// The date of the request.
    #[serde(default)]
    pub request_date: Option<NaiveDate>,
    /// The certificate number verified.
    pub certificate: String,
    /// The institution that issued the certificate.
    pub issuer: String,
    /// The institution that created the task and signs the reply.
    pub creator: String,
    /// The reply's date.
    pub date: NaiveDate,
    /// The issuer's conclusion, in Chinese.
    pub conclusion_zh: String,
    /// The issuer's conclusion, in English.
    pub conclusion_en: String,
}

/// The view the template reads: plain strings only.
#[derive(Serialize)]
struct LetterView<'a> {
    requester: &'a str,
    reference: &'a str,
    request_date: String,
    certificate: &'a str,
    issuer: &'a str,
    creator: &'a str,
    date: String,
    opening_zh: String,
    opening_en: String,
    conclusion_zh: &'a str,
    conclusion_en: &'a str,
}

/// Renders the reply letter as PDF, SVG or PNG (SVG and PNG: the first page).
pub fn render_reply_letter(letter: &ReplyLetter, rulebook: &Rulebook, format: Format) -> Result<Vec<u8>> {
    let out = compile_letter(letter).and_then(|(doc, today)| {
        let options = RenderOptions { format, ..RenderOptions::default() };
        export(&doc, &options, rulebook.limits().max_pages, today)
    });
    typst::comemo::evict(10);
    out
}

/// Lays the letter out.
pub(crate) fn compile_letter(letter: &ReplyLetter) -> Result<(PagedDocument, Datetime)> {
    let required = [
        ("requester", &letter.requester),
        ("certificate", &letter.certificate),
        ("issuer", &letter.issuer),
        ("creator", &letter.creator),
        ("conclusion_zh", &letter.conclusion_zh),
        ("conclusion_en", &letter.conclusion_en),
    ];
    if let Some((path, _)) = required.iter().find(|(_, v)| v.trim().is_empty()) {
        return Err(Error::new(
            &crate::error::codes::INVALID_VALUE,
            *path,
            format!("回函须填写 {path}"),
            format!("the reply letter needs `{path}`"),
        ));
    }
    let shared = world::shared().ok_or_else(|| internal("the embedded templates or fonts failed to load"))?;
    let (c, issuer) = (&letter.certificate, &letter.issuer);
    let view = LetterView {
        requester: &letter.requester,
        reference: &letter.reference,
        request_date: letter.request_date.map(|d| d.to_string()).unwrap_or_default(),
        certificate: c,
        issuer,
        creator: &letter.creator,
        date: letter.date.to_string(),
        opening_zh: format!("贵方关于第 {c} 号原产地证书的核查函收悉。经证书签发机构{issuer}核查，现将核查结果函复如下。"),
        opening_en: format!(
            "We acknowledge your request for verification of certificate of origin No. {c}. The issuing body, {issuer}, has verified it; the result is as follows."
        ),
        conclusion_zh: &letter.conclusion_zh,
        conclusion_en: &letter.conclusion_en,
    };
    let data = serde_json::to_vec(&view).map_err(|e| internal(&e.to_string()))?;
    let files = vec![(world::id("/data.json").ok_or_else(|| internal("data path"))?, Bytes::new(data))];
    let d = letter.date;
    let today = Datetime::from_ymd(d.year(), u8::try_from(d.month()).unwrap_or(1), u8::try_from(d.day()).unwrap_or(1))
        .ok_or_else(|| internal("letter date out of range"))?;
    let world = world::FormWorld::new(shared, shared.reply_letter().clone(), files, Vec::new(), today);
    let doc = typst::compile::<PagedDocument>(&world).output.map_err(|diags| compile_error(&diags))?;
    Ok((doc, today))
}
