//! Rendering certificates and commercial invoices to PDF, SVG or PNG with Typst.
//!
//! The certificate reaches the template only as the virtual file `/data.json` (a view model of
//! plain strings), never as markup, so no field can run Typst code. The world is sandboxed (see
//! [`world`]); fonts and templates are parsed once per process; caches are trimmed after each
//! render so a long-running host stays flat in memory.

mod letter;
mod view;
mod world;

pub use letter::{render_reply_letter, ReplyLetter};

use crate::error::codes;
use crate::finding::Code;
use crate::{Certificate, Error, Report, Result, Rulebook};
use chrono::{Datelike, NaiveDate};
use std::num::NonZeroUsize;
use typst::foundations::{Bytes, Datetime, Smart};
use typst::layout::PageRanges;
use typst::text::Font;
use typst::visualize::{ExchangeFormat, RasterImage};
use typst_layout::PagedDocument;

/// Output format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    /// A PDF of all pages (or the one selected).
    #[default]
    Pdf,
    /// An SVG of one page.
    Svg,
    /// A PNG of one page.
    Png,
}

impl Format {
    /// The IANA media type of documents in this format.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Svg => "image/svg+xml",
            Format::Png => "image/png",
        }
    }
}

/// Which document to produce from the certificate data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Document {
    /// The certificate: front sheet, continuation sheets, overleaf where the form has one.
    #[default]
    Certificate,
    /// The commercial invoice generated from the certificate (FAQ Q96).
    Invoice,
}

/// The original a certified true copy (duplicate) stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateOf {
    /// The original certificate's number.
    pub number: String,
    /// The original's issue date.
    pub date: NaiveDate,
}

/// How to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// Output format.
    pub format: Format,
    /// One page (1-based); PDF gives all pages without it, SVG and PNG the first.
    pub page: Option<NonZeroUsize>,
    /// Only the overleaf (back) page, for printing the back of the sheet separately (FAQ Q45).
    pub back: bool,
    /// Certificate or commercial invoice.
    pub document: Document,
    /// PNG resolution in dots per inch.
    pub png_dpi: u16,
    /// Draw the form grid even for a pre-printed form (a preview instead of data-only output).
    pub preview: bool,
    /// Seal image (PNG, JPEG, GIF or WebP), placed only where electronic sealing is allowed.
    pub seal: Option<Vec<u8>>,
    /// Signature image, placed with the seal.
    pub signature: Option<Vec<u8>>,
    /// Extra fonts (TTF/OTF/TTC) for characters the embedded font lacks.
    pub fonts: Vec<Vec<u8>>,
    /// Serial number of this print (a reprint keeps the number and changes the serial, FAQ Q33).
    pub serial: Option<String>,
    /// Where a verifier checks the certificate online (FAQ Q47): with it, the form carries a QR
    /// code of this address and the line beside it; `{number}` in it is replaced by the
    /// certificate number, which is appended when it has none. No mark without it (the default)
    /// or without a certificate number.
    pub verify_url: Option<String>,
    /// Print as a certified true copy of this original.
    pub duplicate_of: Option<DuplicateOf>,
    /// Print as the replacement of this certificate number.
    pub replaces: Option<String>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            format: Format::Pdf,
            page: None,
            back: false,
            document: Document::Certificate,
            png_dpi: 144,
            preview: false,
            seal: None,
            signature: None,
            fonts: Vec::new(),
            serial: None,
            verify_url: None,
            duplicate_of: None,
            replaces: None,
        }
    }
}

/// Renders a certificate (or its commercial invoice) from its check's report.
///
/// Every printed text, criterion and print decision comes from the report's derived values, so
/// the paper and the report can never disagree; `report` must be the check of `cert` with
/// `rulebook` (the `render` operation checks once and passes it on).
pub fn render(cert: &Certificate, report: &Report, rulebook: &Rulebook, options: &RenderOptions) -> Result<Vec<u8>> {
    let out = compile(cert, report, rulebook, options)
        .and_then(|(doc, today)| export(&doc, options, rulebook.limits().max_pages, today));
    // Trim typst's memo caches so a long-running host stays flat in memory.
    typst::comemo::evict(10);
    out
}

/// Lays the document out; [`render`] exports it.
pub(crate) fn compile(
    cert: &Certificate,
    report: &Report,
    rulebook: &Rulebook,
    options: &RenderOptions,
) -> Result<(PagedDocument, Datetime)> {
    let limits = rulebook.limits();
    let shared = world::shared().ok_or_else(|| internal("the embedded templates or fonts failed to load"))?;
    let agreement = rulebook.agreement(&cert.agreement).ok_or_else(|| {
        Error::new(
            &codes::UNKNOWN_TEMPLATE,
            "agreement",
            format!("没有证书类型 `{}` 的模板", cert.agreement),
            format!("no template for certificate type `{}`", cert.agreement),
        )
    })?;
    let template = agreement.template.as_str();
    let print = &report.derived.print;
    let main = match options.document {
        Document::Invoice => shared.invoice(),
        Document::Certificate => shared.form(template).ok_or_else(|| {
            Error::new(
                &codes::UNKNOWN_TEMPLATE,
                "agreement",
                format!("没有证书类型 `{template}` 的模板"),
                format!("no template for certificate type `{template}`"),
            )
        })?,
    };
    let has_back = print.back_page;
    if options.back && (!has_back || options.document == Document::Invoice) {
        return Err(Error::new(
            &codes::NO_BACK_PAGE,
            "back",
            format!("`{template}` 证书没有背页"),
            format!("the `{template}` form has no back page"),
        ));
    }
    let plain = print.preprinted_form && !options.preview && options.document == Document::Certificate;
    let sealed = print.electronic_seal && !plain;

    let mut files = Vec::new();
    let seal = image("seal", options.seal.as_deref(), limits.max_image_bytes)?;
    let signature = image("signature", options.signature.as_deref(), limits.max_image_bytes)?;
    for (path, img) in [("/img/seal", &seal), ("/img/signature", &signature)] {
        if let (Some(bytes), Some(fid)) = (img, world::id(path)) {
            files.push((fid, bytes.clone()));
        }
    }
    let mut marks_images = Vec::new();
    for (i, bytes) in marks_images_of(cert, limits.max_image_bytes)?.into_iter().enumerate() {
        let path = format!("/img/marks-{i}");
        files.push((world::id(&path).ok_or_else(|| internal("marks image path"))?, bytes));
        marks_images.push(path);
    }
    let host_fonts = fonts(&options.fonts, limits.max_font_bytes)?;

    let texts = rulebook
        .print_texts(agreement)
        .ok_or_else(|| internal("the rulebook has no wordings for the form's print language"))?;
    let src = view::Sources {
        agreement,
        rulebook,
        texts,
        derived: &report.derived,
        template,
        max_pages: limits.max_pages,
        seal: sealed && seal.is_some(),
        signature: sealed && signature.is_some(),
        plain,
        with_back: has_back,
        marks_images: &marks_images,
    };
    let view = view::build(cert, options, src)
        .ok_or_else(|| internal("the check described fewer goods items than the certificate has"))?;
    let data = data_json(&view)?;
    files.push((world::id("/data.json").ok_or_else(|| internal("data path"))?, Bytes::new(data)));

    let today = today(cert).ok_or_else(|| internal("certificate date out of range"))?;
    let world = world::FormWorld::new(shared, main.clone(), files, host_fonts, today);
    let doc = typst::compile::<PagedDocument>(&world).output.map_err(|diags| compile_error(&diags))?;
    Ok((doc, today))
}

/// The data file: the view model with break points in very long words.
fn data_json(view: &view::View) -> Result<Vec<u8>> {
    let mut value = serde_json::to_value(view).map_err(|e| internal(&e.to_string()))?;
    fn walk(v: &mut serde_json::Value, key: &str) {
        match v {
            serde_json::Value::String(s) if key != "qr" => *s = view::breakable(s, 24),
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| walk(x, key)),
            serde_json::Value::Object(o) => o.iter_mut().for_each(|(k, x)| walk(x, k)),
            _ => {}
        }
    }
    walk(&mut value, "");
    serde_json::to_vec(&value).map_err(|e| internal(&e.to_string()))
}

/// The document date: signing, else application, else invoice date.
fn today(cert: &Certificate) -> Option<Datetime> {
    let d = cert.dates.signing.or(cert.dates.application).unwrap_or(cert.invoice.date);
    Datetime::from_ymd(d.year(), u8::try_from(d.month()).ok()?, u8::try_from(d.day()).ok()?)
}

/// The image shipping marks the host passed as base64 (FAQ Q24, Q39), decoded and checked; the
/// certificate prints them on an attachment sheet, as its marks box says `SEE ATTACHMENT`.
fn marks_images_of(cert: &Certificate, max: usize) -> Result<Vec<Bytes>> {
    let mut out = Vec::new();
    for (i, a) in cert.attachments.iter().enumerate() {
        let (crate::model::AttachmentKind::MarksImage, Some(text)) = (a.kind, a.data_base64.as_deref()) else {
            continue;
        };
        let path = format!("attachments[{i}].data_base64");
        let bytes = decode_base64(text, &path, max, (&codes::IMAGE_TOO_LARGE, &codes::IMAGE_INVALID))?;
        out.extend(image(&path, Some(&bytes), max)?);
    }
    Ok(out)
}

/// Decodes a file the host passed as base64 (line breaks and spaces, as hosts wrap it, are not
/// data), refusing it with `too_large` past `max` decoded bytes before decoding, or `invalid`.
pub(crate) fn decode_base64(
    text: &str,
    path: &str,
    max: usize,
    (too_large, invalid): (&Code, &Code),
) -> Result<Vec<u8>> {
    use base64::Engine as _;
    let text: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let len = text.len() / 4 * 3;
    if len > max.saturating_add(3) {
        return Err(Error::new(
            too_large,
            path,
            format!("`{path}` 解码后约 {len} 字节，超过上限 {max}"),
            format!("`{path}` decodes to about {len} bytes, more than the bound of {max}"),
        ));
    }
    base64::engine::general_purpose::STANDARD.decode(text.as_bytes()).map_err(|e| {
        Error::new(
            invalid,
            path,
            format!("`{path}` 不是有效的 base64：{e}"),
            format!("`{path}` is not valid base64: {e}"),
        )
    })
}

fn too_large(what: &str, len: usize, max: usize) -> Error {
    Error::new(
        &codes::IMAGE_TOO_LARGE,
        what,
        format!("图片 {what} 有 {len} 字节，超过上限 {max}"),
        format!("the {what} image has {len} bytes, more than the bound of {max}"),
    )
}

fn image(what: &str, bytes: Option<&[u8]>, max: usize) -> Result<Option<Bytes>> {
    let Some(bytes) = bytes else { return Ok(None) };
    if bytes.len() > max {
        return Err(too_large(what, bytes.len(), max));
    }
    let invalid = |why: &str| {
        Error::new(
            &codes::IMAGE_INVALID,
            what,
            format!("图片 {what} 无法读取（需 PNG、JPEG、GIF 或 WebP）：{why}"),
            format!("the {what} image cannot be read (PNG, JPEG, GIF or WebP needed): {why}"),
        )
    };
    let format = ExchangeFormat::detect(bytes).ok_or_else(|| invalid("unknown format"))?;
    let data = Bytes::new(bytes.to_vec());
    RasterImage::plain(data.clone(), format).map_err(|e| invalid(&e))?;
    Ok(Some(data))
}

fn fonts(list: &[Vec<u8>], max: usize) -> Result<Vec<Font>> {
    let mut out = Vec::new();
    for (i, bytes) in list.iter().enumerate() {
        let path = format!("fonts[{i}]");
        if bytes.len() > max {
            return Err(Error::new(
                &codes::FONT_TOO_LARGE,
                path,
                format!("字体有 {} 字节，超过上限 {max}", bytes.len()),
                format!("the font has {} bytes, more than the bound of {max}", bytes.len()),
            ));
        }
        let before = out.len();
        out.extend(Font::iter(Bytes::new(bytes.clone())));
        if out.len() == before {
            return Err(Error::new(
                &codes::FONT_INVALID,
                path,
                "字体无法解析（需 TTF、OTF 或 TTC）",
                "the font cannot be parsed (TTF, OTF or TTC needed)",
            ));
        }
    }
    Ok(out)
}

fn compile_error(diags: &[typst::diag::SourceDiagnostic]) -> Error {
    let message = diags.iter().map(|d| d.message.as_str()).collect::<Vec<_>>().join("; ");
    if message.contains("would have more than") {
        return Error::new(&codes::TOO_MANY_PAGES, "goods", format!("页数超过上限：{message}"), message);
    }
    if message.contains("too long to print") {
        return Error::new(
            &codes::GOODS_ITEM_TOO_LONG,
            "goods",
            format!("商品项文字过长，一页印不下：{message}"),
            message,
        );
    }
    Error::new(&codes::RENDER_FAILED, "", format!("排版失败：{message}"), format!("rendering failed: {message}"))
}

fn export(doc: &PagedDocument, options: &RenderOptions, max_pages: usize, date: Datetime) -> Result<Vec<u8>> {
    let pages = doc.pages().len();
    if pages > max_pages {
        return Err(Error::new(
            &codes::TOO_MANY_PAGES,
            "goods",
            format!("文件将有 {pages} 页，超过上限 {max_pages}"),
            format!("the document would have {pages} pages, more than the bound of {max_pages}"),
        ));
    }
    // The back page is the last; otherwise the selected page, or the first for images.
    let selected = if options.back { NonZeroUsize::new(pages) } else { options.page };
    if let Some(p) = selected.filter(|p| p.get() > pages) {
        return Err(Error::new(
            &codes::PAGE_OUT_OF_RANGE,
            "page",
            format!("没有第 {p} 页（共 {pages} 页）"),
            format!("there is no page {p} (the document has {pages})"),
        ));
    }
    let index = selected.map_or(0, |p| p.get() - 1);
    match options.format {
        Format::Pdf => {
            let opts = typst_pdf::PdfOptions {
                ident: Smart::Custom("origo".to_string()),
                timestamp: Some(typst_pdf::Timestamp::new_utc(date)),
                page_ranges: selected.map(|p| PageRanges::new(vec![Some(p)..=Some(p)])),
                // Typst tags (accessibility structure) only whole documents, not page ranges.
                tagged: selected.is_none(),
                ..Default::default()
            };
            typst_pdf::pdf(doc, &opts).map_err(|d| compile_error(&d))
        }
        Format::Svg => {
            let page = doc.pages().get(index).ok_or_else(|| internal("no page"))?;
            Ok(typst_svg::svg(page, &typst_svg::SvgOptions::default()).into_bytes())
        }
        Format::Png => {
            let page = doc.pages().get(index).ok_or_else(|| internal("no page"))?;
            let pixmap = typst_render::render(
                page,
                &typst_render::RenderOptions { pixel_per_pt: pixel_per_pt(options.png_dpi), ..Default::default() },
            );
            pixmap.encode_png().map_err(|e| internal(&e.to_string()))
        }
    }
}

/// Typst takes the raster scale as a float; it only sizes the output image, never a value.
#[allow(clippy::float_arithmetic, clippy::disallowed_types)]
fn pixel_per_pt(dpi: u16) -> typst::utils::Scalar {
    typst::utils::Scalar::new(f64::from(dpi) / 72.0)
}

fn internal(what: &str) -> Error {
    Error::new(&codes::INTERNAL_ERROR, "", format!("内部错误：{what}"), format!("internal error: {what}"))
}

#[cfg(test)]
mod tests;
