//! Certificate content: what each box prints and whether the typed content fits the form
//! (FAQ Q23, Q24, Q26, Q28, Q30, Q31, Q36, Q39, Q41, Q69, Q80, Q96, Q98, Q102, Q111).
//!
//! The printed texts are derived here once, so the renderer and the host show the same words.

mod hs;
mod text;

use super::{Context, Outcome};
use crate::finding::{Finding, Path, Severity};
use crate::model::{push_decimal, AttachmentKind, GoodsItem, PackagingMode};
use crate::rulebook::CertificateKind;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use text::Cleaner;

/// The printed texts of one goods item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GoodsDerived {
    /// Item number as printed.
    pub item_no: u32,
    /// Packages and description: the typed description, or the standard fill (FAQ Q30).
    pub description_text: String,
    /// Marks box: the text marks, `SEE ATTACHMENT` for image marks (FAQ Q39), `N/M` when none.
    pub marks_text: String,
    /// HS code as printed (dotted, at the form's digits); `null` when no usable code exists.
    pub hs_code_text: Option<String>,
    /// Quantity and unit, e.g. `3600 PCS`.
    pub quantity_text: String,
    /// Gross weight, e.g. `5400 KGS`; `null` when not given or the form shows only the quantity (FAQ Q36).
    pub gross_weight_text: Option<String>,
}

/// The printed texts of the certificate's own boxes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContentDerived {
    /// Exporter box: name and address, followed by `VIA` and the intermediary for a double header (FAQ Q80).
    pub exporter_text: String,
    /// Producer box: the producer, the confidentiality wording, or `null` when nothing is shown (FAQ Q41).
    pub producer_text: Option<String>,
    /// Remarks box, with the L/C line when `show_lc` is set (FAQ Q102); `null` when the form has no remarks box.
    pub remarks_text: Option<String>,
    /// Special-clause box: the special clause, plus remarks when the form has no remarks box (FAQ Q23).
    pub special_clause_text: Option<String>,
    /// The quantity column replaces weight and value (Form E to Indonesia, FAQ Q36).
    pub quantity_only: bool,
}

crate::finding::codes! {
    CODES;
    TEXT_NORMALISED = ("text_normalised", Warning, "文本含控制字符或方向标记，已删除", "control or direction characters removed from text");
    DESCRIPTION_CONTRADICTS_PACKAGING = ("description_contradicts_packaging", Warning, "货物描述与包装显示方式不符", "goods description contradicts the packaging mode");
    PACKAGES_MISSING = ("packages_missing", Error, "缺少包装件数或单位", "number or kind of packages missing");
    MARKS_TOO_LONG = ("marks_too_long", Error, "文字唛头超过字数限制", "text marks longer than the form allows");
    MARKS_IMAGE_MISSING = ("marks_image_missing", Error, "未上传图片唛头", "image marks not attached");
    MARKS_IMAGE_TYPE = ("marks_image_type", Error, "图片唛头不是图片", "image marks attachment is not an image");
    HS_DIGITS_INVALID = ("hs_digits_invalid", Error, "HS 编码显示位数无效", "HS display digits must be 4, 6, 8 or 10");
    HS_DIGITS_FIXED = ("hs_digits_fixed", Warning, "该证书的 HS 编码位数固定", "this form prints a fixed number of HS digits");
    HS_CODE_TOO_SHORT = ("hs_code_too_short", Error, "HS 编码位数不足", "HS code has fewer digits than printed");
    NO_USABLE_8_DIGIT_HS = ("no_usable_8_digit_hs", Error, "未查到可用 8 位 HS 编码", "no usable 8-digit HS code");
    HS_TARIFF_OUTDATED = ("hs_tariff_outdated", Error, "该产品已发生税则转版，需要立即调整", "HS code replaced by a tariff version change");
    GROSS_WEIGHT_NOT_SHOWN = ("gross_weight_not_shown", Info, "该证书只显示数量栏", "this certificate shows only the quantity");
    REMARKS_TO_SPECIAL_CLAUSE = ("remarks_to_special_clause", Info, "无备注栏，备注填入特殊条款栏", "no remarks box: remarks go to the special clause");
    LC_MISSING = ("lc_missing", Error, "勾选显示信用证但未填信用证", "show L/C ticked without a letter of credit");
    DOUBLE_HEADER_NOT_ALLOWED = ("double_header_not_allowed", Error, "只有非优惠证书可双抬头", "double header only on non-preferential certificates");
    DOUBLE_HEADER_NO_INTERMEDIARY = ("double_header_no_intermediary", Error, "双抬头缺少中间商", "double header without an intermediary");
    MANUFACTURER_BOX_ABSENT = ("manufacturer_box_absent", Warning, "该证书没有生产商栏", "this form has no producer box");
    MANUFACTURER_WORDING_UNKNOWN = ("manufacturer_wording_unknown", Warning, "规则库没有该证书的生产商保密措辞", "the rulebook has no producer confidentiality wording for this form");
    PRODUCER_MISSING = ("producer_missing", Warning, "选择显示生产商但未填生产商", "producer to be shown but not given");
    EXPORTER_NAME_MISSING = ("exporter_name_missing", Error, "缺少出口商名称", "exporter name missing");
    SUPPORTING_DOCUMENTS_MISSING = ("supporting_documents_missing", Error, "优惠证书须上传佐证材料或智能生成商业发票", "preferential certificates need supporting documents or a generated invoice");
    INVOICE_FIELDS_MISSING = ("invoice_fields_missing", Error, "缺少商业发票主要信息", "main commercial-invoice fields missing");
    CUSTOMS_CODE_MISSING = ("customs_registration_code_missing", Error, "优惠证书须填报海关编码", "preferential certificates need the customs registration code");
}

pub(crate) fn check(cx: &Context<'_>, out: &mut Outcome) {
    let mut clean = Cleaner::default();
    let has_image = marks_images(cx, out);
    let quantity_only = listed(&cx.agreement.print.quantity_only_destinations.value, cx.cert.destination.as_str());
    let digits = hs::display_digits(cx, out);
    let goods = Path::ROOT.key("goods");
    out.derived.goods.reserve(cx.cert.goods.len());
    for (i, item) in cx.cert.goods.iter().enumerate() {
        let at = goods.index(i);
        let derived = GoodsDerived {
            item_no: item.item_no,
            description_text: description(cx, item, &at, &mut clean, out),
            marks_text: marks(cx, item, &at, has_image, &mut clean, out),
            hs_code_text: hs::item_text(cx, item, &at, digits, out),
            quantity_text: amount_and(item.quantity, &clean.text(&item.unit, at.key("unit"))),
            gross_weight_text: gross_weight(cx, item, &at, quantity_only, out),
        };
        out.derived.goods.push(derived);
    }
    hs::migrations(cx, out);
    let content = ContentDerived {
        exporter_text: exporter(cx, &mut clean, out),
        producer_text: producer(cx, &mut clean, out),
        quantity_only,
        ..remarks(cx, &mut clean, out)
    };
    out.derived.content = content;
    documents(cx, out);
    clean.report(out);
}

/// An amount without trailing zeros, a space and its unit: `12.5 PCS`.
fn amount_and(amount: Decimal, unit: &str) -> String {
    let mut text = String::with_capacity(unit.len() + 16);
    push_decimal(&mut text, amount.normalize());
    text.push(' ');
    text.push_str(unit);
    text
}

/// Whether `dest` is in a destination list (`*` = every destination).
pub(crate) fn listed(list: &[String], dest: &str) -> bool {
    list.iter().any(|d| d == "*" || d == dest)
}

fn description(cx: &Context<'_>, item: &GoodsItem, at: &Path, clean: &mut Cleaner, out: &mut Outcome) -> String {
    let name = clean.text(&item.name, at.key("name"));
    let kind = item.package_kind.as_deref().map(|k| clean.text(k, at.key("package_kind")));
    let bulk = &cx.rulebook.content().texts.in_bulk;
    let packages = match (item.package_count, &kind) {
        (Some(n), Some(k)) if !k.trim().is_empty() => Some((n, k)),
        _ => None,
    };
    let lacks_packages = matches!(item.packaging, PackagingMode::Standard) && packages.is_none();
    // The standard fill, written only where it is used: most items are described as typed.
    let fill = || match (item.packaging, packages) {
        (PackagingMode::InBulk, _) => format!("{name} {}", bulk.value),
        (PackagingMode::Standard, Some((n, k))) => {
            let mut fill = String::with_capacity(name.len() + k.len() + 8);
            fill.push_str(itoa::Buffer::new().format(n));
            for part in [k.as_str(), name.as_str()] {
                fill.push(' ');
                fill.push_str(part);
            }
            fill
        }
        _ => name.clone(),
    };
    let Some(typed) = &item.description else {
        if lacks_packages {
            out.push(Finding::new(
                &PACKAGES_MISSING,
                at.key("package_count"),
                "FAQ Q30",
                "未勾选总包装或散装时，标准化填充需要包装件数和单位",
                "with neither total packaging nor in bulk ticked, the standard fill needs the number and kind of packages",
            ));
        }
        return fill();
    };
    let typed = clean.text(typed, at.key("description"));
    let upper = typed.to_uppercase();
    let says_bulk = upper.contains(&bulk.value.to_uppercase());
    let says_count = item.package_count.is_some_and(|n| {
        let n = n.to_string();
        upper.split(|c: char| !c.is_ascii_digit()).any(|w| w == n)
    });
    let contradicts = match item.packaging {
        PackagingMode::TotalPackaging => says_bulk || says_count,
        PackagingMode::InBulk => !says_bulk,
        PackagingMode::Standard => says_bulk || (item.package_count.is_some() && !says_count),
    };
    if contradicts {
        let fill = fill();
        out.push(Finding::new(
            &DESCRIPTION_CONTRADICTS_PACKAGING,
            at.key("description"),
            "FAQ Q30",
            format!("货物描述与所选包装显示方式不符，标准填充为“{fill}”"),
            format!("the description contradicts the packaging mode; the standard fill is `{fill}`"),
        ));
    }
    typed
}

/// Counts image marks and checks they are images (FAQ Q24: uploaded with the goods information).
fn marks_images(cx: &Context<'_>, out: &mut Outcome) -> bool {
    let mut any = false;
    for (i, a) in cx.cert.attachments.iter().enumerate() {
        if a.kind != AttachmentKind::MarksImage {
            continue;
        }
        any = true;
        if let Some(t) = a.media_type.as_deref().filter(|t| !t.trim().to_ascii_lowercase().starts_with("image/")) {
            out.push(Finding::new(
                &MARKS_IMAGE_TYPE,
                Path::ROOT.key("attachments").index(i).key("media_type"),
                "FAQ Q24, Q39",
                format!("图片唛头须为图片文件，实为 {t}"),
                format!("image marks must be an image file, found {t}"),
            ));
        }
    }
    any
}

fn marks(
    cx: &Context<'_>,
    item: &GoodsItem,
    at: &Path,
    has_image: bool,
    clean: &mut Cleaner,
    out: &mut Outcome,
) -> String {
    let texts = &cx.rulebook.content().texts;
    let see = &texts.see_attachment.value;
    let Some(typed) = item.marks.as_deref().filter(|m| !m.trim().is_empty()) else {
        return if has_image { see.clone() } else { texts.no_marks.value.clone() };
    };
    let typed = clean.text(typed, at.key("marks"));
    let max = &cx.agreement.print.marks_max_chars;
    let limit = max.value.filter(|_| max.is_certain());
    let chars = typed.chars().count();
    if let Some(limit) = limit.filter(|l| chars > *l as usize) {
        let severity = if has_image { Severity::Warning } else { Severity::Error };
        out.push(
            Finding::new(
                &MARKS_TOO_LONG,
                at.key("marks"),
                format!("FAQ Q39; {}", max.source),
                format!("文字唛头 {chars} 字，超过 {limit} 字：请上传图片唛头，文字唛头栏注明 {see}"),
                format!("text marks have {chars} characters, more than {limit}: attach image marks; the marks box reads {see}"),
            )
            .with_severity(severity),
        );
        return see.clone();
    }
    if typed.trim().eq_ignore_ascii_case(see) && !has_image {
        out.push(Finding::new(
            &MARKS_IMAGE_MISSING,
            at.key("marks"),
            "FAQ Q24, Q39",
            format!("唛头注明 {see}，但未上传图片唛头"),
            format!("the marks say {see} but no image marks are attached"),
        ));
    }
    typed
}

fn gross_weight(
    cx: &Context<'_>,
    item: &GoodsItem,
    at: &Path,
    quantity_only: bool,
    out: &mut Outcome,
) -> Option<String> {
    let g = item.gross_weight?;
    if quantity_only {
        out.push(Finding::new(
            &GROSS_WEIGHT_NOT_SHOWN,
            at.key("gross_weight"),
            format!("FAQ Q36; {}", cx.agreement.print.quantity_only_destinations.source),
            "输往该目的国的证书只显示数量栏：如需显示毛重，请在毛净重标识选择数量，并在数量栏填写毛重",
            "certificates to this destination show only the quantity: to show the gross weight, choose quantity and enter the gross weight as the quantity",
        ));
        return None;
    }
    let unit = cx.rulebook.print_texts(cx.agreement).map_or("", |t| t.weight_unit.value.as_str());
    let mut text = amount_and(g, unit);
    text.truncate(text.trim_end().len());
    Some(text)
}

fn exporter(cx: &Context<'_>, clean: &mut Cleaner, out: &mut Outcome) -> String {
    let ex = &cx.cert.exporter;
    let chinese = cx.agreement.print.language.value == "zh";
    let (name, at) = if chinese {
        (ex.name_zh.as_deref().unwrap_or(""), "exporter.name_zh")
    } else {
        (ex.name.as_str(), "exporter.name")
    };
    if name.trim().is_empty() {
        out.push(Finding::new(
            &EXPORTER_NAME_MISSING,
            at,
            format!("FAQ Q31; {}", cx.agreement.print.language.source),
            "出口商名称取自企业信息，不能为空；如需修改，请在企业信息管理中修改并经贸促会审核",
            "the exporter name comes from the enterprise record and cannot be blank; change it in the enterprise record (reviewed by CCPIT)",
        ));
    }
    let mut text = party(clean, name, ex.address.as_deref(), at, "exporter.address");
    if let Some(agent) = &cx.cert.agent {
        let ob = &cx.rulebook.content().texts.on_behalf_joiner;
        let agent_name = if chinese { agent.name_zh.as_deref().unwrap_or(&agent.name) } else { &agent.name };
        let agent_name = clean.text(agent_name, Path::ROOT.key("agent.name"));
        text = format!("{agent_name}\n{} {text}", ob.value);
    }
    let via = &cx.rulebook.content().texts.double_header_joiner;
    if cx.cert.print.double_header {
        if cx.agreement.kind != CertificateKind::NonPreferential {
            out.push(Finding::new(
                &DOUBLE_HEADER_NOT_ALLOWED,
                "print.double_header",
                "FAQ Q80",
                "系统只支持非优惠原产地证书的双抬头",
                "only non-preferential certificates can have a double header",
            ));
        } else if let Some(i) = &cx.cert.intermediary {
            let block = party(clean, &i.name, i.address.as_deref(), "intermediary.name", "intermediary.address");
            text = format!("{text}\n{} {block}", via.value);
        } else {
            out.push(Finding::new(
                &DOUBLE_HEADER_NO_INTERMEDIARY,
                "intermediary",
                "FAQ Q80",
                "双抬头需要填入中间商信息",
                "a double header needs the intermediary",
            ));
        }
    }
    text
}

fn party(clean: &mut Cleaner, name: &str, address: Option<&str>, name_at: &str, address_at: &str) -> String {
    let name = clean.text(name, Path::ROOT.key(name_at));
    match address.filter(|a| !a.trim().is_empty()) {
        Some(a) => format!("{name}\n{}", clean.text(a, Path::ROOT.key(address_at))),
        None => name,
    }
}

/// The producer box. Where the form's language fills every box (the ECFA filling notes, box 2), it
/// always prints: the confidentiality wording when chosen, `同上` when the producer is the
/// exporter, the producer, or the `none` wording when no producer is given.
fn producer(cx: &Context<'_>, clean: &mut Cleaner, out: &mut Outcome) -> Option<String> {
    let texts = cx.rulebook.print_texts(cx.agreement).filter(|_| cx.agreement.print.manufacturer_box.value);
    let Some((same, texts)) = texts.and_then(|t| Some((t.same_as_exporter.value.as_ref()?, t))) else {
        return chosen_producer(cx, clean, out);
    };
    if cx.cert.print.manufacturer_confidential {
        if let Some(wording) = chosen_producer(cx, clean, out) {
            return Some(wording);
        }
    }
    match &cx.cert.producer {
        Some(p) if p.name.trim() == same || same_party(p, &cx.cert.exporter) => Some(same.clone()),
        Some(p) => {
            let (name, at) = match p.name_zh.as_deref() {
                Some(zh) => (zh, "producer.name_zh"),
                None => (p.name.as_str(), "producer.name"),
            };
            Some(party(clean, name, p.address.as_deref(), at, "producer.address"))
        }
        None => {
            if cx.cert.print.show_manufacturer {
                producer_missing(out);
            }
            texts.none.value.clone()
        }
    }
}

/// Whether two parties share a (Chinese or printed) name.
fn same_party(a: &crate::model::Party, b: &crate::model::Party) -> bool {
    fn names(p: &crate::model::Party) -> impl Iterator<Item = &str> {
        [Some(p.name.as_str()), p.name_zh.as_deref()].into_iter().flatten().map(str::trim).filter(|n| !n.is_empty())
    }
    names(a).any(|n| names(b).any(|m| m == n))
}

fn producer_missing(out: &mut Outcome) {
    out.push(Finding::new(
        &PRODUCER_MISSING,
        "producer",
        "FAQ Q41",
        "选择显示生产商，但未填写生产商",
        "the producer is to be shown but none is given",
    ));
}

/// The producer box as the exporter chose it (FAQ Q41): the producer, the confidentiality
/// wording, or nothing.
fn chosen_producer(cx: &Context<'_>, clean: &mut Cleaner, out: &mut Outcome) -> Option<String> {
    let opts = &cx.cert.print;
    if !opts.show_manufacturer && !opts.manufacturer_confidential {
        return None;
    }
    let box_fact = &cx.agreement.print.manufacturer_box;
    if !box_fact.value {
        out.push(Finding::new(
            &MANUFACTURER_BOX_ABSENT,
            "print.show_manufacturer",
            format!("FAQ Q41; {}", box_fact.source),
            "该证书没有生产商栏，生产商显示选项无效",
            "this form has no producer box: the producer display options have no effect",
        ));
        return None;
    }
    if opts.manufacturer_confidential {
        let wording = cx.rulebook.content().texts.manufacturer_confidential_text.get(&cx.agreement.code);
        if wording.is_none() {
            out.push(Finding::new(
                &MANUFACTURER_WORDING_UNKNOWN,
                "print.manufacturer_confidential",
                "FAQ Q41",
                "规则库没有该证书背页的生产商保密措辞，生产商栏留空",
                "the rulebook has no producer confidentiality wording from this form's overleaf notes; the producer box stays empty",
            ));
        }
        return wording.map(|w| w.value.clone());
    }
    let Some(p) = &cx.cert.producer else {
        producer_missing(out);
        return None;
    };
    Some(party(clean, &p.name, p.address.as_deref(), "producer.name", "producer.address"))
}

/// Remarks and special clause (FAQ Q23, Q102); the other fields are filled by the caller.
fn remarks(cx: &Context<'_>, clean: &mut Cleaner, out: &mut Outcome) -> ContentDerived {
    let cert = cx.cert;
    let mut notes: Vec<String> = Vec::new();
    if let Some(r) = cert.remarks.as_deref().filter(|r| !r.trim().is_empty()) {
        notes.push(clean.text(r, Path::ROOT.key("remarks")));
    }
    if cert.print.show_lc {
        match &cert.letter_of_credit {
            Some(lc) => {
                let number = clean.text(&lc.number, Path::ROOT.key("letter_of_credit").key("number"));
                notes.push(cx.rulebook.content().texts.letter_of_credit(&number, lc.date));
            }
            None => out.push(Finding::new(
                &LC_MISSING,
                "letter_of_credit",
                "FAQ Q102",
                "勾选了显示信用证信息，但未填写信用证号和开证日期",
                "show L/C is ticked but no letter of credit is given",
            )),
        }
    }
    let special = cert
        .special_clause
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| clean.text(s, Path::ROOT.key("special_clause")));
    let joined = |parts: Vec<String>| (!parts.is_empty()).then(|| parts.join("\n"));
    let remarks_box = &cx.agreement.print.remarks_box;
    if remarks_box.value {
        return ContentDerived {
            remarks_text: joined(notes),
            special_clause_text: special,
            ..ContentDerived::default()
        };
    }
    if !notes.is_empty() {
        out.push(Finding::new(
            &REMARKS_TO_SPECIAL_CLAUSE,
            "remarks",
            format!("FAQ Q23; {}", remarks_box.source),
            "该证书没有备注栏，备注信息显示在特殊条款栏",
            "this form has no remarks box: the remarks are printed in the special-clause box",
        ));
    }
    let parts: Vec<String> = special.into_iter().chain(notes).collect();
    ContentDerived { remarks_text: None, special_clause_text: joined(parts), ..ContentDerived::default() }
}

/// Supporting documents, invoice fields and the customs code (FAQ Q69, Q96).
fn documents(cx: &Context<'_>, out: &mut Outcome) {
    let cert = cx.cert;
    match cx.agreement.kind {
        CertificateKind::Preferential => {
            let supporting = cert.attachments.iter().any(|a| a.kind != AttachmentKind::MarksImage);
            if !supporting && !cert.print.auto_invoice {
                out.push(Finding::new(
                    &SUPPORTING_DOCUMENTS_MISSING,
                    "attachments",
                    "FAQ Q96; GACC Order 270",
                    "申请优惠原产地证书须上传佐证材料，或由系统智能生成商业发票",
                    "a preferential certificate needs supporting documents, or a commercial invoice generated from the certificate data",
                ));
            }
            if cert.customs_registration_code.as_deref().is_none_or(|c| c.trim().is_empty()) {
                out.push(Finding::new(
                    &CUSTOMS_CODE_MISSING,
                    "customs_registration_code",
                    "FAQ Q69",
                    "申办优惠原产地证书须正确填报海关编码，否则数据无法发送至海关",
                    "preferential certificates need the customs registration code, or their data cannot reach China Customs",
                ));
            }
        }
        CertificateKind::NonPreferential => {
            let missing = [
                ("invoice.number", cert.invoice.number.trim().is_empty()),
                ("invoice.amount", cert.invoice.amount.is_none()),
            ];
            for (at, _) in missing.iter().filter(|(_, m)| *m) {
                out.push(Finding::new(
                    &INVOICE_FIELDS_MISSING,
                    *at,
                    "FAQ Q96; GACC Order 270",
                    "申请非优惠原产地证书须填报商业发票主要信息",
                    "a non-preferential certificate needs the main commercial-invoice fields",
                ));
            }
        }
        CertificateKind::Processing | CertificateKind::ReExport => {}
    }
}

#[cfg(test)]
mod tests;
