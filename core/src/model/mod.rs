//! The public JSON contract: certificates, product pre-reviews and their parts.

mod certificate;
mod primitives;
mod product;

pub use certificate::*;
pub use primitives::*;
pub use product::*;
