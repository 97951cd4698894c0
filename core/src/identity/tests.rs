use super::*;
use crate::Rulebook;
use proptest::prelude::*;

fn rules() -> LifecycleRules {
    Rulebook::builtin().unwrap().lifecycle().clone()
}

fn code(a: &IdAnswer) -> &str {
    a.reason.as_ref().map_or("", |r| r.code.as_str())
}

#[test]
fn published_codes_are_valid() {
    for v in ["91110000600037341L", "91350100M000100Y43"] {
        let a = uscc(v);
        assert!(a.valid, "{v}: {:?}", a.reason);
        assert_eq!(a.normalized.as_deref(), Some(v));
    }
    for v in ["11010519491231002X", "440524188001010014", "360426199101010071"] {
        assert!(resident(v).valid, "{v}: {:?}", resident(v).reason);
    }
}

#[test]
fn registration_authority_letters_are_allowed_in_positions_one_and_two() {
    // N = agriculture, Y = other authorities (GB 32100-2015); a popular validator wants digits there.
    for body in ["N2110000MA0000001", "Y1440300MA5DXXXX0", "A1110000000000000"] {
        let code = format!("{body}{}", uscc_check(body).unwrap());
        assert!(uscc(&code).valid, "{code}: {:?}", uscc(&code).reason);
    }
}

#[test]
fn bad_forms_are_refused_with_codes_and_a_cleaned_suggestion() {
    let cases = [
        ("", "id_empty", None),
        ("91110000 600037341L", "id_whitespace", Some("91110000600037341L")),
        ("91110000600037341l", "id_lowercase", Some("91110000600037341L")),
        ("９1110000600037341L", "id_full_width", Some("91110000600037341L")),
        ("91110000600037341", "id_wrong_length", None),
        ("91110000600037341LL", "id_wrong_length", None),
        ("9111000060003734IL", "id_bad_character", None),
        ("91A10000600037341L", "id_bad_character", None),
        ("91110000600037341M", "id_bad_check_character", None),
        ("911100006000373４1L", "id_full_width", Some("91110000600037341L")),
        ("91110000600037341L\u{3000}", "id_whitespace", Some("91110000600037341L")),
        ("9111000060003734é1", "id_bad_character", None),
    ];
    for (v, want, norm) in cases {
        let a = uscc(v);
        assert!(!a.valid, "{v}");
        assert_eq!(code(&a), want, "{v}");
        assert_eq!(a.normalized.as_deref(), norm, "{v}");
        let r = a.reason.unwrap();
        assert!(!r.zh.is_empty() && !r.en.is_empty());
    }
    assert_eq!(code(&resident("11010519491231002x")), "id_lowercase");
    assert_eq!(resident("11010519491231002x").normalized.as_deref(), Some("11010519491231002X"));
    assert_eq!(code(&resident("110105194902300028")), "id_bad_birth_date");
    assert_eq!(code(&resident("11010519491231002")), "id_wrong_length");
    assert_eq!(code(&resident("1101051949123100X2")), "id_bad_character");
    assert_eq!(code(&resident("110105194912310021")), "id_bad_check_character");
}

#[test]
fn account_names_follow_q48() {
    let rules = rules();
    for ok in ["origo2024", "ABCDEFGH", "a1b2c3d4e5f6g7h8i9j0", "12345678"] {
        assert!(account(&rules, ok).valid, "{ok}: {:?}", account(&rules, ok).reason);
    }
    let cases = [
        ("abc1234", "id_wrong_length"),
        ("a1b2c3d4e5f6g7h8i9j0k", "id_wrong_length"),
        ("origo-2024", "id_bad_character"),
        ("origo@2024", "id_bad_character"),
        ("张三账号一二三四五", "id_bad_character"),
        ("ｏｒｉｇｏ2024", "id_full_width"),
        ("origo 2024", "id_whitespace"),
        ("13812345678", "id_account_is_phone"),
        ("", "id_empty"),
    ];
    for (v, want) in cases {
        assert_eq!(code(&account(&rules, v)), want, "{v}");
    }
    assert_eq!(account(&rules, "ｏｒｉｇｏ2024").normalized.as_deref(), Some("origo2024"));
    assert!(account(&rules, "12812345678").valid, "not a mobile block, so not a phone number");
}

#[test]
fn mobile_numbers() {
    let rules = rules();
    assert!(mobile(&rules, "13812345678").valid);
    assert_eq!(code(&mobile(&rules, "12812345678")), "id_bad_mobile_prefix");
    assert_eq!(code(&mobile(&rules, "1381234567")), "id_wrong_length");
    assert_eq!(code(&mobile(&rules, "138-1234-567")), "id_wrong_length");
    assert_eq!(code(&mobile(&rules, "1381234567a")), "id_bad_character");
    assert_eq!(mobile(&rules, "138 1234 5678").normalized.as_deref(), Some("13812345678"));
}

const USCC_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

fn uscc_body() -> impl Strategy<Value = String> {
    let sym = proptest::sample::select(USCC_CHARS.chars().collect::<Vec<_>>());
    let digit = proptest::sample::select("0123456789".chars().collect::<Vec<_>>());
    (proptest::collection::vec(sym.clone(), 2), proptest::collection::vec(digit, 6), proptest::collection::vec(sym, 9))
        .prop_map(|(a, b, c)| a.into_iter().chain(b).chain(c).collect())
}

fn resident_number() -> impl Strategy<Value = String> {
    (110_000u32..=820_000, 0i64..60_000, 0u32..1000).prop_map(|(area, days, seq)| {
        let birth = NaiveDate::from_ymd_opt(1870, 1, 1).unwrap() + chrono::Duration::days(days);
        let body = format!("{area:06}{}{seq:03}", birth.format("%Y%m%d"));
        format!("{body}{}", resident_check(&body).unwrap())
    })
}

/// Every code with exactly one character replaced by another symbol of the identifiers' world.
fn corruptions(valid: &str) -> impl Iterator<Item = String> + '_ {
    const OTHERS: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZax-０Ｘ ";
    (0..valid.len()).flat_map(move |i| {
        OTHERS.chars().filter_map(move |c| {
            let orig = valid[i..].chars().next()?;
            (c != orig).then(|| format!("{}{c}{}", &valid[..i], &valid[i + 1..]))
        })
    })
}

proptest! {
    #[test]
    fn generated_usccs_are_valid_and_every_single_corruption_is_caught(body in uscc_body()) {
        let code = format!("{body}{}", uscc_check(&body).unwrap());
        prop_assert!(uscc(&code).valid, "{}", code);
        for bad in corruptions(&code) {
            let a = uscc(&bad);
            prop_assert!(!a.valid, "{} accepted", bad);
            prop_assert!(a.reason.is_some());
        }
    }

    #[test]
    fn generated_resident_ids_are_valid_and_every_single_corruption_is_caught(id in resident_number()) {
        prop_assert!(resident(&id).valid, "{}", id);
        for bad in corruptions(&id) {
            prop_assert!(!resident(&bad).valid, "{} accepted", bad);
        }
    }

    #[test]
    fn an_account_is_refused_exactly_when_its_name_and_phone_are_taken_or_invalid(
        name in "[a-z0-9]{8,12}",
        phone in "13[0-9]{9}",
        others in proptest::collection::vec(("[a-z0-9]{8,9}", prop_oneof![Just("13800000000".to_string()), "13[0-9]{9}"]), 0..6),
    ) {
        let rules = rules();
        let existing: Vec<Account> = others.into_iter().map(|(name, phone)| Account { name, phone }).collect();
        let req = AccountRequest { account: Account { name: name.clone(), phone: phone.clone() }, existing: existing.clone() };
        let d = check_account(&rules, &req);
        let on_phone = existing.iter().filter(|e| e.phone == phone).count();
        let taken = existing.iter().any(|e| e.phone == phone && e.name == name);
        let valid = account(&rules, &name).valid;
        prop_assert_eq!(d.allowed, valid && !taken);
        prop_assert_eq!(d.refusal.is_some(), !d.allowed);
        prop_assert_eq!(d.accounts_on_phone, on_phone + usize::from(d.allowed));
    }

    #[test]
    fn validators_never_panic(s in "\\PC{0,30}") {
        let rules = rules();
        for kind in [IdKind::Uscc, IdKind::Resident, IdKind::Account, IdKind::Mobile] {
            let a = validate(&rules, kind, &s);
            prop_assert_eq!(a.valid, a.reason.is_none());
        }
    }
}
