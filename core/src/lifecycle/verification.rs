//! Verification requests (核查, 审核端 FAQ Q7, Q8): a foreign authority's letter becomes a task
//! that travels from the receiving institution (through 总会 when another institution issued the
//! certificate) to the issuer and the enterprise, and back as a conclusion and a reply letter.
//! The table is `rules/workflows/verification.toml`; no source gives deadlines, so none is set.

use super::institutions::{Hierarchy, Institution, InstitutionActor, Level};
use super::machine::{decide, pick_role, workflow, WorkflowDecision};
use crate::refusal::Refusal;
use crate::rulebook::Rulebook;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

crate::finding::codes! {
    CODES;
    UNKNOWN_CERTIFICATE = ("verification_unknown_certificate", Error, "核查函所涉证书未核实", "the certificate the letter asks about is not identified");
    WRONG_ROUTE = ("verification_wrong_route", Error, "核查任务派发路径不符", "the task does not travel this way");
}

/// A verification task as the host keeps it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VerificationRecord {
    /// The current state (a state of the `verification` workflow).
    pub state: String,
    /// The certificate number the letter asks about.
    pub certificate: String,
    /// The institution that issued it, as the receiving institution found it; absent when the
    /// certificate is not found (the task cannot be created).
    #[serde(default)]
    pub issuer: Option<String>,
    /// The institution that received the letter and creates the task.
    pub creator: String,
    /// The enterprise that applied for the certificate.
    pub enterprise: String,
}

/// Who acts on a task: a review-side account or the enterprise.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VerificationActor {
    /// A review-side account.
    #[serde(default)]
    pub account: Option<InstitutionActor>,
    /// The enterprise acting (for its evidence).
    #[serde(default)]
    pub enterprise: Option<String>,
}

/// `apply_verification_action`: one action on one verification task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VerificationRequest {
    /// The hierarchy.
    pub institutions: Vec<Institution>,
    /// The task.
    pub record: VerificationRecord,
    /// An action of the workflow.
    pub action: String,
    /// Who acts.
    pub actor: VerificationActor,
}

/// Decides one verification action.
pub fn apply_verification_action(rb: &Rulebook, req: &VerificationRequest) -> crate::Result<WorkflowDecision> {
    let wf = workflow(rb, "verification")?;
    let r = &req.record;
    let state = Some(r.state.as_str());
    let known = Hierarchy::new(&req.institutions).and_then(|h| {
        h.get(&r.creator, "record.creator")?;
        if let Some(issuer) = &r.issuer {
            h.get(issuer, "record.issuer")?;
        }
        if let Some(a) = &req.actor.account {
            h.get(&a.institution, "actor.account.institution")?;
        }
        Ok(h)
    });
    let hierarchy = match known {
        Ok(h) => h,
        Err(refusal) => return Ok(WorkflowDecision::refuse(state, refusal)),
    };
    let mut roles = Vec::new();
    if req.actor.enterprise.as_deref() == Some(r.enterprise.as_str()) {
        roles.push("enterprise");
    }
    if let Some(a) = req.actor.account.as_ref().filter(|a| a.administrator) {
        if a.institution == r.creator {
            roles.push("creator_administrator");
        }
        if r.issuer.as_deref() == Some(a.institution.as_str()) {
            roles.push("issuer_administrator");
        }
        if hierarchy.get(&a.institution, "").is_ok_and(|i| i.level == Level::Headquarters) {
            roles.push("headquarters");
        }
    }
    roles.push("other");
    let role = pick_role(wf, &r.state, &req.action, &roles);
    Ok(decide(wf, &r.state, &req.action, role, |t| {
        let Some(issuer) = &r.issuer else {
            return Err(Refusal::new(
                &UNKNOWN_CERTIFICATE,
                "审核端 FAQ Q7",
                format!("证书 {} 的签发机构未核实：收到核查函后须首先核实证书信息", r.certificate),
                format!(
                    "certificate {} has no identified issuer: the certificate is checked before the task is created",
                    r.certificate
                ),
            )
            .at("record.issuer"));
        };
        let own = issuer == &r.creator;
        let wrong = match (t.action.as_str(), r.state.as_str()) {
            ("upload_to_headquarters", _) => own,
            ("dispatch_to_enterprise", "created") => !own,
            _ => false,
        };
        if wrong {
            return Err(Refusal::new(
                &WRONG_ROUTE,
                "审核端 FAQ Q7",
                "证书由本机构签发时直接派发给申办企业；由其他机构签发时上传总会，由总会派发给签发机构",
                "a certificate the creator issued goes straight to the enterprise; another's goes to 总会, which dispatches it to the issuer",
            )
            .at("record.issuer"));
        }
        Ok(Vec::new())
    }))
}
