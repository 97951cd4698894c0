//! The official Chinese wording of product-specific rules, read into the rule language.
//!
//! GACC publishes each agreement's rules in a small family of phrasings; this reads that family
//! and nothing else. A phrasing outside it is refused with the place it stopped being readable,
//! never guessed:
//!
//! ```text
//! rule    := all (或 | 或者 | ；或 | ；或者 | ，或 | ，或者) all ...
//! all     := term (且 | 并且 | 只要 | 只要其 | ，且 ...) term ...
//! term    := 完全获得 | value | 不要求税则归类改变，只要 value | change [exception]
//! change  := 从(任何)其他(章|品目|子目)改变(到|至)(此|该章|该品目|该子目|品目 X|子目 X) | (章|品目|子目)改变
//! exception := [，](但从|但由|由) item (、|，|或|和 item)* (转变来的|改变来的|改变至此的|改变至此)除外
//! item    := [第]N章 | 品目 X [至 [品目] Y] | 子目 X [至 Y] | X [至 Y]  (a bare code keeps the previous kind)
//! value   := [货物][其]区域价值成分[不少于|不低于|不能低于] N%
//! ```
//! Full-width digits and punctuation, spaces and line breaks, and a final `。` are normalised
//! first. A target code in the wording (`改变到品目 01.02`) is returned so the importer can check
//! it against the row's code.

use super::expr::{HsRange, Measure, Rule, Test, ValueTest};
use rust_decimal::Decimal;

/// Why a wording was not read: where reading stopped (1-based character of the normalised text)
/// and what was expected there, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordingError {
    /// 1-based character position in the normalised wording.
    pub column: usize,
    /// Chinese reason.
    pub zh: String,
    /// English reason.
    pub en: String,
}

/// A wording read into a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The rule in origo's language.
    pub rule: Rule,
    /// The HS code the wording names as the product of the change (`改变到子目 2939.69`), digits.
    pub target: Option<String>,
}

/// Normalises the wording: full-width forms to ASCII, commas and semicolons to their Chinese
/// forms, whitespace removed, a final full stop dropped.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '\u{2011}' | '\u{2010}' | '\u{2013}' | '\u{2014}' => '-',
            _ => c,
        };
        let c = match c {
            ',' => '，',
            ';' => '；',
            '(' => '（',
            ')' => '）',
            _ => c,
        };
        if !c.is_whitespace() {
            out.push(c);
        }
    }
    while out.ends_with('。') || out.ends_with('.') {
        out.pop();
    }
    out
}

/// Reads one official wording. `max_chars` bounds the work.
pub fn read(text: &str, max_chars: usize) -> Result<Reading, WordingError> {
    let norm = normalise(text);
    let chars: Vec<char> = norm.chars().collect();
    if chars.len() > max_chars {
        return Err(WordingError {
            column: max_chars + 1,
            zh: format!("规则文字超过 {max_chars} 个字符"),
            en: format!("the wording is longer than {max_chars} characters"),
        });
    }
    let mut c = Cursor { s: chars, i: 0, target: None };
    if c.s.is_empty() {
        return Err(c.fail("规则为空", "the wording is empty"));
    }
    let rule = c.rule()?;
    if c.i < c.s.len() {
        return Err(c.fail("此处起的文字不属于已知的规则措辞", "the wording from here is not a known phrasing"));
    }
    Ok(Reading { rule, target: c.target })
}

const OR: &[&str] = &["；或者", "；或", "，或者", "，或", "或者", "或"];
const AND: &[&str] = &["，只要其", "，只要", "只要其", "只要", "，并且", "并且", "，且其", "，且", "且其", "且"];
const WHOLLY: &[&str] = &["完全获得", "本品目货物必须在成员方境内完全获得"];
const ANY_OTHER: &[&str] = &["从任何其他", "从任何其它", "从其他", "从其它"];
const CHANGED_TO: &[&str] = &["改变到", "改变至", "转变到", "转变至"];
const EXCEPT_FROM: &[&str] = &["，但从", "，但由", "，由", "但从", "但由", "由"];
const EXCEPT_END: &[&str] = &["转变来的除外", "改变来的除外", "改变而来的除外", "改变至此的除外", "改变至此除外"];
const AT_LEAST: &[&str] = &["不少于", "不低于", "不能低于", "至少为"];
const LIST_SEP: &[&str] = &["、", "，", "或", "和", "及"];

/// HS levels by their Chinese names, with their digit counts.
const LEVELS: &[(&str, usize)] = &[("子目", 6), ("品目", 4), ("章", 2)];

struct Cursor {
    s: Vec<char>,
    i: usize,
    target: Option<String>,
}

impl Cursor {
    fn fail(&self, zh: &str, en: &str) -> WordingError {
        let rest: String = self.s[self.i.min(self.s.len())..].iter().take(24).collect();
        WordingError {
            column: self.i + 1,
            zh: format!("第 {} 个字符起无法识别（{zh}）：「{rest}」", self.i + 1),
            en: format!("cannot read the wording from character {} ({en}): «{rest}»", self.i + 1),
        }
    }

    fn looking_at(&self, w: &str) -> bool {
        (self.i..).zip(w.chars()).all(|(j, c)| self.s.get(j) == Some(&c))
    }

    /// Consumes the first of `words` found here.
    fn eat(&mut self, words: &[&'static str]) -> Option<&'static str> {
        let w = words.iter().find(|w| self.looking_at(w))?;
        self.i += w.chars().count();
        Some(w)
    }

    fn eat_level(&mut self) -> Option<usize> {
        LEVELS.iter().find(|(w, _)| self.looking_at(w)).map(|(w, n)| {
            self.i += w.chars().count();
            *n
        })
    }

    /// Digits and dots, as written.
    fn number(&mut self) -> Option<String> {
        let start = self.i;
        while self.s.get(self.i).is_some_and(|c| c.is_ascii_digit() || *c == '.') {
            self.i += 1;
        }
        (self.i > start).then(|| self.s[start..self.i].iter().collect())
    }

    fn rule(&mut self) -> Result<Rule, WordingError> {
        let mut alts = vec![self.all()?];
        while self.eat(OR).is_some() {
            alts.push(self.all()?);
        }
        Ok(if alts.len() == 1 { alts.remove(0) } else { Rule::Or { rules: alts } })
    }

    fn all(&mut self) -> Result<Rule, WordingError> {
        let mut parts = vec![self.term()?];
        while self.eat(AND).is_some() {
            parts.push(self.term()?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { Rule::And { rules: parts } })
    }

    fn term(&mut self) -> Result<Rule, WordingError> {
        let test = |test| Rule::Test { test };
        if self.eat(WHOLLY).is_some() {
            return Ok(test(Test::Wo));
        }
        if self.eat(&["不要求税则归类改变"]).is_some() {
            if self.eat(AND).is_none() {
                return Err(self.fail(
                    "“不要求税则归类改变”之后应为“只要”及区域价值成分",
                    "expected 只要 and a value test after 不要求税则归类改变",
                ));
            }
            return self.value().map(test);
        }
        if self.looking_at("区域价值成分") || self.looking_at("货物区域") || self.looking_at("其区域") {
            return self.value().map(test);
        }
        self.change().map(test)
    }

    fn value(&mut self) -> Result<Test, WordingError> {
        self.eat(&["货物"]);
        self.eat(&["其"]);
        if self.eat(&["区域价值成分"]).is_none() {
            return Err(self.fail("应为“区域价值成分”", "expected 区域价值成分"));
        }
        self.eat(AT_LEAST);
        let at = self.i;
        let n = self.number();
        let percent = n.as_deref().and_then(|n| n.parse::<Decimal>().ok());
        let Some(percent) = percent.filter(|p| *p > Decimal::ZERO && *p <= Decimal::ONE_HUNDRED) else {
            self.i = at;
            return Err(self.fail("应为 0 至 100 之间的百分比", "expected a percentage above 0 and at most 100"));
        };
        if self.eat(&["%"]).is_none() {
            return Err(self.fail("百分比后应为 %", "expected % after the percentage"));
        }
        Ok(Test::Value(ValueTest { measure: Measure::Rvc, percent, build_up: false, basis: None, domestic: false }))
    }

    fn change(&mut self) -> Result<Test, WordingError> {
        let level = if self.eat(ANY_OTHER).is_some() {
            let Some(level) = self.eat_level() else {
                return Err(self.fail("应为“章”“品目”或“子目”", "expected 章, 品目 or 子目"));
            };
            if self.eat(CHANGED_TO).is_none() {
                return Err(self.fail("应为“改变到”或“改变至”", "expected 改变到 or 改变至"));
            }
            if self.eat(&["此", "该章", "该品目", "该子目"]).is_none() {
                let Some(kind) = self.eat_level() else {
                    return Err(self.fail("应为“此”或改变后的编码", "expected 此 or the code changed to"));
                };
                let code = self.code(kind)?;
                self.target = Some(code);
            }
            level
        } else if let Some(level) = self.eat_level() {
            if self.eat(&["改变"]).is_none() {
                return Err(self.fail("应为“改变”", "expected 改变"));
            }
            level
        } else {
            return Err(self.fail(
                "应为完全获得、税则归类改变或区域价值成分",
                "expected wholly obtained, a change of classification or a value test",
            ));
        };
        let except = self.exception()?;
        Ok(Test::Change { level: level as u8, except })
    }

    /// `，但从品目54.01至54.06转变来的除外`: the excluded codes, or none when no exception follows.
    fn exception(&mut self) -> Result<Vec<HsRange>, WordingError> {
        let at = self.i;
        if self.eat(EXCEPT_FROM).is_none() {
            return Ok(Vec::new());
        }
        // `，由` opens an exception only when a code follows; otherwise it belongs to something else.
        if !self.code_start() {
            self.i = at;
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        let mut kind = None;
        loop {
            out.push(self.item(&mut kind)?);
            let before = self.i;
            if self.eat(LIST_SEP).is_some() {
                if self.code_start() {
                    continue;
                }
                self.i = before;
            }
            break;
        }
        if self.eat(EXCEPT_END).is_none() {
            return Err(self.fail("例外清单后应为“…改变来的除外”", "expected the end of the exception (…改变来的除外)"));
        }
        Ok(out)
    }

    fn code_start(&self) -> bool {
        self.s.get(self.i).is_some_and(|c| c.is_ascii_digit())
            || self.looking_at("第")
            || LEVELS.iter().any(|(w, _)| self.looking_at(w))
    }

    /// One excepted code or range; `kind` carries the level of a bare code from the item before.
    fn item(&mut self, kind: &mut Option<usize>) -> Result<HsRange, WordingError> {
        if self.eat(&["第"]).is_some() {
            let code = self.code(2)?;
            if self.eat(&["章"]).is_none() {
                return Err(self.fail("应为“章”", "expected 章"));
            }
            *kind = Some(2);
            return Ok(HsRange { from: code.clone(), to: code });
        }
        if let Some(k) = self.eat_level() {
            *kind = Some(k);
        } else if self.s.get(self.i).is_some_and(|c| c.is_ascii_digit()) {
            // `54章`: a chapter written after its number.
            let at = self.i;
            let n = self.number();
            if self.eat(&["章"]).is_some() {
                self.i = at;
                let code = self.code(2)?;
                self.eat(&["章"]);
                *kind = Some(2);
                return Ok(HsRange { from: code.clone(), to: code });
            }
            self.i = at;
            if n.is_none() || kind.is_none() {
                return Err(self.fail("例外编码应注明“章”“品目”或“子目”", "an excepted code needs 章, 品目 or 子目"));
            }
        }
        let Some(k) = *kind else {
            return Err(self.fail("例外编码应注明“章”“品目”或“子目”", "an excepted code needs 章, 品目 or 子目"));
        };
        let from = self.code(k)?;
        if self.eat(&["至"]).is_some() {
            self.eat_level();
            let at = self.i;
            let to = self.code(k)?;
            if to < from {
                self.i = at;
                return Err(self.fail("范围应从小到大", "a range must run from the smaller code to the larger"));
            }
            return Ok(HsRange { from, to });
        }
        Ok(HsRange { from: from.clone(), to: from })
    }

    /// A code of `digits` digits as written (`54.01`, `5401`, `2939.69`, `1` for chapter 1).
    fn code(&mut self, digits: usize) -> Result<String, WordingError> {
        let at = self.i;
        let Some(n) = self.number() else {
            return Err(self.fail("应为编码", "expected a code"));
        };
        let d: String = n.chars().filter(|c| *c != '.').collect();
        let d = if digits == 2 && d.len() == 1 { format!("0{d}") } else { d };
        if d.len() != digits || n.ends_with('.') || n.starts_with('.') {
            self.i = at;
            let what = match digits {
                2 => ("章", "chapter"),
                4 => ("品目", "heading"),
                _ => ("子目", "subheading"),
            };
            return Err(self.fail(&format!("「{n}」不是{}编码", what.0), &format!("`{n}` is not a {} code", what.1)));
        }
        Ok(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::origin::expr;

    fn rule(text: &str) -> String {
        match read(text, 2000) {
            Ok(r) => r.rule.to_string(),
            Err(e) => panic!("{text}: {}", e.en),
        }
    }

    #[test]
    fn wholly_obtained() {
        assert_eq!(rule("完全获得"), "WO");
        assert_eq!(rule("本品目货物必须在成员方境内完全获得"), "WO");
    }

    #[test]
    fn changes_of_classification_in_every_form() {
        assert_eq!(rule("从任何其他品目改变至此"), "CTH");
        assert_eq!(rule("从其他品目改变至此"), "CTH");
        assert_eq!(rule("从其他章改变至此"), "CC");
        assert_eq!(rule("从任何其他子目改变至此。"), "CTSH");
        assert_eq!(rule("从任何其他品目改变到该品目"), "CTH");
        assert_eq!(rule("从任何其它章改变到该章"), "CC");
        assert_eq!(rule("品目改变"), "CTH");
        assert_eq!(rule("章改变"), "CC");
        assert_eq!(rule("子目改变"), "CTSH");
        let r = read("从任何其他子目改变到子目 2939.69", 2000).unwrap();
        assert_eq!((r.rule.to_string(), r.target.as_deref()), ("CTSH".into(), Some("293969")));
        let r = read("从任何其他章改变到品目 01.01 ", 2000).unwrap();
        assert_eq!((r.rule.to_string(), r.target.as_deref()), ("CC".into(), Some("0101")));
    }

    #[test]
    fn exceptions_with_single_codes_lists_and_ranges() {
        assert_eq!(rule("从任何其他章改变到该章，但从第1章改变来的除外"), "CC except from 01");
        assert_eq!(
            rule("章改变，但从品目54.01至54.06转变来的除外；或者区域价值成分40%"),
            "CC except from 54.01-54.06 or RVC(40)"
        );
        assert_eq!(
            rule("从任何其他品目改变到该品目，但从品目5106、5107或5108改变来的除外。"),
            "CTH except from 51.06, 51.07, 51.08"
        );
        assert_eq!(rule("从任何其他章改变至此，由第2章或第3章改变至此除外。"), "CC except from 02, 03");
        assert_eq!(rule("从任何其他章改变至此，由15章改变至此除外。"), "CC except from 15");
        assert_eq!(
            rule("品目改变，但从品目 51.06至51.13、品目52.05至52.12、54章、品目55.09至55.16转变来的除外；或者区域价值成分40%"),
            "CTH except from 51.06-51.13, 52.05-52.12, 54, 55.09-55.16 or RVC(40)"
        );
        assert_eq!(rule("章改变，但从子目 0805.20、0805.90转变来的除外"), "CC except from 0805.20, 0805.90");
        assert_eq!(rule("从任何其他品目改变到品目 59.06， 由品目 59.02改变至此的除外"), "CTH except from 59.02");
        assert_eq!(rule("从其他品目改变至此，但从品目7403改变至此除外。"), "CTH except from 74.03");
        assert_eq!(
            rule("从任何其他品目改变至此，由品目5106，5107或5108改变至此除外"),
            "CTH except from 51.06, 51.07, 51.08"
        );
    }

    #[test]
    fn value_thresholds_alternatives_and_conjunctions() {
        assert_eq!(rule("从其他品目改变至此，或区域价值成分不少于40％"), "CTH or RVC(40)");
        assert_eq!(rule("从其他品目改变至此或区域价值成分不少于40％"), "CTH or RVC(40)");
        assert_eq!(rule("从任何其他品目改变至此，只要其区域价值成分不少于50%。"), "CTH and RVC(50)");
        assert_eq!(rule("从任何其他品目改变至此且其区域价值成分不少于50%。"), "CTH and RVC(50)");
        assert_eq!(rule("从任何其他品目改变到该品目，且货物区域价值成分不低于40%"), "CTH and RVC(40)");
        assert_eq!(rule("从任何其他品目改变到子目 8419.11且区域价值成分不能低于50％"), "CTH and RVC(50)");
        assert_eq!(rule("品目改变且区域价值成分45%"), "CTH and RVC(45)");
        assert_eq!(rule("区域价值成分40%"), "RVC(40)");
        assert_eq!(rule("货物区域价值成分不低于40%"), "RVC(40)");
        assert_eq!(rule("不要求税则归类改变，只要其区域价值成分不少于40%。"), "RVC(40)");
        assert_eq!(
            rule("从任何其他品目改变至此；或不要求税则归类改变，只要其区域价值成分不少于40%。"),
            "CTH or RVC(40)"
        );
        assert_eq!(
            rule("从任何其他品目改变至此，由子目2009.11改变至此除外，只要其区域价值成分不少于40%。"),
            "CTH except from 2009.11 and RVC(40)"
        );
        assert_eq!(
            rule("从任何其他章改变到品目 02.01 ； 或\n不要求税则归类改变，只要其区域价值成分不少于40%"),
            "CC or RVC(40)"
        );
    }

    #[test]
    fn unknown_phrasings_are_refused_where_they_stop() {
        for text in [
            "如果动物在中国或秘鲁境内出生并饲养，可赋予原产地。",
            "限从出口方种植的植物获得",
            "从其他品目改变至此，且区域价值成分不少于40%（注1）。",
            "品目改变且区域价值成分50%，同时要求数控单元（CNC）具备原产资格",
            "从任何其他章改变到品目01.01；或者经过熏制工艺获得",
            "从品目0101之外的任何其他品目改变到子目010121",
            "对于金属陶瓷及其制品：子目改变；\n对于废碎料：完全获得",
            "区域价值成分140%",
            "品目改变，但从品目 5401至5301转变来的除外",
            "品目改变，但从品目 540转变来的除外",
            "从任何其他品目改变至此，但从1234改变来的除外",
            "",
            "完全获得完全获得",
        ] {
            let e = read(text, 2000).unwrap_err();
            assert!(e.column >= 1 && e.zh.contains("无法识别") && e.en.contains("cannot read"), "{text}: {e:?}");
        }
        assert_eq!(read("区域价值成分140%", 2000).unwrap_err().column, 7);
        assert!(read(&"品目改变或".repeat(1000), 2000).is_err());
    }

    fn arb_code(digits: usize) -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        proptest::collection::vec(0u8..10, digits).prop_map(|d| d.iter().map(|x| char::from(b'0' + x)).collect())
    }

    fn arb_test() -> impl proptest::strategy::Strategy<Value = Rule> {
        use proptest::prelude::*;
        let range = prop_oneof![Just(2usize), Just(4), Just(6)]
            .prop_flat_map(|n| (arb_code(n), arb_code(n)))
            .prop_map(|(a, b)| if a <= b { HsRange { from: a, to: b } } else { HsRange { from: b, to: a } });
        let change = (prop_oneof![Just(2u8), Just(4), Just(6)], proptest::collection::vec(range, 0..4))
            .prop_map(|(level, except)| Test::Change { level, except });
        let value = (1u32..=100, any::<bool>()).prop_map(|(p, up)| {
            Test::Value(ValueTest {
                measure: Measure::Rvc,
                percent: Decimal::from(p),
                build_up: up,
                basis: None,
                domestic: false,
            })
        });
        prop_oneof![Just(Test::Wo), Just(Test::Pe), Just(Test::Cr), change, value].prop_map(|test| Rule::Test { test })
    }

    fn arb_rule() -> impl proptest::strategy::Strategy<Value = Rule> {
        use proptest::prelude::*;
        arb_test().prop_recursive(3, 16, 3, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 2..4).prop_map(|rules| Rule::Or { rules }),
                proptest::collection::vec(inner, 2..4).prop_map(|rules| Rule::And { rules }),
            ]
        })
    }

    /// Chinese wordings assembled from the families above.
    fn arb_wording() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let change = prop_oneof![
            Just("从任何其他品目改变至此".to_string()),
            Just("从其他章改变至此".to_string()),
            Just("子目改变".to_string()),
            Just("从任何其他品目改变到该品目".to_string()),
        ];
        let except = prop_oneof![
            Just(String::new()),
            (1u8..97).prop_map(|c| format!("，但从第{c}章改变来的除外")),
            (arb_code(4), arb_code(4)).prop_map(|(a, b)| {
                let (a, b) = if a <= b { (a, b) } else { (b, a) };
                format!("，但从品目{}.{}至{}.{}转变来的除外", &a[..2], &a[2..], &b[..2], &b[2..])
            }),
        ];
        let value = (1u32..=100).prop_map(|p| format!("区域价值成分不少于{p}%"));
        let joiner = prop_oneof![Just("；或者"), Just("，或"), Just("，只要其"), Just("且")];
        (change, except, joiner, value).prop_map(|(c, e, j, v)| format!("{c}{e}{j}{v}。"))
    }

    proptest::proptest! {
        #[test]
        fn a_printed_rule_reparses_to_the_same_rule(r in arb_rule()) {
            let printed = r.to_string();
            proptest::prop_assert_eq!(expr::parse(&printed, 10_000).unwrap(), r, "{}", printed);
        }

        #[test]
        fn a_read_wording_prints_a_rule_that_reparses_to_it(w in arb_wording()) {
            let reading = read(&w, 2000).unwrap();
            let printed = reading.rule.to_string();
            proptest::prop_assert_eq!(expr::parse(&printed, 2000).unwrap(), reading.rule);
        }
    }
}
