//! Invoice uniqueness (FAQ Q27, Q115): within an enterprise, one invoice number serves at most
//! one live preferential certificate; voiding one before its first print frees the number.

use super::State;
use crate::refusal::Refusal;
use crate::rulebook::{CertificateKind, Rulebook};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

crate::finding::codes! {
    CODES;
    INVOICE_IN_USE = ("invoice_in_use", Error, "该发票号已用于另一份优惠原产地证书", "the invoice number already serves another preferential certificate");
}

/// Whether two invoice numbers are the same: compared without surrounding spaces and ignoring
/// ASCII case, as people retype them.
pub(crate) fn same_invoice(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// Declares a certificate as `check_invoice` reads it: the fields every such certificate has,
/// written once here, then the struct's own. Not serde's `flatten`, which drops
/// `deny_unknown_fields` from the schema and buffers numbers as floats.
macro_rules! invoice_certificate {
    ($(#[$doc:meta])* $name:ident { $($(#[$field_doc:meta])* $field:ident: $ty:ty,)* }) => {
        $(#[$doc])*
        #[serde_with::skip_serializing_none]
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// The host's id of the certificate; absent for one not saved yet. A certificate
            /// never conflicts with itself.
            #[serde(default)]
            pub id: Option<String>,
            /// Certificate type: an agreement code of the rulebook.
            pub agreement: String,
            /// Invoice number.
            pub invoice_number: String,
            /// The applicant enterprise; certificates of other enterprises never conflict.
            #[serde(default)]
            pub enterprise: Option<String>,
            /// For a reissue: the id of the certificate it reissues (they share the invoice number).
            #[serde(default)]
            pub reissue_of: Option<String>,
            $($(#[$field_doc])* pub $field: $ty,)*
        }
    };
}

invoice_certificate! {
    /// The certificate that wants the invoice number.
    InvoiceUse {}
}

invoice_certificate! {
    /// A certificate the host already has.
    ExistingCertificate {
        /// Its state.
        state: State,
    }
}

/// `check_invoice`: may `certificate` use its invoice number, given the host's `existing` ones?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceRequest {
    /// The certificate wanting the number.
    pub certificate: InvoiceUse,
    /// The host's certificates (at least those with the same invoice number).
    #[serde(default)]
    pub existing: Vec<ExistingCertificate>,
}

/// The answer to [`check_invoice`].
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceDecision {
    /// Whether the invoice number is free for this certificate.
    pub allowed: bool,
    /// The conflicting certificates: their ids, or `existing[i]` where they have none.
    pub conflicts: Vec<String>,
    /// Why it was refused.
    #[serde(default)]
    pub refusal: Option<Refusal>,
}

/// States in which a certificate holds its invoice number: saved and not voided, superseded or deleted.
fn holds_invoice(state: State) -> bool {
    matches!(state, State::ToSend | State::PendingReview | State::Approved | State::Rejected | State::Printed)
}

/// Checks invoice uniqueness; fails only when a certificate type is not in the rulebook.
pub fn check_invoice(rulebook: &Rulebook, req: &InvoiceRequest) -> crate::Result<InvoiceDecision> {
    let kind = rulebook.known_agreement(&req.certificate.agreement, "certificate.agreement")?.kind;
    let mut kinds = Vec::with_capacity(req.existing.len());
    for (i, e) in req.existing.iter().enumerate() {
        kinds.push(rulebook.known_agreement(&e.agreement, &format!("existing[{i}].agreement"))?.kind);
    }
    Ok(decide(req, kind, &kinds))
}

/// The ids linked to the certificate through reissues, in either direction and transitively.
fn family(req: &InvoiceRequest) -> BTreeSet<&str> {
    let c = &req.certificate;
    let mut ids: BTreeSet<&str> = c.id.iter().chain(c.reissue_of.iter()).map(String::as_str).collect();
    loop {
        let before = ids.len();
        for e in &req.existing {
            let (Some(id), Some(of)) = (e.id.as_deref(), e.reissue_of.as_deref()) else {
                continue;
            };
            if ids.contains(id) || ids.contains(of) {
                ids.insert(id);
                ids.insert(of);
            }
        }
        if ids.len() == before {
            return ids;
        }
    }
}

/// The uniqueness rule on known kinds: `kinds[i]` is the kind of `req.existing[i]`.
pub(crate) fn decide(req: &InvoiceRequest, kind: CertificateKind, kinds: &[CertificateKind]) -> InvoiceDecision {
    let c = &req.certificate;
    if kind != CertificateKind::Preferential {
        return InvoiceDecision { allowed: true, conflicts: Vec::new(), refusal: None };
    }
    let linked = family(req);
    let conflicts: Vec<String> = req
        .existing
        .iter()
        .zip(kinds)
        .enumerate()
        .filter(|(_, (e, k))| {
            **k == CertificateKind::Preferential
                && holds_invoice(e.state)
                && same_invoice(&e.invoice_number, &c.invoice_number)
                && !e.id.as_deref().is_some_and(|id| linked.contains(id))
                && !matches!((&e.enterprise, &c.enterprise), (Some(a), Some(b)) if a != b)
        })
        .map(|(i, (e, _))| e.id.clone().unwrap_or_else(|| format!("existing[{i}]")))
        .collect();
    if conflicts.is_empty() {
        return InvoiceDecision { allowed: true, conflicts, refusal: None };
    }
    let refusal = Refusal::new(
        &INVOICE_IN_USE,
        "FAQ Q27, Q115",
        format!(
            "发票号 {} 已用于优惠原产地证书 {}；如需更换优惠证书类型，请在原证书首次打印前将其作废",
            c.invoice_number.trim(),
            conflicts.join("、")
        ),
        format!(
            "invoice {} already serves preferential certificate {}; to change the type, void that one before its first print",
            c.invoice_number.trim(),
            conflicts.join(", ")
        ),
    );
    InvoiceDecision { allowed: false, conflicts, refusal: Some(refusal) }
}
