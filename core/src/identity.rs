//! Identifiers of enterprises and people: the Unified Social Credit Code (GB 32100-2015), the
//! resident ID number (GB 11643-1999), account names (FAQ Q48) and mobile numbers.
//!
//! Validators never panic and never guess silently: an invalid value gets a reason code; where
//! only its form is off (full-width characters, lowercase, spaces) and the cleaned value is
//! valid, the answer also carries that cleaned value as `normalized`.

use crate::refusal::Refusal;
use crate::rulebook::LifecycleRules;
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

crate::finding::codes! {
    CODES;
    EMPTY = ("id_empty", Error, "标识为空", "the identifier is empty");
    WHITESPACE = ("id_whitespace", Error, "标识含空格", "the identifier contains spaces");
    FULL_WIDTH = ("id_full_width", Error, "标识含全角字符", "the identifier contains full-width characters");
    LOWERCASE = ("id_lowercase", Error, "标识含小写字母", "the identifier contains lowercase letters");
    WRONG_LENGTH = ("id_wrong_length", Error, "标识长度不符", "the identifier has the wrong length");
    BAD_CHARACTER = ("id_bad_character", Error, "标识含无效字符", "the identifier has a character not allowed there");
    BAD_CHECK = ("id_bad_check_character", Error, "校验码错误", "the check character does not match");
    BAD_BIRTH_DATE = ("id_bad_birth_date", Error, "出生日期无效", "the birth date is not a real date");
    ACCOUNT_IS_PHONE = ("id_account_is_phone", Error, "账号名称不能是手机号", "an account name cannot be a phone number");
    BAD_MOBILE_PREFIX = ("id_bad_mobile_prefix", Error, "手机号号段无效", "not a mobile number block");
    ACCOUNT_TAKEN = ("id_account_taken", Error, "该手机号已绑定同名账号", "this phone number already binds an account of this name");
}

/// The kinds of identifier origo validates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    /// 统一社会信用代码 (GB 32100-2015).
    Uscc,
    /// 公民身份号码 (GB 11643-1999).
    Resident,
    /// Account name of the online system (FAQ Q48).
    Account,
    /// Mainland mobile number.
    Mobile,
}

/// `validate_id`: an identifier and its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdRequest {
    /// Which identifier.
    pub kind: IdKind,
    /// The text as entered.
    pub value: String,
}

/// The verdict on one identifier.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdAnswer {
    /// Whether the value is valid as given.
    pub valid: bool,
    /// Which identifier.
    pub kind: IdKind,
    /// The value as given.
    pub value: String,
    /// The canonical form: the value itself when valid; for an invalid value, the cleaned value
    /// (half-width, uppercase, no spaces) when that one is valid.
    #[serde(default)]
    pub normalized: Option<String>,
    /// Why it is invalid.
    #[serde(default)]
    pub reason: Option<Refusal>,
}

/// Validates `value` as an identifier of `kind`.
pub fn validate(rules: &LifecycleRules, kind: IdKind, value: &str) -> IdAnswer {
    match kind {
        IdKind::Uscc => uscc(value),
        IdKind::Resident => resident(value),
        IdKind::Account => account(rules, value),
        IdKind::Mobile => mobile(rules, value),
    }
}

const USCC_SOURCE: &str = "GB 32100-2015";
const RESIDENT_SOURCE: &str = "GB 11643-1999";

/// The 31 symbols of the USCC: digits and capitals without I, O, S, V, Z; each is worth its index.
const USCC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

fn uscc_value(c: char) -> Option<u32> {
    USCC_ALPHABET.iter().position(|&b| char::from(b) == c).and_then(|i| u32::try_from(i).ok())
}

/// The USCC check character of 17 body characters (weights 3^(i-1) mod 31).
pub(crate) fn uscc_check(body: &str) -> Option<char> {
    let mut sum = 0u32;
    let mut weight = 1u32;
    for c in body.chars() {
        sum += uscc_value(c)? * weight;
        weight = weight * 3 % 31;
    }
    let check = (31 - sum % 31) % 31;
    USCC_ALPHABET.get(usize::try_from(check).ok()?).map(|&b| char::from(b))
}

/// The resident-ID check character of 17 digits (ISO 7064 MOD 11-2).
pub(crate) fn resident_check(body: &str) -> Option<char> {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let mut sum = 0u32;
    for (c, w) in body.chars().zip(WEIGHTS) {
        sum += c.to_digit(10)? * w;
    }
    b"10X98765432".get(usize::try_from(sum % 11).ok()?).map(|&b| char::from(b))
}

fn is_full_width(c: char) -> bool {
    ('\u{FF01}'..='\u{FF5E}').contains(&c)
}

/// Half-width, without spaces; uppercase when `upper`.
fn clean(value: &str, upper: bool) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if is_full_width(c) { char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c) } else { c })
        .map(|c| if upper { c.to_ascii_uppercase() } else { c })
        .collect()
}

/// The checks every identifier shares: not empty, no spaces, no full-width characters,
/// uppercase where `upper` is required, and `len` characters long.
fn surface(value: &str, len: Option<usize>, upper: bool, source: &str) -> Result<(), Refusal> {
    if value.is_empty() {
        return Err(Refusal::new(&EMPTY, source, "标识为空", "the identifier is empty"));
    }
    if value.chars().any(char::is_whitespace) {
        return Err(Refusal::new(
            &WHITESPACE,
            source,
            "不能含空格（包括全角空格）",
            "no spaces (full-width ones included) are allowed",
        ));
    }
    if let Some(c) = value.chars().find(|c| is_full_width(*c) || !c.is_ascii()) {
        let (code, zh, en) = if is_full_width(c) {
            (&FULL_WIDTH, format!("含全角字符 `{c}`：请用半角"), format!("full-width character `{c}`: use half-width"))
        } else {
            (&BAD_CHARACTER, format!("含无效字符 `{c}`"), format!("character `{c}` is not allowed"))
        };
        return Err(Refusal::new(code, source, zh, en));
    }
    if upper && value.chars().any(|c| c.is_ascii_lowercase()) {
        return Err(Refusal::new(&LOWERCASE, source, "字母须大写", "letters must be uppercase"));
    }
    let n = value.chars().count();
    if let Some(len) = len.filter(|l| *l != n) {
        return Err(Refusal::new(
            &WRONG_LENGTH,
            source,
            format!("须为 {len} 位，实为 {n} 位"),
            format!("needs {len} characters, has {n}"),
        ));
    }
    Ok(())
}

const DIGIT: (&str, &str) = ("数字", "a digit");

fn bad_char(source: &str, pos: usize, c: char, allowed: (&str, &str)) -> Refusal {
    Refusal::new(
        &BAD_CHARACTER,
        source,
        format!("第 {pos} 位 `{c}` 无效：此处只能是{}", allowed.0),
        format!("position {pos}: `{c}` is not allowed; expected {}", allowed.1),
    )
}

fn answer(
    kind: IdKind,
    value: &str,
    result: Result<(), Refusal>,
    retry: impl Fn(&str) -> bool,
    upper: bool,
) -> IdAnswer {
    match result {
        Ok(()) => {
            IdAnswer { valid: true, kind, value: value.to_string(), normalized: Some(value.to_string()), reason: None }
        }
        Err(r) => {
            let cleaned = clean(value, upper);
            let normalized = (cleaned != value && retry(&cleaned)).then_some(cleaned);
            IdAnswer { valid: false, kind, value: value.to_string(), normalized, reason: Some(r) }
        }
    }
}

/// Validates a Unified Social Credit Code (GB 32100-2015): 18 characters from the 31-symbol
/// alphabet; positions 3–8 (the administrative division) are digits; the last is the mod-31 check
/// character. Positions 1–2 (registration authority and category) may be letters, e.g. `N` or `Y`.
pub fn uscc(value: &str) -> IdAnswer {
    answer(IdKind::Uscc, value, uscc_rules(value), |v| uscc_rules(v).is_ok(), true)
}

fn uscc_rules(value: &str) -> Result<(), Refusal> {
    surface(value, Some(18), true, USCC_SOURCE)?;
    for (i, c) in value.chars().enumerate() {
        let digits_only = (2..8).contains(&i);
        if (digits_only && !c.is_ascii_digit()) || uscc_value(c).is_none() {
            return Err(bad_char(
                USCC_SOURCE,
                i + 1,
                c,
                if digits_only {
                    DIGIT
                } else {
                    ("数字或除 I、O、S、V、Z 外的大写字母", "a digit or a capital other than I, O, S, V, Z")
                },
            ));
        }
    }
    let (body, check) = value.split_at(17);
    let want = uscc_check(body);
    if want.map(String::from).as_deref() != Some(check) {
        let want = want.map(String::from).unwrap_or_default();
        return Err(Refusal::new(
            &BAD_CHECK,
            USCC_SOURCE,
            format!("校验码应为 `{want}`，实为 `{check}`：代码有误"),
            format!("the check character should be `{want}`, not `{check}`: the code is mistyped"),
        ));
    }
    Ok(())
}

/// Validates a resident ID number (GB 11643-1999): 17 digits with a real birth date in
/// positions 7–14, then the MOD 11-2 check character (a digit or `X`).
pub fn resident(value: &str) -> IdAnswer {
    answer(IdKind::Resident, value, resident_rules(value), |v| resident_rules(v).is_ok(), true)
}

fn resident_rules(value: &str) -> Result<(), Refusal> {
    surface(value, Some(18), true, RESIDENT_SOURCE)?;
    for (i, c) in value.chars().enumerate() {
        if !(c.is_ascii_digit() || (i == 17 && c == 'X')) {
            return Err(bad_char(
                RESIDENT_SOURCE,
                i + 1,
                c,
                if i == 17 { ("数字或 X", "a digit or X") } else { DIGIT },
            ));
        }
    }
    let (body, check) = value.split_at(17);
    let date = body.get(6..14).and_then(|d| NaiveDate::parse_from_str(d, "%Y%m%d").ok());
    if date.is_none() {
        let d = body.get(6..14).unwrap_or_default();
        return Err(Refusal::new(
            &BAD_BIRTH_DATE,
            RESIDENT_SOURCE,
            format!("第 7–14 位 `{d}` 不是有效的出生日期"),
            format!("positions 7–14 `{d}` are not a real birth date"),
        ));
    }
    let want = resident_check(body);
    if want.map(String::from).as_deref() != Some(check) {
        let want = want.map(String::from).unwrap_or_default();
        return Err(Refusal::new(
            &BAD_CHECK,
            RESIDENT_SOURCE,
            format!("校验码应为 `{want}`，实为 `{check}`：号码有误"),
            format!("the check character should be `{want}`, not `{check}`: the number is mistyped"),
        ));
    }
    Ok(())
}

/// Validates an account name (FAQ Q48): letters and digits only, within the rulebook's length
/// bounds, and not a mobile number.
pub fn account(rules: &LifecycleRules, value: &str) -> IdAnswer {
    answer(IdKind::Account, value, account_rules(rules, value), |v| account_rules(rules, v).is_ok(), false)
}

fn account_rules(rules: &LifecycleRules, value: &str) -> Result<(), Refusal> {
    let source = rules.account_name.source.as_str();
    surface(value, None, false, source)?;
    if let Some(c) = value.chars().find(|c| !c.is_ascii_alphanumeric()) {
        return Err(Refusal::new(
            &BAD_CHARACTER,
            source,
            format!("账号名称只能由字母和数字组成，不能含 `{c}`"),
            format!("an account name has letters and digits only, not `{c}`"),
        ));
    }
    let bounds = rules.account_name.value;
    let n = value.chars().count();
    if n < bounds.min_chars || n > bounds.max_chars {
        return Err(Refusal::new(
            &WRONG_LENGTH,
            source,
            format!("账号名称须为 {}–{} 位，实为 {n} 位", bounds.min_chars, bounds.max_chars),
            format!("an account name has {}–{} characters, not {n}", bounds.min_chars, bounds.max_chars),
        ));
    }
    if mobile_rules(rules, value).is_ok() {
        return Err(Refusal::new(
            &ACCOUNT_IS_PHONE,
            source,
            "账号名称不能用手机号",
            "an account name cannot be a mobile number",
        ));
    }
    Ok(())
}

/// Validates a mainland mobile number: the rulebook's digit count and number blocks.
pub fn mobile(rules: &LifecycleRules, value: &str) -> IdAnswer {
    answer(IdKind::Mobile, value, mobile_rules(rules, value), |v| mobile_rules(rules, v).is_ok(), false)
}

fn mobile_rules(rules: &LifecycleRules, value: &str) -> Result<(), Refusal> {
    let fact = &rules.mobile;
    let source = fact.source.as_str();
    surface(value, Some(fact.value.digits), false, source)?;
    if let Some((i, c)) = value.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
        return Err(bad_char(source, i + 1, c, DIGIT));
    }
    if !fact.value.prefixes.iter().any(|p| value.starts_with(p.as_str())) {
        return Err(Refusal::new(
            &BAD_MOBILE_PREFIX,
            source,
            format!("号段无效；手机号以 {} 开头", fact.value.prefixes.join("、")),
            format!("not a mobile block; mobile numbers begin with {}", fact.value.prefixes.join(", ")),
        ));
    }
    Ok(())
}

/// An account of the online system: the user's identity is its name together with the mobile
/// number it is bound to (FAQ Q49).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The account name (FAQ Q48).
    pub name: String,
    /// The mobile number the account is bound to.
    pub phone: String,
}

/// `check_account`: an account to register, and the accounts already registered that share its
/// phone number (others may be given too; they are ignored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountRequest {
    /// The new account.
    pub account: Account,
    /// Accounts already registered.
    #[serde(default)]
    pub existing: Vec<Account>,
}

/// The answer to [`check_account`].
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountDecision {
    /// Whether the account may be registered.
    pub allowed: bool,
    /// How many accounts the phone number binds once this one is registered (unchanged when refused).
    pub accounts_on_phone: usize,
    /// Why not.
    #[serde(default)]
    pub refusal: Option<Refusal>,
}

/// Whether an account may be registered (FAQ Q49): its name is a valid account name (FAQ Q48),
/// its phone a mobile number, and no account of the same name is bound to the same phone. One
/// phone may bind several accounts with different names. The FAQ defines identity by the pair,
/// so the same name on another phone is not refused; no source says names are unique system-wide.
pub fn check_account(rules: &LifecycleRules, req: &AccountRequest) -> AccountDecision {
    let a = &req.account;
    let phone = a.phone.trim();
    let (on_phone, taken) = req
        .existing
        .iter()
        .filter(|e| e.phone.trim() == phone)
        .fold((0, false), |(count, taken), e| (count + 1, taken || e.name == a.name));
    let verdict = account_rules(rules, &a.name).and_then(|()| mobile_rules(rules, &a.phone)).and_then(|()| {
        if !taken {
            return Ok(());
        }
        Err(Refusal::new(
            &ACCOUNT_TAKEN,
            "FAQ Q49",
            "系统以账号名称+手机号确定用户身份：该手机号已绑定同名账号，请设置不同的账号名称",
            "the system identifies a user by account name and phone number: this phone already binds an account of this name; choose another account name",
        ))
    });
    match verdict {
        Ok(()) => AccountDecision { allowed: true, accounts_on_phone: on_phone + 1, refusal: None },
        Err(r) => AccountDecision { allowed: false, accounts_on_phone: on_phone, refusal: Some(r) },
    }
}

#[cfg(test)]
mod tests;
