//! Invisible characters in printed text: control characters and bidirectional marks are removed
//! (their meaning on a certificate is certain: none) and reported once per field.

use super::TEXT_NORMALISED;
use crate::check::Outcome;
use crate::finding::{Finding, Path};

/// Cleans printed text and remembers which fields it changed.
#[derive(Debug, Default)]
pub(super) struct Cleaner {
    changed: Vec<String>,
}

impl Cleaner {
    /// The text without control characters (line breaks kept, tabs as spaces) and direction marks.
    pub(super) fn text(&mut self, s: &str, at: Path<'_>) -> String {
        // Nearly all text is clean: copy it whole, and walk it character by character only when not.
        let printable_ascii = |b: u8| (b' '..0x7f).contains(&b) || b == b'\n';
        if s.bytes().all(printable_ascii) || !s.chars().any(|c| c == '\t' || removed(c)) {
            return s.to_owned();
        }
        let out: String = s
            .chars()
            .filter_map(|c| match c {
                '\t' => Some(' '),
                c if removed(c) => None,
                c => Some(c),
            })
            .collect();
        let at = String::from(at);
        if !self.changed.contains(&at) {
            self.changed.push(at);
        }
        out
    }

    /// One finding per changed field.
    pub(super) fn report(self, out: &mut Outcome) {
        for at in self.changed {
            out.push(Finding::new(
                &TEXT_NORMALISED,
                at,
                "DESIGN.md principle 5: user text is printed as plain data; Unicode UAX #9 direction marks",
                "文本含控制字符、方向标记或零宽字符，已删除后打印",
                "the text held control, direction or zero-width characters; they were removed for printing",
            ));
        }
    }
}

/// Characters printed text loses: controls other than line breaks and tabs, and invisible ones.
fn removed(c: char) -> bool {
    c != '\n' && c != '\t' && (c.is_control() || invisible(c))
}

/// Bidirectional formatting and zero-width characters: invisible, but they reorder or hide text.
fn invisible(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn cleaned_text_has_no_invisible_characters(s in "\\PC*|[\\x00-\\x1f\\u{200b}-\\u{200f}\\u{202a}-\\u{202e}a-z ]*") {
            let mut c = Cleaner::default();
            let out = c.text(&s, Path::ROOT);
            prop_assert!(out.chars().all(|ch| ch == '\n' || !(ch.is_control() || invisible(ch))));
            let again = c.text(&out, Path::ROOT);
            prop_assert_eq!(again, out);
        }
    }

    #[test]
    fn removes_controls_and_direction_marks_keeps_lines() {
        let mut c = Cleaner::default();
        let p = Path::ROOT.key("x");
        assert_eq!(c.text("A\u{202E}B\u{0000}C\nD\tE\r", p), "ABC\nD E");
        assert_eq!(c.text("plain", p), "plain");
        let mut out = Outcome::default();
        c.report(&mut out);
        assert_eq!(out.findings.len(), 1);
        assert_eq!(out.findings[0].path, "x");
    }
}
