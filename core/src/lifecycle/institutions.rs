//! The review side's institutions (审核端 FAQ Q1, Q6, Q9, Q10, Q13, Q14, Q15): the hierarchy
//! 总会 → 分会 → 支会 as the host passes it, the issuing-authority and officer workflows
//! (`rules/workflows/institution.toml`, `officer.toml`), and the answer to "may this office sign
//! this certificate type, and may this officer review it".
//!
//! An actor's role is its relation to the institution a record belongs to (its own
//! administrator, the administrator of the level above, 总会), so a wrong level is a wrong role.

use super::machine::{decide, pick_role, workflow, WorkflowDecision};
use crate::refusal::Refusal;
use crate::rulebook::{CertificateKind, Rulebook};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

crate::finding::codes! {
    CODES;
    UNKNOWN_INSTITUTION = ("institution_unknown", Error, "未知签证机构", "no such institution");
    DUPLICATE_INSTITUTION = ("institution_duplicate", Error, "签证机构重复", "an institution given twice");
    WRONG_LEVEL = ("institution_wrong_level", Error, "机构层级不符", "the institution's parent is not the level above it");
    CYCLE = ("institution_cycle", Error, "机构隶属关系成环", "the institution hierarchy has a cycle");
    NO_AUTHORITY = ("authority_not_granted", Error, "该机构无此类证书签证授权", "the office may not issue this certificate type");
    OFFICER_NOT_APPROVED = ("authority_officer_not_approved", Error, "签证人员未经总会审核通过", "the officer's filing is not approved");
    NOT_MANAGING = ("authority_not_managing", Error, "签证人员所在机构不是该证书的签发或代管机构", "the officer's institution neither issues nor manages the certificate's office");
}

/// The level of a review-side institution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 总会.
    Headquarters,
    /// 分会.
    Branch,
    /// 支会.
    SubBranch,
}

impl Level {
    /// The level of the parent; `None` for 总会.
    fn parent(self) -> Option<Level> {
        match self {
            Level::Headquarters => None,
            Level::Branch => Some(Level::Headquarters),
            Level::SubBranch => Some(Level::Branch),
        }
    }
}

/// One institution as the host keeps it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Institution {
    /// The host's id.
    pub id: String,
    /// Its level.
    pub level: Level,
    /// The institution above it; absent for 总会.
    #[serde(default)]
    pub parent: Option<String>,
    /// Institutions it manages (代管): it reviews their certificates (审核端 FAQ Q6).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub manages: Vec<String>,
    /// Its issuing authority: a state of the `institution` workflow.
    #[serde(default = "no_authority")]
    pub authority: String,
}

fn no_authority() -> String {
    "none".to_string()
}

/// An account of the review side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InstitutionActor {
    /// The institution the account belongs to.
    pub institution: String,
    /// The account has administrator rights.
    #[serde(default)]
    pub administrator: bool,
}

/// A record of the `institution` or `officer` workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InstitutionRecord {
    /// The current state.
    pub state: String,
    /// The institution the record belongs to (the institution itself, or the officer's).
    pub institution: String,
}

/// `apply_institution_action`: one action of the `institution` or `officer` workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InstitutionRequest {
    /// `institution` (issuing authority) or `officer` (accounts and filing).
    pub workflow: String,
    /// The hierarchy.
    pub institutions: Vec<Institution>,
    /// The record.
    pub record: InstitutionRecord,
    /// An action of the workflow.
    pub action: String,
    /// Who acts.
    pub actor: InstitutionActor,
}

/// The hierarchy, checked: unique ids, known parents of the level above, no cycle.
pub(super) struct Hierarchy<'a> {
    by_id: BTreeMap<&'a str, &'a Institution>,
}

impl<'a> Hierarchy<'a> {
    pub(super) fn new(list: &'a [Institution]) -> Result<Self, Refusal> {
        let mut by_id = BTreeMap::new();
        for (i, inst) in list.iter().enumerate() {
            if by_id.insert(inst.id.as_str(), inst).is_some() {
                return Err(Refusal::new(
                    &DUPLICATE_INSTITUTION,
                    "",
                    format!("机构 `{}` 重复出现", inst.id),
                    format!("institution `{}` is given twice", inst.id),
                )
                .at(format!("institutions[{i}].id")));
            }
        }
        let h = Hierarchy { by_id };
        for (i, inst) in list.iter().enumerate() {
            let path = format!("institutions[{i}].parent");
            let mut seen = vec![inst.id.as_str()];
            let mut at = inst;
            while let Some(p) = &at.parent {
                let parent = h.get(p, &path)?;
                if seen.contains(&parent.id.as_str()) {
                    return Err(Refusal::new(
                        &CYCLE,
                        "审核端 FAQ Q1",
                        format!("机构 `{}` 的上级关系成环：{}", inst.id, seen.join(" → ")),
                        format!("the parents of `{}` form a cycle: {}", inst.id, seen.join(" → ")),
                    )
                    .at(path));
                }
                seen.push(&parent.id);
                at = parent;
            }
            let parent_level = inst.parent.as_deref().and_then(|p| h.by_id.get(p)).map(|p| p.level);
            if parent_level != inst.level.parent() {
                return Err(Refusal::new(
                    &WRONG_LEVEL,
                    "审核端 FAQ Q1",
                    "层级为 总会 → 分会 → 支会：总会无上级，分会的上级是总会，支会的上级是分会",
                    "the hierarchy is 总会 → 分会 → 支会: 总会 has no parent, a branch's is 总会, a sub-branch's a branch",
                )
                .at(path));
            }
            for (j, m) in inst.manages.iter().enumerate() {
                h.get(m, &format!("institutions[{i}].manages[{j}]"))?;
            }
        }
        Ok(h)
    }

    pub(super) fn get(&self, id: &str, path: &str) -> Result<&'a Institution, Refusal> {
        self.by_id.get(id).copied().ok_or_else(|| {
            Refusal::new(
                &UNKNOWN_INSTITUTION,
                "",
                format!("未知机构 `{id}`：不在 institutions 中"),
                format!("unknown institution `{id}`: not among `institutions`"),
            )
            .at(path)
        })
    }

    /// The roles `actor` holds towards `subject`, most specific first; `other` when none.
    fn roles(&self, actor: &InstitutionActor, subject: &Institution) -> Vec<&'static str> {
        let mut roles = Vec::new();
        if actor.administrator {
            if actor.institution == subject.id {
                roles.push("own_administrator");
            }
            if subject.parent.as_deref() == Some(actor.institution.as_str()) {
                roles.push("superior_administrator");
            }
            if self.by_id.get(actor.institution.as_str()).is_some_and(|i| i.level == Level::Headquarters) {
                roles.push("headquarters");
            }
        }
        roles.push("other");
        roles
    }
}

/// Decides one action of the `institution` or `officer` workflow.
pub fn apply_institution_action(rb: &Rulebook, req: &InstitutionRequest) -> crate::Result<WorkflowDecision> {
    if !matches!(req.workflow.as_str(), "institution" | "officer") {
        return Err(crate::Error::new(
            &crate::error::codes::UNKNOWN_WORKFLOW,
            "workflow",
            format!("`{}` 不是机构流程；可用：institution、officer", req.workflow),
            format!("`{}` is not an institution workflow; known: institution, officer", req.workflow),
        ));
    }
    let wf = workflow(rb, &req.workflow)?;
    let state = Some(req.record.state.as_str());
    let hierarchy = match Hierarchy::new(&req.institutions) {
        Ok(h) => h,
        Err(r) => return Ok(WorkflowDecision::refuse(state, r)),
    };
    let subject = match hierarchy.get(&req.record.institution, "record.institution") {
        Ok(s) => s,
        Err(r) => return Ok(WorkflowDecision::refuse(state, r)),
    };
    if let Err(r) = hierarchy.get(&req.actor.institution, "actor.institution") {
        return Ok(WorkflowDecision::refuse(state, r));
    }
    let roles = hierarchy.roles(&req.actor, subject);
    let role = pick_role(wf, &req.record.state, &req.action, &roles);
    Ok(decide(wf, &req.record.state, &req.action, role, |_| Ok(Vec::new())))
}

/// An officer, for the review question of [`check_authority`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Officer {
    /// The officer's institution.
    pub institution: String,
    /// A state of the `officer` workflow.
    pub state: String,
}

/// `check_authority`: may this office sign this certificate type, and may this officer review it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorityRequest {
    /// The hierarchy.
    pub institutions: Vec<Institution>,
    /// The office that issues the certificate.
    pub office: String,
    /// The certificate type: an agreement code of the rulebook.
    pub certificate_type: String,
    /// The officer who would review it, if that is asked too.
    #[serde(default)]
    pub officer: Option<Officer>,
}

/// The answer to [`check_authority`].
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorityAnswer {
    /// The office may issue the certificate type.
    pub may_sign: bool,
    /// The officer may review the certificate; absent when no officer was asked about.
    #[serde(default)]
    pub may_review: Option<bool>,
    /// Every reason for a no.
    pub refusals: Vec<Refusal>,
}

/// Answers "may this office sign this certificate type, and may this officer review it".
///
/// A preferential type needs preferential authority (审核端 FAQ Q14); any other type needs at
/// least non-preferential authority (Q13). The officer's filing must be approved by 总会 (Q10) and
/// its institution must be the office or manage it (Q6). The FAQ describes the filing of
/// non-preferential officers only; the same approval is asked of every officer.
pub fn check_authority(rb: &Rulebook, req: &AuthorityRequest) -> crate::Result<AuthorityAnswer> {
    let agreement = rb.known_agreement(&req.certificate_type, "certificate_type")?;
    let no = |r: Refusal| AuthorityAnswer {
        may_sign: false,
        may_review: req.officer.as_ref().map(|_| false),
        refusals: vec![r],
    };
    let hierarchy = match Hierarchy::new(&req.institutions) {
        Ok(h) => h,
        Err(r) => return Ok(no(r)),
    };
    let office = match hierarchy.get(&req.office, "office") {
        Ok(o) => o,
        Err(r) => return Ok(no(r)),
    };
    let mut refusals = Vec::new();
    let preferential = agreement.kind == CertificateKind::Preferential;
    let may_sign = match office.authority.as_str() {
        "preferential" => true,
        "non_preferential" | "preferential_pending" => !preferential,
        _ => false,
    };
    if !may_sign {
        let (zh, en, source) = if preferential {
            (
                "优惠原产地证书须由经总会审核开通优惠签证授权的机构签发",
                "a preferential certificate needs preferential authority approved by 总会",
                "审核端 FAQ Q14",
            )
        } else {
            ("须经总会审核开通签证授权后方可签发", "issuing needs authority approved by 总会", "审核端 FAQ Q13")
        };
        refusals.push(
            Refusal::new(
                &NO_AUTHORITY,
                source,
                format!("机构 `{}`（{}）不能签发 {}：{zh}", office.id, office.authority, agreement.code),
                format!("office `{}` ({}) may not issue {}: {en}", office.id, office.authority, agreement.code),
            )
            .at("office"),
        );
    }
    let may_review = req.officer.as_ref().map(|officer| {
        let before = refusals.len();
        match hierarchy.get(&officer.institution, "officer.institution") {
            Err(r) => refusals.push(r),
            Ok(home) => {
                if home.id != office.id && !home.manages.iter().any(|m| m == &office.id) {
                    refusals.push(
                        Refusal::new(
                            &NOT_MANAGING,
                            "审核端 FAQ Q6",
                            format!("签证人员属于 `{}`，该机构既不是 `{}` 也不代管它", home.id, office.id),
                            format!(
                                "the officer belongs to `{}`, which neither is nor manages `{}`",
                                home.id, office.id
                            ),
                        )
                        .at("officer.institution"),
                    );
                }
            }
        }
        if officer.state != "approved" {
            refusals.push(
                Refusal::new(
                    &OFFICER_NOT_APPROVED,
                    "审核端 FAQ Q10",
                    format!("签证人员的备案状态为 {}：须经总会审核通过", officer.state),
                    format!("the officer's filing is {}: 总会 must approve it", officer.state),
                )
                .at("officer.state"),
            );
        }
        may_sign && refusals.len() == before
    });
    Ok(AuthorityAnswer { may_sign, may_review, refusals })
}
