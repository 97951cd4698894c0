//! The view model: everything a template prints, as plain strings, built from the certificate.
//!
//! Templates only place these strings. Every wording the rules decide (description fill, marks,
//! HS digits, criterion, remarks, exporter header, print decisions) is taken from the check
//! report's derived values, so what is printed is exactly what the report says.

use super::{Document, RenderOptions};
use crate::model::{Country, GoodsItem, Party, TransportMode};
use crate::rulebook::{Agreement, PrintTexts, Rulebook};
use crate::{Certificate, Derived};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// The data file `/data.json` every template reads.
#[derive(Debug, Serialize)]
pub(crate) struct View {
    pub form: FormInfo,
    pub number: String,
    pub serial: String,
    pub issued_in: String,
    pub endorsements: Vec<String>,
    pub flags: Flags,
    pub text: Texts,
    pub transport: TransportView,
    pub goods: Vec<Row>,
    pub end_row: Row,
    pub totals_row: Row,
    pub continued: String,
    /// Heading of continuation sheets and of image-marks sheets.
    pub sheet_title: String,
    /// The certificate number's label beside the sheet heading.
    pub number_label: String,
    pub marks_title: String,
    /// Page numbering with `{page}` and `{pages}` for the template to fill.
    pub page_label: String,
    pub declaration: Declaration,
    pub certification: Certification,
    pub invoice: InvoiceView,
    pub seal: bool,
    pub signature: bool,
    /// The verification mark (FAQ Q47): the QR code's rows and the line beside it, empty unless
    /// the host gave the verification address.
    pub qr: Vec<String>,
    pub reference: String,
    pub warning: String,
    pub plain: bool,
    pub with_back: bool,
    pub max_pages: usize,
    /// Virtual paths of the image marks, printed on attachment sheets.
    pub marks_images: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct FormInfo {
    pub code: String,
    pub title: String,
    pub language: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Flags {
    pub retro: bool,
    pub exhibition: bool,
    pub movement: bool,
    pub third_party: bool,
}

#[derive(Debug, Default, Serialize)]
pub(crate) struct Texts {
    pub exporter: String,
    pub consignee: String,
    pub producer: String,
    pub transport: String,
    pub destination: String,
    pub remarks: String,
    pub official: String,
    pub origin_country: String,
    /// Processing certificate box 11: the country whose materials have the largest share (FAQ Q40).
    pub manufacture: String,
}

#[derive(Debug, Default, Serialize)]
pub(crate) struct TransportView {
    pub departure: String,
    pub vessel: String,
    pub loading: String,
    pub discharge: String,
    pub via: String,
}

/// One printed goods row; the forms pick the keys their columns show.
#[derive(Debug, Default, Clone, Serialize)]
pub(crate) struct Row {
    pub item: String,
    pub marks: String,
    pub desc: String,
    pub hs: String,
    pub hs_line: String,
    pub criterion: String,
    pub qty: String,
    pub gross: String,
    pub value: String,
    pub qty_value: String,
    pub invoice: String,
    pub origin_country: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Declaration {
    pub origin: String,
    pub importing: String,
    pub place_date: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Certification {
    pub place_date: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct InvoiceView {
    pub number: String,
    pub date: String,
    pub trade_term: String,
    pub currency: String,
    pub total: String,
}

/// What the printed values come from: the agreement, the rulebook (country names), the wordings
/// of the form's print language and the check report's derived values.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sources<'a> {
    pub agreement: &'a Agreement,
    pub rulebook: &'a Rulebook,
    pub texts: &'a PrintTexts,
    pub derived: &'a Derived,
    pub template: &'a str,
    pub max_pages: usize,
    pub seal: bool,
    pub signature: bool,
    pub plain: bool,
    pub with_back: bool,
    pub marks_images: &'a [String],
}

/// Builds the view model; `None` when the report does not describe every goods item (a check
/// always does, so the caller reports an internal error).
pub(crate) fn build(cert: &Certificate, opts: &RenderOptions, src: Sources<'_>) -> Option<View> {
    let language = src.agreement.print.language.value.clone();
    let zh = language == "zh";
    let texts = src.texts;
    let date = |d: NaiveDate| texts.date(d);
    // Where the form fills every box (the ECFA filling notes), an empty one says so.
    let filled = |s: String| match &texts.none.value {
        Some(none) if s.trim().is_empty() => none.clone(),
        _ => s,
    };
    let china = country_name(&Country::china(), src, zh);
    let title = src.agreement.form_title.value.clone();
    let place = cert.dates.signing_place.clone().unwrap_or_else(|| china.clone());
    let mut goods: Vec<Row> = cert.goods.iter().enumerate().map(|(i, g)| row(i, g, src)).collect::<Option<_>>()?;
    if let Some(first) = goods.first_mut() {
        first.invoice = invoice_text(cert, texts);
    }
    let number = cert.certificate_no.clone().unwrap_or_default();
    let verification =
        opts.verify_url.as_deref().filter(|_| !number.is_empty() && !src.plain).map(|url| verify_url(url, &number));
    let transport_text = |v: &Option<String>| filled(v.clone().unwrap_or_default());
    Some(View {
        form: FormInfo { code: src.template.to_string(), title, language },
        number,
        serial: opts.serial.clone().unwrap_or_default(),
        issued_in: src.rulebook.content().texts.form_texts.issued_in.value.clone(),
        endorsements: endorsements(cert, opts, src),
        flags: Flags {
            retro: cert.flags.issued_retroactively,
            exhibition: cert.flags.exhibition,
            movement: cert.flags.movement,
            third_party: cert.flags.third_party_invoicing,
        },
        text: Texts {
            exporter: if zh { party(&cert.exporter, zh) } else { src.derived.content.exporter_text.clone() },
            consignee: party(&cert.consignee, zh),
            producer: src.derived.content.producer_text.clone().unwrap_or_default(),
            transport: filled(route(cert, texts)),
            destination: country_name(&cert.destination, src, zh),
            remarks: filled(remarks(src)),
            official: String::new(),
            origin_country: china.clone(),
            manufacture: manufacture(src, zh),
        },
        transport: TransportView {
            departure: filled(cert.transport.departure_date.map(date).unwrap_or_default()),
            vessel: transport_text(&cert.transport.vessel),
            loading: transport_text(&cert.transport.port_of_loading),
            discharge: transport_text(&cert.transport.port_of_discharge),
            via: cert.transport.via.clone().unwrap_or_default(),
        },
        end_row: Row { desc: texts.end_line.value.clone(), ..Row::default() },
        totals_row: totals(cert, texts),
        goods,
        continued: texts.continued.value.clone(),
        sheet_title: texts.continuation_sheet.value.clone(),
        number_label: texts.certificate_number.value.clone(),
        marks_title: texts.marks_attachment.value.clone(),
        page_label: texts.page.value.clone(),
        declaration: Declaration {
            origin: party_name(&Country::china(), src, zh),
            importing: party_name(&cert.destination, src, zh),
            place_date: cert.dates.application.map(|d| format!("{place}  {}", date(d))).unwrap_or_default(),
        },
        certification: Certification {
            place_date: cert.dates.signing.map(|d| format!("{place}  {}", date(d))).unwrap_or_default(),
        },
        invoice: InvoiceView {
            number: cert.invoice.number.clone(),
            date: date(cert.invoice.date),
            trade_term: cert.invoice.trade_term.clone().unwrap_or_default(),
            currency: cert.invoice.currency.to_string(),
            total: cert
                .invoice
                .amount
                .map(|a| format!("{} {}", cert.invoice.currency, money(a)))
                .or_else(|| fob_total(cert))
                .unwrap_or_default(),
        },
        seal: src.seal,
        signature: src.signature,
        qr: verification.as_deref().map(qr_matrix).unwrap_or_default(),
        reference: verification.as_deref().map(|url| texts.verification(url)).unwrap_or_default(),
        warning: texts.warning.value.clone().unwrap_or_default(),
        plain: src.plain,
        with_back: src.with_back && opts.document == Document::Certificate,
        max_pages: src.max_pages,
        marks_images: src.marks_images.to_vec(),
    })
}

/// `32400.00` -> `32,400.00`.
fn money(d: Decimal) -> String {
    let s = d.round_dp(2).to_string();
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |r| ("-", r));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if frac.is_empty() {
        format!("{sign}{out}")
    } else {
        format!("{sign}{out}.{frac:0<2}")
    }
}

fn party(p: &Party, zh: bool) -> String {
    let name = if zh { p.name_zh.as_deref().unwrap_or(&p.name) } else { &p.name };
    let mut s = name.to_string();
    if let Some(a) = &p.address {
        s.push('\n');
        s.push_str(a);
    }
    s
}

/// The countries of manufacture the origin check found for the goods, each once, in item order.
fn manufacture(src: Sources<'_>, zh: bool) -> String {
    let mut names: Vec<String> = Vec::new();
    for c in src.derived.origin.iter().filter_map(|o| o.manufacture_country.as_ref()) {
        let name = country_name(c, src, zh);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names.join(", ")
}

/// A country as printed: its name from the rulebook's country list (Chinese on Chinese forms),
/// the code itself where the list has no name.
fn country_name(c: &Country, src: Sources<'_>, zh: bool) -> String {
    let info = src.rulebook.country(c.as_str());
    let name = info.and_then(|i| if zh { i.name_zh.as_deref() } else { Some(i.name_en.as_str()) });
    match name.filter(|n| !n.is_empty()) {
        Some(n) if zh => n.to_string(),
        Some(n) => n.to_uppercase(),
        None => c.to_string(),
    }
}

/// A party of the agreement as its declaration names it: the agreement's own name for it where
/// it has one (ECFA: 大陆, 台湾), else the country's name.
fn party_name(c: &Country, src: Sources<'_>, zh: bool) -> String {
    let own = src.agreement.print.party_names.as_ref().and_then(|names| names.value.get(c.as_str()));
    own.cloned().unwrap_or_else(|| country_name(c, src, zh))
}

/// Box "means of transport and route": `FROM A TO B BY SEA VIA C` in the form's wording.
fn route(cert: &Certificate, texts: &PrintTexts) -> String {
    let t = &cert.transport;
    let modes = &texts.transport_mode;
    let mode = t.mode.and_then(|m| {
        let word = match m {
            TransportMode::Sea => &modes.sea,
            TransportMode::Air => &modes.air,
            TransportMode::Rail => &modes.rail,
            TransportMode::Road => &modes.road,
            TransportMode::Multimodal => &modes.multimodal,
            TransportMode::Post => &modes.post,
        };
        word.value.clone()
    });
    let port = |part, p: &Option<String>| p.as_deref().and_then(|p| PrintTexts::route_part(part, p));
    [
        port(&texts.route_from, &t.port_of_loading),
        port(&texts.route_to, &t.port_of_discharge),
        mode,
        port(&texts.route_via, &t.via),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ")
}

/// Remarks box, or the special-clause box where the form has none (FAQ Q23, Q102).
fn remarks(src: Sources<'_>) -> String {
    let c = &src.derived.content;
    c.remarks_text.clone().or_else(|| c.special_clause_text.clone()).unwrap_or_default()
}

/// One goods row from the item's derived texts (the content pass describes items in order),
/// criterion and FOB decision.
fn row(i: usize, g: &GoodsItem, src: Sources<'_>) -> Option<Row> {
    let d = src.derived.goods.get(i)?;
    let origin = src.derived.origin.iter().find(|o| o.item == i);
    let quantity_only = src.derived.content.quantity_only;
    let qty = d.quantity_text.clone();
    let texts = src.texts;
    let label = &texts.gross_weight_label.value;
    let gross = match &d.gross_weight_text {
        Some(w) if !quantity_only && label.is_empty() => w.clone(),
        Some(w) if !quantity_only => format!("{label} {w}"),
        _ => String::new(),
    };
    let value = g.fob_value.as_ref().map(|m| format!("{} {}", m.currency, money(m.amount))).unwrap_or_default();
    let show_fob = !quantity_only && (g.show_fob || origin.is_some_and(|o| o.show_fob));
    let mut qty_lines = vec![qty.clone()];
    if !gross.is_empty() {
        qty_lines.push(gross.clone());
    }
    if show_fob && !value.is_empty() {
        qty_lines.push(texts.fob_value(&value));
    }
    let hs = d.hs_code_text.clone().unwrap_or_default();
    Some(Row {
        item: g.item_no.to_string(),
        marks: d.marks_text.clone(),
        desc: d.description_text.clone(),
        hs_line: if hs.is_empty() { String::new() } else { texts.hs_line(&hs).unwrap_or_default() },
        hs,
        criterion: origin.and_then(|o| o.criterion.clone()).unwrap_or_default(),
        qty,
        gross,
        value: if quantity_only { String::new() } else { value },
        qty_value: qty_lines.join("\n"),
        invoice: String::new(),
        origin_country: Country::china().to_string(),
    })
}

fn invoice_text(cert: &Certificate, texts: &PrintTexts) -> String {
    format!("{}\n{}", cert.invoice.number, texts.date(cert.invoice.date))
}

/// Sum of the items' FOB values when they share one currency.
fn fob_total(cert: &Certificate) -> Option<String> {
    let first = cert.goods.first()?.fob_value.as_ref()?.currency;
    let mut sum = Decimal::ZERO;
    for g in &cert.goods {
        let m = g.fob_value.as_ref().filter(|m| m.currency == first)?;
        sum = sum.checked_add(m.amount)?;
    }
    Some(format!("{first} {}", money(sum)))
}

/// The end line, with package and value totals for forms that print them.
fn totals(cert: &Certificate, texts: &PrintTexts) -> Row {
    // An overflowing sum prints no total rather than a wrong one.
    let count = cert.goods.iter().try_fold(0u64, |sum, g| sum.checked_add(g.package_count.unwrap_or(0))).unwrap_or(0);
    let kinds: Vec<&str> = cert.goods.iter().filter_map(|g| g.package_kind.as_deref()).collect();
    let kind = match kinds.first() {
        Some(k) if kinds.iter().all(|x| x == k) => k,
        _ => texts.packages.value.as_str(),
    };
    let end = &texts.end_line.value;
    let desc = if count > 0 { format!("{}\n{end}", texts.total_packages(count, kind)) } else { end.clone() };
    Row { desc, value: fob_total(cert).unwrap_or_default(), ..Row::default() }
}

/// Marks the issuer adds: retroactive issue, certified true copy, replacement (wordings from
/// `lists/content.toml`).
fn endorsements(cert: &Certificate, opts: &RenderOptions, src: Sources<'_>) -> Vec<String> {
    let texts = &src.rulebook.content().texts.form_texts;
    let mut out = Vec::new();
    if cert.flags.issued_retroactively {
        let fallback = &src.texts.retroactive_marking.value;
        out.push(src.agreement.retroactive.value.marking.clone().unwrap_or_else(|| fallback.clone()));
    }
    if let Some(d) = &opts.duplicate_of {
        out.push(texts.true_copy(&d.number, &src.texts.date(d.date)));
    }
    if let Some(r) = &opts.replaces {
        out.push(texts.replaces(r));
    }
    out
}

/// The address a verifier opens for certificate `number` (FAQ Q47): the host's address with
/// `{number}` replaced, or with the number appended when it has no `{number}`.
fn verify_url(url: &str, number: &str) -> String {
    // The number is the certificate's text: bytes outside the URL's unreserved set are escaped.
    let mut escaped = String::with_capacity(number.len());
    for b in number.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            escaped.push(char::from(b));
        } else {
            escaped.push_str(&format!("%{b:02X}"));
        }
    }
    if url.contains("{number}") {
        url.replace("{number}", &escaped)
    } else {
        format!("{url}{escaped}")
    }
}

/// The QR code as rows of `0`/`1` (dark) modules; templates draw them as squares.
fn qr_matrix(payload: &str) -> Vec<String> {
    use qrcodegen::{QrCode, QrCodeEcc};
    let Ok(qr) = QrCode::encode_text(payload, QrCodeEcc::Medium) else {
        return Vec::new();
    };
    (0..qr.size()).map(|y| (0..qr.size()).map(|x| if qr.get_module(x, y) { '1' } else { '0' }).collect()).collect()
}

/// Inserts a zero-width space into runs of more than `max` non-space characters so that very
/// long words wrap inside their box instead of running over its border.
pub(crate) fn breakable(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run = 0;
    for c in s.chars() {
        if c.is_whitespace() {
            run = 0;
        } else {
            if run >= max {
                out.push('\u{200B}');
                run = 0;
            }
            run += 1;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(Decimal::new(3240000, 2)), "32,400.00");
        assert_eq!(money(Decimal::new(5, 1)), "0.50");
        assert_eq!(money(Decimal::new(-1234567, 0)), "-1,234,567");
    }

    #[test]
    fn long_words_get_break_points() {
        assert_eq!(breakable("abcdef gh", 3), "abc\u{200B}def gh");
        assert_eq!(breakable("short words", 30), "short words");
    }
}
