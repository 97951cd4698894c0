//! Enterprise registration, filing-location migration, self-printing, and signatory and
//! administrator applications (FAQ Q2, Q6, Q8, Q14, Q22, Q55, Q59, Q65, Q97, Q121, Q123): the
//! tables are `rules/workflows/registration.toml` and `application.toml`; here are the
//! conditions the tables cannot say.

use super::machine::{decide, own_enterprise, workflow, EnterpriseActor, WorkflowDecision};
use crate::refusal::Refusal;
use crate::rulebook::Rulebook;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

crate::finding::codes! {
    CODES;
    USCC_IN_USE = ("registration_uscc_in_use", Error, "统一社会信用代码已被其他企业编码激活使用", "the USCC is active under another enterprise code");
    NOT_FILED = ("registration_enterprise_not_filed", Error, "企业尚未完成备案", "the enterprise is not filed yet");
    DECLARATION_REQUIRED = ("registration_declaration_required", Error, "须上传盖章的声明文件", "the stamped declaration must be uploaded");
}

/// What a person applies to become in an enterprise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AppliesFor {
    /// 手签员 (FAQ Q59, Q121).
    Signatory,
    /// 管理员 (FAQ Q8); an account may hold both rights (FAQ Q65).
    Administrator,
}

/// A registration or an application as the host keeps it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationRecord {
    /// The current state (of the workflow named in the request).
    pub state: String,
    /// The enterprise (its CCPIT code once it has one).
    pub enterprise: String,
    /// `registration`: the enterprise code under which the enterprise's USCC is already active, if any (FAQ Q22, Q97).
    #[serde(default)]
    pub uscc_active_code: Option<String>,
    /// `registration`: CCPIT has processed the stamped declaration about the USCC (FAQ Q22, Q97).
    #[serde(default)]
    pub declaration_processed: bool,
    /// `application`: what the person applies to become.
    #[serde(default)]
    pub applies_for: Option<AppliesFor>,
    /// `application`: the registration state of the enterprise joined.
    #[serde(default)]
    pub enterprise_state: Option<String>,
    /// `application`: the stamped declaration is uploaded (FAQ Q8, Q121).
    #[serde(default)]
    pub declaration_uploaded: bool,
    /// `application`: the applying account already has a signatory bound (FAQ Q6, Q55).
    #[serde(default)]
    pub account_has_signatory: bool,
}

/// `apply_registration_action`: one action of the `registration` or `application` workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationRequest {
    /// `registration` (the enterprise) or `application` (a person joining it).
    pub workflow: String,
    /// The record.
    pub record: RegistrationRecord,
    /// An action of the workflow.
    pub action: String,
    /// Who acts.
    pub actor: EnterpriseActor,
}

/// Decides one registration or application action.
pub fn apply_registration_action(rb: &Rulebook, req: &RegistrationRequest) -> crate::Result<WorkflowDecision> {
    if !matches!(req.workflow.as_str(), "registration" | "application") {
        return Err(crate::Error::new(
            &crate::error::codes::UNKNOWN_WORKFLOW,
            "workflow",
            format!("`{}` 不是备案流程；可用：registration、application", req.workflow),
            format!("`{}` is not a registration workflow; known: registration, application", req.workflow),
        ));
    }
    let wf = workflow(rb, &req.workflow)?;
    let r = &req.record;
    Ok(decide(wf, &r.state, &req.action, &req.actor.role, |t| {
        if req.actor.role == "administrator" {
            own_enterprise(wf, &req.actor, &r.enterprise)?;
        }
        match (wf.name.as_str(), t.action.as_str()) {
            ("registration", "submit") => uscc_free(r),
            ("application", "apply") => application(r),
            _ => Ok(Vec::new()),
        }
    }))
}

/// A USCC active under another enterprise code disables this one until CCPIT processes the
/// stamped declaration (FAQ Q22, Q97).
fn uscc_free(r: &RegistrationRecord) -> Result<Vec<String>, Refusal> {
    match &r.uscc_active_code {
        Some(other) if other != &r.enterprise && !r.declaration_processed => Err(Refusal::new(
            &USCC_IN_USE,
            "FAQ Q22, Q97",
            format!("统一社会信用代码已被企业编码 {other} 激活使用，当前企业编码已禁用：须提交加盖公章的声明文件，经处理后方可使用"),
            format!("the USCC is active under enterprise code {other}, so this code is disabled until the stamped declaration is processed"),
        )
        .at("record.uscc_active_code")),
        _ => Ok(Vec::new()),
    }
}

/// A person joins a filed enterprise with the stamped declaration; an account binds one
/// signatory (FAQ Q6, Q55: one person serving several enterprises uses one account for each).
fn application(r: &RegistrationRecord) -> Result<Vec<String>, Refusal> {
    if r.enterprise_state.as_deref() != Some("approved") {
        return Err(Refusal::new(
            &NOT_FILED,
            "FAQ Q59, Q121",
            "新增手签员或管理员须通过企业编码关联已备案（审核通过）的企业",
            "a new signatory or administrator joins an enterprise already filed (approved) by its code",
        )
        .at("record.enterprise_state"));
    }
    if !r.declaration_uploaded {
        return Err(Refusal::new(
            &DECLARATION_REQUIRED,
            "FAQ Q8, Q121",
            "须下载声明文件，线下盖章后上传，再提交审核",
            "download the declaration, stamp it, upload it, then submit",
        )
        .at("record.declaration_uploaded"));
    }
    if r.applies_for != Some(AppliesFor::Administrator) && r.account_has_signatory {
        return Err(Refusal::new(
            &super::enterprise::ACCOUNT_HAS_SIGNATORY,
            "FAQ Q6, Q55",
            "一个账号只能绑定一名手签员；同一人任多家企业的手签员时，为每家企业分别注册账号",
            "an account binds one signatory; a person signing for several enterprises uses one account for each",
        )
        .at("record.account_has_signatory"));
    }
    Ok(Vec::new())
}
