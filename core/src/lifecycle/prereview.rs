//! The product pre-review's own life (FAQ Q16, Q19, Q20, Q38, Q74, Q75, Q83, Q101): the table is
//! `rules/workflows/prereview.toml`; here are the conditions the table cannot say.

use super::machine::{decide, own_enterprise, workflow, EnterpriseActor, WorkflowDecision};
use crate::refusal::Refusal;
use crate::rulebook::Rulebook;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

crate::finding::codes! {
    CODES;
    DUPLICATE_MODEL = ("prereview_duplicate_model", Error, "同一种类、同一型号的产品已有产品预审", "this product kind and model already has a pre-review");
    DOCUMENTS_REQUIRED = ("prereview_documents_required", Error, "贸促会要求上传佐证资料", "CCPIT asked for supporting documents");
}

/// A pre-review as the host keeps it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrereviewRecord {
    /// The host's id of the pre-review.
    #[serde(default)]
    pub id: Option<String>,
    /// The current state (a state of the `prereview` workflow).
    pub state: String,
    /// The enterprise it belongs to (shared by all its signatories, FAQ Q20).
    pub enterprise: String,
    /// The product kind, e.g. its Chinese name.
    pub product: String,
    /// The model or specification.
    pub model: String,
    /// CCPIT asked for supporting documents (FAQ Q74).
    #[serde(default)]
    pub documents_requested: bool,
    /// Supporting documents are uploaded.
    #[serde(default)]
    pub documents_attached: bool,
}

/// Another pre-review of the same enterprise, for the one-per-kind-and-model rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrereviewSummary {
    /// The host's id.
    pub id: String,
    /// Its state.
    pub state: String,
    /// Its product kind.
    pub product: String,
    /// Its model.
    pub model: String,
}

/// `apply_prereview_action`: one action on one pre-review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrereviewRequest {
    /// The pre-review.
    pub record: PrereviewRecord,
    /// An action of the workflow.
    pub action: String,
    /// Who acts.
    pub actor: EnterpriseActor,
    /// The enterprise's other pre-reviews.
    #[serde(default)]
    pub others: Vec<PrereviewSummary>,
}

/// Decides one pre-review action.
pub fn apply_prereview_action(rb: &Rulebook, req: &PrereviewRequest) -> crate::Result<WorkflowDecision> {
    let wf = workflow(rb, "prereview")?;
    let r = &req.record;
    Ok(decide(wf, &r.state, &req.action, &req.actor.role, |t| {
        own_enterprise(wf, &req.actor, &r.enterprise)?;
        if matches!(t.action.as_str(), "save" | "submit") {
            let same = |o: &&PrereviewSummary| {
                Some(&o.id) != r.id.as_ref()
                    && o.state != "voided"
                    && o.product.trim() == r.product.trim()
                    && o.model.trim() == r.model.trim()
            };
            if let Some(o) = req.others.iter().find(same) {
                return Err(Refusal::new(
                    &DUPLICATE_MODEL,
                    "FAQ Q16",
                    format!(
                        "产品 {} 型号 {} 已有产品预审 {}：不同种类、不同型号的产品分开备案，同一种类同一型号只备案一次",
                        r.product, r.model, o.id
                    ),
                    format!(
                        "product {} model {} already has pre-review {}: one pre-review per kind and model",
                        r.product, r.model, o.id
                    ),
                )
                .at("record.model"));
            }
        }
        if t.action == "submit" && r.documents_requested && !r.documents_attached {
            return Err(Refusal::new(
                &DOCUMENTS_REQUIRED,
                "FAQ Q74",
                "佐证资料一般不必上传，但贸促会签证人员要求时须上传后再提交",
                "supporting documents are optional, but CCPIT asked for them: upload them before submitting",
            )
            .at("record.documents_attached"));
        }
        Ok(Vec::new())
    }))
}
