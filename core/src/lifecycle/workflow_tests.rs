//! Invariants every workflow of `rules/workflows/` keeps, and the review-side hierarchy checks.

use super::machine::{decide, table, table_text};
use super::*;
use crate::rulebook::{Rulebook, Workflow, WORKFLOWS};
use proptest::prelude::*;
use std::collections::BTreeSet;

fn rb() -> Rulebook {
    Rulebook::builtin().unwrap()
}

fn workflows(rb: &Rulebook) -> Vec<&Workflow> {
    WORKFLOWS.iter().map(|n| rb.workflow(n).unwrap()).collect()
}

#[test]
fn each_workflow_table_snapshot_is_current() {
    let rb = rb();
    for wf in workflows(&rb) {
        assert_eq!(table(wf).len(), wf.state.len() * wf.actions().len() * wf.role.len());
        let path = format!("{}/../tests/snapshots/workflow-{}.txt", env!("CARGO_MANIFEST_DIR"), wf.name);
        let current = table_text(wf);
        if std::fs::read_to_string(&path).unwrap_or_default() != current {
            if std::env::var_os("ORIGO_BLESS").is_some() {
                std::fs::write(&path, current).unwrap();
            } else {
                panic!(
                    "tests/snapshots/workflow-{}.txt drifted: review, run with ORIGO_BLESS=1 and commit it",
                    wf.name
                );
            }
        }
    }
}

/// The states reachable from the initial one.
fn reachable(wf: &Workflow) -> BTreeSet<&str> {
    let mut seen = BTreeSet::from([wf.initial.as_str()]);
    let mut todo = vec![wf.initial.as_str()];
    while let Some(s) = todo.pop() {
        for t in wf.transition.iter().filter(|t| t.from.iter().any(|f| f == s)) {
            if seen.insert(t.target(s)) {
                todo.push(t.target(s));
            }
        }
    }
    seen
}

#[test]
fn every_reachable_state_has_a_way_out_or_is_final() {
    let rb = rb();
    for wf in workflows(&rb) {
        let reach = reachable(wf);
        assert_eq!(reach.len(), wf.state.len(), "{}: unreachable states", wf.name);
        for s in &wf.state {
            let out = wf.transition.iter().any(|t| t.from.contains(&s.name));
            assert!(out != s.is_final, "{}: state {} final={} with ways out={out}", wf.name, s.name, s.is_final);
        }
    }
}

#[test]
fn no_action_skips_a_review() {
    let rb = rb();
    for wf in workflows(&rb) {
        let reviewed = |s: &str| wf.state(s).is_some_and(|x| x.reviewed);
        for t in &wf.transition {
            for f in t.from.iter().filter(|f| !reviewed(f) && reviewed(t.target(f))) {
                for role in &t.roles {
                    assert!(
                        wf.role(role).is_some_and(|r| r.reviews),
                        "{}: {role} takes {} from {f} into a reviewed state",
                        wf.name,
                        t.action
                    );
                }
            }
        }
        // And a reviewed state is never the initial one: something must be reviewed to get there.
        assert!(!reviewed(&wf.initial), "{}", wf.name);
    }
}

#[test]
fn prereview_states_are_the_product_statuses() {
    let rb = rb();
    let wf = rb.workflow("prereview").unwrap();
    let statuses = [
        crate::model::ProductStatus::Draft,
        crate::model::ProductStatus::Pending,
        crate::model::ProductStatus::Approved,
        crate::model::ProductStatus::Rejected,
        crate::model::ProductStatus::Voided,
    ];
    let names: Vec<String> =
        statuses.iter().map(|s| serde_json::to_value(s).unwrap().as_str().unwrap().to_string()).collect();
    let states: Vec<String> = wf.state.iter().map(|s| s.name.clone()).collect();
    assert_eq!(names, states);
}

#[test]
fn a_bad_workflow_file_names_the_file_and_key() {
    let edit = |from: &str, to: &str| {
        let files = crate::rulebook::builtin_files().into_iter().map(|(p, t)| {
            if p == "workflows/prereview.toml" {
                let changed = t.replacen(from, to, 1);
                assert_ne!(changed, t);
                (p, changed)
            } else {
                (p, t)
            }
        });
        Rulebook::from_texts(files).unwrap_err()
    };
    let e = edit("to = \"pending\"", "to = \"pendng\"");
    assert_eq!((e.code, e.path.as_str()), ("rulebook_invalid", "workflows/prereview.toml: transition[1].to"));
    let e = edit("roles = [\"reviewer\"]", "roles = [\"clerk\"]");
    assert_eq!(e.path, "workflows/prereview.toml: transition[2].roles[0]");
    let e = edit("source = \"FAQ Q19, Q20\"", "source = \"\"");
    assert_eq!(e.path, "workflows/prereview.toml: transition[0].source");
    let e = edit("name = \"prereview\"", "name = \"pre\"");
    assert_eq!(e.path, "workflows/prereview.toml: name");
}

fn institutions(json: serde_json::Value) -> Vec<Institution> {
    serde_json::from_value(json).unwrap()
}

#[test]
fn a_cycle_or_a_wrong_level_in_the_hierarchy_is_refused_with_its_path() {
    let rb = rb();
    let cyclic = institutions(serde_json::json!([
        {"id": "HQ", "level": "headquarters"},
        {"id": "B", "level": "branch", "parent": "S"},
        {"id": "S", "level": "sub_branch", "parent": "B"},
    ]));
    let req = AuthorityRequest {
        institutions: cyclic,
        office: "S".into(),
        certificate_type: "non_preferential".into(),
        officer: None,
    };
    let a = check_authority(&rb, &req).unwrap();
    assert!(!a.may_sign);
    assert_eq!(
        (a.refusals[0].code.as_str(), a.refusals[0].path.as_str()),
        ("institution_cycle", "institutions[1].parent")
    );
    let flat = institutions(serde_json::json!([
        {"id": "HQ", "level": "headquarters"},
        {"id": "S", "level": "sub_branch", "parent": "HQ"},
    ]));
    let req = AuthorityRequest { institutions: flat, ..req };
    let a = check_authority(&rb, &req).unwrap();
    assert_eq!(
        (a.refusals[0].code.as_str(), a.refusals[0].path.as_str()),
        ("institution_wrong_level", "institutions[1].parent")
    );
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "draft",
            "pending",
            "approved",
            "rejected",
            "voided",
            "none",
            "created",
            "save",
            "submit",
            "approve",
            "reject",
            "void",
            "amend",
            "apply",
            "print",
            "signatory",
            "administrator",
            "reviewer",
            "headquarters",
            "own_administrator",
            "enterprise",
            "conclude",
            "reply",
            "filed",
        ])
        .prop_map(str::to_string),
        "[a-z_]{0,8}",
    ]
}

proptest! {
    /// A refused action changes nothing; an allowed one lands in a state of the workflow.
    #[test]
    fn a_refused_action_changes_nothing(w in 0..WORKFLOWS.len(), state in name(), action in name(), role in name(), guard_refuses in any::<bool>()) {
        let rb = rb();
        let wf = rb.workflow(WORKFLOWS[w]).unwrap();
        let d = decide(wf, &state, &action, &role, |_| {
            if guard_refuses { Err(crate::refusal::Refusal::new(&super::machine::OTHER_ENTERPRISE, "", "否", "no")) } else { Ok(Vec::new()) }
        });
        if d.allowed {
            prop_assert!(d.refusal.is_none());
            prop_assert!(wf.state(d.state.as_deref().unwrap_or("")).is_some());
        } else {
            let r = d.refusal.as_ref().unwrap();
            prop_assert!(d.effects.is_empty());
            prop_assert!(!r.zh.is_empty() && !r.en.is_empty());
            if wf.state(&state).is_some() {
                prop_assert_eq!(d.state.as_deref(), Some(state.as_str()));
            } else {
                prop_assert_eq!(d.state, None);
                prop_assert_eq!(r.path.as_str(), "record.state");
            }
        }
    }
}
