use super::*;
use crate::rulebook::{CertificateKind, Fact};
use proptest::prelude::*;

fn rb() -> Rulebook {
    Rulebook::builtin().unwrap()
}

fn np(rb: &Rulebook) -> Agreement {
    rb.agreement("non_preferential").unwrap().clone()
}

/// The non-preferential type with manual-stamp destinations, standing in for e.g. China–Peru.
fn manual(rb: &Rulebook, dests: &[&str]) -> Agreement {
    let mut a = np(rb);
    a.print.manual_stamp_destinations = Fact {
        value: dests.iter().map(|d| d.to_string()).collect(),
        source: "test".into(),
        status: Default::default(),
        note: None,
    };
    a
}

fn record(state: State) -> Record {
    Record {
        id: Some("C1".into()),
        state: state.as_str().into(),
        agreement: "non_preferential".into(),
        destination: Some("JP".into()),
        enterprise: "E1".into(),
        signatory: "S1".into(),
        print_location: PrintLocation::Enterprise,
        self_print: true,
        amendment_pending: false,
        reissue_of: None,
        reprint_application: None,
        origin_system: None,
    }
}

fn actor(role: Role) -> Actor {
    Actor {
        role: role.as_str().into(),
        enterprise: Some("E1".into()),
        signatory: Some("S1".into()),
        authorisation: None,
    }
}

fn req(state: State, action: Action, role: Role) -> ApplyRequest {
    ApplyRequest {
        record: record(state),
        action: action.as_str().into(),
        actor: actor(role),
        today: None,
        deadline: None,
        reason: None,
    }
}

fn run(a: &Agreement, r: &ApplyRequest) -> Decision {
    decide(rb().lifecycle(), a, r)
}

fn code_of(d: &Decision) -> &str {
    d.refusal.as_ref().map_or("", |r| r.code.as_str())
}

#[test]
fn the_ordinary_path_from_draft_to_reprint() {
    let rb = rb();
    let a = np(&rb);
    let steps = [
        (State::Draft, Action::Save, Role::Signatory, State::ToSend),
        (State::ToSend, Action::Send, Role::Signatory, State::PendingReview),
        (State::PendingReview, Action::Withdraw, Role::Signatory, State::ToSend),
        (State::PendingReview, Action::Approve, Role::Reviewer, State::Approved),
        (State::Approved, Action::Print, Role::Signatory, State::Printed),
    ];
    for (from, action, role, to) in steps {
        let d = run(&a, &req(from, action, role));
        assert!(d.allowed, "{from:?} {action:?}: {:?}", d.refusal);
        assert_eq!(d.state, Some(to));
    }
    let mut r = req(State::Printed, Action::Reprint, Role::Signatory);
    assert_eq!(code_of(&run(&a, &r)), "lifecycle_reason_required");
    r.reason = Some("卡纸".into());
    assert_eq!(code_of(&run(&a, &r)), "lifecycle_reprint_not_approved");
    r.record.reprint_application = Some("approved".into());
    let d = run(&a, &r);
    assert_eq!(d.state, Some(State::Printed));
    assert_eq!(d.effects, vec![Effect::NewSerialNumber]);
}

#[test]
fn drafts_are_not_previewed_and_approved_certificates_not_deleted() {
    let rb = rb();
    let a = np(&rb);
    assert_eq!(code_of(&run(&a, &req(State::Draft, Action::Preview, Role::Signatory))), "lifecycle_preview_draft");
    for s in [State::ToSend, State::Approved, State::Rejected, State::PendingReview] {
        assert!(run(&a, &req(s, Action::Preview, Role::Signatory)).allowed, "{s:?}");
    }
    for s in [State::Approved, State::Printed, State::Superseded] {
        let d = run(&a, &req(s, Action::Delete, Role::Administrator));
        assert_eq!(code_of(&d), "lifecycle_approved_not_deletable");
        assert_eq!(d.state, Some(s));
    }
    assert_eq!(run(&a, &req(State::ToSend, Action::Delete, Role::Signatory)).state, Some(State::Deleted));
}

#[test]
fn void_only_before_the_first_print_and_it_frees_the_invoice() {
    let rb = rb();
    let a = np(&rb);
    let d = run(&a, &req(State::Approved, Action::Void, Role::Signatory));
    assert_eq!((d.state, d.effects), (Some(State::Voided), vec![Effect::ReleaseInvoice]));
    assert_eq!(code_of(&run(&a, &req(State::Printed, Action::Void, Role::Signatory))), "lifecycle_void_after_print");
}

#[test]
fn amendments_repeat_only_after_approval_and_supersede_the_original() {
    let rb = rb();
    let a = np(&rb);
    let mut r = req(State::Printed, Action::AmendReissue, Role::Signatory);
    let d = run(&a, &r);
    assert_eq!(d.effects, vec![Effect::CreateReissue { kind: ReissueKind::Amend, of: Some("C1".into()) }]);
    assert_eq!(d.state, Some(State::Printed));
    r.record.amendment_pending = true;
    assert_eq!(code_of(&run(&a, &r)), "lifecycle_amendment_pending");
    assert_eq!(
        code_of(&run(&a, &req(State::ToSend, Action::AmendReissue, Role::Signatory))),
        "lifecycle_not_allowed_in_state"
    );

    let mut approve = req(State::PendingReview, Action::Approve, Role::Reviewer);
    approve.record.reissue_of = Some(ReissueOf { kind: ReissueKind::Amend, original: Some("C0".into()) });
    assert_eq!(run(&a, &approve).effects, vec![Effect::SupersedeOriginal { original: Some("C0".into()) }]);
    approve.record.reissue_of = Some(ReissueOf { kind: ReissueKind::Lost, original: Some("C0".into()) });
    assert!(run(&a, &approve).effects.is_empty());
    assert_eq!(run(&a, &req(State::Printed, Action::Supersede, Role::Reviewer)).state, Some(State::Superseded));
    assert_eq!(
        code_of(&run(&a, &req(State::Printed, Action::Supersede, Role::Signatory))),
        "lifecycle_role_not_permitted"
    );
}

#[test]
fn reissues_respect_the_given_deadline() {
    let rb = rb();
    let a = np(&rb);
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    for action in [Action::AmendReissue, Action::LostReissue] {
        let mut r = req(State::Printed, action, Role::Signatory);
        r.deadline = Some(day("2026-03-31"));
        assert_eq!(code_of(&run(&a, &r)), "lifecycle_today_required");
        r.today = Some(day("2026-03-31"));
        assert!(run(&a, &r).allowed);
        r.today = Some(day("2026-04-01"));
        let d = run(&a, &r);
        assert_eq!((code_of(&d), d.state), ("lifecycle_reissue_deadline_passed", Some(State::Printed)));
    }
    assert_eq!(
        code_of(&run(&a, &req(State::Approved, Action::LostReissue, Role::Signatory))),
        "lifecycle_not_allowed_in_state"
    );
}

#[test]
fn print_location_and_extra_copies_follow_self_print_and_manual_stamps() {
    let rb = rb();
    let plain = np(&rb);
    let d = run(&plain, &req(State::Approved, Action::ChangePrintLocation, Role::Signatory));
    assert_eq!(d.effects, vec![Effect::PrintLocation { to: PrintLocation::Ccpit }]);
    let mut r = req(State::Approved, Action::ChangePrintLocation, Role::Signatory);
    r.record.self_print = false;
    assert_eq!(code_of(&run(&plain, &r)), "lifecycle_not_self_print");

    let peru = manual(&rb, &["*"]);
    assert_eq!(
        code_of(&run(&peru, &req(State::Approved, Action::ChangePrintLocation, Role::Signatory))),
        "lifecycle_manual_stamp"
    );
    assert_eq!(
        code_of(&run(&peru, &req(State::Printed, Action::ExtraCopy, Role::Signatory))),
        "lifecycle_manual_stamp"
    );
    let d = run(&peru, &req(State::Approved, Action::Print, Role::Signatory));
    assert_eq!((d.state, d.effects), (Some(State::Printed), vec![Effect::ManualStamp]));

    let asean_like = manual(&rb, &["PH", "MM"]);
    let mut r = req(State::Approved, Action::ChangePrintLocation, Role::Signatory);
    assert!(run(&asean_like, &r).allowed, "JP needs no manual stamp");
    r.record.destination = Some("PH".into());
    assert_eq!(code_of(&run(&asean_like, &r)), "lifecycle_manual_stamp");
    r.record.destination = None;
    assert_eq!(code_of(&run(&asean_like, &r)), "lifecycle_destination_required");

    assert!(run(&plain, &req(State::Printed, Action::ExtraCopy, Role::Signatory)).allowed);
    let mut r = req(State::Printed, Action::ExtraCopy, Role::Signatory);
    r.record.print_location = PrintLocation::Ccpit;
    assert_eq!(code_of(&run(&plain, &r)), "lifecycle_wrong_print_location");
    let mut r = req(State::Approved, Action::Print, Role::Reviewer);
    assert_eq!(code_of(&run(&plain, &r)), "lifecycle_wrong_print_location");
    r.record.print_location = PrintLocation::Ccpit;
    assert_eq!(run(&plain, &r).state, Some(State::Printed));
}

#[test]
fn actors_reach_only_their_records() {
    let rb = rb();
    let a = np(&rb);
    let mut r = req(State::ToSend, Action::Send, Role::Signatory);
    r.record.signatory = "S2".into();
    assert_eq!(code_of(&run(&a, &r)), "lifecycle_not_own_certificate");
    r.actor = actor(Role::Administrator);
    assert!(run(&a, &r).allowed, "an administrator applies in any signatory's name");
    r.actor.enterprise = Some("E2".into());
    assert_eq!(code_of(&run(&a, &r)), "lifecycle_other_enterprise");

    let mut agent = Actor { role: "agent".into(), enterprise: Some("AG".into()), signatory: None, authorisation: None };
    r.actor = agent.clone();
    assert_eq!(code_of(&run(&a, &r)), "lifecycle_no_authorisation");
    for (state, ok) in [
        (DelegationState::Requested, false),
        (DelegationState::Active, true),
        (DelegationState::Disabled, false),
        (DelegationState::Rejected, false),
    ] {
        agent.authorisation = Some(Authorisation { agent: "AG".into(), principal: "E1".into(), state });
        r.actor = agent.clone();
        assert_eq!(run(&a, &r).allowed, ok, "{state:?}");
    }
    agent.authorisation =
        Some(Authorisation { agent: "AG".into(), principal: "E9".into(), state: DelegationState::Active });
    r.actor = agent;
    assert_eq!(code_of(&run(&a, &r)), "lifecycle_no_authorisation");

    let mut r = req(State::PendingReview, Action::Approve, Role::Signatory);
    assert_eq!(code_of(&run(&a, &r)), "lifecycle_role_not_permitted");
    r.actor = Actor { role: "reviewer".into(), enterprise: None, signatory: None, authorisation: None };
    assert!(run(&a, &r).allowed);
}

#[test]
fn unknown_names_are_refused_with_codes() {
    let rb = rb();
    let a = np(&rb);
    let mut r = req(State::ToSend, Action::Send, Role::Signatory);
    r.record.state = "Approved".into();
    let d = run(&a, &r);
    assert_eq!((code_of(&d), d.state), ("lifecycle_unknown_state", None));
    let mut r = req(State::ToSend, Action::Send, Role::Signatory);
    r.action = "sned".into();
    let d = run(&a, &r);
    assert_eq!((code_of(&d), d.state), ("lifecycle_unknown_action", Some(State::ToSend)));
    r.action = "send".into();
    r.actor.role = "boss".into();
    assert_eq!(code_of(&run(&a, &r)), "lifecycle_unknown_role");
}

#[test]
fn apply_needs_a_known_certificate_type() {
    let mut r = req(State::ToSend, Action::Send, Role::Signatory);
    r.record.agreement = "nope".into();
    let e = apply(&rb(), &r).unwrap_err();
    assert_eq!((e.code, e.path.as_str()), ("unknown_agreement", "record.agreement"));
}

#[test]
fn reviewers_preview_approved_certificates_printed_at_ccpit() {
    let rb = rb();
    let plain = np(&rb);
    for state in [State::Approved, State::Printed] {
        let mut r = req(state, Action::Preview, Role::Reviewer);
        r.record.print_location = PrintLocation::Ccpit;
        let d = run(&plain, &r);
        assert!(d.allowed && d.state == Some(state), "{state:?}: {d:?}");
        r.record.print_location = PrintLocation::Enterprise;
        let d = run(&plain, &r);
        assert_eq!((code_of(&d), d.state), ("lifecycle_wrong_print_location", Some(state)));
    }
    for state in [State::ToSend, State::PendingReview, State::Rejected] {
        let mut r = req(state, Action::Preview, Role::Reviewer);
        r.record.print_location = PrintLocation::Ccpit;
        let d = run(&plain, &r);
        assert_eq!((code_of(&d), d.state), ("lifecycle_review_preview_before_approval", Some(state)));
    }
}

#[test]
fn costa_rica_is_printed_by_ccpit_only() {
    let rb = rb();
    let cr = rb.agreement("costa_rica").unwrap().clone();
    let mut r = req(State::Approved, Action::ChangePrintLocation, Role::Signatory);
    r.record.agreement = "costa_rica".into();
    r.record.print_location = PrintLocation::Ccpit;
    let d = run(&cr, &r);
    assert_eq!((code_of(&d), d.state, d.effects.len()), ("lifecycle_ccpit_print_only", Some(State::Approved), 0));
    // Back to CCPIT is fine.
    r.record.print_location = PrintLocation::Enterprise;
    assert_eq!(run(&cr, &r).effects, vec![Effect::PrintLocation { to: PrintLocation::Ccpit }]);
    for (state, action) in [(State::Printed, Action::ExtraCopy), (State::Approved, Action::Print)] {
        let mut r = req(state, action, Role::Signatory);
        r.record.agreement = "costa_rica".into();
        assert_eq!(code_of(&run(&cr, &r)), "lifecycle_ccpit_print_only", "{action:?}");
    }
    let mut r = req(State::Approved, Action::Print, Role::Reviewer);
    r.record.print_location = PrintLocation::Ccpit;
    assert!(run(&cr, &r).allowed);
}

#[test]
fn single_window_certificates_are_never_printed_or_amended_here() {
    let rb = rb();
    let plain = np(&rb);
    for (state, action, role) in [
        (State::Approved, Action::Print, Role::Signatory),
        (State::Printed, Action::Reprint, Role::Signatory),
        (State::Printed, Action::ExtraCopy, Role::Signatory),
        (State::Approved, Action::AmendReissue, Role::Signatory),
        (State::Approved, Action::Print, Role::Reviewer),
    ] {
        let mut r = req(state, action, role);
        r.reason = Some("卡纸".into());
        r.record.origin_system = Some("Single Window".into());
        if role == Role::Reviewer {
            r.record.print_location = PrintLocation::Ccpit;
        }
        let d = run(&plain, &r);
        assert_eq!((code_of(&d), d.state, d.effects.len()), ("lifecycle_single_window", Some(state), 0), "{action:?}");
    }
    let mut r = req(State::Approved, Action::Preview, Role::Signatory);
    r.record.origin_system = Some("single_window".into());
    assert!(run(&plain, &r).allowed, "viewing is not printing");
}

#[test]
fn transition_table_snapshot_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/snapshots/lifecycle-table.txt");
    let current = table_text(rb().lifecycle());
    assert_eq!(table(rb().lifecycle()).len(), State::ALL.len() * Action::ALL.len() * Role::ALL.len());
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    if on_disk != current {
        if std::env::var_os("ORIGO_BLESS").is_some() {
            std::fs::create_dir_all(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/snapshots")).unwrap();
            std::fs::write(path, current).unwrap();
        } else {
            panic!(
                "tests/snapshots/lifecycle-table.txt drifted: review the change, run with ORIGO_BLESS=1 and commit it"
            );
        }
    }
}

#[test]
fn copy_rules_follow_q25_and_q27() {
    let rb = rb();
    let side =
        |agreement: &str, invoice: &str| CopySide { agreement: agreement.into(), invoice_number: invoice.into() };
    let check = |from: &CopySide, fk: CertificateKind, to: &CopySide, tk: CertificateKind| {
        copy::decide(rb.lifecycle(), (from, fk), (to, tk))
    };
    use CertificateKind::*;
    let np1 = side("non_preferential", "INV-1");
    let np2 = side("non_preferential", "INV-2");
    let fe1 = side("asean", "inv-1 ");
    let fe2 = side("asean", "INV-2");
    let rc1 = side("rcep", "INV-1");
    let code = |d: CopyDecision| d.refusal.map(|r| r.code).unwrap_or_default();
    assert!(check(&np1, NonPreferential, &np2, NonPreferential).allowed);
    assert_eq!(code(check(&np1, NonPreferential, &np1, NonPreferential)), "copy_invoice_must_differ");
    assert!(
        check(&np1, NonPreferential, &fe1, Preferential).allowed,
        "invoice numbers compare without case and spaces"
    );
    assert_eq!(code(check(&np1, NonPreferential, &fe2, Preferential)), "copy_invoice_must_match");
    let d = check(&fe1, Preferential, &fe2, Preferential);
    assert_eq!((d.allowed, d.not_copied), (true, vec!["invoice".to_string()]));
    assert_eq!(code(check(&fe1, Preferential, &rc1, Preferential)), "copy_not_allowed");
    assert!(check(&fe1, Preferential, &np1, NonPreferential).allowed);
    assert_eq!(code(check(&fe2, Preferential, &np1, NonPreferential)), "copy_invoice_must_match");
    let pa1 = side("processing", "A");
    let pa2 = side("processing", "B");
    assert!(check(&pa1, Processing, &pa2, Processing).allowed);
    assert_eq!(code(check(&pa1, Processing, &side("non_preferential", "B"), NonPreferential)), "copy_not_allowed");
    assert_eq!(
        code(check(&side("re_export", "A"), ReExport, &side("re_export", "A"), ReExport)),
        "copy_invoice_must_differ"
    );
    assert_eq!(
        code(check(&side("re_export", " "), ReExport, &side("re_export", "A"), ReExport)),
        "copy_invoice_missing"
    );
}

#[test]
fn one_invoice_serves_one_live_preferential_certificate() {
    use CertificateKind::*;
    let existing = |id: &str, agreement: &str, state: State, of: Option<&str>| ExistingCertificate {
        id: Some(id.into()),
        agreement: agreement.into(),
        invoice_number: "INV-1".into(),
        state,
        enterprise: Some("E1".into()),
        reissue_of: of.map(Into::into),
    };
    let want = InvoiceUse {
        id: None,
        agreement: "rcep".into(),
        invoice_number: " inv-1".into(),
        enterprise: Some("E1".into()),
        reissue_of: None,
    };
    let mut r = InvoiceRequest { certificate: want, existing: vec![existing("A", "asean", State::Approved, None)] };
    let d = invoice::decide(&r, Preferential, &[Preferential]);
    assert_eq!((d.allowed, d.conflicts.clone()), (false, vec!["A".to_string()]));
    assert_eq!(d.refusal.unwrap().code, "invoice_in_use");
    r.existing[0].state = State::Voided;
    assert!(invoice::decide(&r, Preferential, &[Preferential]).allowed, "voiding frees the number (Q115)");
    r.existing[0].state = State::Printed;
    assert!(
        invoice::decide(&r, NonPreferential, &[Preferential]).allowed,
        "non-preferential certificates are not limited"
    );
    assert!(invoice::decide(&r, Preferential, &[NonPreferential]).allowed);
    r.existing[0].enterprise = Some("E2".into());
    assert!(invoice::decide(&r, Preferential, &[Preferential]).allowed, "other enterprises never conflict");

    // An amendment of a lost-certificate duplicate shares the number with the duplicate and the lost original.
    r.certificate.reissue_of = Some("D".into());
    r.existing = vec![existing("P", "asean", State::Printed, None), existing("D", "asean", State::Printed, Some("P"))];
    assert!(invoice::decide(&r, Preferential, &[Preferential, Preferential]).allowed);
    r.existing.push(existing("X", "rcep", State::ToSend, None));
    assert_eq!(invoice::decide(&r, Preferential, &[Preferential; 3]).conflicts, vec!["X".to_string()]);
}

#[test]
fn enterprise_changes_are_classified_by_the_rules() {
    let rb = rb();
    let rules = rb.lifecycle();
    let change = |fields: &[&str], attachment: bool, role: Role| {
        classify_change(
            rules,
            &ChangeRequest { fields: fields.iter().map(|f| f.to_string()).collect(), attachment, role },
        )
    };
    let code = |d: ChangeDecision| d.refusal.map(|r| r.code).unwrap_or_default();
    let d = change(&["address", "contact"], false, Role::Signatory);
    assert_eq!((d.allowed, d.review.len(), d.immediate.len()), (true, 0, 2));
    let d = change(&["name_zh", "name_en", "seal_official", "business_licence"], true, Role::Administrator);
    assert_eq!(d.review, vec!["name_zh", "name_en", "seal_official"]);
    assert_eq!(d.immediate, vec!["business_licence"]);
    assert_eq!(
        code(change(&["name_zh", "name_en", "seal_official", "business_licence"], false, Role::Signatory)),
        "enterprise_attachment_required"
    );
    let d = change(&["name_zh", "name_en"], true, Role::Signatory);
    let r = d.refusal.unwrap();
    assert_eq!(r.code, "enterprise_name_change_incomplete");
    assert!(r.en.contains("seal") && r.en.contains("business_licence"), "{}", r.en);
    assert_eq!(code(change(&["nature"], true, Role::Administrator)), "enterprise_field_locked");
    assert_eq!(code(change(&["uscc"], true, Role::Administrator)), "enterprise_field_locked");
    assert_eq!(code(change(&["colour"], true, Role::Administrator)), "enterprise_unknown_field");
    assert_eq!(code(change(&[], true, Role::Administrator)), "enterprise_no_changes");
    assert_eq!(code(change(&["address"], true, Role::Agent)), "personnel_role_not_permitted");
    assert_eq!(change(&["legal_representative_name"], true, Role::Signatory).review, vec!["legal_representative_name"]);
    assert_eq!(
        code(change(&["legal_representative_contact"], false, Role::Signatory)),
        "enterprise_attachment_required"
    );
}

#[test]
fn personnel_actions_follow_the_administrator_rules() {
    let rb = rb();
    let rules = rb.lifecycle();
    let me = |role: Role| PersonnelActor { role, enterprise: "E1".into(), person: "P1".into() };
    let target = |state: PersonState| Some(Person { enterprise: "E1".into(), person: "P2".into(), state });
    let go = |role: Role, action: PersonnelAction, t: Option<Person>| {
        apply_personnel(rules, &PersonnelRequest { actor: me(role), action, target: t })
    };
    let code = |d: PersonnelDecision| d.refusal.map(|r| r.code).unwrap_or_default();
    use PersonnelAction::*;
    assert_eq!(
        go(Role::Administrator, DisableSignatory, target(PersonState::Active)).state,
        Some(PersonState::Disabled)
    );
    assert_eq!(
        code(go(Role::Signatory, DisableSignatory, target(PersonState::Active))),
        "personnel_role_not_permitted"
    );
    assert_eq!(
        code(go(Role::Administrator, DeleteSignatory, target(PersonState::Active))),
        "personnel_not_allowed_in_state"
    );
    assert_eq!(
        go(Role::Administrator, DeleteSignatory, target(PersonState::Disabled)).state,
        Some(PersonState::Deleted)
    );
    assert_eq!(
        go(Role::Administrator, EnableSignatory, target(PersonState::Disabled)).state,
        Some(PersonState::Active)
    );
    let d = go(Role::Administrator, TransferAdministrator, target(PersonState::Active));
    assert_eq!(
        d.effects,
        vec![
            PersonnelEffect::GrantAdministrator { person: "P2".into() },
            PersonnelEffect::RevokeAdministrator { person: "P1".into() }
        ]
    );
    let own = Some(Person { enterprise: "E1".into(), person: "P1".into(), state: PersonState::Active });
    assert_eq!(code(go(Role::Administrator, DisableSignatory, own)), "personnel_self");
    let other = Some(Person { enterprise: "E2".into(), person: "P2".into(), state: PersonState::Active });
    assert_eq!(code(go(Role::Administrator, DisableSignatory, other)), "personnel_other_enterprise");
    assert_eq!(go(Role::Signatory, RequestAdministrator, None).effects, vec![PersonnelEffect::CcpitReview]);
}

#[test]
fn delegation_runs_request_approve_disable() {
    use DelegationAction as A;
    use DelegationState as S;
    let go = |state: Option<S>, action: A, party: Party| {
        apply_delegation(&DelegationRequest { state, action, party, agent_nature: None })
    };
    assert_eq!(go(None, A::Request, Party::Agent).state, Some(S::Requested));
    assert_eq!(go(Some(S::Requested), A::Approve, Party::Principal).state, Some(S::Active));
    assert_eq!(go(Some(S::Requested), A::Reject, Party::Principal).state, Some(S::Rejected));
    assert_eq!(go(Some(S::Active), A::Disable, Party::Agent).state, Some(S::Disabled));
    assert_eq!(go(Some(S::Active), A::Disable, Party::Principal).state, Some(S::Disabled));
    let d = go(Some(S::Requested), A::Approve, Party::Agent);
    assert_eq!((d.state, d.refusal.unwrap().code.as_str()), (Some(S::Requested), "delegation_wrong_party"));
    assert_eq!(
        go(Some(S::Active), A::Approve, Party::Principal).refusal.unwrap().code,
        "delegation_not_allowed_in_state"
    );
    assert_eq!(
        go(Some(S::Disabled), A::Disable, Party::Agent).refusal.unwrap().code,
        "delegation_not_allowed_in_state"
    );
    let issuing = apply_delegation(&DelegationRequest {
        state: None,
        action: A::Request,
        party: Party::Agent,
        agent_nature: Some(EnterpriseNature::Issuing),
    });
    assert_eq!(issuing.refusal.unwrap().code, "delegation_not_agent_enterprise");
}

#[test]
fn one_signatory_per_account_and_per_person() {
    let b = |account: &str, name: &str, id: &str| Binding {
        account: account.into(),
        name: name.into(),
        id_number: id.into(),
    };
    let existing = vec![b("zhangsan2024", "张三", "11010519491231002X")];
    let code = |d: SignatoryDecision| d.refusal.map(|r| r.code).unwrap_or_default();
    let go = |binding| check_signatory(&SignatoryRequest { binding, existing: existing.clone() });
    assert!(go(b("lisi20240001", "李四", "440524188001010014")).allowed);
    assert_eq!(code(go(b("zhangsan2025", "张三", "11010519491231002x"))), "signatory_id_invalid");
    assert_eq!(code(go(b("zhangsan2025", "张三", "11010519491231002X"))), "signatory_duplicate");
    assert_eq!(code(go(b("zhangsan2024", "李四", "440524188001010014"))), "signatory_account_bound");
    assert_eq!(code(go(b("lisi20240001", "李四", "440524188001010015"))), "signatory_id_invalid");
}

fn any_state() -> impl Strategy<Value = State> {
    (0..State::ALL.len()).prop_map(|i| State::ALL[i])
}

fn any_step() -> impl Strategy<Value = (Action, Role, bool, bool, bool, bool)> {
    (0..Action::ALL.len(), 0..Role::ALL.len(), any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>())
        .prop_map(|(a, r, own, reason, pending, local)| (Action::ALL[a], Role::ALL[r], own, reason, pending, local))
}

proptest! {
    #[test]
    fn random_action_sequences_stay_defined(start in any_state(), steps in proptest::collection::vec(any_step(), 0..40)) {
        let rb = rb();
        let a = np(&rb);
        let cr = rb.agreement("costa_rica").unwrap().clone();
        let mut state = start;
        let mut approved = state.was_approved();
        for (action, role, own, reason, pending, local) in steps {
            let mut r = req(state, action, role);
            if !own { r.record.signatory = "S9".into(); }
            r.reason = reason.then(|| "卡纸".to_string());
            r.record.amendment_pending = pending;
            r.record.print_location = if local { PrintLocation::Enterprise } else { PrintLocation::Ccpit };
            r.record.origin_system = (own && pending).then(|| "single_window".to_string());
            let a = if reason && pending { &cr } else { &a };
            let d = decide(rb.lifecycle(), a, &r);
            // Through JSON as a host sees it: the state is always a known one.
            let json = serde_json::to_value(&d).unwrap();
            let next = State::parse(json["state"].as_str().unwrap()).unwrap();
            if d.allowed {
                prop_assert!(d.refusal.is_none());
            } else {
                prop_assert_eq!(next, state, "a refused action changes nothing");
                prop_assert!(d.effects.is_empty());
                prop_assert!(d.refusal.is_some());
            }
            if approved {
                prop_assert_ne!(next, State::Deleted, "an approved certificate is never deleted");
            }
            state = next;
            approved |= state.was_approved();
        }
    }

    #[test]
    fn unknown_names_never_panic(state in "\\PC{0,12}", action in "\\PC{0,12}", role in "\\PC{0,12}") {
        let rb = rb();
        let mut r = req(State::Draft, Action::Save, Role::Signatory);
        r.record.state = state;
        r.action = action;
        r.actor.role = role;
        let d = decide(rb.lifecycle(), &np(&rb), &r);
        if !d.allowed {
            prop_assert!(d.refusal.is_some());
        }
    }
}
