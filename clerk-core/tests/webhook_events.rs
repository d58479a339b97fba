//! Every example payload of Clerk's webhook event catalogue parses into its typed event.
//!
//! The catalogue is vendored unmodified at `third_party/clerk-openapi/webhooks/openapi.yaml`;
//! its examples are extracted into `tests/fixtures/webhooks/openapi-examples.json` by the script
//! beside that file (no YAML parser in the build). The first test recomputes the spec's sha256
//! and reads its event names, so the JSON cannot drift from the vendored spec unnoticed.

use std::collections::BTreeSet;

use aws_lc_rs::digest;
use clerk_core::webhooks::{
    OrganizationDomainEnrollmentMode, PaymentAttemptStatus, SubscriptionItemStatus,
    SubscriptionStatus, WaitlistEntryStatus,
};
use clerk_core::{ClerkEvent, EventType, WebhookEvent};
use serde_json::Value;

const SPEC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../third_party/clerk-openapi/webhooks/openapi.yaml"
);
const EXAMPLES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/webhooks/openapi-examples.json"
);

fn examples() -> Value {
    serde_json::from_str(&std::fs::read_to_string(EXAMPLES).unwrap()).unwrap()
}

/// The event names under `x-webhooks:` (two-space-indented keys up to the next top-level key).
fn spec_event_names(spec: &str) -> BTreeSet<String> {
    spec.lines()
        .skip_while(|l| *l != "x-webhooks:")
        .skip(1)
        .take_while(|l| l.is_empty() || l.starts_with(' '))
        .filter_map(|l| {
            let key = l.strip_prefix("  ")?.strip_suffix(':')?;
            (!key.starts_with(' ')).then(|| key.to_owned())
        })
        .collect()
}

#[test]
fn extracted_examples_match_the_vendored_spec() {
    let spec = std::fs::read(SPEC).unwrap();
    let sha: String = digest::digest(&digest::SHA256, &spec)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let ex = examples();
    assert_eq!(
        ex["source_sha256"].as_str().unwrap(),
        sha,
        "the spec changed: rerun tests/fixtures/webhooks/extract_examples.py"
    );
    let names = spec_event_names(std::str::from_utf8(&spec).unwrap());
    let extracted: BTreeSet<String> = ex["events"].as_object().unwrap().keys().cloned().collect();
    assert_eq!(names.len(), 45);
    assert_eq!(names, extracted);
    let modelled: BTreeSet<String> = EventType::all()
        .iter()
        .map(|t| t.as_str().to_owned())
        .collect();
    assert_eq!(
        names, modelled,
        "every event of the spec has a ClerkEvent variant"
    );
}

#[test]
fn every_example_parses_into_its_variant() {
    let ex = examples();
    let events = ex["events"].as_object().unwrap();
    let mut parsed = 0;
    for (name, payload) in events {
        let body = serde_json::to_vec(payload).unwrap();
        let event: WebhookEvent = serde_json::from_slice(&body).unwrap();
        assert_eq!(event.event_type.as_str(), name);
        assert!(!matches!(event.event_type, EventType::Unknown(_)), "{name}");
        assert_eq!(event.object, "event", "{name}");
        assert!(event.instance_id.starts_with("ins_"), "{name}");
        assert_eq!(event.timestamp, 1_716_883_200, "{name}");
        let typed = event.typed().unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(typed.event_type(), name);
        assert!(!matches!(typed, ClerkEvent::Other { .. }), "{name}");
        // The id of the object the event is about survives in the typed payload.
        if let Some(id) = payload["data"]["id"].as_str() {
            assert_eq!(Some(id), typed_id(&typed).as_deref(), "{name}");
        }
        parsed += 1;
    }
    assert_eq!(parsed, 45);
}

fn typed_id(event: &ClerkEvent) -> Option<String> {
    use ClerkEvent as E;
    Some(match event {
        E::UserCreated(u) | E::UserUpdated(u) => u.id.clone(),
        E::UserDeleted(d)
        | E::OrganizationDeleted(d)
        | E::OrganizationDomainDeleted(d)
        | E::RoleDeleted(d)
        | E::PermissionDeleted(d) => d.id.clone()?,
        E::SessionCreated(s)
        | E::SessionPending(s)
        | E::SessionEnded(s)
        | E::SessionRemoved(s)
        | E::SessionRevoked(s) => s.session.id.clone(),
        E::EmailCreated(e) => e.id.clone(),
        E::SmsCreated(s) => s.id.clone(),
        E::OrganizationCreated(o) | E::OrganizationUpdated(o) => o.id.clone(),
        E::OrganizationDomainCreated(d) | E::OrganizationDomainUpdated(d) => d.id.clone(),
        E::OrganizationMembershipCreated(m)
        | E::OrganizationMembershipUpdated(m)
        | E::OrganizationMembershipDeleted(m) => m.id.clone(),
        E::OrganizationInvitationCreated(i)
        | E::OrganizationInvitationAccepted(i)
        | E::OrganizationInvitationRevoked(i) => i.invitation.id.clone(),
        E::RoleCreated(r) | E::RoleUpdated(r) => r.id.clone(),
        E::PermissionCreated(p) | E::PermissionUpdated(p) => p.id.clone(),
        E::WaitlistEntryCreated(w) | E::WaitlistEntryUpdated(w) => w.id.clone(),
        E::SubscriptionCreated(s)
        | E::SubscriptionUpdated(s)
        | E::SubscriptionActive(s)
        | E::SubscriptionPastDue(s) => s.id.clone(),
        E::SubscriptionItemUpdated(s)
        | E::SubscriptionItemActive(s)
        | E::SubscriptionItemCanceled(s)
        | E::SubscriptionItemUpcoming(s)
        | E::SubscriptionItemEnded(s)
        | E::SubscriptionItemAbandoned(s)
        | E::SubscriptionItemIncomplete(s)
        | E::SubscriptionItemPastDue(s)
        | E::SubscriptionItemFreeTrialEnding(s) => s.id.clone(),
        E::PaymentAttemptCreated(p) | E::PaymentAttemptUpdated(p) => p.id.clone(),
        _ => return None,
    })
}

fn typed(name: &str) -> ClerkEvent {
    let ex = examples();
    let event: WebhookEvent = serde_json::from_value(ex["events"][name].clone()).unwrap();
    event.typed().unwrap()
}

#[test]
fn example_fields_land_in_the_models() {
    let ClerkEvent::UserCreated(user) = typed("user.created") else {
        panic!()
    };
    assert_eq!(user.first_name.as_deref(), Some("John"));
    assert_eq!(
        user.primary_email_address_id.as_deref(),
        Some("idn_2g7np7Hrk0SN6kj5EDMLDaKNL0S")
    );

    let ClerkEvent::SessionCreated(s) = typed("session.created") else {
        panic!()
    };
    assert_eq!(
        s.user.as_ref().map(|u| u.first_name.as_deref()),
        Some(Some("John"))
    );
    assert_eq!(s.session.client_id, "client_2g7np7Hrk0SN6kj5EDMLDaKNL0S");

    let ClerkEvent::EmailCreated(e) = typed("email.created") else {
        panic!()
    };
    assert!(e.body.as_deref().is_some_and(|b| b.contains("<html")));

    let ClerkEvent::OrganizationDomainCreated(d) = typed("organizationDomain.created") else {
        panic!()
    };
    assert_eq!(
        d.enrollment_mode,
        OrganizationDomainEnrollmentMode::AutomaticInvitation
    );
    assert_eq!(
        d.public_organization_data.map(|o| o.slug),
        Some("acme-corp".to_owned())
    );

    let ClerkEvent::OrganizationInvitationAccepted(i) = typed("organizationInvitation.accepted")
    else {
        panic!()
    };
    assert_eq!(
        i.user_id.as_deref(),
        Some("user_2h8op3Isl1QR7tKu5FGNfaLKEoU")
    );
    assert_eq!(i.invitation.role, "org:member");

    let ClerkEvent::RoleCreated(r) = typed("role.created") else {
        panic!()
    };
    assert_eq!(r.permissions[0].key, "org:posts:create");

    let ClerkEvent::WaitlistEntryCreated(w) = typed("waitlistEntry.created") else {
        panic!()
    };
    assert_eq!(w.status, WaitlistEntryStatus::Pending);

    let ClerkEvent::SubscriptionCreated(s) = typed("subscription.created") else {
        panic!()
    };
    assert_eq!(s.status, SubscriptionStatus::Active);
    assert_eq!(s.items[0].plan.as_ref().map(|p| p.amount), Some(2000));
    assert_eq!(s.items[0].seats.as_ref().and_then(|x| x.quantity), Some(5));

    let ClerkEvent::SubscriptionItemActive(i) = typed("subscriptionItem.active") else {
        panic!()
    };
    assert_eq!(i.status, SubscriptionItemStatus::Active);
    assert_eq!(i.period_end, None);

    let ClerkEvent::PaymentAttemptCreated(p) = typed("paymentAttempt.created") else {
        panic!()
    };
    assert_eq!(p.status, PaymentAttemptStatus::Pending);
    assert_eq!(
        p.totals.and_then(|t| t.grand_total).map(|a| a.amount),
        Some(2200)
    );
    assert_eq!(
        p.subscription_items[0]
            .credits
            .as_ref()
            .map(|c| c.total.is_some()),
        Some(true)
    );
}
