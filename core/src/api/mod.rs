//! Operations: the one vocabulary every binding shares.
//!
//! Each operation is a type in its own module below, implementing [`Operation`]: its name, a
//! typed request, a typed answer and `run`. [`OPERATIONS`] lists them; the JSON layer ([`call`]),
//! the CLI, Python, JavaScript and the schemas all follow from that list, so an operation has one
//! name and one shape everywhere (the shared vectors in `tests/vectors/` and each binding's
//! vocabulary test prove it). Hosts with typed data call `run` directly; hosts with JSON text call
//! [`call`], which is look up → read → run → write.

use crate::error::{codes, Error, Result};
use crate::json;
use crate::rulebook::Rulebook;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub mod add_workdays;
pub mod apply_action;
pub mod apply_delegation;
pub mod apply_institution_action;
pub mod apply_personnel;
pub mod apply_prereview_action;
pub mod apply_registration_action;
pub mod apply_reprint_action;
pub mod apply_verification_action;
pub mod calendar_info;
pub mod check;
pub mod check_account;
pub mod check_authority;
pub mod check_copy;
pub mod check_invoice;
pub mod check_signatory;
pub mod classify_enterprise_change;
pub mod codes_list;
pub mod compare_agreements;
pub mod convert;
pub mod determine_origin;
pub mod import_products;
pub mod import_psr;
pub mod is_workday;
#[cfg(feature = "render")]
pub mod render;
#[cfg(feature = "render")]
pub mod render_reply_letter;
pub mod retention_window;
pub mod rules;
pub mod schema;
pub mod system_dates;
pub mod transition_table;
pub mod validate_id;
pub mod workflow_table;

/// One operation of the library: a name, a typed request, a typed answer and the rule that maps one
/// to the other with a rulebook.
pub trait Operation {
    /// The operation's one name (snake_case): the JSON layer's, Python's, the CLI's (kebab-case)
    /// and JavaScript's (camelCase).
    const NAME: &'static str;
    /// Former names, still accepted by [`call`] for one release (see CHANGELOG.md).
    const ALIASES: &'static [&'static str] = &[];
    /// What it does, in one line.
    const DOC: &'static str;
    /// The request, read from JSON with unknown fields refused.
    type Request: DeserializeOwned + JsonSchema;
    /// The answer; it may borrow from the rulebook. Its schema is published beside the request's.
    type Answer<'r>: Serialize + JsonSchema;
    /// Runs the operation. `Err` means the request could not be used (an unknown agreement, a
    /// date out of range); rule violations and refusals are part of a successful answer.
    fn run<'r>(request: Self::Request, rulebook: &'r Rulebook) -> Result<Self::Answer<'r>>;
}

/// An operation as a row of [`OPERATIONS`]: its names and its JSON entry point.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// See [`Operation::NAME`].
    pub name: &'static str,
    /// See [`Operation::ALIASES`].
    pub aliases: &'static [&'static str],
    /// See [`Operation::DOC`].
    pub doc: &'static str,
    run_json: fn(&str, &Rulebook) -> Result<String>,
    request_schema: fn() -> schemars::Schema,
    // Only with the schema generator: keeps the answers' schema code out of the WASM build.
    #[cfg(feature = "schema")]
    answer_schema: fn() -> schemars::Schema,
}

impl Entry {
    /// The row of operation `O`.
    pub const fn of<O: Operation>() -> Entry {
        Entry {
            name: O::NAME,
            aliases: O::ALIASES,
            doc: O::DOC,
            run_json: run_json::<O>,
            request_schema: request_schema::<O>,
            #[cfg(feature = "schema")]
            answer_schema: answer_schema::<O>,
        }
    }

    /// Reads a JSON request, runs the operation and writes the JSON answer.
    pub fn call(&self, request: &str, rulebook: &Rulebook) -> Result<String> {
        (self.run_json)(request, rulebook)
    }

    /// The JSON Schema of the operation's request.
    pub fn request_schema(&self) -> schemars::Schema {
        (self.request_schema)()
    }

    /// The JSON Schema of the operation's answer (schema/operations/<name>.answer.schema.json).
    #[cfg(feature = "schema")]
    pub fn answer_schema(&self) -> schemars::Schema {
        (self.answer_schema)()
    }
}

fn request_schema<O: Operation>() -> schemars::Schema {
    schemars::schema_for!(O::Request)
}

/// In the serialising contract: what an answer holds (a field serde skips when empty is optional).
#[cfg(feature = "schema")]
fn answer_schema<O: Operation>() -> schemars::Schema {
    schemars::generate::SchemaSettings::default()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<O::Answer<'static>>()
}

fn run_json<O: Operation>(request: &str, rulebook: &Rulebook) -> Result<String> {
    let request: O::Request = json::read(request, rulebook.limits())?;
    answer(&O::run(request, rulebook)?)
}

/// The stack of a thread that runs operations. Rendering recurses deeply (Typst's layout and PDF
/// export), so origo's batch threads and the service's threads get this much rather than the
/// 2 MiB a spawned thread gets by default; hosts running operations on threads of their own
/// should give them as much.
pub const OPERATION_STACK_BYTES: usize = 16 * 1024 * 1024;

/// Every operation, in alphabetical order of name.
pub const OPERATIONS: &[Entry] = &[
    Entry::of::<add_workdays::AddWorkdays>(),
    Entry::of::<apply_action::ApplyAction>(),
    Entry::of::<apply_delegation::ApplyDelegation>(),
    Entry::of::<apply_institution_action::ApplyInstitutionAction>(),
    Entry::of::<apply_personnel::ApplyPersonnel>(),
    Entry::of::<apply_prereview_action::ApplyPrereviewAction>(),
    Entry::of::<apply_registration_action::ApplyRegistrationAction>(),
    Entry::of::<apply_reprint_action::ApplyReprintAction>(),
    Entry::of::<apply_verification_action::ApplyVerificationAction>(),
    Entry::of::<calendar_info::CalendarInfo>(),
    Entry::of::<check::Check>(),
    Entry::of::<check_account::CheckAccount>(),
    Entry::of::<check_authority::CheckAuthority>(),
    Entry::of::<check_copy::CheckCopy>(),
    Entry::of::<check_invoice::CheckInvoice>(),
    Entry::of::<check_signatory::CheckSignatory>(),
    Entry::of::<classify_enterprise_change::ClassifyEnterpriseChange>(),
    Entry::of::<codes_list::Codes>(),
    Entry::of::<compare_agreements::CompareAgreements>(),
    Entry::of::<convert::Convert>(),
    Entry::of::<determine_origin::DetermineOrigin>(),
    Entry::of::<import_products::ImportProducts>(),
    Entry::of::<import_psr::ImportPsr>(),
    Entry::of::<is_workday::IsWorkday>(),
    #[cfg(feature = "render")]
    Entry::of::<render::Render>(),
    #[cfg(feature = "render")]
    Entry::of::<render_reply_letter::RenderReplyLetter>(),
    Entry::of::<retention_window::RetentionWindow>(),
    Entry::of::<rules::Rules>(),
    Entry::of::<schema::Schema>(),
    Entry::of::<system_dates::SystemDates>(),
    Entry::of::<transition_table::TransitionTable>(),
    Entry::of::<validate_id::ValidateId>(),
    Entry::of::<workflow_table::WorkflowTable>(),
];

/// The operation called `name` (or by a former name).
pub fn find(name: &str) -> Option<&'static Entry> {
    OPERATIONS.iter().find(|e| e.name == name || e.aliases.contains(&name))
}

/// The operation called `op` (or by a former name), or the `unknown_operation` error naming the
/// operations there are.
pub fn entry(op: &str) -> Result<&'static Entry> {
    find(op).ok_or_else(|| {
        let names: Vec<&str> = OPERATIONS.iter().map(|e| e.name).collect();
        Error::new(
            &codes::UNKNOWN_OPERATION,
            "",
            format!("未知操作 `{op}`；可用：{}", names.join("、")),
            format!("unknown operation `{op}`; available: {}", names.join(", ")),
        )
    })
}

/// Runs operation `op` on a JSON request and returns the JSON answer as text.
///
/// Domain outcomes (findings, refusals) are part of a successful answer; `Err` means the request
/// could not be read or used. Each request is read once, typed, straight from the text, and each
/// answer is written straight to text, with object keys in the order the contract declares them.
pub fn call(op: &str, request: &str, rulebook: &Rulebook) -> Result<String> {
    entry(op)?.call(request, rulebook)
}

/// Runs [`call`] and renders either outcome as JSON text: `{"ok": ...}` or `{"error": {...}}`.
///
/// Bindings that cannot carry a Rust error (a C ABI, a message queue) use this form.
pub fn call_to_string(op: &str, request: &str, rulebook: &Rulebook) -> String {
    envelope(call(op, request, rulebook))
}

/// An outcome of [`call`] as JSON text: `{"ok": answer}` or `{"error": {code, path, message}}`.
pub fn envelope(outcome: Result<String>) -> String {
    match outcome {
        Ok(answer) => format!("{{\"ok\":{answer}}}"),
        Err(e) => format!("{{\"error\":{}}}", answer(&e).unwrap_or_else(|_| "null".into())),
    }
}

/// The answer's JSON text.
pub fn answer<T: Serialize + ?Sized>(v: &T) -> Result<String> {
    crate::json::write(v).map_err(|e| {
        Error::new(
            &codes::INTERNAL_ERROR,
            "",
            format!("无法输出结果：{e}"),
            format!("cannot serialise the answer: {e}"),
        )
    })
}

/// The request of an operation that takes no fields: `{}`, anything else refused.
#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_snake_case_and_documented() {
        let mut seen = std::collections::BTreeSet::new();
        for e in OPERATIONS {
            for name in std::iter::once(&e.name).chain(e.aliases) {
                assert!(seen.insert(*name), "`{name}` names two operations");
                assert!(name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "`{name}` is not snake_case");
            }
            assert!(!e.doc.is_empty(), "`{}` needs a doc line", e.name);
        }
        let names: Vec<&str> = OPERATIONS.iter().map(|e| e.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted, "keep OPERATIONS in alphabetical order");
    }

    #[test]
    fn former_names_still_answer() {
        let rb = Rulebook::builtin().unwrap();
        assert_eq!(call("lifecycle_table", "{}", &rb).unwrap(), call("transition_table", "{}", &rb).unwrap());
        assert_eq!(call("nope", "{}", &rb).unwrap_err().code, "unknown_operation");
    }

    /// schema/operations/ publishes each operation's request and answer schema, from which the
    /// Python and TypeScript types are generated (scripts/gen-types.py).
    #[cfg(feature = "schema")]
    #[test]
    fn operation_schemas_are_published() {
        let dir = format!("{}/../schema/operations", env!("CARGO_MANIFEST_DIR"));
        let bless = std::env::var_os("ORIGO_BLESS").is_some();
        let mut drifted = Vec::new();
        let mut expected = std::collections::BTreeSet::new();
        for e in OPERATIONS {
            for (part, schema) in [("request", e.request_schema()), ("answer", e.answer_schema())] {
                let file = format!("{}.{part}.schema.json", e.name);
                let current = serde_json::to_string_pretty(&schema).unwrap() + "\n";
                let path = format!("{dir}/{file}");
                if std::fs::read_to_string(&path).unwrap_or_default() != current {
                    if bless {
                        std::fs::create_dir_all(&dir).unwrap();
                        std::fs::write(&path, current).unwrap();
                    } else {
                        drifted.push(file.clone());
                    }
                }
                expected.insert(file);
            }
        }
        assert!(
            drifted.is_empty(),
            "schema/operations/{drifted:?} drifted: run `ORIGO_BLESS=1 cargo test -p origo --features render`, then `python3 scripts/gen-types.py`, and commit"
        );
        // Operations only some builds have (drawing) keep their files when this build lacks them.
        let optional = ["render.", "render_reply_letter."];
        for f in std::fs::read_dir(&dir).unwrap() {
            let name = f.unwrap().file_name().to_string_lossy().into_owned();
            let kept = expected.contains(&name)
                || (cfg!(not(feature = "render")) && optional.iter().any(|o| name.starts_with(o)));
            assert!(kept, "schema/operations/{name} names no operation: delete it");
        }
    }

    #[test]
    fn every_request_schema_is_an_object() {
        for e in OPERATIONS {
            let s = e.request_schema();
            assert_eq!(s.get("type").and_then(|t| t.as_str()), Some("object"), "{}", e.name);
        }
    }
}
