//! Shape rules every certificate type shares: destination, item numbering, signs of quantities.

use super::{Context, Outcome};
use crate::finding::{Finding, Path};
use crate::model::{Country, MaterialOrigin};
use rust_decimal::Decimal;

crate::finding::codes! {
    CODES;
    DESTINATION_NOT_PARTY = ("destination_not_party", Error, "目的国不是该协定成员", "destination is not a party to the agreement");
    ITEM_NUMBER_SEQUENCE = ("item_number_sequence", Error, "商品项号不连续", "goods item numbers are not 1, 2, 3...");
    NOT_POSITIVE = ("value_not_positive", Error, "数值必须大于零", "value must be greater than zero");
    NO_GOODS = ("no_goods", Error, "证书没有商品", "the certificate has no goods items");
    UNKNOWN_COUNTRY = ("unknown_country", Error, "国家或地区代码不存在", "country code is not an ISO 3166-1 country");
}

pub(crate) fn check(cx: &Context<'_>, out: &mut Outcome) {
    unknown_countries(cx, out);
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
    let goods = Path::ROOT.key("goods");
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

/// Every country code in the certificate, with its path, must be in the rulebook's country list.
fn unknown_countries(cx: &Context<'_>, out: &mut Outcome) {
    let cert = cx.cert;
    let mut found: Vec<(String, &Country)> = vec![("destination".to_string(), &cert.destination)];
    let parties = [
        ("exporter", Some(&cert.exporter)),
        ("consignee", Some(&cert.consignee)),
        ("producer", cert.producer.as_ref()),
        ("intermediary", cert.intermediary.as_ref()),
        ("invoice.issuer", cert.invoice.issuer.as_ref()),
    ];
    for (key, party) in parties {
        if let Some(c) = party.and_then(|p| p.country.as_ref()) {
            found.push((format!("{key}.country"), c));
        }
    }
    let products = Path::ROOT.key("products");
    for (i, product) in cert.products.iter().enumerate() {
        let at = products.index(i);
        if let Some(m) = &product.manufacturer {
            found.push((at.key("manufacturer").key("country").into(), &m.country));
        }
        for (j, material) in product.materials.iter().enumerate() {
            if let MaterialOrigin::Country(c) = &material.origin {
                found.push((at.key("materials").index(j).key("origin").into(), c));
            }
        }
    }
    for (path, country) in found {
        let code = country.as_str();
        if cx.rulebook.country(code).is_none() {
            out.push(Finding::new(
                &UNKNOWN_COUNTRY,
                path,
                "ISO 3166-1 (rules/lists/countries.csv)",
                format!("国家或地区代码 {code} 不在 ISO 3166-1 国家列表中"),
                format!("country code {code} is not in the ISO 3166-1 country list"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::check;
    use crate::model::Certificate;
    use crate::rulebook::Rulebook;

    fn example() -> serde_json::Value {
        let text = include_str!("../../../examples/certificates/non_preferential.json");
        serde_json::from_str(text).unwrap()
    }

    fn findings(v: serde_json::Value) -> Vec<(String, String)> {
        let rb = Rulebook::builtin().unwrap();
        let cert: Certificate = serde_json::from_value(v).unwrap();
        let a = rb.agreement(&cert.agreement).unwrap();
        check(&cert, a, &rb, None).findings.into_iter().map(|f| (f.code, f.path)).collect()
    }

    #[test]
    fn unknown_countries_are_found_with_their_path() {
        let mut v = example();
        v["destination"] = "XX".into();
        v["consignee"]["country"] = "QQ".into();
        v["products"] = serde_json::json!([{
            "id": "P-1", "hs_code": "851671", "name_en": "KETTLE", "currency": "USD",
            "manufacturer": { "name_zh": "某厂", "address": "宁波", "country": "ZZ" },
            "materials": [
                { "name": "STEEL", "origin": "CN", "value": "1" },
                { "name": "CHIP", "origin": "YY", "value": "1" },
                { "name": "GLUE", "origin": "unknown", "value": "1" }
            ]
        }]);
        let got = findings(v);
        let unknown: Vec<&str> = got.iter().filter(|(c, _)| c == "unknown_country").map(|(_, p)| p.as_str()).collect();
        assert_eq!(
            unknown,
            ["destination", "consignee.country", "products[0].manufacturer.country", "products[0].materials[1].origin"]
        );
    }

    #[test]
    fn known_countries_pass() {
        assert!(findings(example()).iter().all(|(c, _)| c != "unknown_country"));
    }
}
