//! The Typst templates and fonts of origo's certificate forms, embedded in the binary.
//!
//! `lib.typ` is the shared box/grid library; each form template under `forms/` is mostly a list
//! of its boxes. Templates read their data only from the virtual file `/data.json`, which the
//! renderer in `origo` (feature `render`) fills from the certificate: no user text is ever
//! spliced into markup. This crate only embeds; the renderer owns the sandboxed Typst world.

/// The shared box/grid library, served to templates as `/lib.typ`.
pub const LIB: &str = include_str!("../forms/lib.typ");

/// The commercial invoice generated from certificate data (FAQ Q96).
pub const INVOICE: &str = include_str!("../forms/invoice.typ");

/// The bilingual reply letter to a foreign verification request (审核端 FAQ Q8).
pub const REPLY_LETTER: &str = include_str!("../forms/reply_letter.typ");

macro_rules! forms {
    ($($code:literal),* $(,)?) => {
        /// Every certificate template: `(template code, Typst source)`, sorted by code.
        pub const FORMS: &[(&str, &str)] = &[
            $(($code, include_str!(concat!("../forms/", $code, ".typ"))),)*
        ];
    };
}

forms![
    "apta",
    "asean",
    "australia",
    "cambodia",
    "chile",
    "costa_rica",
    "ecfa",
    "ecuador",
    "georgia",
    "iceland",
    "korea",
    "mauritius",
    "new_zealand",
    "nicaragua",
    "non_preferential",
    "pakistan",
    "peru",
    "processing",
    "rcep",
    "re_export",
    "serbia",
    "singapore",
    "switzerland",
];

/// Templates with an overleaf page, which CCPIT prints on the back of the sheet (FAQ Q45).
pub const OVERLEAF: &[&str] = &["apta", "asean", "cambodia", "chile", "peru", "rcep", "switzerland"];

/// The template for a template code, if there is one.
pub fn form(code: &str) -> Option<&'static str> {
    FORMS.binary_search_by(|(c, _)| c.cmp(&code)).ok().and_then(|i| FORMS.get(i)).map(|(_, s)| *s)
}

/// Noto Sans CJK SC, regular, subset to GB2312 + Latin-1 (see `fonts/README.md`): the text face
/// of every form, Latin and Chinese alike.
pub const FONT_REGULAR: &[u8] = include_bytes!("../fonts/NotoSansSC-Regular-GB2312.otf");

/// Noto Sans CJK SC, bold, subset to Latin-1 only: box numbers and titles.
pub const FONT_BOLD: &[u8] = include_bytes!("../fonts/NotoSansSC-Bold-Latin.otf");

/// The embedded fonts, regular first.
pub const FONTS: &[&[u8]] = &[FONT_REGULAR, FONT_BOLD];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_sorted_and_found() {
        assert!(FORMS.windows(2).all(|w| w[0].0 < w[1].0));
        for (code, src) in FORMS {
            assert_eq!(form(code), Some(*src));
            assert!(src.contains("#import \"/lib.typ\""), "{code} must use the shared library");
        }
        assert_eq!(form("nope"), None);
    }
}
