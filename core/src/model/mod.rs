//! The public JSON contract: certificates, product pre-reviews and their parts.

mod certificate;
mod primitives;
mod product;

pub use certificate::*;
pub use primitives::*;
pub use product::*;

/// The `origin_system` value of certificates synced from the single window.
const SINGLE_WINDOW_SYSTEM: &str = "single_window";

/// Whether an `origin_system` names the single window (`single_window`, `Single Window`, `single-window`).
pub fn single_window(origin_system: &str) -> bool {
    origin_system.trim().to_ascii_lowercase().replace(['-', ' '], "_") == SINGLE_WINDOW_SYSTEM
}
