//! HS codes as printed: the form's digits (FAQ Q26; APTA 6 digits), ECFA's early-harvest list
//! (FAQ Q28, Q98) and codes replaced by a tariff version change (FAQ Q111).

use super::{HS_CODE_TOO_SHORT, HS_DIGITS_FIXED, HS_DIGITS_INVALID, HS_TARIFF_OUTDATED, NO_USABLE_8_DIGIT_HS};
use crate::check::{Context, Outcome};
use crate::finding::{Finding, Path, Severity};
use crate::model::{GoodsItem, HsCode};

/// The digits every item prints: the form's fixed number, else the applicant's choice (FAQ Q26).
pub(super) fn display_digits(cx: &Context<'_>, out: &mut Outcome) -> Option<usize> {
    let fixed = &cx.agreement.print.hs_digits;
    let chosen = cx.cert.print.hs_digits.filter(|d| {
        let ok = matches!(d, 4 | 6 | 8 | 10);
        if !ok {
            out.push(Finding::new(
                &HS_DIGITS_INVALID,
                "print.hs_digits",
                "FAQ Q26",
                format!("HS 编码可显示四位、六位、八位或十位，不能为 {d} 位"),
                format!("HS codes are shown at 4, 6, 8 or 10 digits, not {d}"),
            ));
        }
        ok
    });
    match (fixed.value, chosen) {
        (Some(f), Some(c)) if f != c => {
            out.push(Finding::new(
                &HS_DIGITS_FIXED,
                "print.hs_digits",
                &fixed.source,
                format!("该证书固定显示 {f} 位 HS 编码，所选 {c} 位不适用"),
                format!("this form prints {f}-digit HS codes; the choice of {c} digits does not apply"),
            ));
            Some(f as usize)
        }
        (Some(f), _) => Some(f as usize),
        (None, c) => c.map(usize::from),
    }
}

/// The printed code of one item, or `None` when it has no usable code.
pub(super) fn item_text(
    cx: &Context<'_>,
    item: &GoodsItem,
    at: &Path,
    digits: Option<usize>,
    out: &mut Outcome,
) -> Option<String> {
    let code = &item.hs_code;
    let at = at.key("hs_code");
    if let Some(list) = cx.rulebook.content().early_harvest(&cx.agreement.code) {
        return early_harvest(cx, code, list.contains(code.digits()), &at, out);
    }
    let want = digits.unwrap_or(code.digits().len().max(4));
    if code.digits().len() < want {
        out.push(Finding::new(
            &HS_CODE_TOO_SHORT,
            at,
            format!("FAQ Q26; {}", cx.agreement.print.hs_digits.source),
            format!("显示 {want} 位 HS 编码，需补齐 {} 位编码（现为 {} 位）", want, code.digits().len()),
            format!(
                "{want} HS digits are printed: complete the code to {want} digits (it has {})",
                code.digits().len()
            ),
        ));
        return None;
    }
    Some(dotted(code.prefix(want)))
}

fn early_harvest(cx: &Context<'_>, code: &HsCode, listed: bool, at: &Path, out: &mut Outcome) -> Option<String> {
    let eight = code.digits().len() == 8;
    if eight && listed {
        return Some(dotted(code.digits()));
    }
    let complete = &cx.rulebook.content().texts.ecfa_early_harvest_complete;
    let certain = !eight || (complete.value && complete.is_certain());
    let (zh, en) = if eight {
        (
            format!("{} 不在台方早收清单中：未查到可用 8 位 HS 编码", dotted(code.digits())),
            format!("{} is not on the early-harvest list: no usable 8-digit HS code", dotted(code.digits())),
        )
    } else {
        (
            "未查到可用 8 位 HS 编码：须使用台方早收清单中的 8 位编码".to_string(),
            "no usable 8-digit HS code: use the 8-digit code of the early-harvest list".to_string(),
        )
    };
    let mut f = Finding::new(&NO_USABLE_8_DIGIT_HS, at, format!("FAQ Q28, Q98; {}", complete.source), zh, en);
    if !certain {
        f = f.with_severity(Severity::Warning);
    }
    out.push(f);
    eight.then(|| dotted(code.digits()))
}

/// `85167100` → `8516.71.00`: heading, then pairs of digits.
fn dotted(digits: &str) -> String {
    let mut s = String::with_capacity(digits.len() + 4);
    for (i, c) in digits.chars().enumerate() {
        if i >= 4 && i % 2 == 0 {
            s.push('.');
        }
        s.push(c);
    }
    s
}

/// Pre-reviews whose code a later tariff version replaced must be migrated first (FAQ Q111).
pub(super) fn migrations(cx: &Context<'_>, out: &mut Outcome) {
    let content = cx.rulebook.content();
    for (i, p) in cx.cert.products.iter().enumerate() {
        let Some(version) = p.tariff_version.as_deref().and_then(year) else {
            continue;
        };
        for m in content.migrations_for(&p.hs_code, version) {
            let new: Vec<String> = m.new_codes.iter().map(|c| dotted(c.digits())).collect();
            out.push(Finding::new(
                &HS_TARIFF_OUTDATED,
                Path::ROOT.key("products").index(i).key("hs_code"),
                format!("FAQ Q111; {}", m.source),
                format!(
                    "该产品已发生税则转版，需要立即调整：{} 自 {} 版税则起改为 {}，请用新版税号重新预审",
                    dotted(p.hs_code.digits()),
                    m.replaced_in,
                    new.join(" 或 ")
                ),
                format!(
                    "the product's HS code {} was replaced in tariff version {} by {}: migrate the pre-review to the new code",
                    dotted(p.hs_code.digits()),
                    m.replaced_in,
                    new.join(" or ")
                ),
            ));
        }
    }
}

/// The year a tariff version names, e.g. `2022` or `2022版`.
fn year(v: &str) -> Option<u16> {
    v.trim().get(..4).filter(|y| y.bytes().all(|b| b.is_ascii_digit())).and_then(|y| y.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_codes() {
        assert_eq!(dotted("8516"), "8516");
        assert_eq!(dotted("851671"), "8516.71");
        assert_eq!(dotted("8516710000"), "8516.71.00.00");
    }

    #[test]
    fn tariff_years() {
        assert_eq!(year("2021"), Some(2021));
        assert_eq!(year("2022版"), Some(2022));
        assert_eq!(year("v1"), None);
    }
}
