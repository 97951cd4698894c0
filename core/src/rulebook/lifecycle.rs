//! Lifecycle policy as read from `rules/lifecycle.toml`: roles, copy rules, identifier limits,
//! enterprise fields. The mechanisms that use them live in `crate::lifecycle` and `crate::identity`.

use super::fact::{Fact, Status};
use super::{invalid, CertificateKind};
use crate::error::Result;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The roles an actor can have (FAQ Q8, Q57, Q65, Q126).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 手签员: applies for certificates in its own name.
    Signatory,
    /// 管理员: acts for the whole enterprise.
    Administrator,
    /// 代理企业: acts for an enterprise that authorised it.
    Agent,
    /// 签证人员: the reviewing office.
    Reviewer,
}

impl Role {
    /// Every role, in table order.
    pub const ALL: [Role; 4] = [Role::Signatory, Role::Administrator, Role::Agent, Role::Reviewer];

    /// The snake_case name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Signatory => "signatory",
            Role::Administrator => "administrator",
            Role::Agent => "agent",
            Role::Reviewer => "reviewer",
        }
    }

    /// The role called `name`, if any.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

/// Whose records a role reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The certificates of the signatory bound to the account.
    Own,
    /// Every certificate of the actor's enterprise.
    Enterprise,
    /// The certificates of an enterprise that authorised the actor (an agent).
    Principal,
    /// Any certificate (the reviewing office).
    Any,
}

/// What one role may do, with its source.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleRules {
    /// Whose records the role reaches.
    pub scope: Scope,
    /// Names of the lifecycle and personnel actions the role may take.
    pub actions: Vec<String>,
    /// Where it comes from.
    pub source: String,
    /// How well it is sourced.
    #[serde(default)]
    pub status: Status,
    /// What a reader should know.
    #[serde(default)]
    pub note: Option<String>,
}

/// Length bounds of an account name (FAQ Q48).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountName {
    /// Fewest characters.
    pub min_chars: usize,
    /// Most characters.
    pub max_chars: usize,
}

/// The shape of a mainland mobile number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mobile {
    /// Number of digits.
    pub digits: usize,
    /// Allowed leading digits.
    pub prefixes: Vec<String>,
}

/// The target side of a copy rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CopyTarget {
    /// The very same certificate type as the source.
    SameType,
    /// A non-preferential certificate.
    NonPreferential,
    /// Any preferential certificate type.
    Preferential,
    /// A processing and assembly certificate.
    Processing,
    /// A re-export certificate.
    ReExport,
}

/// Whether a copy keeps the invoice number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceRule {
    /// The target has the source's invoice number.
    Same,
    /// The target has another invoice number.
    Different,
}

/// One allowed copy (FAQ Q25, Q27).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CopyRule {
    /// Kind of the source certificate.
    pub from: CertificateKind,
    /// What it may be copied to.
    pub to: CopyTarget,
    /// Whether the invoice number stays.
    pub invoice: InvoiceRule,
    /// Certificate fields not carried into the copy.
    #[serde(default)]
    pub not_copied: Vec<String>,
    /// Where it comes from.
    pub source: String,
}

/// How a change to an enterprise field takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeMode {
    /// After CCPIT review.
    Review,
    /// As soon as it is submitted.
    Immediate,
    /// The enterprise cannot change it; CCPIT staff can, on a stamped application.
    Ccpit,
    /// Never.
    Never,
}

/// One field of the enterprise record.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseField {
    /// Field name, e.g. `name_zh`.
    pub name: String,
    /// A group the field belongs to, e.g. `seal`.
    #[serde(default)]
    pub group: Option<String>,
    /// How a change takes effect.
    pub change: ChangeMode,
    /// Supporting documents must be uploaded with a change.
    #[serde(default)]
    pub attachment: bool,
    /// Where it comes from.
    pub source: String,
}

/// Fields that must change together with one field (FAQ Q7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NameChange {
    /// The field whose change pulls the others along.
    pub field: String,
    /// Field names or group names that must change with it.
    pub requires: Vec<String>,
    /// Where it comes from.
    pub source: String,
}

/// The whole of `lifecycle.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LifecycleRules {
    /// Data-file format version (1).
    pub schema_version: u32,
    /// What each role may do.
    pub roles: BTreeMap<Role, RoleRules>,
    /// Account-name length (FAQ Q48).
    pub account_name: Fact<AccountName>,
    /// Mobile-number shape.
    pub mobile: Fact<Mobile>,
    /// Allowed copies.
    pub copy: Vec<CopyRule>,
    /// Enterprise record fields.
    pub enterprise_field: Vec<EnterpriseField>,
    /// The Chinese-name change rule.
    pub name_change: NameChange,
}

impl LifecycleRules {
    /// What `role` may do; `None` when the file does not mention the role (it may do nothing).
    pub fn role(&self, role: Role) -> Option<&RoleRules> {
        self.roles.get(&role)
    }

    /// Whether `role` may take the action called `action`.
    pub fn permits(&self, role: Role, action: &str) -> bool {
        self.role(role).is_some_and(|r| r.actions.iter().any(|a| a == action))
    }

    /// The enterprise field called `name`.
    pub fn enterprise_field(&self, name: &str) -> Option<&EnterpriseField> {
        self.enterprise_field.iter().find(|f| f.name == name)
    }

    /// Checks what serde cannot: known action names, sane bounds, known field references.
    pub(crate) fn validate(&self, file: &str) -> Result<()> {
        if self.schema_version != 1 {
            return Err(invalid(file, "schema_version", "unsupported schema_version (expected 1)"));
        }
        for (role, rules) in &self.roles {
            for (i, a) in rules.actions.iter().enumerate() {
                if !is_known_action(a) {
                    let key = format!("roles.{}.actions[{i}]", role.as_str());
                    return Err(invalid(file, &key, &format!("unknown action `{a}`")));
                }
            }
        }
        let sources = self.roles.iter().map(|(r, x)| (format!("roles.{}.source", r.as_str()), &x.source));
        let sources = sources
            .chain(self.copy.iter().enumerate().map(|(i, c)| (format!("copy[{i}].source"), &c.source)))
            .chain(
                self.enterprise_field
                    .iter()
                    .enumerate()
                    .map(|(i, f)| (format!("enterprise_field[{i}].source"), &f.source)),
            )
            .chain([("name_change.source".to_string(), &self.name_change.source)]);
        for (key, source) in sources {
            if source.trim().is_empty() {
                return Err(invalid(file, &key, "every entry needs a non-empty `source`"));
            }
        }
        let n = self.account_name.value;
        if n.min_chars == 0 || n.min_chars > n.max_chars {
            return Err(invalid(file, "account_name.value", "need 0 < min_chars <= max_chars"));
        }
        let m = &self.mobile.value;
        if m.digits == 0
            || m.prefixes.iter().any(|p| p.is_empty() || p.len() > m.digits || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(invalid(
                file,
                "mobile.value",
                "prefixes must be non-empty digit strings no longer than `digits`",
            ));
        }
        let known =
            |name: &str| self.enterprise_field.iter().any(|f| f.name == name || f.group.as_deref() == Some(name));
        if self.enterprise_field(&self.name_change.field).is_none() {
            return Err(invalid(file, "name_change.field", "not an enterprise_field"));
        }
        for (i, r) in self.name_change.requires.iter().enumerate() {
            if !known(r) {
                return Err(invalid(
                    file,
                    &format!("name_change.requires[{i}]"),
                    &format!("`{r}` is neither a field nor a group"),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{builtin_files, Rulebook};

    fn with_lifecycle(edit: impl Fn(&str) -> String) -> crate::Error {
        let files =
            builtin_files().into_iter().map(|(p, t)| if p == "lifecycle.toml" { (p, edit(&t)) } else { (p, t) });
        Rulebook::from_texts(files).unwrap_err()
    }

    #[test]
    fn a_bad_lifecycle_file_names_the_file_and_key() {
        let e = with_lifecycle(|t| t.replacen("\"save\", \"send\"", "\"save\", \"sned\"", 1));
        assert_eq!(e.code, "rulebook_invalid");
        assert_eq!(e.path, "lifecycle.toml: roles.signatory.actions[1]");
        let e = with_lifecycle(|t| t.replace("min_chars = 8", "min_chars = 30"));
        assert_eq!(e.path, "lifecycle.toml: account_name.value");
        let e = with_lifecycle(|t| t.replace("requires = [\"name_en\"", "requires = [\"name_fr\""));
        assert_eq!(e.path, "lifecycle.toml: name_change.requires[0]");
        let e = with_lifecycle(|t| t.replace("source = \"FAQ Q62\"", "source = \" \""));
        assert!(e.path.starts_with("lifecycle.toml: enterprise_field["), "{}", e.path);
        let e = with_lifecycle(|t| t.replace("change = \"never\"", "change = \"sometimes\""));
        assert!(e.path.starts_with("lifecycle.toml: enterprise_field"), "{}", e.path);
    }
}

// ----- the action vocabulary the roles above are granted (the engines live in `crate::lifecycle`) -----

/// The enterprise-information edit a role may be granted (FAQ Q8): the permission name of
/// `lifecycle::classify_change` in `lifecycle.toml`.
pub const EDIT_ENTERPRISE: &str = "edit_enterprise";

/// What can be done to a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Save (create or edit) the application.
    Save,
    /// Send it for review.
    Send,
    /// Take it back from review to edit it (FAQ Q29, Q87).
    Withdraw,
    /// Approve it (reviewer).
    Approve,
    /// Reject it (reviewer).
    Reject,
    /// Preview the form (FAQ Q44).
    Preview,
    /// First print.
    Print,
    /// Print again: same certificate number, new serial number, with a reason (FAQ Q33, Q85).
    Reprint,
    /// Void before the first print, freeing the invoice number (FAQ Q27, Q115).
    Void,
    /// Delete an application that was never approved (FAQ Q21: approved ones never).
    Delete,
    /// 改证重发: apply for an amended reissue of an approved certificate (FAQ Q32, Q87, Q100).
    AmendReissue,
    /// 失证重发: apply for a duplicate of a printed certificate that was lost (FAQ Q86).
    LostReissue,
    /// Switch the print location of an approved, unprinted certificate (FAQ Q114).
    ChangePrintLocation,
    /// Print an extra copy (FAQ Q99).
    ExtraCopy,
    /// Mark an original as replaced once its amendment is approved (FAQ Q100).
    Supersede,
}

impl Action {
    /// Every action, in table order.
    pub const ALL: [Action; 15] = [
        Action::Save,
        Action::Send,
        Action::Withdraw,
        Action::Approve,
        Action::Reject,
        Action::Preview,
        Action::Print,
        Action::Reprint,
        Action::Void,
        Action::Delete,
        Action::AmendReissue,
        Action::LostReissue,
        Action::ChangePrintLocation,
        Action::ExtraCopy,
        Action::Supersede,
    ];

    /// The snake_case name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Save => "save",
            Action::Send => "send",
            Action::Withdraw => "withdraw",
            Action::Approve => "approve",
            Action::Reject => "reject",
            Action::Preview => "preview",
            Action::Print => "print",
            Action::Reprint => "reprint",
            Action::Void => "void",
            Action::Delete => "delete",
            Action::AmendReissue => "amend_reissue",
            Action::LostReissue => "lost_reissue",
            Action::ChangePrintLocation => "change_print_location",
            Action::ExtraCopy => "extra_copy",
            Action::Supersede => "supersede",
        }
    }

    /// The action called `name`, if any.
    pub fn parse(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == name)
    }
}

/// Whether an action name is one the rulebook may grant: a lifecycle or a personnel action.
pub(crate) fn is_known_action(name: &str) -> bool {
    name == EDIT_ENTERPRISE || Action::parse(name).is_some() || PersonnelAction::parse(name).is_some()
}

/// What an administrator (or a signatory, for itself) does to people's accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PersonnelAction {
    /// Suspend a signatory (FAQ Q63, Q124).
    DisableSignatory,
    /// Lift a suspension (FAQ Q8, Q124).
    EnableSignatory,
    /// End a disabled signatory's authorisation for good (FAQ Q124: disable, then delete).
    DeleteSignatory,
    /// Hand administration to another person, at once and without review (FAQ Q64, Q66, Q125).
    TransferAdministrator,
    /// Apply to become administrator; CCPIT reviews it (FAQ Q8).
    RequestAdministrator,
}

impl PersonnelAction {
    const ALL: [PersonnelAction; 5] = [
        PersonnelAction::DisableSignatory,
        PersonnelAction::EnableSignatory,
        PersonnelAction::DeleteSignatory,
        PersonnelAction::TransferAdministrator,
        PersonnelAction::RequestAdministrator,
    ];

    /// The snake_case name, as in JSON and `lifecycle.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            PersonnelAction::DisableSignatory => "disable_signatory",
            PersonnelAction::EnableSignatory => "enable_signatory",
            PersonnelAction::DeleteSignatory => "delete_signatory",
            PersonnelAction::TransferAdministrator => "transfer_administrator",
            PersonnelAction::RequestAdministrator => "request_administrator",
        }
    }

    /// The action called `name`, if any.
    pub fn parse(name: &str) -> Option<PersonnelAction> {
        PersonnelAction::ALL.into_iter().find(|a| a.as_str() == name)
    }
}
