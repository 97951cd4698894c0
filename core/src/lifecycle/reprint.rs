//! Reprint applications and seal regeneration (FAQ Q33, Q85, Q117; 审核端 FAQ Q12): the table is
//! `rules/workflows/reprint.toml`; here are the conditions the table cannot say.

use super::machine::{decide, own_enterprise, workflow, EnterpriseActor, WorkflowDecision};
use crate::refusal::Refusal;
use crate::rulebook::Rulebook;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

crate::finding::codes! {
    CODES;
    NOT_PRINTED = ("reprint_not_printed", Error, "证书尚未打印，不能申请重新打印", "the certificate is not printed yet");
    NO_SEAL_CHANGE = ("reprint_no_seal_change", Error, "没有审核通过的印章变更", "no approved seal change to regenerate with");
}

/// A reprint application as the host keeps it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReprintRecord {
    /// The host's id of the certificate.
    #[serde(default)]
    pub certificate: Option<String>,
    /// The current state (a state of the `reprint` workflow).
    pub state: String,
    /// The enterprise of the certificate.
    pub enterprise: String,
    /// The certificate's lifecycle state (`printed` once printed).
    pub certificate_state: String,
    /// CCPIT approved a change of the enterprise's seals since the certificate was generated (FAQ Q117).
    #[serde(default)]
    pub seal_change_approved: bool,
}

/// `apply_reprint_action`: one action on one reprint application.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReprintRequest {
    /// The application.
    pub record: ReprintRecord,
    /// An action of the workflow.
    pub action: String,
    /// Who acts.
    pub actor: EnterpriseActor,
    /// Why a reprint is needed, e.g. `卡纸` (FAQ Q85).
    #[serde(default)]
    pub reason: Option<String>,
}

/// Decides one reprint action.
pub fn apply_reprint_action(rb: &Rulebook, req: &ReprintRequest) -> crate::Result<WorkflowDecision> {
    let wf = workflow(rb, "reprint")?;
    let r = &req.record;
    Ok(decide(wf, &r.state, &req.action, &req.actor.role, |t| {
        own_enterprise(wf, &req.actor, &r.enterprise)?;
        match t.action.as_str() {
            "apply" => {
                if r.certificate_state != "printed" {
                    return Err(Refusal::new(
                        &NOT_PRINTED,
                        "FAQ Q33, Q85",
                        format!("证书状态为 {}：重新打印只适用于已打印的证书", r.certificate_state),
                        format!("the certificate is {}: only a printed certificate is reprinted", r.certificate_state),
                    )
                    .at("record.certificate_state"));
                }
                if req.reason.as_deref().is_none_or(|x| x.trim().is_empty()) {
                    return Err(Refusal::new(
                        &super::REASON_REQUIRED,
                        "FAQ Q85",
                        "申请重新打印须填写原因（如卡纸）",
                        "a reprint needs a reason (e.g. paper jam)",
                    )
                    .at("reason"));
                }
            }
            "regenerate" if !r.seal_change_approved => {
                return Err(Refusal::new(
                    &NO_SEAL_CHANGE,
                    "FAQ Q117",
                    "重新生成用于印章变更审核通过后载入最新印章",
                    "regenerating loads the newest seal after an approved seal change",
                )
                .at("record.seal_change_approved"));
            }
            _ => {}
        }
        Ok(Vec::new())
    }))
}
