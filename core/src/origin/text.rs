//! The trace's messages, kept as data and rendered only when read or serialised: a
//! determination writes about two steps per material, and formatting both languages eagerly
//! was most of its time.

use super::expr::{change_name, dotted};
use crate::finding::Message;
use rust_decimal::{Decimal, RoundingStrategy};
use std::sync::Arc;

/// A short ASCII code kept inline: HS digits (at most 10) or a country code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Code {
    len: u8,
    bytes: [u8; 10],
}

impl Code {
    /// Keeps `s`; HS codes and country codes are at most 10 ASCII characters by construction,
    /// anything beyond is cut at a character boundary.
    pub(crate) fn new(s: &str) -> Code {
        let mut len = s.len().min(10);
        while !s.is_char_boundary(len) {
            len -= 1;
        }
        let mut bytes = [0; 10];
        bytes[..len].copy_from_slice(&s.as_bytes()[..len]);
        Code { len: len as u8, bytes }
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }

    fn dotted(&self) -> String {
        dotted(self.as_str())
    }
}

/// How a material counts before any test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// Chinese.
    Domestic,
    /// Of a cumulation party.
    Party,
    /// Origin unknown.
    Unknown,
    /// Of another country.
    Foreign,
}

/// What a tariff-change test found for one non-originating material.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    /// The material has no HS code.
    NoHs,
    /// Its HS code (these digits) is shorter than the test's level.
    Short(Code),
    /// Its prefix is the product's own.
    Same(Code),
    /// It comes from an excepted range starting at this prefix.
    Excepted(Code),
    /// It changes from `from` to `to`.
    Changes {
        /// The material's prefix.
        from: Code,
        /// The product's prefix.
        to: Code,
    },
}

/// Which value formula a value step used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Formula {
    /// Non-originating share at most the threshold.
    Nm,
    /// Build-up content.
    BuildUp,
    /// Build-down content.
    BuildDown,
}

/// A step's message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Text {
    /// Fixed text.
    Fixed(&'static str, &'static str),
    /// Text formatted when the step was written (rare steps).
    Owned(Message),
    /// A material's originating status.
    Material {
        /// The material's name.
        name: Arc<str>,
        /// Its origin country code (unused for `Unknown`).
        origin: Code,
        /// How it counts.
        status: Status,
    },
    /// A non-originating material under a tariff-change test of `digits` digits.
    Change {
        /// The material's name.
        name: Arc<str>,
        /// The test's level in digits.
        digits: u8,
        /// What was found.
        change: Change,
    },
    /// The verdict of a tariff-change test: `failing` materials fail it (0: every one meets it).
    ChangeTest {
        /// The test's level in digits.
        digits: u8,
        /// How many non-originating materials fail it.
        failing: usize,
    },
    /// A value test; the numbers are the step's values.
    Value {
        /// The formula.
        formula: Formula,
        /// `FOB` or `EXW`.
        basis: &'static str,
    },
}

impl Text {
    /// The message in both languages; value steps read their numbers from `values`.
    pub(crate) fn render(&self, values: &[(&'static str, Decimal)]) -> Message {
        let (zh, en) = match self {
            Text::Fixed(zh, en) => ((*zh).to_string(), (*en).to_string()),
            Text::Owned(m) => return m.clone(),
            Text::Material { name, origin, status } => {
                let o = origin.as_str();
                match status {
                    Status::Domestic => (format!("{name}：中国原产"), format!("{name}: Chinese: originating")),
                    Status::Party => (
                        format!("{name}：{o} 为累积方，计为原产"),
                        format!("{name}: {o}: a cumulation party, counts as originating"),
                    ),
                    Status::Unknown => {
                        (format!("{name}：原产地不明，计为非原产"), format!("{name}: origin unknown: non-originating"))
                    }
                    Status::Foreign => {
                        (format!("{name}：{o} 原产，非原产材料"), format!("{name}: from {o}: non-originating"))
                    }
                }
            }
            Text::Change { name, digits, change } => match change {
                Change::NoHs => {
                    (format!("{name}：非原产且无 HS 编码"), format!("{name}: non-originating and without HS code"))
                }
                Change::Short(d) => {
                    let d = d.as_str();
                    (
                        format!("{name}：HS {d} 不足 {digits} 位"),
                        format!("{name}: HS {d} has fewer than {digits} digits"),
                    )
                }
                Change::Same(p) => {
                    let p = p.dotted();
                    (
                        format!("{name}：HS {p} 与产品相同，未发生改变"),
                        format!("{name}: HS {p} is the product's own: no change"),
                    )
                }
                Change::Excepted(x) => {
                    let x = x.dotted();
                    (format!("{name}：来自例外税目 {x}"), format!("{name}: comes from the excepted {x}"))
                }
                Change::Changes { from, to } => {
                    let (p, to) = (from.dotted(), to.dotted());
                    (format!("{name}：{p} → {to}，发生改变"), format!("{name}: {p} → {to}: changes"))
                }
            },
            Text::ChangeTest { digits, failing } => {
                let name = change_name(*digits);
                if *failing == 0 {
                    (format!("全部非原产材料满足 {name}"), format!("every non-originating material meets {name}"))
                } else {
                    (
                        format!("{failing} 种非原产材料未满足 {name}"),
                        format!("{failing} non-originating materials fail {name}"),
                    )
                }
            }
            Text::Value { formula, basis: bn } => {
                let get = |k: &str| values.iter().find(|(key, _)| *key == k).map(|(_, v)| *v).unwrap_or_default();
                let (total, vnm, pct) = (get("price"), get("vnm"), get("threshold"));
                match formula {
                    Formula::Nm => {
                        let nm = shown(get("nm"), Bound::Ceiling);
                        (
                            format!("非原产材料 {vnm} / {bn} {total} × 100 = {nm}%，上限 {pct}%"),
                            format!("non-originating materials {vnm} / {bn} {total} × 100 = {nm}%, at most {pct}%"),
                        )
                    }
                    Formula::BuildUp => {
                        let (vom, added, rvc) = (get("vom"), get("added"), shown(get("rvc"), Bound::Floor));
                        (
                            format!("累加法：(原产材料 {vom} + 人工、费用、利润、其他费用) {added} / {bn} {total} × 100 = {rvc}%，至少 {pct}%"),
                            format!("build-up: (originating materials {vom} + labour, overhead, profit, other costs) {added} / {bn} {total} × 100 = {rvc}%, at least {pct}%"),
                        )
                    }
                    Formula::BuildDown => {
                        let rvc = shown(get("rvc"), Bound::Floor);
                        (
                            format!("扣减法：({bn} {total} − 非原产材料 {vnm}) / {total} × 100 = {rvc}%，至少 {pct}%"),
                            format!("build-down: ({bn} {total} − non-originating materials {vnm}) / {total} × 100 = {rvc}%, at least {pct}%"),
                        )
                    }
                }
            }
        };
        Message { zh, en }
    }
}

/// Which side of a threshold a percentage must stay on.
#[derive(Debug, Clone, Copy)]
enum Bound {
    /// A share that may not exceed its threshold (non-originating materials).
    Ceiling,
    /// A content that must reach its threshold (value content).
    Floor,
}

/// A percentage for people: two decimals, rounded away from the flattering side (a ceiling
/// figure up, a floor figure down). The JSON keeps the exact value.
fn shown(v: Decimal, bound: Bound) -> String {
    let strategy = match bound {
        Bound::Ceiling => RoundingStrategy::ToPositiveInfinity,
        Bound::Floor => RoundingStrategy::ToNegativeInfinity,
    };
    let mut r = v.round_dp_with_strategy(2, strategy);
    r.rescale(2);
    r.to_string()
}

#[cfg(test)]
mod tests {
    use super::{shown, Bound};
    use rust_decimal::Decimal;

    #[test]
    fn shown_percentages_never_flatter() {
        let v: Decimal = "64.285714285714285714285714286".parse().unwrap();
        assert_eq!(shown(v, Bound::Floor), "64.28");
        assert_eq!(shown(v, Bound::Ceiling), "64.29");
        assert_eq!(shown(Decimal::from(40), Bound::Floor), "40.00");
        assert_eq!(shown("55.001".parse().unwrap(), Bound::Ceiling), "55.01");
    }
}
