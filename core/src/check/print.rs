//! Print decisions (FAQ Q10, Q34, Q42, Q45, Q60, Q82, Q89, Q106): computed once into the report so
//! the renderer and the host give the same answer.

use super::content::listed;
use super::{Context, Outcome};
use crate::finding::Finding;
use crate::model::single_window;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How the certificate is printed, sealed and delivered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintDecision {
    /// Printable (and amendable) in this system; `false` for certificates synced from the single window (FAQ Q42).
    pub printable: bool,
    /// A back page with the overleaf notes is printed (FAQ Q45).
    pub back_page: bool,
    /// A manual stamp and signature are needed at CCPIT: the importing customs refuse electronic seals (FAQ Q106).
    pub manual_stamp: bool,
    /// The electronic seal and signature are printed (FAQ Q82).
    pub electronic_seal: bool,
    /// The certificate can be downloaded as PDF from the print preview (FAQ Q89).
    pub downloadable: bool,
    /// Printed onto the pre-printed official form: data only, no background or grid (FAQ Q34).
    pub preprinted_form: bool,
    /// The company seal shown in the declaration (FAQ Q10, Q60).
    pub seal: SealShown,
}

/// Which company seal the certificate shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SealShown {
    /// No seal image: stamped by hand, or not printed here.
    #[default]
    None,
    /// The uploaded bilingual (or English) seal.
    Bilingual,
    /// The official company seal.
    Official,
}

crate::finding::codes! {
    CODES;
    SINGLE_WINDOW = ("single_window_certificate", Warning, "单一窗口同步的证书不能在本系统打印或改证", "certificates synced from the single window cannot be printed or amended here");
}

pub(crate) fn check(cx: &Context<'_>, out: &mut Outcome) {
    let print = &cx.agreement.print;
    let dest = cx.cert.destination.as_str();
    let synced = cx.cert.origin_system.as_deref().is_some_and(single_window);
    if synced {
        out.push(Finding::new(
            &SINGLE_WINDOW,
            "origin_system",
            "FAQ Q42",
            "单一窗口的证书同步到本系统后不可以打印和改证重发",
            "a certificate synced from the single window cannot be printed or amended and reissued here",
        ));
    }
    let manual_stamp = listed(&print.manual_stamp_destinations.value, dest);
    let preprinted_form = print.preprinted_form.value;
    let electronic_seal = !synced && !manual_stamp && !preprinted_form;
    let seal = match (electronic_seal, cx.cert.print.bilingual_seal) {
        (false, _) => SealShown::None,
        (true, true) => SealShown::Bilingual,
        (true, false) => SealShown::Official,
    };
    out.derived.print = PrintDecision {
        printable: !synced,
        back_page: print.back_page.value,
        manual_stamp,
        electronic_seal,
        downloadable: !synced && listed(&print.download_only_destinations.value, dest),
        preprinted_form,
        seal,
    };
}
