//! `transition_table`: the certificate lifecycle as a table of state × action × role.

use super::Operation;
use crate::lifecycle::{self, Action, State, TableRow};
use crate::rulebook::Role;
use crate::{Result, Rulebook};
use schemars::JsonSchema;
use serde::Serialize;

/// The certificate lifecycle's states, actions, roles and every cell.
#[derive(Debug)]
pub struct TransitionTable;

/// The names of the axes and every cell, as `apply_action` decides it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Table {
    /// Every state.
    pub states: Vec<State>,
    /// Every action.
    pub actions: Vec<Action>,
    /// Every role.
    pub roles: Vec<Role>,
    /// Every state × action × role.
    pub rows: Vec<TableRow>,
}

impl Operation for TransitionTable {
    const NAME: &'static str = "transition_table";
    const ALIASES: &'static [&'static str] = &["lifecycle_table"];
    const DOC: &'static str = "The certificate lifecycle's transition table: state × action × role → state or refusal.";
    type Request = super::Empty;
    type Answer<'r> = Table;

    fn run(_: super::Empty, rb: &Rulebook) -> Result<Table> {
        Ok(Table {
            states: State::ALL.to_vec(),
            actions: Action::ALL.to_vec(),
            roles: Role::ALL.to_vec(),
            rows: lifecycle::table(rb.lifecycle()),
        })
    }
}
