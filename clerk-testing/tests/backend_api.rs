//! The emulator's Backend API driven through `clerk_core::ClerkClient` over real sockets: the
//! proof that its answers have the shapes clerk-core's models decode.

use clerk_core::ClerkClient;
use clerk_core::api::{Patch, SessionStatus};
use clerk_testing::Emulator;
use serde_json::json;

async fn setup() -> (Emulator, ClerkClient) {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator
        .config_builder()
        .build()
        .unwrap()
        .backend_api_client()
        .unwrap();
    (emulator, client)
}

#[tokio::test]
async fn users_list_get_create_update_metadata_delete_count() {
    let (emulator, client) = setup().await;
    let users = client.users();

    // Demo data, newest first by default.
    let all = users.list().send().await.unwrap();
    let ids: Vec<&str> = all.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(ids, ["user_solo", "user_member", "user_admin"]);
    assert_eq!(all.total_count, None, "users list is a bare array");
    assert_eq!(users.count().send().await.unwrap().total_count, 3);

    let ada = users.get("user_admin").send().await.unwrap();
    assert_eq!(ada.object, "user");
    assert_eq!(
        (ada.first_name.as_deref(), ada.last_name.as_deref()),
        (Some("Ada"), Some("Admin"))
    );
    let email = ada.primary_email_address().unwrap();
    assert_eq!(email.email_address, "ada@example.com");
    assert!(email.is_verified());
    assert!(ada.created_at > 1_600_000_000_000, "timestamps are in ms");

    // Filters.
    let by_email = users
        .list()
        .email_address("MAX@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(by_email.data.len(), 1);
    assert_eq!(by_email.data[0].id, "user_member");
    let by_ids = users
        .list()
        .user_id("user_admin")
        .user_id("user_solo")
        .order_by("first_name")
        .send()
        .await
        .unwrap();
    let names: Vec<_> = by_ids
        .iter()
        .map(|u| u.first_name.clone().unwrap())
        .collect();
    assert_eq!(names, ["Ada", "Sam"]);
    let by_query = users.list().query("solo").send().await.unwrap();
    assert_eq!(by_query.data[0].id, "user_solo");
    let paged = users
        .list()
        .order_by("+created_at")
        .limit(1)
        .offset(1)
        .send()
        .await
        .unwrap();
    assert_eq!(paged.data[0].id, "user_member");
    assert_eq!(
        users
            .count()
            .query("example.com")
            .send()
            .await
            .unwrap()
            .total_count,
        3
    );
    assert_eq!(
        users
            .count()
            .organization_id("org_demo")
            .send()
            .await
            .unwrap()
            .total_count,
        2
    );

    // Create.
    let grace = users
        .create()
        .first_name("Grace")
        .last_name("Hopper")
        .email_address("grace@example.com")
        .username("grace")
        .external_id("ext-1")
        .public_metadata(json!({"plan": "pro", "nested": {"a": 1}}))
        .send()
        .await
        .unwrap();
    assert!(grace.id.starts_with("user_"), "{}", grace.id);
    assert_eq!(
        grace.primary_email_address().unwrap().email_address,
        "grace@example.com"
    );
    assert_eq!(grace.public_metadata["plan"], "pro");
    assert_eq!(users.count().send().await.unwrap().total_count, 4);

    // Duplicate email: 422 in the ClerkErrors shape.
    let err = users
        .create()
        .email_address("grace@example.com")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));
    let api = err.api_error().unwrap();
    assert!(api.has_code("form_identifier_exists"), "{api:?}");
    assert!(api.clerk_trace_id().is_some());

    // Update (PATCH): set and clear.
    let updated = users
        .update(&grace.id)
        .first_name("Amazing Grace")
        .last_name(Patch::Null)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.first_name.as_deref(), Some("Amazing Grace"));
    assert_eq!(updated.last_name, None);
    assert_eq!(updated.username.as_deref(), Some("grace"));
    assert!(updated.updated_at > grace.updated_at);

    // Metadata: deep merge, null removes.
    let merged = users
        .update_metadata(&grace.id)
        .public_metadata(json!({"nested": {"b": 2}, "plan": null}))
        .private_metadata(json!({"secret": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(merged.public_metadata, json!({"nested": {"a": 1, "b": 2}}));
    assert_eq!(merged.private_metadata, Some(json!({"secret": true})));

    // Delete.
    let deleted = users.delete(&grace.id).send().await.unwrap();
    assert!(deleted.deleted);
    assert_eq!(deleted.object, "user");
    assert_eq!(deleted.id.as_deref(), Some(grace.id.as_str()));
    let gone = users.get(&grace.id).send().await.unwrap_err();
    assert!(gone.is_not_found());
    assert!(gone.api_error().unwrap().has_code("resource_not_found"));

    // The user's memberships.
    let memberships = users
        .organization_memberships("user_admin")
        .send()
        .await
        .unwrap();
    assert_eq!(memberships.total_count, Some(1));
    assert_eq!(memberships.data[0].organization.slug, "acme");
    emulator.shutdown().await;
}

#[tokio::test]
async fn sessions_list_get_revoke_and_tokens() {
    let (emulator, client) = setup().await;
    let config = emulator.config_builder().build().unwrap();

    // A session (as the sign-in page would create) through POST /v1/sessions.
    let created: clerk_core::api::Session = client
        .request(http::Method::POST, "/sessions")
        .json(&json!({"user_id": "user_admin"}))
        .send()
        .await
        .unwrap();
    assert!(created.id.starts_with("sess_"));
    assert_eq!(created.status, SessionStatus::Active);
    assert_eq!(
        created.last_active_organization_id.as_deref(),
        Some("org_demo")
    );

    let sessions = client.sessions();
    let listed = sessions
        .list()
        .user_id("user_admin")
        .status(SessionStatus::Active)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.data.len(), 1);
    assert_eq!(listed.data[0].id, created.id);
    assert!(
        sessions
            .list()
            .user_id("user_member")
            .send()
            .await
            .unwrap()
            .is_empty()
    );
    let got = sessions.get(&created.id).send().await.unwrap();
    assert_eq!(got.user_id, "user_admin");
    assert!(got.expire_at > got.created_at);

    // A session token with the org claims, accepted by get_auth_state through the JWKS.
    let token = sessions.create_token(&created.id).send().await.unwrap();
    assert_eq!(token.object, "token");
    let request = http::Request::builder()
        .header("authorization", format!("Bearer {}", token.jwt))
        .body(())
        .unwrap();
    let auth = clerk_core::get_auth_state(&config, &request)
        .await
        .to_auth()
        .unwrap();
    assert_eq!(auth.user_id(), Some("user_admin"));
    assert_eq!(auth.session_id(), Some(created.id.as_str()));
    assert_eq!(auth.org_id(), Some("org_demo"));
    assert_eq!(auth.org_role(), Some("org:admin"));
    assert_eq!(auth.org_slug(), Some("acme"));
    assert!(auth.has("org:invoices:write"));

    // expires_in_seconds and templates.
    let short = sessions
        .create_token(&created.id)
        .expires_in_seconds(5)
        .send()
        .await
        .unwrap();
    let claims = clerk_core::decode_jwt(&short.jwt).unwrap();
    let payload = claims.payload();
    assert_eq!(
        payload["exp"].as_i64().unwrap() - payload["iat"].as_i64().unwrap(),
        5
    );
    // The demo template `demo`; an unknown template is a 404, as in Clerk.
    let templated = sessions
        .create_token_from_template(&created.id, "demo")
        .send()
        .await
        .unwrap();
    let templated = clerk_core::decode_jwt(&templated.jwt).unwrap();
    assert_eq!(templated.payload()["aud"], "emulator");
    let e = sessions
        .create_token_from_template(&created.id, "supabase")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(404));

    // Revoke: the session is revoked and no longer mints tokens.
    let revoked = sessions.revoke(&created.id).send().await.unwrap();
    assert_eq!(revoked.status, SessionStatus::Revoked);
    assert!(
        sessions
            .create_token(&created.id)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert_eq!(
        sessions
            .list()
            .status(SessionStatus::Revoked)
            .send()
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        sessions
            .get("sess_nope")
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn organizations_and_memberships() {
    let (emulator, client) = setup().await;
    let orgs = client.organizations();

    let listed = orgs
        .list()
        .include_members_count(true)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.total_count, Some(1));
    let acme = &listed.data[0];
    assert_eq!(
        (acme.id.as_str(), acme.slug.as_str(), acme.members_count),
        ("org_demo", "acme", Some(2))
    );
    assert_eq!(orgs.get("acme").send().await.unwrap().id, "org_demo");
    assert_eq!(orgs.get("org_demo").send().await.unwrap().name, "Acme Inc.");

    // Create with a creator: the creator becomes an admin.
    let globex = orgs
        .create("Globex Corp")
        .created_by("user_solo")
        .public_metadata(json!({"tier": "gold"}))
        .send()
        .await
        .unwrap();
    assert!(globex.id.starts_with("org_"));
    assert_eq!(globex.slug, "globex-corp");
    assert_eq!(globex.created_by.as_deref(), Some("user_solo"));
    let dup = orgs.create("Other").slug("acme").send().await.unwrap_err();
    assert_eq!(dup.status(), Some(422));
    let missing = client
        .request(http::Method::POST, "/organizations")
        .json(&json!({}))
        .send::<serde_json::Value>()
        .await
        .unwrap_err();
    assert!(missing.api_error().unwrap().has_code("form_param_missing"));

    let mine = orgs.list().user_id("user_solo").send().await.unwrap();
    assert_eq!(mine.data.len(), 1);
    assert_eq!(mine.data[0].id, globex.id);
    assert_eq!(orgs.list().query("glob").send().await.unwrap().len(), 1);
    let by_name = orgs.list().order_by("name").send().await.unwrap();
    assert_eq!(by_name.data[0].name, "Acme Inc.");

    let renamed = orgs
        .update(&globex.id)
        .name("Globex")
        .slug("globex")
        .max_allowed_memberships(3)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (
            renamed.name.as_str(),
            renamed.slug.as_str(),
            renamed.max_allowed_memberships
        ),
        ("Globex", "globex", 3)
    );
    let merged = orgs
        .merge_metadata(&globex.id)
        .public_metadata(json!({"region": "eu"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        merged.public_metadata,
        json!({"tier": "gold", "region": "eu"})
    );

    // Memberships.
    let members = client.organization_memberships();
    let page = members.list("org_demo").send().await.unwrap();
    assert_eq!(page.total_count, Some(2));
    let admin = page.iter().find(|m| m.role == "org:admin").unwrap();
    assert_eq!(admin.id, "orgmem_admin");
    assert_eq!(admin.organization.id, "org_demo");
    assert!(admin.permissions.contains(&"org:invoices:write".to_owned()));
    let pud = admin.public_user_data.as_ref().unwrap();
    assert_eq!(pud.user_id, "user_admin");
    assert_eq!(pud.identifier.as_deref(), Some("ada@example.com"));
    let only_members = members
        .list("org_demo")
        .role("org:member")
        .send()
        .await
        .unwrap();
    assert_eq!(
        only_members.data[0]
            .public_user_data
            .as_ref()
            .unwrap()
            .user_id,
        "user_member"
    );

    let created = members
        .create(&globex.id, "user_member", "org:member")
        .send()
        .await
        .unwrap();
    assert!(created.id.starts_with("orgmem_"));
    assert_eq!(
        created.permissions,
        ["org:sys_memberships:read", "org:invoices:read"]
    );
    let again = members
        .create(&globex.id, "user_member", "org:member")
        .send()
        .await
        .unwrap_err();
    assert!(
        again
            .api_error()
            .unwrap()
            .has_code("already_a_member_in_organization")
    );
    let updated = members
        .update(&globex.id, "user_member", "org:admin")
        .send()
        .await
        .unwrap();
    assert_eq!(updated.role, "org:admin");
    assert_eq!(updated.role_name.as_deref(), Some("Admin"));
    let with_meta = members
        .update_metadata(&globex.id, "user_member")
        .public_metadata(json!({"team": "blue"}))
        .send()
        .await
        .unwrap();
    assert_eq!(with_meta.public_metadata, json!({"team": "blue"}));
    let removed = members
        .delete(&globex.id, "user_member")
        .send()
        .await
        .unwrap();
    assert_eq!(removed.id, created.id);
    assert_eq!(
        members.list(&globex.id).send().await.unwrap().total_count,
        Some(1)
    );
    assert!(
        members
            .delete(&globex.id, "user_member")
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );

    let deleted = orgs.delete(&globex.id).send().await.unwrap();
    assert!(deleted.deleted);
    assert_eq!(deleted.slug.as_deref(), Some("globex"));
    assert!(
        orgs.get(&globex.id)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        members
            .list(&globex.id)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn jwks_through_the_client_and_empty_emulator() {
    let emulator = Emulator::builder()
        .seed_demo_data(false)
        .start()
        .await
        .unwrap();
    let client = ClerkClient::builder()
        .secret_key(emulator.secret_key())
        .api_url(emulator.api_url())
        .build()
        .unwrap();
    let jwks = client.jwks().get().send().await.unwrap();
    assert_eq!(jwks.keys.len(), 1);
    assert!(client.users().list().send().await.unwrap().is_empty());
    assert_eq!(client.users().count().send().await.unwrap().total_count, 0);

    let wrong = ClerkClient::builder()
        .secret_key("sk_test_wrong")
        .api_url(emulator.api_url())
        .build()
        .unwrap();
    let err = wrong.users().list().send().await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(err.api_error().unwrap().has_code("clerk_key_invalid"));
    emulator.shutdown().await;
}
