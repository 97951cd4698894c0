//! The enterprise side: record changes (FAQ Q7, Q61, Q62, Q94, Q118, Q120), people and roles
//! (FAQ Q6, Q8, Q63–Q66, Q105, Q119, Q124–Q126) and agent authorisations (FAQ Q57, Q93).

use crate::identity;
use crate::refusal::Refusal;
use crate::rulebook::{ChangeMode, LifecycleRules, PersonnelAction, Role, EDIT_ENTERPRISE};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

crate::finding::codes! {
    CODES;
    UNKNOWN_FIELD = ("enterprise_unknown_field", Error, "未知企业信息字段", "no such enterprise field");
    FIELD_LOCKED = ("enterprise_field_locked", Error, "该字段企业不能修改", "the enterprise cannot change this field");
    NAME_CHANGE_INCOMPLETE = ("enterprise_name_change_incomplete", Error, "中文名称修改须同时修改英文名称、印章和营业执照", "a Chinese-name change must come with the English name, seals and licence");
    ATTACHMENT_REQUIRED = ("enterprise_attachment_required", Error, "须上传佐证材料", "supporting documents must be attached");
    NO_CHANGES = ("enterprise_no_changes", Error, "没有要修改的字段", "no fields to change");
    ROLE_NOT_PERMITTED = ("personnel_role_not_permitted", Error, "该角色无权执行此操作", "the role may not take this personnel action");
    OTHER_ENTERPRISE = ("personnel_other_enterprise", Error, "人员属于其他企业", "the person belongs to another enterprise");
    SELF = ("personnel_self", Error, "不能对本人账号执行此操作", "this action cannot target one's own account");
    PERSON_STATE = ("personnel_not_allowed_in_state", Error, "人员当前状态下不能执行此操作", "not possible in the person's current state");
    DELEGATION_STATE = ("delegation_not_allowed_in_state", Error, "授权当前状态下不能执行此操作", "not possible in the authorisation's current state");
    DELEGATION_PARTY = ("delegation_wrong_party", Error, "该操作须由另一方执行", "the other party takes this step");
    NOT_AGENT_ENTERPRISE = ("delegation_not_agent_enterprise", Error, "只有代理企业可以申请代理授权", "only an agent enterprise can request an authorisation");
    SIGNATORY_DUPLICATE = ("signatory_duplicate", Error, "人员信息重复", "this name and ID number are already bound in the enterprise");
    ACCOUNT_HAS_SIGNATORY = ("signatory_account_bound", Error, "一个账号只能绑定一名手签员", "the account already has a signatory");
    SIGNATORY_ID_INVALID = ("signatory_id_invalid", Error, "手签员身份证号无效", "the signatory's resident ID number is not valid");
}

// ----- enterprise record changes -----

/// `classify_enterprise_change`: the fields an enterprise wants to change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeRequest {
    /// Names of the changed fields (see `enterprise_field` in `lifecycle.toml`).
    pub fields: Vec<String>,
    /// Supporting documents are attached.
    #[serde(default)]
    pub attachment: bool,
    /// Who submits the change.
    pub role: Role,
}

/// How a set of enterprise changes takes effect.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeDecision {
    /// Whether the change may be submitted.
    pub allowed: bool,
    /// Fields that take effect after CCPIT review.
    pub review: Vec<String>,
    /// Fields that take effect on submission.
    pub immediate: Vec<String>,
    /// Why it was refused.
    #[serde(default)]
    pub refusal: Option<Refusal>,
}

/// Classifies an enterprise change (FAQ Q7, Q61, Q62, Q94, Q118, Q120).
///
/// A submission holding any reviewed field goes to review as a whole; the other fields still
/// take effect at once, as the FAQ describes them.
pub fn classify_change(rules: &LifecycleRules, req: &ChangeRequest) -> ChangeDecision {
    let refuse =
        |r: Refusal| ChangeDecision { allowed: false, review: Vec::new(), immediate: Vec::new(), refusal: Some(r) };
    if !rules.permits(req.role, EDIT_ENTERPRISE) {
        return refuse(Refusal::new(
            &ROLE_NOT_PERMITTED,
            "FAQ Q7",
            format!("角色 {} 不能修改企业信息", req.role.as_str()),
            format!("the {} role cannot change the enterprise record", req.role.as_str()),
        ));
    }
    if req.fields.is_empty() {
        return refuse(Refusal::new(&NO_CHANGES, "", "没有要修改的字段", "no fields to change"));
    }
    let mut fields = Vec::with_capacity(req.fields.len());
    for name in &req.fields {
        let Some(f) = rules.enterprise_field(name) else {
            let known: Vec<&str> = rules.enterprise_field.iter().map(|f| f.name.as_str()).collect();
            return refuse(Refusal::new(
                &UNKNOWN_FIELD,
                "",
                format!("未知字段 `{name}`；可用：{}", known.join("、")),
                format!("unknown field `{name}`; known: {}", known.join(", ")),
            ));
        };
        match f.change {
            ChangeMode::Never => {
                return refuse(Refusal::new(&FIELD_LOCKED, f.source.clone(), format!("字段 {name} 无法变更"), format!("field {name} can never change")))
            }
            ChangeMode::Ccpit => {
                return refuse(Refusal::new(
                    &FIELD_LOCKED,
                    f.source.clone(),
                    format!("字段 {name} 经审核后企业不可自行修改；请将盖章的申请书及佐证材料提交给贸促会签证人员"),
                    format!("field {name} cannot be changed by the enterprise once approved; send a stamped application with evidence to CCPIT"),
                ))
            }
            ChangeMode::Review | ChangeMode::Immediate => fields.push(f),
        }
    }
    let nc = &rules.name_change;
    if req.fields.contains(&nc.field) {
        let missing: Vec<&str> = nc
            .requires
            .iter()
            .filter(|r| !fields.iter().any(|f| &f.name == *r || f.group.as_ref() == Some(*r)))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return refuse(Refusal::new(
                &NAME_CHANGE_INCOMPLETE,
                nc.source.clone(),
                format!("修改 {} 时须同时修改：{}", nc.field, missing.join("、")),
                format!("changing {} needs these changed with it: {}", nc.field, missing.join(", ")),
            ));
        }
    }
    if let Some(f) = fields.iter().find(|f| f.attachment && !req.attachment) {
        return refuse(Refusal::new(
            &ATTACHMENT_REQUIRED,
            f.source.clone(),
            format!("修改 {} 须上传佐证材料（如营业执照、工商变更材料）", f.name),
            format!("changing {} needs supporting documents (e.g. the business licence)", f.name),
        ));
    }
    let pick = |mode: ChangeMode| fields.iter().filter(|f| f.change == mode).map(|f| f.name.clone()).collect();
    ChangeDecision {
        allowed: true,
        review: pick(ChangeMode::Review),
        immediate: pick(ChangeMode::Immediate),
        refusal: None,
    }
}

// ----- people and roles -----

/// Where a person's account stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PersonState {
    /// Working.
    Active,
    /// Suspended.
    Disabled,
    /// No longer authorised by the enterprise.
    Deleted,
}

/// A person of an enterprise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// The enterprise.
    pub enterprise: String,
    /// The host's id of the person's account.
    pub person: String,
    /// Where the account stands.
    #[serde(default = "active")]
    pub state: PersonState,
}

impl PersonState {
    /// The snake_case name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            PersonState::Active => "active",
            PersonState::Disabled => "disabled",
            PersonState::Deleted => "deleted",
        }
    }
}

fn active() -> PersonState {
    PersonState::Active
}

/// The actor of a personnel action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonnelActor {
    /// The actor's role.
    pub role: Role,
    /// The actor's enterprise.
    pub enterprise: String,
    /// The actor's account.
    pub person: String,
}

/// `apply_personnel`: one personnel action.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonnelRequest {
    /// Who acts.
    pub actor: PersonnelActor,
    /// What to do.
    pub action: PersonnelAction,
    /// Whom it concerns; absent for `request_administrator` (the actor itself).
    #[serde(default)]
    pub target: Option<Person>,
}

/// What the host must do after a personnel action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum PersonnelEffect {
    /// This person is administrator from now on.
    GrantAdministrator {
        /// The person.
        person: String,
    },
    /// This person is no longer administrator.
    RevokeAdministrator {
        /// The person.
        person: String,
    },
    /// The request goes to CCPIT for review before it takes effect.
    CcpitReview,
}

/// The answer to [`apply_personnel`].
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonnelDecision {
    /// Whether the action is allowed.
    pub allowed: bool,
    /// The target's state afterwards (unchanged when refused).
    #[serde(default)]
    pub state: Option<PersonState>,
    /// What the host must do.
    pub effects: Vec<PersonnelEffect>,
    /// Why it was refused.
    #[serde(default)]
    pub refusal: Option<Refusal>,
}

/// Decides a personnel action (FAQ Q8, Q63–Q66, Q124–Q126).
pub fn apply_personnel(rules: &LifecycleRules, req: &PersonnelRequest) -> PersonnelDecision {
    let before = req.target.as_ref().map(|t| t.state);
    match personnel(rules, req) {
        Ok((state, effects)) => PersonnelDecision { allowed: true, state: state.or(before), effects, refusal: None },
        Err(r) => PersonnelDecision { allowed: false, state: before, effects: Vec::new(), refusal: Some(r) },
    }
}

type PersonnelOutcome = (Option<PersonState>, Vec<PersonnelEffect>);

fn personnel(rules: &LifecycleRules, req: &PersonnelRequest) -> Result<PersonnelOutcome, Refusal> {
    let a = &req.actor;
    if !rules.permits(a.role, req.action.as_str()) {
        let source = rules.role(a.role).map(|r| r.source.clone()).unwrap_or_default();
        return Err(Refusal::new(
            &ROLE_NOT_PERMITTED,
            source,
            format!("角色 {} 不能执行 {}（如未设置管理员，请先设置管理员）", a.role.as_str(), req.action.as_str()),
            format!(
                "the {} role may not {} (set up an administrator first if there is none)",
                a.role.as_str(),
                req.action.as_str()
            ),
        ));
    }
    let (want, to) = match req.action {
        PersonnelAction::DisableSignatory => (PersonState::Active, Some(PersonState::Disabled)),
        PersonnelAction::EnableSignatory => (PersonState::Disabled, Some(PersonState::Active)),
        PersonnelAction::DeleteSignatory => (PersonState::Disabled, Some(PersonState::Deleted)),
        PersonnelAction::TransferAdministrator => (PersonState::Active, None),
        PersonnelAction::RequestAdministrator => return Ok((None, vec![PersonnelEffect::CcpitReview])),
    };
    let Some(t) = &req.target else {
        return Err(Refusal::new(&PERSON_STATE, "", "须给出操作对象 target", "give the `target` of the action"));
    };
    if t.enterprise != a.enterprise {
        return Err(Refusal::new(
            &OTHER_ENTERPRISE,
            "FAQ Q124",
            "只能管理本企业的人员",
            "only the enterprise's own people can be managed",
        ));
    }
    if t.person == a.person {
        return Err(Refusal::new(
            &SELF,
            "FAQ Q64",
            "不能对本人账号执行此操作：先转让管理员，再由新管理员处理",
            "not on one's own account: transfer administration first, then the new administrator acts",
        ));
    }
    if t.state != want {
        let want = want.as_str();
        return Err(Refusal::new(
            &PERSON_STATE,
            "FAQ Q124",
            format!("对象须处于 {want} 状态（永久停用须先禁用再删除）"),
            format!("the target must be {want} (to remove a signatory for good, disable it, then delete it)"),
        ));
    }
    let effects = match req.action {
        PersonnelAction::TransferAdministrator => vec![
            PersonnelEffect::GrantAdministrator { person: t.person.clone() },
            PersonnelEffect::RevokeAdministrator { person: a.person.clone() },
        ],
        _ => Vec::new(),
    };
    Ok((to, effects))
}

// ----- agent authorisations -----

/// Where an agent authorisation stands (FAQ Q93).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DelegationState {
    /// The agent asked; the principal has not answered.
    Requested,
    /// The principal approved: the agent may act.
    Active,
    /// The principal declined.
    Rejected,
    /// One side ended it.
    Disabled,
}

/// A step of an agent authorisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DelegationAction {
    /// The agent asks, giving the principal's CCPIT code.
    Request,
    /// The principal approves.
    Approve,
    /// The principal declines.
    Reject,
    /// Either side ends it.
    Disable,
}

/// The two sides of an authorisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// 代理企业.
    Agent,
    /// 被代理企业.
    Principal,
}

/// The nature of an enterprise, fixed at filing (FAQ Q120).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EnterpriseNature {
    /// 办证企业: applies in its own name.
    Issuing,
    /// 代理企业: may also apply for principals.
    Agent,
}

/// `apply_delegation`: one step of an authorisation.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DelegationRequest {
    /// The current state; absent before the first request.
    #[serde(default)]
    pub state: Option<DelegationState>,
    /// The step.
    pub action: DelegationAction,
    /// Who takes it.
    pub party: Party,
    /// The nature of the requesting enterprise, when the host knows it.
    #[serde(default)]
    pub agent_nature: Option<EnterpriseNature>,
}

/// The answer to [`apply_delegation`].
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DelegationDecision {
    /// Whether the step is allowed.
    pub allowed: bool,
    /// The state afterwards (unchanged when refused).
    #[serde(default)]
    pub state: Option<DelegationState>,
    /// Why it was refused.
    #[serde(default)]
    pub refusal: Option<Refusal>,
}

/// Decides a step of an agent authorisation: request → approve → active → disabled by either side.
pub fn apply_delegation(req: &DelegationRequest) -> DelegationDecision {
    use DelegationAction as A;
    use DelegationState as S;
    let refuse = |r: Refusal| DelegationDecision { allowed: false, state: req.state, refusal: Some(r) };
    if req.action == A::Request && req.agent_nature == Some(EnterpriseNature::Issuing) {
        return refuse(Refusal::new(
            &NOT_AGENT_ENTERPRISE,
            "FAQ Q57, Q120",
            "办证企业不能申请代理授权；企业性质无法变更",
            "an issuing enterprise cannot request an authorisation, and its nature cannot change",
        ));
    }
    let party = match req.action {
        A::Request => Some(Party::Agent),
        A::Approve | A::Reject => Some(Party::Principal),
        A::Disable => None,
    };
    if party.is_some_and(|p| p != req.party) {
        return refuse(Refusal::new(
            &DELEGATION_PARTY,
            "FAQ Q93",
            "代理企业发起申请，被代理企业审核",
            "the agent requests, the principal approves or declines",
        ));
    }
    let to = match (req.action, req.state) {
        (A::Request, None | Some(S::Rejected | S::Disabled)) => S::Requested,
        (A::Approve, Some(S::Requested)) => S::Active,
        (A::Reject, Some(S::Requested)) => S::Rejected,
        (A::Disable, Some(S::Active)) => S::Disabled,
        _ => {
            return refuse(Refusal::new(
                &DELEGATION_STATE,
                "FAQ Q93",
                "授权当前状态下不能执行此操作",
                "this step is not possible in the authorisation's current state",
            ))
        }
    };
    DelegationDecision { allowed: true, state: Some(to), refusal: None }
}

// ----- one signatory per name and ID number -----

/// A signatory binding: an account, a name and a resident ID number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Binding {
    /// The account name.
    pub account: String,
    /// The signatory's name.
    pub name: String,
    /// The signatory's resident ID number.
    pub id_number: String,
}

/// `check_signatory`: may this binding be added to the enterprise's existing ones?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignatoryRequest {
    /// The new binding.
    pub binding: Binding,
    /// The enterprise's existing bindings.
    #[serde(default)]
    pub existing: Vec<Binding>,
}

/// The answer to [`check_signatory`].
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignatoryDecision {
    /// Whether the binding may be added.
    pub allowed: bool,
    /// Why not.
    #[serde(default)]
    pub refusal: Option<Refusal>,
}

/// One account binds one signatory (FAQ Q6, Q58); one name + ID number binds once per enterprise
/// (FAQ Q105, Q119); the ID number must be valid (GB 11643-1999).
pub fn check_signatory(req: &SignatoryRequest) -> SignatoryDecision {
    let refuse = |r: Refusal| SignatoryDecision { allowed: false, refusal: Some(r) };
    let id = identity::resident(&req.binding.id_number);
    let Some(id_number) = id.normalized.filter(|_| id.valid) else {
        let why = id.reason.map(|r| (r.zh, r.en)).unwrap_or_default();
        return refuse(Refusal::new(
            &SIGNATORY_ID_INVALID,
            "GB 11643-1999; FAQ Q119",
            format!("身份证号无效：{}", why.0),
            format!("the resident ID number is not valid: {}", why.1),
        ));
    };
    let b = &req.binding;
    if req.existing.iter().any(|e| e.account.trim() == b.account.trim()) {
        return refuse(Refusal::new(
            &ACCOUNT_HAS_SIGNATORY,
            "FAQ Q6, Q58",
            "一个账号只能绑定一名手签员；请为其他手签员创建新账号",
            "one account binds one signatory; create another account for another signatory",
        ));
    }
    let same_person =
        |e: &&Binding| e.name.trim() == b.name.trim() && e.id_number.trim().eq_ignore_ascii_case(&id_number);
    if req.existing.iter().any(|e| same_person(&e)) {
        return refuse(Refusal::new(
            &SIGNATORY_DUPLICATE,
            "FAQ Q105, Q119",
            "人员信息重复：同一企业下同一姓名和身份证号只可对应一个手签员账号",
            "duplicate person: in one enterprise a name and ID number bind one signatory account only",
        ));
    }
    SignatoryDecision { allowed: true, refusal: None }
}
