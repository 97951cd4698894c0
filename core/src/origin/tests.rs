use super::*;
use crate::model::Product;
use proptest::prelude::*;
use serde_json::json;

pub(crate) fn rulebook() -> Rulebook {
    Rulebook::with_extra(&[
        ("agreements/apta.toml", include_str!("testdata/apta.toml")),
        ("agreements/asean.toml", include_str!("testdata/asean.toml")),
        ("agreements/pakistan.toml", include_str!("testdata/pakistan.toml")),
        ("agreements/processing.toml", include_str!("testdata/processing.toml")),
        ("agreements/rcep.toml", include_str!("testdata/rcep.toml")),
        ("agreements/switzerland.toml", include_str!("testdata/switzerland.toml")),
        ("psr/non_preferential.csv", include_str!("testdata/non_preferential_psr.csv")),
        ("psr/rcep.csv", include_str!("testdata/rcep_psr.csv")),
        ("psr/switzerland.csv", include_str!("testdata/switzerland_psr.csv")),
    ])
    .unwrap()
}

/// A product: HS code, unit FOB, and materials as (HS, origin, value).
fn product(hs: &str, fob: &str, mats: &[(&str, &str, &str)]) -> Product {
    let materials: Vec<_> =
        mats.iter().map(|(h, o, v)| json!({"name": format!("M-{h}"), "hs_code": h, "origin": o, "value": v})).collect();
    serde_json::from_value(json!({
        "id": "P1", "hs_code": hs, "name_en": "THING", "currency": "USD", "unit_fob": fob, "unit_exw": fob,
        "manufacturer": {"name_zh": "某厂", "address": "某地", "country": "CN"},
        "materials": materials, "minimal_operations": []
    }))
    .unwrap()
}

fn run(rb: &Rulebook, code: &str, p: &Product) -> Determination {
    determine(p, rb.agreement(code).unwrap(), rb, None, None).unwrap()
}

#[test]
fn form_e_wholly_obtained_and_produced_entirely() {
    let rb = rulebook();
    let mut p = product("0803", "10", &[]);
    p.wholly_obtained = true;
    assert_eq!(run(&rb, "asean", &p).criterion.as_deref(), Some("WO"));
    let p = product("8516.71", "10", &[("7323", "CN", "3"), ("9032", "VN", "2")]);
    let d = run(&rb, "asean", &p);
    assert_eq!((d.criterion.as_deref(), d.accumulation), (Some("PE"), true));
}

#[test]
fn form_e_rvc_at_the_threshold_and_one_cent_under() {
    let rb = rulebook();
    // Same heading as the product: CTH fails, so RVC decides.
    let p = product("8516.71", "100.00", &[("8516.90", "JP", "60.00")]);
    let d = run(&rb, "asean", &p);
    assert!(d.originating);
    assert_eq!(d.criterion.as_deref(), Some("40%"));
    assert_eq!(d.fob.as_deref(), Some("auto"));
    assert_eq!(d.rvc, Some(Decimal::new(40, 0)));
    let p = product("8516.71", "100.00", &[("8516.90", "JP", "60.01")]);
    let d = run(&rb, "asean", &p);
    assert!(!d.originating);
    assert_eq!(d.rvc, Some("39.99".parse().unwrap()));
}

#[test]
fn printed_percentage_is_rounded_down() {
    let rb = rulebook();
    let p = product("8516.71", "100.00", &[("8516.90", "JP", "52.10")]);
    let d = run(&rb, "asean", &p);
    assert_eq!(d.rvc, Some("47.90".parse().unwrap()));
    assert_eq!(d.criterion.as_deref(), Some("47%"));
    assert!(d.rounding.unwrap().contains("rounded down"));
}

#[test]
fn form_e_cth_pass_and_fail() {
    let rb = rulebook();
    let p = product("8516.71", "100", &[("9032.10", "JP", "70")]);
    let d = run(&rb, "asean", &p);
    assert_eq!(d.criterion.as_deref(), Some("CTH"));
    let failing = d.trace.iter().filter(|s| s.kind == "value" && s.passed == Some(false)).count();
    assert_eq!(failing, 1, "the RVC alternative is traced too");
    let p = product("8516.71", "100", &[("8516.90", "JP", "70")]);
    assert!(!run(&rb, "asean", &p).originating);
}

#[test]
fn accumulation_on_and_off() {
    let rb = rulebook();
    let with = product("8516.71", "100", &[("8516.90", "VN", "70")]);
    let d = run(&rb, "asean", &with);
    assert!(d.originating && d.accumulation, "{:?}", d.trace);
    let without = product("8516.71", "100", &[("8516.90", "US", "70")]);
    assert!(!run(&rb, "asean", &without).originating);
    let d = run(&rb, "rcep", &product("8541.10", "100", &[("8541.10", "JP", "40"), ("8541.10", "US", "50")]));
    assert_eq!(d.criterion_lines, vec!["RVC", "ACU"]);
    assert_eq!(d.criterion.as_deref(), Some("RVC ACU"));
}

#[test]
fn unknown_origin_never_originates() {
    let rb = rulebook();
    let p = product("8516.71", "100", &[("8516.90", "unknown", "70")]);
    let d = run(&rb, "asean", &p);
    assert!(!d.originating);
    assert!(d.trace.iter().any(|s| s.kind == "material" && s.message().en.contains("origin unknown")));
}

#[test]
fn de_minimis_prints_dmi() {
    let rb = rulebook();
    // 8516 PSR: CTSH or RVC(40). A same-subheading part worth 9 % of FOB is within 10 % de minimis.
    let p = product("8516.71", "100", &[("8516.71", "US", "9"), ("7323.93", "US", "55")]);
    let d = run(&rb, "rcep", &p);
    assert_eq!(d.criterion.as_deref(), Some("CTC DMI"), "{:#?}", d.trace);
    assert!(d.de_minimis);
    let p = product("8516.71", "100", &[("8516.71", "US", "11"), ("7323.93", "US", "55")]);
    assert!(!run(&rb, "rcep", &p).originating);
}

#[test]
fn exceptions_in_psr_rows() {
    let rb = rulebook();
    let excepted = product("1517.10", "100", &[("1511.10", "US", "70")]);
    let d = run(&rb, "rcep", &excepted);
    assert!(!d.originating);
    assert!(d.trace.iter().any(|s| s.message().en.contains("excepted 15.11")));
    let other = product("1517.10", "100", &[("1512.11", "US", "70")]);
    let d = run(&rb, "rcep", &other);
    assert_eq!(d.criterion.as_deref(), Some("CTC"));
    assert_eq!(d.rule.unwrap().hs_prefix.as_deref(), Some("1517"));
}

#[test]
fn chemical_reaction_prints_cr() {
    let rb = rulebook();
    let mut p = product("2901.10", "100", &[("2901.10", "US", "90")]);
    p.chemical_reaction = true;
    assert_eq!(run(&rb, "rcep", &p).criterion.as_deref(), Some("CR"));
}

#[test]
fn minimal_operations_gate() {
    let rb = rulebook();
    let mut p = product("8516.71", "100", &[("9032.10", "US", "10")]);
    p.minimal_operations = Some(vec!["packaging".into(), "marking".into()]);
    let d = run(&rb, "rcep", &p);
    assert!(!d.originating);
    let gate = d.trace.iter().find(|s| s.kind == "gate").unwrap();
    assert!(gate.message().en.contains("affixing marks"), "{}", gate.message().en);
    // Freezing is minimal under China–Switzerland, not under RCEP.
    p.minimal_operations = Some(vec!["freezing_thawing".into()]);
    assert!(run(&rb, "rcep", &p).originating);
    // Form E has no list of its own here: the Chinese list applies (FAQ Q110).
    p.minimal_operations = Some(vec!["preservation".into()]);
    let d = run(&rb, "asean", &p);
    assert!(!d.originating && d.trace.iter().any(|s| s.message().en.contains("transport or storage")));
    p.minimal_operations = None;
    let d = run(&rb, "asean", &p);
    assert!(d.originating && d.notes.iter().any(|n| n.en.contains("Q110")));
}

#[test]
fn apta_prints_letter_and_percentage() {
    let rb = rulebook();
    let d = run(&rb, "apta", &product("8516.71", "100", &[("8516.90", "US", "45.50")]));
    assert_eq!(d.criterion.as_deref(), Some("B 46%"), "a non-originating share (a ceiling) is rounded up");
    let d = run(&rb, "apta", &product("8516.71", "100", &[("8516.90", "KR", "38"), ("8516.90", "US", "38")]));
    assert_eq!(d.criterion.as_deref(), Some("C 62%"), "{:#?}", d.trace);
    let mut p = product("0803", "10", &[]);
    p.wholly_obtained = true;
    assert_eq!(run(&rb, "apta", &p).criterion.as_deref(), Some("A"));
}

#[test]
fn pakistan_prints_p_and_percentage() {
    let rb = rulebook();
    let d = run(&rb, "pakistan", &product("8516.71", "100", &[("8516.90", "US", "59.50")]));
    assert_eq!(d.criterion.as_deref(), Some("40%"));
    let d = run(&rb, "pakistan", &product("8516.71", "100", &[("8516.90", "CN", "59.50")]));
    assert_eq!(d.criterion.as_deref(), Some("100%"), "no PE code: the general rule decides");
    let mut p = product("0803", "10", &[]);
    p.wholly_obtained = true;
    assert_eq!(run(&rb, "pakistan", &p).criterion.as_deref(), Some("P"));
}

#[test]
fn unconfirmed_codes_are_said_so() {
    let rb = rulebook();
    let d = run(&rb, "switzerland", &product("8516.71", "100", &[("8516.90", "US", "50")]));
    assert!(d.originating);
    assert_eq!(d.criterion.as_deref(), Some("PSR"));
    assert_eq!(d.criterion_status, Status::Unconfirmed);
    assert!(d.notes.iter().any(|n| n.en.contains("unconfirmed")));
    assert!(!run(&rb, "switzerland", &product("8516.71", "100", &[("8516.90", "US", "50.01")])).originating);
}

#[test]
fn processing_certificate_box_11_and_order_122() {
    let rb = rulebook();
    let p = product(
        "8471.30",
        "100",
        &[("8542", "KR", "30"), ("8473", "JP", "20"), ("8473", "KR", "15"), ("4819", "CN", "5")],
    );
    let d = run(&rb, "processing", &p);
    assert_eq!(d.manufacture_country.as_ref().map(Country::as_str), Some("KR"));
    assert!(d.processing_required);
    let d = run(&rb, "processing", &product("9403", "100", &[("4410", "VN", "30")]));
    assert!(!d.processing_required);
}

#[test]
fn non_preferential_ad_valorem_only_for_listed_goods() {
    let rb = rulebook();
    // Listed (8471): CTH or RVC(30, EXW).
    let d = run(&rb, "non_preferential", &product("8471.30", "100", &[("8471.30", "US", "70")]));
    assert!(d.originating);
    assert!(d.criterion.is_none());
    assert!(!run(&rb, "non_preferential", &product("8471.30", "100", &[("8471.30", "US", "70.01")])).originating);
    // Not listed: only the heading change.
    assert!(!run(&rb, "non_preferential", &product("8516.71", "100", &[("8516.90", "US", "1")])).originating);
}

#[test]
fn compare_ranks_originating_agreements_first() {
    let rb = rulebook();
    let p = product("8516.71", "100", &[("8516.90", "US", "65")]);
    let c = compare(&p, &Country::parse("VN").unwrap(), &rb).unwrap();
    let codes: Vec<_> = c.decisions.iter().map(|d| d.agreement.as_str()).collect();
    assert_eq!(codes, ["rcep", "asean"]);
    assert_eq!(c.originating, ["rcep"]);
}

#[test]
fn bad_products_are_errors() {
    let rb = rulebook();
    let a = rb.agreement("asean").unwrap();
    let cases = [
        (product("8516", "10", &[("8516", "US", "11")]), "product.materials"),
        (product("8516", "10", &[("8516", "US", "0")]), "product.materials[0].value"),
        (product("8516", "-1", &[]), "product.unit_fob"),
    ];
    for (p, path) in cases {
        let e = determine(&p, a, &rb, None, None).unwrap_err();
        assert_eq!((e.code, e.path.as_str()), ("product_invalid", path));
    }
    let mut p = product("8516", "10", &[]);
    p.minimal_operations = Some(vec!["teleportation".into()]);
    assert_eq!(determine(&p, a, &rb, None, None).unwrap_err().path, "product.minimal_operations[0]");
    let mut p = product("8516", "10", &[]);
    p.materials = vec![product("8516", "10", &[("8516", "US", "1")]).materials[0].clone(); 100_000];
    assert_eq!(determine(&p, a, &rb, None, None).unwrap_err().code, "too_many_materials");
    let huge = product("8516", "79228162514264337593543950335", &[("8516", "US", "79228162514264337593543950335")]);
    assert_eq!(determine(&huge, a, &rb, None, None).unwrap_err().code, "product_invalid");
}

#[test]
fn malformed_rules_are_refused_with_file_row_and_column() {
    let e = Rulebook::with_extra(&[
        ("agreements/rcep.toml", include_str!("testdata/rcep.toml")),
        ("psr/rcep.csv", "hs_prefix,rule,source\n8516,CTSH or RVC(40,test\n8517,CTH oops,x\n"),
    ])
    .unwrap_err();
    assert_eq!(e.path, "psr/rcep.csv: row 2, rule, column 15", "{}", e.message.en);
    let bad = include_str!("testdata/asean.toml").replace("RVC(40) or CTH", "RVC(40) or CTX");
    let e = Rulebook::with_extra(&[("agreements/asean.toml", &bad)]).unwrap_err();
    assert_eq!(e.path, "agreements/asean.toml: general_rule, column 12");
    let e = Rulebook::with_extra(&[("psr/nowhere.csv", "hs_prefix,rule,source\n")]).unwrap_err();
    assert!(e.message.en.contains("no agreement `nowhere`"));
}

#[test]
fn short_hs_codes_cannot_meet_a_tariff_change() {
    let rb = rulebook();
    let d = run(&rb, "asean", &product("85", "100", &[("8516.90", "US", "70")]));
    assert!(!d.originating);
    assert!(d.trace.iter().any(|s| s.message().en.contains("fewer than 4 digits")));
}

fn arb_product() -> impl Strategy<Value = Product> {
    let mat = (prop_oneof![Just("CN"), Just("VN"), Just("US"), Just("unknown")], 1u32..5000, 0usize..4);
    (10_000u32..200_000, prop::collection::vec(mat, 0..8)).prop_map(|(fob, mats)| {
        let hs = ["8516.90", "9032.10", "8516.71", "7323.93"];
        let total: u32 = mats.iter().map(|m| m.1).sum();
        let fob = fob.max(total);
        let mats: Vec<(String, String, String)> = mats
            .iter()
            .map(|(o, v, h)| (hs[*h].to_string(), o.to_string(), Decimal::new(i64::from(*v), 2).to_string()))
            .collect();
        let refs: Vec<(&str, &str, &str)> = mats.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())).collect();
        product("8516.71", &Decimal::new(i64::from(fob), 2).to_string(), &refs)
    })
}

/// RCEP with a build-up row for the test products' heading.
fn build_up_table(rb: &Rulebook) -> PsrTable {
    PsrTable::parse("psr/rcep.csv", "hs_prefix,rule,source\n8516,\"RVC(40, build-up)\",test\n", rb.limits()).unwrap()
}

fn arb_costs() -> impl Strategy<Value = crate::model::Costs> {
    (0u32..3000, 0u32..3000, 0u32..3000, 0u32..3000).prop_map(|(l, o, p, x)| crate::model::Costs {
        direct_labour: Decimal::new(i64::from(l), 2),
        direct_overhead: Decimal::new(i64::from(o), 2),
        profit: Decimal::new(i64::from(p), 2),
        other: Decimal::new(i64::from(x), 2),
    })
}

#[test]
fn build_up_needs_costs() {
    let rb = rulebook();
    let a = rb.agreement("rcep").unwrap();
    let t = build_up_table(&rb);
    let mut p = product("8516.71", "100.00", &[("8516.90", "US", "50.00"), ("7323.93", "CN", "10.00")]);
    let d = determine_with(&p, a, &rb, None, Some(&t)).unwrap();
    assert!(!d.originating && d.rvc.is_none());
    assert!(d.trace.iter().any(|s| s.passed == Some(false) && s.message().en.contains("has none")));
    let cost = |l: i64| crate::model::Costs {
        direct_labour: Decimal::new(l, 2),
        direct_overhead: Decimal::new(1000, 2),
        profit: Decimal::ZERO,
        other: Decimal::new(500, 2),
    };
    p.costs = Some(cost(1500));
    let d = determine_with(&p, a, &rb, None, Some(&t)).unwrap();
    assert_eq!((d.originating, d.criterion.as_deref(), d.rvc), (true, Some("RVC"), Some(Decimal::new(40, 0))));
    p.costs = Some(cost(1499));
    let d = determine_with(&p, a, &rb, None, Some(&t)).unwrap();
    assert_eq!((d.originating, d.rvc), (false, Some("39.99".parse().unwrap())));
}

proptest! {
    #[test]
    fn an_originating_material_never_hurts(p in arb_product(), pick in 0usize..8, code in prop_oneof![Just("asean"), Just("rcep"), Just("apta"), Just("pakistan"), Just("switzerland")]) {
        let rb = rulebook();
        let before = run(&rb, code, &p);
        prop_assume!(before.originating && !p.materials.is_empty());
        let mut q = p.clone();
        let i = pick % q.materials.len();
        q.materials[i].origin = MaterialOrigin::Country(Country::china());
        prop_assert!(run(&rb, code, &q).originating);
    }

    #[test]
    fn build_down_rvc_is_exact(p in arb_product()) {
        let rb = rulebook();
        let d = run(&rb, "pakistan", &p);
        let fob = p.unit_fob.unwrap_or_default();
        let vnm: Decimal = p.materials.iter().filter(|m| !matches!(&m.origin, MaterialOrigin::Country(c) if c.as_str() == "CN")).map(|m| m.value).sum();
        if let Some(rvc) = d.rvc {
            prop_assert_eq!(rvc, (fob - vnm) * Decimal::ONE_HUNDRED / fob);
            prop_assert_eq!(d.originating, (fob - vnm) * Decimal::ONE_HUNDRED >= Decimal::new(40, 0) * fob);
        }
    }

    #[test]
    fn build_up_rvc_is_exact_and_originating_materials_never_hurt(p in arb_product(), costs in arb_costs(), pick in 0usize..8) {
        let rb = rulebook();
        let a = rb.agreement("rcep").unwrap();
        let t = build_up_table(&rb);
        let mut p = p;
        p.costs = Some(costs.clone());
        let d = determine_with(&p, a, &rb, None, Some(&t)).unwrap();
        let fob = p.unit_fob.unwrap_or_default();
        let counts = |m: &crate::model::Material| match &m.origin {
            MaterialOrigin::Country(c) => c.as_str() == "CN" || a.cumulation.value.iter().any(|x| x == c.as_str()),
            MaterialOrigin::Unknown => false,
        };
        let vom: Decimal = p.materials.iter().filter(|m| counts(m)).map(|m| m.value).sum();
        let added = vom + costs.direct_labour + costs.direct_overhead + costs.profit + costs.other;
        if p.materials.iter().any(|m| !counts(m)) {
            prop_assert_eq!(d.rvc, Some(added * Decimal::ONE_HUNDRED / fob));
            prop_assert_eq!(d.originating, added * Decimal::ONE_HUNDRED >= Decimal::new(40, 0) * fob);
        }
        if d.originating && !p.materials.is_empty() {
            let mut q = p.clone();
            let i = pick % q.materials.len();
            q.materials[i].origin = MaterialOrigin::Country(Country::china());
            prop_assert!(determine_with(&q, a, &rb, None, Some(&t)).unwrap().originating);
        }
    }
}
