//! Small validated values of the contract: countries, currencies, HS codes, money.
//!
//! They check their *shape* when read (so a bad value is an error naming its path); whether a
//! well-shaped value is known (a real country, a currency with minor units) is a rulebook question,
//! answered by the checks.

use crate::finding::Message;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::de::Visitor;
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// Reads a string through `parse` inside the reader's own string handling: the error is raised
/// where the string is (a JSON reader attaches the text position there, which names the field),
/// and the string is not copied first. Serde's errors hold one string, so the reason travels
/// [`Message::joined`].
pub(crate) fn deserialize_parsed<'de, D: Deserializer<'de>, T>(
    d: D,
    expecting: &'static str,
    parse: fn(&str) -> Result<T, Message>,
) -> Result<T, D::Error> {
    struct Parsed<T> {
        expecting: &'static str,
        parse: fn(&str) -> Result<T, Message>,
    }
    impl<T> Visitor<'_> for Parsed<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.expecting)
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<T, E> {
            (self.parse)(s).map_err(|why| E::custom(why.joined()))
        }
    }
    d.deserialize_str(Parsed { expecting, parse })
}

macro_rules! code_newtype {
    ($(#[$doc:meta])* $name:ident, $len:literal, $what_zh:literal, $what:literal, $pattern:literal) => {
        $(#[$doc])*
        // Held inline, not as a `String`: a certificate carries dozens of codes, and each would
        // otherwise be an allocation of its own.
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, JsonSchema)]
        #[schemars(transparent)]
        pub struct $name(#[schemars(with = "String", regex(pattern = $pattern))] [u8; $len]);

        impl $name {
            /// Reads a code, accepting lowercase and surrounding spaces; anything else is refused.
            pub fn parse(s: &str) -> Result<Self, Message> {
                match <[u8; $len]>::try_from(s.trim().as_bytes()) {
                    Ok(mut code) if code.iter().all(u8::is_ascii_alphabetic) => {
                        code.make_ascii_uppercase();
                        Ok($name(code))
                    }
                    _ => Err(Message::new(format!(concat!("`{}` 不是 ", $what_zh), s), format!(concat!("`{}` is not ", $what), s))),
                }
            }
            /// The code, uppercase.
            pub fn as_str(&self) -> &str {
                // Always ASCII letters (see `parse`).
                std::str::from_utf8(&self.0).unwrap_or_default()
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                deserialize_parsed(d, $what, $name::parse)
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.as_str()).finish()
            }
        }
    };
}

code_newtype!(
    /// An ISO 3166-1 alpha-2 country code, e.g. `CN`, `NZ`.
    Country, 2, "ISO 3166-1 两位字母国家代码", "an ISO 3166-1 alpha-2 country code (two letters)", "^[A-Z]{2}$"
);
code_newtype!(
    /// An ISO 4217 currency code, e.g. `USD`, `CNY`.
    Currency, 3, "ISO 4217 三位字母币种代码", "an ISO 4217 currency code (three letters)", "^[A-Z]{3}$"
);

impl Country {
    /// China, the issuing country.
    pub fn china() -> Self {
        Country(*b"CN")
    }
}

/// A Harmonized System code as a digit string of 2, 4, 6, 8 or 10 digits.
///
/// Dots and spaces that people type (`8501.10.00`) are removed when read: the meaning is certain.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[schemars(transparent)]
pub struct HsCode(#[schemars(regex(pattern = r"^(\d{2}|\d{4}|\d{6}|\d{8}|\d{10})$"))] String);

impl HsCode {
    /// Reads an HS code; dots and spaces between digits are dropped.
    pub fn parse(s: &str) -> Result<Self, Message> {
        let digits: String = s.chars().filter(|c| *c != '.' && *c != ' ').collect();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Message::new(
                format!("`{s}` 不是 HS 编码：只能是数字（可含点和空格）"),
                format!("`{s}` is not an HS code: digits only (dots and spaces are allowed)"),
            ));
        }
        if !matches!(digits.len(), 2 | 4 | 6 | 8 | 10) {
            return Err(Message::new(
                format!("`{s}` 不是 HS 编码：应为 2、4、6、8 或 10 位，实为 {} 位", digits.len()),
                format!("`{s}` is not an HS code: 2, 4, 6, 8 or 10 digits, found {}", digits.len()),
            ));
        }
        Ok(HsCode(digits))
    }
    /// All digits.
    pub fn digits(&self) -> &str {
        &self.0
    }
    /// The chapter (first 2 digits).
    pub fn chapter(&self) -> &str {
        self.0.get(..2).unwrap_or(&self.0)
    }
    /// The first `n` digits, or all when shorter.
    pub fn prefix(&self, n: usize) -> &str {
        self.0.get(..n).unwrap_or(&self.0)
    }
    /// The heading (first 4 digits), if the code has them.
    pub fn heading(&self) -> Option<&str> {
        self.0.get(..4)
    }
    /// The subheading (first 6 digits), if the code has them.
    pub fn subheading(&self) -> Option<&str> {
        self.0.get(..6)
    }
}

impl<'de> Deserialize<'de> for HsCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_parsed(d, "an HS code (a string of digits)", HsCode::parse)
    }
}

impl fmt::Display for HsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An amount of money in a currency. The amount is an exact decimal written as a string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Money {
    /// The amount, e.g. `"1234.50"`.
    pub amount: Decimal,
    /// ISO 4217 currency.
    pub currency: Currency,
}

/// Appends `d` as its `Display` writes it (`1234.50`, `-0.05`), without the formatting machinery:
/// a check writes two or three amounts for every item, and `format!` costs several times this.
pub(crate) fn push_decimal(out: &mut String, d: Decimal) {
    if d.is_sign_negative() {
        out.push('-');
    }
    let mut buffer = itoa::Buffer::new();
    let magnitude = d.mantissa().unsigned_abs();
    let digits = match u64::try_from(magnitude) {
        Ok(small) => buffer.format(small),
        Err(_) => buffer.format(magnitude),
    };
    let scale = d.scale() as usize;
    match digits.len().checked_sub(scale) {
        _ if scale == 0 => out.push_str(digits),
        Some(whole) if whole > 0 => {
            let (whole, fraction) = digits.split_at(whole);
            out.push_str(whole);
            out.push('.');
            out.push_str(fraction);
        }
        _ => {
            out.push_str("0.");
            (digits.len()..scale).for_each(|_| out.push('0'));
            out.push_str(digits);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn decimals_are_written_as_display_writes_them(mantissa in any::<i128>(), scale in 0u32..=28, small in any::<i64>()) {
            for d in [
                Decimal::try_from_i128_with_scale(mantissa % 10i128.pow(28), scale),
                Decimal::try_from_i128_with_scale(i128::from(small), scale),
                Decimal::try_from_i128_with_scale(i128::from(small % 1000), scale),
            ].into_iter().flatten() {
                for d in [d, -d, d.normalize()] {
                    let mut ours = String::new();
                    push_decimal(&mut ours, d);
                    prop_assert_eq!(ours, d.to_string());
                }
            }
        }
    }

    #[test]
    fn zeros_and_fractions_below_one_are_written_as_display_writes_them() {
        for text in ["0", "0.00", "-0.00", "0.05", "-0.5", "1.00", "123.45", "100", "0.0000000000000000000000000001"] {
            let d: Decimal = text.parse().unwrap();
            let mut ours = String::new();
            push_decimal(&mut ours, d);
            assert_eq!(ours, d.to_string(), "{text}");
        }
        let mut negative_zero = Decimal::new(0, 2);
        negative_zero.set_sign_negative(true);
        let mut ours = String::new();
        push_decimal(&mut ours, negative_zero);
        assert_eq!(ours, negative_zero.to_string());
    }

    #[test]
    fn hs_codes_normalise_dots_and_spaces() {
        assert_eq!(HsCode::parse("8501.10.00").unwrap().digits(), "85011000");
        assert_eq!(HsCode::parse("8501 10").unwrap().digits(), "850110");
        assert!(HsCode::parse("85011").is_err());
        assert!(HsCode::parse("85O1").is_err());
        assert!(HsCode::parse("").is_err());
    }

    #[test]
    fn country_and_currency_shapes() {
        assert_eq!(Country::parse(" nz ").unwrap().as_str(), "NZ");
        assert!(Country::parse("NZL").is_err());
        assert!(Country::parse("Ｎ").is_err());
        assert_eq!(Currency::parse("usd").unwrap().as_str(), "USD");
    }

    #[test]
    fn decimals_are_strings() {
        let m: Money = serde_json::from_str(r#"{"amount":"1234.50","currency":"USD"}"#).unwrap();
        assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"amount":"1234.50","currency":"USD"}"#);
        assert!(serde_json::from_str::<Money>(r#"{"amount":1234.5,"currency":"USD"}"#).is_err());
    }
}
