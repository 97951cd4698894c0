//! The one engine every workflow runs on: a [`Workflow`] read from `rules/workflows/*.toml`
//! (states, roles, transitions with their sources) and the step it allows, or the refusal.
//!
//! A workflow module adds only its domain conditions (a guard run after the table allowed the
//! step); the table, the refusals for unknown names, wrong roles and wrong states, and the
//! printable table are the same for all.

use crate::refusal::Refusal;
use crate::rulebook::{Rulebook, Transition, Workflow};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

crate::finding::codes! {
    CODES;
    UNKNOWN_STATE = ("workflow_unknown_state", Error, "未知状态", "unknown workflow state");
    UNKNOWN_ACTION = ("workflow_unknown_action", Error, "未知操作", "unknown workflow action");
    UNKNOWN_ROLE = ("workflow_unknown_role", Error, "未知角色", "unknown workflow role");
    ROLE_NOT_PERMITTED = ("workflow_role_not_permitted", Error, "该角色无权执行此操作", "the role may not take this action");
    NOT_IN_STATE = ("workflow_not_allowed_in_state", Error, "当前状态下不能执行此操作", "the action is not possible in this state");
    OTHER_ENTERPRISE = ("workflow_other_enterprise", Error, "记录属于其他企业", "the record belongs to another enterprise");
}

/// Who acts on an enterprise's record.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseActor {
    /// A role of the workflow.
    pub role: String,
    /// The actor's enterprise (not needed for a reviewing role).
    #[serde(default)]
    pub enterprise: Option<String>,
}

/// An enterprise's records are reached by its own accounts and by the reviewing roles (FAQ Q8,
/// Q20, Q126).
pub(crate) fn own_enterprise(wf: &Workflow, actor: &EnterpriseActor, enterprise: &str) -> Result<(), Refusal> {
    let reviews = wf.role(&actor.role).is_some_and(|r| r.reviews);
    if reviews || actor.enterprise.as_deref() == Some(enterprise) {
        return Ok(());
    }
    Err(Refusal::new(
        &OTHER_ENTERPRISE,
        "FAQ Q8, Q20, Q126",
        format!("{}属于企业 {enterprise}，只有该企业的账号可以操作", wf.title_zh),
        format!("the {} belongs to enterprise {enterprise}: only its own accounts act on it", wf.title_en),
    )
    .at("actor.enterprise"))
}

/// The answer of every workflow operation: the new state and effects, or a refusal with the
/// state unchanged.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkflowDecision {
    /// Whether the action is allowed.
    pub allowed: bool,
    /// The state after the action; the unchanged state when refused; absent when the given state is unknown.
    #[serde(default)]
    pub state: Option<String>,
    /// What the host must do besides storing the state (snake_case names).
    pub effects: Vec<String>,
    /// Where the allowed transition comes from.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// Why the action was refused.
    #[serde(default)]
    pub refusal: Option<Refusal>,
}

impl WorkflowDecision {
    /// A refusal: the state stays what it was.
    pub(crate) fn refuse(state: Option<&str>, refusal: Refusal) -> Self {
        WorkflowDecision {
            allowed: false,
            state: state.map(str::to_string),
            effects: Vec::new(),
            source: String::new(),
            refusal: Some(refusal),
        }
    }
}

/// The workflow called `name` of the rulebook. The rulebook refuses to load without it.
pub(crate) fn workflow<'a>(rb: &'a Rulebook, name: &str) -> crate::Result<&'a Workflow> {
    rb.workflow(name).ok_or_else(|| unknown_workflow(rb, name))
}

fn unknown_workflow(rb: &Rulebook, name: &str) -> crate::Error {
    let known: Vec<&str> = rb.workflows().map(|w| w.name.as_str()).collect();
    crate::Error::new(
        &crate::error::codes::UNKNOWN_WORKFLOW,
        "workflow",
        format!("未知流程 `{name}`；可用：{}", known.join("、")),
        format!("unknown workflow `{name}`; known: {}", known.join(", ")),
    )
}

/// The transition `role` takes with `action` from `state`, before any domain condition.
pub fn step<'a>(wf: &'a Workflow, state: &str, action: &str, role: &str) -> Result<&'a Transition, Refusal> {
    let actions = wf.actions();
    if !actions.contains(&action) {
        return Err(Refusal::new(
            &UNKNOWN_ACTION,
            "",
            format!("{}：未知操作 `{action}`；可用：{}", wf.title_zh, actions.join("、")),
            format!("{}: unknown action `{action}`; known: {}", wf.title_en, actions.join(", ")),
        )
        .at("action"));
    }
    if wf.role(role).is_none() {
        let names: Vec<&str> = wf.role.iter().map(|r| r.name.as_str()).collect();
        return Err(Refusal::new(
            &UNKNOWN_ROLE,
            "",
            format!("{}：未知角色 `{role}`；可用：{}", wf.title_zh, names.join("、")),
            format!("{}: unknown role `{role}`; known: {}", wf.title_en, names.join(", ")),
        )
        .at("actor.role"));
    }
    let takes = |t: &Transition| t.roles.iter().any(|r| r == role);
    match wf.transition(state, action) {
        Some(t) if takes(t) => Ok(t),
        Some(t) => Err(not_permitted(wf, role, action, &t.roles, &t.source)),
        None => {
            let by_role: Vec<&Transition> = wf.transition.iter().filter(|t| t.action == action).collect();
            if !by_role.iter().any(|t| takes(t)) {
                let mut roles: Vec<String> = by_role.iter().flat_map(|t| t.roles.iter().cloned()).collect();
                roles.sort();
                roles.dedup();
                let source = by_role.first().map(|t| t.source.as_str()).unwrap_or_default();
                return Err(not_permitted(wf, role, action, &roles, source));
            }
            let states: Vec<&str> = by_role.iter().flat_map(|t| t.from.iter().map(String::as_str)).collect();
            Err(Refusal::new(
                &NOT_IN_STATE,
                by_role.first().map(|t| t.source.as_str()).unwrap_or_default(),
                format!("{}：状态 {state} 下不能执行 {action}；该操作适用于：{}", wf.title_zh, states.join("、")),
                format!("{}: cannot {action} in state {state}; possible in: {}", wf.title_en, states.join(", ")),
            )
            .at("record.state"))
        }
    }
}

fn not_permitted(wf: &Workflow, role: &str, action: &str, roles: &[String], source: &str) -> Refusal {
    Refusal::new(
        &ROLE_NOT_PERMITTED,
        source,
        format!("{}：角色 {role} 不能执行 {action}；可执行的角色：{}", wf.title_zh, roles.join("、")),
        format!("{}: the {role} role may not {action}; who may: {}", wf.title_en, roles.join(", ")),
    )
    .at("actor.role")
}

/// The first of `candidates` (the roles an actor holds towards a record, most specific first)
/// that the table lets take `action` in `state`; the first candidate when none may, so the
/// refusal names the actor's nearest relation.
pub(crate) fn pick_role<'a>(wf: &Workflow, state: &str, action: &str, candidates: &[&'a str]) -> &'a str {
    let allowed = candidates.iter().copied().find(|r| step(wf, state, action, r).is_ok());
    allowed.or_else(|| candidates.first().copied()).unwrap_or_default()
}

/// Decides one action: the table's step, then the workflow's own `guard`, which may refuse or
/// add effects. Any refusal leaves the state as it was.
pub(crate) fn decide(
    wf: &Workflow,
    state: &str,
    action: &str,
    role: &str,
    guard: impl FnOnce(&Transition) -> Result<Vec<String>, Refusal>,
) -> WorkflowDecision {
    if wf.state(state).is_none() {
        let names: Vec<&str> = wf.state.iter().map(|s| s.name.as_str()).collect();
        return WorkflowDecision::refuse(
            None,
            Refusal::new(
                &UNKNOWN_STATE,
                "",
                format!("{}：未知状态 `{state}`；可用：{}", wf.title_zh, names.join("、")),
                format!("{}: unknown state `{state}`; known: {}", wf.title_en, names.join(", ")),
            )
            .at("record.state"),
        );
    }
    let outcome = step(wf, state, action, role).and_then(|t| guard(t).map(|extra| (t, extra)));
    match outcome {
        Ok((t, extra)) => WorkflowDecision {
            allowed: true,
            state: Some(t.target(state).to_string()),
            effects: t.effects.iter().cloned().chain(extra).collect(),
            source: t.source.clone(),
            refusal: None,
        },
        Err(r) => WorkflowDecision::refuse(Some(state), r),
    }
}

/// `workflow_table`: which workflow to print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableRequest {
    /// A workflow name, e.g. `prereview`.
    pub workflow: String,
}

/// One cell of a workflow's transition table.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkflowRow {
    /// The state before.
    pub state: String,
    /// The action.
    pub action: String,
    /// Who takes it.
    pub role: String,
    /// The state after, when allowed.
    #[serde(default)]
    pub to: Option<String>,
    /// The refusal code, when refused.
    #[serde(default)]
    pub refusal: Option<String>,
}

/// The answer to `workflow_table`: the workflow as data and every state × action × role cell.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct WorkflowTable<'a> {
    /// The workflow as the rulebook has it (states, roles, transitions with sources).
    pub workflow: &'a Workflow,
    /// Every cell, as [`step`] decides it.
    pub rows: Vec<WorkflowRow>,
}

/// The table of the workflow `req.workflow`.
pub fn workflow_table<'a>(rb: &'a Rulebook, req: &TableRequest) -> crate::Result<WorkflowTable<'a>> {
    let wf = workflow(rb, &req.workflow)?;
    Ok(WorkflowTable { workflow: wf, rows: table(wf) })
}

/// Every state × action × role cell of `wf`, as [`step`] decides it.
pub fn table(wf: &Workflow) -> Vec<WorkflowRow> {
    let mut rows = Vec::new();
    for state in &wf.state {
        for action in wf.actions() {
            for role in &wf.role {
                let (to, refusal) = match step(wf, &state.name, action, &role.name) {
                    Ok(t) => (Some(t.target(&state.name).to_string()), None),
                    Err(r) => (None, Some(r.code)),
                };
                rows.push(WorkflowRow {
                    state: state.name.clone(),
                    action: action.to_string(),
                    role: role.name.clone(),
                    to,
                    refusal,
                });
            }
        }
    }
    rows
}

/// The table as aligned text, one line per cell.
pub fn table_text(wf: &Workflow) -> String {
    let header = format!("# {} ({}): state × action × role → new state, or the refusal code", wf.name, wf.title_en);
    let rows = table(wf);
    let cells = rows
        .iter()
        .map(|r| ([r.state.as_str(), r.action.as_str(), r.role.as_str()], r.to.as_deref(), r.refusal.as_deref()));
    super::aligned_table(&header, [26, 26, 26], cells)
}
