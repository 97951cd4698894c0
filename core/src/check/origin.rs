//! The origin criterion of each goods item, determined from its product pre-review (FAQ Q20, Q77):
//! the system decides it, the exporter never types it.

use super::{Context, Outcome};
use crate::finding::{Finding, Path};
use crate::model::ProductStatus;
use crate::origin::{self, ItemOrigin};
use crate::rulebook::{CertificateKind, Status};

crate::finding::codes! {
    CODES;
    PRODUCT_MISSING = ("origin_product_missing", Error, "商品未选择产品预审", "the goods item has no product pre-review");
    PRODUCT_UNKNOWN = ("origin_product_unknown", Error, "引用的产品预审不存在", "the referenced product pre-review is not attached");
    NOT_APPROVED = ("origin_product_not_approved", Error, "产品预审未审核通过", "the product pre-review is not approved");
    VOIDED = ("origin_product_voided", Error, "产品预审已作废", "the product pre-review is voided");
    STATUS_MISSING = ("origin_product_status_missing", Error, "产品预审未注明审核状态", "the product pre-review gives no review status");
    INCOMPLETE = ("origin_product_incomplete", Error, "产品预审缺少生产商信息", "the product pre-review lacks the manufacturer");
    INVALID = ("origin_product_invalid", Error, "产品预审数据无法判定原产地", "the pre-review's data cannot be evaluated");
    NOT_MET = ("origin_not_met", Error, "不满足原产地规则", "the product does not meet the rules of origin");
    SHOW_FOB = ("origin_show_fob_required", Error, "须勾选显示 FOB 金额", "FOB value must be shown for this item");
    PROCESSING_STEPS = ("origin_processing_steps_missing", Error, "须填写加工工序", "processing steps must be shown");
    MINIMAL_UNANSWERED = ("origin_minimal_operations_unanswered", Error, "未确认是否仅经过微小加工", "minimal-operations question not answered");
    CRITERION_UNCONFIRMED = ("origin_criterion_unconfirmed", Info, "打印的原产地标准代码未经确认", "the printed criterion code is unconfirmed");
}

pub(crate) fn check(cx: &Context<'_>, out: &mut Outcome) {
    let a = cx.agreement;
    if a.kind == CertificateKind::ReExport {
        return;
    }
    // FAQ Q84, Q20, Q38: every type but re-export needs each item's pre-review, approved, before
    // the certificate is applied for; no pre-reviews attached means every item lacks its own.
    // Items often share a pre-review: decide each product once, and say product-level findings once.
    let mut decided: Vec<Option<Result<origin::Determination, crate::Error>>> = vec![None; cx.cert.products.len()];
    out.derived.origin.reserve(cx.cert.goods.len());
    let (goods, products) = (Path::ROOT.key("goods"), Path::ROOT.key("products"));
    for (i, item) in cx.cert.goods.iter().enumerate() {
        let path = goods.index(i);
        let mut io = ItemOrigin {
            item: i,
            product_ref: item.product_ref.clone(),
            originating: None,
            criterion: None,
            criterion_status: None,
            show_fob: false,
            manufacture_country: None,
            rvc: None,
        };
        let Some(r) = &item.product_ref else {
            out.push(Finding::new(
                &PRODUCT_MISSING,
                path.key("product_ref"),
                "FAQ Q38, Q84",
                format!("第 {} 项商品须选择审核通过的产品预审", item.item_no),
                format!("goods item {} must use an approved product pre-review", item.item_no),
            ));
            out.derived.origin.push(io);
            continue;
        };
        let Some((pi, p)) = cx.cert.products.iter().enumerate().find(|(_, p)| &p.id == r) else {
            out.push(Finding::new(
                &PRODUCT_UNKNOWN,
                path.key("product_ref"),
                "FAQ Q38, Q84",
                format!("第 {} 项商品的产品预审 `{r}` 未附在证书的 products 中：须附审核通过的产品预审", item.item_no),
                format!("goods item {}: product pre-review `{r}` is not attached among the certificate's products; attach it, approved", item.item_no),
            ));
            out.derived.origin.push(io);
            continue;
        };
        let ppath = products.index(pi);
        let first_use = decided.get(pi).is_some_and(Option::is_none);
        match p.status {
            Some(status) => status_finding(status, item.item_no, r, path.key("product_ref"), out),
            None if first_use => out.push(Finding::new(
                &STATUS_MISSING,
                ppath.key("status"),
                "FAQ Q83, Q84, Q101",
                format!("产品预审 `{r}` 未注明审核状态：只有审核通过的产品预审才能用于办理证书"),
                format!("product pre-review `{r}` gives no review status: only an approved pre-review can be used, so it is not taken as approved"),
            )),
            None => {}
        }
        if first_use {
            manufacturer_finding(p, &ppath, out);
            if let Some(slot) = decided.get_mut(pi) {
                *slot = Some(origin::determine(p, a, cx.rulebook, Some(&cx.cert.destination), export_day(cx)));
            }
        }
        // Borrowed, not cloned: the decision's trace is not part of an item's answer.
        let d = match decided.get(pi).and_then(Option::as_ref) {
            Some(Ok(d)) => d,
            Some(Err(e)) => {
                if first_use {
                    let at = e.path.replacen("product", &String::from(ppath), 1);
                    out.push(Finding::new(&INVALID, at, "FAQ Q20", e.message.zh.clone(), e.message.en.clone()));
                }
                out.derived.origin.push(io);
                continue;
            }
            None => {
                out.derived.origin.push(io);
                continue;
            }
        };
        let source = d.rule.as_ref().map_or_else(|| "FAQ Q20, Q77".to_string(), |r| r.source.clone());
        if first_use && p.minimal_operations.is_none() && d.trace.iter().any(|s| s.kind == "gate" && s.passed.is_none())
        {
            out.push(Finding::new(&MINIMAL_UNANSWERED, ppath.key("minimal_operations"), "FAQ Q110", "产品含非国产原材料，须确认在中国境内是否仅经过微小加工", "the product has non-Chinese materials: confirm whether production in China was only minimal operations"));
        }
        if a.kind == CertificateKind::Processing {
            if first_use && d.processing_required && p.processing.is_empty() {
                out.push(Finding::new(
                    &PROCESSING_STEPS,
                    ppath.key("processing"),
                    "FAQ Q104",
                    "产品在海关 122 号令清单内且以加工工序判定原产地：须填写加工工序",
                    "the product is on the Order 122 list and processing decides its origin: show the processing steps",
                ));
            }
        } else if !d.originating {
            let why_zh: Vec<&str> = d.notes.iter().map(|n| n.zh.as_str()).collect();
            let why_en: Vec<&str> = d.notes.iter().map(|n| n.en.as_str()).collect();
            out.push(Finding::new(
                &NOT_MET,
                path,
                source,
                format!(
                    "第 {} 项商品不满足{}的原产地规则{}",
                    item.item_no,
                    a.name.value.zh,
                    if why_zh.is_empty() { String::new() } else { format!("：{}", why_zh.join("；")) }
                ),
                format!(
                    "goods item {} does not meet the rules of origin of {}{}",
                    item.item_no,
                    a.name.value.en,
                    if why_en.is_empty() { String::new() } else { format!(": {}", why_en.join("; ")) }
                ),
            ));
        }
        let show_fob = d.fob.is_some();
        if d.fob.as_deref() == Some("required") && !item.show_fob {
            out.push(Finding::new(
                &SHOW_FOB,
                path.key("show_fob"),
                "FAQ Q107",
                format!("第 {} 项商品仅满足区域价值成分标准：须勾选显示 FOB 金额", item.item_no),
                format!("goods item {} qualifies through value content: tick \"show FOB\"", item.item_no),
            ));
        }
        if d.originating && d.criterion_status == Status::Unconfirmed {
            out.push(Finding::new(
                &CRITERION_UNCONFIRMED,
                path,
                a.criteria.source.clone(),
                format!(
                    "第 {} 项商品的原产地标准代码 {} 未经确认",
                    item.item_no,
                    d.criterion.as_deref().unwrap_or("—")
                ),
                format!(
                    "goods item {}: the printed criterion {} is unconfirmed",
                    item.item_no,
                    d.criterion.as_deref().unwrap_or("—")
                ),
            ));
        }
        io.originating = Some(d.originating);
        io.criterion = d.criterion.clone();
        io.criterion_status = Some(d.criterion_status);
        io.show_fob = show_fob;
        io.manufacture_country = d.manufacture_country;
        io.rvc = d.rvc;
        out.derived.origin.push(io);
    }
}

/// The day that picks the product-specific-rule table in force: the goods' export (the export
/// declaration, else the shipment), else the application, else the signing, else the host's
/// today. Origin is decided for the goods as exported, so a certificate issued later (补发) is
/// read under the rules of its export; origo's choice, no text found fixes the day.
fn export_day(cx: &Context<'_>) -> Option<chrono::NaiveDate> {
    let d = &cx.cert.dates;
    d.declaration.or(d.shipment).or(d.application).or(d.signing).or(cx.today)
}

/// FAQ Q38, Q75, Q83, Q101: only an approved pre-review serves a goods item.
fn status_finding(status: ProductStatus, item_no: u32, r: &str, at: Path, out: &mut Outcome) {
    match status {
        ProductStatus::Approved => {}
        ProductStatus::Voided => out.push(Finding::new(
            &VOIDED,
            at,
            "FAQ Q75, Q84",
            format!("第 {item_no} 项商品的产品预审 `{r}` 已作废，不能再用于办理证书"),
            format!("goods item {item_no}: product pre-review `{r}` is voided and can no longer be used"),
        )),
        s => out.push(Finding::new(
            &NOT_APPROVED,
            at,
            "FAQ Q83, Q84",
            format!("第 {item_no} 项商品的产品预审 `{r}` 未审核通过（{s:?}），审核通过后才能办理证书"),
            format!("goods item {item_no}: product pre-review `{r}` is {s:?}; only an approved pre-review can be used"),
        )),
    }
}

/// FAQ Q15: the pre-review names its manufacturer in full.
fn manufacturer_finding(p: &crate::model::Product, ppath: &Path, out: &mut Outcome) {
    let complete =
        p.manufacturer.as_ref().is_some_and(|m| ![&m.name_zh, &m.address].iter().any(|s| s.trim().is_empty()));
    if !complete {
        out.push(Finding::new(
            &INCOMPLETE,
            ppath.key("manufacturer"),
            "FAQ Q15",
            "生产商的中文名称、详细地址和所属国家必须完整填写",
            "the manufacturer's Chinese name, address and country are required",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Certificate, ProductStatus};
    use serde_json::json;

    fn cert(agreement: &str, destination: &str) -> Certificate {
        let text = include_str!("../../../examples/certificates/non_preferential.json");
        let mut c: Certificate = serde_json::from_str(text).unwrap();
        c.agreement = agreement.into();
        c.destination = crate::model::Country::parse(destination).unwrap();
        c
    }

    fn codes(c: &Certificate) -> (Vec<String>, crate::Report) {
        let rb = crate::origin::tests::rulebook();
        let r = crate::check_certificate(c, &rb, None).unwrap();
        let origin = r.findings.iter().filter(|f| f.code.starts_with("origin_"));
        (origin.map(|f| format!("{}@{}", f.code, f.path)).collect(), r)
    }

    #[test]
    fn each_item_gets_its_criterion() {
        let (found, r) = codes(&cert("asean", "VN"));
        assert!(found.is_empty(), "{found:?}");
        let got: Vec<_> = r.derived.origin.iter().map(|o| o.criterion.clone()).collect();
        assert_eq!(
            got,
            [Some("86%".to_string()), Some("PE".to_string())],
            "RVC(40) is the first alternative; 86.67 % is printed rounded down"
        );
    }

    #[test]
    fn pre_review_status_and_presence() {
        let mut c = cert("asean", "VN");
        c.products[0].status = Some(ProductStatus::Voided);
        c.products[1].status = Some(ProductStatus::Pending);
        let (found, _) = codes(&c);
        assert!(found.contains(&"origin_product_voided@goods[0].product_ref".to_string()), "{found:?}");
        assert!(found.contains(&"origin_product_not_approved@goods[1].product_ref".to_string()), "{found:?}");
        c.goods[0].product_ref = None;
        c.goods[1].product_ref = Some("NOPE".into());
        let (found, _) = codes(&c);
        assert!(found.contains(&"origin_product_missing@goods[0].product_ref".to_string()), "{found:?}");
        assert!(found.contains(&"origin_product_unknown@goods[1].product_ref".to_string()), "{found:?}");
    }

    #[test]
    fn a_pre_review_without_status_is_not_taken_as_approved() {
        let mut c = cert("asean", "VN");
        c.products[0].status = None;
        c.goods[1].product_ref = c.goods[0].product_ref.clone();
        let (found, _) = codes(&c);
        assert_eq!(found, ["origin_product_status_missing@products[0].status"], "once per pre-review");
        c.products[0].status = Some(ProductStatus::Approved);
        assert_eq!(codes(&c).0, Vec::<String>::new());
    }

    #[test]
    fn every_type_but_re_export_needs_the_pre_reviews() {
        let rb = crate::origin::tests::rulebook();
        let mut c = cert("asean", "VN");
        c.products.clear();
        let types: Vec<String> = rb.agreements().map(|a| a.code.clone()).filter(|a| a != "re_export").collect();
        assert!(types.len() > 20);
        for a in types {
            c.agreement = a.clone();
            let (found, r) = codes(&c);
            assert!(found.contains(&"origin_product_unknown@goods[0].product_ref".to_string()), "{a}: {found:?}");
            assert!(!r.ok, "{a}");
        }
        c.agreement = "re_export".into();
        let (found, _) = codes(&c);
        assert!(found.is_empty(), "re_export: {found:?}");
    }

    #[test]
    fn not_met_and_fob_display() {
        let mut c = cert("rcep", "JP");
        // Same heading, US material worth 60 %: RCEP general rule absent, 8516 PSR: CTSH or RVC(40).
        c.products[0].materials[1] =
            serde_json::from_value(json!({"name": "BASE", "hs_code": "8516.71", "origin": "US", "value": "5.00"}))
                .unwrap();
        c.products[0].materials[0].origin =
            crate::model::MaterialOrigin::Country(crate::model::Country::parse("US").unwrap());
        let (found, _) = codes(&c);
        assert!(found.contains(&"origin_not_met@goods[0]".to_string()), "{found:?}");
        c.products[0].materials[1].value = "3.00".parse().unwrap();
        let (found, r) = codes(&c);
        assert_eq!(r.derived.origin[0].criterion.as_deref(), Some("RVC"));
        assert!(found.contains(&"origin_show_fob_required@goods[0].show_fob".to_string()), "{found:?}");
        c.goods[0].show_fob = true;
        assert!(!codes(&c).0.iter().any(|f| f.starts_with("origin_show_fob")));
    }

    #[test]
    fn processing_certificate_needs_steps_for_listed_goods() {
        let mut c = cert("processing", "DE");
        c.products[0].hs_code = crate::model::HsCode::parse("8471.30").unwrap();
        c.products[0].processing.clear();
        let (found, r) = codes(&c);
        assert!(found.contains(&"origin_processing_steps_missing@products[0].processing".to_string()), "{found:?}");
        assert_eq!(r.derived.origin[0].manufacture_country.as_ref().map(|c| c.as_str()), Some("CN"));
    }
}
