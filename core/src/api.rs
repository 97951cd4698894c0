//! The JSON-in, JSON-out layer every binding shares: one operation name, one request object.
//!
//! Python, WASM and the CLI call [`call`] with the same operation names and request shapes, so
//! they cannot drift apart; the shared test vectors in `tests/vectors/` exercise exactly this.

use crate::error::{Error, Result};
use crate::rulebook::Rulebook;
use crate::{catalogue, identity, json, lifecycle, schema};
use chrono::NaiveDate;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Every operation name [`call`] accepts.
pub const OPERATIONS: &[&str] = &[
    "apply_institution_action",
    "apply_prereview_action",
    "apply_registration_action",
    "apply_reprint_action",
    "apply_verification_action",
    "calendar_add_workdays",
    "calendar_info",
    "calendar_is_workday",
    "check",
    "check_authority",
    "codes",
    "compare_agreements",
    "convert",
    "copy_check",
    "delegation_apply",
    "determine_origin",
    "enterprise_change",
    "import_products",
    "invoice_check",
    "lifecycle_apply",
    "lifecycle_table",
    "personnel_apply",
    "retention_window",
    "rules",
    "schema",
    "signatory_check",
    "system_dates",
    "validate_id",
    "workflow_table",
];

/// Runs operation `op` on a JSON request and returns the JSON answer as text.
///
/// Domain outcomes (findings, refusals) are part of a successful answer; `Err` means the request
/// could not be read. Each request is read once, typed, straight from the text, and each answer is
/// written straight to text, with object keys in the order the contract declares them.
pub fn call(op: &str, request: &str, rulebook: &Rulebook) -> Result<String> {
    let limits = rulebook.limits();
    match op {
        "apply_institution_action" => {
            answer(&lifecycle::apply_institution_action(rulebook, &json::read(request, limits)?)?)
        }
        "apply_registration_action" => {
            answer(&lifecycle::apply_registration_action(rulebook, &json::read(request, limits)?)?)
        }
        "apply_reprint_action" => answer(&lifecycle::apply_reprint_action(rulebook, &json::read(request, limits)?)?),
        "apply_verification_action" => {
            answer(&lifecycle::apply_verification_action(rulebook, &json::read(request, limits)?)?)
        }
        "check_authority" => answer(&lifecycle::check_authority(rulebook, &json::read(request, limits)?)?),
        "apply_prereview_action" => {
            answer(&lifecycle::apply_prereview_action(rulebook, &json::read(request, limits)?)?)
        }
        "workflow_table" => answer(&lifecycle::workflow_table(rulebook, &json::read(request, limits)?)?),
        "check" => {
            let r: CheckRequest = json::read(request, limits)?;
            answer(&crate::check_certificate(&r.certificate, rulebook, r.today)?)
        }
        "codes" => {
            let _: IgnoredAny = json::read(request, limits)?;
            answer(&catalogue::entries())
        }
        "convert" => answer(&crate::valuation::convert_request(&json::read(request, limits)?, rulebook)?),
        "copy_check" => answer(&lifecycle::check_copy(rulebook, &json::read(request, limits)?)?),
        "delegation_apply" => answer(&lifecycle::apply_delegation(&json::read(request, limits)?)),
        "enterprise_change" => answer(&lifecycle::classify_change(rulebook.lifecycle(), &json::read(request, limits)?)),
        "invoice_check" => answer(&lifecycle::check_invoice(rulebook, &json::read(request, limits)?)?),
        "lifecycle_apply" => answer(&lifecycle::apply(rulebook, &json::read(request, limits)?)?),
        "lifecycle_table" => {
            let _: Empty = json::read(request, limits)?;
            answer(&lifecycle_table(rulebook))
        }
        "personnel_apply" => answer(&lifecycle::apply_personnel(rulebook.lifecycle(), &json::read(request, limits)?)),
        "signatory_check" => answer(&lifecycle::check_signatory(&json::read(request, limits)?)),
        "validate_id" => {
            let r: identity::IdRequest = json::read(request, limits)?;
            answer(&identity::validate(rulebook.lifecycle(), r.kind, &r.value))
        }
        "determine_origin" => {
            let r: DetermineRequest = json::read(request, limits)?;
            let agreement = known_agreement(rulebook, &r.agreement)?;
            let own = r.psr_csv.map(|t| crate::origin::PsrTable::parse("psr_csv", &t, limits)).transpose()?;
            let psr = own.as_ref().or_else(|| rulebook.origin().psr(&agreement.code));
            answer(&crate::origin::determine_with(&r.product, agreement, rulebook, r.destination.as_ref(), psr)?)
        }
        "compare_agreements" => {
            let r: CompareRequest = json::read(request, limits)?;
            answer(&crate::origin::compare(&r.product, &r.destination, rulebook)?)
        }
        "import_products" => {
            let r: ImportRequest = json::read(request, limits)?;
            answer(&crate::origin::import::import(&r.goods_csv, &r.materials_csv, rulebook))
        }
        "calendar_is_workday" | "calendar_add_workdays" | "calendar_info" => {
            crate::calendar::api::call(op, request, rulebook)
        }
        "system_dates" | "retention_window" => crate::check::deadlines::api(op, request, rulebook),
        "rules" => {
            let _: IgnoredAny = json::read(request, limits)?;
            answer(&rules_summary(rulebook))
        }
        "schema" => {
            let r: SchemaRequest = json::read(request, limits)?;
            answer(&schema::schema(&r.name)?)
        }
        _ => Err(Error::new(
            "unknown_operation",
            "",
            format!("未知操作 `{op}`；可用：{}", OPERATIONS.join("、")),
            format!("unknown operation `{op}`; available: {}", OPERATIONS.join(", ")),
        )),
    }
}

/// Runs [`call`] and renders either outcome as JSON text: `{"ok": ...}` or `{"error": {...}}`.
///
/// Bindings that cannot carry a Rust error (a C ABI, a message queue) use this form.
pub fn call_to_string(op: &str, request: &str, rulebook: &Rulebook) -> String {
    match call(op, request, rulebook).map(|ok| format!("{{\"ok\":{ok}}}")) {
        Ok(text) => text,
        Err(e) => format!("{{\"error\":{}}}", answer(&e).unwrap_or_else(|_| "null".into())),
    }
}

/// `check`: a certificate and, optionally, the host's "today".
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckRequest {
    certificate: crate::Certificate,
    #[serde(default)]
    today: Option<NaiveDate>,
}

/// A request without fields.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Empty {}

/// `lifecycle_table`: the names of the axes and every cell.
fn lifecycle_table(rb: &Rulebook) -> Value {
    let names = |v: Vec<&str>| Value::from(v);
    serde_json::json!({
        "states": names(lifecycle::State::ALL.iter().map(|s| s.as_str()).collect()),
        "actions": names(lifecycle::Action::ALL.iter().map(|a| a.as_str()).collect()),
        "roles": names(crate::rulebook::Role::ALL.iter().map(|r| r.as_str()).collect()),
        "rows": lifecycle::table(rb.lifecycle()),
    })
}

/// `determine_origin`: a product pre-review, an agreement code and optionally the destination.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DetermineRequest {
    product: crate::Product,
    agreement: String,
    #[serde(default)]
    destination: Option<crate::model::Country>,
    /// The agreement's product-specific rules as CSV (`hs_prefix,rule,source`), in place of the rulebook's.
    #[serde(default)]
    psr_csv: Option<String>,
}

/// `compare_agreements`: a product pre-review and the destination.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CompareRequest {
    product: crate::Product,
    destination: crate::model::Country,
}

/// `import_products`: the goods and materials tables as CSV text.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportRequest {
    goods_csv: String,
    materials_csv: String,
}

fn known_agreement<'a>(rb: &'a Rulebook, code: &str) -> Result<&'a crate::rulebook::Agreement> {
    rb.agreement(code).ok_or_else(|| {
        let known: Vec<&str> = rb.agreements().map(|a| a.code.as_str()).collect();
        Error::new(
            "unknown_agreement",
            "agreement",
            format!("未知证书类型 `{code}`；可用：{}", known.join("、")),
            format!("unknown certificate type `{code}`; known: {}", known.join(", ")),
        )
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemaRequest {
    #[serde(default = "default_schema")]
    name: String,
}

fn default_schema() -> String {
    "certificate".to_string()
}

/// The answer's JSON text.
pub(crate) fn answer<T: Serialize + ?Sized>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| {
        Error::new("internal_error", "", format!("无法输出结果：{e}"), format!("cannot serialise the answer: {e}"))
    })
}

/// One line per certificate type for `rules`.
#[derive(Debug, Serialize)]
struct AgreementSummary<'a> {
    code: &'a str,
    kind: crate::rulebook::CertificateKind,
    name_zh: &'a str,
    name_en: &'a str,
    form_name: Option<&'a str>,
    parties: &'a [String],
    item_limit: Option<u32>,
    item_limit_status: crate::rulebook::Status,
    valuation_basis: crate::model::ValueBasis,
    criteria: &'a [String],
    back_page: bool,
}

fn rules_summary(rb: &Rulebook) -> Value {
    let agreements: Vec<AgreementSummary<'_>> = rb
        .agreements()
        .map(|a| AgreementSummary {
            code: &a.code,
            kind: a.kind,
            name_zh: &a.name.value.zh,
            name_en: &a.name.value.en,
            form_name: a.form_name.value.as_deref(),
            parties: &a.parties.value,
            item_limit: a.item_limit.value,
            item_limit_status: a.item_limit.status,
            valuation_basis: a.valuation_basis.value,
            criteria: &a.criteria.value,
            back_page: a.print.back_page.value,
        })
        .collect();
    serde_json::json!({ "version": rb.version(), "agreements": agreements })
}

/// `render`: the request of [`render`].
#[cfg(feature = "render")]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RenderRequest {
    certificate: crate::Certificate,
    #[serde(default)]
    format: RenderFormat,
    #[serde(default)]
    page: Option<std::num::NonZeroUsize>,
    #[serde(default)]
    back: bool,
    #[serde(default)]
    invoice: bool,
    #[serde(default)]
    preview: bool,
    #[serde(default)]
    dpi: Option<u16>,
    #[serde(default)]
    serial: Option<String>,
    #[serde(default)]
    verify_url: Option<String>,
}

#[cfg(feature = "render")]
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
enum RenderFormat {
    #[default]
    Pdf,
    Svg,
    Png,
}

/// Renders a certificate (or its commercial invoice) from a JSON request
/// `{certificate, format?: "pdf"|"svg"|"png", page?, back?, invoice?, preview?, dpi?, serial?, verify_url?}`:
/// the one rendering entry every binding shares. The answer is the document's bytes.
#[cfg(feature = "render")]
pub fn render(request: &str, rulebook: &Rulebook) -> Result<Vec<u8>> {
    use crate::render::{Document, Format, RenderOptions};
    let r: RenderRequest = json::read(request, rulebook.limits())?;
    let defaults = RenderOptions::default();
    let options = RenderOptions {
        format: match r.format {
            RenderFormat::Pdf => Format::Pdf,
            RenderFormat::Svg => Format::Svg,
            RenderFormat::Png => Format::Png,
        },
        page: r.page,
        back: r.back,
        document: if r.invoice { Document::Invoice } else { Document::Certificate },
        png_dpi: r.dpi.unwrap_or(defaults.png_dpi),
        preview: r.preview,
        serial: r.serial,
        verify_url: r.verify_url,
        ..defaults
    };
    crate::render::render(&r.certificate, rulebook, &options)
}
