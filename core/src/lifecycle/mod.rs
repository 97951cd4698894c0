//! The certificate lifecycle as a checked state machine (FAQ Q21, Q29, Q32, Q33, Q44, Q85–Q87,
//! Q99, Q100, Q114, Q115).
//!
//! Pure functions: the host keeps the records and passes one in with an action and the actor;
//! origo answers with the new state and what the host must do next (effects), or with a refusal.
//! A refusal changes nothing. Who may do what comes from the rulebook (`lifecycle.toml`); the
//! states and transitions are the mechanism and live here.

mod copy;
mod enterprise;
mod institutions;
mod invoice;
pub mod machine;
mod prereview;
mod registration;
mod reprint;
mod verification;

pub use copy::{check_copy, CopyDecision, CopyRequest, CopySide};
pub use enterprise::*;
pub use institutions::*;
pub use invoice::*;
pub use machine::{workflow_table, EnterpriseActor, TableRequest, WorkflowDecision, WorkflowRow, WorkflowTable};
pub use prereview::*;
pub use registration::*;
pub use reprint::*;
pub use verification::*;

pub(crate) use copy::CODES as COPY_CODES;
pub(crate) use enterprise::CODES as ENTERPRISE_CODES;
pub(crate) use institutions::CODES as INSTITUTION_CODES;
pub(crate) use invoice::CODES as INVOICE_CODES;
pub(crate) use machine::CODES as WORKFLOW_CODES;
pub(crate) use prereview::CODES as PREREVIEW_CODES;
pub(crate) use registration::CODES as REGISTRATION_CODES;
pub(crate) use reprint::CODES as REPRINT_CODES;
pub(crate) use verification::CODES as VERIFICATION_CODES;

use crate::model::single_window;
use crate::refusal::Refusal;
pub use crate::rulebook::{Action, PersonnelAction, EDIT_ENTERPRISE};
use crate::rulebook::{Agreement, LifecycleRules, Role, Rulebook, Scope};
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// The states of a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// 草稿: not yet saved successfully; cannot be previewed (FAQ Q44).
    Draft,
    /// 待发送: saved, editable by the enterprise (FAQ Q29).
    ToSend,
    /// 待审核: sent to the reviewing office; withdraw to edit (FAQ Q29, Q87).
    PendingReview,
    /// 审核通过: approved, waiting to be printed; never deleted (FAQ Q21).
    Approved,
    /// 审核不通过: rejected; the enterprise edits and sends again.
    Rejected,
    /// 已打印: printed at least once.
    Printed,
    /// 已作废: voided before its first print; its invoice number is free again (FAQ Q115).
    Voided,
    /// Replaced by an approved amendment reissue (the original "作废" of FAQ Q100).
    Superseded,
    /// Deleted by the enterprise before approval: the host removes the record.
    Deleted,
}

impl State {
    /// Every state, in table order.
    pub const ALL: [State; 9] = [
        State::Draft,
        State::ToSend,
        State::PendingReview,
        State::Approved,
        State::Rejected,
        State::Printed,
        State::Voided,
        State::Superseded,
        State::Deleted,
    ];

    /// The snake_case name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::ToSend => "to_send",
            State::PendingReview => "pending_review",
            State::Approved => "approved",
            State::Rejected => "rejected",
            State::Printed => "printed",
            State::Voided => "voided",
            State::Superseded => "superseded",
            State::Deleted => "deleted",
        }
    }

    /// The state called `name`, if any.
    pub fn parse(name: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Whether the reviewing office has approved the certificate at some point.
    pub fn was_approved(self) -> bool {
        matches!(self, State::Approved | State::Printed | State::Superseded)
    }
}

/// How the certificate lifecycle moves on each action (the vocabulary itself is rulebook data).
impl Action {
    /// The states the action is defined in and the state it leads to.
    fn transition(self, from: State) -> Option<State> {
        use State::*;
        let to = match (self, from) {
            (Action::Save, Draft | ToSend | Rejected) => ToSend,
            (Action::Send, ToSend) => PendingReview,
            (Action::Withdraw, PendingReview) => ToSend,
            (Action::Approve, PendingReview) => Approved,
            (Action::Reject, PendingReview) => Rejected,
            (Action::Preview, s) if s != Draft && s != Deleted => s,
            (Action::Print, Approved) => Printed,
            (Action::Reprint | Action::ExtraCopy | Action::LostReissue, Printed) => Printed,
            (Action::Void, Approved) => Voided,
            (Action::Delete, Draft | ToSend | Rejected) => Deleted,
            (Action::AmendReissue, s @ (Approved | Printed)) => s,
            (Action::ChangePrintLocation, Approved) => Approved,
            (Action::Supersede, Approved | Printed) => Superseded,
            _ => return None,
        };
        Some(to)
    }

    /// The states in which the action is defined, for refusal messages.
    fn defined_in(self) -> Vec<&'static str> {
        State::ALL.into_iter().filter(|s| self.transition(*s).is_some()).map(State::as_str).collect()
    }
}

/// Where an approved certificate is printed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrintLocation {
    /// At the reviewing office (the default: the office decides, FAQ Q43).
    #[default]
    Ccpit,
    /// At the enterprise (self-print, 自主打印).
    Enterprise,
}

/// Which kind of reissue a certificate is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReissueKind {
    /// 改证重发: an amended certificate replacing the original once approved.
    Amend,
    /// 失证重发: a duplicate with the original's force.
    Lost,
}

/// The certificate a reissue was made from.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReissueOf {
    /// Amendment or lost-certificate duplicate.
    pub kind: ReissueKind,
    /// The host's id of the original certificate.
    #[serde(default)]
    pub original: Option<String>,
}

/// A certificate as the host keeps it: what the state machine needs to know.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// The host's id of the certificate, echoed in effects.
    #[serde(default)]
    pub id: Option<String>,
    /// The current state (a [`State`] name; an unknown name is refused).
    pub state: String,
    /// Certificate type: an agreement code of the rulebook.
    pub agreement: String,
    /// Importing country (ISO alpha-2); needed where only some destinations need a manual stamp.
    #[serde(default)]
    pub destination: Option<String>,
    /// The applicant enterprise (e.g. its CCPIT code).
    pub enterprise: String,
    /// The signatory in whose name the certificate is applied for.
    pub signatory: String,
    /// Where the certificate is printed.
    #[serde(default)]
    pub print_location: PrintLocation,
    /// The enterprise has self-print enabled (自主打印).
    #[serde(default)]
    pub self_print: bool,
    /// An amendment reissue of this certificate is sent but not yet approved (FAQ Q32).
    #[serde(default)]
    pub amendment_pending: bool,
    /// Set when this certificate is itself a reissue.
    #[serde(default)]
    pub reissue_of: Option<ReissueOf>,
    /// The state of the enterprise's reprint application for this certificate (the `reprint`
    /// workflow): the enterprise reprints only once CCPIT approved it (审核端 FAQ Q12).
    #[serde(default)]
    pub reprint_application: Option<String>,
    /// Where the application came from when not typed in this system, as on the certificate
    /// (`single_window`: synced from the single window, never printed or amended here, FAQ Q42).
    #[serde(default)]
    pub origin_system: Option<String>,
}

/// Who acts.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// A [`Role`] name; an unknown name is refused.
    pub role: String,
    /// The actor's own enterprise (for an agent: the agent enterprise).
    #[serde(default)]
    pub enterprise: Option<String>,
    /// The signatory bound to the actor's account.
    #[serde(default)]
    pub signatory: Option<String>,
    /// For an agent: the authorisation it acts under (FAQ Q93).
    #[serde(default)]
    pub authorisation: Option<Authorisation>,
}

/// An agent authorisation as the host keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Authorisation {
    /// The agent enterprise.
    pub agent: String,
    /// The principal (被代理企业).
    pub principal: String,
    /// Where the authorisation stands.
    pub state: DelegationState,
}

/// `apply_action`: one action on one record.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyRequest {
    /// The certificate.
    pub record: Record,
    /// An [`Action`] name; an unknown name is refused.
    pub action: String,
    /// Who acts.
    pub actor: Actor,
    /// The host's today, needed with `deadline`.
    #[serde(default)]
    pub today: Option<NaiveDate>,
    /// Last day a reissue may be applied for: the original's validity end, or for ECFA the
    /// declaration date + 90 days (FAQ Q100, Q127). The host or the check derives it.
    #[serde(default)]
    pub deadline: Option<NaiveDate>,
    /// Why a reprint is needed, e.g. `卡纸` (FAQ Q85).
    #[serde(default)]
    pub reason: Option<String>,
}

/// What the host must do besides storing the new state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    /// The invoice number may serve another preferential certificate (FAQ Q27, Q115).
    ReleaseInvoice,
    /// Keep the certificate number and issue a new serial number (FAQ Q33).
    NewSerialNumber,
    /// Create a reissue application linked to this certificate (state `to_send`).
    CreateReissue {
        /// Amendment or lost-certificate duplicate.
        kind: ReissueKind,
        /// The id of the certificate reissued.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        of: Option<String>,
    },
    /// Apply `supersede` to the original: the amendment replaces it (FAQ Q100).
    SupersedeOriginal {
        /// The id of the original.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        original: Option<String>,
    },
    /// Printed without electronic seal and signature: the signatory takes it to CCPIT to be
    /// stamped and signed by hand (FAQ Q82, Q106).
    ManualStamp,
    /// The print location is now this one (FAQ Q114).
    PrintLocation {
        /// The new location.
        to: PrintLocation,
    },
}

/// The answer to [`apply`]: the new state and effects, or a refusal with the state unchanged.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Whether the action is allowed.
    pub allowed: bool,
    /// The state after the action; the unchanged state when refused; absent when the given state is unknown.
    #[serde(default)]
    pub state: Option<State>,
    /// What the host must do besides storing the state.
    pub effects: Vec<Effect>,
    /// Why the action was refused.
    #[serde(default)]
    pub refusal: Option<Refusal>,
}

impl Decision {
    fn refuse(state: Option<State>, refusal: Refusal) -> Self {
        Decision { allowed: false, state, effects: Vec::new(), refusal: Some(refusal) }
    }
}

crate::finding::codes! {
    CODES;
    UNKNOWN_STATE = ("lifecycle_unknown_state", Error, "未知证书状态", "unknown certificate state");
    UNKNOWN_ACTION = ("lifecycle_unknown_action", Error, "未知操作", "unknown lifecycle action");
    UNKNOWN_ROLE = ("lifecycle_unknown_role", Error, "未知角色", "unknown role");
    ROLE_NOT_PERMITTED = ("lifecycle_role_not_permitted", Error, "该角色无权执行此操作", "the role may not take this action");
    NOT_OWN = ("lifecycle_not_own_certificate", Error, "手签员只能操作本人的证书", "a signatory acts on its own certificates only");
    OTHER_ENTERPRISE = ("lifecycle_other_enterprise", Error, "证书属于其他企业", "the certificate belongs to another enterprise");
    NO_AUTHORISATION = ("lifecycle_no_authorisation", Error, "代理企业无有效授权", "the agent has no active authorisation");
    NOT_IN_STATE = ("lifecycle_not_allowed_in_state", Error, "当前状态下不能执行此操作", "the action is not possible in this state");
    PREVIEW_DRAFT = ("lifecycle_preview_draft", Error, "草稿不能预览", "a draft cannot be previewed");
    NOT_DELETABLE = ("lifecycle_approved_not_deletable", Error, "已审核通过的证书不能删除", "an approved certificate is never deleted");
    VOID_AFTER_PRINT = ("lifecycle_void_after_print", Error, "证书已打印，不能作废", "a printed certificate cannot be voided");
    AMENDMENT_PENDING = ("lifecycle_amendment_pending", Error, "上一次改证重发尚未审核通过", "the previous amendment is not yet approved");
    DEADLINE_PASSED = ("lifecycle_reissue_deadline_passed", Error, "已超过重发期限", "the reissue deadline has passed");
    TODAY_REQUIRED = ("lifecycle_today_required", Error, "给出期限时须给出当天日期", "a deadline needs today's date");
    REASON_REQUIRED = ("lifecycle_reason_required", Error, "重新打印须说明原因", "a reprint needs a reason");
    REPRINT_NOT_APPROVED = ("lifecycle_reprint_not_approved", Error, "重新打印申请未经审核通过", "the reprint application is not approved");
    WRONG_PRINT_LOCATION = ("lifecycle_wrong_print_location", Error, "打印地点不符", "the certificate is printed elsewhere");
    NOT_SELF_PRINT = ("lifecycle_not_self_print", Error, "企业未开通自主打印", "the enterprise has no self-print");
    MANUAL_STAMP = ("lifecycle_manual_stamp", Error, "该证书须手工盖章签字", "the certificate needs a manual stamp and signature");
    DESTINATION_REQUIRED = ("lifecycle_destination_required", Error, "须给出目的国才能判断是否手工盖章", "the destination decides the manual stamp: give it");
    SINGLE_WINDOW = ("lifecycle_single_window", Error, "单一窗口同步的证书不能在本系统打印或改证重发", "a certificate synced from the single window is never printed or amended here");
    CCPIT_PRINT_ONLY = ("lifecycle_ccpit_print_only", Error, "该证书只能由贸促会在指定证书格式上打印", "this certificate is printed by CCPIT on the official form only");
    REVIEW_PREVIEW_BEFORE_APPROVAL = ("lifecycle_review_preview_before_approval", Error, "审核通过前只能查看和审核，不能预览", "before approval a reviewer can view and review, not preview");
}

/// Applies one action to a record. Fails only when the record's certificate type is not in the
/// rulebook; every rule violation is a refusal inside the decision.
pub fn apply(rulebook: &Rulebook, req: &ApplyRequest) -> crate::Result<Decision> {
    let agreement = rulebook.known_agreement(&req.record.agreement, "record.agreement")?;
    Ok(decide(rulebook.lifecycle(), agreement, req))
}

fn decide(rules: &LifecycleRules, agreement: &Agreement, req: &ApplyRequest) -> Decision {
    let Some(state) = State::parse(&req.record.state) else {
        let names: Vec<&str> = State::ALL.iter().map(|s| s.as_str()).collect();
        return Decision::refuse(
            None,
            Refusal::new(
                &UNKNOWN_STATE,
                "",
                format!("未知状态 `{}`；可用：{}", req.record.state, names.join("、")),
                format!("unknown state `{}`; known: {}", req.record.state, names.join(", ")),
            ),
        );
    };
    match check(rules, agreement, req, state) {
        Ok((to, effects)) => Decision { allowed: true, state: Some(to), effects, refusal: None },
        Err(r) => Decision::refuse(Some(state), r),
    }
}

fn check(
    rules: &LifecycleRules,
    agreement: &Agreement,
    req: &ApplyRequest,
    state: State,
) -> Result<(State, Vec<Effect>), Refusal> {
    let action = Action::parse(&req.action).ok_or_else(|| {
        let names: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
        Refusal::new(
            &UNKNOWN_ACTION,
            "",
            format!("未知操作 `{}`；可用：{}", req.action, names.join("、")),
            format!("unknown action `{}`; known: {}", req.action, names.join(", ")),
        )
    })?;
    let role = Role::parse(&req.actor.role).ok_or_else(|| {
        let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        Refusal::new(
            &UNKNOWN_ROLE,
            "",
            format!("未知角色 `{}`；可用：{}", req.actor.role, names.join("、")),
            format!("unknown role `{}`; known: {}", req.actor.role, names.join(", ")),
        )
    })?;
    let to = step(rules, state, action, role)?;
    in_scope(rules, role, &req.actor, &req.record)?;
    conditions(agreement, req, action, role, to)
}

/// The transition table: the state `action` leads to from `state` when `role` takes it, before
/// the record's own conditions (ownership, print location, deadlines) are looked at.
pub fn step(rules: &LifecycleRules, state: State, action: Action, role: Role) -> Result<State, Refusal> {
    if !rules.permits(role, action.as_str()) {
        let source = rules.role(role).map(|r| r.source.clone()).unwrap_or_default();
        return Err(Refusal::new(
            &ROLE_NOT_PERMITTED,
            source,
            format!("角色 {} 不能执行操作 {}", role.as_str(), action.as_str()),
            format!("the {} role may not {}", role.as_str(), action.as_str()),
        ));
    }
    // FAQ review side Q3: a reviewer print-previews approved certificates only.
    if action == Action::Preview && role == Role::Reviewer && !matches!(state, State::Approved | State::Printed) {
        let before_approval = matches!(state, State::Draft | State::ToSend | State::PendingReview | State::Rejected);
        let (code, zh, en) = if before_approval {
            (
                &REVIEW_PREVIEW_BEFORE_APPROVAL,
                "审核端在证书审核通过前只能查看和审核，不能预览",
                "before approval a reviewer can view and review a certificate, not preview it",
            )
        } else {
            (
                &NOT_IN_STATE,
                "审核端只能打印预览审核通过或已打印的证书",
                "a reviewer print-previews only approved or printed certificates",
            )
        };
        return Err(Refusal::new(
            code,
            "FAQ R3",
            format!("{zh}（当前状态 {}）", state.as_str()),
            format!("{en} (state {})", state.as_str()),
        )
        .at("record.state"));
    }
    if let Some(to) = action.transition(state) {
        return Ok(to);
    }
    Err(match (action, state) {
        (Action::Preview, State::Draft) => Refusal::new(
            &PREVIEW_DRAFT,
            "FAQ Q44",
            "草稿状态的证书不支持预览，请先保存",
            "a draft cannot be previewed: save it first",
        ),
        (Action::Delete, s) if s.was_approved() => Refusal::new(
            &NOT_DELETABLE,
            "FAQ Q21",
            "已审核通过的证书不可以删除，可通过改证重发修改",
            "an approved certificate is never deleted; change it by amendment reissue",
        ),
        (Action::Void, State::Printed) => Refusal::new(
            &VOID_AFTER_PRINT,
            "FAQ Q27, Q115",
            "只有首次打印前的证书可以作废",
            "only a certificate not yet printed can be voided",
        ),
        _ => {
            let states = action.defined_in();
            Refusal::new(
                &NOT_IN_STATE,
                "FAQ Q29",
                format!("状态 {} 下不能执行 {}；该操作适用于：{}", state.as_str(), action.as_str(), states.join("、")),
                format!(
                    "cannot {} a certificate in state {}; possible in: {}",
                    action.as_str(),
                    state.as_str(),
                    states.join(", ")
                ),
            )
        }
    })
}

fn in_scope(rules: &LifecycleRules, role: Role, actor: &Actor, record: &Record) -> Result<(), Refusal> {
    let Some(scope) = rules.role(role).map(|r| r.scope) else {
        return Ok(());
    };
    let same_enterprise = actor.enterprise.as_deref() == Some(record.enterprise.as_str());
    match scope {
        Scope::Any => Ok(()),
        Scope::Own if same_enterprise && actor.signatory.as_deref() == Some(record.signatory.as_str()) => Ok(()),
        Scope::Own => Err(Refusal::new(
            &NOT_OWN,
            "FAQ Q58, Q126",
            "手签员账号只能操作以本人名义申办的证书；请用管理员账号",
            "a signatory account acts only on certificates in its own name; use an administrator account",
        )),
        Scope::Enterprise if same_enterprise => Ok(()),
        Scope::Enterprise => Err(Refusal::new(
            &OTHER_ENTERPRISE,
            "FAQ Q8, Q126",
            "管理员只能操作本企业的证书",
            "an administrator acts only on its own enterprise's certificates",
        )),
        Scope::Principal => {
            let ok = actor.authorisation.as_ref().is_some_and(|a| {
                a.state == DelegationState::Active
                    && a.principal == record.enterprise
                    && actor.enterprise.as_deref() == Some(a.agent.as_str())
            });
            if ok {
                Ok(())
            } else {
                Err(Refusal::new(
                    &NO_AUTHORISATION,
                    "FAQ Q57, Q93",
                    "代理企业须持有被代理企业的有效授权",
                    "an agent needs an active authorisation from the certificate's enterprise",
                ))
            }
        }
    }
}

/// Whether this certificate type needs a manual stamp for the record's destination (FAQ Q106).
fn manual_stamp(agreement: &Agreement, record: &Record) -> Result<bool, Refusal> {
    let list = &agreement.print.manual_stamp_destinations.value;
    if list.iter().any(|d| d == "*") {
        return Ok(true);
    }
    if list.is_empty() {
        return Ok(false);
    }
    match &record.destination {
        Some(d) => Ok(list.iter().any(|x| x.eq_ignore_ascii_case(d))),
        None => Err(Refusal::new(
            &DESTINATION_REQUIRED,
            "FAQ Q106",
            format!("证书类型 {} 对部分目的国须手工盖章：请给出 record.destination", agreement.code),
            format!("{} needs a manual stamp for some destinations: give record.destination", agreement.code),
        )),
    }
}

fn conditions(
    agreement: &Agreement,
    req: &ApplyRequest,
    action: Action,
    role: Role,
    to: State,
) -> Result<(State, Vec<Effect>), Refusal> {
    let record = &req.record;
    let mut effects = Vec::new();
    let prints = matches!(action, Action::Print | Action::Reprint | Action::ExtraCopy);
    if (prints || action == Action::AmendReissue) && record.origin_system.as_deref().is_some_and(single_window) {
        return Err(Refusal::new(
            &SINGLE_WINDOW,
            "FAQ Q42",
            "单一窗口的证书同步到本系统后不可以打印和改证重发",
            "a certificate synced from the single window cannot be printed or amended and reissued here",
        )
        .at("record.origin_system"));
    }
    // A pre-printed official form (China–Costa Rica) is printed at CCPIT on a dot-matrix printer.
    let ccpit_only = agreement.print.preprinted_form.value;
    let to_enterprise = match action {
        Action::Print | Action::Reprint => role != Role::Reviewer,
        Action::ExtraCopy => true,
        Action::ChangePrintLocation => record.print_location == PrintLocation::Ccpit,
        _ => false,
    };
    if ccpit_only && to_enterprise {
        return Err(Refusal::new(
            &CCPIT_PRINT_ONLY,
            "FAQ Q34, Q82",
            format!("{} 证书须用针式打印机在指定证书格式上打印，不在企业端打印", agreement.code),
            format!(
                "{} certificates are printed on the official form by CCPIT, never by the enterprise",
                agreement.code
            ),
        )
        .at(if action == Action::ChangePrintLocation { "record.print_location" } else { "action" }));
    }
    match action {
        Action::Approve => {
            if let Some(ReissueOf { kind: ReissueKind::Amend, original }) = &record.reissue_of {
                effects.push(Effect::SupersedeOriginal { original: original.clone() });
            }
        }
        Action::Print | Action::Reprint => {
            let want = if role == Role::Reviewer { PrintLocation::Ccpit } else { PrintLocation::Enterprise };
            if record.print_location != want {
                return Err(Refusal::new(
                    &WRONG_PRINT_LOCATION,
                    "FAQ Q43, Q114",
                    "证书的打印地点不是当前操作方：本地打印由企业打印，贸促会打印由签证人员打印",
                    "the certificate is printed elsewhere: local prints by the enterprise, CCPIT prints by the office",
                ));
            }
            if action == Action::Reprint {
                if req.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                    return Err(Refusal::new(
                        &REASON_REQUIRED,
                        "FAQ Q85",
                        "申请重新打印须填写原因（如卡纸）",
                        "a reprint needs a reason (e.g. paper jam)",
                    ));
                }
                if role != Role::Reviewer && record.reprint_application.as_deref() != Some("approved") {
                    return Err(Refusal::new(
                        &REPRINT_NOT_APPROVED,
                        "FAQ Q85; 审核端 FAQ Q12",
                        "企业重新打印须先申请，经贸促会审核通过后方可打印",
                        "an enterprise reprints only after CCPIT approves its reprint application",
                    )
                    .at("record.reprint_application"));
                }
                effects.push(Effect::NewSerialNumber);
            }
            if want == PrintLocation::Enterprise && manual_stamp(agreement, record)? {
                effects.push(Effect::ManualStamp);
            }
        }
        Action::Void => effects.push(Effect::ReleaseInvoice),
        Action::AmendReissue | Action::LostReissue => {
            if action == Action::AmendReissue && record.amendment_pending {
                return Err(Refusal::new(
                    &AMENDMENT_PENDING,
                    "FAQ Q32",
                    "改证重发可以申请多次，但上一次改证重发的证书须已审核通过",
                    "amendments may be repeated, but only once the previous amendment is approved",
                ));
            }
            deadline(req)?;
            let kind = if action == Action::AmendReissue { ReissueKind::Amend } else { ReissueKind::Lost };
            effects.push(Effect::CreateReissue { kind, of: record.id.clone() });
        }
        Action::ChangePrintLocation => {
            if !record.self_print {
                return Err(Refusal::new(
                    &NOT_SELF_PRINT,
                    "FAQ Q114",
                    "只有已开通自主打印的企业可以变更打印地点",
                    "only a self-print enterprise can change the print location",
                ));
            }
            if manual_stamp(agreement, record)? {
                return Err(manual_stamp_refusal(agreement, "FAQ Q106, Q114"));
            }
            let to = match record.print_location {
                PrintLocation::Ccpit => PrintLocation::Enterprise,
                PrintLocation::Enterprise => PrintLocation::Ccpit,
            };
            effects.push(Effect::PrintLocation { to });
        }
        Action::ExtraCopy => {
            if record.print_location != PrintLocation::Enterprise {
                return Err(Refusal::new(
                    &WRONG_PRINT_LOCATION,
                    "FAQ Q99",
                    "只有选择本地打印的证书可以加打副本",
                    "only a certificate printed locally can have extra copies",
                ));
            }
            if manual_stamp(agreement, record)? {
                return Err(manual_stamp_refusal(agreement, "FAQ Q99, Q106"));
            }
        }
        Action::Preview if role == Role::Reviewer && record.print_location != PrintLocation::Ccpit => {
            return Err(Refusal::new(
                &WRONG_PRINT_LOCATION,
                "FAQ R3",
                "审核端只能打印预览打印地点为贸促会的证书",
                "a reviewer can print-preview only a certificate printed at CCPIT",
            )
            .at("record.print_location"));
        }
        Action::Save
        | Action::Send
        | Action::Withdraw
        | Action::Reject
        | Action::Preview
        | Action::Delete
        | Action::Supersede => {}
    }
    Ok((to, effects))
}

fn manual_stamp_refusal(agreement: &Agreement, source: &str) -> Refusal {
    Refusal::new(
        &MANUAL_STAMP,
        source,
        format!("{} 证书须到贸促会手工盖章签字，无电子印章", agreement.code),
        format!("{} certificates need a manual stamp and signature at CCPIT, no electronic seal", agreement.code),
    )
}

fn deadline(req: &ApplyRequest) -> Result<(), Refusal> {
    let Some(deadline) = req.deadline else {
        return Ok(());
    };
    let Some(today) = req.today else {
        return Err(Refusal::new(&TODAY_REQUIRED, "", "给出 deadline 时须给出 today", "give `today` with `deadline`"));
    };
    if today > deadline {
        return Err(Refusal::new(
            &DEADLINE_PASSED,
            "FAQ Q100, Q127",
            format!("重发须在 {deadline} 前申请（原证书有效期内；ECFA 为报关日起 90 天内），今天是 {today}"),
            format!(
                "a reissue must be applied for by {deadline} (the original's validity; ECFA: 90 days from declaration); today is {today}"
            ),
        ));
    }
    Ok(())
}

/// One cell of the transition table.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableRow {
    /// The state before.
    pub state: State,
    /// The action.
    pub action: Action,
    /// Who takes it.
    pub role: Role,
    /// The state after, when allowed.
    #[serde(default)]
    pub to: Option<State>,
    /// The refusal code, when refused.
    #[serde(default)]
    pub refusal: Option<String>,
}

/// The complete transition table: every state × action × role, as [`step`] decides it.
pub fn table(rules: &LifecycleRules) -> Vec<TableRow> {
    let mut rows = Vec::with_capacity(State::ALL.len() * Action::ALL.len() * Role::ALL.len());
    for state in State::ALL {
        for action in Action::ALL {
            for role in Role::ALL {
                let (to, refusal) = match step(rules, state, action, role) {
                    Ok(to) => (Some(to), None),
                    Err(r) => (None, Some(r.code)),
                };
                rows.push(TableRow { state, action, role, to, refusal });
            }
        }
    }
    rows
}

/// The transition table as aligned text, one line per cell.
pub fn table_text(rules: &LifecycleRules) -> String {
    let rows = table(rules);
    let cells = rows.iter().map(|r| {
        let cell = [r.state.as_str(), r.action.as_str(), r.role.as_str()];
        (cell, r.to.map(State::as_str), r.refusal.as_deref())
    });
    aligned_table("# state × action × role → new state, or the refusal code", [15, 22, 14], cells)
}

/// A state × action × role table as text: `header`, then one line per cell, its three names
/// padded to `widths`, and the new state (`-> to`) or the refusal code (`refused code`).
fn aligned_table<'a>(
    header: &str,
    widths: [usize; 3],
    cells: impl Iterator<Item = ([&'a str; 3], Option<&'a str>, Option<&'a str>)>,
) -> String {
    let mut out = format!("{header}\n");
    let [ws, wa, wr] = widths;
    for ([state, action, role], to, refusal) in cells {
        let outcome = match (to, refusal) {
            (Some(to), _) => format!("-> {to}"),
            (None, Some(code)) => format!("refused {code}"),
            (None, None) => String::new(),
        };
        let _ = writeln!(out, "{state:<ws$} {action:<wa$} {role:<wr$} {outcome}");
    }
    out
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod workflow_tests;
