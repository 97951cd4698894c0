//! The product-specific-rule language: parsed once from data, read by trade specialists.
//!
//! ```text
//! rule    := all ("or" all)*                      alternatives: the exporter may meet any one
//! all     := term ("and" term)*                   every part must be met
//! term    := "(" rule ")" | WO | PE | CR | change | value
//! change  := (CC | CTH | CTSH) ["except" ["from"] hs ("," hs)*]
//! hs      := 15 | 15.11 | 1511.10 | 15.11-15.13   (chapter, heading, subheading or a range)
//! value   := (RVC | NM) "(" percent ("," option)* ")"
//! option  := build-down | build-up | FOB | EXW | domestic
//! ```
//! `RVC(40)` = regional value content at least 40 % (build-down on the agreement's basis);
//! `NM(50, EXW)` = non-originating materials at most 50 % of the ex-works price; `domestic`
//! counts only Chinese materials as originating (no accumulation, e.g. APTA Rule 3).
//! Keywords are case-insensitive. Errors give the 1-based character column.

use crate::model::ValueBasis;
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt;

/// A parsed rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Rule {
    /// Any one alternative suffices.
    Or {
        /// The alternatives, in the order written.
        rules: Vec<Rule>,
    },
    /// Every part must be met.
    And {
        /// The parts.
        rules: Vec<Rule>,
    },
    /// One test.
    Test {
        /// The test.
        test: Test,
    },
}

/// A single origin test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Test {
    /// Wholly obtained.
    Wo,
    /// Produced entirely from originating materials.
    Pe,
    /// Chemical reaction (RCEP).
    Cr,
    /// Change in tariff classification at `level` digits (2 CC, 4 CTH, 6 CTSH).
    Change {
        /// Digits compared: 2, 4 or 6.
        level: u8,
        /// Non-originating materials from these HS prefixes fail even when they change.
        except: Vec<HsRange>,
    },
    /// A value test.
    Value(ValueTest),
}

/// An inclusive range of HS prefixes (`from == to` for a single code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HsRange {
    /// First prefix (digits).
    pub from: String,
    /// Last prefix (digits), same length as `from`.
    pub to: String,
}

impl HsRange {
    /// Whether an HS code falls in the range (compared at the range's digit count).
    pub fn contains(&self, hs: &str) -> bool {
        match hs.get(..self.from.len()) {
            Some(p) => p >= self.from.as_str() && p <= self.to.as_str(),
            None => false,
        }
    }
}

/// `RVC(...)` or `NM(...)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValueTest {
    /// `rvc` (content at least) or `nm` (non-originating at most).
    pub measure: Measure,
    /// The percentage.
    pub percent: Decimal,
    /// Build-up instead of build-down (RVC only).
    pub build_up: bool,
    /// Price basis; the agreement's valuation basis when absent.
    pub basis: Option<ValueBasis>,
    /// Only Chinese materials count as originating (no accumulation).
    pub domestic: bool,
}

/// What a value test measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Regional value content, at least `percent`.
    Rvc,
    /// Non-originating materials, at most `percent`.
    Nm,
}

/// A syntax error: 1-based character column and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based character column in the rule text.
    pub column: usize,
    /// What is wrong, in English.
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Num(String),
    LParen,
    RParen,
    Comma,
    Dash,
    End,
}

fn lex(text: &str) -> Result<Vec<(Tok, usize)>, SyntaxError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '-' && next_alpha(&chars, i)) {
                i += 1;
            }
            out.push((Tok::Word(chars[start..i].iter().collect::<String>().to_ascii_lowercase()), col));
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            out.push((Tok::Num(chars[start..i].iter().collect()), col));
        } else {
            let t = match c {
                '(' => Tok::LParen,
                ')' => Tok::RParen,
                ',' => Tok::Comma,
                '-' | '–' => Tok::Dash,
                '%' => {
                    i += 1;
                    continue;
                }
                _ => return Err(SyntaxError { column: col, message: format!("unexpected character `{c}`") }),
            };
            out.push((t, col));
            i += 1;
        }
    }
    out.push((Tok::End, chars.len() + 1));
    Ok(out)
}

/// A `-` inside a word only when a letter follows (`build-up`), so `15.11-15.13` stays a range.
fn next_alpha(chars: &[char], i: usize) -> bool {
    chars.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic())
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        self.toks.get(self.pos).map_or(&Tok::End, |t| &t.0)
    }
    fn col(&self) -> usize {
        self.toks.get(self.pos).map_or(0, |t| t.1)
    }
    fn bump(&mut self) -> Tok {
        let t = self.peek().clone();
        self.pos += 1;
        t
    }
    fn err<T>(&self, message: impl Into<String>) -> Result<T, SyntaxError> {
        Err(SyntaxError { column: self.col(), message: message.into() })
    }
    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Word(x) if x == w)
    }

    fn rule(&mut self, depth: usize) -> Result<Rule, SyntaxError> {
        if depth > 16 {
            return self.err("parentheses nested deeper than 16 levels");
        }
        let mut alts = vec![self.all(depth)?];
        while self.is_word("or") {
            self.bump();
            alts.push(self.all(depth)?);
        }
        Ok(if alts.len() == 1 { alts.remove(0) } else { Rule::Or { rules: alts } })
    }

    fn all(&mut self, depth: usize) -> Result<Rule, SyntaxError> {
        let mut parts = vec![self.term(depth)?];
        while self.is_word("and") {
            self.bump();
            parts.push(self.term(depth)?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { Rule::And { rules: parts } })
    }

    fn term(&mut self, depth: usize) -> Result<Rule, SyntaxError> {
        let col = self.col();
        match self.bump() {
            Tok::LParen => {
                let r = self.rule(depth + 1)?;
                if self.bump() != Tok::RParen {
                    self.pos -= 1;
                    return self.err("expected `)`");
                }
                Ok(r)
            }
            Tok::Word(w) => {
                let test = match w.as_str() {
                    "wo" => Test::Wo,
                    "pe" | "wp" => Test::Pe,
                    "cr" => Test::Cr,
                    "cc" => self.change(2)?,
                    "cth" => self.change(4)?,
                    "ctsh" => self.change(6)?,
                    "rvc" => self.value(Measure::Rvc)?,
                    "nm" => self.value(Measure::Nm)?,
                    _ => {
                        return Err(SyntaxError {
                            column: col,
                            message: format!(
                                "unknown test `{w}`; expected WO, PE, CR, CC, CTH, CTSH, RVC(..) or NM(..)"
                            ),
                        })
                    }
                };
                Ok(Rule::Test { test })
            }
            _ => Err(SyntaxError { column: col, message: "expected a test such as CTH or RVC(40)".into() }),
        }
    }

    fn change(&mut self, level: u8) -> Result<Test, SyntaxError> {
        let mut except = Vec::new();
        if self.is_word("except") {
            self.bump();
            if self.is_word("from") {
                self.bump();
            }
            loop {
                except.push(self.range()?);
                if *self.peek() == Tok::Comma {
                    self.bump();
                } else {
                    break;
                }
            }
        }
        Ok(Test::Change { level, except })
    }

    fn range(&mut self) -> Result<HsRange, SyntaxError> {
        let from = self.hs()?;
        if *self.peek() == Tok::Dash {
            self.bump();
            let col = self.col();
            let to = self.hs()?;
            if to.len() != from.len() || to < from {
                return Err(SyntaxError {
                    column: col,
                    message: "a range needs two codes of the same length, the smaller first".into(),
                });
            }
            return Ok(HsRange { from, to });
        }
        Ok(HsRange { to: from.clone(), from })
    }

    fn hs(&mut self) -> Result<String, SyntaxError> {
        let col = self.col();
        match self.bump() {
            Tok::Num(n) => {
                let digits: String = n.chars().filter(|c| *c != '.').collect();
                if matches!(digits.len(), 2 | 4 | 6 | 8 | 10) && !n.ends_with('.') {
                    Ok(digits)
                } else {
                    Err(SyntaxError {
                        column: col,
                        message: format!("`{n}` is not an HS chapter, heading or subheading"),
                    })
                }
            }
            _ => Err(SyntaxError { column: col, message: "expected an HS code such as 15.11".into() }),
        }
    }

    fn value(&mut self, measure: Measure) -> Result<Test, SyntaxError> {
        if self.bump() != Tok::LParen {
            self.pos -= 1;
            return self.err("expected `(` and a percentage, e.g. RVC(40)");
        }
        let col = self.col();
        let percent = match self.bump() {
            Tok::Num(n) => n.parse::<Decimal>().ok().filter(|p| *p > Decimal::ZERO && *p <= Decimal::ONE_HUNDRED),
            _ => None,
        };
        let Some(percent) = percent else {
            return Err(SyntaxError { column: col, message: "expected a percentage above 0 and at most 100".into() });
        };
        let mut t = ValueTest { measure, percent, build_up: false, basis: None, domestic: false };
        while *self.peek() == Tok::Comma {
            self.bump();
            let col = self.col();
            match self.bump() {
                Tok::Word(w) if w == "build-down" => t.build_up = false,
                Tok::Word(w) if w == "build-up" && measure == Measure::Rvc => t.build_up = true,
                Tok::Word(w) if w == "fob" => t.basis = Some(ValueBasis::Fob),
                Tok::Word(w) if w == "exw" => t.basis = Some(ValueBasis::Exw),
                Tok::Word(w) if w == "domestic" => t.domestic = true,
                _ => {
                    return Err(SyntaxError {
                        column: col,
                        message: "expected build-down, build-up (RVC only), FOB, EXW or domestic".into(),
                    })
                }
            }
        }
        if self.bump() != Tok::RParen {
            self.pos -= 1;
            return self.err("expected `)`");
        }
        Ok(Test::Value(t))
    }
}

/// Parses rule text; `max_chars` bounds the work.
pub fn parse(text: &str, max_chars: usize) -> Result<Rule, SyntaxError> {
    let n = text.chars().count();
    if n > max_chars {
        return Err(SyntaxError { column: max_chars + 1, message: format!("rule longer than {max_chars} characters") });
    }
    let mut p = Parser { toks: lex(text)?, pos: 0 };
    if *p.peek() == Tok::End {
        return p.err("empty rule");
    }
    let rule = p.rule(0)?;
    if *p.peek() != Tok::End {
        return p.err("expected `or`, `and` or the end of the rule");
    }
    Ok(rule)
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let join = |f: &mut fmt::Formatter<'_>, rules: &[Rule], sep: &str| -> fmt::Result {
            for (i, r) in rules.iter().enumerate() {
                if i > 0 {
                    write!(f, " {sep} ")?;
                }
                match r {
                    Rule::Test { .. } => write!(f, "{r}")?,
                    _ => write!(f, "({r})")?,
                }
            }
            Ok(())
        };
        match self {
            Rule::Or { rules } => join(f, rules, "or"),
            Rule::And { rules } => join(f, rules, "and"),
            Rule::Test { test } => write!(f, "{test}"),
        }
    }
}

impl fmt::Display for Test {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Test::Wo => f.write_str("WO"),
            Test::Pe => f.write_str("PE"),
            Test::Cr => f.write_str("CR"),
            Test::Change { level, except } => {
                f.write_str(change_name(*level))?;
                for (i, r) in except.iter().enumerate() {
                    f.write_str(if i == 0 { " except from " } else { ", " })?;
                    write!(f, "{}", dotted(&r.from))?;
                    if r.to != r.from {
                        write!(f, "-{}", dotted(&r.to))?;
                    }
                }
                Ok(())
            }
            Test::Value(v) => {
                let name = if v.measure == Measure::Rvc { "RVC" } else { "NM" };
                write!(f, "{name}({}", v.percent)?;
                if v.build_up {
                    f.write_str(", build-up")?;
                }
                match v.basis {
                    Some(ValueBasis::Fob) => f.write_str(", FOB")?,
                    Some(ValueBasis::Exw) => f.write_str(", EXW")?,
                    None => {}
                }
                if v.domestic {
                    f.write_str(", domestic")?;
                }
                f.write_str(")")
            }
        }
    }
}

/// `CC`, `CTH` or `CTSH` for a digit level.
pub fn change_name(level: u8) -> &'static str {
    match level {
        2 => "CC",
        4 => "CTH",
        _ => "CTSH",
    }
}

/// `1511` -> `15.11`, `151110` -> `1511.10`: the way tariff specialists write codes.
pub fn dotted(d: &str) -> String {
    match d.len() {
        4 => format!("{}.{}", &d[..2], &d[2..]),
        n if n > 4 => {
            let mut s = format!("{}.{}", &d[..4], &d[4..6]);
            let mut i = 6;
            while i < n {
                s.push('.');
                s.push_str(&d[i..(i + 2).min(n)]);
                i += 2;
            }
            s
        }
        _ => d.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Rule {
        parse(s, 2000).unwrap()
    }

    #[test]
    fn parses_the_documented_forms_and_prints_them_back() {
        for s in [
            "WO",
            "PE",
            "CC",
            "CTH",
            "CTSH",
            "RVC(40)",
            "RVC(40, build-up)",
            "NM(50, EXW)",
            "CTH except from 15.11",
            "CTH except from 15.11, 15.13-15.15",
            "RVC(40) or CTH",
            "CTSH and RVC(35)",
            "CC or (CTSH and RVC(40))",
            "NM(55, domestic) or RVC(60)",
        ] {
            assert_eq!(p(s).to_string(), s, "{s}");
        }
        assert_eq!(p("rvc(40%) OR cth").to_string(), "RVC(40) or CTH");
    }

    #[test]
    fn and_binds_tighter_than_or() {
        match p("CC or CTSH and RVC(40)") {
            Rule::Or { rules } => assert!(matches!(rules[1], Rule::And { .. })),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn exceptions_cover_ranges() {
        let Rule::Test { test: Test::Change { except, .. } } = p("CTH except 15.11-15.13") else { panic!() };
        assert!(except[0].contains("151200"));
        assert!(!except[0].contains("151400"));
        assert!(!except[0].contains("15"));
    }

    #[test]
    fn errors_name_the_column() {
        let cases = [
            ("RVC(40", 7),
            ("CTH or", 7),
            ("CTH xor CC", 5),
            ("RVC(140)", 5),
            ("CTH except from 151", 17),
            ("FOO", 1),
            ("", 1),
            ("CTH $", 5),
            ("NM(50, build-up)", 8),
            ("(CTH", 5),
            ("15.13-15.11", 1),
        ];
        for (text, col) in cases {
            let e = parse(text, 2000).unwrap_err();
            assert_eq!(e.column, col, "{text}: {e}");
        }
        assert!(parse(&"(".repeat(40), 2000).is_err());
        assert!(parse(&"CTH or ".repeat(400), 2000).is_err());
    }
}
