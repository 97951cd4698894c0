//! Copying a certificate into a new application (FAQ Q25, Q27): which targets a source may be
//! copied to, with the same or another invoice number, and which fields are left out.

use super::invoice::same_invoice;
use crate::refusal::Refusal;
use crate::rulebook::{CertificateKind, CopyRule, CopyTarget, InvoiceRule, LifecycleRules, Rulebook};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

crate::finding::codes! {
    CODES;
    COPY_NOT_ALLOWED = ("copy_not_allowed", Error, "不能复制为该类型证书", "the certificate cannot be copied to this type");
    INVOICE_MUST_DIFFER = ("copy_invoice_must_differ", Error, "复制须使用不同的发票号", "this copy needs another invoice number");
    INVOICE_MUST_MATCH = ("copy_invoice_must_match", Error, "复制须使用相同的发票号", "this copy needs the same invoice number");
    INVOICE_MISSING = ("copy_invoice_missing", Error, "缺少发票号", "the invoice number is empty");
}

/// One side of a copy: a certificate type and an invoice number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CopySide {
    /// Certificate type: an agreement code of the rulebook.
    pub agreement: String,
    /// Invoice number.
    pub invoice_number: String,
}

/// `check_copy`: may `source` be copied to `target`?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CopyRequest {
    /// The certificate copied.
    pub source: CopySide,
    /// The new application.
    pub target: CopySide,
}

/// The answer to [`check_copy`].
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CopyDecision {
    /// Whether the copy is allowed.
    pub allowed: bool,
    /// Certificate fields (top-level names of the certificate contract) not carried into the copy.
    pub not_copied: Vec<String>,
    /// The rule applied, when allowed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// Why it was refused.
    #[serde(default)]
    pub refusal: Option<Refusal>,
}

/// Checks a copy; fails only when a certificate type is not in the rulebook.
pub fn check_copy(rulebook: &Rulebook, req: &CopyRequest) -> crate::Result<CopyDecision> {
    let from = rulebook.known_agreement(&req.source.agreement, "source.agreement")?.kind;
    let to = rulebook.known_agreement(&req.target.agreement, "target.agreement")?.kind;
    Ok(decide(rulebook.lifecycle(), (&req.source, from), (&req.target, to)))
}

fn targets(rule: &CopyRule, source: (&CopySide, CertificateKind), target: (&CopySide, CertificateKind)) -> bool {
    rule.from == source.1
        && match rule.to {
            CopyTarget::SameType => source.0.agreement == target.0.agreement,
            CopyTarget::NonPreferential => target.1 == CertificateKind::NonPreferential,
            CopyTarget::Preferential => target.1 == CertificateKind::Preferential,
            CopyTarget::Processing => target.1 == CertificateKind::Processing,
            CopyTarget::ReExport => target.1 == CertificateKind::ReExport,
        }
}

fn kind_name(kind: CertificateKind) -> &'static str {
    match kind {
        CertificateKind::NonPreferential => "non_preferential",
        CertificateKind::Preferential => "preferential",
        CertificateKind::Processing => "processing",
        CertificateKind::ReExport => "re_export",
    }
}

fn target_name(t: CopyTarget) -> &'static str {
    match t {
        CopyTarget::SameType => "same_type",
        CopyTarget::NonPreferential => "non_preferential",
        CopyTarget::Preferential => "preferential",
        CopyTarget::Processing => "processing",
        CopyTarget::ReExport => "re_export",
    }
}

/// The copy rules applied to two certificate types of known kinds.
pub(crate) fn decide(
    rules: &LifecycleRules,
    source: (&CopySide, CertificateKind),
    target: (&CopySide, CertificateKind),
) -> CopyDecision {
    let refuse =
        |r: Refusal| CopyDecision { allowed: false, not_copied: Vec::new(), source: String::new(), refusal: Some(r) };
    if source.0.invoice_number.trim().is_empty() || target.0.invoice_number.trim().is_empty() {
        return refuse(Refusal::new(
            &INVOICE_MISSING,
            "FAQ Q25",
            "复制须给出源证书和新证书的发票号",
            "give both invoice numbers",
        ));
    }
    let Some(rule) = rules.copy.iter().find(|r| targets(r, source, target)) else {
        let allowed: Vec<&str> = rules.copy.iter().filter(|r| r.from == source.1).map(|r| target_name(r.to)).collect();
        return refuse(Refusal::new(
            &COPY_NOT_ALLOWED,
            "FAQ Q25",
            format!(
                "{}（{}）不能复制为 {}；可复制为：{}",
                source.0.agreement,
                kind_name(source.1),
                target.0.agreement,
                allowed.join("、")
            ),
            format!(
                "{} ({}) cannot be copied to {}; it can be copied to: {}",
                source.0.agreement,
                kind_name(source.1),
                target.0.agreement,
                allowed.join(", ")
            ),
        ));
    };
    let same = same_invoice(&source.0.invoice_number, &target.0.invoice_number);
    match (rule.invoice, same) {
        (InvoiceRule::Same, false) => refuse(Refusal::new(
            &INVOICE_MUST_MATCH,
            rule.source.clone(),
            format!("复制为 {} 须使用相同的发票号", target.0.agreement),
            format!("a copy to {} keeps the invoice number", target.0.agreement),
        )),
        (InvoiceRule::Different, true) => refuse(Refusal::new(
            &INVOICE_MUST_DIFFER,
            rule.source.clone(),
            format!("复制为 {} 须使用不同的发票号", target.0.agreement),
            format!("a copy to {} needs another invoice number", target.0.agreement),
        )),
        _ => CopyDecision {
            allowed: true,
            not_copied: rule.not_copied.clone(),
            source: rule.source.clone(),
            refusal: None,
        },
    }
}
