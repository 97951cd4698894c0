//! Values on a certificate: currencies and their decimals, the trade term (FAQ Q37), exchange
//! rates and the FOB total (FAQ Q109), and the EXW values some certificates need (FAQ Q112).

use super::{Context, Outcome};
use crate::finding::{Finding, Path};
use crate::model::{Country, MaterialOrigin, Money, TotalMode};
use crate::rulebook::{CertificateKind, CurrencyInfo};
use crate::valuation::{exchange, round, total, ItemValues, Rounding, TotalError, Valuation};
use rust_decimal::Decimal;

crate::finding::codes! {
    CODES;
    UNKNOWN_CURRENCY = ("unknown_currency", Error, "币种不是 ISO 4217 现行币种", "currency is not a current ISO 4217 currency");
    TOO_MANY_DECIMALS = ("too_many_decimals", Error, "金额小数位超过币种允许的位数", "amount has more decimals than its currency allows");
    UNKNOWN_TRADE_TERM = ("unknown_trade_term", Error, "未知贸易术语", "trade term is not an Incoterms 2020 rule");
    TRADE_TERM_NORMALISED = ("trade_term_normalised", Info, "贸易术语已按 Incoterms 2020 规范", "trade term read as its Incoterms 2020 name");
    EXCHANGE_RATE_INVALID = ("exchange_rate_invalid", Error, "汇率必须大于零", "exchange rate must be greater than zero");
    EXCHANGE_RATE_MISSING = ("exchange_rate_missing", Error, "缺少汇率", "no exchange rate for a currency that needs converting");
    ITEM_FOB_MISSING = ("item_fob_missing", Warning, "自动计算 FOB 总额缺少商品 FOB 金额", "an item has no FOB value for the automatic total");
    FOB_TOTAL_MISSING = ("fob_total_missing", Error, "取消自动计算后须填写 FOB 金额", "a manual FOB total needs an amount");
    FOB_TOTAL_MISMATCH = ("fob_total_mismatch", Warning, "FOB 金额与各项商品 FOB 之和不符", "FOB total differs from the sum of the items' FOB values");
    EXW_MISSING = ("exw_missing", Error, "请完善该产品预审原材料、零部件的 EXW 价值成分信息", "EXW value information is missing");
}

const ISO: &str = "ISO 4217 (rulebook lists/currencies.csv)";
const Q109: &str = "FAQ Q109";
const Q112: &str = "FAQ Q112";

pub(crate) fn check(cx: &Context<'_>, out: &mut Outcome) {
    let cert = cx.cert;
    let data = cx.rulebook.valuation();
    let mode = data.rules.rounding.value;
    let known = |code: &str, path: Path<'_>, out: &mut Outcome| -> Option<&CurrencyInfo> {
        let info = data.currency(code);
        if info.is_none() {
            out.push(Finding::new(
                &UNKNOWN_CURRENCY,
                path,
                ISO,
                format!("币种 `{code}` 不是 ISO 4217 现行币种"),
                format!("`{code}` is not a current ISO 4217 currency"),
            ));
        }
        info
    };
    let money = |m: &Money, path: Path<'_>, out: &mut Outcome| {
        if let Some(info) = known(m.currency.as_str(), path.key("currency"), out) {
            decimals(m.amount, info, path.key("amount"), out);
        }
    };

    let invoice_currency = known(cert.invoice.currency.as_str(), Path::ROOT.key("invoice.currency"), out);
    if let (Some(info), Some(amount)) = (invoice_currency, cert.invoice.amount) {
        decimals(amount, info, Path::ROOT.key("invoice").key("amount"), out);
    }
    let trade_term = cert.invoice.trade_term.as_deref().and_then(|typed| term(cx, typed, out));

    let rates = Path::ROOT.key("exchange_rates");
    for (i, r) in cert.exchange_rates.iter().enumerate() {
        let at = rates.index(i);
        known(r.from.as_str(), at.key("from"), out);
        known(r.to.as_str(), at.key("to"), out);
        if r.rate <= Decimal::ZERO {
            out.push(Finding::new(
                &EXCHANGE_RATE_INVALID,
                at.key("rate"),
                Q109,
                format!("{} → {} 的汇率必须大于零，实为 {}", r.from, r.to, r.rate),
                format!("the {} → {} rate must be greater than zero, found {}", r.from, r.to, r.rate),
            ));
        }
    }

    let total_code = cert.fob_total.currency.as_ref().unwrap_or(&cert.invoice.currency).as_str();
    let total_info = match &cert.fob_total.currency {
        Some(c) => known(c.as_str(), Path::ROOT.key("fob_total.currency"), out),
        None => invoice_currency,
    };
    let goods = Path::ROOT.key("goods");
    let mut items = Vec::with_capacity(cert.goods.len());
    for (i, item) in cert.goods.iter().enumerate() {
        let at = goods.index(i);
        for (field, value) in [("fob_value", &item.fob_value), ("exw_value", &item.exw_value)] {
            if let Some(m) = value {
                money(m, at.key(field), out);
            }
        }
        if item.fob_value.is_none() && cert.fob_total.mode == TotalMode::Auto {
            out.push(Finding::new(
                &ITEM_FOB_MISSING,
                at.key("fob_value"),
                Q109,
                format!("第 {} 项商品没有 FOB 金额，自动计算的 FOB 总额不含该项", item.item_no),
                format!("goods item {} has no FOB value; the automatic total leaves it out", item.item_no),
            ));
        }
        let in_total = |m: &Option<Money>| {
            let (m, info) = (m.as_ref()?, total_info?);
            exchange(m.amount, m.currency.as_str(), total_code, &cert.exchange_rates).map(|v| round(v, info, mode))
        };
        items.push(ItemValues {
            item_no: item.item_no,
            fob: item.fob_value.clone(),
            fob_in_total_currency: in_total(&item.fob_value),
            exw: item.exw_value.clone(),
            exw_in_total_currency: in_total(&item.exw_value),
        });
    }

    let missing_rate = |currency: &str, path: Path<'_>, out: &mut Outcome| {
        out.push(Finding::new(
            &EXCHANGE_RATE_MISSING,
            path,
            Q109,
            format!("证书没有 {currency} 与 {total_code} 之间的汇率，无法换算"),
            format!("the certificate has no exchange rate between {currency} and {total_code}"),
        ));
    };
    let fob_total_auto = total_info.and_then(|info| {
        let amounts = cert.goods.iter().filter_map(|g| g.fob_value.as_ref()).map(|m| (m.currency.as_str(), m.amount));
        match total(amounts, info, &cert.exchange_rates, mode) {
            Ok(t) => Some(t),
            Err(TotalError::NoRate(c)) => {
                let first =
                    cert.goods.iter().position(|g| g.fob_value.as_ref().is_some_and(|m| m.currency.as_str() == c));
                missing_rate(c, goods.index(first.unwrap_or(0)).key("fob_value").key("currency"), out);
                None
            }
            Err(TotalError::Overflow) => None,
        }
    });
    // Products whose values are in another currency than the total need a rate too.
    let products = Path::ROOT.key("products");
    for (j, p) in cert.products.iter().enumerate() {
        let at = products.index(j);
        if known(p.currency.as_str(), at.key("currency"), out).is_none() {
            continue;
        }
        let used = cert.goods.iter().any(|g| g.product_ref.as_deref() == Some(p.id.as_str()));
        if used && exchange(Decimal::ONE, p.currency.as_str(), total_code, &cert.exchange_rates).is_none() {
            missing_rate(p.currency.as_str(), at.key("currency"), out);
        }
    }

    let manual = cert.fob_total.amount;
    let tolerance = &data.rules.total_tolerance;
    if cert.fob_total.mode == TotalMode::Manual && manual.is_none() {
        out.push(Finding::new(
            &FOB_TOTAL_MISSING,
            "fob_total.amount",
            Q109,
            "已取消自动计算，请自行填入 FOB 金额",
            "automatic calculation is off: type the FOB total",
        ));
    }
    if let (Some(m), Some(info)) = (manual, total_info) {
        decimals(m, info, Path::ROOT.key("fob_total").key("amount"), out);
    }
    if let (Some(m), Some(auto)) = (manual, fob_total_auto) {
        let allowed = tolerance.value.unwrap_or(Decimal::ZERO);
        let diff = (m - auto).abs();
        if diff > allowed {
            let rule_zh = match tolerance.value {
                Some(t) => format!("允许误差 {t}"),
                None => "未公布允许误差，须与自动计算值一致".to_string(),
            };
            let rule_en = match tolerance.value {
                Some(t) => format!("tolerance {t}"),
                None => "no published tolerance: it must equal the automatic sum".to_string(),
            };
            out.push(Finding::new(
                &FOB_TOTAL_MISMATCH,
                "fob_total.amount",
                format!("{Q109}; {}", tolerance.source),
                format!("FOB 金额 {m} {total_code} 与各项商品 FOB 按汇率相加之和 {auto} 相差 {diff}（{rule_zh}）"),
                format!("FOB total {m} {total_code} differs by {diff} from the items' sum at the certificate's rates, {auto} ({rule_en})"),
            ));
        }
    }
    let fob_total = match cert.fob_total.mode {
        TotalMode::Auto => fob_total_auto,
        TotalMode::Manual => manual,
    };

    exw_required(cx, out);

    out.derived.valuation = Some(Valuation {
        trade_term,
        currency: total_code.to_string(),
        mode: cert.fob_total.mode,
        fob_total_auto,
        fob_total,
        items,
        rounding: total_info.map(|info| Rounding {
            mode,
            decimals: info.minor_units,
            source: format!("{}; {}", data.rules.rounding.source, info.source),
        }),
    });
}

fn decimals(amount: Decimal, info: &CurrencyInfo, path: Path<'_>, out: &mut Outcome) {
    let scale = amount.normalize().scale();
    if scale > info.minor_units {
        out.push(Finding::new(
            &TOO_MANY_DECIMALS,
            path,
            ISO,
            format!("{amount} 有 {scale} 位小数，{} 最多 {} 位", info.code, info.minor_units),
            format!("{amount} has {scale} decimals; {} allows {}", info.code, info.minor_units),
        ));
    }
}

/// The invoice's trade term as an Incoterms 2020 code, with a finding when it is unknown or a legacy spelling.
fn term(cx: &Context<'_>, typed: &str, out: &mut Outcome) -> Option<String> {
    let data = cx.rulebook.valuation();
    let path = "invoice.trade_term";
    let Some(t) = data.term(typed) else {
        let codes = data.term_codes();
        out.push(Finding::new(
            &UNKNOWN_TRADE_TERM,
            path,
            "ICC Incoterms 2020; FAQ Q37",
            format!("未知贸易术语 `{typed}`；可用：{}（C&F 选 CFR）", codes.join("、")),
            format!("unknown trade term `{typed}`; accepted: {} (C&F is CFR)", codes.join(", ")),
        ));
        return None;
    };
    let first = typed.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
    if first != t.code {
        out.push(Finding::new(
            &TRADE_TERM_NORMALISED,
            path,
            &t.source,
            format!("贸易术语 `{typed}` 按 Incoterms 2020 读作 {}（{}）", t.code, t.name.zh),
            format!("trade term `{typed}` is read as {} ({}), its Incoterms 2020 name", t.code, t.name.en),
        ));
    }
    Some(t.code.clone())
}

/// FAQ Q112: EXW values are needed for agreements that say so and for non-preferential products
/// with non-Chinese materials.
fn exw_required(cx: &Context<'_>, out: &mut Outcome) {
    let cert = cx.cert;
    let by_agreement = cx.agreement.exw_required.value;
    let non_preferential = cx.agreement.kind == CertificateKind::NonPreferential;
    if !by_agreement && !non_preferential {
        return;
    }
    let goods = Path::ROOT.key("goods");
    let products = Path::ROOT.key("products");
    let china = Country::china();
    let mut reported = Vec::new();
    for (i, item) in cert.goods.iter().enumerate() {
        let product = item.product_ref.as_deref().and_then(|r| cert.products.iter().position(|p| p.id == r));
        let foreign = product.and_then(|j| cert.products.get(j)).is_some_and(|p| {
            p.materials.iter().any(|m| !matches!(&m.origin, MaterialOrigin::Country(c) if *c == china))
        });
        if !by_agreement && !foreign {
            continue;
        }
        let (why_zh, why_en, source) = if by_agreement {
            (
                cx.agreement.name.value.zh.clone(),
                cx.agreement.name.value.en.clone(),
                cx.agreement.exw_required.source.clone(),
            )
        } else {
            (
                "含非国产原材料的一般原产地证书".to_string(),
                "a non-preferential certificate for a product with non-Chinese materials".to_string(),
                Q112.to_string(),
            )
        };
        match product.and_then(|j| cert.products.get(j).map(|p| (j, p))) {
            Some((j, p)) if p.unit_exw.is_none() && !reported.contains(&j) => {
                reported.push(j);
                out.push(Finding::new(
                &EXW_MISSING,
                products.index(j).key("unit_exw"),
                source,
                format!("{why_zh}需要 EXW 金额：请完善产品预审 `{}` 原材料、零部件的 EXW 价值成分信息", p.id),
                format!("{why_en} needs EXW values: complete the EXW value of product pre-review `{}`", p.id),
                ));
            }
            None if item.exw_value.is_none() => out.push(Finding::new(
                &EXW_MISSING,
                goods.index(i).key("exw_value"),
                source,
                format!("{why_zh}需要 EXW 金额：第 {} 项商品没有 EXW 金额，也未选择含 EXW 的产品预审", item.item_no),
                format!("{why_en} needs EXW values: goods item {} has neither an EXW value nor a product pre-review with one", item.item_no),
            )),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Certificate;
    use crate::{Report, Rulebook};
    use serde_json::{json, Value};

    fn example() -> Value {
        let text = include_str!("../../../examples/certificates/non_preferential.json");
        serde_json::from_str(text).unwrap()
    }

    fn run(cert: Value, exw_required: bool) -> Report {
        let rb = Rulebook::builtin().unwrap();
        let cert: Certificate = serde_json::from_value(cert).unwrap();
        let mut agreement = rb.agreement(&cert.agreement).unwrap().clone();
        agreement.exw_required.value = exw_required;
        crate::check::check(&cert, &agreement, &rb, None)
    }

    fn codes(r: &Report) -> Vec<(String, String)> {
        r.findings.iter().map(|f| (f.code.clone(), f.path.clone())).collect()
    }

    fn has(r: &Report, code: &str, path: &str) -> bool {
        r.findings.iter().any(|f| f.code == code && f.path == path)
    }

    #[test]
    fn example_totals_automatically() {
        let r = run(example(), false);
        let v = r.derived.valuation.as_ref().unwrap();
        assert_eq!(v.fob_total.unwrap().to_string(), "48600.00");
        assert_eq!(v.trade_term.as_deref(), Some("FOB"));
        assert_eq!(v.items.len(), 2);
        assert!(r.findings.is_empty(), "{:?}", codes(&r));
    }

    #[test]
    fn foreign_currency_items_use_the_rates() {
        let mut c = example();
        c["goods"][1]["fob_value"] = json!({"amount": "10000.00", "currency": "EUR"});
        let r = run(c.clone(), false);
        assert!(has(&r, "exchange_rate_missing", "goods[1].fob_value.currency"), "{:?}", codes(&r));
        assert_eq!(r.derived.valuation.as_ref().unwrap().fob_total, None);
        c["exchange_rates"] = json!([{"from": "EUR", "to": "USD", "rate": "1.0832"}]);
        let r = run(c.clone(), false);
        assert_eq!(r.derived.valuation.as_ref().unwrap().fob_total.unwrap().to_string(), "43232.00");
        c["exchange_rates"] = json!([{"from": "EUR", "to": "USD", "rate": "0"}]);
        let r = run(c, false);
        assert!(has(&r, "exchange_rate_invalid", "exchange_rates[0].rate"), "{:?}", codes(&r));
        assert!(has(&r, "exchange_rate_missing", "goods[1].fob_value.currency"), "{:?}", codes(&r));
    }

    #[test]
    fn manual_total_is_compared_with_the_sum() {
        let mut c = example();
        c["fob_total"] = json!({"mode": "manual", "amount": "48600.01"});
        let r = run(c.clone(), false);
        assert!(has(&r, "fob_total_mismatch", "fob_total.amount"), "{:?}", codes(&r));
        assert_eq!(r.derived.valuation.as_ref().unwrap().fob_total.unwrap().to_string(), "48600.01");
        c["fob_total"] = json!({"mode": "manual", "amount": "48600"});
        assert!(run(c.clone(), false).findings.is_empty());
        c["fob_total"] = json!({"mode": "manual"});
        assert!(has(&run(c, false), "fob_total_missing", "fob_total.amount"));
    }

    #[test]
    fn currencies_decimals_and_terms() {
        let mut c = example();
        c["invoice"]["currency"] = json!("XXY");
        c["goods"][0]["fob_value"]["amount"] = json!("32400.001");
        c["invoice"]["trade_term"] = json!("C&F");
        let r = run(c.clone(), false);
        assert!(has(&r, "unknown_currency", "invoice.currency"), "{:?}", codes(&r));
        assert!(has(&r, "too_many_decimals", "goods[0].fob_value.amount"), "{:?}", codes(&r));
        assert!(has(&r, "trade_term_normalised", "invoice.trade_term"), "{:?}", codes(&r));
        c["invoice"]["trade_term"] = json!("FOBX");
        assert!(has(&run(c, false), "unknown_trade_term", "invoice.trade_term"));
    }

    #[test]
    fn exw_is_required_where_q112_says() {
        let product = json!({"id": "P-KETTLE-17", "hs_code": "851671", "name_en": "KETTLE", "currency": "USD",
            "materials": [{"name": "THERMOSTAT", "origin": "DE", "value": "1.20"}]});
        let mut c = example();
        c["products"] = json!([product]);
        let r = run(c.clone(), false);
        assert!(has(&r, "exw_missing", "products[0].unit_exw"), "{:?}", codes(&r));
        assert!(!has(&r, "exw_missing", "goods[1].exw_value"), "{:?}", codes(&r));
        c["products"][0]["materials"][0]["origin"] = json!("CN");
        assert!(!run(c.clone(), false).findings.iter().any(|f| f.code == "exw_missing"));
        // An agreement that requires EXW (Switzerland, Serbia, Georgia) needs it for every item.
        let r = run(c.clone(), true);
        assert!(has(&r, "exw_missing", "products[0].unit_exw"), "{:?}", codes(&r));
        assert!(has(&r, "exw_missing", "goods[1].exw_value"), "{:?}", codes(&r));
        c["products"][0]["unit_exw"] = json!("7.50");
        c["goods"][1]["exw_value"] = json!({"amount": "15000.00", "currency": "USD"});
        assert!(!run(c, true).findings.iter().any(|f| f.code == "exw_missing"));
    }
}
