use crate::check::{check, SealShown};
use crate::model::{Attachment, AttachmentKind, Certificate, LetterOfCredit, PackagingMode, Party};
use crate::rulebook::{Agreement, CertificateKind};
use crate::{Report, Rulebook};

fn rb() -> Rulebook {
    Rulebook::builtin().unwrap()
}

fn cert() -> Certificate {
    let text = include_str!("../../../../examples/certificates/non_preferential.json");
    serde_json::from_str(text).unwrap()
}

/// A preferential agreement built from the non-preferential one, for tests that need print facts.
fn preferential(code: &str) -> Agreement {
    let mut a = rb().agreement("non_preferential").unwrap().clone();
    a.code = code.to_string();
    a.kind = CertificateKind::Preferential;
    a.parties.value = vec!["*".into()];
    a
}

fn with_docs(mut c: Certificate) -> Certificate {
    c.customs_registration_code = Some("3302960123".into());
    c.attachments.push(Attachment {
        kind: AttachmentKind::CommercialInvoice,
        name: "inv.pdf".into(),
        media_type: Some("application/pdf".into()),
        data_base64: None,
    });
    c
}

fn run(c: &Certificate, a: &Agreement) -> Report {
    check(c, a, &rb(), None)
}

fn codes(r: &Report) -> Vec<&str> {
    r.findings.iter().map(|f| f.code.as_str()).collect()
}

#[test]
fn example_is_clean_and_fully_derived() {
    let rb = rb();
    let a = rb.agreement("non_preferential").unwrap();
    let r = run(&cert(), a);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    let g = &r.derived.goods[0];
    assert_eq!(g.description_text, "600 CARTONS ELECTRIC KETTLES");
    assert_eq!(g.marks_text, "MUELLER\nSTUTTGART\nC/NO. 1-600");
    assert_eq!(g.hs_code_text.as_deref(), Some("8516.71"));
    assert_eq!(g.quantity_text, "3600 PCS");
    assert_eq!(g.gross_weight_text.as_deref(), Some("5400 KGS"));
    assert!(r.derived.content.exporter_text.starts_with("NINGBO HAIXING"));
    assert!(r.derived.print.printable && r.derived.print.electronic_seal);
    assert_eq!(r.derived.print.seal, SealShown::Official);
}

#[test]
fn packaging_modes_fill_the_description() {
    let rb = rb();
    let a = rb.agreement("non_preferential").unwrap();
    let mut c = cert();
    c.goods[0].packaging = PackagingMode::TotalPackaging;
    c.goods[1].packaging = PackagingMode::InBulk;
    let r = run(&c, a);
    assert_eq!(r.derived.goods[0].description_text, "ELECTRIC KETTLES");
    assert_eq!(r.derived.goods[1].description_text, "ELECTRIC TOASTERS IN BULK");
    c.goods[1].description = Some("300 CARTONS ELECTRIC TOASTERS".into());
    let r = run(&c, a);
    assert!(codes(&r).contains(&"description_contradicts_packaging"));
    assert_eq!(r.derived.goods[1].description_text, "300 CARTONS ELECTRIC TOASTERS");
    c.goods[0].packaging = PackagingMode::Standard;
    c.goods[0].package_count = None;
    assert!(codes(&run(&c, a)).contains(&"packages_missing"));
}

#[test]
fn marks_over_a_confirmed_limit_become_see_attachment() {
    let mut a = preferential("rcep");
    a.print.marks_max_chars.value = Some(10);
    a.print.marks_max_chars.status = crate::rulebook::Status::Confirmed;
    let c = with_docs(cert());
    let r = run(&c, &a);
    assert_eq!(r.derived.goods[0].marks_text, "SEE ATTACHMENT");
    let f = r.findings.iter().find(|f| f.code == "marks_too_long").unwrap();
    assert_eq!(f.severity, crate::Severity::Error, "no image attached yet");
    // Unconfirmed limit: no published number, only the input bound applies.
    a.print.marks_max_chars.status = crate::rulebook::Status::Unconfirmed;
    assert!(!codes(&run(&c, &a)).contains(&"marks_too_long"));
    a.print.marks_max_chars.status = crate::rulebook::Status::Confirmed;
    let mut c = c;
    c.attachments.push(Attachment {
        kind: AttachmentKind::MarksImage,
        name: "marks.png".into(),
        media_type: Some("image/png".into()),
        data_base64: None,
    });
    let r = run(&c, &a);
    let f = r.findings.iter().find(|f| f.code == "marks_too_long").unwrap();
    assert_eq!(f.severity, crate::Severity::Warning);
    assert!(r.ok, "{:?}", r.findings);
}

#[test]
fn hs_digits_follow_the_form() {
    let rb = rb();
    let a = rb.agreement("non_preferential").unwrap();
    let mut c = cert();
    c.print.hs_digits = Some(8);
    let r = run(&c, a);
    assert_eq!(r.findings.iter().filter(|f| f.code == "hs_code_too_short").count(), 2);
    c.print.hs_digits = Some(4);
    assert_eq!(run(&c, a).derived.goods[0].hs_code_text.as_deref(), Some("8516"));
    c.print.hs_digits = Some(5);
    assert!(codes(&run(&c, a)).contains(&"hs_digits_invalid"));
    let mut apta = preferential("apta");
    apta.print.hs_digits.value = Some(6);
    let mut c = with_docs(cert());
    c.print.hs_digits = Some(4);
    let r = run(&c, &apta);
    assert!(codes(&r).contains(&"hs_digits_fixed"));
    assert_eq!(r.derived.goods[1].hs_code_text.as_deref(), Some("8516.72"));
}

#[test]
fn ecfa_needs_an_early_harvest_code() {
    let mut ecfa = preferential("ecfa");
    ecfa.print.language.value = "zh".into();
    let mut c = with_docs(cert());
    let r = run(&c, &ecfa);
    assert_eq!(r.findings.iter().filter(|f| f.code == "no_usable_8_digit_hs").count(), 2);
    c.goods.truncate(1);
    c.goods[0].hs_code = crate::model::HsCode::parse("2803.00.10").unwrap();
    let r = run(&c, &ecfa);
    assert!(!codes(&r).contains(&"no_usable_8_digit_hs"), "{:?}", r.findings);
    assert_eq!(r.derived.goods[0].hs_code_text.as_deref(), Some("2803.00.10"));
    assert!(r.derived.content.exporter_text.starts_with("宁波海星电器有限公司"));
    c.goods[0].hs_code = crate::model::HsCode::parse("28030090").unwrap();
    let f = run(&c, &ecfa).findings.into_iter().find(|f| f.code == "no_usable_8_digit_hs").unwrap();
    assert_eq!(f.severity, crate::Severity::Error, "the list is complete");
    c.exporter.name_zh = None;
    assert!(codes(&run(&c, &ecfa)).contains(&"exporter_name_missing"));
}

#[test]
fn remarks_special_clause_and_lc() {
    let rb = rb();
    let a = rb.agreement("non_preferential").unwrap();
    let mut c = cert();
    c.remarks = Some("ORDER 42".into());
    c.print.show_lc = true;
    assert!(codes(&run(&c, a)).contains(&"lc_missing"));
    c.letter_of_credit =
        Some(LetterOfCredit { number: "LC123".into(), date: chrono::NaiveDate::from_ymd_opt(2026, 2, 1) });
    let r = run(&c, a);
    assert_eq!(r.derived.content.remarks_text, None);
    assert_eq!(r.derived.content.special_clause_text.as_deref(), Some("ORDER 42\nL/C NO. LC123 DATED 2026-02-01"));
    assert!(codes(&r).contains(&"remarks_to_special_clause"));
    let mut with_box = preferential("rcep");
    with_box.print.remarks_box.value = true;
    let r = run(&with_docs(c), &with_box);
    assert_eq!(r.derived.content.remarks_text.as_deref(), Some("ORDER 42\nL/C NO. LC123 DATED 2026-02-01"));
}

#[test]
fn double_header_and_manufacturer() {
    let rb = rb();
    let a = rb.agreement("non_preferential").unwrap();
    let mut c = cert();
    c.print.double_header = true;
    assert!(codes(&run(&c, a)).contains(&"double_header_no_intermediary"));
    c.intermediary = Some(Party { name: "HK TRADING LTD.".into(), ..Party::default() });
    let r = run(&c, a);
    assert!(r.derived.content.exporter_text.ends_with("\nVIA HK TRADING LTD."), "{}", r.derived.content.exporter_text);
    let mut peru = preferential("peru");
    peru.print.manufacturer_box.value = true;
    let mut c = with_docs(c);
    assert!(codes(&run(&c, &peru)).contains(&"double_header_not_allowed"));
    c.print.double_header = false;
    c.print.manufacturer_confidential = true;
    let r = run(&c, &peru);
    assert_eq!(r.derived.content.producer_text.as_deref(), Some("AVAILABLE TO THE AUTHORIZED BODY UPON REQUEST"));
    let mut rcep = peru.clone();
    rcep.code = "rcep".into();
    assert!(codes(&run(&c, &rcep)).contains(&"manufacturer_wording_unknown"));
}

#[test]
fn print_decisions() {
    let mut a = preferential("asean");
    a.print.manual_stamp_destinations.value = vec!["PH".into()];
    a.print.download_only_destinations.value = vec!["ID".into()];
    a.print.back_page.value = true;
    let mut c = with_docs(cert());
    c.destination = crate::model::Country::parse("PH").unwrap();
    c.print.bilingual_seal = true;
    let p = run(&c, &a).derived.print;
    assert!(p.manual_stamp && !p.electronic_seal && p.back_page && !p.downloadable);
    assert_eq!(p.seal, SealShown::None);
    c.destination = crate::model::Country::parse("ID").unwrap();
    let p = run(&c, &a).derived.print;
    assert!(p.downloadable && p.electronic_seal);
    assert_eq!(p.seal, SealShown::Bilingual);
    c.origin_system = Some("Single Window".into());
    let r = run(&c, &a);
    assert!(!r.derived.print.printable && !r.derived.print.downloadable);
    assert!(codes(&r).contains(&"single_window_certificate"));
}

#[test]
fn preferential_documents_and_customs_code() {
    let a = preferential("asean");
    let c = cert();
    let r = run(&c, &a);
    assert!(codes(&r).contains(&"supporting_documents_missing"));
    assert!(codes(&r).contains(&"customs_registration_code_missing"));
    let mut c = c;
    c.print.auto_invoice = true;
    assert!(!codes(&run(&c, &a)).contains(&"supporting_documents_missing"));
}
