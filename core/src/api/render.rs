//! `render`: the certificate (or its commercial invoice) drawn as PDF, SVG or PNG.

use super::Operation;
use crate::error::codes;
use crate::render::{decode_base64, Document, DuplicateOf, Format, RenderOptions};
use crate::{Certificate, Result, Rulebook};
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize, Serializer};
use std::num::NonZeroUsize;

/// Checks the certificate once and draws it from the check's report.
#[derive(Debug)]
pub struct Render;

/// A certificate and how to draw it. Images and fonts travel as base64 text.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RenderRequest {
    /// The certificate.
    pub certificate: Certificate,
    /// `pdf` (default), `svg` or `png`.
    #[serde(default)]
    pub format: RenderFormat,
    /// One page (1-based); PDF gives all pages without it, SVG and PNG the first.
    #[serde(default)]
    pub page: Option<NonZeroUsize>,
    /// Only the back page (FAQ Q45).
    #[serde(default)]
    pub back: bool,
    /// The commercial invoice generated from the certificate instead (FAQ Q96).
    #[serde(default)]
    pub invoice: bool,
    /// Draw the form grid even for a pre-printed form.
    #[serde(default)]
    pub preview: bool,
    /// PNG resolution in dots per inch (default 144).
    #[serde(default)]
    pub dpi: Option<u16>,
    /// Serial number of this print (a reprint keeps the number, FAQ Q33).
    #[serde(default)]
    pub serial: Option<String>,
    /// The verification address (FAQ Q47): the certificate then carries a QR code of it and the
    /// line beside it, off without it. `{number}` is replaced by the certificate number, which is
    /// appended when the address has none, e.g. `https://verify.example/co/{number}`.
    #[serde(default)]
    pub verify_url: Option<String>,
    /// Seal image (PNG, JPEG, GIF or WebP) as base64, placed only where electronic sealing is allowed.
    #[serde(default)]
    pub seal_base64: Option<String>,
    /// Signature image as base64, placed with the seal.
    #[serde(default)]
    pub signature_base64: Option<String>,
    /// Extra fonts (TTF/OTF/TTC) as base64, for characters the embedded font lacks.
    #[serde(default)]
    pub fonts_base64: Vec<String>,
    /// Print as a certified true copy of this original.
    #[serde(default)]
    pub duplicate_of: Option<Original>,
    /// Print as the replacement of this certificate number.
    #[serde(default)]
    pub replaces: Option<String>,
}

/// The output format.
#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RenderFormat {
    /// PDF, every page (or the one asked for).
    #[default]
    Pdf,
    /// SVG of one page.
    Svg,
    /// PNG of one page.
    Png,
}

impl From<RenderFormat> for Format {
    fn from(f: RenderFormat) -> Format {
        match f {
            RenderFormat::Pdf => Format::Pdf,
            RenderFormat::Svg => Format::Svg,
            RenderFormat::Png => Format::Png,
        }
    }
}

/// The original a certified true copy stands for.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Original {
    /// The original certificate's number.
    pub number: String,
    /// The original's issue date.
    pub date: NaiveDate,
}

/// The drawn document: its media type and bytes (base64 in JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Rendered {
    /// `application/pdf`, `image/svg+xml` or `image/png`.
    pub media_type: &'static str,
    /// The document.
    #[serde(rename = "data_base64", serialize_with = "base64_text")]
    #[schemars(with = "String")]
    pub bytes: Vec<u8>,
}

fn base64_text<S: Serializer>(bytes: &[u8], s: S) -> std::result::Result<S::Ok, S::Error> {
    use base64::Engine as _;
    s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
}

impl RenderRequest {
    /// The render options of this request, its images and fonts decoded within the bounds.
    pub fn options(&self, rulebook: &Rulebook) -> Result<RenderOptions> {
        let limits = rulebook.limits();
        let image = |text: &Option<String>, path: &str| {
            text.as_deref()
                .map(|t| {
                    decode_base64(t, path, limits.max_image_bytes, (&codes::IMAGE_TOO_LARGE, &codes::IMAGE_INVALID))
                })
                .transpose()
        };
        let fonts = self
            .fonts_base64
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let path = format!("fonts_base64[{i}]");
                decode_base64(t, &path, limits.max_font_bytes, (&codes::FONT_TOO_LARGE, &codes::FONT_INVALID))
            })
            .collect::<Result<Vec<_>>>()?;
        let defaults = RenderOptions::default();
        Ok(RenderOptions {
            format: self.format.into(),
            page: self.page,
            back: self.back,
            document: if self.invoice { Document::Invoice } else { Document::Certificate },
            png_dpi: self.dpi.unwrap_or(defaults.png_dpi),
            preview: self.preview,
            seal: image(&self.seal_base64, "seal_base64")?,
            signature: image(&self.signature_base64, "signature_base64")?,
            fonts,
            serial: self.serial.clone(),
            verify_url: self.verify_url.clone(),
            duplicate_of: self.duplicate_of.as_ref().map(|o| DuplicateOf { number: o.number.clone(), date: o.date }),
            replaces: self.replaces.clone(),
        })
    }
}

impl Operation for Render {
    const NAME: &'static str = "render";
    const DOC: &'static str = "Draw the certificate (or its commercial invoice) as PDF, SVG or PNG from its check.";
    type Request = RenderRequest;
    type Answer<'r> = Rendered;

    fn run(r: RenderRequest, rulebook: &Rulebook) -> Result<Rendered> {
        Render::draw(&r.certificate, &r.options(rulebook)?, rulebook)
    }
}

impl Render {
    /// Checks the certificate once and draws it from that report: the typed entry for hosts
    /// that hold images and fonts as bytes rather than base64.
    pub fn draw(certificate: &Certificate, options: &RenderOptions, rulebook: &Rulebook) -> Result<Rendered> {
        let report = crate::check_certificate(certificate, rulebook, None)?;
        let bytes = crate::render::render(certificate, &report, rulebook, options)?;
        Ok(Rendered { media_type: options.format.media_type(), bytes })
    }
}
