//! Organization permissions of v2 session tokens (`fea` × `o.per` × `o.fpm`) through the public
//! API: the claims [`verify_token`] returns, and [`Auth::has`](clerk_core::Auth::has) on a
//! signed-in request. A feature is an organization feature when its scope contains `o` (`o:`,
//! `ou:`, `uo:`), so each row's `denied` list holds what a decoder counting only `o:` features
//! would have granted, or would have left out, plus nearby permissions nobody holds.

use clerk_core::{VerifyTokenOptions, get_auth_state, verify_token};
use clerk_testing::protected::V2_ROWS as ROWS;
use clerk_testing::{ClaimsVersion, TestInstance};

/// A v2 token of `instance` for `org:member` of `org_1` with these compact claims.
fn v2_token(instance: &TestInstance, fea: &str, per: &str, fpm: &str) -> String {
    instance
        .token()
        .version(ClaimsVersion::V2)
        .org_id("org_1")
        .org_role("org:member")
        .compact_permissions(fea, per, fpm)
        .sign()
}

async fn auth(instance: &TestInstance, token: &str) -> clerk_core::Auth {
    let config = instance.config_builder().build().expect("config");
    let request = http::Request::builder()
        .header("authorization", format!("Bearer {token}"))
        .body(())
        .expect("request");
    get_auth_state(&config, &request)
        .await
        .to_auth()
        .expect("signed in")
}

#[tokio::test]
async fn v2_rows_verify_to_exactly_the_granted_permissions() {
    let instance = TestInstance::new();
    let options = VerifyTokenOptions::builder()
        .jwt_key(instance.jwt_key())
        .build()
        .expect("options");
    for row in ROWS {
        let token = v2_token(&instance, row.fea, row.per, row.fpm);
        let claims = verify_token(&token, &options).await.expect("verifies");
        let org = claims.organization().expect("an active organization");
        assert_eq!(org.permissions, row.granted, "fea {:?}", row.fea);
    }
}

#[tokio::test]
async fn v2_rows_auth_has_the_granted_permissions_and_no_other() {
    let instance = TestInstance::new();
    for row in ROWS {
        let auth = auth(&instance, &v2_token(&instance, row.fea, row.per, row.fpm)).await;
        assert_eq!(auth.org_permissions(), row.granted, "fea {:?}", row.fea);
        for permission in row.granted {
            assert!(auth.has(permission), "{permission} for fea {:?}", row.fea);
        }
        for permission in row.denied {
            assert!(!auth.has(permission), "{permission} for fea {:?}", row.fea);
        }
        assert!(auth.has("org:member"));
    }
}

#[tokio::test]
async fn v1_tokens_with_the_same_permissions_answer_alike() {
    let instance = TestInstance::new();
    for row in ROWS {
        let token = instance
            .token()
            .org_id("org_1")
            .org_role("org:member")
            .org_permissions(row.granted.iter().copied())
            .sign();
        let auth = auth(&instance, &token).await;
        assert!(row.granted.iter().all(|p| auth.has(p)), "{:?}", row.fea);
        assert!(!row.denied.iter().any(|p| auth.has(p)), "{:?}", row.fea);
    }
}

#[tokio::test]
async fn v2_malformed_compact_claims_grant_no_permission() {
    let instance = TestInstance::new();
    for (fea, per, fpm) in [
        ("uo:reports,o:invoices", "read", "1,x"),
        ("uo:reports,o:invoices", "read", "1,-0"),
        ("uo:reports,o:invoices", "read", "1,2"),
        ("uo:reports,invoices", "read", "1,0"),
        ("uo:reports,o:", "read", "1,0"),
        ("uo:reports,o:invoices:read", "read", "1,0"),
    ] {
        let auth = auth(&instance, &v2_token(&instance, fea, per, fpm)).await;
        assert!(
            auth.org_permissions().is_empty(),
            "{fea:?} {per:?} {fpm:?}: {:?}",
            auth.org_permissions()
        );
        assert!(!auth.has("org:reports:read") && !auth.has("org:invoices:read"));
        // The session and its role stand; only the permissions are withheld.
        assert_eq!(auth.org_role(), Some("org:member"));
    }
}
