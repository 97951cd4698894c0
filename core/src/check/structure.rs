//! Shape rules every certificate type shares: destination, item numbering, signs of quantities.

use super::{Context, Outcome};
use crate::finding::{Code, Finding, Path, Severity};
use rust_decimal::Decimal;

pub(crate) const DESTINATION_NOT_PARTY: Code = Code {
    code: "destination_not_party",
    severity: Severity::Error,
    title_zh: "目的国不是该协定成员",
    title_en: "destination is not a party to the agreement",
};
pub(crate) const ITEM_NUMBER_SEQUENCE: Code = Code {
    code: "item_number_sequence",
    severity: Severity::Error,
    title_zh: "商品项号不连续",
    title_en: "goods item numbers are not 1, 2, 3...",
};
pub(crate) const NOT_POSITIVE: Code = Code {
    code: "value_not_positive",
    severity: Severity::Error,
    title_zh: "数值必须大于零",
    title_en: "value must be greater than zero",
};
pub(crate) const NO_GOODS: Code = Code {
    code: "no_goods",
    severity: Severity::Error,
    title_zh: "证书没有商品",
    title_en: "the certificate has no goods items",
};

pub(crate) const CODES: &[Code] = &[DESTINATION_NOT_PARTY, ITEM_NUMBER_SEQUENCE, NOT_POSITIVE, NO_GOODS];

pub(crate) fn check(cx: &Context<'_>, out: &mut Outcome) {
    let parties = &cx.agreement.parties;
    let dest = cx.cert.destination.as_str();
    if !parties.value.iter().any(|p| p == "*" || p == dest) {
        out.push(Finding::new(
            &DESTINATION_NOT_PARTY,
            "destination",
            &parties.source,
            format!("{}不适用于目的国 {dest}；成员：{}", cx.agreement.name.value.zh, parties.value.join("、")),
            format!(
                "{} does not cover destination {dest}; parties: {}",
                cx.agreement.name.value.en,
                parties.value.join(", ")
            ),
        ));
    }
    if cx.cert.goods.is_empty() {
        out.push(Finding::new(
            &NO_GOODS,
            "goods",
            "FAQ Q35",
            "证书至少需要一项商品",
            "a certificate needs at least one goods item",
        ));
    }
    let goods = Path::root().key("goods");
    for (i, item) in cx.cert.goods.iter().enumerate() {
        let at = goods.index(i);
        let expected = i + 1;
        if item.item_no as usize != expected {
            out.push(Finding::new(
                &ITEM_NUMBER_SEQUENCE,
                at.key("item_no"),
                "CCPIT form filling notes",
                format!("第 {expected} 项商品的项号应为 {expected}，实为 {}", item.item_no),
                format!("goods item {expected} should be numbered {expected}, found {}", item.item_no),
            ));
        }
        let amounts = [
            ("quantity", Some(item.quantity)),
            ("gross_weight", item.gross_weight),
            ("net_weight", item.net_weight),
            ("fob_value.amount", item.fob_value.as_ref().map(|m| m.amount)),
            ("exw_value.amount", item.exw_value.as_ref().map(|m| m.amount)),
        ];
        for (field, value) in amounts {
            if let Some(v) = value.filter(|v| *v <= Decimal::ZERO) {
                out.push(Finding::new(
                    &NOT_POSITIVE,
                    format!("{at}.{field}"),
                    "CCPIT form filling notes",
                    format!("{field} 必须大于零，实为 {v}"),
                    format!("{field} must be greater than zero, found {v}"),
                ));
            }
        }
    }
}
