//! `check_invoice`: whether an invoice number may serve another certificate (FAQ Q27, Q115).

use super::Operation;
use crate::lifecycle::{InvoiceDecision, InvoiceRequest};
use crate::{Result, Rulebook};

/// Whether an invoice number may serve another certificate (FAQ Q27, Q115).
#[derive(Debug)]
pub struct CheckInvoice;

impl Operation for CheckInvoice {
    const NAME: &'static str = "check_invoice";
    const ALIASES: &'static [&'static str] = &["invoice_check"];
    const DOC: &'static str = "Whether an invoice number may serve another certificate (FAQ Q27, Q115).";
    type Request = InvoiceRequest;
    type Answer<'r> = InvoiceDecision;

    fn run(r: InvoiceRequest, rulebook: &Rulebook) -> Result<InvoiceDecision> {
        crate::lifecycle::check_invoice(rulebook, &r)
    }
}
