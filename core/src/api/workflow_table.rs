//! `workflow_table`: one workflow's transition table (pre-review, registration, reprint...).

use super::Operation;
use crate::lifecycle::{TableRequest, WorkflowTable as Table};
use crate::{Result, Rulebook};

/// A workflow's states, actions, roles and every cell.
#[derive(Debug)]
pub struct WorkflowTable;

impl Operation for WorkflowTable {
    const NAME: &'static str = "workflow_table";
    const DOC: &'static str = "A workflow's transition table: state × action × role → state or refusal.";
    type Request = TableRequest;
    type Answer<'r> = Table<'r>;

    fn run<'r>(r: TableRequest, rulebook: &'r Rulebook) -> Result<Table<'r>> {
        crate::lifecycle::workflow_table(rulebook, &r)
    }
}
