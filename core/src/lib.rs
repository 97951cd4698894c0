//! origo: the rules and documents of Chinese certificates of origin.
//!
//! Read a certificate (the JSON contract in [`model`]), check it against a [`Rulebook`] and get a
//! [`Report`]: findings for people (code, field path, rule source, Chinese and English message)
//! and the values the library derived. Bindings (Python, WASM, CLI) go through [`api::call`].
//!
//! ```
//! let rulebook = origo::Rulebook::builtin().unwrap();
//! let cert = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/certificates/non_preferential.json")).unwrap();
//! let report = origo::check_json(&cert, &rulebook, None).unwrap();
//! assert!(report.ok, "{:?}", report.findings);
//! ```

pub mod api;
#[cfg(feature = "batch")]
pub mod batch;
pub mod catalogue;
pub mod check;
mod error;
mod finding;
pub mod identity;
pub mod json;
pub mod lifecycle;
pub mod model;
pub mod origin;
mod refusal;
#[cfg(feature = "render")]
pub mod render;
pub mod rulebook;
pub mod schema;
pub mod valuation;

pub use check::{check_certificate, check_json, group_findings, Derived, FindingGroup, Report};
pub use error::{codes, Error, Result};
pub use finding::{Code, Finding, Message, Path, Severity};
pub use model::{Certificate, Product};
pub use refusal::Refusal;
pub use rulebook::calendar;
pub use rulebook::Rulebook;
